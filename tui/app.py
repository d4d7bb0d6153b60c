"""The storywatch app: wires the story screen to the database. Everything else lives elsewhere."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding

from storywatch.store.db import open_db
from storywatch.store.queries import story_id, story_title
from storywatch.tui.commands import StoryCommands
from storywatch.tui.config import Config, config_path, known_theme, load_config, save_theme
from storywatch.tui.fetcher import Fetcher
from storywatch.tui.screens.feeds import FeedsScreen
from storywatch.tui.screens.help import HelpScreen
from storywatch.tui.screens.stories import StoriesScreen
from storywatch.tui.screens.story import StoryScreen

if TYPE_CHECKING:
    from collections.abc import Callable

    from storywatch.feeds.fetch import FetchSettings
    from storywatch.tui.story_list import StorySummary


class StorywatchApp(App):
    """One story, live. The CLI has created the database and loaded the story before this starts."""

    CSS_PATH = "app.tcss"
    TITLE = "storywatch"
    COMMANDS = App.COMMANDS | {StoryCommands}
    # Priority, so they reach modal screens too; a focused text field still types "?" (Textual
    # drops an outer binding for a key the focused widget consumes).
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?", priority=True,
                tooltip="Every key of this screen"),
        Binding("escape", "hide_help_panel", "Hide keys", show=False, priority=True,
                tooltip="Close Textual's keys panel (ctrl+p, Keys)"),
        Binding("S", "stories", "Stories", show=False, tooltip="Switch to another story (yours: storywatch new)"),
    ]

    def __init__(
        self,
        db_path: Path,
        story_name: str,
        *,
        fetch: bool = True,
        fetch_settings: "FetchSettings | None" = None,
        refresh_interval: float = 0.5,
        tags: dict[int, str] | None = None,
        list_stories: "Callable[[], list[StorySummary]] | None" = None,
        config: Config | None = None,
    ) -> None:
        super().__init__()
        self.list_stories = list_stories  # what the stories screen (S) offers; None: no switching
        self.db_path = Path(db_path)
        self.story_name = story_name
        self.fetch_settings = fetch_settings  # the command line's, over the settings file's (None: the file's)
        self.fetcher = Fetcher(self.db_path, fetch_settings) if fetch else None
        self.refresh_interval = refresh_interval
        self.db = None  # the UI thread's read connection, opened when the app starts
        self.read_only = False  # a file the user may not write: shown, never written, never polled
        self.config_path = config_path()
        # The CLI passes the config it read (its fetch settings came from it); its theme is checked here.
        themes = set(self.available_themes)
        self.config: Config = known_theme(
            config if config is not None else load_config(self.config_path, themes), self.config_path, themes
        )
        # What keys 1-9 tag with: the story file's [tags], else the config's.
        self.tag_names = dict(self.config.tags if tags is None else tags)
        if self.config.theme is not None:
            self.theme = self.config.theme

    def on_mount(self) -> None:
        for problem in self.config.problems:
            self.notify(problem, title="Settings", severity="warning", timeout=10, markup=False)
        self.theme_changed_signal.subscribe(self, self._save_theme)

    def _save_theme(self, theme) -> None:
        """The reader picked another theme (ctrl+p, "Change theme"): keep it for next time."""
        if theme.name == self.config.theme:
            return
        self.config = replace(self.config, theme=theme.name)
        try:
            save_theme(self.config_path, theme.name)
        except OSError as error:
            self.notify(f"Could not save the theme in {self.config_path}: {error}", severity="error", markup=False)

    def get_default_screen(self) -> StoryScreen:
        self.db = open_db(self.db_path)
        self.read_only = self.db.read_only
        if self.read_only:
            self.fetcher = None
        title = story_title(self.db, self.story_name) or self.story_name
        found = story_id(self.db, self.story_name)
        if found is None:
            raise ValueError(f"no story named {self.story_name!r} in {self.db_path}")
        return StoryScreen(
            self.db, title, story_id=found, fetcher=self.fetcher, refresh_interval=self.refresh_interval
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "hide_help_panel":
            return bool(self.screen.query("HelpPanel"))  # else escape goes on to the screen
        if action == "help":
            return not isinstance(self.screen, HelpScreen)  # there, ? closes it
        if action == "stories":
            return self.list_stories is not None
        return True

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.screen))

    def action_stories(self) -> None:
        if self.list_stories is not None and not isinstance(self.screen, StoriesScreen):
            self.push_screen(StoriesScreen(self.story_name, self.list_stories), self._switch_story)

    def _switch_story(self, name: str | None) -> None:
        """End the app naming the story to open next: the CLI opens it on its own database. The
        fetcher is told to stop now; the app waits for its thread as it closes."""
        if name is None or name == self.story_name:
            return
        if self.fetcher is not None:
            self.fetcher.stop()
        self.exit(result=name)

    def app_commands(self) -> list[tuple[str, str, object]]:
        """The palette's commands that belong to no one screen: (title, help, callback)."""
        commands = [("Help", "Every key of this screen (?)", self.action_help)]
        if not isinstance(self.screen, FeedsScreen):
            commands.append(("Feeds", "Each feed's last success and last error",
                             lambda: self.push_screen(FeedsScreen(self.db_path))))
        return commands

    def on_unmount(self) -> None:
        if self.fetcher is not None:
            self.fetcher.stop()
        if self.db is not None:
            self.db.conn.close()
