"""The main screen: the story's header over its live feed of reports, beside its people and places."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlite_utils import Database
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input
from textual.worker import Worker, WorkerState

from storywatch.store.coverage import (
    StoryRow,
    group_of,
    last_revision_id,
    mark_group_read,
    story_rows,
)
from storywatch.store.db import data_version, open_db
from storywatch.store.entity_queries import top_entities
from storywatch.store.filters import FeedFilter, filtered_feed, groups_in_filter
from storywatch.store.queries import (
    articles_after_id,
    entities_in_seeds,
    fetcher_summary,
    max_article_id,
)
from storywatch.store.scoring import pending_rescore
from storywatch.store.search import Highlighter
from storywatch.store.tags import all_group_tags, tag_name
from storywatch.store.text.clean import clean_line
from storywatch.store.times import now_iso
from storywatch.store.trends import edited_on_story, new_on_story
from storywatch.tui.fetcher import Fetcher
from storywatch.tui.links import copy_link, open_link
from storywatch.tui.screens.article import ArticleScreen
from storywatch.tui.screens.diff import DiffScreen
from storywatch.tui.screens.export import ExportScreen
from storywatch.tui.screens.feeds import FeedsScreen
from storywatch.tui.screens.filters import filter_label_parts, time_range_label
from storywatch.tui.screens.story_developments import LatestDevelopments
from storywatch.tui.screens.story_filters import SearchAndFilters
from storywatch.tui.screens.story_marks import READ_ONLY_NOTICE, TagsAndReadMarks
from storywatch.tui.screens.story_teaching import Teaching
from storywatch.tui.screens.story_trend import CoverageTrend
from storywatch.tui.widgets.coverage_sparkline import CoverageSparkline
from storywatch.tui.widgets.developments import DevelopmentsPanel
from storywatch.tui.widgets.entity_sidebar import EntitySidebar
from storywatch.tui.widgets.search_bar import SearchBar
from storywatch.tui.widgets.story_feed import StoryFeed
from storywatch.tui.widgets.story_header import StoryHeader

PAGE_SIZE = 60  # under two screens: every row added costs the table a measure and a render, so a view switch pays per row
PAGE_AHEAD = 20  # load the next page when the cursor comes this close to the last row
ENTITIES_PER_KIND = 12
SIDEBAR_MIN_WIDTH = 110  # the sidebar shows at start on a terminal at least this wide
COMPACT_FOOTER_BELOW = 100  # narrower than this, the footer packs its keys so all of them fit
SEARCH_DEBOUNCE = 0.2  # seconds of quiet typing before the feed narrows

VIEWS = ("on", "all", "off")  # what `a` cycles through
VIEW_LABELS = {"on": "On the story", "all": "Everything", "off": "Off the story"}


def in_view(row: StoryRow, view: str) -> bool:
    """The engine's verdict (seeds are on their story by definition, and the user's marks win)."""
    return view == "all" or row.on_story == (view == "on")


ELSEWHERE_COUNTED = 99  # a search's matches outside the view are counted up to this, then "99+"


def matches_elsewhere(db: Database, story_id: int, flt: FeedFilter, rows: list[StoryRow]) -> int:
    """How many reports a search that found nothing in this view finds in everything (at most
    ELSEWHERE_COUNTED + 1): a reader looking for a report the engine put off the story would
    otherwise see an empty feed and think it was never stored. 0 when there is no need to ask."""
    if rows or not flt.searching or flt.view == "all":
        return 0
    return len(filtered_feed(db, story_id, flt.with_(view="all"), limit=ELSEWHERE_COUNTED + 1))


class StoryScreen(TagsAndReadMarks, Teaching, CoverageTrend, SearchAndFilters, LatestDevelopments, Screen):
    """Shows the story and keeps it current: new reports appear without a key press."""

    BINDINGS = [
        Binding("q", "app.quit", "Quit"),
        Binding("enter", "open_article", "Read", key_display="⏎", tooltip="Read the report and every outlet's copy"),
        Binding("o", "open_link", "Browser", tooltip="Open the report's link in your web browser"),
        Binding("d", "diff", "Changes", show=False, tooltip="What the outlet changed, revision by revision"),
        Binding("y", "copy_link", "Copy link", show=False, tooltip="Copy the report's link to the clipboard"),
        Binding("a", "cycle_view", "View", tooltip="On the story / everything / off the story"),
        Binding("plus", "teach(True)", "Teach", key_display="+/-", tooltip="Teach: + on the story, - off the story"),
        Binding("minus", "teach(False)", "Off story", key_display="-", show=False, tooltip="Teach: this report is off the story"),
        Binding("e", "toggle_entities", "Entities", tooltip="People, organisations and places; enter filters"),
        Binding("escape", "clear_filter", "Clear", tooltip="Clear the search first, then every filter at once (the view stays)"),
        Binding("r", "refresh", "Refresh", tooltip="Read the store now and poll every feed"),
        Binding("f", "feeds", "Feeds", tooltip="Each feed's last success and last error"),
        Binding("H", "trend_span", "Per hour/day", show=False, tooltip="Coverage sparkline: per hour (48 h) or per day (30 days)"),
        *(Binding(str(n), f"toggle_tag({n})", f"Tag {n}", show=False, tooltip=f"Toggle tag {n}") for n in range(1, 10)),
        # Not in the footer, which has no room left at 80 columns: the help screen lists them.
        Binding("t", "add_tag", "Tag", show=False, tooltip="Add a free tag (completes the tags in use)"),
        Binding("m", "toggle_read", "Read", show=False, tooltip="Mark the report read, or unread again"),
        Binding("n", "next_unread(True)", "Next unread", show=False),
        Binding("N", "next_unread(False)", "Previous unread", show=False),
        Binding("A", "mark_all_read", "All read", show=False, tooltip="Mark every report in this view read"),
        Binding("x", "export", "Export", show=False, tooltip="Write the tagged reports as Markdown, JSON or CSV"),
        Binding("slash", "search", "Search", key_display="/", show=False, priority=True, tooltip="Search the reports in this view as you type"),
        Binding("L", "toggle_developments", "Latest", show=False, tooltip="Latest developments: the newest new sentences; enter reads the report"),
        Binding("F", "filters", "Filter", show=False, tooltip="Tag, outlet, on/off the story, unread, time range"),
    ]

    @dataclass
    class Polled(Message):
        """The in-app fetcher finished a round of polls (posted from its thread)."""

        report: object  # feeds.poller.PollReport; not imported so the UI loads without feeds/

    def __init__(
        self,
        db: Database,
        story_title: str,
        *,
        story_id: int,
        fetcher: Fetcher | None,
        refresh_interval: float,
    ) -> None:
        super().__init__()
        self.db = db
        self.story_title = story_title
        self.story_id = story_id
        self.fetcher = fetcher
        self.refresh_interval = refresh_interval
        self.filter = FeedFilter()  # the view, the search and every filter, combined
        self.showing = self.filter  # the filter whose rows the feed shows (a search's arrive later)
        # Searches reuse one connection, so its page cache stays warm (a new one read the index
        # from disk again: 30-70 ms a search at 100k); the lock, as a replaced search may still run.
        self._search_db: Database | None = None
        self._search_lock = threading.Lock()
        self._elsewhere: tuple[FeedFilter | None, int] = (None, 0)  # a search's matches in the other views
        self.time_range = "all"  # the filter screen's time range, by name (the filter holds its start)
        self._search_timer = None
        self._highlighter: Highlighter | None = None
        self._seen_version = -1
        self._last_id = 0
        self._entities_stale = True
        self._fetcher_worker: Worker | None = None
        self._first_pages: dict[FeedFilter, list[StoryRow]] = {}  # see _first_page
        self._first_pages_version = -1
        self.trend_by = "hour"  # the sparkline's buckets: "hour" or "day" (H)
        self.new_reports = 0  # on-story reports arrived since the reader was last on the top row
        self._tags_seen: dict[int, tuple[str, ...]] = {}  # every group's tags at the last look
        self._last_revision = 0  # the last revision row seen: edits after it are redrawn

    def compose(self) -> ComposeResult:
        yield StoryHeader(self.story_title, id="story-header")
        yield CoverageSparkline(id="coverage-trend")
        with Horizontal(id="story-body"):
            with Vertical(id="story-main"):
                yield SearchBar(id="search-bar")
                yield StoryFeed(id="story-feed")
                yield DevelopmentsPanel(id="developments")
            yield EntitySidebar(id="entity-sidebar")
        yield Footer()

    def on_mount(self) -> None:
        self._name_tag_keys()
        self._seen_version = data_version(self.db)
        self._last_id = max_article_id(self.db)
        self._tags_seen = all_group_tags(self.db)
        self._last_revision = last_revision_id(self.db)
        self.query_one(EntitySidebar).display = self.app.size.width >= SIDEBAR_MIN_WIDTH
        self.query_one(DevelopmentsPanel).display = False  # L shows it
        self.load_view()
        self._refresh_header()
        self.refresh_entities()
        self.refresh_trend()
        self.set_interval(self.refresh_interval, self.check_store)
        if pending_rescore(self.db, self.story_id) and not self.app.read_only:
            self.finish_rescore()
        if self.app.read_only:
            self.query_one(StoryHeader).fetcher_state = "read-only"
            self.notify(READ_ONLY_NOTICE, severity="warning", timeout=8)
        elif self.fetcher is not None:
            self.query_one(StoryHeader).fetcher_state = "starting"
            self._fetcher_worker = self.run_fetcher()

    def on_resize(self, event: events.Resize) -> None:
        footer = self.query_one(Footer)
        compact = event.size.width < COMPACT_FOOTER_BELOW
        if footer.compact != compact:
            footer.compact = compact
            footer.show_command_palette = not compact  # ctrl+p still works; its hint makes room
            footer.refresh(recompose=True)

    def on_key(self, event: events.Key) -> None:
        self.call_after_refresh(self._looked)  # after the key's own action has moved the cursor

    def _looked(self) -> None:
        """The reader is at the newest report (the top row) and active: what arrived is seen."""
        if self.new_reports and self.is_current and self.query_one(StoryFeed).cursor_row == 0:
            self.new_reports = self.query_one(StoryHeader).new_reports = 0

    def on_unmount(self) -> None:
        if self._highlighter is not None:
            self._highlighter.close()
        with self._search_lock:
            if self._search_db is not None:
                self._search_db.conn.close()
        if self.fetcher is not None:
            self.fetcher.stop()  # before the app waits for its worker threads

    def _name_tag_keys(self) -> None:
        """Keys 1-9 say which of the story's tags they toggle (the help and the palette show it)."""
        for key, name in self.app.tag_names.items():
            self._bindings.key_to_bindings[str(key)] = [Binding(
                str(key), f"toggle_tag({key})", f"Tag {key}", show=False,
                tooltip=f"Put “{tag_name(name)}” on the report, or take it off",
            )]

    # -- what the feed shows ---------------------------------------------------------------

    def load_view(self, *, now: bool = False) -> None:
        """Show the current view from the top (after a view change, a filter or teaching).

        A search's first page comes from a worker (typing goes on meanwhile) unless `now`: Enter
        waits for it, so the page, the closed bar and the focus are painted once."""
        feed = self.query_one(StoryFeed)
        if self.filter.searching and not now:  # the rows shown stay until the search's page replaces them
            self._highlight_search(feed)
            self.search_page(self.filter, None)
            self._refresh_view_label()
            return
        kept = feed.article_at_cursor()
        feed.clear_rows()
        self._load_page(now=now)
        self.showing = self.filter
        if kept is not None and kept.id in feed.shown:
            feed.move_cursor(row=feed.get_row_index(str(kept.id)), scroll=True)
        self._refresh_view_label()

    def _load_page(self, *, now: bool = False) -> None:
        """One more page below the rows shown, through the store's keyset queries."""
        feed = self.query_one(StoryFeed)
        before = feed.oldest_shown
        self._highlight_search(feed)
        if self.filter.searching and not now:  # a search can match much of the store: off the UI thread
            self.search_page(self.filter, before)
            return
        rows = self._first_page() if before is None else None
        if rows is None:
            rows = filtered_feed(self.db, self.story_id, self.filter, before=before, limit=PAGE_SIZE)
        if before is None:
            self._elsewhere = (self.filter, matches_elsewhere(self.db, self.story_id, self.filter, rows))
        fetched = len(rows)
        cursor = (rows[-1].sort_at, rows[-1].id) if rows else None
        rows = [row for row in rows if in_view(row, self.filter.view)]
        feed.show_page(rows, page_size=PAGE_SIZE, cursor=cursor, fetched=fetched)

    def _first_page(self) -> list[StoryRow]:
        """A filter's first page, kept until any connection commits (PRAGMA data_version), so
        going back to a view or clearing a filter shows it without asking the store again."""
        version = data_version(self.db)
        if self._first_pages_version != version:
            self._first_pages, self._first_pages_version = {}, version
        if self.filter not in self._first_pages:
            self._first_pages[self.filter] = filtered_feed(self.db, self.story_id, self.filter, limit=PAGE_SIZE)
        return self._first_pages[self.filter]

    def _refresh_view_label(self) -> None:
        feed = self.query_one(StoryFeed)
        count = f"{feed.row_count:,}{'+' if feed.more_below else ''}"
        parts: list[str | tuple[str, str]] = [
            (f" {VIEW_LABELS[self.filter.view]} ", "bold"),
            (f"· {count} report{'' if feed.row_count == 1 else 's'} ", "$text-muted"),
        ]
        parts += filter_label_parts(self.filter, time_range_label(self.time_range) if self.filter.since else "")
        if self.showing != self.filter:
            parts.append(("· searching… ", "$text-muted"))
        elif feed.row_count == 0 and self._elsewhere[0] == self.filter and self._elsewhere[1]:
            found = self._elsewhere[1]
            count = f"{found - 1:,}+" if found > ELSEWHERE_COUNTED else f"{found:,}"
            parts.append((f"· {count} in everything: a shows {'it' if found == 1 else 'them'} ", "bold $warning"))
        self.query_one(StoryHeader).view_label = Content.assemble(*parts)

    # -- keeping current -------------------------------------------------------------------

    def check_store(self) -> None:
        """Timer: a cheap "did anyone commit?" and, if so, show only what is new."""
        version = data_version(self.db)
        if version != self._seen_version:
            self._seen_version = version
            self.show_new_articles()
            self.show_changed_marks()
        if self._entities_stale:
            self.refresh_entities()

    def show_new_articles(self) -> int:
        """Show articles stored since the last look (by any connection); returns how many rows were added.

        Only articles above the last id seen are read; each is mapped to its coverage group
        (one indexed lookup), and only those groups' rows are added or redrawn.
        """
        added = 0
        arrived: list[int] = []
        while articles := articles_after_id(self.db, self._last_id):
            self._last_id = articles[-1].id
            added += self._show_groups_of([article.id for article in articles])
            arrived += [article.id for article in articles]
            self._entities_stale = True
            if len(articles) < 1000:
                break
        self._refresh_header()
        if arrived:
            self.announce(arrived)
            self.refresh_developments()
        return added

    def announce(self, article_ids: list[int]) -> None:
        """New on-story reports: a notification with the newest title, the header's count, the trend."""
        self.refresh_trend()
        reports = new_on_story(self.db, self.story_id, article_ids)
        if not reports:
            return
        self.new_reports += len(reports)
        self.query_one(StoryHeader).new_reports = self.new_reports
        config = getattr(self.app, "config", None)
        if config is not None and not config.notify:
            return  # the user asked for quiet: the header's count is enough
        title = clean_line(reports[0][1], 100)
        message = f"New report: {title}" if len(reports) == 1 else f"{len(reports)} new reports: {title}…"
        self.notify(message, timeout=6, markup=False)
        if config is not None and config.bell:
            self.app.bell()

    def _show_groups_of(self, article_ids: list[int]) -> int:
        """Add, redraw or take away the rows of these articles' groups; returns rows added."""
        groups = list(dict.fromkeys(group_of(self.db, article_id) for article_id in article_ids))
        passing = groups_in_filter(self.db, self.story_id, self.filter, groups) if self.filter.narrowed else None
        return self._place(story_rows(self.db, self.story_id, groups), passing)

    def _place(self, rows: list[StoryRow], passing: set[int] | None = None) -> int:
        feed = self.query_one(StoryFeed)
        staying = [row for row in rows if in_view(row, self.filter.view) and (passing is None or row.id in passing)]
        feed.update_articles(row for row in staying if row.id in feed.shown)
        feed.remove_articles(row.id for row in rows if row.id in feed.shown and row not in staying)
        added = feed.show_articles(row for row in staying if row.id not in feed.shown)
        self._refresh_view_label()
        return added

    def _refresh_header(self) -> None:
        self.query_one(StoryHeader).summary = fetcher_summary(self.db)

    # -- the entity sidebar ----------------------------------------------------------------

    def refresh_entities(self) -> None:
        """Recount the sidebar off the UI thread, at most one count at a time."""
        if not self.query_one(EntitySidebar).display:
            return
        if any(worker.group == "entities" and worker.is_running for worker in self.workers):
            return  # still counting: the next timer tick starts another
        self._entities_stale = False
        self.load_entities()

    @work(thread=True, group="entities", exit_on_error=False)
    def load_entities(self) -> None:
        """top_entities scans every on-story mention, which grows with the story: its own thread."""
        db = open_db(self.app.db_path, migrate=False)
        try:
            grouped = top_entities(db, ENTITIES_PER_KIND)
            seeded = entities_in_seeds(db, self.story_id)
        finally:
            db.conn.close()
        self.app.call_from_thread(self.query_one(EntitySidebar).show_entities, grouped, seeded)

    def action_toggle_entities(self) -> None:
        sidebar = self.query_one(EntitySidebar)
        sidebar.display = not sidebar.display
        if sidebar.display:
            self.refresh_entities()
            sidebar.focus()
        else:
            self.query_one(StoryFeed).focus()

    @on(EntitySidebar.Chosen)
    def filter_by_entity(self, event: EntitySidebar.Chosen) -> None:
        if self.filter.entity_id == event.entity_id:
            self.set_filter(self.filter.with_(entity_id=None, entity_name=None))
            return
        self.filter = self.filter.with_(entity_id=event.entity_id, entity_name=event.name)
        self.query_one(EntitySidebar).set_active(event.entity_id)
        self.load_view()
        self.refresh_bindings()
        self.refresh_trend()

    def action_clear_filter(self) -> None:
        """Escape: the search goes first, then every other filter at once; the view stays."""
        bar = self.query_one(SearchBar)
        if self.filter.search or bar.is_open:
            bar.close()
            self.set_filter(self.filter.with_(search=""))
        elif self.filter.narrowed:
            self.time_range = "all"
            self.set_filter(self.filter.without_filters())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "search":
            # A priority key, so the bar has focus before the keys typed right after "/" are
            # handed out (else they reach the feed: "o" would open a browser); inside the bar
            # "/" is just a character.
            return self.focused is not self.query_one(SearchBar)
        if action == "clear_filter":  # in the footer only while something narrows the feed
            return bool(self.filter.narrowed or self.filter.search or self.query_one(SearchBar).is_open)
        return True

    # -- search and filters ----------------------------------------------------------------

    @on(Input.Changed, "#search-bar")
    def search_typed(self, event: Input.Changed) -> None:
        """Narrow the feed once typing pauses; the query itself runs in `search_page`'s thread."""
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DEBOUNCE, lambda: self._search_for(event.value))

    @on(Input.Submitted, "#search-bar")
    def search_entered(self, event: Input.Submitted) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_for(event.value, now=True)
        if not event.value.strip():
            self.query_one(SearchBar).close()
        self.query_one(StoryFeed).focus()

    @on(SearchBar.Cancelled)
    def search_cancelled(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self.action_clear_filter()
        self.query_one(StoryFeed).focus()

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def search_page(self, flt: FeedFilter, before: tuple[str, int] | None) -> None:
        """One page of a search, on the searches' own connection; a newer search makes this one moot."""
        with self._search_lock:
            if self._search_db is None:
                self._search_db = open_db(self.app.db_path, migrate=False)
            rows = filtered_feed(self._search_db, self.story_id, flt, before=before, limit=PAGE_SIZE)
            elsewhere = matches_elsewhere(self._search_db, self.story_id, flt, rows) if before is None else 0
        self.app.call_from_thread(self._show_search_page, flt, before, rows, elsewhere)

    def _show_search_page(
        self, flt: FeedFilter, before: tuple[str, int] | None, rows: list[StoryRow], elsewhere: int = 0
    ) -> None:
        feed = self.query_one(StoryFeed)
        if flt != self.filter or (before is not None and before != feed.oldest_shown):
            return  # the user typed on, or the page was already shown
        if before is None and self.showing == flt:
            return  # Enter showed this search already, and the user may have moved in it
        if before is None:  # the first page replaces what the last view showed, in one redraw
            feed.clear_rows()
            self.showing = flt
            self._elsewhere = (flt, elsewhere)
        cursor = (rows[-1].sort_at, rows[-1].id) if rows else None
        feed.show_page(rows, page_size=PAGE_SIZE, cursor=cursor, fetched=len(rows))
        if before is None and feed.row_count:
            feed.move_cursor(row=0, scroll=True)
        self._refresh_view_label()

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
        header.fetcher_state = "waiting" if getattr(message.report, "store_error", None) else "idle"
        self.show_new_articles()
        self.show_changed_marks()  # text changed quietly (a suffix swap) is redrawn too
        self.announce_moves(getattr(message.report, "moved", {}))
        updated = getattr(message.report, "updated_ids", [])
        if updated:
            self._show_groups_of(list(updated)[:1000])  # edited reports, redrawn and risen to the top
            self.announce_edits(list(updated)[:1000])

    def announce_moves(self, moved: dict[str, str]) -> None:
        """Feeds that said they moved for good (301, 308): followed at the new address now,
        which the feeds list shows, so the user is told once rather than left to find it."""
        for old, new in sorted(moved.items())[:3]:
            self.notify(
                f"Feed moved: {clean_line(old, 100)} → {clean_line(new, 100)} (followed there from now on)",
                timeout=8, markup=False,
            )

    def announce_edits(self, article_ids: list[int]) -> None:
        """Real edits of on-story reports: a notification saying what changed."""
        edits = edited_on_story(self.db, self.story_id, article_ids)
        if edits:
            title, changes = clean_line(edits[0][1], 100), clean_line(edits[0][2], 100)
            more = f" (and {len(edits) - 1} more)" if len(edits) > 1 else ""
            self.notify(f"Updated: {title} — {changes}{more}", timeout=6, markup=False)

    @on(Worker.StateChanged)
    def worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "teach" and event.state == WorkerState.ERROR:
            self.notify(f"Could not teach the story: {event.worker.error}", severity="error", markup=False)
        if event.worker.group == "read" and event.state == WorkerState.ERROR:
            self.notify(f"Could not mark as read: {event.worker.error}", severity="error", markup=False)
        if event.worker.group == "tags" and event.state == WorkerState.ERROR:
            self.notify(f"Could not save the tag: {event.worker.error}", severity="error", markup=False)
        if event.worker.group == "search" and event.state == WorkerState.ERROR:
            self.notify(f"Could not search: {event.worker.error}", severity="error", markup=False)
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
        if event.cursor_row == 0 and self.new_reports:  # the reader is at the newest report: seen
            self.new_reports = self.query_one(StoryHeader).new_reports = 0
        if feed.more_below and event.cursor_row >= feed.row_count - PAGE_AHEAD and feed.oldest_shown:
            self._load_page()
            self._refresh_view_label()

    # -- actions ---------------------------------------------------------------------------

    def action_refresh(self) -> None:
        added = self.show_new_articles()
        message = f"{added} new" if added else "Nothing new"
        if self._fetcher_worker is not None and self._fetcher_worker.is_running:
            self.fetcher.poll_now()
            self.query_one(StoryHeader).fetcher_state = "polling"
            message += "; polling every feed now"
        self.notify(message, timeout=2, markup=False)

    def action_cycle_view(self) -> None:
        self.filter = self.filter.with_(view=VIEWS[(VIEWS.index(self.filter.view) + 1) % len(VIEWS)])
        self.load_view()

    def action_feeds(self) -> None:
        self.app.push_screen(FeedsScreen(self.app.db_path))

    def action_export(self) -> None:
        """Reads only, so a read-only database exports too."""
        self.app.push_screen(ExportScreen(self.app.db_path, self.story_title, self.app.story_name))

    @on(DataTable.RowSelected, "#story-feed")
    def open_selected(self) -> None:
        self.action_open_article()

    def action_open_article(self) -> None:
        row = self.report_at_cursor()
        if row is None:
            return
        self.app.push_screen(ArticleScreen(self.db, self.story_id, row.id))
        if row.unread and not self.app.read_only:
            self.mark_read(row.id)

    def action_diff(self) -> None:
        row = self.report_at_cursor()
        if row is not None:
            self.app.push_screen(DiffScreen(self.db, row.id))

    def action_open_link(self) -> None:
        row = self.report_at_cursor()
        if row is not None and open_link(self.app, row.url, row.kind) and row.unread and not self.app.read_only:
            self.mark_read(row.id)  # as in newsboat: opening it in the browser is reading it

    def action_copy_link(self) -> None:
        row = self.report_at_cursor()
        if row is not None:
            copy_link(self.app, row.url, row.kind)

    @work(thread=True, group="read", exit_on_error=False)
    def mark_read(self, group_id: int) -> None:
        """Reading one copy reads them all: a user's write, on its own connection off the UI thread."""
        db = open_db(self.app.db_path, migrate=False)
        try:
            mark_group_read(db, group_id, now_iso())
        finally:
            db.conn.close()
        self.app.call_from_thread(self._redraw_groups, [group_id])

    def _redraw_groups(self, group_ids: list[int]) -> None:
        self.query_one(StoryFeed).update_articles(story_rows(self.db, self.story_id, group_ids))
