"""Ingest CPU against text length: is the whole ingest linear in the text (issue 13)?

    python bench/length.py [--lengths 1000,10000,100000] [--items 20] [--runs 5]

Bodies of each length are cut from real news (the summaries of bench/data/real_dev.jsonl, in
order, joined into paragraphs), each item a different stretch, so no two are copies. For each
length, in turns, the items are ingested into a fresh SQLite file with the bundled story in
two steps as the poller runs them: the text work a worker process does (`store.prepared.prepare`)
and the store's part (`store.ingest.ingest_items` with that work done). CPU microseconds per
character of each step, median of the runs: flat from length to length is linear. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from storywatch.store.db import open_db
from storywatch.store.ingest import ingest_items
from storywatch.store.prepared import prepare
from storywatch.store.records import ArticleRecord
from storywatch.store.story import ensure_story, load_story

ROOT = Path(__file__).resolve().parent.parent
STORY = ROOT / "seeds" / "story.toml"


def corpus() -> str:
    summaries = [json.loads(line)["summary"] for line in (ROOT / "bench" / "data" / "real_dev.jsonl").open()]
    return "\n\n".join(text for text in summaries if text)


def items(text: str, length: int, count: int) -> list[ArticleRecord]:
    """`count` items whose bodies are `length` characters of `text`, each from its own offset."""
    step = max(1, (len(text) - length) // count) if len(text) > length else 1
    found = []
    for number in range(count):
        start = (number * step) % max(1, len(text) - length) if len(text) > length else 0
        body = (text * (length // len(text) + 2))[start : start + length]
        found.append(ArticleRecord(
            title=f"Report {number} at {length} characters", url=f"http://127.0.0.1/length/{length}/{number}",
            summary="", body=body, source="bench",
        ))
    return found


def one_run(records: list[ArticleRecord], folder: Path, name: str) -> tuple[float, float]:
    path = folder / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = open_db(path)
    try:
        ensure_story(db, load_story(STORY))
        started = time.process_time()
        prepared = [prepare(record) for record in records]
        worker = time.process_time() - started
        started = time.process_time()
        ingest_items(db, records, prepared=prepared)
        store = time.process_time() - started
    finally:
        db.conn.close()
    return worker, store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", default="1000,10000,100000")
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    text = corpus()
    lengths = [int(n) for n in args.lengths.split(",")]
    runs: dict[int, list[tuple[float, float]]] = {length: [] for length in lengths}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.runs):
            for length in lengths:  # in turns, so every length sees the same machine
                runs[length].append(one_run(items(text, length, args.items), Path(folder), str(length)))
    print(f"ingest CPU per character, {args.items} items a length, median of {args.runs} runs in turns")
    print(f"{'length':>9}  {'worker (prepare)':>18}  {'store (ingest)':>16}  {'total per item':>15}")
    for length in lengths:
        worker = statistics.median(w for w, _ in runs[length]) / (args.items * length) * 1e6
        store = statistics.median(s for _, s in runs[length]) / (args.items * length) * 1e6
        total = (worker + store) * length / 1000
        print(f"{length:>9,}  {worker:>13.3f} us/c  {store:>11.3f} us/c  {total:>12.2f} ms")


if __name__ == "__main__":
    main()
