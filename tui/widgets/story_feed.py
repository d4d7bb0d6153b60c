"""The story feed: every article of the story, newest first, one line each (time, source, title).

A `DataTable` (line API) so ten thousand articles cost no more widgets than ten. Rows are added,
never rebuilt: the screen hands over only the articles it has not shown yet, and the cursor stays
on the article it was on while new ones arrive above it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.widgets import DataTable

from store.queries import ArticleRow
from store.text import clean_line
from store.times import from_iso

TIME_WIDTH = 6
SOURCE_WIDTH = 20
TITLE_MAX = 1000  # a title longer than any screen is cut (the store already bounds it)
SEED_MARK = "◆ "


def short_time(sort_at: str | None, now: datetime | None = None) -> str:
    """Local time, short: "14:05" for today, "Nov 20" for another day this year, "2024" before."""
    if not sort_at:
        return ""
    try:
        moment = from_iso(sort_at).astimezone()
    except ValueError:
        return ""
    now = now or datetime.now().astimezone()
    if moment.date() == now.date():
        return moment.strftime("%H:%M")
    if moment.year == now.year:
        return f"{moment:%b} {moment.day}"
    return str(moment.year)


def source_label(row: ArticleRow) -> str:
    """Who published it; seeds carry a mark so they never pass for fresh reporting."""
    source = clean_line(row.source, 200)
    if row.kind == "seed":
        return SEED_MARK + (source if source and source != "seed" else "seed")
    return source or "—"


class _TimeCell(Text):
    """A time cell that also knows where its article sorts, so the table can order by it."""

    order: tuple[str, int]


class StoryFeed(DataTable):
    """The articles of the story, newest first."""

    # newsboat's keys beside the arrows; home/end go to the newest/oldest article, not sideways.
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("home,g", "scroll_top", "Newest", show=False),
        Binding("end,G", "scroll_bottom", "Oldest", show=False),
    ]

    COMPONENT_CLASSES = {
        "story-feed--time",
        "story-feed--source",
        "story-feed--seed",
        "story-feed--seed-title",
    }

    DEFAULT_CSS = """
    StoryFeed {
        height: 1fr;
        scrollbar-gutter: stable;
        & > .story-feed--time { color: $text-muted; }
        & > .story-feed--source { color: $text-secondary; }
        & > .story-feed--seed { color: $accent; text-style: bold; }
        & > .story-feed--seed-title { text-style: italic; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(
            id=id,
            classes=classes,
            cursor_type="row",
            show_row_labels=False,
            cell_padding=1,
        )
        self._articles: dict[int, ArticleRow] = {}
        self._oldest_paged: tuple[str, int] | None = None
        self.more_below = False  # True while older articles wait in the store for paging

    def on_mount(self) -> None:
        self.add_column("Time", width=TIME_WIDTH, key="time")
        self.add_column("Source", width=SOURCE_WIDTH, key="source")
        self.add_column("Title", width=self._title_width(), key="title")

    # -- what the screen calls -------------------------------------------------------------

    @property
    def newest_id(self) -> int:
        """The highest article id shown, so the screen can ask the store for what came after."""
        return max(self._articles, default=0)

    @property
    def oldest_shown(self) -> tuple[str, int] | None:
        """Where keyset paging continues from."""
        return self._oldest_paged

    def article_at_cursor(self) -> ArticleRow | None:
        if not self.row_count:
            return None
        row_key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return self._articles.get(int(row_key.value))

    def show_page(self, rows: list[ArticleRow], *, page_size: int) -> int:
        """Add one page of older articles (from the first load or from paging down)."""
        if rows:
            last = rows[-1]
            self._oldest_paged = (last.sort_at, last.id)
        self.more_below = len(rows) >= page_size
        return self.show_articles(rows)

    def show_articles(self, rows: Iterable[ArticleRow]) -> int:
        """Add the articles not shown yet, in their place by time; returns how many were added.

        An article older than the last page loaded is left for paging to bring, so the
        keyset cursor never skips anything.
        """
        fresh = [
            row
            for row in rows
            if row.id not in self._articles
            and not (self.more_below and self._oldest_paged and (row.sort_at, row.id) < self._oldest_paged)
        ]
        if not fresh:
            return 0
        kept = self.article_at_cursor()
        view_top = self._row_at_view_top()
        for row in fresh:
            self._articles[row.id] = row
            self.add_row(*self._cells(row), key=str(row.id))
        self.sort("time", key=lambda cell: cell.order, reverse=True)
        self._keep_place(kept, view_top)
        return len(fresh)

    def update_articles(self, rows: Iterable[ArticleRow]) -> None:
        """Redraw articles whose title or source changed (a new revision)."""
        for row in rows:
            if row.id not in self._articles:
                continue
            self._articles[row.id] = row
            _, source, title = self._cells(row)
            self.update_cell(str(row.id), "source", source)
            self.update_cell(str(row.id), "title", title)

    # -- drawing ---------------------------------------------------------------------------

    def _cells(self, row: ArticleRow) -> tuple[Text, Text, Text]:
        """The three cells as `Text`, never markup: every title and source came from strangers."""
        seed = row.kind == "seed"
        time = _TimeCell(
            short_time(row.sort_at),
            style=self.get_component_rich_style("story-feed--time", partial=True),
            no_wrap=True,
            end="",
        )
        time.order = (row.sort_at, row.id)
        source = Text(
            source_label(row),
            style=self.get_component_rich_style(
                "story-feed--seed" if seed else "story-feed--source", partial=True
            ),
            no_wrap=True,
            overflow="ellipsis",
            end="",
        )
        title = Text(
            clean_line(row.title, TITLE_MAX),
            style=self.get_component_rich_style("story-feed--seed-title", partial=True) if seed else "",
            no_wrap=True,
            overflow="ellipsis",
            end="",
        )
        return time, source, title

    def _source_width(self) -> int:
        """Narrow terminals give the headline more of the line."""
        return SOURCE_WIDTH if self.size.width >= 100 else SOURCE_WIDTH * 2 // 3

    def _title_width(self) -> int:
        """The title takes whatever the time and source columns leave."""
        padding = 2 * self.cell_padding
        fixed = TIME_WIDTH + self._source_width() + 3 * padding + self.styles.scrollbar_size_vertical
        return max(20, self.size.width - fixed)

    def on_resize(self, event: events.Resize) -> None:
        if "title" not in self.columns:
            return
        self.columns["source"].width = self._source_width()
        self.columns["title"].width = self._title_width()
        total = sum(column.get_render_width(self) for column in self.columns.values())
        self.virtual_size = Size(total, self.virtual_size.height)
        self.refresh()

    # -- keeping the reader's place --------------------------------------------------------

    def _row_at_view_top(self) -> int | None:
        """The article at the top of the view, if the reader has scrolled away from the top."""
        if self.scroll_y <= 0 or not self.row_count:
            return None
        index = min(int(self.scroll_y), self.row_count - 1)
        return int(self.coordinate_to_cell_key(Coordinate(index, 0)).row_key.value)

    def _keep_place(self, kept: ArticleRow | None, view_top: int | None) -> None:
        if kept is not None:
            self.move_cursor(row=self.get_row_index(str(kept.id)), scroll=False)
        if view_top is not None:
            self.scroll_to(y=self.get_row_index(str(view_top)), animate=False, immediate=True)
