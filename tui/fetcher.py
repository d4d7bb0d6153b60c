"""The fetcher inside the app: `feeds.poller.watch` on its own thread and its own connection.

The screen runs `Fetcher.run` in a thread worker; each finished poll is handed to a callback
that posts a message to the screen, so new articles show at once. Stopping is an event the
poller checks every tick, so quitting the app never waits for the next poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from storywatch.store.db import open_db

if TYPE_CHECKING:
    from storywatch.feeds.fetch import FetchSettings
    from storywatch.feeds.poller import PollReport


_NOTICE = 0.1  # seconds between looks at the stop and poll-now events


class Fetcher:
    """Polls the story's feeds until stopped. One instance per app; `run` blocks its thread."""

    def __init__(self, db_path: Path, settings: "FetchSettings | None" = None, tick: float = 0.25) -> None:
        self.db_path = db_path
        self.settings = settings
        self.tick = tick
        self._stop = threading.Event()
        self._poll_now = threading.Event()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def stop(self) -> None:
        self._stop.set()

    def poll_now(self) -> None:
        """Ask for every feed to be polled at once, whatever its schedule says."""
        self._poll_now.set()

    def run(self, on_poll: Callable[["PollReport"], None]) -> None:
        """Watch the feeds until `stop()`; blocks, so call it from a thread worker."""
        db = open_db(self.db_path)
        try:
            asyncio.run(self._watch(db, on_poll))
        finally:
            db.conn.close()

    async def _watch(self, db, on_poll: Callable[["PollReport"], None]) -> None:
        """`watch` on schedule; a `poll_now()` interrupts it for one round of every feed."""
        from storywatch.feeds.fetch import FetchSettings  # the feeds package loads only when a fetcher runs
        from storywatch.feeds.poller import PollStoreError, poll_due, watch
        from storywatch.store.db import is_transient

        settings = self.settings or FetchSettings()
        while not self._stop.is_set():
            pause = threading.Event()
            watching = asyncio.ensure_future(
                watch(db, stop=pause, on_poll=on_poll, settings=settings, tick=self.tick)
            )
            while not watching.done():
                await asyncio.wait({watching}, timeout=_NOTICE)
                if self._stop.is_set() or self._poll_now.is_set():
                    pause.set()
            watching.result()  # a failure stops the fetcher and shows in the header
            if self._poll_now.is_set() and not self._stop.is_set():
                self._poll_now.clear()
                try:
                    report = await self._unless_stopped(poll_due(db, settings=settings, force=True))
                except PollStoreError as error:
                    if not is_transient(error):
                        raise
                    report = error.report  # another process held the database: the next round stores it
                if report is not None:
                    on_poll(report)

    async def _unless_stopped(self, work):
        """Await `work`, abandoning it (None) as soon as the app asks the fetcher to stop."""
        task = asyncio.ensure_future(work)
        while not task.done():
            await asyncio.wait({task}, timeout=_NOTICE)
            if self._stop.is_set() and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
                return None
        return task.result()
