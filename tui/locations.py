"""Where storywatch keeps its files, with environment overrides for each."""

from __future__ import annotations

import os
from pathlib import Path

DB_ENV = "STORYWATCH_DB"  # path of the database file
STORY_ENV = "STORYWATCH_STORY"  # name of the bundled story, or path of a story file


def data_dir() -> Path:
    from platformdirs import user_data_path  # only when a command needs the default path

    return user_data_path("storywatch", appauthor=False)


def default_db_path() -> Path:
    """The database a user gets without asking: $STORYWATCH_DB, else the user's data dir."""
    return Path(os.environ[DB_ENV]).expanduser() if os.environ.get(DB_ENV) else data_dir() / "storywatch.db"
