"""The latest developments: the newest sentences that told the story something new, across
every report, newest first. One line each (time, outlet, the sentence cut to fit); Enter asks
the screen to open that sentence's report.

An `OptionList` (line API); the widget never queries: the screen hands it the rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from storywatch.store.novelty import Development
from storywatch.store.text.clean import clean_line
from storywatch.tui.widgets.story_feed import short_time

NEW_MARK = "✚"
SOURCE_ROOM = 14  # columns for the outlet's name


def development_line(development: Development, width: int) -> Text:
    """ "14:05  Reuters        ✚ Strikes killed 14 people near Culiacan…": one line, cut to fit."""
    line = Text(no_wrap=True, overflow="ellipsis", end="")
    line.append(f"{short_time(development.sort_at or development.found_at):>6}  ", style="dim")
    source = clean_line(development.source, 60) or "—"
    line.append(f"{source[:SOURCE_ROOM]:<{SOURCE_ROOM}}  ", style="bold")
    line.append(NEW_MARK + " ", style="bold green")
    line.append(clean_line(development.sentence, 400))
    line.truncate(max(20, width), overflow="ellipsis")
    return line


class DevelopmentsPanel(OptionList):
    """What the story learned last, sentence by sentence; enter reads the report."""

    DEFAULT_CSS = """
    DevelopmentsPanel {
        height: 35%;  /* a third of the feed's room: at 80x24 the feed keeps 11 rows */
        min-height: 5;
        max-height: 14;
        border: none;
        border-top: hkey $primary-muted;
        padding: 0 0;
        background: $background;
        scrollbar-size-vertical: 1;
        &:focus { border: none; border-top: hkey $primary; background-tint: $foreground 3%; }
    }
    """

    @dataclass
    class Chosen(Message):
        """The reader picked a development (enter or click): open its report."""

        article_id: int

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self.developments: list[Development] = []
        self.border_title = "Latest developments"

    def show_developments(self, developments: list[Development]) -> None:
        """Redraw with the newest developments, keeping the highlighted one highlighted."""
        self.developments = developments
        self._redraw()

    def _redraw(self) -> None:
        kept = self.highlighted_option.id if self.highlighted_option is not None else None
        width = max(20, (self.size.width or 80) - 2)
        options = [Option(development_line(d, width), id=str(d.id)) for d in self.developments]
        if not options:
            options = [Option(Text("Nothing new yet beyond the seeds", style="dim"), id="empty", disabled=True)]
        self.set_options(options)
        ids = {o.id for o in options}
        if kept in ids:
            self.highlighted = self.get_option_index(kept)
        elif self.developments:
            self.highlighted = 0

    @property
    def highlighted_article(self) -> int | None:
        """The report of the highlighted development, if one is highlighted."""
        option = self.highlighted_option
        for development in self.developments if option is not None else ():
            if str(development.id) == option.id:
                return development.article_id
        return None

    def on_resize(self) -> None:
        if self.developments:
            self._redraw()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        for development in self.developments:
            if str(development.id) == event.option.id:
                self.post_message(self.Chosen(development.article_id))
                return
