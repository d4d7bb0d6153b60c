"""What teaching (+/-) does from a few marks, on real news.

    python bench/teaching.py [--seeds 5] [--marks-on dev-world] [--story PATH|new] [--tuning]
    python bench/teaching.py --story new --marks-on dev-top --later dev-world,wire-dev   # sets tuned on only

The dev set (bench/data/real_dev.jsonl; with --marks-on dev-world, real_dev_world.jsonl, a month
of world headlines earlier than every other set) is replayed through the real ingest path into a fresh
SQLite file with the bundled story, as bench/real_quality.py does (its functions are reused).
Then a simulated user marks N reports (N = 0, 5, 20) through the store's own mark API
(`scoring.mark_on_story`, which rescores the story after each mark, as + and - do in the
dashboard), and the held-out sets real_test.jsonl and real_wire.jsonl are replayed into the
same store, so the marks carry over to reports that arrive later, as in real use. Figures on
test and wire are the engine's verdict as each report arrived (what the user saw then); for
N = 0 the same store is built without marks, so the columns differ only by the marks.

Two users, both on dev only (test and wire are never read to choose anything):

- "in order": reads the dev reports once, oldest first, the dashboard's verdict as it stands
  when they reach each one, and marks every one it has wrong (shown on the story but off it,
  or on the story but not shown: a reader who looks through everything, not only the story's
  view), until N marks; each mark rescores before they read on.
- "random": N dev reports drawn with a fixed seed, each marked as its label says, whether the
  engine had it right or not; the median over `--seeds` seeds.

What the engine learned is printed from the story's model after the marks
(store/story_model.py, relevance.build_model): the words that gained weight for the story
(on-story feedback: in the model's weights after the marks and not before) and against it
(the model's `against`), heaviest first.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from real_quality import ROOT, SETS, STORY_HELP, _flag, counts, prf, read, replay, story_path  # noqa: E402

from storywatch.store import scoring  # noqa: E402
from storywatch.store.db import open_db  # noqa: E402
from storywatch.store.story import ensure_story, load_story  # noqa: E402
from storywatch.store.story_model import story_state  # noqa: E402
from storywatch.store.text import relevance  # noqa: E402

MARKS = (0, 5, 20)
SHOWN_TERMS = 10


def random_marks(items: list[dict], n: int, seed: int) -> list[dict]:
    """N labelled reports drawn with a fixed seed, in time order: the same for the same seed."""
    drawn = random.Random(seed).sample(sorted(items, key=lambda i: i["id"]), min(n, len(items)))
    return sorted(drawn, key=lambda i: (i["first_seen_at"], i["id"]))


def learned_terms(
    before: dict[str, float],
    after_weights: dict[str, float],
    against: dict[str, float],
    marked_on: list[frozenset[str]],
    marked_off: list[frozenset[str]],
    limit: int = SHOWN_TERMS,
) -> tuple[list[tuple[str, float, int]], list[tuple[str, float, int]]]:
    """The words the marks added for the story (weights after and not before) and against it,
    each with how many of the marked reports use it; most used first, then heaviest, at most
    `limit` of each. A word of one marked report alone (a name, a rare word) gets a heavy
    weight too, but says little about what the marks taught."""
    gained = {term: weight for term, weight in after_weights.items() if term not in before}
    return _most_used(gained, marked_on, limit), _most_used(against, marked_off, limit)


def _most_used(weights: dict[str, float], marked: list[frozenset[str]], limit: int) -> list[tuple[str, float, int]]:
    used = [(term, weight, sum(term in terms for terms in marked)) for term, weight in weights.items()]
    return sorted(used, key=lambda twk: (-twk[2], -twk[1], twk[0]))[:limit]


def costliest(weights: dict[str, float], reports: list[frozenset[str]], limit: int = SHOWN_TERMS) -> list[tuple[str, int]]:
    """The learned words that weigh most in these reports all told (weight times how many use
    it), with how many use it: what moved them."""
    total: dict[str, float] = {}
    uses: dict[str, int] = {}
    for terms in reports:
        for term in terms & weights.keys():
            total[term] = total.get(term, 0.0) + weights[term]
            uses[term] = uses.get(term, 0) + 1
    return [(term, uses[term]) for term in sorted(total, key=lambda t: (-total[t], t))[:limit]]


STORY = [ROOT / "seeds" / "story.toml"]  # the story file taught (--story)


def _story_id(db) -> int:
    return ensure_story(db, load_story(STORY[0]))


def _articles(db, items: list[dict]) -> dict[str, int]:
    """The stored article of each dev report (by its guid); a folded duplicate has none."""
    found = dict(db.execute("SELECT guid, id FROM articles WHERE guid IS NOT NULL").fetchall())
    return {item["id"]: found[item["id"]] for item in items if item["id"] in found}


def terms_of(item: dict) -> frozenset[str]:
    return relevance.item_terms(item["title"], item["summary"])


def mark_in_order(db, story_id: int, items: list[dict], n: int) -> list[dict]:
    """The "in order" user: oldest first, mark each report the dashboard has wrong right now."""
    article_of = _articles(db, items)
    marked = []
    for item in sorted(items, key=lambda i: (i["first_seen_at"], i["id"])):
        if len(marked) == n:
            break
        article = article_of.get(item["id"])
        if article is None or _flag(db, story_id, article) == item["on_story"]:
            continue
        scoring.mark_on_story(db, article, item["on_story"], story_id=story_id)
        marked.append(item)
    return marked


def mark_these(db, story_id: int, items: list[dict], chosen: list[dict]) -> list[dict]:
    article_of = _articles(db, items)
    marked = [item for item in chosen if item["id"] in article_of]
    for item in marked:
        scoring.mark_on_story(db, article_of[item["id"]], item["on_story"], story_id=story_id)
    return marked


def run(base: Path, work: Path, dev: list[dict], held_out: dict[str, list[dict]], choose) -> dict:
    """Copy the dev store, let `choose(db, story_id)` mark reports, replay the held-out sets."""
    shutil.copy(base, work)
    db = open_db(work)
    try:
        story_id = _story_id(db)
        before = dict(story_state(db, story_id).model.weights)
        article_of = _articles(db, dev)
        dev_before = {key: _flag(db, story_id, article) for key, article in article_of.items()}
        marked = choose(db, story_id)
        model = story_state(db, story_id).model
        learned = learned_terms(
            before, model.weights, model.against,
            [terms_of(i) for i in marked if i["on_story"]], [terms_of(i) for i in marked if not i["on_story"]],
        )
        unmarked = [i for i in dev if i["id"] in article_of and i not in marked]
        dev_now = {i["id"]: _flag(db, story_id, article_of[i["id"]]) for i in unmarked}
        lost = [terms_of(i) for i in unmarked if i["on_story"] and dev_before[i["id"]] and not dev_now[i["id"]]]
        won = [terms_of(i) for i in unmarked if i["on_story"] and not dev_before[i["id"]] and dev_now[i["id"]]]
        gained = {t: w for t, w in model.weights.items() if t not in before}
    finally:
        db.conn.close()
    result = {
        "marked": marked, "learned": learned, "dev": counts(unmarked, dev_now),
        "gained": len(gained), "against": len(model.against), "widened": dict(model.widened),
        "lost": (len(lost), costliest(model.against, lost)), "won": (len(won), costliest(gained, won)),
    }
    for name, items in held_out.items():
        arrived, _after, _score = replay(items, work, STORY[0])
        result[name] = counts(items, arrived)
    return result


LATER = ("test", "wire")  # the sets replayed after the marks (--tuning: wire-dev alone)


def line(label: str, result: dict) -> str:
    parts = [f"  {label:<22}"]
    for name in LATER:
        p, r, f = prf(*result[name])
        parts.append(f"{name} P {p:.3f} R {r:.3f} F1 {f:.3f}")
    wire = LATER[-1]
    parts.append(f"{wire} fp {result[wire][1]}")
    p, r, f = prf(*result["dev"])
    parts.append(f"(dev unmarked F1 {f:.3f})")
    return "  ".join(parts)


def median_result(results: list[dict]) -> dict:
    """Figures of the median seed by test F1 + wire F1 (a whole run's figures, not a mix)."""
    ranked = sorted(results, key=lambda r: sum(prf(*r[name])[2] for name in LATER))
    return ranked[(len(ranked) - 1) // 2]


def show_learned(result: dict) -> None:
    gained, against = result["learned"]
    marked = result["marked"]
    on = sum(i["on_story"] for i in marked)
    print(f"      marked {len(marked)}: {on} on the story, {len(marked) - on} off")
    print(f"      learned for ({result['gained']} words):     " + _terms(gained))
    print(f"      learned against ({result['against']} words): " + _terms(against))
    if result.get("widened"):
        print("      now evidence of a facet: " + ", ".join(f"{word} ({facet})" for word, facet in sorted(result["widened"].items())))
    for key, what, side in (("won", "now shown", "for"), ("lost", "no longer shown", "against")):
        n, words = result[key]
        if n:
            print(f"      on-story dev reports {what}: {n}; the {side} words that weigh most in them: "
                  + ", ".join(f"{term} ({uses})" for term, uses in words))


def _terms(learned: list[tuple[str, float, int]]) -> str:
    return ", ".join(f"{term} {weight:.2f} ({uses})" for term, weight, uses in learned) or "nothing"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="random draws per N for the random user")
    parser.add_argument("--marks-on", default="dev", choices=("dev", "dev-world", "dev-top", "dev-top2", "dev-top-summer"),
                        help="the set tuned on that the user marks (default dev; dev-world: a month of world headlines)")
    parser.add_argument("--story", type=story_path, default=STORY[0], help=STORY_HELP)
    parser.add_argument("--tuning", action="store_true",
                        help="replay wire-dev (a set tuned on) after the marks instead of the held-out test and wire,"
                             " to choose by")
    parser.add_argument("--later", default=None, metavar="SETS",
                        help="the sets replayed after the marks, comma-separated (default test,wire): later sets"
                             " tuned on, such as dev-world or dev-top2 after marks on dev-top, to choose by;"
                             " the last one's false positives are counted")
    args = parser.parse_args()
    STORY[0] = args.story
    started = time.perf_counter()
    dev = read(dict(SETS)[args.marks_on])
    global LATER
    if args.tuning:
        LATER = ("wire-dev",)
    if args.later:
        known = dict(SETS)
        LATER = tuple(name.strip() for name in args.later.split(",") if name.strip())
        unknown = [name for name in LATER if name not in known]
        if unknown or not LATER:
            parser.error(f"--later: no set named {', '.join(unknown) or '(none)'}; the sets: {', '.join(known)}")
    held_out = {name: read(dict(SETS)[name]) for name in LATER}
    print(f"Teaching on real news: marks on {args.marks_on}, then {' and '.join(LATER)} replayed into the same store")
    print("  verdict as each report arrived, at the story file's threshold; wire fp = off-story reports shown")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "dev.db"
        replay(dev, base, STORY[0])
        work = Path(tmp) / "run.db"
        baseline = run(base, work, dev, held_out, lambda db, story_id: [])
        print("\nin order (oldest first, each report the dashboard has wrong when reached):")
        print(line("N=0", baseline))
        for n in MARKS[1:]:
            result = run(base, work, dev, held_out, lambda db, story_id, n=n: mark_in_order(db, story_id, dev, n))
            print(line(f"N={n} ({len(result['marked'])} marked)", result))
            show_learned(result)
        print(f"\nrandom (N labelled dev reports, seeds 0..{args.seeds - 1}; the median seed by test F1 + wire F1):")
        print(line("N=0", baseline))
        for n in MARKS[1:]:
            results = [
                run(base, work, dev, held_out,
                    lambda db, story_id, n=n, seed=seed: mark_these(db, story_id, dev, random_marks(dev, n, seed)))
                for seed in range(args.seeds)
            ]
            middle = median_result(results)
            print(line(f"N={n} median", middle))
            wire = LATER[-1]
            spread = [prf(*r[wire])[0] for r in results]
            print(f"      dev unmarked F1 per seed: {[round(prf(*r['dev'])[2], 3) for r in results]}")
            print(f"      {wire} fp per seed: {[r[wire][1] for r in results]}, {wire} P {min(spread):.3f}..{max(spread):.3f}"
                  + "".join(f", {name} F1 {min(prf(*r[name])[2] for r in results):.3f}..{max(prf(*r[name])[2] for r in results):.3f}"
                            for name in LATER[:-1]))
            show_learned(middle)
    print(f"\nteaching bench took {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
