"""The box a report is read in: the reading view and the diff view share its size and frame."""

from __future__ import annotations

from textual.screen import ModalScreen


class ReadingBox(ModalScreen):
    """A modal screen holding one centred, scrolling box of text."""

    DEFAULT_CSS = """
    ReadingBox {
        align: center middle;
        & > VerticalScroll {
            width: 90%;
            max-width: 120;
            height: 90%;
            border: round $primary;
            background: $surface;
            padding: 0 2;
        }
    }
    """
