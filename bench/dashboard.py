"""How live the dashboard is, headless (App.run_test), on temporary SQLite files.

    python bench/dashboard.py

Prints medians over several runs of:
- appear: seconds from a second connection committing an article (playing a separate
  `storywatch fetch --watch`) to its row being in the story feed, at the default refresh interval;
- start: seconds to start the app and show the first page on a store of N articles;
- quit: seconds from asking the app to exit to its fetcher thread being gone, with the in-app fetcher in the
  middle of a request to a 127.0.0.1 feed that answers only after 30 s;
- story queries on a store of 10,000 articles ingested through the real path (entities, relevance,
  coverage groups; a quarter on the story, many copies): the sidebar's top_entities (which is why it
  runs in a thread worker), a first page of each view, mapping 50 new articles to their group rows
  (the live path), and an entity filter's first page.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from storywatch.store.db import open_db
from storywatch.store.feeds import add_feed
from storywatch.store.ingest import ingest_items
from storywatch.tui.app import StorywatchApp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the test feed server and helpers (storywatch itself comes installed)

from feedserver import FeedServer  # noqa: E402
from tui_helpers import ON_STORY, STORY_NAME, article, make_story, shown_titles  # noqa: E402

RUNS = 5
SIZE = (120, 35)
STORE_SIZE = 10_000

_ON = [
    ("US strikes hit cartel labs in {place}, Pentagon says",
     "The Pentagon said drone strikes hit drug cartel labs in {place}; Mexican President Claudia Sheinbaum"
     " condemned the US military action and said foreign troops are ruled out."),
    ("Hegseth briefs Congress on plans to strike Mexican cartels",
     "Defense Secretary Pete Hegseth told lawmakers the Pentagon drafted options for military strikes against"
     " drug cartels designated as terrorist organizations, including the Sinaloa Cartel in {place}."),
    ("Marco Rubio says US will act against cartels with or without Mexico",
     "Secretary of State Marco Rubio said the United States would act against drug cartels in {place}."),
]
_OFF = [
    ("Stock markets rally as tech earnings beat forecasts",
     "Shares of Apple and Microsoft rose in New York after quarterly earnings beat forecasts."),
    ("Storm brings flooding to {place}", "Heavy rain flooded streets in {place} on Tuesday."),
    ("Navy tests new destroyer off Virginia", "The US Navy tested its newest destroyer off Norfolk, Virginia."),
]
_PLACES = ["Sinaloa", "Culiacan", "Tijuana", "Michoacan", "Jalisco", "Sonora", "Tamaulipas", "Chihuahua"]
_WORDS = ("officials residents witnesses analysts lawmakers police soldiers farmers workers families border highway"
          " market village river bridge school hospital factory port airport prison convoy checkpoint ranch"
          " monday tuesday wednesday thursday friday said told reported added warned denied confirmed").split()


async def appear_once(tmp: Path) -> float:
    db_path = make_story(tmp)
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        writer = open_db(db_path)
        ingest_items(writer, [article(1, title="A row from another process", summary=ON_STORY)])
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


def news_items(start: int, count: int, rng: random.Random) -> list:
    """News-like items: a quarter on the story (many near-copies of each other), the rest not."""
    from storywatch.store.records import ArticleRecord
    from storywatch.store.times import to_iso, utc_now

    items = []
    for n in range(start, start + count):
        title, summary = rng.choice(_ON if rng.random() < 0.25 else _OFF)
        place = rng.choice(_PLACES)
        filler = " ".join(rng.choice(_WORDS) for _ in range(60))
        items.append(ArticleRecord(
            title=title.format(place=place), summary=f"{summary.format(place=place)} {filler}. Report {n}.",
            url=f"http://127.0.0.1:9/n/{n}", guid=f"g-{n}", source=f"Outlet {n % 8}",
            published_at=to_iso(utc_now() - timedelta(hours=rng.random() * 72)),
        ))
    return items


def story_queries(tmp: Path) -> None:
    from storywatch.store.coverage import group_of, story_feed, story_rows
    from storywatch.store.entity_queries import articles_naming, top_entities
    from storywatch.store.queries import articles_after_id, max_article_id, story_id

    db_path = make_story(tmp)
    db = open_db(db_path)
    rng = random.Random(7)
    for start in range(0, STORE_SIZE, 500):
        ingest_items(db, news_items(start, 500, rng))
    story = story_id(db, STORY_NAME)

    def timed(work, runs: int = 5) -> str:
        values = []
        for _ in range(runs):
            start = time.perf_counter()
            work()
            values.append(time.perf_counter() - start)
        return f"{statistics.median(values) * 1000:.1f} ms"

    print(f"story queries on {STORE_SIZE:,} articles:")
    print("  top_entities (sidebar, thread worker):", timed(lambda: top_entities(db, 12)))
    for show in ("on", "all", "off"):
        print(f"  first page, view {show!r} ({len(story_feed(db, story, show=show, limit=500))} rows):",
              timed(lambda: story_feed(db, story, show=show, limit=500)))
    newest = max_article_id(db)
    print("  50 new articles to their group rows (live path):", timed(lambda: story_rows(
        db, story, list(dict.fromkeys(group_of(db, a.id) for a in articles_after_id(db, newest - 50)))
    )))
    entity = top_entities(db, 1)["person"][0]
    print(f"  entity filter, first page ({entity.name}):", timed(lambda: story_rows(
        db, story, list(dict.fromkeys(group_of(db, a.id) for a in articles_naming(db, entity.id, 500)))
    )))
    db.close()


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
    story_queries(fresh())


if __name__ == "__main__":
    asyncio.run(main())
