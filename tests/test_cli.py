"""The command line as a user meets it: a real process, real stderr, real exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storywatch.store.db import open_db

ROOT = Path(__file__).resolve().parents[1]


def storywatch(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("STORYWATCH_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "storywatch.tui.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=full_env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def assert_one_line_error(result: subprocess.CompletedProcess, fragment: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("storywatch: ") and fragment in lines[0], lines[0]
    assert "Traceback" not in result.stderr


@pytest.fixture
def story_file(tmp_path) -> Path:
    """A story with one seed and no feeds: tests never reach the real outlets."""
    (tmp_path / "seed.txt").write_text("Local Test Headline About Cartels\n\nBody of the seed.")
    path = tmp_path / "story.toml"
    path.write_text('[story]\nname = "local"\ntitle = "Local story"\nseeds = ["seed.txt"]\n')
    return path


def test_feeds_add_list_remove(tmp_path, story_file):
    db = str(tmp_path / "x.db")
    added = storywatch("--db", db, "--story", str(story_file), "feeds", "add", "http://127.0.0.1:9/feed.xml")
    assert added.returncode == 0, added.stderr
    listed = storywatch("--db", db, "--story", str(story_file), "feeds", "list")
    assert "http://127.0.0.1:9/feed.xml" in listed.stdout and "not polled" in listed.stdout
    assert_one_line_error(
        storywatch("--db", db, "--story", str(story_file), "feeds", "add", "http://127.0.0.1:9/feed.xml"), "already"
    )
    removed = storywatch("--db", db, "--story", str(story_file), "feeds", "remove", "http://127.0.0.1:9/feed.xml")
    assert removed.returncode == 0
    assert "no feeds" in storywatch("--db", db, "--story", str(story_file), "feeds", "list").stdout


def test_database_path_from_the_environment(tmp_path, story_file):
    db = tmp_path / "env.db"
    result = storywatch("feeds", "list", env={"STORYWATCH_DB": str(db), "STORYWATCH_STORY": str(story_file)})
    assert result.returncode == 0, result.stderr
    assert db.exists()


def test_unwritable_db_is_one_line(tmp_path, story_file):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert_one_line_error(
        storywatch("--db", str(blocker / "x.db"), "--story", str(story_file), "feeds", "list"), "cannot open database"
    )


def test_db_that_is_a_directory_or_not_sqlite_is_one_line(tmp_path, story_file):
    (tmp_path / "dir.db").mkdir()
    assert_one_line_error(storywatch("--db", str(tmp_path / "dir.db"), "--story", str(story_file), "feeds", "list"), "")
    (tmp_path / "junk.db").write_bytes(b"definitely not sqlite" * 200)
    assert_one_line_error(storywatch("--db", str(tmp_path / "junk.db"), "--story", str(story_file), "feeds", "list"), "")


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["bogus"], "No such command"),
        (["fetch", "--concurrency", "0"], "0"),
        (["feeds", "add"], "Missing argument"),
        (["--story", "no-such-story", "feeds", "list"], "unknown story"),
        (["fetch", "--once", "--watch"], "--once and --watch exclude each other"),
    ],
)
def test_bad_arguments_are_one_line(tmp_path, args, fragment):
    db = tmp_path / "x.db"
    assert_one_line_error(storywatch("--db", str(db), *args), fragment)
    assert not db.exists()  # refused before anything was opened or written


def test_version_and_help_answer_without_a_database(tmp_path):
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    version = storywatch("--version", env=env)
    assert version.returncode == 0 and version.stdout.startswith("storywatch, version ")
    for args in (["--help"], ["fetch", "--help"], ["feeds", "list", "--help"]):
        result = storywatch(*args, env=env)
        assert result.returncode == 0 and "Usage: storywatch" in result.stdout, result.stderr
    assert not (tmp_path / "data").exists()  # no data dir made just to print help


def test_global_options_come_before_the_subcommand(tmp_path, story_file):
    result = storywatch("feeds", "list", "--db", str(tmp_path / "x.db"))
    assert_one_line_error(result, "--db")


def test_a_command_rescores_what_is_stored_when_the_facets_changed(tmp_path, story_file):
    from storywatch.store.db import open_db
    from storywatch.store.ingest import ingest_items
    from storywatch.store.records import ArticleRecord
    from storywatch.store.scoring import pending_rescore
    from storywatch.store.story import ensure_story, load_story

    db_path = tmp_path / "x.db"
    db = open_db(db_path)
    ensure_story(db, load_story(story_file))
    ingest_items(db, [ArticleRecord(title="Cartels in Colombia", url="http://127.0.0.1:9/a")])
    story_file.write_text(story_file.read_text() + '[[facets]]\nname = "Mexico"\nwords = ["Mexico"]\n')
    story_id = ensure_story(db, load_story(story_file))
    assert pending_rescore(db, story_id) > 0
    db.conn.close()
    listed = storywatch("--db", str(db_path), "--story", str(story_file), "feeds", "list")
    assert listed.returncode == 0, listed.stderr
    db = open_db(db_path)
    assert pending_rescore(db, story_id) == 0
    reasons = db.execute("SELECT r.reasons FROM relevance r JOIN articles a ON a.id = r.article_id"
                         " WHERE a.title = 'Cartels in Colombia'").fetchone()[0]
    assert "nothing on Mexico" in reasons
    db.conn.close()


HOSTILE_URL = "http://127.0.0.1:9/feed.xml\n\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2Jinjected"


def assert_inert(result: subprocess.CompletedProcess) -> None:
    """Nothing a terminal acts on: no escape, no bell, no other control but line ends."""
    for stream in (result.stdout, result.stderr):
        assert not [char for char in stream if char != "\n" and (ord(char) < 32 or 127 <= ord(char) < 160)], stream


def test_a_feed_url_holding_controls_is_refused_and_never_echoed_raw(tmp_path, story_file):
    """Issue 9.7: an OSC 52 clipboard write or a screen clear must not reach the terminal."""
    db = str(tmp_path / "x.db")
    result = storywatch("--db", db, "--story", str(story_file), "feeds", "add", HOSTILE_URL)
    assert_one_line_error(result, "control characters")
    assert_inert(result)
    assert "\\x1b]52" in result.stderr, "the refused URL is shown spelled out, so the user sees why"
    assert "no feeds" in storywatch("--db", db, "--story", str(story_file), "feeds", "list").stdout


@pytest.mark.parametrize("url", ["http://", "http://[::1", "http:///feed.xml", "http://127.0.0.1:99999/feed.xml"])
def test_a_feed_url_without_a_host_or_unparsable_is_refused(tmp_path, story_file, url):
    db = str(tmp_path / "x.db")
    assert_one_line_error(storywatch("--db", db, "--story", str(story_file), "feeds", "add", url), url)
    assert "no feeds" in storywatch("--db", db, "--story", str(story_file), "feeds", "list").stdout


def test_one_feed_url_in_two_spellings_is_one_feed(tmp_path, story_file):
    """Scheme and host case and a default port do not make a second copy of a feed."""
    db, story = str(tmp_path / "x.db"), str(story_file)
    added = storywatch("--db", db, "--story", story, "feeds", "add", "HTTP://Host:80/Feed.xml?A=1#")
    assert added.returncode == 0 and added.stdout == "added feed 1: http://host/Feed.xml?A=1\n", added.stderr
    assert_one_line_error(
        storywatch("--db", db, "--story", story, "feeds", "add", "http://host/Feed.xml?A=1"), "already following"
    )
    assert storywatch("--db", db, "--story", story, "feeds", "add", "http://host/feed.xml?a=1").returncode == 0
    removed = storywatch("--db", db, "--story", story, "feeds", "remove", "http://HOST/Feed.xml?A=1")
    assert removed.stdout == "removed feed http://host/Feed.xml?A=1\n", removed.stderr


def test_a_story_file_feed_url_holding_controls_is_refused_inertly(tmp_path, story_file):
    story_file.write_text(story_file.read_text() + f"[[feeds]]\nurl = {json.dumps(HOSTILE_URL)}\n")
    result = storywatch("--db", str(tmp_path / "x.db"), "--story", str(story_file), "fetch", "--once")
    assert_one_line_error(result, "[[feeds]] #1 url must be an http(s) URL")
    assert_inert(result)
    assert not (tmp_path / "x.db").exists()


def test_a_fetch_error_is_one_inert_line_whatever_the_feed_url_holds(tmp_path, story_file):
    """A URL stored before feed URLs were checked (by an older storywatch, or by hand with
    sqlite3): a newline in it must not split its error line, nor an escape reach the terminal."""
    db_path = tmp_path / "x.db"
    assert storywatch("--db", str(db_path), "--story", str(story_file), "feeds", "list").returncode == 0
    db = open_db(db_path)
    db.execute("INSERT INTO feeds (url, added_at) VALUES (?, '2026-01-01T00:00:00Z')", [HOSTILE_URL])
    db.close()
    result = storywatch("--db", str(db_path), "--story", str(story_file), "fetch", "--once")
    assert result.returncode == 1
    assert_inert(result)
    failed = [line for line in result.stderr.splitlines() if line.startswith("  failed ")]
    assert len(failed) == 1 and "injected" in failed[0] and "invalid URL" in failed[0], result.stderr
    assert result.stderr.splitlines()[1:] == ["storywatch: all 1 feeds failed"]
