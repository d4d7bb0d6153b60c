"""A one-line modal asking for a free tag, completing the tags already in use (`t` on the story)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label

from storywatch.store.tags import TAG_MAX_LENGTH
from storywatch.store.text.clean import clean_line


class TagInputScreen(ModalScreen[str | None]):
    """Dismissed with the typed tag (Enter) or None (Esc). → accepts the grey suggestion."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without tagging")]

    DEFAULT_CSS = """
    TagInputScreen {
        align: center middle;
        background: $background 60%;
    }
    TagInputScreen > Vertical {
        width: 60;
        max-width: 90%;
        height: auto;
        padding: 1 2;
        border: round $accent;
        background: $surface;
    }
    TagInputScreen Label { color: $text-muted; width: 1fr; }
    TagInputScreen #tag-for { color: $text; text-style: bold; }
    """

    def __init__(self, title: str, tags_in_use: list[str]) -> None:
        super().__init__()
        self.report_title = title
        self.tags_in_use = tags_in_use

    def compose(self) -> ComposeResult:
        with Vertical():
            # The headline came from a stranger: Content is never parsed as markup.
            yield Label(Content(clean_line(self.report_title, 200)), id="tag-for")
            yield Input(
                placeholder="a tag (→ completes, enter adds, esc cancels)",
                max_length=TAG_MAX_LENGTH,
                suggester=SuggestFromList(self.tags_in_use, case_sensitive=False),
                id="tag-input",
            )
            yield Label(Content("Tags in use: " + ", ".join(self.tags_in_use[:8]) if self.tags_in_use else ""))

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def add(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
