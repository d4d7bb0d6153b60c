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
from storywatch.tui.story_list import StorySummary


def story_prompt(story: StorySummary, current: bool) -> Text:
    """One story as a list line; its title came from a file the user (or a web page) wrote, so Text."""
    mark = "● " if current else "  "
    line = Text(mark, style="bold green" if current else "", end="")
    line.append(story.name, style="bold")
    if story.problem is not None:
        line.append(f"  cannot read its story file: {clean_line(story.problem, 200)}", style="red")
        return line
    line.append(f"  {clean_line(story.title, 200)}")
    counts = f"{story.seeds} seeds, {'?' if story.feeds is None else story.feeds} feeds"
    counts += ", not opened yet" if story.articles is None else f", {story.articles:,} articles"
    line.append(f"  ({counts}{', bundled' if story.bundled else ''})", style="dim")
    return line


class StoriesScreen(ModalScreen[str | None]):
    """Lists the stories; dismissed with the name chosen, or None."""

    BINDINGS = [Binding("escape,S,q", "cancel", "Back")]

    DEFAULT_CSS = """
    StoriesScreen {
        align: center middle;
        & > Vertical {
            width: 94%;
            height: auto;
            max-height: 85%;
            border: round $primary;
            border-title-color: $text;
            background: $surface;
        }
        & OptionList { height: auto; max-height: 30; border: none; }
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
        stories = self.list_stories()
        self.app.call_from_thread(self.show, stories)

    def show(self, stories: list[StorySummary]) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        for story in stories:
            current = story.name == self.current
            options.add_option(Option(story_prompt(story, current), id=story.name, disabled=story.problem is not None))
        here = next((n for n, story in enumerate(stories) if story.name == self.current), 0)
        options.highlighted = here
        options.focus()

    @on(OptionList.OptionSelected, "#stories-list")
    def choose(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
