"""One database, several processes: the dashboard, `fetch --once`, `fetch --watch`, `feeds list`
and another writer that commits every 0.2 s. Nobody may see "database is locked".

The other writer is a real process holding `BEGIN IMMEDIATE` for a short moment, as another
storywatch storing a poll would; everything talks to a real feed server on 127.0.0.1.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from feedserver import item, rss
from test_cli import storywatch
from tui_helpers import STORY_NAME, make_story, shown_titles, wait_until

from storywatch.store.db import open_db
from storywatch.store.feeds import add_feed
from storywatch.tui.app import StorywatchApp

WRITER = textwrap.dedent(
    """
    import signal, sqlite3, sys, time
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    conn = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
    conn.execute("CREATE TABLE IF NOT EXISTS other_writer (n INTEGER, at REAL)")
    print("ready", flush=True)
    commits, deadline = 0, time.monotonic() + float(sys.argv[2])
    while time.monotonic() < deadline and not stop:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO other_writer VALUES (?, ?)", (commits, time.time()))
        time.sleep(0.05)  # a short hold of the write lock
        conn.execute("COMMIT")
        commits += 1
        time.sleep(0.2)
    print(commits, flush=True)
    """
)


# `storywatch` with Ctrl-C working as in a terminal. A process started in the background of a
# shell without job control (`cmd &` in a script, as a CI runner may start pytest) inherits
# SIGINT ignored, Python then installs no handler of its own, and the watcher would wait out
# the test's Ctrl-C for ever (seen once, session 10).
WITH_CTRL_C = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'storywatch'; runpy.run_module('storywatch.tui.cli', run_name='__main__')"
)


class OtherWriter:
    """A second process that commits a small write every 0.2 s until stopped (at most `limit` s)."""

    def __init__(self, db_path: Path, limit: float = 120.0) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db_path), str(limit)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "ready", self.process.stderr.read()

    def commits(self) -> int:
        """Stop the writer; how many transactions it committed (it must not have failed either)."""
        self.process.send_signal(signal.SIGTERM)
        out, err = self.process.communicate(timeout=30)
        assert self.process.returncode == 0, f"the other writer failed: {err}"
        return int(out.strip())


@pytest.fixture
def shared(tmp_path, feed_server):
    """A story database with a few feeds on the test server, and another writer on the same file."""
    db_path = make_story(tmp_path)
    db = open_db(db_path)
    for n in range(6):
        url = feed_server.route(
            f"/shared/{n}.xml", rss([item(n * 100 + i, title=f"Cartel strike report {n}-{i}") for i in range(30)])
        )
        add_feed(db, url)
    db.close()
    writer = OtherWriter(db_path)
    yield db_path
    assert writer.commits() > 0  # it really wrote meanwhile, and never failed


def cli(db_path: Path, *args: str) -> subprocess.CompletedProcess:
    return storywatch("--db", str(db_path), "--story", str(db_path.parent / "story.toml"), *args)


def test_commands_wait_their_turn_beside_another_writer(shared):
    for _ in range(3):
        fetched = cli(shared, "fetch", "--once")
        assert fetched.returncode == 0, fetched.stderr
        assert "locked" not in fetched.stderr and "failed" not in fetched.stdout.split("ok")[0]
    for _ in range(15):
        listed = cli(shared, "feeds", "list")
        assert listed.returncode == 0, listed.stderr
        assert "locked" not in listed.stderr
    db = open_db(shared, migrate=False)
    assert db.execute("SELECT count(*) FROM articles WHERE kind = 'feed'").fetchone()[0] == 180
    assert db.execute("SELECT count(*) FROM feeds WHERE failure_count > 0").fetchone()[0] == 0
    db.close()


def test_two_fetches_and_a_listing_at_once(shared):
    """Start-up (ensure_story) of one command while another stores its poll: both succeed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYWATCH_")}
    base = [sys.executable, "-m", "storywatch.tui.cli", "--db", str(shared), "--story", str(shared.parent / "story.toml")]
    running = [
        subprocess.Popen([*base, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for args in (["fetch", "--once"], ["fetch", "--once"], ["feeds", "list"], ["feeds", "list"])
    ]
    for process in running:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert "locked" not in err


def test_fetch_watch_keeps_running_beside_another_writer(shared):
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYWATCH_")}
    watcher = subprocess.Popen(
        [sys.executable, "-c", WITH_CTRL_C, "--db", str(shared), "--story", str(shared.parent / "story.toml"),
         "fetch", "--watch"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        deadline = time.monotonic() + 60
        stored = 0
        while time.monotonic() < deadline and stored < 180:
            assert watcher.poll() is None, watcher.communicate()[1]  # still watching
            time.sleep(0.5)
            db = open_db(shared, migrate=False)
            stored = db.execute("SELECT count(*) FROM articles WHERE kind = 'feed'").fetchone()[0]
            db.close()
        assert stored == 180
        time.sleep(2)  # and it goes on watching beside the other writer
        assert watcher.poll() is None
    finally:
        watcher.send_signal(signal.SIGINT)
        out, err = watcher.communicate(timeout=30)
    assert "locked" not in err and "cannot store" not in err, err


async def test_the_dashboard_teaches_and_fetches_beside_another_writer(shared):
    """`r`, `+`, `-` and reading (a read mark) while the fetcher stores polls and another
    process commits: every mark is stored, no error is shown, the fetcher keeps going."""
    app = StorywatchApp(shared, STORY_NAME, refresh_interval=0.1)
    errors: list[str] = []
    shown = app.notify

    def notify(message, *args, severity="information", **kwargs):
        if severity == "error":
            errors.append(str(message))
        return shown(message, *args, severity=severity, **kwargs)

    app.notify = notify
    async with app.run_test(size=(120, 35)) as pilot:
        assert await wait_until(pilot, lambda: len(shown_titles(app)) > 2, timeout=30)
        await pilot.press("a")  # every report, so the cursor has feed items to mark
        for key in ["r", "plus", "down", "minus", "down", "plus", "enter", "escape", "down", "minus", "r"] * 2:
            await pilot.press(key)
            await pilot.pause(0.2)
        assert await wait_until(
            pilot, lambda: not any(w.is_running for w in app.screen.workers if w.group in ("teach", "read")), 60
        )
        header = app.screen.query_one("#story-header")
        assert header.fetcher_state in ("idle", "polling"), header.fetcher_error
    assert errors == []
    db = open_db(shared, migrate=False)
    assert db.execute("SELECT count(*) FROM relevance WHERE taught IS NOT NULL").fetchone()[0] >= 3
    assert db.execute("SELECT count(*) FROM articles WHERE read_at IS NOT NULL").fetchone()[0] >= 1
    db.close()


def test_feed_list_changes_beside_a_fetch_and_another_writer(shared, feed_server, tmp_path):
    """The feed list's write paths (OPML import, remove) run while `fetch --once` stores its poll
    and the other writer commits: every command succeeds and the file holds what each wrote."""
    urls = [feed_server.route(f"/imported/{n}.xml", rss([item(9000 + n)])) for n in range(3)]
    outlines = "".join(f'<outline type="rss" text="Imported {n}" xmlUrl="{url}"/>' for n, url in enumerate(urls))
    opml = tmp_path / "list.opml"
    opml.write_text(f'<opml version="2.0"><body><outline text="Wires">{outlines}</outline></body></opml>')
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYWATCH_")}
    base = [sys.executable, "-m", "storywatch.tui.cli", "--db", str(shared), "--story", str(shared.parent / "story.toml")]
    fetching = subprocess.Popen([*base, "fetch", "--once"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    imported = cli(shared, "feeds", "import", str(opml))
    removed = cli(shared, "feeds", "remove", urls[0])
    out, err = fetching.communicate(timeout=120)
    assert fetching.returncode == 0 and "locked" not in err, err
    for done in (imported, removed):
        assert done.returncode == 0 and "locked" not in done.stderr, done.stderr
    db = open_db(shared, migrate=False)
    followed = {row[0] for row in db.execute("SELECT url FROM feeds")}
    tags = {row[0] for row in db.execute("SELECT tag FROM feed_tags")}
    db.close()
    assert urls[0] not in followed and set(urls[1:]) <= followed
    assert tags == {"Wires"}


def test_a_file_from_before_the_facets_places_migrates_beside_another_writer(tmp_path):
    """m022 and m025 copy `story_facets` into a new table and m023 reads names again: all run
    under the write lock while another process keeps committing, and none loses the other's rows."""
    db_path = make_story(tmp_path)
    db = open_db(db_path)
    with db.atomic():
        db.execute(
            "DELETE FROM _sqlite_migrations WHERE name IN"
            " ('m022_facets_held_within_places', 'm023_names_split_at_and', 'm025_phrases_held_within_places')"
        )
        story_id = db.execute("SELECT id FROM stories").fetchone()[0]
        rows = [(story_id, "Mexico", "Mexico", "evidence"), (story_id, "Mexico", "New Mexico", "unless")]
        db.execute("DROP TABLE story_facets")
        db.execute(
            "CREATE TABLE story_facets (id INTEGER PRIMARY KEY,"
            " story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE, facet TEXT NOT NULL,"
            " phrase TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'evidence' CHECK (kind IN ('evidence', 'unless')))"
        )
        db.execute("CREATE INDEX story_facets_by_story ON story_facets (story_id, id)")
        db.conn.executemany("INSERT INTO story_facets (story_id, facet, phrase, kind) VALUES (?, ?, ?, ?)", rows)
    db.close()
    db, applied = migrated_beside_another_writer(db_path)
    assert {"m022_facets_held_within_places", "m023_names_split_at_and", "m025_phrases_held_within_places"} <= applied
    assert db.execute("SELECT story_id, facet, phrase, kind FROM story_facets ORDER BY id").fetchall() == rows
    assert "'only_within'" in db.execute("SELECT sql FROM sqlite_master WHERE name = 'story_facets'").fetchone()[0]
    db.close()


_NAMES_OF = "SELECT e.kind FROM mentions m JOIN entities e ON e.id = m.entity_id WHERE e.name = ?"


@pytest.mark.parametrize(
    "migration, record, as_left, name, kinds",
    [
        # an older extractor made a person of everyday words
        ("m024_names_of_everyday_words", {"body": "Waffle House shooting leaves two dead."},
         "UPDATE entities SET kind = 'person' WHERE name = 'Waffle House'", "Waffle House", [("org",)]),
        # and a firm of the place the boat strikes are in
        ("m026_places_read_as_firms", {"body": "A strike in the Eastern Pacific killed two men on Monday."},
         "UPDATE entities SET kind = 'org' WHERE name = 'Pacific'", "Pacific", [("place",)]),
        # and an outlet's own name, in a feed titled otherwise, was a mention
        ("m027_outlets_named_by_their_site",
         {"body": "Officials told Reuters the Pentagon is weighing strikes.", "url": "https://www.reuters.com/a",
          "source": "Wire (Direct)"},
         "UPDATE articles SET source = 'Reuters (Direct)'", "Reuters", []),
        # and a word of an embedded player's consent notice a firm
        ("m028_sentence_starts_read_again",
         {"body": "Trump told NBC. To display this content from YouTube, you must enable advertisement tracking and"
                  " audience measurement. One of your browser extensions seems to be blocking the video player from"
                  " loading."},
         ("INSERT INTO entities (kind, name, key) VALUES ('org', 'One', 'one')",
          "INSERT INTO mentions (article_id, entity_id, field, char_start, char_end, text) SELECT a.id,"
          " (SELECT id FROM entities WHERE name = 'One'), 'body', 119, 122, 'One' FROM articles a"
          " WHERE a.url = 'https://n.test/w'"),
         "One", []),
        # and a person of an acronym that opened a sentence and spoke
        ("m029_acronyms_read_as_bodies", {"body": "The outbreak grew. WHO said on Monday that cases had doubled."},
         "UPDATE entities SET kind = 'person' WHERE name = 'WHO'", "WHO", [("org",)]),
    ],
)
def test_a_file_with_misread_names_migrates_beside_another_writer(tmp_path, migration, record, as_left, name, kinds):
    """m024, m026, m027, m028 and m029 read again the articles naming what an older version misread, under
    the write lock while another process keeps committing."""
    from storywatch.store.ingest import ingest_items
    from storywatch.store.records import ArticleRecord

    db_path = make_story(tmp_path)
    db = open_db(db_path)
    ingest_items(db, [ArticleRecord(**{"title": "News", "url": "https://n.test/w", **record})])
    with db.atomic():
        db.execute("DELETE FROM _sqlite_migrations WHERE name = ?", [migration])
        for statement in [as_left] if isinstance(as_left, str) else as_left:
            db.execute(statement)  # the rows as the older version left them
    assert db.execute(_NAMES_OF, [name]).fetchall() != kinds
    db.close()
    db, applied = migrated_beside_another_writer(db_path)
    assert migration in applied
    assert db.execute(_NAMES_OF, [name]).fetchall() == kinds
    db.close()


def migrated_beside_another_writer(db_path):
    """Open the file with a command (its pending migrations run then) while another process keeps
    committing; check the command worked, the other writer lost nothing and the file is whole.
    Returns the file, opened without migrating, and the migrations it records."""
    writer = OtherWriter(db_path)
    listed = cli(db_path, "feeds", "list")
    commits = writer.commits()
    assert listed.returncode == 0 and "locked" not in listed.stderr, listed.stderr
    db = open_db(db_path, migrate=False)
    assert commits > 0 and db.execute("SELECT count(*) FROM other_writer").fetchone()[0] == commits
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return db, {row[0] for row in db.execute("SELECT name FROM _sqlite_migrations")}
