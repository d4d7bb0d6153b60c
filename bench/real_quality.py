"""Relevance on real feed histories: the engine's verdict beside a keyword filter.

    python bench/real_quality.py          # also run first by bench/quality.py
    python bench/real_quality.py --sets dev,dev-headlines,wire-dev,dev-world,dev-top,dev-top2,dev-top-summer,dev-nyt,dev-defense,dev-week,dev-week-nov,dev-week-oct,dev-week-jan,dev-week-jan12,dev-week-feb,dev-week-jan5,dev-week-nov17,dev-week-dec1,dev-week-dec15,dev-week-jan26,dev-week-dec8,dev-week-nov10,dev-week-feb2,dev-week-oct27,dev-week-nov24,dev-week-dec29,dev-week-feb16   # tuned on
    python bench/real_quality.py --story PATH   # another story file on the same sets
    python bench/real_quality.py --story new    # the bundled seeds and title as `storywatch new` makes a story: no facets

Each real set (bench/data/real_*.jsonl, made with bench/realdata.py from git-scraped feed
histories and labelled by hand, see bench/data/REAL_DATA.md and LABELS.md) is replayed through
the real ingest path into a fresh SQLite file with the bundled story's seeds, poll by poll in
the order the feed first showed the items (one poll per first_seen_at). The verdict counted is
the engine's on_story flag at the story's own threshold (seeds/story.toml), nothing tuned:
"as it arrived" is the flag stored when the item was ingested (what the user saw then), "after
rescore" the flag once the whole set is in and the story is rescored against that background.
The keyword filter is the regex cartel|sheinbaum|narco over title and summary, any case.

The dev and test sets are candidate sets (every item a broad net caught, plus a random sample
of the rest), not a feed's whole history; the wire sets are whole stretches of one wire feed:
wire (1-22 Aug 2026) is held out, wire-dev (1-22 Jul 2026, no link shared with the other sets)
is for tuning false positives; dev-world (Reuters world headlines, 23 Nov - 18 Dec 2025, the whole
stretch) and dev-top (Google News' US top stories, 1 Sep - 22 Nov 2025, the whole stretch) are
the earliest months and are tuned on for both, as are dev-top2 (the same top stories, 23 Nov 2025 -
28 Feb 2026, up to test's first month) and dev-top-summer (24 Jul - 31 Aug 2025, before the boat
strikes); top-heldout (the same top stories, May - June 2026)
is a second held-out set, and top-late (the same top stories, 1 Jul - 22 Aug 2026, the archive's
last weeks; labelled in session 17 and committed before the engine's first run on it) a third,
and top-spring (the same top stories, 1 Mar - 30 Apr 2026, test's first months; session 17 too) a
fourth; wire-june (the wire feed's whole June 2026, session 18, labelled and committed before the
engine's first run on it) is a second held-out wire month; reuters-spring (Reuters world news with
its summaries, 28 Feb - 16 Apr 2026, the whole stretch; session 19, labelled and committed before
the engine's first run on it) a seventh held-out set, from the first weeks of the US-Iran war.
dev-nyt (the New York Times' world feed with its one-sentence summaries, 1 Oct - 27 Dec 2025, the
whole stretch) and dev-defense (Defense One, UPI, AFP and SpaceWar defence news, 23 Sep - 11 Oct
2025) came in session 23, another outlet's words in the tuning months: each was labelled and
committed before the engine's first run on it, so that first run is a fresh figure, then tuned on.
world-week (session 23) is an eighth held-out set: a whole week (4 - 10 May 2026, drawn at random
among the weeks of March - August 2026) of a merged world-news feed, ~90 outlets' headlines (AP,
the Guardian, Al Jazeera, the Straits Times, TASS, Xinhua, Indian and Bangladeshi papers, ...),
labelled and committed before the engine's first run on it. dev-week is its twin to tune on: the
same firehose's week of 22 - 28 December 2025 (drawn the same way among the weeks before March),
and dev-week-nov a second, 3 - 9 November 2025 (the next draw), dev-week-oct a third, 20 - 26
October 2025 (the draw after), dev-week-jan a fourth, 19 - 25 January 2026 (the fifth draw; the
fourth repeated the first), dev-week-jan12 and dev-week-feb (session 24: the sixth and seventh
draws), dev-week-jan5 (session 25, the eighth draw: the week after Maduro's capture), dev-week-nov17 (session
25, the ninth draw: 17 - 23 November 2025), dev-week-dec1 (session 26, the tenth draw: 1 - 7 December 2025,
the "double-tap" strike scandal), dev-week-dec15 (session 26, the eleventh draw: 15 - 21 December 2025),
dev-week-jan26 (session 27, the twelfth draw: 26 January - 1 February 2026) and dev-week-dec8 (session 29, the
fourteenth draw: 8 - 14 December 2025; the thirteenth repeated 20 October) and dev-week-nov10 (session 30, the
seventeenth draw: 10 - 16 November 2025; the fifteenth and sixteenth repeated 26 January and 20 October) and
dev-week-feb2 (session 30, the nineteenth draw: 2 - 8 February 2026; the eighteenth repeated 3 November),
dev-week-oct27 (session 31, the twenty-fifth draw: 27 October - 2 November 2025; the twentieth to twenty-fourth
repeated earlier weeks), dev-week-nov24 (session 31, the twenty-ninth draw: 24 - 30 November 2025),
dev-week-dec29 (session 31, the thirty-fourth draw: 29 December 2025 - 4 January 2026, the week of Maduro's
capture) and dev-week-feb16 (session 31, the forty-third draw: 16 - 22 February 2026, the week El Mencho was
killed by the Mexican army). world-week-mar (16 - 22 March 2026), world-week-mar2 (2 - 8 March 2026),
world-week-jul6 (6 - 12 July 2026) and world-week-jun1 (1 - 7 June 2026) are the held-out generator's second,
third, fourth and sixth draws (the fifth repeated the first; sessions 24, 25 and 26), world-week-may25
(25 - 31 May 2026) and world-week-jun22 (22 - 28 June 2026) its seventh and eighth (session 28),
world-week-may18 (18 - 24 May 2026) its ninth (session 31), and world-week-mar30 (30 March - 5 April 2026),
world-week-aug10 (10 - 16 August 2026), world-week-apr13 (13 - 19 April 2026) and world-week-apr27 (27 April -
3 May 2026) its tenth to thirteenth (session 32), and world-week-jun8 (8 - 14 June 2026), world-week-apr20
(20 - 26 April 2026) and world-week-jul13 (13 - 19 July 2026) its fourteenth, sixteenth and seventeenth (the
fifteenth repeated 2 March; session 33), each labelled and committed before the engine's first run on it.
Mistakes are listed for the sets tuned on only: the held-out sets are never read to choose
anything, their mistakes only counted by kind, and they are added up at the end.
"""

from __future__ import annotations

import argparse
import atexit
import itertools
import json
import re
import shutil
import tempfile
import time
import tomllib
from collections import Counter
from pathlib import Path

from storywatch.store import scoring
from storywatch.store.db import open_db
from storywatch.store.ingest import ingest_items
from storywatch.store.records import ArticleRecord
from storywatch.store.story import ensure_story, load_story

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
TUNED, HELD_OUT = True, False
# Each real set: its name, its file, whether it is tuned on (its mistakes are listed; the others are
# held out, their mistakes only counted by kind) and, for a feed's whole stretch, what that stretch is
# (its false positives are then a month's or a week's).
REAL_SETS = (
    ("dev", "real_dev.jsonl", TUNED, None),
    ("dev-headlines", "real_dev_headlines.json", TUNED, None),
    ("test", "real_test.jsonl", HELD_OUT, None),
    ("wire", "real_wire.jsonl", HELD_OUT, "month"),
    ("wire-june", "real_wire_june.jsonl", HELD_OUT, "month"),
    ("wire-dev", "real_wire_dev.jsonl", TUNED, "month"),
    ("dev-world", "real_dev_world.jsonl", TUNED, None),
    ("dev-top", "real_dev_top.jsonl", TUNED, None),
    ("dev-top2", "real_dev_top2.jsonl", TUNED, None),
    ("dev-top-summer", "real_dev_top_summer.jsonl", TUNED, None),
    ("top-heldout", "real_top_heldout.jsonl", HELD_OUT, "month"),
    ("top-late", "real_top_late.jsonl", HELD_OUT, "month"),
    ("top-spring", "real_top_spring.jsonl", HELD_OUT, "month"),
    ("reuters-spring", "real_reuters_spring.jsonl", HELD_OUT, "month"),
    ("dev-nyt", "real_dev_nyt.jsonl", TUNED, None),
    ("dev-defense", "real_dev_defense.jsonl", TUNED, None),
    ("dev-week", "real_dev_week.jsonl", TUNED, "week"),
    ("dev-week-nov", "real_dev_week_nov.jsonl", TUNED, "week"),
    ("dev-week-oct", "real_dev_week_oct.jsonl", TUNED, "week"),
    ("dev-week-jan", "real_dev_week_jan.jsonl", TUNED, "week"),
    ("dev-week-jan12", "real_dev_week_jan12.jsonl", TUNED, "week"),
    ("dev-week-feb", "real_dev_week_feb.jsonl", TUNED, "week"),
    ("dev-week-jan5", "real_dev_week_jan5.jsonl", TUNED, "week"),
    ("dev-week-nov17", "real_dev_week_nov17.jsonl", TUNED, "week"),
    ("dev-week-dec1", "real_dev_week_dec1.jsonl", TUNED, "week"),
    ("dev-week-dec15", "real_dev_week_dec15.jsonl", TUNED, "week"),
    ("dev-week-jan26", "real_dev_week_jan26.jsonl", TUNED, "week"),
    ("dev-week-dec8", "real_dev_week_dec8.jsonl", TUNED, "week"),
    ("dev-week-nov10", "real_dev_week_nov10.jsonl", TUNED, "week"),
    ("dev-week-feb2", "real_dev_week_feb2.jsonl", TUNED, "week"),
    ("dev-week-oct27", "real_dev_week_oct27.jsonl", TUNED, "week"),
    ("dev-week-nov24", "real_dev_week_nov24.jsonl", TUNED, "week"),
    ("dev-week-dec29", "real_dev_week_dec29.jsonl", TUNED, "week"),
    ("dev-week-feb16", "real_dev_week_feb16.jsonl", TUNED, "week"),
    ("world-week", "real_world_week.jsonl", HELD_OUT, "week"),
    ("world-week-mar", "real_world_week_mar.jsonl", HELD_OUT, "week"),
    ("world-week-mar2", "real_world_week_mar2.jsonl", HELD_OUT, "week"),
    ("world-week-jul6", "real_world_week_jul6.jsonl", HELD_OUT, "week"),
    ("world-week-jun1", "real_world_week_jun1.jsonl", HELD_OUT, "week"),
    ("world-week-may25", "real_world_week_may25.jsonl", HELD_OUT, "week"),
    ("world-week-jun22", "real_world_week_jun22.jsonl", HELD_OUT, "week"),
    ("world-week-may18", "real_world_week_may18.jsonl", HELD_OUT, "week"),
    ("world-week-mar30", "real_world_week_mar30.jsonl", HELD_OUT, "week"),
    ("world-week-aug10", "real_world_week_aug10.jsonl", HELD_OUT, "week"),
    ("world-week-apr13", "real_world_week_apr13.jsonl", HELD_OUT, "week"),
    ("world-week-apr27", "real_world_week_apr27.jsonl", HELD_OUT, "week"),
    ("world-week-jun8", "real_world_week_jun8.jsonl", HELD_OUT, "week"),
    ("world-week-apr20", "real_world_week_apr20.jsonl", HELD_OUT, "week"),
    ("world-week-jul13", "real_world_week_jul13.jsonl", HELD_OUT, "week"),
)
SETS = tuple((name, DATA / file) for name, file, _, _ in REAL_SETS)
KEYWORDS = re.compile(r"cartel|sheinbaum|narco", re.IGNORECASE)
WHOLE_STRETCHES = {name: stretch for name, _, _, stretch in REAL_SETS if stretch}
LIST_MISTAKES = tuple(name for name, _, tuned, _ in REAL_SETS if tuned)


def read(path: Path) -> list[dict]:
    if path.suffix == ".json":  # a set derived from another (real_dev_headlines.json)
        return derived(json.loads(path.read_text(encoding="utf-8")))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def derived(spec: dict) -> list[dict]:
    """dev as a headline-only feed shows it (most of test is AP headlines with no summary, while
    dev's Reuters and France 24 items have long ones): summaries dropped, and the on-story items
    whose headline alone does not say they are on the story relabelled off (LABELS.md rule 7)."""
    off = set(spec["headline_off"])
    items = read(DATA / spec["from"])
    return [
        dict(item, summary="", on_story=item["on_story"] and item["id"] not in off)
        | ({"kind": "headline-says-too-little"} if item["id"] in off else {})
        for item in items
    ]


def keyword_verdict(item: dict) -> bool:
    return bool(KEYWORDS.search(item["title"] + " " + item["summary"]))


def counts(items: list[dict], predicted: dict[str, bool]) -> tuple[int, int, int]:
    tp = sum(1 for i in items if i["on_story"] and predicted[i["id"]])
    fp = sum(1 for i in items if not i["on_story"] and predicted[i["id"]])
    fn = sum(1 for i in items if i["on_story"] and not predicted[i["id"]])
    return tp, fp, fn


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


STORY = ROOT / "seeds" / "story.toml"
STORY_HELP = 'another story file, or "new": the bundled seeds and title with no [[facets]], as `storywatch new` makes a story (default: the bundled story)'


def story_path(given: str) -> Path:
    """`--story`: a story file, or "new" for the bundled story as a user would make it with
    `storywatch new --title TITLE --seed ...` from the same seeds: its [story] table alone,
    with no declared facets (the title's halves name them), tags or feeds."""
    if given != "new":
        return Path(given)
    folder = Path(tempfile.mkdtemp(prefix="storywatch-new-story-"))
    atexit.register(shutil.rmtree, folder, True)
    bundled = tomllib.loads(STORY.read_text(encoding="utf-8"))["story"]
    for seed in sorted(STORY.parent.glob("*.txt")):
        shutil.copy(seed, folder / seed.name)
    lines = ["[story]"] + [f"{key} = {json.dumps(value)}" for key, value in bundled.items()]
    (folder / "story.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "story.toml"


def replay(
    items: list[dict], path: Path, story: Path = STORY
) -> tuple[dict[str, bool], dict[str, bool], dict[str, float]]:
    """Ingest the items poll by poll; return (verdict as it arrived, verdict after rescore, score)."""
    db = open_db(path)
    try:
        story_id = ensure_story(db, load_story(story))
        order = sorted(items, key=lambda i: (i["first_seen_at"], i["id"]))
        article_of: dict[str, int | None] = {}
        arrived: dict[str, bool] = {}
        for seen_at, poll in itertools.groupby(order, key=lambda i: i["first_seen_at"]):
            for item in poll:
                record = ArticleRecord(
                    title=item["title"],
                    url=item["url"],
                    guid=item["id"],
                    summary=item["summary"],
                    source=item["source"],
                    published_at=item["published_at"],
                )
                result = ingest_items(db, [record], seen_at=seen_at)
                ids = result.new_ids or result.updated_ids
                article_of[item["id"]] = ids[0] if ids else None
                arrived[item["id"]] = _flag(db, story_id, article_of[item["id"]])
                if article_of[item["id"]] is not None:
                    WHY[item["id"]] = _reasons(db, story_id, article_of[item["id"]])
        scoring.rescore_story(db, story_id)
        after = {key: _flag(db, story_id, article) for key, article in article_of.items()}
        stored = dict(db.execute("SELECT article_id, score FROM relevance WHERE story_id = ?", [story_id]).fetchall())
        score = {key: stored.get(article, 0.0) for key, article in article_of.items()}
    finally:
        db.conn.close()
    return arrived, after, score


WHY: dict[str, str] = {}  # the reasons a report's verdict gave as it arrived, for --why


def _reasons(db, story_id: int, article_id: int) -> str:
    row = db.execute(
        "SELECT reasons FROM relevance WHERE story_id = ? AND article_id = ?", [story_id, article_id]
    ).fetchone()
    return "; ".join(json.loads(row[0])[:3]) if row else ""


def _flag(db, story_id: int, article_id: int | None) -> bool:
    if article_id is None:  # folded into an earlier item (a duplicate): judged as that one
        return False
    row = db.execute(
        "SELECT on_story FROM relevance WHERE story_id = ? AND article_id = ?", [story_id, article_id]
    ).fetchone()
    return bool(row and row[0])


def row(name: str, tp: int, fp: int, fn: int) -> str:
    p, r, f = prf(tp, fp, fn)
    return f"  {name:<34} P {p:.3f}  R {r:.3f}  F1 {f:.3f}   (tp {tp}, fp {fp}, fn {fn})"


def report(name: str, items: list[dict], arrived, after, score) -> None:
    on = sum(i["on_story"] for i in items)
    days = f"{min(i['first_seen_at'] for i in items)[:10]} .. {max(i['first_seen_at'] for i in items)[:10]}"
    feeds = ", ".join(sorted({i["feed"] for i in items}))
    print(f"\n{name}: {len(items)} reports ({feeds}, first seen {days}), {on} on the story")
    keyword = {i["id"]: keyword_verdict(i) for i in items}
    for label, predicted in (
        ("engine, as it arrived", arrived),
        ("engine, after rescore", after),
        ("keywords cartel|sheinbaum|narco", keyword),
    ):
        tp, fp, fn = counts(items, predicted)
        print(row(label, tp, fp, fn))
    if name in WHOLE_STRETCHES:
        for label, predicted in (("engine, as it arrived", arrived), ("keywords", keyword)):
            fp = counts(items, predicted)[1]
            print(f"  false positives in the {WHOLE_STRETCHES[name]}, {label}: {fp} of {len(items) - on} off-story reports")
    wrong_on = [i for i in items if not i["on_story"] and arrived[i["id"]]]
    missed = [i for i in items if i["on_story"] and not arrived[i["id"]]]
    if name not in LIST_MISTAKES:  # held out: how many of each kind, never which reports
        print(f"  false positives as it arrived, by kind: {_kinds(wrong_on)}; misses: {_kinds(missed)}")
    else:
        print(f"  false positives as it arrived ({len(wrong_on)}), by kind: {_kinds(wrong_on)}")
        for item in sorted(wrong_on, key=lambda i: i["kind"]):
            print(f"    {item['kind']:<20} {score[item['id']]:.2f}  {item['title'][:88]}")
            if SHOW_WHY:
                print(f"{'':<31}{WHY.get(item['id'], '')}")
        print(f"  misses as it arrived ({len(missed)}), by kind: {_kinds(missed)}")
        for item in sorted(missed, key=lambda i: i["kind"]):
            print(f"    {item['kind']:<20} {score[item['id']]:.2f}  {item['title'][:88]}")
            if SHOW_WHY:
                print(f"{'':<31}{WHY.get(item['id'], '')}")


def _kinds(items: list[dict]) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in Counter(i["kind"] for i in items).most_common()) or "none"


SHOW_WHY = False


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--story", type=story_path, default=STORY, help=STORY_HELP)
    parser.add_argument("--why", action="store_true",
                        help="under each listed mistake, the reasons its verdict gave as it arrived")
    parser.add_argument("--sets", help="only these sets, comma-separated (e.g. dev,dev-headlines,wire-dev)")
    args = parser.parse_args(argv)
    global SHOW_WHY
    SHOW_WHY = args.why
    chosen = set(args.sets.split(",")) if args.sets else None
    started = time.perf_counter()
    held_out: list[tuple[str, tuple[int, int, int]]] = []
    print("Relevance on real feed histories (bench/data/real_*.jsonl; sources in bench/data/REAL_DATA.md)")
    print("  engine verdict at the story file's threshold, nothing tuned; keywords = regex cartel|sheinbaum|narco")
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in SETS:
            if (chosen and name not in chosen) or not path.exists():
                continue
            items = read(path)
            begun = time.perf_counter()
            arrived, after, score = replay(items, Path(tmp) / f"real-{name}.db", args.story)
            report(name, items, arrived, after, score)
            print(f"  ({time.perf_counter() - begun:.1f} s to replay {len(items)} reports)")
            if name not in LIST_MISTAKES:
                held_out.append((name, counts(items, arrived)))
    if len(held_out) > 1:  # the goal is over real coverage: every held-out set at once
        tp, fp, fn = (sum(c[i] for _, c in held_out) for i in range(3))
        print(f"\nheld out together ({', '.join(name for name, _ in held_out)}), as it arrived:")
        print(row("engine", tp, fp, fn))
    print(f"\nreal sets took {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
