"""`d` on the feeds screen: are you sure? Removing a feed stops its polling; its reports stay."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Label


class RemoveFeedScreen(ModalScreen[bool]):
    """Dismissed with True (y) or False (n, esc): one key either way, as newsboat asks."""

    BINDINGS = [
        Binding("y", "answer(True)", "Remove", tooltip="Stop following the feed; its reports stay"),
        Binding("n,escape", "answer(False)", "Keep", tooltip="Close and keep following it"),
    ]

    DEFAULT_CSS = """
    RemoveFeedScreen {
        align: center middle;
        background: $background 60%;
        & > Vertical {
            width: 70;
            max-width: 94%;
            height: auto;
            padding: 1 2;
            border: round $error;
            border-title-color: $text;
            background: $surface;
        }
        & #remove-feed-name { text-style: bold; }
        & Label { width: 1fr; }
        & #remove-feed-hint { color: $text-muted; margin: 1 0 0 0; }
    }
    """

    def __init__(self, name: str, item_count: int) -> None:
        super().__init__()
        self.feed_name = name
        self.item_count = item_count

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Stop following this feed?"
            yield Label(Content(self.feed_name), id="remove-feed-name")  # a stranger's title: never markup
            reports = f"{self.item_count:,} report{'' if self.item_count == 1 else 's'}"
            yield Label(f"It is no longer polled. Its {reports} stay in the story.", markup=False)
            yield Label("y removes it  ·  n or esc keeps it", id="remove-feed-hint", markup=False)
        yield Footer()

    def action_answer(self, remove: bool) -> None:
        self.dismiss(remove)
