"""The header: which story this is and what the fetcher is doing, in two lines, and which view
of the feed is shown, on its bottom rule."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from storywatch.store.queries import FetcherSummary
from storywatch.store.text.clean import clean_line
from storywatch.store.times import from_iso

FetcherState = Literal["off", "read-only", "starting", "polling", "idle", "waiting", "stopped"]

# What each state looks like: a glyph, a word and a theme colour.
_STATES: dict[str, tuple[str, str, str]] = {
    "off": ("○", "fetcher off", "$text-muted"),
    "read-only": ("⊘", "read-only database: nothing polled or saved", "$warning"),
    "starting": ("◌", "starting", "$text-muted"),
    "polling": ("⟳", "polling", "$accent"),
    "idle": ("●", "idle", "$success"),
    "waiting": ("◌", "waiting for the database (another process holds it)", "$warning"),
    "stopped": ("✕", "fetcher stopped", "$error"),
}


def poll_time(last_polled_at: str | None, now: datetime | None = None) -> str:
    """When the last poll happened, in local time: "14:05:09" today, "Nov 20 14:05" before."""
    if not last_polled_at:
        return "never"
    try:
        moment = from_iso(last_polled_at).astimezone()
    except (ValueError, OverflowError):  # OverflowError: a year-1 time seen from west of UTC
        return "unknown"
    now = now or datetime.now().astimezone()
    if moment.date() == now.date():
        return moment.strftime("%H:%M:%S")
    return f"{moment:%b} {moment.day} {moment:%H:%M}"


def story_line(title: str, summary: FetcherSummary | None, width: int, new: int = 0) -> Content:
    """First line: the app's name, the story's title, and the article count at the right
    (after "N new": on-story reports that arrived since the reader was last on the top row)."""
    right = Content.assemble(
        (f"{summary.articles:,}", "bold"), (" articles ", "$text-muted")
    ) if summary else Content("")
    if new:
        right = Content.assemble((f"{new:,} new", "bold $warning"), ("  ·  ", "$text-muted"), right)
    left = Content.assemble((" storywatch ", "bold $accent"), ("│ ", "$text-muted"), (title, "bold"))
    room = width - right.cell_length
    if left.cell_length > room - 1:
        left = left.truncate(max(0, room - 1), ellipsis=True)
    return Content.assemble(left, " " * max(1, room - left.cell_length), right)


def fetcher_line(
    state: FetcherState, summary: FetcherSummary | None, error: str | None = None, now: datetime | None = None
) -> Content:
    """Second line: fetcher state, last poll, feeds ok / failing."""
    glyph, word, colour = _STATES[state]
    parts: list[str | tuple[str, str]] = [(f" {glyph} {word}", f"bold {colour}")]
    if state == "stopped" and error:
        parts.append((f": {clean_line(error, 120)}", colour))
    if summary is not None:
        parts += [("  ·  last poll ", "$text-muted"), poll_time(summary.last_polled_at, now)]
        parts += [("  ·  ", "$text-muted"), f"{summary.feeds} feeds"]
        if summary.last_polled_at:
            parts += [("  ", ""), (f"{summary.feeds - summary.failing} ok", "$success")]
        if summary.failing:
            parts += [("  ", ""), (f"{summary.failing} failing", "bold $error"), ("  (f: details)", "$text-muted")]
    return Content.assemble(*parts)


class StoryHeader(Widget):
    """Story title and fetcher state; updated by the screen, never queries anything itself."""

    DEFAULT_CSS = """
    StoryHeader {
        height: 3;
        padding: 0 0;
        background: $panel;
        border-bottom: solid $primary-muted;
        border-subtitle-align: left;
        border-subtitle-color: $text;
    }
    """

    story_title: reactive[str] = reactive("")
    fetcher_state: reactive[FetcherState] = reactive("off")
    fetcher_error: reactive[str | None] = reactive(None)
    summary: reactive[FetcherSummary | None] = reactive(None)
    new_reports: reactive[int] = reactive(0)  # on-story reports since the reader last looked
    view_label: reactive[Content] = reactive(Content(""))  # which view of the feed, on the bottom rule

    def __init__(self, story_title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(StoryHeader.story_title, clean_line(story_title, 300))

    def watch_view_label(self, label: Content) -> None:
        self.border_subtitle = label  # Content, never a markup string: it can hold an entity's name

    def render(self) -> Content:
        return Content("\n").join(
            [
                story_line(self.story_title, self.summary, self.size.width, self.new_reports),
                fetcher_line(self.fetcher_state, self.summary, self.fetcher_error),
            ]
        )
