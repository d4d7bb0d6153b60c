"""The user's settings: one TOML file (by default `config.toml` in the user's config dir).

Every setting is a field of `Config`, explained in the docstring under it; `storywatch config
--example` prints those docstrings as comments over the defaults, so the documentation and the
example file cannot drift apart. Read with `tomllib`; the app writes the file back only to keep
a theme picked in it (that one line, the rest of the text untouched). A wrong value never stops
anything: it is reported as one line naming the key and the file, and the default is used.
"""

from __future__ import annotations

import ast
import inspect
import json
import math
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from storywatch.store.tags import DEFAULT_TAGS, tag_name

if TYPE_CHECKING:
    from storywatch.feeds.fetch import FetchSettings

CONFIG_ENV = "STORYWATCH_CONFIG"  # path of the config file


@dataclass(frozen=True)
class Config:
    """Every setting, with its default."""

    theme: str | None = None
    """Textual theme name ("textual-dark", "textual-light", "nord", ...); unset: Textual's default.
    Saved here whenever the theme is changed in the app (ctrl+p, "Change theme")."""

    bell: bool = False
    """Ring the terminal bell when a new on-story report arrives (the notification shows anyway)."""

    notify: bool = True
    """Pop up a notification when new on-story reports arrive; false: only the header's count
    of new reports changes, and the bell stays silent too."""

    full_text: bool = False
    """After each poll, fetch the pages of on-story reports for their full text (needs the
    'fulltext' extra: pip install 'storywatch[fulltext]'); --full-text / --no-full-text win."""

    poll_floor: float = 300.0
    """Seconds: the most often one feed is polled, however busy it is (a wire every 5 min)."""

    poll_ceiling: float = 4 * 3600.0
    """Seconds: the least often one feed is polled, however quiet (a blog still every 4 h)."""

    concurrency: int = 8
    """Feeds fetched at once (1-64); `fetch --concurrency` wins."""

    per_host: int = 2
    """Requests at once to one host (1-16): many feeds on one site are polled politely."""

    timeout: float = 60.0
    """Seconds a whole feed request may take, body included, before it counts as failed."""

    max_bytes: int = 10 * 1024 * 1024
    """Largest feed accepted, in bytes once decompressed; a bigger one is "response too large"."""

    tags: dict[int, str] = field(default_factory=lambda: dict(DEFAULT_TAGS))
    """[tags]: the tag names keys 1-9 put on a report, for stories whose file has no [tags] of
    its own (a story's [tags] wins). Like a story's, the table replaces these defaults whole."""

    problems: tuple[str, ...] = field(default=(), compare=False)
    """What was wrong with the file as read, one line each (not a setting; never written)."""


# Allowed ranges of the numbers: (least, most).
RANGES: dict[str, tuple[float, float]] = {
    "poll_floor": (10, 24 * 3600),
    "poll_ceiling": (60, 7 * 24 * 3600),
    "concurrency": (1, 64),
    "per_host": (1, 16),
    "timeout": (1, 3600),
    "max_bytes": (64 * 1024, 1024**3),
}
SETTINGS = tuple(item.name for item in fields(Config) if item.name != "problems")


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
    values: dict[str, object] = {}
    defaults = Config()
    for name in SETTINGS:
        if name in data:
            value, why = _checked(name, data[name], themes)
            if why is None:
                values[name] = value
            elif name == "tags":
                problems.append(f"{path}: {why}; using the default tags")
            else:
                problems.append(f"{path}: {name} = {_shown(data[name])} {why}; using {_toml(getattr(defaults, name)) or 'the default'}")
    floor, ceiling = values.get("poll_floor", defaults.poll_floor), values.get("poll_ceiling", defaults.poll_ceiling)
    if floor > ceiling:
        problems.append(f"{path}: poll_floor = {_toml(floor)} is above poll_ceiling = {_toml(ceiling)}; using the defaults of both")
        values.pop("poll_floor", None)
        values.pop("poll_ceiling", None)
    for key in sorted(set(data) - set(SETTINGS)):
        problems.append(f"{path}: unknown key {_shown(key)} ignored")
    return replace(defaults, **values, problems=tuple(problems))


def known_theme(config: Config, path: Path, themes: set[str]) -> Config:
    """The config with its theme dropped, and said so, if the app has no theme by that name."""
    if config.theme is None or config.theme in themes:
        return config
    problem = f"{path}: theme = {_shown(config.theme)} is not a known theme; using the default"
    return replace(config, theme=None, problems=config.problems + (problem,))


def _checked(name: str, value: object, themes: set[str] | None) -> tuple[object, str | None]:
    """The value as the setting keeps it, and None; or why it is refused."""
    default = getattr(Config(), name)
    if name == "theme":
        if not isinstance(value, str) or (themes is not None and value not in themes):
            return None, "is not a known theme"
        return value, None
    if name == "tags":
        return _tags(value)
    if isinstance(default, bool):
        return (value, None) if isinstance(value, bool) else (None, "must be true or false")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, "must be a number"
    if isinstance(default, int) and not isinstance(value, int):
        return None, "must be a whole number"
    least, most = RANGES[name]
    if not math.isfinite(value) or not least <= value <= most:
        return None, f"must be between {_toml(type(default)(least))} and {_toml(type(default)(most))}"
    return type(default)(value), None


def _tags(value: object) -> tuple[dict[int, str] | None, str | None]:
    if not isinstance(value, dict):
        return None, f"tags = {_shown(value)} must be a table ([tags])"
    tags: dict[int, str] = {}
    for key in sorted(value):
        if key not in {str(number) for number in range(1, 10)}:
            return None, f"[tags] has a key {_shown(key)}: only 1 to 9 name tags"
        name = tag_name(value[key]) if isinstance(value[key], str) else ""
        if not name:
            return None, f"[tags] {key} = {_shown(value[key])} must be a name that prints"
        if name in tags.values():
            return None, f"[tags] {key} = {_shown(name)} is already the name of another key"
        tags[int(key)] = name
    return tags, None


def fetch_settings(config: Config, **overrides) -> FetchSettings:
    """The fetcher's settings from the file; `overrides` (the command line's flags) win.

    Until each feed is scheduled on its own, the one poll interval is kept between the floor
    and the ceiling; the connect and read timeouts never exceed the whole request's."""
    from storywatch.feeds.fetch import FetchSettings

    default = FetchSettings()
    values = dict(
        poll_floor=config.poll_floor,
        poll_ceiling=config.poll_ceiling,
        poll_interval=min(max(default.poll_interval, config.poll_floor), config.poll_ceiling),
        per_host=config.per_host,
        concurrency=config.concurrency,
        total_timeout=config.timeout,
        connect_timeout=min(default.connect_timeout, config.timeout),
        read_timeout=min(default.read_timeout, config.timeout),
        max_bytes=config.max_bytes,
        full_text=config.full_text,
    )
    values.update(overrides)
    return FetchSettings(**values)


def save_config(path: Path, config: Config) -> None:
    """Write the settings as plain TOML (only those that differ from the defaults are written)."""
    lines = ["# storywatch settings; `storywatch config --example` explains each one."]
    defaults = Config()
    for name in SETTINGS:
        value = getattr(config, name)
        if value != getattr(defaults, name) and name != "tags":
            lines.append(f"{name} = {_toml(value)}")
    if config.tags != defaults.tags:
        lines += ["", "[tags]"] + [f"{key} = {_toml(name)}" for key, name in sorted(config.tags.items())]
    _write(path, "\n".join(lines) + "\n")


_THEME_LINE = re.compile(r"^[ \t]*theme[ \t]*=.*$", re.MULTILINE)
_COMMENTED_THEME_LINE = re.compile(r"^[ \t]*#[ \t]*theme[ \t]*=.*$", re.MULTILINE)
_TABLE_LINE = re.compile(r"^[ \t]*\[", re.MULTILINE)


def save_theme(path: Path, theme: str) -> None:
    """Keep a theme picked in the app: only the `theme` line changes (if there is none, it goes
    under the example's commented one, else first), so the user's comments and other settings
    stay as written."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    line = f"theme = {_toml(theme)}"
    top_level = _TABLE_LINE.search(text)  # a key after the first [table] would belong to it
    head, tail = (text[: top_level.start()], text[top_level.start():]) if top_level else (text, "")
    if _THEME_LINE.search(head):
        head = _THEME_LINE.sub(lambda _: line, head, count=1)
    elif commented := _COMMENTED_THEME_LINE.search(head):
        head = head[: commented.end()] + "\n" + line + head[commented.end():]
    else:
        head = line + "\n" + head
    _write(path, head + tail)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)  # never a half-written file if the app is killed meanwhile


def setting_docs() -> dict[str, str]:
    """Each setting's docstring, read from this module's source: the one place they are written."""
    tree = ast.parse(inspect.getsource(Config))
    body = tree.body[0].body
    docs: dict[str, str] = {}
    for statement, following in zip(body, body[1:]):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[statement.target.id] = inspect.cleandoc(following.value.value)
    return docs


EXAMPLE_THEME = "textual-light"  # theme has no default to write, so the example shows a commented one


def example_config() -> str:
    """A config file holding every default, each setting under its explanation (as comments)."""
    docs = setting_docs()
    defaults = Config()
    lines = [
        "# storywatch settings. Each line below holds the default; change a value, or delete the line",
        "# to keep its default. A wrong value or an unknown key is reported (naming it and this file)",
        "# and the default is used. `storywatch config` prints where this file belongs.",
    ]
    for name in SETTINGS:
        lines.append("")
        lines += [f"# {line}".rstrip() for line in docs[name].splitlines()]
        if name == "tags":
            lines.append("[tags]")
            lines += [f"{key} = {_toml(tag)}" for key, tag in sorted(defaults.tags.items())]
        elif getattr(defaults, name) is None:
            lines.append(f"# {name} = {_toml(EXAMPLE_THEME)}")
        else:
            lines.append(f"{name} = {_toml(getattr(defaults, name))}")
    return "\n".join(lines) + "\n"


def _toml(value: object) -> str:
    """A value as TOML writes it ("" for None, which TOML cannot hold)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):  # a JSON string is a TOML basic string, once DEL is escaped too
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    return repr(value)


def _shown(value: object) -> str:
    shown = json.dumps(value, ensure_ascii=True) if isinstance(value, str) else repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."
