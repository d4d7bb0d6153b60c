"""Parse-only speed: `parse_feed` through the fast path beside the feedparser path (issue 13).

Parses the documents bench/poll.py serves (N feeds x 50 items built by bench/newsgen.py from
the real news in bench/data/, half RSS 2.0 and half Atom) from bytes to records, HTML to text
included, the two paths in turns, and prints the median microseconds per item (with the
spread) for each format and the ratio. Checks first that both paths give the same records.
Asserts nothing about speed.

With `--real STEP`, times nothing: every STEP-th version of each git-scraped real feed that
bench/realdata.py reads (its mirrors under /work/.mirror; a feed without one is skipped) is parsed
by both paths, and the documents the fast path took, and any whose records differ, are printed.

    python bench/parse.py [--feeds 40] [--runs 7]
    python bench/parse.py --real 25
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from storywatch.feeds.fastparse import Unsupported, read_feed
from storywatch.feeds.parse import ParseError, parse_feed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import poll  # noqa: E402

URL = "http://127.0.0.1:8000/feed/0.xml"
CONTENT_TYPE = "application/xml; charset=utf-8"  # what the bench's feed server sends


def per_item(documents: list[bytes], *, fast: bool) -> float:
    """Microseconds per item to parse every document once."""
    items = 0
    started = time.perf_counter()
    for body in documents:
        items += len(parse_feed(body, url=URL, content_type=CONTENT_TYPE, fast=fast).items)
    return (time.perf_counter() - started) / items * 1e6


def real_versions(step: int):
    """(feed, commit, bytes) of every `step`-th version of each real feed whose mirror is here."""
    import subprocess

    import realdata

    for source in realdata.SOURCES:
        git = ["git", "--git-dir", str(source.git_dir)]
        found = subprocess.run([*git, "log", "--format=%H", "--", source.path], capture_output=True, text=True)
        if found.returncode != 0:
            print(f"{source.feed}: no mirror at {source.git_dir}, skipped")
            continue
        for commit in found.stdout.split()[::step]:
            yield source.feed, commit, subprocess.run([*git, "show", f"{commit}:{source.path}"], capture_output=True).stdout


def check_real(step: int) -> None:
    """Both paths over real feed histories: the same records (or the same error) on every version."""
    def parsed(body: bytes, fast: bool):
        try:
            return parse_feed(body, url="https://feeds.example/feed.xml", content_type="application/rss+xml", fast=fast)
        except ParseError as error:
            return str(error)

    documents, taken, differ = Counter(), Counter(), Counter()
    for feed, commit, body in real_versions(step):
        documents[feed] += 1
        try:
            read_feed(body, url="https://feeds.example/feed.xml", content_type="application/rss+xml")
            taken[feed] += 1
        except Unsupported:
            pass
        if parsed(body, True) != parsed(body, False):
            differ[feed] += 1
            print(f"  {feed} at {commit[:12]}: the fast path and feedparser disagree")
    for feed in documents:
        print(f"{feed:<16}{documents[feed]:>5} versions, fast path taken on {taken[feed]}, records differ on {differ[feed]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=40, help="documents, half RSS 2.0, half Atom (default 40)")
    parser.add_argument("--runs", type=int, default=7, help="runs of each path, in turns (default 7)")
    parser.add_argument("--real", type=int, default=None, metavar="STEP",
                        help="compare the two paths on every STEP-th version of the real feed histories instead")
    args = parser.parse_args()
    if args.real:
        check_real(args.real)
        return
    documents = [document.encode("utf-8") for document in poll.documents(args.feeds)]
    formats = {"RSS 2.0": documents[0::2], "Atom 1.0": documents[1::2]}
    for body in documents:
        read_feed(body, url=URL, content_type=CONTENT_TYPE)  # the fast path must take every one
        if parse_feed(body, url=URL, content_type=CONTENT_TYPE) != parse_feed(
            body, url=URL, content_type=CONTENT_TYPE, fast=False
        ):
            raise SystemExit("the fast path and feedparser disagree on a bench document")
    print(f"{args.feeds} documents x {poll.ITEMS} items, parse_feed from bytes to records, median of {args.runs} runs in turns")
    print(f"{'':<10}{'fast path (us/item)':<28}{'feedparser (us/item)':<28}ratio")
    for name, group in formats.items():
        times: dict[bool, list[float]] = {True: [], False: []}
        for run in range(args.runs):
            for fast in (True, False) if run % 2 == 0 else (False, True):
                times[fast].append(per_item(group, fast=fast))
        fast, slow = statistics.median(times[True]), statistics.median(times[False])
        print(f"{name:<10}{fast:7.1f}  ({min(times[True]):.1f}-{max(times[True]):.1f}){'':<10}"
              f"{slow:7.1f}  ({min(times[False]):.1f}-{max(times[False]):.1f}){'':<10}{slow / fast:5.1f}x faster")


if __name__ == "__main__":
    main()
