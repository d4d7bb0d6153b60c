"""How fast full text runs: pages fetched and extracted per second from a local server, and the
extraction time per page.

Serves one feed of N on-story items whose links are N article pages (about 30 KB of HTML each,
with navigation, related links and a footer, each with an ETag) from the test feed server on
127.0.0.1, in a separate process. Times trafilatura alone on every page, the fetch+extract of
every page without the store, a whole page round into a fresh SQLite file (the text stored as a
revision and analysed again), and an all-304 re-check. Needs the fulltext extra. Prints
medians; asserts nothing.

    python bench/fulltext.py [--pages 100] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import functools
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from storywatch import seeds
from storywatch.feeds.fetch import FetchSettings, make_client
from storywatch.feeds.fulltext import check_page, extract_text, page_round, require_extractor
from storywatch.feeds.poller import poll_due
from storywatch.store.db import open_db
from storywatch.store.feeds import add_feed
from storywatch.store.pages import DuePage
from storywatch.store.story import ensure_story, load_story
from storywatch.store.times import now_iso

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the test feed server (storywatch itself comes installed)

from feedserver import FeedServer, item, rss  # noqa: E402

_WORDS = ("cartel strikes Sinaloa officials Pentagon Mexico drone labs border troops president minister said"
          " Tuesday security forces operation government report week city state police army").split()


def page(number: int) -> str:
    chooser = random.Random(number)
    paragraphs = "".join(
        f"<p>{' '.join(chooser.choices(_WORDS, k=60)).capitalize()} (report {number}, part {k}).</p>" for k in range(30)
    )
    nav = "".join(f"<li><a href='/section/{k}'>Section {k}</a></li>" for k in range(40))
    related = "".join(f"<li><a href='/story/{k}'>Another headline number {k}</a></li>" for k in range(30))
    return (
        f"<!doctype html><html><head><title>Report {number}</title><meta charset='utf-8'></head><body>"
        f"<header><nav><ul>{nav}</ul></nav></header><main><article><h1>Report {number} on the cartel strikes</h1>"
        f"{paragraphs}</article></main><aside><ul>{related}</ul></aside><footer><p>© Example News</p></footer></body></html>"
    )


def serve(pages: int, ready, stop) -> None:
    with FeedServer() as server:
        links = [server.route(f"/page/{n}", page(n), etag=f'"p{n}"', content_type="text/html; charset=utf-8")
                 for n in range(pages)]
        items = [item(n, title=f"US strikes on Mexican cartels in Sinaloa, report {n}", link=link,
                      summary="US drone strikes hit Mexican drug cartels in Sinaloa; Sheinbaum rejects US troops.",
                      published=now_iso()) for n, link in enumerate(links)]
        server.route("/feed.xml", rss(items))
        ready.send(server.port)
        stop.wait()


def round_into_store(port: int, pages: int, settings: FetchSettings) -> tuple[float, float, int]:
    """Seconds for a page round after a feed poll, and for an all-304 re-check; pages stored."""
    with tempfile.TemporaryDirectory() as folder:
        db = open_db(Path(folder) / "bench.db")
        ensure_story(db, load_story(seeds.BUNDLED_STORY_FILE))
        add_feed(db, f"http://127.0.0.1:{port}/feed.xml")
        asyncio.run(poll_due(db, settings=dataclasses.replace(settings, full_text=False)))
        db.execute("UPDATE relevance SET on_story = 1")  # every report on the story, whatever the model says
        db.conn.commit()
        full, report = asyncio.run(pages_only(db, settings))
        db.execute("UPDATE page_fetches SET next_check_at = '2000-01-01T00:00:00Z'")
        db.conn.commit()
        recheck, again = asyncio.run(pages_only(db, settings))
        db.close()
    if report.stored != pages or again.not_modified != pages:
        raise SystemExit(f"unexpected page round: {report} / {again}")
    return full, recheck, report.stored


async def pages_only(db, settings: FetchSettings):
    """One page round as the poller runs it (its own store thread), timed alone."""
    store = ThreadPoolExecutor(max_workers=1)
    loop = asyncio.get_running_loop()

    def in_store(function, *args):
        return loop.run_in_executor(store, functools.partial(function, db, *args))

    try:
        async with make_client(settings) as client:
            started = time.perf_counter()
            report = await page_round(client, settings, in_store)
            return time.perf_counter() - started, report
    finally:
        store.shutdown(wait=True)


async def fetch_and_extract(port: int, pages: int, settings: FetchSettings) -> float:
    gate = asyncio.Semaphore(settings.page_concurrency)
    async with make_client(settings) as client:

        async def one(n: int):
            async with gate:
                due = DuePage(n, f"http://127.0.0.1:{port}/page/{n}", None, None, 0, now_iso())
                outcome = await check_page(client, due, settings)
                if not outcome.ok:
                    raise SystemExit(outcome.error)

        started = time.perf_counter()
        await asyncio.gather(*(one(n) for n in range(pages)))
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    require_extractor()

    bodies = [page(n).encode() for n in range(args.pages)]
    extract_text(bodies[0])  # the first call loads trafilatura
    times = []
    for body in bodies:
        started = time.perf_counter()
        extract_text(body, "http://127.0.0.1/page")
        times.append(time.perf_counter() - started)

    receive_port, send_port = multiprocessing.Pipe(duplex=False)
    stop = multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(args.pages, send_port, stop), daemon=True)
    server.start()
    try:
        port = receive_port.recv()
        settings = FetchSettings(full_text=True, pages_per_round=args.pages, page_round_seconds=600)
        fetch_runs = [asyncio.run(fetch_and_extract(port, args.pages, settings)) for _ in range(args.runs)]
        store_runs = [round_into_store(port, args.pages, settings) for _ in range(args.runs)]
    finally:
        stop.set()
        server.join(timeout=10)
    fetched = statistics.median(fetch_runs)
    full = statistics.median(run[0] for run in store_runs)
    again = statistics.median(run[1] for run in store_runs)
    print(f"{args.pages} pages of {len(bodies[0]) // 1024} KB, one host; {settings.page_concurrency} at once,"
          f" {settings.pages_per_host} per host; median of {args.runs} runs")
    print(f"extraction   : {statistics.median(times) * 1000:6.1f} ms a page (median), p90"
          f" {statistics.quantiles(times, n=10)[-1] * 1000:.1f} ms")
    print(f"fetch+extract: {args.pages / fetched:6.1f} pages/s  (no store)")
    print(f"page round   : {args.pages / full:6.1f} pages/s  (stored as revisions, analysed again)")
    print(f"all-304 round: {args.pages / again:6.1f} pages/s")


if __name__ == "__main__":
    main()
