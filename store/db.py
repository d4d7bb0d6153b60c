"""Opening the database: one connection per thread, WAL, migrations applied."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from storywatch.store.errors import UserError
from storywatch.store.schema import migrations


class StoreError(UserError):
    """The database cannot be opened or written; the message is meant for the user."""


def open_db(path: str | Path, *, migrate: bool = True) -> Database:
    """Open (creating if needed) the storywatch database at `path`.

    WAL lets the dashboard read while a fetcher in another thread or process writes, and the
    busy timeout makes a writer wait for the other one instead of failing at once.
    """
    path = Path(path).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
        db = Database(conn)
        db.execute("PRAGMA busy_timeout = 30000")
        db.execute("PRAGMA journal_mode = wal")
        db.execute("PRAGMA synchronous = normal")
        db.execute("PRAGMA foreign_keys = on")
        if migrate:
            migrations.apply(db)
    except (OSError, sqlite3.Error) as error:
        raise StoreError(f"cannot open database {path}: {error}") from error
    return db


def data_version(db: Database) -> int:
    """A number that changes whenever another connection commits: a cheap "anything new?"."""
    return db.execute("PRAGMA data_version").fetchone()[0]


def insert_row(db: Database, table: str, row: dict) -> int:
    """Insert one row with a plain INSERT and return its rowid.

    `Table.insert` introspects the table on every call; on the ingest path that was a large
    share of the per-item cost.
    """
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    return db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values())).lastrowid
