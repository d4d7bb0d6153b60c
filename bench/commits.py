"""Commits of a cold poll and the write-ahead-log frames each one writes (issue 13).

A commit in WAL mode appends every page the transaction changed to the -wal file, so its cost
is its page count: a poll whose inserts land all over an index with random keys (the signature
bands) writes nearly that whole index at every commit. This serves N local feeds (bench/poll.py's),
polls them once into a fresh database and counts, per write transaction, the frames it added to
the log, read from the wal-index header in the -shm file (`mxFrame`) as each transaction
begins. Works on any version of storywatch (run it under bench/turns.py).

    python bench/commits.py [--feeds 100] [--sites 1]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import re
import statistics
import struct
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import poll  # noqa: E402  (bench/poll.py: the feeds and the fresh database)

from storywatch.feeds.fetch import FetchSettings  # noqa: E402
from storywatch.feeds.poller import poll_due  # noqa: E402

_BEGIN = re.compile(r"\s*BEGIN", re.IGNORECASE)
_COMMIT = re.compile(r"\s*(COMMIT|END)", re.IGNORECASE)


def wal_header(shm: Path) -> tuple[int, int]:
    """(mxFrame, nPage) of the wal-index header: the last valid frame in the log, the file's pages."""
    with shm.open("rb") as file:
        head = file.read(24)
    return struct.unpack_from("=II", head, 16)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--sites", type=int, default=1)
    parser.add_argument("--by-table", action="store_true", help="which tables and indexes the frames belong to (dbstat)")
    args = parser.parse_args()
    settings = FetchSettings()
    settings = dataclasses.replace(settings, per_host=-(-settings.network_concurrency // args.sites))
    with poll.Server(args.feeds, 0.0, args.sites) as server, tempfile.TemporaryDirectory() as folder:
        db = poll.storywatch_db(Path(folder), server.urls())
        shm = Path(folder) / "bench.db-shm"
        wal = Path(folder) / "bench.db-wal"
        marks: list[int] = []
        page_numbers: list[int] = []
        commits = 0

        def trace(statement: str) -> None:
            nonlocal commits
            if _BEGIN.match(statement):
                marks.append(wal_header(shm)[0])
                if args.by_table and len(marks) > 1:
                    page_numbers.extend(frame_pages(wal, marks[-2], marks[-1]))
            elif _COMMIT.match(statement):
                commits += 1

        marks.append(wal_header(shm)[0])
        db.conn.set_trace_callback(trace)
        wall = time.perf_counter()
        report = asyncio.run(poll_due(db, settings=settings, force=True))
        wall = time.perf_counter() - wall
        db.conn.set_trace_callback(None)
        marks.append(wal_header(shm)[0])
        pages = wal_header(shm)[1]
        owners = dict(db.execute("SELECT pageno, name FROM dbstat").fetchall()) if args.by_table else {}
        db.close()
    # A log started over after a checkpoint: the transaction's frames are all there is.
    frames = [after - before if after >= before else after for before, after in zip(marks, marks[1:])]
    written = [count for count in frames if count]
    print(f"{args.feeds} feeds, {len(report.new_ids):,} new items, {wall:.1f} s (traced): {commits} commits,"
          f" {len(written)} transactions that wrote; WAL frames per writing transaction: median"
          f" {statistics.median(written):,.0f}, mean {statistics.mean(written):,.0f}, max {max(written):,};"
          f" {sum(written):,} frames in all ({sum(written) * 4096 / 1e6:,.0f} MB), {sum(written) / max(1, len(report.new_ids)):.1f}"
          f" per new item; database {pages:,} pages")
    if args.by_table:
        counts = Counter(owners.get(page, "?") for page in page_numbers)
        sizes = Counter(owners.values())
        for name, count in counts.most_common(15):
            print(f"  {name:<40} {count:>8,} frames ({count / len(page_numbers):.0%}); {sizes[name]:,} pages now")


def frame_pages(wal: Path, first: int, last: int) -> list[int]:
    """The page numbers of frames first+1 .. last of the log (each frame: a 24-byte header, then
    the page; the log's own header is 32 bytes)."""
    if last <= first:
        return []
    found = []
    with wal.open("rb") as file:
        for frame in range(first, last):
            file.seek(32 + frame * (24 + 4096))
            found.append(struct.unpack(">I", file.read(4))[0])
    return found


if __name__ == "__main__":
    main()
