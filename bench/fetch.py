"""How fast a full poll and an all-304 re-poll of many local feeds run.

Serves N feeds (RSS 2.0 and Atom, each with an ETag) from the test feed server on 127.0.0.1,
in a separate process so the server does not share our interpreter, then times `poll_due`
into a fresh SQLite file. Prints medians; asserts nothing.

    python bench/fetch.py [--feeds 200] [--items 20] [--runs 5] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from storywatch.feeds.fetch import FetchSettings, make_client
from storywatch.feeds.parse import parse_feed
from storywatch.feeds.poller import check_feed, poll_due
from storywatch.store.db import open_db
from storywatch.store.feeds import add_feed, all_feeds

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the test feed server (storywatch itself comes installed)

from feedserver import FeedServer, atom, item, rss  # noqa: E402


def _words(chooser: random.Random, vocabulary: list[str], count: int) -> str:
    return " ".join(chooser.choices(vocabulary, weights=_WEIGHTS, k=count))


_VOCABULARY = ["".join(random.Random(n).choices("abcdefghijklmnopqrstuvwxyz", k=3 + n % 7)) for n in range(3000)]
_WEIGHTS = [1 / (rank + 1) for rank in range(len(_VOCABULARY))]  # Zipf-like, as in real text


def documents(feeds: int, items: int) -> list[str]:
    """Half RSS 2.0, half Atom; every item distinct, with varied words (as different stories are),
    so the store's duplicate detection is not fed thousands of near-copies."""
    chooser = random.Random(20250601)
    result = []
    for number in range(feeds):
        entries = []
        for k in range(items):
            serial = number * items + k
            title = _words(chooser, _VOCABULARY, 9).capitalize()
            summary = f"<p>{_words(chooser, _VOCABULARY, 40)}.</p><p>{_words(chooser, _VOCABULARY, 30)}.</p>"
            entries.append(item(serial, title=title, summary=summary))
        result.append((rss if number % 2 == 0 else atom)(entries, title=f"Outlet {number}"))
    return result


def serve(feeds: int, items: int, ready, stop) -> None:
    """The server process: N feeds with distinct items, then wait until told to stop."""
    with FeedServer() as server:
        for number, document in enumerate(documents(feeds, items)):
            server.route(f"/feed/{number}.xml", document, etag=f'"{number}-v1"')
        ready.send(server.port)
        stop.wait()


def one_run(port: int, feeds: int, settings: FetchSettings) -> tuple[float, float, int]:
    """Seconds for a full poll and for a re-poll answered by 304s, and items stored."""
    with tempfile.TemporaryDirectory() as folder:
        db = open_db(Path(folder) / "bench.db")
        for number in range(feeds):
            add_feed(db, f"http://127.0.0.1:{port}/feed/{number}.xml")
        started = time.perf_counter()
        full = asyncio.run(poll_due(db, settings=settings, force=True))
        full_seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = asyncio.run(poll_due(db, settings=settings, force=True))
        again_seconds = time.perf_counter() - started
        db.close()
    if full.ok != feeds or again.not_modified != feeds:
        raise SystemExit(f"unexpected poll result: {full.errors or again.errors}")
    return full_seconds, again_seconds, len(full.new_ids)


async def fetch_and_parse(db, settings: FetchSettings) -> int:
    """The fetcher's own share: every feed fetched and parsed, nothing stored."""
    gate = asyncio.Semaphore(settings.concurrency)
    async with make_client(settings) as client:

        async def one(feed) -> int:
            async with gate:
                outcome, items = await check_feed(client, feed, settings)
            return len(items)

        return sum(await asyncio.gather(*(one(feed) for feed in all_feeds(db))))


def fetcher_only(port: int, feeds: int, settings: FetchSettings) -> float:
    with tempfile.TemporaryDirectory() as folder:
        db = open_db(Path(folder) / "bench.db")
        for number in range(feeds):
            add_feed(db, f"http://127.0.0.1:{port}/feed/{number}.xml")
        started = time.perf_counter()
        asyncio.run(fetch_and_parse(db, settings))
        seconds = time.perf_counter() - started
        db.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--concurrency", type=int, default=8,
        help="feeds at once (default 8); per_host is set to it, since every feed comes from one 127.0.0.1 port",
    )
    args = parser.parse_args()

    receive_port, send_port = multiprocessing.Pipe(duplex=False)
    stop = multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(args.feeds, args.items, send_port, stop), daemon=True)
    server.start()
    try:
        port = receive_port.recv()
        settings = FetchSettings(concurrency=args.concurrency, per_host=args.concurrency)  # one port, many sites
        one_run(port, min(args.feeds, 10), settings)  # warm up imports and connections
        runs = [one_run(port, args.feeds, settings) for _ in range(args.runs)]
        fetch_runs = [fetcher_only(port, args.feeds, settings) for _ in range(args.runs)]
    finally:
        stop.set()
        server.join(timeout=10)
    bodies = [document.encode() for document in documents(args.feeds, args.items)]
    parse_runs = []
    for _ in range(args.runs):
        started = time.perf_counter()
        for body in bodies:
            parse_feed(body, url="http://127.0.0.1/feed.xml", content_type="application/xml")
        parse_runs.append(time.perf_counter() - started)
    parse = statistics.median(parse_runs)
    full = statistics.median(run[0] for run in runs)
    again = statistics.median(run[1] for run in runs)
    stored = runs[0][2]
    print(f"{args.feeds} feeds x {args.items} items, concurrency {args.concurrency}, median of {args.runs} runs")
    print(f"full poll    : {full:6.2f} s  {args.feeds / full:7.1f} feeds/s  {stored / full:8.1f} items/s")
    print(f"all-304 poll : {again:6.2f} s  {args.feeds / again:7.1f} feeds/s")
    fetched = statistics.median(fetch_runs)
    print(f"fetch+parse  : {fetched:6.2f} s  {args.feeds / fetched:7.1f} feeds/s  {stored / fetched:8.1f} items/s"
          "  (full poll without the store)")
    print(f"parse only   : {parse:6.2f} s  {args.feeds / parse:7.1f} feeds/s  {stored / parse:8.1f} items/s"
          "  (no HTTP, no store)")


if __name__ == "__main__":
    main()
