"""Opening the database: one connection per thread, WAL, migrations applied, writers in turn.

Several processes share one file (the dashboard, its fetcher thread, a `storywatch fetch
--watch`). SQLite's busy timeout only helps a writer that asks for the write lock up front: a
deferred `BEGIN` that reads first and then writes is refused at once ("database is locked")
when another process committed meanwhile. So every write transaction here starts with
`BEGIN IMMEDIATE` and waits its turn.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Generator
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database  # dateutil's parser is deferred by the package init

from storywatch.store.errors import UserError
from storywatch.store.schema import migrations

BUSY_TIMEOUT = 30.0  # seconds a writer waits for another one before giving up
# Pages the write-ahead log holds before they are copied into the file (SQLite's default: 1,000).
# A big poll dirties pages all over the indexes (signature bands, term counts) and checkpointed
# every 4 MB it copied the same pages again and again: at 10,000 a cold ingest of 25,000 items
# took 7% less CPU and 11% less time (bench/store_compare.py --pragma wal_autocheckpoint=N).
# journal_size_limit cuts the log back to that size once checkpointed.
WAL_CHECKPOINT_PAGES = 10_000
# SQLite's page cache per connection, in KiB (its default: 2,000). The signature band index and
# the other indexes on random keys (hashes, terms, canonical URLs) take every poll to pages all
# over a large file; with 2 MB they were read again from the OS for every item. 32 MiB holds
# their hot pages up to some 50,000 articles: 5% less store CPU per item at 30,000 (0.711 ms
# against 0.750, medians of 3 in turns; 64 MiB was no better), 34 MB more resident at most.
# The cache only grows as pages are read.
CACHE_KIB = 32_768
# Temporary storage in memory. A write inside a savepoint (every poll's ingest runs in one, and
# a batch of polls gives each its own) first copies the page's old image to a statement journal,
# which SQLite spills to a temporary file past 64 KiB: a poll's inserts all over the random-key
# indexes made that a file write per page touched, 4x the cost of inserting band keys.
# In memory it is bounded by what one transaction touches (a batch: some 16 MB at most):
# store CPU per item 9% less (bench/store_compare.py ingest --prepared, 0.298 against 0.33 ms).
TEMP_STORE = "memory"


class StoreError(UserError):
    """The database cannot be opened or written; the message is meant for the user."""


class StoryDatabase(Database):
    """sqlite-utils' Database whose write transactions take the write lock when they begin.

    `atomic()` (and so every sqlite-utils write method) starts `BEGIN IMMEDIATE`, and the
    connection's implicit transactions do too (`isolation_level`), so a writer waits up to
    the busy timeout for another process instead of failing at once.
    """

    read_only: bool = False

    @contextlib.contextmanager
    def atomic(self) -> Generator[Database, None, None]:
        if self.conn.in_transaction:  # nested: a savepoint inside the open transaction
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise


def open_db(path: str | Path, *, migrate: bool = True, read_only: bool | None = None) -> StoryDatabase:
    """Open (creating if needed) the storywatch database at `path`.

    WAL lets the dashboard read while a fetcher in another thread or process writes. A file
    the user may not write is opened read-only (`read_only=None` decides by the file's
    permissions): everything can be read, nothing saved. A database written by a newer
    storywatch (a migration this one does not know) is refused rather than misread.
    """
    path = Path(path).expanduser()
    if read_only is None:
        read_only = _cannot_write(path)
    try:
        if read_only:
            conn = _connect_read_only(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, check_same_thread=False, timeout=BUSY_TIMEOUT, isolation_level="IMMEDIATE")
        # Not sqlite-utils' plugins: they are for its own command line, and finding them reads
        # every installed package's entry points, about 30 ms of every command's start.
        db = StoryDatabase(conn, execute_plugins=False)
        db.read_only = read_only
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        if not read_only:
            _set_wal(db)
            db.execute("PRAGMA synchronous = normal")
            db.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
            db.execute(f"PRAGMA journal_size_limit = {WAL_CHECKPOINT_PAGES * 4096}")
        db.execute("PRAGMA foreign_keys = on")
        _check_version(db, path)
        if migrate and not read_only:
            _migrate(db)
        elif read_only and migrations.pending(db):
            raise StoreError(
                f"cannot use database {path}: it is read-only and needs an upgrade this storywatch"
                " cannot write; open it once with write access"
            )
        # After the migrations: theirs may sort every row of a table (m015 sorts 21 band rows per
        # article), which in memory took 1 GB for a 1M-article file; in files it takes none.
        db.execute(f"PRAGMA temp_store = {TEMP_STORE}")
    except sqlite3.Error as error:
        raise StoreError(f"cannot open database {path}: {_plain(error)}") from error
    except OSError as error:
        raise StoreError(f"cannot open database {path}: {error.strerror or error}") from error
    return db


def _cannot_write(path: Path) -> bool:
    """True when the file exists but this user may not write it (or the folder it lives in)."""
    if not path.exists():
        return False
    return not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK)


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection. A WAL database needs its -shm file; where none can be made (a
    read-only folder) the file is opened as immutable, which is right for a file no one can
    write."""
    if not path.exists():
        raise StoreError(f"cannot open database {path}: no such file (and read-only)")
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
    return sqlite3.connect(uri + "&immutable=1", uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT)


def _set_wal(db: Database) -> None:
    """Switch to WAL once; an existing WAL database needs no lock for this."""
    if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        db.execute("PRAGMA journal_mode = wal")


def _check_version(db: Database, path: Path) -> None:
    """Refuse a database that a newer storywatch migrated: its tables mean things we do not know."""
    known = {migration.name for migration in migrations._migrations}
    unknown = [applied.name for applied in migrations.applied(db) if applied.name not in known]
    if unknown:
        raise StoreError(
            f"database {path} was written by a newer storywatch (it has migration {unknown[0]},"
            " unknown here): upgrade storywatch to open it"
        )


def _migrate(db: StoryDatabase) -> None:
    """Apply pending migrations under the write lock, so two processes opening a new file at
    once do not both run the first one (the loser waits, then finds nothing pending)."""
    if not migrations.pending(db):
        return
    with db.atomic():
        migrations.apply(db)


def _plain(error: sqlite3.Error) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def is_transient(error: BaseException) -> bool:
    """Whether a database error is another connection's lock (seen through any wrapping error):
    waiting, then trying again, will see it through."""
    seen: list[BaseException] = []
    while error is not None and error not in seen:
        if isinstance(error, sqlite3.OperationalError):
            name = getattr(error, "sqlite_errorname", "")
            text = str(error).lower()
            if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text or "busy" in text:
                return True
        seen.append(error)
        error = error.__cause__ or error.__context__
    return False


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
