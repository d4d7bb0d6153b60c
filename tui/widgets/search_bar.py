"""The search bar: one line above the story feed, shown by `/`, narrowing the feed as you type."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from storywatch.store.search import MAX_QUERY_CHARS


class SearchBar(Input):
    """An `Input` that says when the user is done with it; the screen owns the query itself."""

    DEFAULT_CSS = """
    SearchBar {
        dock: top;
        height: 3;
        border: tall $accent;
        background: $surface;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Clear search", tooltip="Clear the search and show the feed again")]

    @dataclass
    class Cancelled(Message):
        """Escape: the user wants the unsearched feed back."""

        bar: SearchBar

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            placeholder="Search this view: words, \"a phrase\"; enter keeps it, esc clears",
            max_length=MAX_QUERY_CHARS,
            id=id,
        )
        self.display = self.can_focus = False  # hidden until `/`, and never the focus at start

    def open(self) -> None:
        self.display = self.can_focus = True
        # At once, not through focus()'s call_later: keys typed right after "/" are already
        # queued, and would reach the feed ("o" opens a browser) before a deferred focus.
        self.screen.set_focus(self)

    def close(self) -> None:
        self.display = self.can_focus = False
        self.clear()

    @property
    def is_open(self) -> bool:
        return self.display

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled(self))
