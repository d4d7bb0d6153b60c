"""The database file as users meet it: one a newer storywatch wrote, one they may not write."""

from __future__ import annotations

import subprocess

import pytest
from test_cli import assert_one_line_error, storywatch
from tui_helpers import STORY_NAME, make_story, notes_of, shown_titles, unwritable, wait_until

from storywatch.store.db import StoreError, open_db
from storywatch.tui.app import StorywatchApp


def cli(db_path, *args: str) -> subprocess.CompletedProcess:
    return storywatch("--db", str(db_path), "--story", str(db_path.parent / "story.toml"), *args)


@pytest.fixture
def read_only_db(tmp_path):
    """A story database the current user cannot write."""
    with unwritable(make_story(tmp_path)) as db_path:
        yield db_path


def test_a_database_from_a_newer_storywatch_is_refused(tmp_path):
    db_path = make_story(tmp_path)
    db = open_db(db_path)
    db.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('storywatch', 'm999_from_the_future', ?)",
        ["2030-01-01"],
    )
    db.close()
    with pytest.raises(StoreError, match="newer storywatch"):
        open_db(db_path)
    result = cli(db_path, "feeds", "list")
    assert_one_line_error(result, "written by a newer storywatch")


def test_a_read_only_database_opens_for_reading(read_only_db):
    db = open_db(read_only_db)
    assert db.read_only
    assert db.execute("SELECT count(*) FROM articles WHERE kind = 'seed'").fetchone()[0] == 2
    db.close()
    listed = cli(read_only_db, "feeds", "list")
    assert listed.returncode == 0, listed.stderr
    assert_one_line_error(cli(read_only_db, "fetch", "--once"), "read-only")
    assert_one_line_error(cli(read_only_db, "feeds", "add", "http://127.0.0.1:9/feed.xml"), "read-only")


async def test_the_dashboard_shows_a_read_only_database_and_saves_nothing(read_only_db):
    app = StorywatchApp(read_only_db, STORY_NAME, fetch=True)
    warnings = notes_of(app)
    async with app.run_test(size=(120, 35)) as pilot:
        assert await wait_until(pilot, lambda: len(shown_titles(app)) == 2)
        header = app.screen.query_one("#story-header")
        assert header.fetcher_state == "read-only"
        assert "read-only database" in header.render().plain
        await pilot.press("plus")
        await pilot.press("enter")
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert not [w for w in warnings if w.startswith("error")]
        assert sum("read-only" in w for w in warnings) >= 2  # at start, and when + was pressed
    db = open_db(read_only_db)
    assert db.execute("SELECT count(*) FROM relevance WHERE taught IS NOT NULL").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM articles WHERE read_at IS NOT NULL").fetchone()[0] == 0
    db.close()
