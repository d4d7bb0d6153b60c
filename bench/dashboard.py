"""How live the dashboard is, headless (App.run_test), on temporary SQLite files.

    python bench/dashboard.py

Prints medians over several runs of:
- appear: seconds from a second connection committing an article (playing a separate
  `storywatch fetch --watch`) to its row being in the story feed, at the default refresh interval;
- start: seconds to start the app and show the first page on a store of N articles;
- quit: seconds from asking the app to exit to its fetcher thread being gone, with the in-app fetcher in the
  middle of a request to a 127.0.0.1 feed that answers only after 30 s.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from feedserver import FeedServer  # noqa: E402
from tui_helpers import STORY_NAME, article, make_story, shown_titles  # noqa: E402

from store.db import open_db  # noqa: E402
from store.feeds import add_feed  # noqa: E402
from store.ingest import ingest_items  # noqa: E402
from tui.app import StorywatchApp  # noqa: E402

RUNS = 5
SIZE = (120, 35)


async def appear_once(tmp: Path) -> float:
    db_path = make_story(tmp)
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        writer = open_db(db_path)
        ingest_items(writer, [article(1, title="A row from another process")])
        start = time.perf_counter()
        while "A row from another process" not in shown_titles(app):
            await pilot.pause(0.01)
        elapsed = time.perf_counter() - start
        writer.close()
    return elapsed


async def start_once(tmp: Path, articles: int) -> float:
    db_path = make_story(tmp)
    writer = open_db(db_path)
    ingest_items(writer, [article(n, hours_ago=n / 10) for n in range(articles)])
    writer.close()
    start = time.perf_counter()
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        elapsed = time.perf_counter() - start
    return elapsed


async def quit_once(tmp: Path, server: FeedServer) -> float:
    db_path = make_story(tmp)
    server.reset()  # forget the last run's requests
    writer = open_db(db_path)
    add_feed(writer, server.route("/slow.xml", "<rss/>", delay=30))
    writer.close()
    app = StorywatchApp(db_path, STORY_NAME, fetch=True)
    finished = threading.Event()
    run = app.fetcher.run

    def run_and_tell(on_poll):
        try:
            run(on_poll)
        finally:
            finished.set()

    app.fetcher.run = run_and_tell
    async with app.run_test(size=SIZE) as pilot:
        while not server.requests("/slow.xml"):
            await pilot.pause(0.05)
        start = time.perf_counter()
        app.exit()
    await asyncio.get_running_loop().run_in_executor(None, finished.wait, 35)
    return time.perf_counter() - start


def median(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} s (min {min(values):.3f}, max {max(values):.3f}, n={len(values)})"


async def main() -> None:
    def fresh() -> Path:
        return Path(tempfile.mkdtemp(prefix="sw-bench-"))

    print("appear (refresh_interval 0.5 s):", median([await appear_once(fresh()) for _ in range(RUNS)]))
    for articles in (100, 10_000):
        print(f"start ({articles:,} articles):", median([await start_once(fresh(), articles) for _ in range(3)]))
    with FeedServer() as server:
        print("quit (a request in flight):", median([await quit_once(fresh(), server) for _ in range(RUNS)]))


if __name__ == "__main__":
    asyncio.run(main())
