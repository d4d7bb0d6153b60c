"""What a new report adds: the cost of novelty marking per article, and how it judges the
labelled on-story items of bench/data.

    python bench/novelty.py [--articles 3000]

1. Pure cost: sentence splitting, units and the verdict for each of `--articles` news-like
   on-story items (bench/newsgen.py's recombined real text), against what the story knows
   (the bundled seeds, then every earlier item): median and 95th percentile microseconds.
2. Stored cost: the same items through the real ingest path (a temporary SQLite file with the
   bundled story), timing `store.novelty.note_article` (lookup of what is known, the verdict,
   the rows written) inside each poll's transaction; and the size of what is known.
3. Judgement on the labelled items (eval_items, eval_fresh, eval_blind; on-story only, in file
   order, which is the order of events): of the items that open a new event, the share with a
   new sentence (higher is better); of those repeating an event already seen (another
   outlet's report of it, or a copy), the share with one (lower is better); and examples.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from newsgen import DATA, Corpus, news_items  # noqa: E402

from storywatch.store.text.novelty import article_fields, novel_sentences, text_units  # noqa: E402

STORY_FILE = HERE.parent / "seeds" / "story.toml"


def seed_texts() -> list[str]:
    return [path.read_text() for path in sorted(STORY_FILE.parent.glob("*.txt"))]


def pure_cost(items) -> list[float]:
    known: set[int] = set()
    for text in seed_texts():
        known |= text_units(text)
    timings = []
    for item in items:
        started = time.perf_counter()
        learned: set[int] = set()
        for _, text in article_fields(item.title, item.summary, item.body):
            novel_sentences(text, known, learned)
        known |= learned
        timings.append((time.perf_counter() - started) * 1e6)
    return timings


def stored_cost(items) -> tuple[list[float], int, int, int]:
    from storywatch.store import novelty
    from storywatch.store.db import open_db
    from storywatch.store.ingest import ingest_items
    from storywatch.store.story import ensure_story, load_story

    timings: list[float] = []
    original = novelty.note_article

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            timings.append((time.perf_counter() - started) * 1e6)

    novelty.note_article = timed
    try:
        with tempfile.TemporaryDirectory() as folder:
            db = open_db(Path(folder) / "bench.db")
            ensure_story(db, load_story(STORY_FILE))
            for start in range(0, len(items), 50):
                ingest_items(db, items[start : start + 50])
            counts = [db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("story_knowledge", "developments")]
            on = db.execute("SELECT count(*) FROM relevance WHERE on_story = 1").fetchone()[0]
            db.close()
    finally:
        novelty.note_article = original
    return timings, counts[0], counts[1], on


def judgement(show: int) -> None:
    known: set[int] = set()
    for text in seed_texts():
        known |= text_units(text)
    events_seen: set[str] = set()
    groups_seen: set[str] = set()
    tallies = {"new event": [0, 0], "same event, other report": [0, 0], "copy (same group)": [0, 0]}
    examples: dict[str, list[str]] = {key: [] for key in tallies}
    for name in ("eval_items", "eval_fresh", "eval_blind"):
        for line in (DATA / f"{name}.jsonl").read_text().splitlines():
            row = json.loads(line)
            if not row["on_story"]:
                continue
            kind = (
                "copy (same group)" if row["duplicate_group"] in groups_seen
                else "same event, other report" if row["event"] in events_seen else "new event"
            )
            learned: set[int] = set()
            marked = []
            for _, text in article_fields(row["title"], row["summary"], ""):
                marked += [text[a:b] for a, b, _ in novel_sentences(text, known, learned)]
            known |= learned
            events_seen.add(row["event"])
            groups_seen.add(row["duplicate_group"])
            tallies[kind][0] += bool(marked)
            tallies[kind][1] += 1
            if marked and len(examples[kind]) < show:
                examples[kind].append(f"[{name} {row['id']} {row['event']}] " + " | ".join(marked))
    for kind, (hit, total) in tallies.items():
        print(f"  {kind:<26} {hit:>4} of {total:<4} marked something new ({hit / max(total, 1):.0%})")
    for kind, lines in examples.items():
        print(f"  examples, {kind}:")
        for text in lines:
            print("    " + text[:220])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--examples", type=int, default=4)
    args = parser.parse_args()
    rng = random.Random(11)
    corpus = Corpus()
    now = datetime.now(timezone.utc)
    items = [item for _, item in news_items(rng, corpus, args.articles, 0, now, args.articles, on_share=1.0)]
    words = statistics.median(len(i.title.split()) + len(i.summary.split()) for i in items)
    print(f"{len(items)} on-story news-like items (median {words:.0f} words each)")
    timings = pure_cost(items)
    print(f"pure novelty per article: median {statistics.median(timings):.0f} µs,"
          f" p95 {statistics.quantiles(timings, n=20)[-1]:.0f} µs")
    stored, known, developments, on = stored_cost(items)
    print(f"stored (note_article in the ingest path), {len(stored)} on-story articles of {on} verdicts:"
          f" median {statistics.median(stored):.0f} µs, p95 {statistics.quantiles(stored, n=20)[-1]:.0f} µs;"
          f" {known:,} known units, {developments:,} new sentences stored")
    print("judgement on the labelled on-story items:")
    judgement(args.examples)


if __name__ == "__main__":
    main()
