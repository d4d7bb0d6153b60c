"""The box a list is picked from: the feeds and the stories screens share its size and frame."""

from __future__ import annotations

from textual.screen import ModalScreen


class ListBox(ModalScreen):
    """A modal screen holding one centred, framed box (a titled `Vertical`) over the story."""

    DEFAULT_CSS = """
    ListBox {
        align: center middle;
        & > Vertical {
            width: 94%;
            height: auto;
            max-height: 85%;
            border: round $primary;
            border-title-color: $text;
            background: $surface;
        }
    }
    """
