"""One run of the demo: its feed server, its story and a database of its own in a temporary
folder that is removed when the run ends, whatever the user's --db or settings say."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from storywatch.store.db import open_db
from storywatch.store.story import FeedEntry, Story, ensure_story, load_story
from storywatch.store.text.urls import feed_url
from storywatch.tui.demo import STORY_FILE
from storywatch.tui.demo.script import load_script
from storywatch.tui.demo.server import DemoServer

POLL_INTERVAL = 5.0  # seconds between polls of a demo feed at speed 1: the story moves while you watch


@dataclass(frozen=True)
class DemoSession:
    folder: Path  # the temporary folder: the database and the settings the app may save
    db_path: Path
    story: Story
    server: DemoServer


def demo_story(server: DemoServer) -> Story:
    """The demo story with the server's feeds (their port is known only once it runs)."""
    story = load_story(STORY_FILE)
    feeds = [FeedEntry(feed_url(server.feed_url(o.slug)), o.title) for o in server.script.outlets]
    return replace(story, feeds=feeds)


@contextmanager
def demo_session(*, speed: float = 1.0, clock: Callable[[], float] | None = None) -> Iterator[DemoSession]:
    """Start the feed server and fill a fresh temporary database with the demo story; on exit
    stop the server and delete the folder."""
    folder = Path(tempfile.mkdtemp(prefix="storywatch-demo-"))
    server = DemoServer(load_script(), clock=clock, speed=speed)
    try:
        server.start()
        story = demo_story(server)
        db_path = folder / "demo.db"
        db = open_db(db_path)
        try:
            ensure_story(db, story)
        finally:
            db.close()
        server.begin()  # the script starts once the seeds are stored, so every report is newer than they are
        yield DemoSession(folder, db_path, story, server)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
