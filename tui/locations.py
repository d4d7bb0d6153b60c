"""Where storywatch keeps its files, with environment overrides for each.

The bundled story keeps `<data dir>/storywatch.db`. A story the user made with `storywatch new`
has a folder of its own, `<data dir>/stories/NAME/`, holding its story file, its seed texts and
its own database, so its seeds, feeds, tags and threshold are its own by construction.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

DB_ENV = "STORYWATCH_DB"  # path of the database file
STORY_ENV = "STORYWATCH_STORY"  # name of the bundled story, or path of a story file
DATA_DIR_ENV = "STORYWATCH_DATA_DIR"  # the data dir itself (the bundled story's db, the user's stories)

STORY_FILE = "story.toml"  # a user story's file, in its folder
STORY_DB = "storywatch.db"  # a user story's own database, in its folder
SEEDS_DIR = "seeds"  # a user story's seed texts, in its folder

_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
SLUG_RULE = "lower-case letters, digits and inner hyphens, at most 64 (like cartel-strikes)"


def data_dir() -> Path:
    """$STORYWATCH_DATA_DIR, else the user's data dir (platformdirs; XDG_DATA_HOME on Linux)."""
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).expanduser()
    from platformdirs import user_data_path  # only when a command needs the default path

    return user_data_path("storywatch", appauthor=False)


def default_db_path() -> Path:
    """The database a user gets without asking: $STORYWATCH_DB, else the user's data dir."""
    return Path(os.environ[DB_ENV]).expanduser() if os.environ.get(DB_ENV) else data_dir() / "storywatch.db"


def is_story_name(name: str) -> bool:
    """A name that is safe as one folder name on every system and easy to type after --story."""
    return bool(_SLUG.fullmatch(name))


def stories_dir() -> Path:
    return data_dir() / "stories"


def story_dir(name: str) -> Path:
    """The folder of the user story NAME (which must be a safe name: see `is_story_name`)."""
    if not is_story_name(name):
        raise ValueError(f"not a story name: {name!r}")
    return stories_dir() / name


def user_story_file(name: str) -> Path | None:
    """The story file of the user story NAME, if there is one."""
    if not is_story_name(name):
        return None
    path = story_dir(name) / STORY_FILE
    return path if path.is_file() else None


def user_story_names() -> list[str]:
    """Every user story's name (a folder under stories/ with a story file), sorted."""
    try:
        folders = list(stories_dir().iterdir())
    except OSError:  # no stories yet
        return []
    return sorted(f.name for f in folders if is_story_name(f.name) and (f / STORY_FILE).is_file())


def story_db_path(story_arg: str) -> Path:
    """The database `--story story_arg` opens without --db: a user story's own, in its folder;
    the bundled story's (or a story file's) in the data dir, as before stories had folders."""
    from storywatch.seeds import BUNDLED_STORY_NAME

    if story_arg not in ("", BUNDLED_STORY_NAME) and user_story_file(story_arg) is not None:
        return story_dir(story_arg) / STORY_DB
    return default_db_path()
