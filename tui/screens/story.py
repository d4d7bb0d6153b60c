"""The main screen: the story's header over its live feed of articles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer
from textual.worker import Worker, WorkerState

from store.db import data_version
from store.queries import (
    article_detail,
    articles_after_id,
    articles_by_ids,
    articles_older_than,
    fetcher_summary,
    latest_articles,
    max_article_id,
)
from tui.fetcher import Fetcher
from tui.screens.article import ArticleScreen
from tui.screens.feeds import FeedsScreen
from tui.widgets.story_feed import StoryFeed
from tui.widgets.story_header import StoryHeader

PAGE_SIZE = 500
PAGE_AHEAD = 50  # load the next page when the cursor comes this close to the last row


class StoryScreen(Screen):
    """Shows the story and keeps it current: new articles appear without a key press."""

    BINDINGS = [
        Binding("q", "app.quit", "Quit"),
        Binding("o", "open_article", "Open", key_display="⏎/o", tooltip="Read the article under the cursor"),
        Binding("r", "refresh", "Refresh", tooltip="Read the store now and poll every feed"),
        Binding("f", "feeds", "Feeds", tooltip="Each feed's last success and last error"),
    ]

    @dataclass
    class Polled(Message):
        """The in-app fetcher finished a round of polls (posted from its thread)."""

        report: object  # feeds.poller.PollReport; not imported so the UI loads without feeds/

    def __init__(self, db: Database, story_title: str, *, fetcher: Fetcher | None, refresh_interval: float) -> None:
        super().__init__()
        self.db = db
        self.story_title = story_title
        self.fetcher = fetcher
        self.refresh_interval = refresh_interval
        self._seen_version = -1
        self._last_id = 0
        self._fetcher_worker: Worker | None = None

    def compose(self) -> ComposeResult:
        yield StoryHeader(self.story_title, id="story-header")
        yield StoryFeed(id="story-feed")
        yield Footer()

    def on_mount(self) -> None:
        self._seen_version = data_version(self.db)
        self._last_id = max_article_id(self.db)
        self.query_one(StoryFeed).show_page(latest_articles(self.db, PAGE_SIZE), page_size=PAGE_SIZE)
        self._refresh_header()
        self.set_interval(self.refresh_interval, self.check_store)
        if self.fetcher is not None:
            self.query_one(StoryHeader).fetcher_state = "starting"
            self._fetcher_worker = self.run_fetcher()

    def on_unmount(self) -> None:
        if self.fetcher is not None:
            self.fetcher.stop()  # before the app waits for its worker threads

    # -- keeping current -------------------------------------------------------------------

    def check_store(self) -> None:
        """Timer: a cheap "did anyone commit?" and, if so, add only the new rows."""
        version = data_version(self.db)
        if version != self._seen_version:
            self._seen_version = version
            self.show_new_articles()

    def show_new_articles(self) -> int:
        """Add articles stored since the last look (by any connection); returns how many."""
        feed = self.query_one(StoryFeed)
        added = 0
        while rows := articles_after_id(self.db, self._last_id):
            self._last_id = rows[-1].id
            added += feed.show_articles(rows)
            if len(rows) < 1000:
                break
        self._refresh_header()
        return added

    def _refresh_header(self) -> None:
        self.query_one(StoryHeader).summary = fetcher_summary(self.db)

    # -- the in-app fetcher ----------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="fetcher", name="fetcher")
    def run_fetcher(self) -> None:
        assert self.fetcher is not None

        def tell_screen(report) -> None:
            try:
                self.post_message(self.Polled(report))
            except RuntimeError:  # the app's loop closed under us while quitting
                pass

        self.fetcher.run(on_poll=tell_screen)

    def on_story_screen_polled(self, message: Polled) -> None:
        header = self.query_one(StoryHeader)
        header.fetcher_state = "idle"
        self.show_new_articles()
        updated = getattr(message.report, "updated_ids", [])
        if updated:
            self.query_one(StoryFeed).update_articles(articles_by_ids(self.db, updated))

    @on(Worker.StateChanged)
    def fetcher_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "fetcher":
            return
        header = self.query_one(StoryHeader)
        if event.state == WorkerState.RUNNING:
            header.fetcher_state = "polling"
        elif event.state == WorkerState.ERROR:
            header.fetcher_state = "stopped"
            header.fetcher_error = str(event.worker.error)
            self.notify(f"The fetcher stopped: {event.worker.error}", severity="error", markup=False)
        elif event.state in (WorkerState.SUCCESS, WorkerState.CANCELLED) and not self.fetcher.stopped:
            header.fetcher_state = "stopped"

    # -- paging ----------------------------------------------------------------------------

    @on(DataTable.RowHighlighted, "#story-feed")
    def page_down_when_near_end(self, event: DataTable.RowHighlighted) -> None:
        feed = self.query_one(StoryFeed)
        if feed.more_below and event.cursor_row >= feed.row_count - PAGE_AHEAD and feed.oldest_shown:
            sort_at, article_id = feed.oldest_shown
            feed.show_page(articles_older_than(self.db, sort_at, article_id, PAGE_SIZE), page_size=PAGE_SIZE)

    # -- actions ---------------------------------------------------------------------------

    def action_refresh(self) -> None:
        added = self.show_new_articles()
        message = f"{added} new" if added else "Nothing new"
        if self._fetcher_worker is not None and self._fetcher_worker.is_running:
            self.fetcher.poll_now()
            self.query_one(StoryHeader).fetcher_state = "polling"
            message += "; polling every feed now"
        self.notify(message, timeout=2, markup=False)

    def action_feeds(self) -> None:
        self.app.push_screen(FeedsScreen(self.app.db_path))

    @on(DataTable.RowSelected, "#story-feed")
    def open_selected(self) -> None:
        self.action_open_article()

    def action_open_article(self) -> None:
        row = self.query_one(StoryFeed).article_at_cursor()
        detail = article_detail(self.db, row.id) if row else None
        if detail is not None:
            self.app.push_screen(ArticleScreen(detail))
