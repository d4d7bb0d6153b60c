"""The story check a command skips when the story file still says what the database holds
(`stories.checked_digest`, issue 13), and everything it must still notice: a changed title,
threshold, facet or alias, a new seed file, another story's aliases written into the same file.

The real command in a real process against a feed on 127.0.0.1, and real SQLite files.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from feedserver import rss

from storywatch.store.db import open_db
from storywatch.store.story import ensure_story, load_story, story_digest

ROOT = Path(__file__).resolve().parents[1]
STORY = '[story]\nname = "local"\ntitle = "Local story"\nseeds = ["seeds/*.txt"]\n'
CHECK_MODULES = ("storywatch.store.entities", "storywatch.store.scoring")  # what only the full check loads


def storywatch(folder: Path, *args: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    """`storywatch --db x.db --story story.toml ARGS` in FOLDER; its result and the modules it imported."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYWATCH_")}
    env["STORYWATCH_CONFIG"] = str(folder / "config.toml")
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "storywatch.tui.cli", "--db", str(folder / "x.db"),
         "--story", str(folder / "story.toml"), *args],
        cwd=ROOT, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    modules = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    return result, modules


def stored(folder: Path, sql: str, *params) -> list[tuple]:
    db = open_db(folder / "x.db")
    try:
        return [tuple(row) for row in db.execute(sql, list(params)).fetchall()]
    finally:
        db.close()


@pytest.fixture
def story(tmp_path, feed_server) -> Path:
    """A story with one seed, its database polling one local feed that answers 304 once polled."""
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "one.txt").write_text("Local Test Headline About Cartels\n\nBody of the seed.")
    (tmp_path / "story.toml").write_text(STORY)
    url = feed_server.route("/check.xml", rss([{"title": "A report", "link": "http://127.0.0.1/r/1", "guid": "r1"}]),
                            etag='"v1"')
    storywatch(tmp_path, "feeds", "add", url)
    first, _ = storywatch(tmp_path, "fetch", "--once")
    assert "1 new" in first.stdout
    return tmp_path


def test_an_unchanged_story_file_is_not_compared_again(story):
    warm, modules = storywatch(story, "fetch", "--once")
    assert "(1 not modified)" in warm.stdout
    assert sorted(modules & set(CHECK_MODULES)) == []
    assert stored(story, "SELECT checked_digest FROM stories") == [(story_digest(load_story(story / "story.toml")),)]


def test_a_changed_title_and_threshold_are_noticed_by_the_next_fetch(story):
    (story / "story.toml").write_text(STORY.replace('title = "Local story"', 'title = "Local story, day two"\nthreshold = 0.7'))
    warm, modules = storywatch(story, "fetch", "--once")
    assert "(1 not modified)" in warm.stdout
    assert "storywatch.store.entities" in modules  # compared, and written
    assert stored(story, "SELECT title, threshold FROM stories") == [("Local story, day two", 0.7)]
    _, modules = storywatch(story, "fetch", "--once")
    assert sorted(modules & set(CHECK_MODULES)) == []  # and vouched for again


def test_a_new_seed_file_is_noticed_by_the_next_fetch(story):
    """The story file is the same; its glob now names one more seed."""
    (story / "seeds" / "two.txt").write_text("Second Local Headline About Cartels\n\nAnother body.")
    storywatch(story, "fetch", "--once")
    assert stored(story, "SELECT guid FROM articles WHERE kind = 'seed' ORDER BY guid") == [
        ("seed:local:one.txt",), ("seed:local:two.txt",)
    ]


def test_new_facets_and_aliases_are_noticed_by_the_next_fetch(story):
    (story / "story.toml").write_text(
        STORY + '[aliases]\n"Cartel del Golfo" = ["Gulf Cartel"]\n[[facets]]\nname = "Mexico"\nwords = ["Mexico"]\n'
    )
    storywatch(story, "fetch", "--once")
    assert stored(story, "SELECT facet, phrase FROM story_facets") == [("Mexico", "Mexico")]
    assert stored(story, "SELECT DISTINCT canonical FROM story_aliases") == [("Cartel del Golfo",)]


def test_another_storys_aliases_in_the_same_file_are_noticed(tmp_path):
    """Aliases belong to the whole database: a second story writing its own puts the first
    story's check back, and the first story's next command writes its own again."""
    (tmp_path / "seed.txt").write_text("Local Test Headline About Cartels\n\nBody of the seed.")
    first, second = tmp_path / "first.toml", tmp_path / "second.toml"
    first.write_text('[story]\nname = "first"\ntitle = "First"\nseeds = ["seed.txt"]\n[aliases]\n"A Canon" = ["Alpha"]\n')
    second.write_text('[story]\nname = "second"\ntitle = "Second"\nseeds = ["seed.txt"]\n[aliases]\n"B Canon" = ["Beta"]\n')
    db = open_db(tmp_path / "x.db")
    try:
        ensure_story(db, load_story(first), remember=True)
        assert db.execute("SELECT count(*) FROM stories WHERE checked_digest IS NOT NULL").fetchone()[0] == 1
        ensure_story(db, load_story(second), remember=True)
        assert db.execute("SELECT name FROM stories WHERE checked_digest IS NOT NULL").fetchall() == [("second",)]
        ensure_story(db, load_story(first), remember=True)
        assert db.execute("SELECT DISTINCT canonical FROM story_aliases").fetchall() == [("A Canon",)]
    finally:
        db.close()


def test_a_command_that_only_reads_writes_no_digest(story):
    """`feeds list` on a database that holds the story as its file has it writes nothing, not
    even the digest; a command that writes anyway records it."""
    db = open_db(story / "x.db")
    db.execute("UPDATE stories SET checked_digest = NULL")
    db.conn.commit()
    db.close()
    storywatch(story, "feeds", "list")
    assert stored(story, "SELECT checked_digest FROM stories") == [(None,)]
    storywatch(story, "fetch", "--once")
    assert stored(story, "SELECT checked_digest FROM stories") != [(None,)]


def test_the_digest_changes_with_each_compared_fact(tmp_path):
    (tmp_path / "a.txt").write_text("Local Test Headline About Cartels\n\nBody.")
    (tmp_path / "b.txt").write_text("Other Local Headline About Cartels\n\nBody.")
    base = '[story]\nname = "local"\ntitle = "T"\nseeds = ["a.txt"]\n'
    variants = [
        base,
        base.replace('"T"', '"U"'),
        base.replace('name = "local"', 'name = "other"'),
        base.replace('title = "T"', 'title = "T"\nthreshold = 0.6'),
        base.replace('["a.txt"]', '["a.txt", "b.txt"]'),
        base + '[aliases]\n"X" = ["Y"]\n',
        base + '[[facets]]\nname = "F"\nwords = ["w"]\n',
        base + '[[facets]]\nname = "F"\nwords = ["w"]\nunless = ["w v"]\n',
    ]
    digests = []
    for number, text in enumerate(variants):
        path = tmp_path / f"story{number}.toml"
        path.write_text(text)
        digests.append(story_digest(load_story(path)))
    assert len(set(digests)) == len(variants)
