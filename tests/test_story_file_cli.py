"""A bad story file as the user meets it: the real command line, one line on stderr, nothing stored."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_cli import storywatch
from test_story import BAD_STORY_FILES, HEAD

ROOT = Path(__file__).resolve().parents[1]


def stored_rows(db: Path) -> dict[str, int]:
    """How many stories and feeds the database holds; none if the file was never made."""
    if not db.exists():
        return {"stories": 0, "feeds": 0}
    with sqlite3.connect(db) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] if table in tables else 0
            for table in ("stories", "feeds")
        }


# One wrong value of every key (the load_story tests try them all; a process each costs ~0.15 s).
THROUGH_THE_CLI = {
    "story-not-a-table", "threshold-nan", "threshold-7", "alias-not-a-list", "feed-url-number",
    "story-missing", "name-number", "title-bool", "threshold-text", "story-unknown-key", "top-unknown-table",
    "seeds-text", "seeds-not-found", "seed-file-number", "seed-title-number", "seed-source-empty",
    "seed-url-ftp", "seed-date-text", "seed-unknown-key", "feeds-table", "feed-url-no-host",
    "feed-title-number", "feed-unknown-key", "aliases-number", "alias-number-name", "facets-number",
    "facet-name-number", "facet-words-text", "facet-words-empty", "facet-unless-number",
    "facet-unknown-key", "facet-name-twice",
}
CASES = [case for case in BAD_STORY_FILES if case[0] in THROUGH_THE_CLI]


def test_every_case_named_for_the_cli_exists():
    """A renamed case must not silently drop out of the end-to-end run."""
    assert len(CASES) == len(THROUGH_THE_CLI)


@pytest.mark.parametrize("text, key", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_a_bad_story_file_is_one_line_and_writes_nothing(tmp_path, text, key):
    """Finding 5 of issue 9: no internal error, no database error, no half-made story."""
    (tmp_path / "a.txt").write_text("A Seed Headline Here\n\nUS strikes on cartels in Mexico.")
    story = tmp_path / "story.toml"
    story.write_text(text)
    db = tmp_path / "x.db"
    result = storywatch("--db", str(db), "--story", str(story), "feeds", "list")
    assert result.returncode == 1, result
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"storywatch: story file {story}: "), lines[0]
    assert key in lines[0], lines[0]
    assert result.stdout == ""
    assert stored_rows(db) == {"stories": 0, "feeds": 0}


def test_a_story_file_gone_bad_leaves_the_stored_story_as_it_was(tmp_path):
    """An edit that breaks the file changes nothing already stored: not the threshold, not the feeds."""
    (tmp_path / "a.txt").write_text("A Seed Headline Here\n\nUS strikes on cartels in Mexico.")
    story = tmp_path / "story.toml"
    db = tmp_path / "x.db"
    story.write_text(HEAD + 'threshold = 0.4\nseeds = ["a.txt"]\n[[feeds]]\nurl = "http://127.0.0.1:9/a.xml"\n')
    assert storywatch("--db", str(db), "--story", str(story), "feeds", "list").returncode == 0
    with sqlite3.connect(db) as conn:
        before = conn.execute("SELECT name, title, threshold FROM stories").fetchall()
        assert before == [("x", "X", 0.4)]
    story.write_text(
        HEAD + 'threshold = 7\nseeds = ["a.txt"]\n[[feeds]]\nurl = "http://127.0.0.1:9/b.xml"\n'
    )
    result = storywatch("--db", str(db), "--story", str(story), "feeds", "list")
    assert result.returncode == 1 and "[story] threshold" in result.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT name, title, threshold FROM stories").fetchall() == before
        assert conn.execute("SELECT url FROM feeds").fetchall() == [("http://127.0.0.1:9/a.xml",)]
