"""How fast and how live the dashboard is, on a store of 100,000 varied articles.

    python bench/dashboard.py                     # everything (builds the 100k store once, cached)
    python bench/dashboard.py --only keys,start   # some sections: keys, start, imports, queries, appear, quit
    python bench/dashboard.py --size 20000        # another store size (cached separately)

The store is built from the labelled news text in bench/data/ through the real ingest path
(bench/newsgen.py: save_poll, so entities, copies and relevance are as in real use) and cached
under /tmp/storywatch-bench/; the first run says how long building took.

Prints medians (and p90 where timed per key) of:
- keys: from a key's delivery (the driver's key event, as a terminal's would arrive) to the first
  screen update that shows its effect, in a headless app at 120x35: the update is caught in
  `App._display` (rendered to terminal bytes there, as a real terminal would get them), and each
  key's predicate says whether that update shows the effect. One line per row of KEYS;
- start: a real `storywatch dashboard --no-fetch` in a pseudo-terminal, from exec to the first
  output whose text holds the story title; and the peak RSS of that process after cycling the
  views and an entity filter;
- imports: `python -X importtime` of the dashboard's modules, the costliest first;
- queries: the store queries behind the screen (sidebar counts, each view's first page, the live
  path, an entity filter's first page);
- appear: seconds from a second connection committing an article (playing a separate
  `storywatch fetch --watch`) to its row being in the story feed, at the default refresh interval;
- quit: seconds from asking the app to exit to its fetcher thread being gone, with the in-app
  fetcher in the middle of a request to a 127.0.0.1 feed that answers only after 30 s.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import re
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from textual import events
from textual.app import App

from storywatch.seeds import BUNDLED_STORY_FILE, BUNDLED_STORY_NAME
from storywatch.store.db import open_db
from storywatch.store.feeds import add_feed
from storywatch.store.ingest import ingest_items
from storywatch.tui.app import StorywatchApp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the test feed server and helpers (storywatch itself comes installed)
sys.path.insert(0, str(ROOT / "bench"))

import newsgen  # noqa: E402
from feedserver import FeedServer  # noqa: E402
from tui_helpers import ON_STORY, STORY_NAME, article, make_story, shown_titles  # noqa: E402

RUNS = 5
SIZE = (120, 35)
STORE_SIZE = 100_000
PRESSES = 15  # timed presses per key
STORE_VERSION = 1  # bump when newsgen changes what it builds, so the cached store is rebuilt


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



# -- the store -------------------------------------------------------------------------------


def bench_store(size: int) -> Path:
    """The cached store of `size` generated articles on the bundled story, built if missing."""
    path = newsgen.CACHE / f"dashboard-{size}-v{STORE_VERSION}.db"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        print(f"building a store of {size:,} articles through save_poll (cached as {path})…", flush=True)
        took = newsgen.build_store(path, BUNDLED_STORY_FILE, size)
        print(f"  built in {took:.0f} s ({size / took:.0f} items/s)", flush=True)
    return path


def store_summary(path: Path) -> str:
    db = open_db(path, migrate=False)
    try:
        articles, on, groups, sources, read, tagged = db.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT sum(on_story) FROM relevance),"
            " (SELECT count(DISTINCT group_id) FROM coverage), (SELECT count(DISTINCT source) FROM articles),"
            " (SELECT count(*) FROM articles WHERE read_at IS NOT NULL), (SELECT count(DISTINCT article_id) FROM tags)"
        ).fetchone()
    finally:
        db.close()
    return (f"{articles:,} articles, {on:,} on the story, {groups:,} coverage groups, {sources:,} sources,"
            f" {read:,} read, {tagged:,} tagged")


# -- key to paint ----------------------------------------------------------------------------

_ESCAPE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])")

Done = Callable[[App, str], bool]  # (app, text of the screen update) -> the effect is on screen


def screen_text(data: str) -> str:
    """The printable text of terminal output (escape sequences taken out)."""
    return _ESCAPE.sub("", data)


def feed(app: App):
    return app.screen.query_one("#story-feed")


def header_text(app: App) -> str:
    return app.screen.query_one("#story-header").view_label.plain


def moved(app: App) -> Done:
    want = feed(app).cursor_row + 1
    return lambda app, painted: feed(app).cursor_row == want


def view_switched(app: App) -> Done:
    from storywatch.tui.screens.story import VIEW_LABELS, VIEWS

    screen = app.screen
    label = VIEW_LABELS[VIEWS[(VIEWS.index(screen.filter.view) + 1) % len(VIEWS)]]
    return lambda app, painted: label in painted and feed(app).row_count > 0 and label in header_text(app)


def entity_filtered(app: App) -> Done:
    return lambda app, painted: (app.screen.filter.entity_id is not None and "naming" in painted
                                 and feed(app).row_count > 0)


def filter_cleared(app: App) -> Done:
    return lambda app, painted: (app.screen.filter.entity_id is None and feed(app).row_count > 0
                                 and "naming" not in header_text(app) and "reports" in painted)


def tagged(app: App) -> Done:
    row = feed(app).article_at_cursor()
    was = row.tags

    def done(app: App, painted: str) -> bool:
        now = feed(app).shown.get(row.id)
        return now is not None and now.tags != was

    return done


def searched(app: App) -> Done:
    return lambda app, painted: (app.screen.filter.search == SEARCH_WORD and app.screen.showing == app.screen.filter
                                 and feed(app).row_count > 0 and SEARCH_WORD in painted)


def filter_screen_open(app: App) -> Done:
    from storywatch.tui.screens.filters import FilterScreen

    return lambda app, painted: isinstance(app.screen, FilterScreen) and "Apply" in painted


SEARCH_WORD = "cartel"  # in thousands of the 100k store's reports


@dataclass
class Key:
    """One row of the key table: what to press, and how to tell its effect is on screen."""

    label: str
    keys: list[str]  # pressed one after another; the clock stops at the paint showing the last one's effect
    expect: Callable[[App], Done]  # asked before the press, returns the test for each screen update
    focus: str | None = "#story-feed"  # the widget with focus when the key is pressed
    before: list[str] = field(default_factory=list)  # pressed, untimed, before each timed press
    after: list[str] = field(default_factory=list)  # pressed, untimed, after each timed press
    commit_first: bool = False  # another connection commits before each press: nothing kept is reused


# Adding a key after the merge is one line here (tag `1`, search `/` + a word + enter, filter `F`).
KEYS = [
    Key("move (down)", ["down"], moved),
    Key("view switch (a)", ["a"], view_switched),
    Key("entity filter (enter on a name)", ["enter"], entity_filtered, focus="#entity-sidebar", after=["escape"]),
    Key("  the same, after another commit", ["enter"], entity_filtered, focus="#entity-sidebar", after=["escape"],
        commit_first=True),
    Key("clear entity filter (escape)", ["escape"], filter_cleared, focus="#entity-sidebar", before=["enter"]),
    Key("  the same, after another commit", ["escape"], filter_cleared, focus="#entity-sidebar", before=["enter"],
        commit_first=True),
    Key("tag (1)", ["1"], tagged),
    Key(f"search (/ {SEARCH_WORD} enter)", ["slash", *SEARCH_WORD, "enter"], searched, after=["escape"],
        commit_first=True),  # else the same search's first page is the app's cached one
    Key("filter screen (F)", ["F"], filter_screen_open, after=["escape"]),
]


class PaintWatch:
    """Catches every screen update the app would write to its terminal, with the time it was written.

    The clock stops when the update has been handed to the terminal, before this bench turns it
    into text to test it (that costs milliseconds the app does not spend), and the waiting is
    an event, not a busy loop that would take the event loop from the app."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.done: Done | None = None
        self.painted_at: float | None = None
        self.painted = asyncio.Event()
        display = app._display

        def watched(screen, renderable) -> None:
            display(screen, renderable)
            written = time.perf_counter()
            if renderable is None or self.done is None:
                return
            text = screen_text(renderable.render_segments(app.console))  # what a terminal would be sent
            if self.done(app, text):
                self.painted_at = written
                self.done = None
                self.painted.set()

        app._display = watched

    async def press(self, key: str, done: Done, timeout: float = 10.0) -> float:
        """Seconds from the key's delivery to the first update that shows its effect."""
        self.done, self.painted_at = done, None
        self.painted.clear()
        start = time.perf_counter()
        self.app._driver.send_message(key_event(key))
        try:
            await asyncio.wait_for(self.painted.wait(), timeout)
        except TimeoutError:
            raise TimeoutError(f"no screen update showed the effect of {key!r} in {timeout} s") from None
        return self.painted_at - start


def key_event(key: str) -> events.Key:
    char = key if len(key) == 1 else {"enter": "\r", "escape": "\x1b", "space": " "}.get(key)
    event = events.Key(key, char)
    return event


async def settle(app: App, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def commit_elsewhere(db) -> None:
    """A real commit (PRAGMA data_version moves for every other connection) that changes nothing
    the app shows: SQLite writes nothing for an UPDATE that sets a column to its own value."""
    with db.atomic():
        db.execute("CREATE TABLE IF NOT EXISTS bench_commits (n INTEGER)")
        db.execute("INSERT INTO bench_commits (n) VALUES (1)")


async def time_keys(db_path: Path, story: str, keys: list[Key], presses: int) -> None:
    app = StorywatchApp(db_path, story, fetch=False)
    other = open_db(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        watch = PaintWatch(app)
        for key in keys:
            values = []
            for _ in range(presses):
                if key.focus and app.focused is not app.screen.query_one(key.focus):
                    app.screen.query_one(key.focus).focus()
                    await settle(app, pilot)  # setting up, not part of the key's time
                for untimed in key.before:
                    await pilot.press(untimed)
                    await settle(app, pilot)
                if key.commit_first:  # as a fetcher in another process would, between two keys
                    commit_elsewhere(other)
                    await settle(app, pilot)
                for name in key.keys[:-1]:
                    await pilot.press(name)
                values.append(await watch.press(key.keys[-1], key.expect(app)))
                await settle(app, pilot)
                for untimed in key.after:
                    await pilot.press(untimed)
                    await settle(app, pilot)
            values.sort()
            p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
            print(f"  {key.label:<36} median {statistics.median(values) * 1000:6.1f} ms   p90 {p90 * 1000:6.1f} ms"
                  f"   (n={len(values)})", flush=True)


# -- start-up in a real terminal -------------------------------------------------------------


def start_in_pty(db_path: Path, story_title: str, keys: str = "") -> tuple[float, int]:
    """Seconds from exec to the first output holding the story title, in a 120x35 pty; and the
    process's peak RSS (kB) after typing `keys` (half a second each) and quitting."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    executable = Path(sys.executable).with_name("storywatch")
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(SIZE[0]), "LINES": str(SIZE[1])}
    start = time.perf_counter()
    process = subprocess.Popen(
        [str(executable), "--db", str(db_path), "--story", BUNDLED_STORY_NAME, "dashboard", "--no-fetch"],
        stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True,
    )
    os.close(slave)
    seen, elapsed = "", None

    def read(until: float) -> None:
        nonlocal seen
        while time.perf_counter() < until:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(master, 1 << 16).decode(errors="replace")
                except OSError:
                    return
                if elapsed is None:
                    return

    try:
        while elapsed is None:
            read(time.perf_counter() + 0.05)
            if story_title in screen_text(seen):
                elapsed = time.perf_counter() - start
            elif time.perf_counter() - start > 30 or process.poll() is not None:
                raise RuntimeError(f"the dashboard showed no title: {screen_text(seen)[-500:]!r}")
        for key in keys:
            os.write(master, key.encode())
            read(time.perf_counter() + 0.5)
        status = Path(f"/proc/{process.pid}/status").read_text()
        peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))
        os.write(master, b"q")
        read(time.perf_counter() + 0.2)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    return elapsed, peak


def import_times(top: int = 12) -> None:
    """The costliest imports of the dashboard path (cumulative microseconds)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import storywatch.tui.cli, storywatch.tui.app"],
        capture_output=True, text=True, check=True,
    )
    rows = []
    for line in result.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    total = sum(int(line.split("|")[0].split(":")[1]) for line in result.stderr.splitlines()
                if line.startswith("import time:") and line.split("|")[0].split(":")[1].strip().isdigit())
    print(f"  all imports: {total / 1e6:.3f} s (self times added up); costliest, cumulative:")
    for cumulative, name in sorted(rows, reverse=True)[:top]:
        print(f"    {cumulative / 1e6:.3f} s {name}")


# -- the store queries -------------------------------------------------------------------------


def story_queries(db_path: Path, story_name: str) -> None:
    from storywatch.store import filters
    from storywatch.store.coverage import group_of, story_feed, story_rows
    from storywatch.store.entity_queries import top_entities
    from storywatch.store.filters import FeedFilter, filtered_feed
    from storywatch.store.queries import articles_after_id, max_article_id, story_id
    from storywatch.tui.screens.story import PAGE_SIZE

    db = open_db(db_path, migrate=False)
    story = story_id(db, story_name)

    def timed(work, runs: int = 5) -> str:
        values = []
        for _ in range(runs):
            start = time.perf_counter()
            work()
            values.append(time.perf_counter() - start)
        return f"{statistics.median(values) * 1000:.1f} ms"

    print("  top_entities (sidebar, thread worker):", timed(lambda: top_entities(db, 12)))
    for show in ("on", "all", "off"):
        print(f"  first page, view {show!r} ({len(story_feed(db, story, show=show, limit=PAGE_SIZE))} rows):",
              timed(lambda: story_feed(db, story, show=show, limit=PAGE_SIZE)))
    newest = max_article_id(db)
    print("  50 new articles to their group rows (live path):", timed(lambda: story_rows(
        db, story, list(dict.fromkeys(group_of(db, a.id) for a in articles_after_id(db, newest - 50)))
    )))
    top = top_entities(db, 1)
    person, place = top["person"][0], top["place"][0]
    mentions = dict(db.execute("SELECT entity_id, count(*) FROM mentions WHERE entity_id IN (?, ?) GROUP BY entity_id",
                               [person.id, place.id]).fetchall())
    matches = db.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [f"{SEARCH_WORD}*"]).fetchone()[0]
    filters_timed = [
        (f"search {SEARCH_WORD!r} ({matches:,} matching articles)", FeedFilter(search=SEARCH_WORD)),
        (f"entity {person.name} ({mentions[person.id]:,} mentions)", FeedFilter(entity_id=person.id)),
        (f"entity {place.name} ({mentions[place.id]:,} mentions)", FeedFilter(entity_id=place.id)),
        (f"entity {person.name} + search {SEARCH_WORD!r}", FeedFilter(entity_id=person.id, search=SEARCH_WORD)),
    ]
    broad = filters.BROAD
    for label, flt in filters_timed:  # each plan in turn, on the same filter (filters.BROAD picks one)
        walked = timed(lambda: filtered_feed(db, story, flt, limit=PAGE_SIZE))
        filters.BROAD = 10**9
        driven = timed(lambda: filtered_feed(db, story, flt, limit=PAGE_SIZE))
        filters.BROAD = broad
        print(f"  filtered first page, {label}: {walked} walking the time order, {driven} sorting every match")
    db.close()


# -- all of it ---------------------------------------------------------------------------------

SECTIONS = ("keys", "start", "imports", "queries", "appear", "quit")


async def main(sections: list[str], size: int) -> None:
    def fresh() -> Path:
        return Path(tempfile.mkdtemp(prefix="sw-bench-"))

    store = bench_store(size) if {"keys", "start", "queries"} & set(sections) else None
    if store:
        print(f"store: {store_summary(store)}")
    if "keys" in sections:
        print(f"key to paint at {size:,} articles ({SIZE[0]}x{SIZE[1]}, headless, {PRESSES} presses each):")
        await time_keys(store, BUNDLED_STORY_NAME, KEYS, PRESSES)
    if "start" in sections:
        title = newsgen_title()
        runs = [start_in_pty(store, title, keys="aaa\t\r\x1b" if n == 0 else "") for n in range(RUNS)]
        print(f"start in a pty to the story title at {size:,} articles:", median([seconds for seconds, _ in runs]))
        print(f"peak RSS at {size:,} articles (after a, a, a, an entity filter and escape): {runs[0][1] / 1024:.0f} MB")
    if "imports" in sections:
        print("imports of the dashboard path (python -X importtime):")
        import_times()
    if "queries" in sections:
        print(f"story queries on {size:,} articles:")
        story_queries(store, BUNDLED_STORY_NAME)
    if "appear" in sections:
        print("appear (refresh_interval 0.5 s):", median([await appear_once(fresh()) for _ in range(RUNS)]))
    if "quit" in sections:
        with FeedServer() as server:
            print("quit (a request in flight):", median([await quit_once(fresh(), server) for _ in range(RUNS)]))


def newsgen_title() -> str:
    from storywatch.store.story import load_story

    return load_story(BUNDLED_STORY_FILE).title


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections of {SECTIONS}")
    parser.add_argument("--size", type=int, default=STORE_SIZE, help="articles in the store the timings use")
    arguments = parser.parse_args()
    asyncio.run(main([s for s in arguments.only.split(",") if s], arguments.size))
