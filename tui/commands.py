"""The command palette's storywatch commands: every action the screen under the palette binds to a
key, by its description, and the app's own (Textual's provider adds theme, keys, quit)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

from storywatch.tui.screens.help import key_groups


def _is_enabled(node: DOMNode, action: str) -> bool:
    """Whether the action's own check_action lets it run now ("Clear filter" only with a filter on)."""
    target = node
    name = action.split("(", 1)[0]
    if "." in name:
        prefix, name = name.split(".", 1)
        target = {"app": node.app, "screen": node.screen}.get(prefix, node)
    return target.check_action(name, ()) is not False


class StoryCommands(Provider):
    """Offers the calling screen's bindings (storywatch's, not Textual's cursor keys) and the app's."""

    def _commands(self) -> list[tuple[str, str, Callable]]:
        screen, app = self.screen, self.app
        taken = {command.title for command in app.get_system_commands(screen)}  # Theme, Quit, Keys, ...
        found: list[tuple[str, str, Callable]] = []
        for group in key_groups(screen):
            for entry in group.entries:
                if not entry.ours or entry.description in taken or not _is_enabled(entry.namespace, entry.action):
                    continue
                taken.add(entry.description)
                help_text = f"{entry.tooltip}  ({' '.join(entry.keys)})" if entry.tooltip else f"({' '.join(entry.keys)})"
                found.append((entry.description, help_text, partial(app.run_action, entry.action, entry.namespace)))
        for title, help_text, callback in getattr(app, "app_commands", lambda: [])():
            if title not in taken:
                found.append((title, help_text, callback))
        return found

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            if (score := matcher.match(title)) > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
