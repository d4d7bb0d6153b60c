"""The analysis pass's view of the band index (`grouping.PollBands`) answers every lookup as the
table would, had each article's band keys been written at once, and leaves the same rows."""

from __future__ import annotations

import random

import pytest

from storywatch.store import grouping
from storywatch.store.db import open_db


def _bands(db) -> list[tuple]:
    return db.execute("SELECT band, key, article_id FROM signature_bands ORDER BY 1, 2, 3").fetchall()


def _write_at_once(db, article_id: int, removed: list, added: list) -> None:
    db.conn.executemany("DELETE FROM signature_bands WHERE band = ? AND key = ? AND article_id = ?",
                        [(band, key, article_id) for band, key in removed])
    db.conn.executemany("INSERT OR IGNORE INTO signature_bands (band, key, article_id) VALUES (?, ?, ?)",
                        [(band, key, article_id) for band, key in added])


@pytest.mark.parametrize("seed", range(12))
def test_a_pass_sees_and_leaves_what_writing_each_article_at_once_would(tmp_path, seed):
    rng = random.Random(seed)
    # Few distinct keys, so articles share bands often; some stored articles are revised in the pass.
    def some_keys() -> list[tuple[int, int]]:
        return sorted({(band, rng.randrange(-3, 4)) for band in rng.sample(range(6), rng.randint(0, 6))})

    batched, at_once = open_db(tmp_path / "batched.db"), open_db(tmp_path / "at_once.db")
    stored = {article_id: some_keys() for article_id in range(1, 30)}
    for db in (batched, at_once):
        with db.atomic():
            _write_at_once(db, 0, [], [])
            for article_id, keys in stored.items():
                _write_at_once(db, article_id, [], keys)
    # The pass: new articles (no old keys) and revisions of stored ones (old keys go first).
    steps = []
    for _ in range(25):
        article_id = rng.choice([*stored, *range(100, 140)])
        if any(step[0] == article_id for step in steps):
            continue  # one pass analyses an article once
        steps.append((article_id, stored.get(article_id, []), some_keys()))
    with batched.atomic():
        bands = grouping.PollBands(batched, [new for _, _, new in steps])
        for article_id, old, new in steps:
            bands.remove(article_id, old)
            expected = grouping.near_duplicate_candidates(at_once, (), exclude=article_id, keys=new) if new else []
            assert (bands.candidates(new, article_id) if new else []) == expected
            bands.add(article_id, new)
            with at_once.atomic():
                _write_at_once(at_once, article_id, old, new)
        bands.write()
    assert _bands(batched) == _bands(at_once)


def test_candidates_rank_by_shared_bands_then_id(tmp_path):
    db = open_db(tmp_path / "rank.db")
    with db.atomic():
        _write_at_once(db, 7, [], [(0, 1), (1, 1)])
        _write_at_once(db, 3, [], [(0, 1)])
    bands = grouping.PollBands(db, [[(0, 1), (1, 1)]])
    bands.add(5, [(0, 1), (1, 1)])
    bands.add(4, [(1, 1)])
    assert bands.candidates([(0, 1), (1, 1)], exclude=9) == [5, 7, 3, 4]
    bands.remove(7, [(0, 1), (1, 1)])
    assert bands.candidates([(0, 1), (1, 1)], exclude=5) == [3, 4]


def test_a_key_added_then_removed_in_the_pass_is_not_written(tmp_path):
    db = open_db(tmp_path / "gone.db")
    with db.atomic():
        bands = grouping.PollBands(db, [])
        bands.add(5, [(2, 2), (3, 3)])
        bands.remove(5, [(2, 2)])
        bands.write()
    assert _bands(db) == [(3, 3, 5)]
