"""The dashboard on a demo session: the real app, its fetcher polling the demo's feeds often,
and the user's settings read but never saved (a theme picked in the demo dies with it)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from pathlib import Path

from storywatch.feeds.fetch import FetchSettings
from storywatch.tui import app as dashboard
from storywatch.tui.app import StorywatchApp
from storywatch.tui.demo.session import POLL_INTERVAL, DemoSession

WELCOME = (
    "A made-up story about a tanker aground off Port Merrow develops over {duration}, "
    "from four made-up outlets served on 127.0.0.1. Watch copies collapse into one line, an edited "
    "headline (d), new sentences (L) and new names (✦, e). Its database is deleted when you quit (q)."
)


def duration(seconds: float) -> str:
    """How long the demo's story runs, as the welcome says it: "about a minute", "about 5 minutes"."""
    minutes = max(1, round(seconds / 60))
    return "about a minute" if minutes == 1 else f"about {minutes} minutes"


SCREENSHOT_SETTLE = 3.0  # seconds after the script's end: the last poll stored and painted


class DemoApp(StorywatchApp):
    """`StorywatchApp` on the demo's temporary database, with a word of welcome."""

    CSS_PATH = Path(dashboard.__file__).with_name("app.tcss")  # Textual reads a relative one beside this module

    def __init__(
        self,
        session: DemoSession,
        *,
        poll_interval: float | None = None,
        refresh_interval: float = 0.5,
        screenshot: Path | None = None,
    ):
        speed = session.server.speed
        interval = poll_interval if poll_interval is not None else max(1.0, POLL_INTERVAL / speed)
        super().__init__(
            session.db_path,
            session.story.name,
            fetch_settings=FetchSettings(poll_interval=interval),
            tags=session.story.tags,
            refresh_interval=refresh_interval,
        )
        self.session = session
        self._signals: list[int] = []  # the signals that quit the app while it runs
        self.config_path = session.folder / "config.toml"  # read the user's settings above; save none
        self.screenshot = screenshot  # where to save an SVG of the screen once the script has played
        self.screenshot_saved = False

    def on_mount(self) -> None:  # Textual also runs StorywatchApp.on_mount
        self._quit_on_signals()
        if self.screenshot is not None:  # no welcome note: the picture is of the story
            script_end = self.session.server.script.length / self.session.server.speed
            self.set_timer(script_end + SCREENSHOT_SETTLE, self._save_screenshot_and_quit)
            return
        seconds = self.session.server.script.length / self.session.server.speed
        self.notify(WELCOME.format(duration=duration(seconds)), title="storywatch demo", timeout=20, markup=False)

    def _save_screenshot_and_quit(self) -> None:
        self.clear_notifications()  # a toast would hide part of the feed in a still picture
        self.refresh()
        self.call_after_refresh(self._save_and_quit)

    def _save_and_quit(self) -> None:
        self.save_screenshot(filename=self.screenshot.name, path=str(self.screenshot.parent))
        self.screenshot_saved = True
        self.exit()

    def _quit_on_signals(self) -> None:
        """A closed terminal (SIGHUP) or a kill (SIGTERM) quits as q does, so the temporary
        folder is still removed; where signals cannot be caught (Windows) nothing changes."""
        loop = asyncio.get_running_loop()
        for name in ("SIGHUP", "SIGTERM"):
            if hasattr(signal, name):
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(getattr(signal, name), self.exit)
                    self._signals.append(getattr(signal, name))

    def on_unmount(self) -> None:  # Textual also runs StorywatchApp.on_unmount
        loop = asyncio.get_running_loop()
        for number in self._signals:
            loop.remove_signal_handler(number)
