"""`a` on the feeds screen: a one-line modal asking for a feed's URL, checked as `feeds add` does."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label

from storywatch.store.text.urls import FeedUrlError, feed_url


class AddFeedScreen(ModalScreen[str | None]):
    """Dismissed with the URL as the store will keep it (Enter), or None (Esc). A URL `feeds add`
    would refuse keeps the modal open and says why, so the user can fix a typo."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without adding a feed")]

    DEFAULT_CSS = """
    AddFeedScreen {
        align: center middle;
        background: $background 60%;
        & > Vertical {
            width: 80;
            max-width: 94%;
            height: auto;
            padding: 1 2;
            border: round $accent;
            border-title-color: $text;
            background: $surface;
        }
        & Label { color: $text-muted; width: 1fr; }
        & #add-feed-error { color: $text-error; }
    }
    """

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Follow a feed"
            yield Input(placeholder="https://… the feed's address (RSS or Atom)", id="add-feed-url")
            yield Label("", id="add-feed-error")
            yield Label("enter follows it (it is polled at once)  ·  esc cancels")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def add(self, event: Input.Submitted) -> None:
        try:
            url = feed_url(event.value)
        except FeedUrlError as error:
            # The message quotes what was typed or pasted: Content, never markup.
            self.query_one("#add-feed-error", Label).update(Content(str(error)))
            return
        self.dismiss(url)

    def action_cancel(self) -> None:
        self.dismiss(None)
