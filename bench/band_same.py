"""The near-duplicate lookup finds the same candidates with the one-integer band index
(schema.m015_band_index) as with the (band, key) index before it.

Takes two databases that `bench/store_compare.py ingest` wrote from the same items, OLD.db by a
storywatch before m015 and NEW.db by this one, and for every stored signature asks each file for
its candidates as its own version did (the old query: one seek per (band, key)); every answer
must be the same list, in the same order. Then it migrates a copy of OLD.db and checks that its
band index holds exactly NEW.db's rows.

    python bench/band_same.py OLD.db NEW.db
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
from pathlib import Path

from storywatch.store.db import open_db
from storywatch.store.grouping import CANDIDATES_CHECKED, near_duplicate_candidates
from storywatch.store.text import dedup


def old_candidates(conn: sqlite3.Connection, keys: list[tuple[int, int]], exclude: int) -> list[int]:
    """The lookup as it was before m015 (store/grouping.py at 95d4fc8)."""
    per_band = " UNION ALL ".join("SELECT article_id FROM signature_bands WHERE band = ? AND key = ?" for _ in keys)
    rows = conn.execute(
        f"SELECT article_id, count(*) AS shared FROM ({per_band}) WHERE article_id != ?"
        f" GROUP BY article_id ORDER BY shared DESC, article_id LIMIT ?",
        [value for pair in keys for value in pair] + [exclude, CANDIDATES_CHECKED],
    ).fetchall()
    return [row[0] for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    args = parser.parse_args()
    old = sqlite3.connect(args.old)
    if "band" not in {row[1] for row in old.execute("PRAGMA table_info(signature_bands)")}:
        raise SystemExit(f"{args.old} already has the one-integer band index")
    new = open_db(args.new)
    signatures = old.execute("SELECT article_id, signature FROM fingerprints ORDER BY article_id").fetchall()
    if signatures != new.execute("SELECT article_id, signature FROM fingerprints ORDER BY article_id").fetchall():
        raise SystemExit("the two files hold different fingerprints: ingest the same items into both")
    differ = found = 0
    for article_id, blob in signatures:
        keys = dedup.band_keys(dedup.signature_from_blob(blob))
        before = old_candidates(old, keys, article_id)
        after = near_duplicate_candidates(new, (), exclude=article_id, keys=keys)
        found += len(after)
        if before != after:
            differ += 1
            print(f"article {article_id}: {before} before, {after} now")
    print(f"{len(signatures):,} signatures looked up, {found:,} candidates found: {differ} lists differ")
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "old.db"
        old.close()
        shutil.copy(args.old, copy)
        migrated = open_db(copy)
        rows = migrated.execute("SELECT key, article_id FROM signature_bands ORDER BY 1, 2").fetchall()
        same = rows == new.execute("SELECT key, article_id FROM signature_bands ORDER BY 1, 2").fetchall()
        print(f"{args.old} migrated: {len(rows):,} band rows, {'the same as' if same else 'NOT the same as'} {args.new}'s")
        migrated.close()
    new.close()
    if differ or not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
