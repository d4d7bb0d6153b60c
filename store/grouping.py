"""Coverage groups: the stored article a new one copies (same text, same long headline, a
seed's text, or a near-duplicate found through MinHash LSH bands), recorded in `coverage`.

Runs inside the poll's transaction; the text work is in `storywatch.store.text.dedup`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlite_utils import Database

from storywatch.store.text import dedup

CANDIDATES_CHECKED = 20  # near-duplicate candidates verified per item, most shared bands first
_BAND_MASK = 31  # the five low bits of a stored band key, which hold its band (dedup.BANDS < 32)


def index_keys(keys: list[tuple[int, int]]) -> list[int]:
    """The `signature_bands` keys of a signature's (band, key) pairs: each key with its band
    number in its five lowest bits, so a band key is one integer (schema.m015_band_index)."""
    return [(key & ~_BAND_MASK) | band for band, key in keys]


@dataclass(frozen=True)
class Grouped:
    """What is stored of an article's grouping before it is (re)grouped: its fingerprint's
    signature and its coverage row's seed, None where there is none."""

    signature: bytes | None = None
    grouped: bool = False
    seed_id: int | None = None


def stored_groupings(db: Database, article_ids: list[int]) -> dict[int, Grouped]:
    """`Grouped` for many articles in one query per 500 (the analysis pass asks it once per poll):
    an article's own rows are only written when it is grouped, so the answers stay true."""
    found = {}
    for start in range(0, len(article_ids), 500):
        chunk = article_ids[start : start + 500]
        for article_id, signature, grouped, seed_id in db.execute(
            "SELECT a.id, f.signature, c.article_id IS NOT NULL, c.seed_id FROM articles a"
            " LEFT JOIN fingerprints f ON f.article_id = a.id LEFT JOIN coverage c ON c.article_id = a.id"
            f" WHERE a.id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ).fetchall():
            found[article_id] = Grouped(signature, bool(grouped), seed_id)
    return found


def group_article(
    db: Database, article_id: int, kind: str, fp: dedup.Fingerprint, seed_shingles: dict[int, frozenset[int]],
    stored: Grouped | None = None, keys: list[tuple[int, int]] | None = None,
) -> int | None:
    """Store the fingerprint and band keys and put the article in its coverage group.

    Returns the seed this article copies, if any. An article already grouped keeps its group
    (a revision does not move it); only its fingerprint is refreshed. `stored` is what
    `stored_groupings` found for it (else it is looked up here); `keys` the fingerprint's band
    keys, when they were computed beforehand (`store.prepared`).
    """
    if stored is None:
        stored = stored_groupings(db, [article_id]).get(article_id, Grouped())
    old = stored.signature
    if old:  # a revision: its old band keys go (found by key, the table's index)
        db.conn.executemany(
            "DELETE FROM signature_bands WHERE key = ? AND article_id = ?",
            [(key, article_id) for key in index_keys(dedup.band_keys(dedup.signature_from_blob(old)))],
        )
    # A new article has no fingerprint: a plain INSERT (OR REPLACE needs a statement journal).
    db.execute(
        f"INSERT {'OR REPLACE ' if old else ''}INTO fingerprints (article_id, text_hash, signature, headline_hash, shingles)"
        " VALUES (?, ?, ?, ?, ?)",
        [article_id, fp.text_hash, dedup.signature_blob(fp.signature), fp.headline_hash,
         dedup.shingles_blob(fp.shingles) if fp.comparable else None],
    )
    existing = stored.grouped
    if keys is None:
        keys = dedup.band_keys(fp.signature) if fp.comparable else []  # once: for the lookup and the index
    match = None if existing else find_copy(db, article_id, kind, fp, seed_shingles, keys)
    if fp.comparable:
        db.conn.executemany(
            "INSERT OR IGNORE INTO signature_bands (key, article_id) VALUES (?, ?)",
            [(key, article_id) for key in index_keys(keys)],
        )
    if existing:
        return stored.seed_id
    if match is None:
        db.execute(
            "INSERT INTO coverage (article_id, group_id, match) VALUES (?, ?, 'first')",
            [article_id, article_id],
        )
        return None
    how, other_id, similarity, seed_id = match
    group_id = db.execute("SELECT group_id FROM coverage WHERE article_id = ?", [other_id]).fetchone()
    db.execute(
        "INSERT INTO coverage (article_id, group_id, duplicate_of, match, similarity, seed_id)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [article_id, group_id[0] if group_id else other_id, other_id, how, similarity, seed_id],
    )
    return seed_id


def find_copy(
    db: Database, article_id: int, kind: str, fp: dedup.Fingerprint, seed_shingles: dict[int, frozenset[int]],
    keys: list[tuple[int, int]] | None = None,
):
    """The stored article this one copies: same text, a seed's text, or a near-duplicate.
    Returns (how, other_id, similarity, seed_id) or None. `keys` are the signature's band
    keys, when the caller has them."""
    same, headline = _first_grouped(db, fp.text_hash, fp.headline_hash, article_id)
    if same and fp.shingles:
        return ("text", same, 1.0, _seed_of(db, same))
    if headline:
        seed = _seed_of(db, headline)
        return ("seed" if seed == headline else "near", headline, 1.0, seed)
    if not fp.comparable:
        return None
    if kind == "feed":
        best_seed = max(
            (
                (dedup.copies_seed(fp.shingles, shingles), seed_id) for seed_id, shingles in seed_shingles.items()
            ),
            default=None,
        )
        if best_seed and best_seed[0] >= dedup.SEED_CONTAINMENT:
            return ("seed", best_seed[1], round(best_seed[0], 3), best_seed[1])
    best = None
    for other_id, shingles in _candidates(db, article_id, fp, keys):
        similarity = dedup.resemblance(fp.shingles, shingles)
        if similarity >= dedup.NEAR_DUPLICATE and (best is None or similarity > best[0]):
            best = (similarity, other_id)
    if best is None:
        return None
    return ("near", best[1], round(best[0], 3), _seed_of(db, best[1]))


def _first_grouped(
    db: Database, text_hash: str, headline_hash: str | None, article_id: int
) -> tuple[int | None, int | None]:
    """The earliest grouped articles (other than this one) whose fingerprint has this text hash,
    and this headline hash: one statement for both."""
    first = (
        "(SELECT f.article_id FROM fingerprints f JOIN coverage c ON c.article_id = f.article_id"
        " WHERE f.{} = ? AND f.article_id != ? ORDER BY f.article_id LIMIT 1)"
    )
    return tuple(db.execute(
        f"SELECT {first.format('text_hash')}, {first.format('headline_hash')}",
        [text_hash, article_id, headline_hash, article_id],
    ).fetchone())


def near_duplicate_candidates(
    db: Database, signature: tuple[int, ...], exclude: int = 0, keys: list[tuple[int, int]] | None = None
) -> list[int]:
    """Stored articles sharing at least one LSH band with `signature` (whose band `keys` the
    caller may have), most shared bands first.

    This is the per-item lookup whose cost bench/ingest.py measures: one indexed query.
    """
    keys = index_keys(keys or dedup.band_keys(signature))
    # One index seek per band key.
    rows = db.execute(
        f"SELECT article_id, count(*) AS shared FROM signature_bands WHERE key IN ({', '.join('?' * len(keys))})"
        " AND article_id != ? GROUP BY article_id ORDER BY shared DESC, article_id LIMIT ?",
        [*keys, exclude, CANDIDATES_CHECKED],
    ).fetchall()
    return [row[0] for row in rows]


def _candidates(
    db: Database, article_id: int, fp: dedup.Fingerprint, keys: list[tuple[int, int]] | None = None
) -> list[tuple[int, frozenset[int]]]:
    """Grouped band-sharing articles whose stored signature says they may really be copies,
    with their word pairs, in id order.

    Checking the signatures first spares the unrelated articles that share one crowded band
    key (the slow tail of the lookup at 1M stored). The word pairs are stored with the
    fingerprint (m018); an article stored before has its text read and shingled.
    """
    ids = near_duplicate_candidates(db, fp.signature, exclude=article_id, keys=keys)
    if not ids:
        return []
    rows = db.execute(
        "SELECT f.article_id, f.signature, f.shingles FROM fingerprints f JOIN coverage c ON c.article_id = f.article_id"
        f" WHERE f.article_id IN ({', '.join('?' * len(ids))}) ORDER BY f.article_id",
        ids,
    ).fetchall()
    passed = [
        (other_id, shingles)
        for other_id, signature, shingles in rows
        if dedup.estimated_resemblance(fp.signature, dedup.signature_from_blob(signature)) >= dedup.CANDIDATE_MIN_ESTIMATE
    ]
    unstored = [other_id for other_id, shingles in passed if shingles is None]
    texts = {}
    if unstored:
        texts = {
            row[0]: row[1:]
            for row in db.execute(
                f"SELECT id, title, coalesce(summary, ''), coalesce(body, '') FROM articles"
                f" WHERE id IN ({', '.join('?' * len(unstored))})",
                unstored,
            ).fetchall()
        }
    return [
        (other_id, dedup.shingles_from_blob(shingles) if shingles is not None else _stored_shingles(other_id, texts[other_id]))
        for other_id, shingles in passed
        if shingles is not None or other_id in texts
    ]


# Word pairs of articles stored before m018 (whose fingerprint has none), by article: the same
# few originals are candidates for item after item (every outlet's copy of one wire report),
# and shingling each again was a third of the near-duplicate lookup. An entry is used only for
# the very text it was made from (its digest), so an edited article, or another database's
# article of the same id, is shingled afresh.
_SHINGLES: dict[int, tuple[bytes, frozenset[int]]] = {}
_SHINGLES_KEPT = 20_000  # articles; about 2 KB each


def _stored_shingles(article_id: int, text: tuple[str, str, str]) -> frozenset[int]:
    """`dedup.item_shingles(*text)` of a stored article, remembered (see `_SHINGLES`)."""
    digest = hashlib.blake2b("\x00".join(text).encode("utf-8", "surrogatepass"), digest_size=16).digest()
    kept = _SHINGLES.get(article_id)
    if kept is not None and kept[0] == digest:
        return kept[1]
    shingles = dedup.item_shingles(*text)
    if len(_SHINGLES) >= _SHINGLES_KEPT:
        del _SHINGLES[next(iter(_SHINGLES))]  # the oldest entry
    _SHINGLES[article_id] = (digest, shingles)
    return shingles


def _seed_of(db: Database, article_id: int) -> int | None:
    row = db.execute(
        "SELECT a.kind, c.seed_id FROM articles a LEFT JOIN coverage c ON c.article_id = a.id WHERE a.id = ?",
        [article_id],
    ).fetchone()
    if row is None:
        return None
    return article_id if row[0] == "seed" else row[1]
