"""The stories screen (S): every story you can open, and enter switches to one.

Switching ends the app with the chosen story's name; the CLI's dashboard command opens it again
on that story's own database, so no state of the old story (its fetcher, its connections, its
filters) can leak into the new one.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from storywatch.store.text.clean import clean_line
from storywatch.tui.screens.list_box import ListBox
from storywatch.tui.story_list import StorySummary


def story_prompt(story: StorySummary, current: bool, name_width: int = 0) -> Text:
    """One story as one list line; its title came from a file the user (or a web page) wrote, so Text."""
    line = Text("● " if current else "  ", style="bold green" if current else "", no_wrap=True, overflow="ellipsis", end="")
    line.append(story.name.ljust(name_width), style="bold")
    if story.problem is not None:
        line.append(f"  cannot read its story file: {clean_line(story.problem, 200)}", style="red")
        return line
    counts = [_count(story.seeds or 0, "seed"), "? feeds" if story.feeds is None else _count(story.feeds, "feed")]
    counts.append("not opened yet" if story.articles is None else _count(story.articles, "article"))
    line.append(f"  {', '.join(counts):<34}", style="dim")
    line.append(f"  {clean_line(story.title, 200)}")
    return line


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


class StoriesScreen(ListBox, ModalScreen[str | None]):
    """Lists the stories; dismissed with the name chosen, or None."""

    BINDINGS = [Binding("escape,S,q", "cancel", "Back")]

    DEFAULT_CSS = """
    StoriesScreen {
        & OptionList, & OptionList:focus { height: auto; max-height: 30; border: none; }
        & #stories-hint { color: $text-muted; padding: 0 1; }
    }
    """

    def __init__(self, current: str, list_stories: Callable[[], list[StorySummary]]) -> None:
        super().__init__()
        self.current = current
        self.list_stories = list_stories

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Stories"
            yield OptionList(Option(Text("reading the stories…", style="dim"), disabled=True), id="stories-list")
            # A story made meanwhile with `storywatch new` shows the next time this opens.
            yield Label(
                "enter opens the story  ·  escape back  ·  make one: storywatch new NAME --seed FILE_OR_URL",
                id="stories-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        """Story files and row counts are disk work: off the UI thread."""
        try:
            stories = self.list_stories()
        except OSError as error:  # the data dir unreadable: say so where the user looks
            self.app.call_from_thread(self.app.notify, f"Cannot list the stories: {error}", severity="error", markup=False)
            return
        self.app.call_from_thread(self.show, stories)

    def show(self, stories: list[StorySummary]) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        width = max((len(story.name) for story in stories), default=0)
        for story in stories:
            current = story.name == self.current
            prompt = story_prompt(story, current, width)
            options.add_option(Option(prompt, id=story.name, disabled=story.problem is not None))
        here = next((n for n, story in enumerate(stories) if story.name == self.current), 0)
        options.highlighted = here
        options.focus()

    @on(OptionList.OptionSelected, "#stories-list")
    def choose(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
