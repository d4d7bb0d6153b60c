"""The entity sidebar: who and where the story is about, by on-story mentions, grouped by kind.

An `OptionList` (line API): one line per person, organisation or place with its mention count,
a mark for those no seed names (new since the seeds), and kind headings between. Enter on a
name asks the screen to filter the story feed to the articles naming it. The widget never
queries: the screen hands it the counts, read in a thread worker.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from storywatch.store.entity_queries import KIND_ORDER, EntityCount
from storywatch.store.text.clean import clean_line

HEADINGS = {"person": "People", "org": "Organisations", "place": "Places"}
NEW_MARK = "✦"  # named by no seed: new since the seeds
FILTER_MARK = "▸"
NAME_MAX = 60


def entity_line(entity: EntityCount, new: bool, active: bool, width: int) -> Text:
    """ "▸ Claudia Sheinbaum ✦      133": the name cut to fit, the count at the right."""
    count = f"{entity.mentions:,}"
    lead = FILTER_MARK if active else " "
    room = max(4, width - len(count) - 2 - 2 - (2 if new else 0))
    name = Text(clean_line(entity.name, NAME_MAX), no_wrap=True, overflow="ellipsis", end="")
    name.truncate(room, overflow="ellipsis")
    line = Text(lead + " ", style="bold" if active else "", end="")
    line.append_text(name)
    if new:
        line.append(" " + NEW_MARK, style="bold yellow")
    line.append(" " * max(1, width - line.cell_len - len(count)))
    line.append(count, style="dim")
    return line


class EntitySidebar(OptionList):
    """People, organisations and places of the story; enter filters the feed by one."""

    DEFAULT_CSS = """
    EntitySidebar {
        width: 30;
        height: 1fr;
        border: none;
        border-left: vkey $primary-muted;
        padding: 0 0;
        background: $background;
        scrollbar-size-vertical: 1;
        &:focus { border: none; border-left: vkey $primary; background-tint: $foreground 3%; }
    }
    """

    @dataclass
    class Chosen(Message):
        """The reader picked an entity (enter or click) to filter the story feed by."""

        entity_id: int
        name: str

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self.entities: dict[int, EntityCount] = {}
        self._grouped: dict[str, list[EntityCount]] = {}
        self._seeded: set[int] = set()
        self.active: int | None = None  # the entity the feed is filtered by
        self.border_title = "Entities"

    def show_entities(self, grouped: dict[str, list[EntityCount]], seeded: set[int]) -> None:
        """Redraw the list with new counts, keeping the highlighted entity highlighted."""
        self._grouped, self._seeded = grouped, seeded
        self.entities = {e.id: e for kind in KIND_ORDER for e in grouped.get(kind, [])}
        self._redraw()

    def set_active(self, entity_id: int | None) -> None:
        if entity_id == self.active:
            return  # a search or another filter changed: the marked name did not
        self.active = entity_id
        self._redraw()

    def _redraw(self) -> None:
        kept = self.highlighted_option.id if self.highlighted_option is not None else None
        width = max(16, (self.size.width or 30) - 2)
        options: list[Option] = []
        for kind in KIND_ORDER:
            entities = self._grouped.get(kind, [])
            if not entities:
                continue
            heading = Text(HEADINGS[kind].upper(), style="bold", end="")
            options.append(Option(heading, id=f"heading-{kind}", disabled=True))
            for entity in entities:
                line = entity_line(entity, entity.id not in self._seeded, entity.id == self.active, width)
                options.append(Option(line, id=str(entity.id)))
        if not options:
            options.append(Option(Text("No names yet", style="dim"), id="empty", disabled=True))
        else:
            options.append(Option(Text(f"{NEW_MARK} new since the seeds", style="dim", end=""), id="legend", disabled=True))
        self.set_options(options)
        if kept is not None and kept in {o.id for o in options}:
            self.highlighted = self.get_option_index(kept)
        elif self.highlighted is None:
            first = next((i for i, o in enumerate(options) if not o.disabled), None)
            if first is not None:
                self.highlighted = first

    def on_resize(self) -> None:
        if self._grouped:
            self._redraw()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entity = self.entities.get(int(event.option.id)) if event.option.id and event.option.id.isdigit() else None
        if entity is not None:
            self.post_message(self.Chosen(entity.id, entity.name))
