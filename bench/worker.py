"""A poll's worker-process work alone: `feeds.pool.parse_and_prepare` (parse a body, then each
item's text work, packed to cross the process boundary) on the documents bench/poll.py serves,
in this process, so its CPU per item can be timed and profiled (issue 13).

    python bench/worker.py [--feeds 40] [--runs 5]            # median ms per item, and the spread
    python bench/worker.py --profile [--feeds 40] [--top 30]  # where that time goes (cProfile, tottime)

Asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import cProfile
import pickle
import pstats
import statistics
import sys
import time
from pathlib import Path

from storywatch.feeds.pool import parse_and_prepare

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import poll  # noqa: E402

URL = "http://127.0.0.1:8000/feed/0.xml"
CONTENT_TYPE = "application/xml; charset=utf-8"  # what the bench's feed server sends


def run(documents: list[bytes]) -> tuple[int, int]:
    """Every document through the worker's function once, its answer pickled as it is sent
    back: (items, pickled bytes)."""
    items = size = 0
    for body in documents:
        done = parse_and_prepare(body, URL, CONTENT_TYPE)
        items += len(done[4])
        size += len(pickle.dumps(done, pickle.HIGHEST_PROTOCOL))
    return items, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    documents = [document.encode("utf-8") for document in poll.documents(args.feeds)]
    run(documents[:2])  # the modules loaded, the gazetteer built: as in a started worker
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        items, _ = run(documents)
        profiler.disable()
        stats = pstats.Stats(profiler)
        print(f"{items:,} items")
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top)
        return
    times = []
    for _ in range(args.runs):
        started = time.process_time()
        items, size = run(documents)
        times.append((time.process_time() - started) / items * 1000)
    print(f"worker CPU {statistics.median(times):.3f} ms per item (spread {min(times):.3f}-{max(times):.3f},"
          f" {args.runs} runs of {items:,} items; {size / items:,.0f} pickled bytes per item)")


if __name__ == "__main__":
    main()
