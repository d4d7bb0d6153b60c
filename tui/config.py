"""The user's settings: a small TOML file (by default `config.toml` in the user's config dir).

Read with `tomllib`; written back as plain text by the app when the user changes a setting in
it (today: picking a theme). A wrong value never stops the app: it is reported as one line
naming the key and the file, and the default is used.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

CONFIG_ENV = "STORYWATCH_CONFIG"  # path of the config file


@dataclass(frozen=True)
class Config:
    """Every setting, with its default."""

    theme: str | None = None
    """Textual theme name ("textual-dark", "textual-light", "nord", ...); None: Textual's default.
    Saved whenever the theme is changed in the app (ctrl+p, "Change theme")."""

    bell: bool = False
    """Ring the terminal bell when a new on-story report arrives (the notification shows anyway)."""

    problems: tuple[str, ...] = field(default=(), compare=False)
    """What was wrong with the file as read, one line each (not a setting; never written)."""


def config_path() -> Path:
    """$STORYWATCH_CONFIG, else `config.toml` in the user's config dir (platformdirs)."""
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]).expanduser()
    from platformdirs import user_config_path

    return user_config_path("storywatch", appauthor=False) / "config.toml"


def load_config(path: Path, themes: set[str] | None = None) -> Config:
    """The settings in `path` (defaults when it does not exist). A bad file or value adds a line
    to `problems` and keeps that setting's default; `themes`, if given, are the valid names."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return Config(problems=(f"{path}: cannot read the config ({error}); using the defaults",))
    problems: list[str] = []
    config = Config()
    theme = data.get("theme")
    if theme is not None:
        if not isinstance(theme, str) or (themes is not None and theme not in themes):
            problems.append(f"{path}: theme = {_shown(theme)} is not a known theme; using the default")
        else:
            config = replace(config, theme=theme)
    bell = data.get("bell")
    if bell is not None:
        if not isinstance(bell, bool):
            problems.append(f"{path}: bell = {_shown(bell)} must be true or false; using false")
        else:
            config = replace(config, bell=bell)
    for key in sorted(set(data) - {"theme", "bell"}):
        problems.append(f"{path}: unknown key {_shown(key)} ignored")
    return replace(config, problems=tuple(problems))


def save_config(path: Path, config: Config) -> None:
    """Write the settings as plain TOML (only those that differ from the defaults are written)."""
    lines = ["# storywatch settings; see the README (\"Settings\")."]
    if config.theme is not None:
        lines.append(f"theme = {json.dumps(config.theme)}")
    if config.bell:
        lines.append("bell = true")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    temporary.replace(path)  # never a half-written file if the app is killed meanwhile


def _shown(value: object) -> str:
    shown = json.dumps(value, ensure_ascii=True) if isinstance(value, str) else repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."
