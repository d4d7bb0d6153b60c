"""The feeds screen: each feed's health, so a dead feed is visible without getting in the way;
`a` follows another feed, `d` stops following the highlighted one (through store/feeds.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Label, Static

from storywatch.store.db import open_db
from storywatch.store.errors import UserError
from storywatch.store.feeds import FeedStatus, add_feed, feed_statuses, remove_feed
from storywatch.store.text.clean import clean_line
from storywatch.store.times import span_text
from storywatch.tui.screens.feed_add import AddFeedScreen
from storywatch.tui.screens.feed_remove import RemoveFeedScreen
from storywatch.tui.screens.list_box import ListBox
from storywatch.tui.screens.story_marks import READ_ONLY_NOTICE
from storywatch.tui.widgets.story_header import poll_time


def status_cells(feed: FeedStatus) -> tuple[Text, ...]:
    """One feed as table cells; its title, URL and error text came from elsewhere, so `Text`."""
    if feed.failing:
        state = Text(f"✕ ×{feed.failure_count}", style="bold red", end="")
    elif feed.last_success_at:
        state = Text("● ok", style="green", end="")
    else:
        state = Text("○ new", style="dim", end="")
    name = clean_line(feed.title, 200) or clean_line(feed.url, 300)
    error = ""
    if feed.failing and feed.last_error:
        error = f"{poll_time(feed.last_error_at)}  {clean_line(feed.last_error, 300)}"
    return (
        state,
        Text(name, no_wrap=True, overflow="ellipsis", end=""),
        Text(poll_time(feed.last_success_at), end=""),
        Text(span_text(feed.wait), justify="right", end=""),
        Text(f"{feed.item_count:,}", justify="right", end=""),
        Text(error, style="red" if error else "", no_wrap=True, overflow="ellipsis", end=""),
    )


class FeedsScreen(ListBox):
    """A table of feeds over the story; escape goes back."""

    BINDINGS = [
        Binding("escape,f,q", "app.pop_screen", "Back"),
        Binding("a", "add_feed", "Add feed", tooltip="Follow a feed by its URL (as `storywatch feeds add`); polled at once"),
        Binding("d,delete", "remove_feed", "Remove feed",
                tooltip="Stop following the highlighted feed, after a yes; its reports stay"),
    ]

    DEFAULT_CSS = """
    FeedsScreen {
        & DataTable { height: auto; max-height: 40; }
        & #feeds-hint { color: $text-muted; padding: 0 1; width: 100%; }  /* wraps on a narrow terminal */
        & #feeds-error { color: $text-error; padding: 0 1; height: auto; max-height: 6; }
    }
    """

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.db_path = db_path
        self.statuses: dict[str, FeedStatus] = {}
        self.highlight: str | None = None  # the feed to put the cursor on when the table is next drawn

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Feeds"
            yield DataTable(cursor_type="row", id="feeds-table")
            yield Static(id="feeds-error", markup=False)  # the highlighted feed's error in full, wrapped
            yield Label(f"Every: the wait between polls, {self.poll_rule()}  ·  a failing feed is retried later,"
                " with growing pauses", id="feeds-hint", markup=False)
        yield Footer()  # this screen's keys, over the story's

    def poll_rule(self) -> str:
        """How often feeds are polled, by the settings in force: the fetcher's (the command line
        wins over the settings file), else the settings file's. An interval below the floor is
        every feed's (as the demo polls)."""
        settings = getattr(self.app, "fetch_settings", None)
        source = settings if settings is not None else self.app.config
        if settings is not None and settings.poll_interval < settings.poll_floor:
            return f"{span_text(settings.poll_interval)} for every feed"
        return (f"{span_text(source.poll_floor)} to {span_text(source.poll_ceiling)} as often as the feed publishes,"
                " longer if it asks")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("State", key="state", width=6)
        table.add_column("Feed", key="feed", width=28)
        table.add_column("Last success", key="success", width=12)
        table.add_column("Every", key="every", width=6)  # the wait from the last poll to the next
        table.add_column("Items", key="items", width=7)
        fixed = 8 + 30 + 14 + 8 + 9 + 6  # the other columns with their padding, the border, a scrollbar
        table.add_column("Last error", key="error", width=max(20, int(self.app.size.width * 0.94) - fixed))
        table.loading = True
        self.load_statuses()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load_statuses(self) -> list[FeedStatus]:
        """Counting items grows with the store, so it runs off the UI thread, on its own connection."""
        db = open_db(self.db_path, migrate=False)
        try:
            statuses = feed_statuses(db)
        finally:
            db.conn.close()
        self.app.call_from_thread(self._show, statuses)
        return statuses

    def _show(self, statuses: list[FeedStatus]) -> None:
        self.statuses = {str(feed.id): feed for feed in statuses}
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for feed in statuses:
            table.add_row(*status_cells(feed), key=str(feed.id))
        table.loading = False
        if self.highlight in self.statuses:
            row = list(self.statuses).index(self.highlight)
        if statuses:
            table.move_cursor(row=min(row, len(statuses) - 1))
        self.highlight = None
        failing = sum(feed.failing for feed in statuses)
        self.query_one(Vertical).border_title = f"Feeds · {len(statuses)} followed · {failing} failing"

    @on(DataTable.RowHighlighted, "#feeds-table")
    def show_error(self, event: DataTable.RowHighlighted) -> None:
        """The table cuts an error to its column; here it is whole, on as many lines as it needs."""
        feed = self.statuses.get(event.row_key.value) if event.row_key else None
        detail = self.query_one("#feeds-error", Static)
        detail.display = bool(feed and feed.failing and feed.last_error)
        if detail.display:
            name = clean_line(feed.title, 200) or clean_line(feed.url, 300)
            detail.update(f"{name}: {clean_line(feed.last_error, 2000)}")

    def _writable(self) -> bool:
        if getattr(self.app, "read_only", False):
            self.notify(READ_ONLY_NOTICE, severity="warning", timeout=4, markup=False)
            return False
        return True

    def action_add_feed(self) -> None:
        if self._writable():
            self.app.push_screen(AddFeedScreen(), lambda url: self.change_feeds("add", url) if url else None)

    def action_remove_feed(self) -> None:
        table = self.query_one(DataTable)
        feed = self.statuses.get(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value) if table.row_count else None
        if feed is None or not self._writable():
            return
        name = clean_line(feed.title, 200) or clean_line(feed.url, 300)
        self.app.push_screen(
            RemoveFeedScreen(name, feed.item_count), lambda yes: self.change_feeds("remove", str(feed.id)) if yes else None
        )

    @work(thread=True, group="feed-change", exit_on_error=False)
    def change_feeds(self, change: str, url_or_id: str) -> None:
        """Follow or stop following a feed on this thread's own connection (a write may wait for
        another process's lock), then redraw the table from the store."""
        try:
            db = open_db(self.db_path, migrate=False)
            try:
                if change == "add":
                    self.highlight = str(add_feed(db, url_or_id))
                    message = f"Following {url_or_id}"
                else:
                    message = f"Stopped following {clean_line(remove_feed(db, url_or_id), 300)}; its reports stay"
            finally:
                db.conn.close()
        except (UserError, OSError, sqlite3.Error) as error:
            self.app.call_from_thread(self.notify, clean_line(str(error), 500), severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, message, timeout=4, markup=False)
        self.app.call_from_thread(self.load_statuses)
