"""The coverage sparkline: on-story reports per hour (last 48 h) or per day (last 30 days), on
one line under the header; with an entity filter on, that entity's trend. `H` switches the span.

The widget never queries: the screen counts in a thread worker and hands over the numbers.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Sparkline, Static

from storywatch.store.text.clean import clean_line

SPAN_LABELS = {"hour": ("per hour", "48 h"), "day": ("per day", "30 days")}


def trend_caption(counts: list[int], by: str, entity: str | None = None) -> Content:
    """ "Coverage per hour · 48 h · 37 · peak 9": what the line shows, in words and numbers."""
    per, span = SPAN_LABELS[by]
    subject: tuple[str, str] = (clean_line(entity, 24), "bold $warning") if entity else ("Coverage", "bold")
    return Content.assemble(
        " ", subject, (f" {per} · {span} · ", "$text-muted"), (f"{sum(counts):,}", "bold"),
        (f" · peak {max(counts, default=0):,} ", "$text-muted"),
    )


class CoverageSparkline(Horizontal):
    """A caption and a Textual `Sparkline`, one line high; the caption never wraps."""

    DEFAULT_CSS = """
    CoverageSparkline {
        height: 1;
        background: $background;
        & > #trend-caption { width: auto; max-width: 60%; height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
        & > Sparkline { width: 1fr; height: 1; margin: 0 1 0 0; }
        & > Sparkline > .sparkline--min-color { color: $primary 30%; }
        & > Sparkline > .sparkline--max-color { color: $accent; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.by = "hour"
        self.counts: list[int] = []
        self.entity: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="trend-caption", markup=False)
        yield Sparkline([], id="trend-line")

    def show_counts(self, counts: list[int], by: str, entity: str | None = None) -> None:
        self.counts, self.by, self.entity = counts, by, entity
        self.query_one("#trend-caption", Static).update(trend_caption(counts, by, entity))
        self.query_one(Sparkline).data = [float(count) for count in counts] if any(counts) else []  # a flat line
