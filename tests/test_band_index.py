"""The signature band index keyed by one integer (schema.m015_band_index): what it stores, that a
file written before it migrates its rows, and that near-duplicates are found through it."""

from __future__ import annotations

import dataclasses

from test_engine import REWRITE, UNRELATED, WIRE

from storywatch.store.db import open_db
from storywatch.store.grouping import index_keys, near_duplicate_candidates
from storywatch.store.ingest import ingest_items
from storywatch.store.text import dedup


def row(db, article_id: int):
    """The article's coverage group and how it joined it."""
    return db.execute("SELECT group_id, match FROM coverage WHERE article_id = ?", [article_id]).fetchone()


def _signature(db, article_id: int) -> tuple[int, ...]:
    blob = db.execute("SELECT signature FROM fingerprints WHERE article_id = ?", [article_id]).fetchone()[0]
    return dedup.signature_from_blob(blob)


def test_a_band_key_keeps_its_band_in_its_lowest_bits():
    keys = [(0, -1), (5, 0), (20, 2**63 - 1), (7, -(2**63))]
    assert index_keys(keys) == [-32, 5, 2**63 - 32 + 20, -(2**63) + 7]
    assert all(-(2**63) <= key < 2**63 for key in index_keys(keys))  # still one SQLite integer
    # The same key in two bands is two entries; two keys that differ above the band bits stay two.
    assert len(set(index_keys([(band, 12345 << 5) for band in range(dedup.BANDS)]))) == dedup.BANDS
    assert index_keys([(3, 1 << 5)]) != index_keys([(3, 2 << 5)])


def test_each_article_stores_one_row_per_band(db):
    (wire,) = ingest_items(db, [WIRE]).new_ids
    stored = db.execute("SELECT key FROM signature_bands WHERE article_id = ? ORDER BY key", [wire]).fetchall()
    assert [key for (key,) in stored] == sorted(index_keys(dedup.band_keys(_signature(db, wire))))
    assert len(stored) == dedup.BANDS


def test_a_rewrite_is_found_through_the_index_and_an_unrelated_report_is_not(db):
    wire, unrelated = ingest_items(db, [WIRE, UNRELATED]).new_ids
    (rewrite,) = ingest_items(db, [REWRITE]).new_ids
    assert near_duplicate_candidates(db, _signature(db, rewrite), exclude=rewrite) == [wire]
    assert row(db, rewrite)[1] == "near" and row(db, rewrite)[0] == row(db, wire)[0]


def test_a_revision_replaces_its_band_rows(db):
    (wire,) = ingest_items(db, [WIRE]).new_ids
    before = set(db.execute("SELECT key FROM signature_bands WHERE article_id = ?", [wire]).fetchall())
    revised = dataclasses.replace(WIRE, summary=UNRELATED.summary + " " + UNRELATED.title)
    assert ingest_items(db, [revised]).updated_ids == [wire]
    after = db.execute("SELECT key FROM signature_bands WHERE article_id = ? ORDER BY key", [wire]).fetchall()
    assert [key for (key,) in after] == sorted(index_keys(dedup.band_keys(_signature(db, wire))))
    assert set(after) != before and len(after) == dedup.BANDS


def test_a_file_from_before_the_migration_keeps_its_band_rows(tmp_path):
    path = tmp_path / "old.db"
    old = open_db(path)
    ids = ingest_items(old, [WIRE, UNRELATED]).new_ids
    # Back to the file as m014 left it: the (band, key, article_id) index, m015 not yet applied.
    pairs = [(band, key, article_id)
             for article_id in ids for band, key in dedup.band_keys(_signature(old, article_id))]
    with old.atomic():
        old.execute("DROP TABLE signature_bands")
        old.execute("CREATE TABLE signature_bands (band INTEGER NOT NULL, key INTEGER NOT NULL,"
                    " article_id INTEGER NOT NULL, PRIMARY KEY (band, key, article_id)) WITHOUT ROWID")
        old.conn.executemany("INSERT INTO signature_bands VALUES (?, ?, ?)", pairs)
        old.execute("DELETE FROM _sqlite_migrations WHERE name = 'm015_band_index'")
    old.conn.close()
    db = open_db(path)
    assert [column[1] for column in db.execute("PRAGMA table_info(signature_bands)")] == ["key", "article_id"]
    # The migration sorted in files (temp_store cannot change inside its transaction); the
    # connection's own writes then keep their savepoint journals in memory.
    assert db.execute("PRAGMA temp_store").fetchone()[0] == 2
    stored = db.execute("SELECT key, article_id FROM signature_bands ORDER BY key, article_id").fetchall()
    assert stored == sorted((index_keys([(band, key)])[0], article_id) for band, key, article_id in pairs)
    # A report that copies the migrated one is found through the migrated rows.
    (rewrite,) = ingest_items(db, [REWRITE]).new_ids
    assert row(db, rewrite)[1] == "near" and row(db, rewrite)[0] == row(db, ids[0])[0]
    db.conn.close()


def _shingles(db, article_id: int):
    return db.execute("SELECT shingles FROM fingerprints WHERE article_id = ?", [article_id]).fetchone()[0]


def test_an_article_s_word_pairs_are_stored_with_its_fingerprint_and_a_candidate_is_checked_by_them(db):
    """m018: a candidate's word pairs come from its fingerprint, not from shingling its text again."""
    (wire,) = ingest_items(db, [WIRE]).new_ids
    assert dedup.shingles_from_blob(_shingles(db, wire)) == dedup.item_shingles(WIRE.title, WIRE.summary, WIRE.body)
    # Its stored text changed behind the store's back: its fingerprint still says what it was.
    db.execute("UPDATE articles SET title = 'Unrelated', summary = '', body = '' WHERE id = ?", [wire])
    (rewrite,) = ingest_items(db, [REWRITE]).new_ids
    assert row(db, rewrite) == (row(db, wire)[0], "near")


def test_an_article_stored_before_its_word_pairs_were_is_checked_from_its_text(db):
    (wire,) = ingest_items(db, [WIRE]).new_ids
    db.execute("UPDATE fingerprints SET shingles = NULL WHERE article_id = ?", [wire])  # as m018 leaves it
    (rewrite,) = ingest_items(db, [REWRITE]).new_ids
    assert row(db, rewrite) == (row(db, wire)[0], "near")
