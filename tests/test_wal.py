"""The write-ahead log's bounds on a writer's connection (store/db.py): checkpointed every
WAL_CHECKPOINT_PAGES pages, not SQLite's 1,000 (a big poll copied the same index pages again
and again), and cut back to that size once checkpointed, so the log never keeps growing."""

import sqlite3

import pytest

from storywatch.store.db import WAL_CHECKPOINT_PAGES, open_db


@pytest.fixture
def writer(tmp_path):
    path = tmp_path / "wal.db"
    db = open_db(path)
    db.execute("CREATE TABLE filler (blob BLOB)")
    yield db, path.with_name(path.name + "-wal"), db.execute("PRAGMA page_size").fetchone()[0]
    db.close()


def fill(db, rows: int, size: int) -> None:
    with db.conn:
        db.conn.executemany("INSERT INTO filler VALUES (randomblob(?))", [(size,)] * rows)


def test_a_writer_checkpoints_in_big_steps(writer):
    db, wal, page = writer
    assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == WAL_CHECKPOINT_PAGES > 1000
    batch = WAL_CHECKPOINT_PAGES // 10
    for _ in range(30):  # three checkpoints' worth of pages, a tenth of one per transaction
        fill(db, batch, page // 2)
    assert wal.stat().st_size <= (WAL_CHECKPOINT_PAGES + batch) * (page + 24) * 1.1  # it was checkpointed
    assert db.execute("SELECT count(*) FROM filler").fetchone()[0] == 30 * batch


def test_a_log_one_huge_write_grew_is_cut_back(writer, tmp_path):
    db, wal, page = writer
    assert db.execute("PRAGMA journal_size_limit").fetchone()[0] == WAL_CHECKPOINT_PAGES * 4096
    fill(db, WAL_CHECKPOINT_PAGES, page)  # one transaction of more pages than a checkpoint takes
    assert wal.stat().st_size > WAL_CHECKPOINT_PAGES * 4096  # past the limit: one transaction is never split
    for _ in range(3):  # the checkpoint after it, then writes from the log's start
        fill(db, 10, 100)
    assert wal.stat().st_size <= WAL_CHECKPOINT_PAGES * 4096
    db.close()
    with sqlite3.connect(tmp_path / "wal.db") as plain:  # the file holds every row
        assert plain.execute("SELECT count(*) FROM filler").fetchone()[0] == WAL_CHECKPOINT_PAGES + 30


def test_every_connection_keeps_a_page_cache_for_the_random_key_indexes(writer, tmp_path):
    from storywatch.store.db import CACHE_KIB

    db, _, _ = writer
    assert db.execute("PRAGMA cache_size").fetchone()[0] == -CACHE_KIB < -2000  # SQLite's default: 2,000 KiB
    reader = open_db(tmp_path / "wal.db", read_only=True)
    assert reader.execute("PRAGMA cache_size").fetchone()[0] == -CACHE_KIB
    reader.close()
