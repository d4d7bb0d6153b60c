"""The story feed: the story's reports, newest first, one line each (time, source, outlets, title).

One row per coverage group: a report carried by four outlets is one line saying "4 outlets".
A `DataTable` (line API) so ten thousand reports cost no more widgets than ten. Rows are added
or redrawn, never rebuilt: the screen hands over only the groups that changed, and the cursor
stays on the report it was on while new ones arrive above it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.color import Color
from textual.coordinate import Coordinate
from textual.css.styles import StylesBase
from textual.geometry import Size
from textual.widgets import DataTable

from storywatch.store.coverage import StoryRow
from storywatch.store.search import Highlighter
from storywatch.store.text.clean import clean_line
from storywatch.store.times import from_iso

MARK_WIDTH = 1
TIME_WIDTH = 6
SOURCE_WIDTH = 20
OUTLETS_WIDTH = 9  # "9 outlets"; a larger count widens the column (see `_outlets_width`)
TITLE_MAX = 1000  # a title longer than any screen is cut (the store already bounds it)
SEED_MARK = "◆ "
KNOWN_MARK = "◇ "  # a copy of a seed: coverage already known from the seeds
UNREAD_MARK = "●"
WIDE = 100  # from this table width on, the source column gets its full size
ROOMY = 85  # from this table width on, outlets read "4 outlets" rather than "×4"
CRAMPED = 60  # below this table width, the source column gives the title half its room
TITLE_MIN = 10
TAGS_WIDTH = (24, 16, 12)  # at most (wide, roomy, narrower): as wide as the widest label shown, 0 when none is
UPDATED_MARK = "↻"  # an outlet edited the report since it was read


def short_time(sort_at: str | None, now: datetime | None = None) -> str:
    """Local time, short: "14:05" for today, "Nov 20" for another day this year, "Dec'24" before
    (a story that runs over new year still shows which month)."""
    if not sort_at:
        return ""
    try:
        moment = from_iso(sort_at).astimezone()
    except (ValueError, OverflowError):  # OverflowError: a year-1 time seen from west of UTC
        return ""
    now = now or datetime.now().astimezone()
    if moment.date() == now.date():
        return moment.strftime("%H:%M")
    if moment.year == now.year:
        return f"{moment:%b} {moment.day}"
    return f"{moment:%b}'{moment:%y}"


def time_label(row: StoryRow, now: datetime | None = None) -> str:
    """A seed shows the date the story file gives it, or "seed": never the time it was imported."""
    if row.kind == "seed":
        if not row.published_at:
            return "seed"
        try:
            moment = from_iso(row.published_at).astimezone()
        except (ValueError, OverflowError):
            return "seed"
        now = now or datetime.now().astimezone()
        return f"{moment:%b} {moment.day}" if moment.year == now.year else str(moment.year)
    return short_time(row.sort_at, now)


def source_label(row: StoryRow) -> str:
    """Who published it; seeds and copies of seeds carry a mark so they never pass for fresh reporting."""
    source = clean_line(row.source, 200)
    if row.kind == "seed":
        return SEED_MARK + (source if source and source != "seed" else "seed")
    if row.known_from_seeds:
        return KNOWN_MARK + (source or "—")
    return source or "—"


def outlets_label(outlets: int, wide: bool = True) -> str:
    """ "4 outlets" (or "×4" on a narrow terminal); nothing for a report only one outlet ran."""
    if outlets <= 1:
        return ""
    return f"{outlets} outlets" if wide else f"×{outlets}"


def resolved_style(styles: StylesBase, background: Color) -> Style:
    """A Rich style for text drawn on `background`: an "auto" colour takes the contrasting text
    colour, and a translucent one is blended over the background (as Textual draws widgets)."""
    style = Style()
    if styles.has_rule("color"):
        colour = styles.color
        if colour.auto or styles.auto_color:  # "auto": the theme's contrasting text colour
            colour = background.get_contrast_text(colour.a)
        style = Style(color=(background + colour).rich_color)
    return style + styles.text_style
def tags_label(row: StoryRow) -> str:
    """The column before the title: "↻ 14:05 (3)" when an outlet edited it since it was read (at
    14:05; its third revision), then its tags."""
    return "  ".join(text for text, _style in _tags_parts(row))


def _tags_parts(row: StoryRow) -> list[tuple[str, str]]:
    parts = [(f"{UPDATED_MARK} {short_time(row.revised_at)} ({row.revisions})", "story-feed--updated")] if row.revised_at else []
    if row.tags:
        parts.append((" · ".join(clean_line(tag, 40) for tag in row.tags), "story-feed--tags"))
    return parts


class _TimeCell(Text):
    """A time cell that also knows where its report sorts, so the table can order by it."""

    order: tuple[str, int]


class StoryFeed(DataTable):
    """The story's reports (coverage groups), newest first."""

    # newsboat's keys beside the arrows; home/end go to the newest/oldest report, not sideways.
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
        "story-feed--known",
        "story-feed--seed-title",
        "story-feed--unread",
        "story-feed--read",
        "story-feed--outlets",
        "story-feed--off",
        "story-feed--tags",
        "story-feed--updated",
        "story-feed--match",
    }

    DEFAULT_CSS = """
    StoryFeed {
        height: 1fr;
        scrollbar-gutter: stable;
        & > .story-feed--time { color: $text-muted; }
        & > .story-feed--source { color: $text-secondary; }
        & > .story-feed--seed { color: $accent; text-style: bold; }
        & > .story-feed--known { color: $accent; }
        & > .story-feed--seed-title { text-style: italic; }
        & > .story-feed--unread { color: $primary; }
        & > .story-feed--read { color: $text-muted; }
        & > .story-feed--outlets { color: $warning; }
        & > .story-feed--off { color: $text-disabled; }
        & > .story-feed--tags { color: $accent; }
        & > .story-feed--updated { color: $warning; text-style: bold; }
        & > .story-feed--match { color: $accent; text-style: bold underline; }
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
        self._articles: dict[int, StoryRow] = {}  # by group id
        self._oldest_paged: tuple[str, int] | None = None
        self.more_below = False  # True while older reports wait in the store for paging
        self._most_outlets = 0  # the largest count shown: its label sets the outlets column's width
        self._roomy_labels = True  # whether the outlets cells now read "4 outlets" (else "×4")
        self._styles: dict[str, Style] = {}  # component styles resolved for the current theme
        self._widest_tags = 0  # the widest tags label shown: the tags column's width (capped)
        self.highlighter: Highlighter | None = None  # the active search's, to mark matches in titles

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._restyle)
        self._roomy_labels = self._roomy()
        self.add_column("", width=MARK_WIDTH, key="mark")
        self.add_column("Time", width=TIME_WIDTH, key="time")
        self.add_column("Source", width=self._source_width(), key="source")
        self.add_column("", width=self._outlets_width(), key="outlets")
        self.add_column("", width=self._tags_width(), key="tags")
        self.add_column("Title", width=self._title_width(), key="title")

    # -- what the screen calls -------------------------------------------------------------

    @property
    def shown(self) -> dict[int, StoryRow]:
        """The rows shown, by group id."""
        return self._articles

    @property
    def oldest_shown(self) -> tuple[str, int] | None:
        """Where keyset paging continues from."""
        return self._oldest_paged

    def article_at_cursor(self) -> StoryRow | None:
        if not self.row_count:
            return None
        row_key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return self._articles.get(int(row_key.value))

    def clear_rows(self) -> None:
        """Empty the feed for another view; paging starts again from the top."""
        self.clear()
        self._articles.clear()
        self._oldest_paged = None
        self.more_below = False
        self._most_outlets = 0
        self._widest_tags = 0
        self._fit_tags([])

    def show_page(
        self, rows: list[StoryRow], *, page_size: int, cursor: tuple[str, int] | None = None, fetched: int | None = None
    ) -> int:
        """Add one page of older reports (from the first load or from paging down).

        `cursor` is where the next page starts when it is not the last row's own place (a
        filtered page), `fetched` how many the query returned before the screen filtered them.
        """
        fetched = len(rows) if fetched is None else fetched
        if cursor is None and rows:
            cursor = (rows[-1].sort_at, rows[-1].id)
        if cursor is not None:
            self._oldest_paged = cursor
        self.more_below = fetched >= page_size
        return self.show_articles(rows)

    def show_articles(self, rows: Iterable[StoryRow]) -> int:
        """Add the reports not shown yet, in their place by time; returns how many were added.

        A report older than the last page loaded is left for paging to bring, so the keyset
        cursor never skips anything.
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
        self._fit_outlets(fresh)
        self._fit_tags(fresh)
        in_order = self._goes_below(fresh)
        if self.highlighter is not None:  # a search's matches in the whole page, in one pass
            self.highlighter.learn([clean_line(row.title, TITLE_MAX) for row in fresh])
        for row in fresh:
            self._articles[row.id] = row
            self.add_row(*self._cells(row), key=str(row.id))
        if not in_order:  # a page that only goes below the last row needs no sort
            self.sort("time", key=lambda cell: cell.order, reverse=True)
        self._keep_place(kept, view_top)
        return len(fresh)

    def _goes_below(self, rows: list[StoryRow]) -> bool:
        """Whether these rows, newest first, all sort below every row shown."""
        order = [(row.sort_at, row.id) for row in rows]
        lowest = min(((row.sort_at, row.id) for row in self._articles.values()), default=None)
        return order == sorted(order, reverse=True) and (lowest is None or order[0] < lowest)

    def update_articles(self, rows: Iterable[StoryRow]) -> int:
        """Redraw reports already shown whose title, outlets or read state changed; returns how
        many. A report whose time moved (an outlet edited it) takes its new place."""
        changed, moved = 0, False
        kept, view_top = self.article_at_cursor(), self._row_at_view_top()
        for row in rows:
            if row.id not in self._articles or self._articles[row.id] == row:
                continue
            moved = moved or self._articles[row.id].sort_at != row.sort_at
            self._articles[row.id] = row
            self._fit_outlets([row])
            self._fit_tags([row])
            for key, cell in zip(("mark", "time", "source", "outlets", "tags", "title"), self._cells(row)):
                self.update_cell(str(row.id), key, cell)
            changed += 1
        if moved:
            self.sort("time", key=lambda cell: cell.order, reverse=True)
            self._keep_place(kept, view_top)
        return changed

    def remove_articles(self, group_ids: Iterable[int]) -> int:
        """Take away reports that left the view (taught off the story, say); returns how many."""
        gone = [group_id for group_id in group_ids if group_id in self._articles]
        if not gone:
            return 0
        kept = self.article_at_cursor()
        index = self.cursor_row
        for group_id in gone:
            del self._articles[group_id]
            self.remove_row(str(group_id))
        if kept is not None and kept.id in self._articles:
            self.move_cursor(row=self.get_row_index(str(kept.id)), scroll=False)
        elif self.row_count:
            self.move_cursor(row=min(index, self.row_count - 1), scroll=False)
        return len(gone)

    def next_unread(self, forward: bool = True) -> tuple[int | None, bool]:
        """The row index of the next (or previous) unread report from the cursor, and whether
        the search went round the end to find it; (None, False) when every row is read."""
        keys = [int(row.key.value) for row in self.ordered_rows]
        count = len(keys)
        step = 1 if forward else -1
        for n in range(1, count + 1):
            index = self.cursor_row + step * n
            if self._articles[keys[index % count]].unread:
                return index % count, not 0 <= index < count
        return None, False

    # -- drawing ---------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        """A component's colour as drawn on this table's background, with its text style.

        Not `get_component_rich_style(partial=True)`: that drops the alpha of `$text-muted`
        ("auto 60%") and gives pure white in every theme, so read rows outshone unread ones.
        """
        if name not in self._styles:
            self._styles[name] = resolved_style(self.get_component_styles(name), self.background_colors[1])
        return self._styles[name]

    def _restyle(self, theme: object = None) -> None:
        """The theme changed: every cell's colours are resolved again."""
        self._styles.clear()
        for row in self._articles.values():
            for key, cell in zip(("mark", "time", "source", "outlets", "tags", "title"), self._cells(row)):
                self.update_cell(str(row.id), key, cell)

    def _cells(self, row: StoryRow) -> tuple[Text, ...]:
        """The cells as `Text`, never markup: every title and source came from strangers."""
        seed = row.kind == "seed"
        unread = row.unread > 0
        mark = Text(UNREAD_MARK if unread else " ", style=self._style("story-feed--unread"), end="")
        time = _TimeCell(time_label(row), style=self._style("story-feed--time"), no_wrap=True, end="")
        time.order = (row.sort_at, row.id)
        source_style = "story-feed--seed" if seed else "story-feed--known" if row.known_from_seeds else "story-feed--source"
        source = Text(
            source_label(row), style=self._style(source_style), no_wrap=True, overflow="ellipsis", end=""
        )
        outlets = Text(
            outlets_label(row.outlets, self._roomy()), style=self._style("story-feed--outlets"), no_wrap=True, end=""
        )
        title_style = self._style("story-feed--seed-title") if seed else ""
        if not unread:
            title_style = self._style("story-feed--read")
        if not (row.on_story or seed or row.known_from_seeds):
            title_style = self._style("story-feed--off")  # only the "everything" view mixes them
        title = Text(clean_line(row.title, TITLE_MAX), style=title_style, no_wrap=True, overflow="ellipsis", end="")
        for start, end in self.highlighter.spans(title.plain) if self.highlighter else ():
            title.stylize(self._style("story-feed--match"), start, end)
        return mark, time, source, outlets, self._tags_cell(row), title

    def _tags_cell(self, row: StoryRow) -> Text:
        """The edit marker and the tags, as `Text`: a tag may have been pasted from a headline."""
        cell = Text(no_wrap=True, overflow="ellipsis", end="")
        for n, (text, style) in enumerate(_tags_parts(row)):
            cell.append(("  " if n else "") + text, style=self._style(style))
        return cell

    def _wide(self) -> bool:
        return self.size.width >= WIDE or not self.size.width

    def _roomy(self) -> bool:
        return self.size.width >= ROOMY or not self.size.width

    def _source_width(self) -> int:
        """Narrow terminals give the headline more of the line."""
        if self.size.width and self.size.width < CRAMPED:
            return SOURCE_WIDTH // 2  # the sidebar open on a narrow terminal: the title keeps room
        return SOURCE_WIDTH if self._wide() else SOURCE_WIDTH * 2 // 3

    def _outlets_width(self) -> int:
        """Wide enough for the largest count shown, so "10 outlets" never reads "10 outlet"."""
        roomy = self._roomy()
        return max(OUTLETS_WIDTH if roomy else 3, len(outlets_label(self._most_outlets, roomy)))

    def _fit_outlets(self, rows: list[StoryRow]) -> None:
        """Widen the outlets column (and narrow the title) when a row brings a larger count."""
        most = max((row.outlets for row in rows), default=0)
        if most <= self._most_outlets:
            return
        self._most_outlets = most
        if "title" in self.columns:
            self.columns["outlets"].width = self._outlets_width()
            self.columns["title"].width = self._title_width()

    def _tags_width(self) -> int:
        widest = TAGS_WIDTH[0] if self._wide() else TAGS_WIDTH[1] if self._roomy() else TAGS_WIDTH[2]
        return min(self._widest_tags, widest)

    def _fit_tags(self, rows: list[StoryRow]) -> None:
        """Widen the tags column (and narrow the title) when a row brings a wider label."""
        widest = max((cell_len(tags_label(row)) for row in rows), default=0)
        if widest <= self._widest_tags and rows:
            return
        self._widest_tags = max(widest, self._widest_tags)
        if "tags" in self.columns:
            self.columns["tags"].width = self._tags_width()
            self.columns["title"].width = self._title_width()

    def _title_width(self) -> int:
        """The title takes whatever the other columns leave."""
        padding = 2 * self.cell_padding
        fixed = MARK_WIDTH + TIME_WIDTH + self._source_width() + self._outlets_width()
        fixed += 5 * padding + self.styles.scrollbar_size_vertical
        if "tags" in self.columns:
            fixed += self._tags_width() + padding
        return max(TITLE_MIN, self.size.width - fixed)  # never wider than the table: no sideways scrolling

    def on_resize(self, event: events.Resize) -> None:
        if "title" not in self.columns:
            return
        wide_before, self._roomy_labels = self._roomy_labels, self._roomy()
        self.columns["source"].width = self._source_width()
        self.columns["outlets"].width = self._outlets_width()
        if "tags" in self.columns:
            self.columns["tags"].width = self._tags_width()
        self.columns["title"].width = self._title_width()
        if wide_before != self._roomy():
            for row in self._articles.values():
                self.update_cell(str(row.id), "outlets", self._cells(row)[3])
        total = sum(column.get_render_width(self) for column in self.columns.values())
        self.virtual_size = Size(total, self.virtual_size.height)
        self.refresh()

    # -- keeping the reader's place --------------------------------------------------------

    def _row_at_view_top(self) -> int | None:
        """The report at the top of the view, if the reader has scrolled away from the top."""
        if self.scroll_y <= 0 or not self.row_count:
            return None
        index = min(int(self.scroll_y), self.row_count - 1)
        return int(self.coordinate_to_cell_key(Coordinate(index, 0)).row_key.value)

    def _keep_place(self, kept: StoryRow | None, view_top: int | None) -> None:
        if kept is not None:
            self.move_cursor(row=self.get_row_index(str(kept.id)), scroll=False)
        if view_top is not None:
            self.scroll_to(y=self.get_row_index(str(view_top)), animate=False, immediate=True)
