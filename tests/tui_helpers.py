"""Shared by the dashboard tests: a small story on disk, articles to store, and patient waiting."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

from rich.text import Text

from storywatch.store.db import open_db
from storywatch.store.records import ArticleRecord
from storywatch.store.story import ensure_story, load_story

STORY_NAME = "test-story"
STORY_TITLE = "Cartel strikes: a test story"


def make_story(tmp_path: Path, title: str = STORY_TITLE) -> Path:
    """A story file with two seeds and no feeds (no test may fetch a real outlet), loaded into a
    fresh database; returns the database path."""
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text(
        "Pentagon Drafts Plans for Strikes on Cartels\n\n"
        "President Donald Trump has directed the Pentagon to draft plans for US military strikes on Mexican"
        " drug cartels in Sinaloa, officials said. Defense Secretary Pete Hegseth said drone strikes on cartel"
        " labs were among the options, after the cartels were designated terrorist organizations.\n"
    )
    (tmp_path / "seeds" / "b.txt").write_text(
        "Mexico Rejects Any Foreign Troops on Its Soil\n\n"
        "Mexican President Claudia Sheinbaum said on Monday that US troops and US military strikes on drug"
        " cartels inside Mexico are ruled out, and that Mexico will fight the cartels on its own terms.\n"
    )
    (tmp_path / "story.toml").write_text(
        f'[story]\nname = "{STORY_NAME}"\ntitle = {json.dumps(title)}\nseeds = ["seeds/*.txt"]\n'
    )
    db_path = tmp_path / "storywatch.db"
    db = open_db(db_path)
    ensure_story(db, load_story(tmp_path / "story.toml"))
    db.close()
    return db_path


def article(n: int, *, hours_ago: float | None = None, **fields) -> ArticleRecord:
    """An article as a feed would deliver it; only 127.0.0.1 URLs, though nothing fetches them."""
    from datetime import timedelta

    from storywatch.store.times import to_iso, utc_now

    published = to_iso(utc_now() - timedelta(hours=hours_ago)) if hours_ago is not None else None
    values = {
        "title": f"Update {n} on the cartel strikes",
        "url": f"http://127.0.0.1:9/story/{n}",
        "guid": f"test-{n}",
        "source": f"Wire {n % 3}",
        "published_at": published,
    }
    values.update(fields)
    return ArticleRecord(**values)


ON_STORY = "US drone strikes hit Mexican drug cartels in Sinaloa; Sheinbaum rejects US troops."
OFF_STORY = "Shares of Apple and Microsoft rose after quarterly earnings beat forecasts."


def shown_titles(app) -> list[str]:
    """The story feed's title cells, top to bottom, as the reader sees them."""
    table = app.screen.query_one("#story-feed")
    return [cell.plain if isinstance(cell, Text) else str(cell) for cell in table.get_column("title")]


async def wait_until(pilot, condition, timeout: float = 5.0) -> bool:
    """Let the app run until `condition()` holds or `timeout` seconds pass; no key is pressed."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await pilot.pause(0.05)
    return True


def notes_of(app) -> list[str]:
    """Every notification the app shows from now on ("severity: message")."""
    notes: list[str] = []
    shown = app.notify

    def notify(message, *args, severity="information", **kwargs):
        notes.append(f"{severity}: {message}")
        return shown(message, *args, severity=severity, **kwargs)

    app.notify = notify
    return notes


@contextmanager
def unwritable(db_path: Path):
    """The database file made one the current user cannot write: mode 0444 in a 0555 folder for
    a normal user; for root (CI), whom permissions do not stop, the file made immutable
    (chattr +i). Skips the test where neither is possible."""
    import os
    import shutil
    import subprocess

    import pytest

    from storywatch.store.db import open_db

    db = open_db(db_path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    for leftover in (db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    root = os.geteuid() == 0
    if not root:
        db_path.chmod(0o444)
        db_path.parent.chmod(0o555)
    elif shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(db_path)]).returncode != 0:
        pytest.skip("running as root on a file system without chattr +i: no file here is read-only to us")
    assert not os.access(db_path, os.W_OK)
    try:
        yield db_path
    finally:
        if root:
            subprocess.run(["chattr", "-i", str(db_path)], check=True)
        else:
            db_path.parent.chmod(0o755)
            db_path.chmod(0o644)
