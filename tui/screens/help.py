"""`?`: every key of the screen you are on, read from its bindings when the help opens, so a key
added anywhere shows up here without anyone listing it twice."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


@dataclass
class KeyEntry:
    """One action and every key bound to it in one place."""

    keys: list[str]  # as the footer shows them: "esc", "q"
    description: str
    tooltip: str
    action: str
    namespace: DOMNode  # where the action runs
    ours: bool  # declared by a storywatch class, not one of Textual's own


@dataclass
class KeyGroup:
    title: str
    entries: list[KeyEntry] = field(default_factory=list)


def _title_of(node: DOMNode) -> str:
    """A class's name in words ("StoryFeed" -> "Story feed"), unless it names itself in HELP_TITLE."""
    named = getattr(node, "HELP_TITLE", None)
    if named:
        return named
    name = type(node).__name__
    if isinstance(node, Screen) and name.endswith("Screen") and name != "Screen":
        name = name[: -len("Screen")]
    words = re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", name) or [name]
    return " ".join([words[0]] + [word.lower() for word in words[1:]])


def _declared_by_us(node: DOMNode) -> dict[str, str]:
    """The actions storywatch's own classes bind on this node, with their descriptions (Textual's
    are listed too, but not offered in the palette)."""
    actions: dict[str, str] = {}
    for base in reversed(type(node).__mro__):
        if base.__module__.startswith("storywatch."):
            for binding in base.__dict__.get("BINDINGS", []):
                if not isinstance(binding, Binding):
                    binding = Binding(*binding)
                actions[binding.action] = binding.description
    return actions


def key_groups(screen: Screen) -> list[KeyGroup]:
    """The screen's keys, then those of the focused widget and its containers, then the app's
    that reach this screen; a key is listed once, where it acts (the screen's own description
    wins over a widget's for the same key, as it says what the key is for here)."""
    app = screen.app
    focused = screen.focused
    widgets = [node for node in focused.ancestors_with_self if node is not screen and node is not app] if focused else []
    # A modal screen stops the key chain: only the app's priority bindings reach past it.
    places: list[tuple[DOMNode, bool]] = [(screen, False)] + [(node, False) for node in widgets]
    places.append((app, screen.is_modal))
    shown: set[str] = set()
    groups: list[KeyGroup] = []
    for node, priority_only in places:
        group = KeyGroup(_title_of(node) if node is not app else "Everywhere")
        ours = _declared_by_us(node)
        by_action: dict[str, KeyEntry] = {}
        here: set[str] = set()
        for key, binding in node._bindings:  # merged over the class and its bases
            if binding.system or key in shown or (priority_only and not binding.priority):
                continue
            here.add(key)
            display = app.get_key_display(binding)
            # One line per action: "↑ k  Up" (our word for it over Textual's "Cursor up").
            description = ours.get(binding.action) or binding.description or binding.action.replace("_", " ")
            entry = by_action.get(binding.action)
            if entry is None:
                entry = by_action[binding.action] = KeyEntry(
                    [], description[:1].upper() + description[1:], binding.tooltip, binding.action, node,
                    binding.action in ours,
                )
                group.entries.append(entry)
            entry.tooltip = entry.tooltip or binding.tooltip
            if display not in entry.keys:
                entry.keys.append(display)
        shown |= here
        group.entries.sort(key=lambda entry: not entry.ours)  # storywatch's keys first, Textual's after
        if group.entries:
            groups.append(group)
    return groups


def keys_table(group: KeyGroup) -> Table:
    """One group as a borderless table of plain Text cells (nothing in it is read as markup)."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
    table.add_column("keys", no_wrap=True, min_width=10, style="bold")
    table.add_column("what", no_wrap=True, min_width=14)
    table.add_column("more", ratio=1, style="dim")
    for entry in group.entries:
        table.add_row(Text(" ".join(entry.keys)), Text(entry.description), Text(entry.tooltip))
    return table


class HelpScreen(ModalScreen):
    """The keys of the screen under it; escape or ? closes it."""

    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close", tooltip="Back to where you were"),
    ]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > VerticalScroll {
            width: 90%;
            max-width: 110;
            height: auto;
            max-height: 90%;
            border: round $primary;
            border-title-color: $text;
            background: $surface;
            padding: 0 2;
        }
        & .help-group { text-style: bold; color: $accent; margin: 1 0 0 0; }
        & #help-hint { color: $text-muted; margin: 1 0 0 0; }
    }
    """

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.title_of = _title_of(screen)
        self.groups = key_groups(screen)  # now, while that screen and its focus are as the user left them

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-keys") as view:
            view.border_title = f"Keys · {self.title_of}"
            for group in self.groups:
                yield Static(Text(group.title), classes="help-group")
                yield Static(keys_table(group), classes="help-table")
            yield Static(Text("esc or ? closes  ·  ctrl+p finds any of these by name"), id="help-hint")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
