"""Every table of a SQLite file as comparable rows, for tests that store the same polls two ways
(threads and worker processes, text work done here or beforehand) and must find the same rows."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

# Stamped with the wall clock, not by the poll: left out.
WALL_CLOCK = frozenset({"scored_at", "found_at", "created_at", "added_at"})


def dump(path: Path, skip: frozenset[str] = WALL_CLOCK) -> dict[str, list]:
    """Each table's rows (search index shadow tables and migrations aside), sorted; a time of
    today (the seeds' times) reads NOW, as the two files were made apart."""
    today = datetime.now(timezone.utc).date().isoformat()
    conn = sqlite3.connect(path)
    try:
        tables = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE 'articles_fts_%' AND name != '_sqlite_migrations'")]
        found = {}
        for table in tables:
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[1] not in skip]
            rows = conn.execute(f"SELECT {', '.join(columns)} FROM {table}")
            found[table] = sorted(repr(tuple("NOW" if str(v).startswith(today) else v for v in row)) for row in rows)
        return found
    finally:
        conn.close()
