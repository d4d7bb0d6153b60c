"""How much a database file holds (feeds, articles), read without changing it, for `storywatch stories`."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote


@dataclass(frozen=True)
class Census:
    feeds: int
    articles: int  # reports the feeds brought in (seeds not counted)


def census(path: Path) -> Census | None:
    """The counts of the database at `path`; None when there is no such file or it cannot be read.

    Opened read-only and never migrated: listing stories must not create, upgrade or lock a
    story's database (another process may be polling into it)."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        feeds = conn.execute("SELECT count(*) FROM feeds").fetchone()[0]
        articles = conn.execute("SELECT count(*) FROM articles WHERE kind = 'feed'").fetchone()[0]
        return Census(feeds, articles)
    except sqlite3.Error:  # not a storywatch database, or not yet made
        return None
    finally:
        conn.close()
