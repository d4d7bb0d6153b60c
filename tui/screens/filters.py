"""The filter screen (`F`): narrow the story feed by tag, outlet, verdict, read state and time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, Select

from storywatch.store.db import open_db
from storywatch.store.filters import FeedFilter, stored_sources, stored_tags
from storywatch.store.text.clean import clean_line
from storywatch.store.times import to_iso, utc_now

# Time ranges offered: key, label, hours back (None: all time).
TIME_RANGES: list[tuple[str, str, int | None]] = [
    ("all", "All time", None),
    ("1h", "Last hour", 1),
    ("6h", "Last 6 hours", 6),
    ("24h", "Last 24 hours", 24),
    ("7d", "Last 7 days", 24 * 7),
]
VIEW_CHOICES = [("On the story", "on"), ("Everything", "all"), ("Off the story", "off")]


@dataclass(frozen=True)
class FilterChoice:
    """What the filter screen hands back: the new filter and which time range it names."""

    filter: FeedFilter
    time_range: str  # a TIME_RANGES key


def since_for(time_range: str) -> str | None:
    hours = next((hours for key, _, hours in TIME_RANGES if key == time_range), None)
    return to_iso(utc_now() - timedelta(hours=hours)) if hours else None


def time_range_label(time_range: str) -> str:
    return next((label for key, label, _ in TIME_RANGES if key == time_range), "")


class FilterScreen(ModalScreen[FilterChoice | None]):
    """Every choice at once; Apply narrows the feed, Clear shows everything again."""

    DEFAULT_CSS = """
    FilterScreen { align: center middle; }
    FilterScreen > Vertical {
        width: 64; max-width: 100%; height: auto; max-height: 100%;
        padding: 1 2; background: $panel; border: thick $accent; overflow-y: auto;
    }
    FilterScreen Label { margin: 1 0 0 0; color: $text-muted; }
    FilterScreen Select { width: 100%; }
    FilterScreen #filter-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    FilterScreen Button { margin-left: 1; }
    """

    BINDINGS = [
        Binding("escape", "dismiss_unchanged", "Cancel", tooltip="Close without changing the filter"),
        Binding("ctrl+s", "apply", "Apply", tooltip="Narrow the feed to these choices"),
    ]

    def __init__(self, current: FeedFilter, time_range: str = "all") -> None:
        super().__init__()
        self.current = current
        self.time_range = time_range
        self._shown: dict[str, list[str]] = {}  # the values each of the tag and outlet lists holds

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Tag")
            yield Select([], prompt="Any tag", compact=True, id="filter-tag")
            yield Label("Outlet")
            yield Select([], prompt="Any outlet", compact=True, id="filter-source")
            yield Label("Show")
            yield Select(VIEW_CHOICES, value=self.current.view, allow_blank=False, compact=True, id="filter-view")
            yield Label("Time")
            yield Select(
                [(label, key) for key, label, _ in TIME_RANGES], value=self.time_range, allow_blank=False,
                compact=True, id="filter-time",
            )
            yield Checkbox("Unread only", self.current.unread, id="filter-unread")
            with Horizontal(id="filter-buttons"):
                yield Button("Clear all", id="filter-clear")
                yield Button("Cancel", id="filter-cancel")
                yield Button("Apply", variant="primary", id="filter-apply")

    def reset(self, current: FeedFilter, time_range: str = "all") -> None:
        """Show another filter's choices: the screen is kept between uses (see action_filters)."""
        self.current, self.time_range = current, time_range
        self.query_one("#filter-view", Select).value = current.view
        self.query_one("#filter-time", Select).value = time_range
        self.query_one("#filter-unread", Checkbox).value = current.unread
        for selector, value in (("#filter-tag", current.tag), ("#filter-source", current.source)):
            select = self.query_one(selector, Select)
            select.clear()
            if value in self._shown.get(selector, ()):
                select.value = value  # else show_choices sets it, once the lists are read

    def on_screen_resume(self) -> None:
        """Each time it is shown: focus on the view, and the tags and outlets stored now."""
        self.query_one("#filter-view", Select).focus()
        self.load_choices()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load_choices(self) -> None:
        """The tags and outlets stored, from the store's indexes, on their own connection."""
        db = open_db(self.app.db_path, migrate=False)
        try:
            tags, sources = stored_tags(db), stored_sources(db)
        finally:
            db.conn.close()
        self.app.call_from_thread(self.show_choices, tags, sources)

    def show_choices(self, tags: list[tuple[str, int]], sources: list[str]) -> None:
        """Options are plain text (Select's prompts are `Content`, built here without markup)."""
        from textual.content import Content

        choices = {
            "#filter-tag": ([(Content(f"{clean_line(tag, 60)}  ({count:,})"), tag) for tag, count in tags],
                            self.current.tag),
            "#filter-source": ([(Content(clean_line(source, 60) or "—"), source) for source in sources],
                               self.current.source),
        }
        for selector, (options, current) in choices.items():
            select = self.query_one(selector, Select)
            if self._shown.get(selector) != [value for _, value in options]:  # else kept: 300 outlets cost
                select.set_options(options)
                self._shown[selector] = [value for _, value in options]
            if current in self._shown[selector]:
                select.value = current

    def chosen(self) -> FilterChoice:
        def picked(selector: str) -> str | None:
            value = self.query_one(selector, Select).value
            return value if isinstance(value, str) else None  # no choice: Select.NULL

        time_range = picked("#filter-time") or "all"
        return FilterChoice(
            self.current.with_(
                view=picked("#filter-view") or "on",
                tag=picked("#filter-tag"),
                source=picked("#filter-source"),
                unread=self.query_one("#filter-unread", Checkbox).value,
                since=since_for(time_range),
                until=None,
            ),
            time_range,
        )

    def action_apply(self) -> None:
        self.dismiss(self.chosen())

    def action_dismiss_unchanged(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#filter-apply")
    def apply_pressed(self) -> None:
        self.action_apply()

    @on(Button.Pressed, "#filter-cancel")
    def cancel_pressed(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#filter-clear")
    def clear_pressed(self) -> None:
        self.dismiss(FilterChoice(FeedFilter(view=self.current.view, search=self.current.search), "all"))


def filter_label_parts(flt: FeedFilter, time_label: str = "") -> list[tuple[str, str]]:
    """The header's words for every part of the filter beyond the view (each value cleaned:
    a tag, an outlet or an entity's name came from strangers)."""
    parts: list[tuple[str, str]] = []

    def part(word: str, value: str) -> None:
        parts.extend([(f"· {word}", "$text-muted"), (value, "bold $warning"), (" ", "")])

    if flt.searching:
        part("search ", f"“{clean_line(flt.search, 60)}”")
    if flt.entity_id is not None:
        part("naming ", clean_line(flt.entity_name or f"#{flt.entity_id}", 80))
    if flt.tag:
        part("tag ", clean_line(flt.tag, 40))
    if flt.source:
        part("from ", clean_line(flt.source, 40))
    if flt.unread:
        part("", "unread")
    if flt.since or flt.until:
        part("", time_label or "time range")
    if parts:
        parts.append((" esc clears ", "$text-muted"))
    return parts
