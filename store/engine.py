"""The story engine's I/O: stores relevance, fingerprints, band keys and coverage groups.

`analyse` runs inside the poll's transaction for every new or changed article, so it only
uses `db.atomic()` (a savepoint there) and never commits on its own. `mark_on_story` and
`rescore_story` are for a worker thread with its own connection: they work in short batches
so the fetcher and the dashboard are never kept waiting.

The text work is in `store.dedup` and `store.relevance` (pure functions); the story's model
is rebuilt from the stored seeds, the user's marks and the background term counts when any of
them has changed, and kept per connection in between.
"""

from __future__ import annotations

import json
import math
import sqlite3
import weakref
from collections import Counter
from dataclasses import dataclass, field

from sqlite_utils import Database

from store import dedup, relevance
from store.times import now_iso

TOTAL = ""  # the term_counts row that counts the articles themselves
CANDIDATES_CHECKED = 20  # near-duplicate candidates verified per item, most shared bands first
SEED_SCORE = 0.95  # relevance of a copy of a seed, at least
_BATCH = 500
_ARTICLE_COLUMNS = "id, kind, story_id, title, coalesce(summary, ''), coalesce(body, '')"


@dataclass
class _StoryState:
    """One story's model and seed shingles, valid while `stamp` is unchanged."""

    stamp: tuple
    model: relevance.StoryModel
    threshold: float
    seed_shingles: dict[int, frozenset[int]] = field(default_factory=dict)
    vocabulary: frozenset[str] = frozenset()  # the relevant documents' pairs and entities


_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def analyse(db: Database, article_ids: list[int]) -> None:
    """Fingerprint, group and score articles just stored or changed (seeds included)."""
    if not article_ids:
        return
    with db.atomic():
        articles = _load_articles(db, article_ids)
        entities = _entity_names(db, [a[0] for a in articles])
        stories = [_story_state(db, story_id) for story_id in _story_ids(db)]
        vocabulary = frozenset().union(*(state.vocabulary for _, state in stories))
        new_background = []
        for article_id, kind, _story, title, summary, body in articles:
            known = db.execute("SELECT 1 FROM fingerprints WHERE article_id = ?", [article_id]).fetchone()
            terms = relevance.item_terms(title, summary, body, entities.get(article_id, ()))
            if kind == "feed" and not known:
                new_background.append(terms)
            seed_id = _group(db, article_id, kind, dedup.fingerprint(title, summary, body), stories)
            for story_id, state in stories:
                verdict = relevance.score(state.model, terms)
                seed_of_story = seed_id is not None and seed_id in state.seed_shingles
                _store_relevance(
                    db, story_id, article_id, verdict, state.threshold, seed_of_story,
                    marks=state.stamp[1][0] > 0, is_seed=kind == "seed" and _story == story_id,
                )
        _count_terms(db, new_background, vocabulary)


# ---------------------------------------------------------------- duplicates and groups


def _group(db: Database, article_id: int, kind: str, fp: dedup.Fingerprint, stories) -> int | None:
    """Store the fingerprint and band keys and put the article in its coverage group.

    Returns the seed this article copies, if any. An article already grouped keeps its group
    (a revision does not move it); only its fingerprint is refreshed.
    """
    old = db.execute("SELECT signature FROM fingerprints WHERE article_id = ?", [article_id]).fetchone()
    if old:  # a revision: its old band keys go (found by key, the table's index)
        db.conn.executemany(
            "DELETE FROM signature_bands WHERE band = ? AND key = ? AND article_id = ?",
            [(band, key, article_id) for band, key in dedup.band_keys(dedup.signature_from_blob(old[0]))],
        )
    db.execute(
        "INSERT OR REPLACE INTO fingerprints (article_id, text_hash, signature, headline_hash) VALUES (?, ?, ?, ?)",
        [article_id, fp.text_hash, dedup.signature_blob(fp.signature), fp.headline_hash],
    )
    existing = db.execute("SELECT seed_id FROM coverage WHERE article_id = ?", [article_id]).fetchone()
    match = None if existing else _find_copy(db, article_id, kind, fp, stories)
    if fp.comparable:
        db.conn.executemany(
            "INSERT OR IGNORE INTO signature_bands (band, key, article_id) VALUES (?, ?, ?)",
            [(band, key, article_id) for band, key in dedup.band_keys(fp.signature)],
        )
    if existing:
        return existing[0]
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


def _find_copy(db: Database, article_id: int, kind: str, fp: dedup.Fingerprint, stories):
    """The stored article this one copies: same text, a seed's text, or a near-duplicate.
    Returns (how, other_id, similarity, seed_id) or None."""
    same = _first_grouped(db, "text_hash", fp.text_hash, article_id)
    if same and fp.shingles:
        return ("text", same, 1.0, _seed_of(db, same))
    headline = fp.headline_hash and _first_grouped(db, "headline_hash", fp.headline_hash, article_id)
    if headline:
        seed = _seed_of(db, headline)
        return ("seed" if seed == headline else "near", headline, 1.0, seed)
    if not fp.comparable:
        return None
    if kind == "feed":
        best_seed = max(
            (
                (dedup.containment(fp.shingles, shingles), seed_id)
                for _, state in stories
                for seed_id, shingles in state.seed_shingles.items()
            ),
            default=None,
        )
        if best_seed and best_seed[0] >= dedup.SEED_CONTAINMENT:
            return ("seed", best_seed[1], round(best_seed[0], 3), best_seed[1])
    best = None
    for other_id, text in _candidates(db, article_id, fp):
        similarity = dedup.resemblance(fp.shingles, dedup.item_shingles(*text))
        if similarity >= dedup.NEAR_DUPLICATE and (best is None or similarity > best[0]):
            best = (similarity, other_id)
    if best is None:
        return None
    return ("near", best[1], round(best[0], 3), _seed_of(db, best[1]))


def _first_grouped(db: Database, column: str, value: str, article_id: int) -> int | None:
    """The earliest grouped article (other than this one) whose fingerprint has this hash."""
    row = db.execute(
        f"SELECT f.article_id FROM fingerprints f JOIN coverage c ON c.article_id = f.article_id"
        f" WHERE f.{column} = ? AND f.article_id != ? ORDER BY f.article_id LIMIT 1",
        [value, article_id],
    ).fetchone()
    return row[0] if row else None


def near_duplicate_candidates(db: Database, signature: tuple[int, ...], exclude: int = 0) -> list[int]:
    """Stored articles sharing at least one LSH band with `signature`, most shared bands first.

    This is the per-item lookup whose cost bench/ingest.py measures: one indexed query.
    """
    keys = dedup.band_keys(signature)
    # One index seek per band (a row-value IN list would scan the table).
    per_band = " UNION ALL ".join("SELECT article_id FROM signature_bands WHERE band = ? AND key = ?" for _ in keys)
    rows = db.execute(
        f"SELECT article_id, count(*) AS shared FROM ({per_band}) WHERE article_id != ?"
        f" GROUP BY article_id ORDER BY shared DESC, article_id LIMIT ?",
        [value for pair in keys for value in pair] + [exclude, CANDIDATES_CHECKED],
    ).fetchall()
    return [row[0] for row in rows]


def _candidates(db: Database, article_id: int, fp: dedup.Fingerprint):
    """Band-sharing articles whose stored signature says they may really be copies, with their text.

    Checking the signatures first spares the random reads and shingling of the unrelated
    articles that share one crowded band key (the slow tail of the lookup at 1M stored).
    """
    ids = near_duplicate_candidates(db, fp.signature, exclude=article_id)
    if not ids:
        return []
    signatures = db.execute(
        f"SELECT article_id, signature FROM fingerprints WHERE article_id IN ({', '.join('?' * len(ids))})", ids
    ).fetchall()
    ids = [
        other_id
        for other_id, blob in signatures
        if dedup.estimated_resemblance(fp.signature, dedup.signature_from_blob(blob)) >= dedup.CANDIDATE_MIN_ESTIMATE
    ]
    if not ids:
        return []
    rows = db.execute(
        f"SELECT a.id, a.title, coalesce(a.summary, ''), coalesce(a.body, '') FROM articles a"
        f" JOIN coverage c ON c.article_id = a.id WHERE a.id IN ({', '.join('?' * len(ids))})",
        ids,
    ).fetchall()
    return [(row[0], row[1:]) for row in rows]


def _seed_of(db: Database, article_id: int) -> int | None:
    row = db.execute(
        "SELECT a.kind, c.seed_id FROM articles a LEFT JOIN coverage c ON c.article_id = a.id WHERE a.id = ?",
        [article_id],
    ).fetchone()
    if row is None:
        return None
    return article_id if row[0] == "seed" else row[1]


# ---------------------------------------------------------------- relevance


def _store_relevance(
    db, story_id, article_id, verdict: relevance.Relevance, threshold, copies_seed, marks: bool = True,
    is_seed: bool = False,
) -> None:
    score, reasons = verdict.score, verdict.reasons
    if is_seed:  # the seeds define the story: on it by definition, however short
        score, reasons = 1.0, ["a seed of the story", *reasons]
    elif copies_seed:
        score = max(score, SEED_SCORE)
        reasons = ["copies a seed", *reasons]
    db.execute(
        """
        INSERT INTO relevance (story_id, article_id, score, on_story, reasons, scored_at)
        VALUES (:story, :article, :score, :on, :reasons, :now)
        ON CONFLICT (story_id, article_id) DO UPDATE SET
            score = excluded.score, reasons = excluded.reasons, scored_at = excluded.scored_at,
            on_story = coalesce(relevance.taught, excluded.on_story)
        """,
        {
            "story": story_id,
            "article": article_id,
            "score": round(score, 4),
            "on": int(score >= threshold),
            "reasons": json.dumps(reasons),
            "now": now_iso(),
        },
    )
    if marks:
        _inherit_taught(db, story_id, article_id)


def _inherit_taught(db: Database, story_id: int, article_id: int) -> None:
    """A copy of an article the user marked takes the user's verdict."""
    group = db.execute("SELECT group_id FROM coverage WHERE article_id = ?", [article_id]).fetchone()
    if group is None:
        return
    taught = db.execute(
        "SELECT r.taught FROM coverage m JOIN relevance r ON r.story_id = ? AND r.article_id = m.article_id"
        " WHERE m.group_id = ? AND r.taught IS NOT NULL ORDER BY r.taught_at DESC LIMIT 1",
        [story_id, group[0]],
    ).fetchone()
    if taught is not None:
        db.execute(
            "UPDATE relevance SET on_story = ? WHERE story_id = ? AND article_id = ? AND taught IS NULL",
            [taught[0], story_id, article_id],
        )


def _story_ids(db: Database) -> list[int]:
    """Stories that have seeds: there is nothing to score against otherwise."""
    return [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT story_id FROM articles WHERE story_id IS NOT NULL AND kind = 'seed'"
        ).fetchall()
    ]


def _stamp(db: Database, story_id: int) -> tuple:
    """Changes when the story's model must be rebuilt: seeds, marks, threshold, or the
    background grown by a tenth."""
    seeds = db.execute(
        "SELECT count(*), max(id), max(updated_at) FROM articles WHERE story_id = ? AND kind = 'seed'", [story_id]
    ).fetchone()
    taught = db.execute(
        # The partial index holds only the marks; the planner would otherwise walk every score.
        "SELECT count(*), max(taught_at), sum(taught) FROM relevance INDEXED BY relevance_taught"
        " WHERE story_id = ? AND taught IS NOT NULL AND taught_at IS NOT NULL",
        [story_id],
    ).fetchone()
    threshold = db.execute("SELECT threshold FROM stories WHERE id = ?", [story_id]).fetchone()
    total = _background_count(db)
    facets = db.execute("SELECT count(*), max(id) FROM story_facets WHERE story_id = ?", [story_id]).fetchone()
    return (
        tuple(seeds), tuple(taught), threshold[0] if threshold else 0.5, int(math.log(total + 50, 1.1)), tuple(facets)
    )


def _story_state(db: Database, story_id: int) -> tuple[int, _StoryState]:
    per_connection = _cache.setdefault(db, {})
    stamp = _stamp(db, story_id)
    state = per_connection.get(story_id)
    if state is None or state.stamp != stamp:
        state = _build_state(db, story_id, stamp)
        per_connection[story_id] = state
    return story_id, state


def _build_state(db: Database, story_id: int, stamp: tuple) -> _StoryState:
    seeds = _load(db, "SELECT {} FROM articles WHERE story_id = ? AND kind = 'seed' ORDER BY id", [story_id])
    taught_on = _load(
        db,
        "SELECT {} FROM articles WHERE id IN"
        " (SELECT article_id FROM relevance INDEXED BY relevance_taught"
        " WHERE story_id = ? AND taught_at IS NOT NULL AND taught = 1) ORDER BY id",
        [story_id],
    )
    taught_off = _load(
        db,
        "SELECT {} FROM articles WHERE id IN"
        " (SELECT article_id FROM relevance INDEXED BY relevance_taught"
        " WHERE story_id = ? AND taught_at IS NOT NULL AND taught = 0) ORDER BY id",
        [story_id],
    )
    entities = _entity_names(db, [a[0] for a in seeds + taught_on + taught_off])
    relevant = [relevance.term_counts(*a[3:], entities.get(a[0], ())) for a in seeds]
    on_story = [relevance.item_terms(*a[3:], entities.get(a[0], ())) for a in taught_on]
    off_story = [relevance.item_terms(*a[3:], entities.get(a[0], ())) for a in taught_off]
    candidates = relevance.key_terms(relevant)
    # The background counts of the key terms, and of the words of the articles the user marked.
    marked_words = {t for terms in on_story + off_story for t in terms if " " not in t}
    background = _background(db, list(candidates.keys() | marked_words))
    title = db.execute("SELECT title FROM stories WHERE id = ?", [story_id]).fetchone()
    model = relevance.build_model(
        relevant, background, _background_count(db), off_story, title[0] if title else "", on_story,
        facets=_declared_facets(db, story_id),
    )
    seed_shingles = {a[0]: dedup.shingles(dedup.comparable_words(a[3], a[4], a[5], lead=None)) for a in seeds}
    threshold = stamp[2]
    vocabulary = frozenset(
        term for counts in relevant for term in counts if " " in term or term.startswith(relevance.ENTITY_PREFIX)
    )
    return _StoryState(stamp, model, threshold, seed_shingles, vocabulary)


def _declared_facets(db: Database, story_id: int) -> list[relevance.Facet]:
    """The facets the story file declares (story_facets), in the file's order."""
    phrases: dict[str, dict[str, list[str]]] = {}
    for facet, phrase, kind in db.execute(
        "SELECT facet, phrase, kind FROM story_facets WHERE story_id = ? ORDER BY id", [story_id]
    ).fetchall():
        phrases.setdefault(facet, {"evidence": [], "unless": []})[kind].append(phrase)
    return [relevance.declared_facet(name, found["evidence"], found["unless"]) for name, found in phrases.items()]


def _load(db: Database, sql: str, params: list) -> list[tuple]:
    return db.execute(sql.format(_ARTICLE_COLUMNS), params).fetchall()


def _load_articles(db: Database, article_ids: list[int]) -> list[tuple]:
    rows = []
    for start in range(0, len(article_ids), _BATCH):
        chunk = article_ids[start : start + _BATCH]
        rows += db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id IN ({', '.join('?' * len(chunk))}) ORDER BY id",
            chunk,
        ).fetchall()
    return rows


def _count_terms(db: Database, term_sets: list[frozenset[str]], vocabulary: frozenset[str]) -> None:
    """Add new feed articles to the background the story's terms are weighed against.

    Every single word is counted (a bounded vocabulary); word pairs and entity names only
    when the story's relevant documents use them, or the table would grow with every
    headline ever seen. A pair first used by an article marked on-story later starts at the
    prior (see relevance.PAIR_PRIOR)."""
    if not term_sets:
        return
    counts = Counter(
        term for terms in term_sets for term in terms
        if (" " not in term and not term.startswith(relevance.ENTITY_PREFIX)) or term in vocabulary
    )
    counts[TOTAL] = len(term_sets)
    db.conn.executemany(
        "INSERT INTO term_counts (term, articles) VALUES (?, ?)"
        " ON CONFLICT (term) DO UPDATE SET articles = articles + excluded.articles",
        list(counts.items()),
    )


def _background(db: Database, terms: list[str]) -> dict[str, int]:
    found = {}
    for start in range(0, len(terms), _BATCH):
        chunk = terms[start : start + _BATCH]
        found.update(
            db.execute(
                f"SELECT term, articles FROM term_counts WHERE term IN ({', '.join('?' * len(chunk))})", chunk
            ).fetchall()
        )
    return found


def _background_count(db: Database) -> int:
    row = db.execute("SELECT articles FROM term_counts WHERE term = ?", [TOTAL]).fetchone()
    return row[0] if row else 0


def _entity_names(db: Database, article_ids: list[int]) -> dict[int, list[str]]:
    """Named entities from the entity extractor's tables, when they exist (issue 4).

    Relevance works on terms alone; shared people, places and organisations add evidence.
    """
    if not article_ids or not _has_entity_tables(db):
        return {}
    names: dict[int, list[str]] = {}
    try:
        for start in range(0, len(article_ids), _BATCH):
            chunk = article_ids[start : start + _BATCH]
            for article_id, name in db.execute(
                f"SELECT m.article_id, e.name FROM mentions m JOIN entities e ON e.id = m.entity_id"
                f" WHERE m.article_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ).fetchall():
                names.setdefault(article_id, []).append(name)
    except sqlite3.OperationalError:
        return {}  # a different shape than expected: terms alone will do
    return names


def _has_entity_tables(db: Database) -> bool:
    found = db.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('entities', 'mentions')"
    ).fetchone()[0]
    return found == 2


# ---------------------------------------------------------------- teaching


def set_threshold(db: Database, story_id: int, threshold: float) -> None:
    """Use the story file's threshold; verdicts the user taught stay as they are."""
    with db.atomic():
        db.execute("UPDATE stories SET threshold = ? WHERE id = ?", [threshold, story_id])
        db.execute(
            "UPDATE relevance SET on_story = coalesce(taught, score >= ?) WHERE story_id = ?",
            [threshold, story_id],
        )


def mark_on_story(
    db: Database, article_id: int, on_story: bool, *, story_id: int | None = None, rescore: bool = True
) -> int:
    """The user's verdict on an article. It and its copies take the verdict at once; then the
    story's model learns from it and every stored score is recomputed (`rescore_story`), in
    short batches. Call it from a worker thread with its own connection.

    Returns how many articles were rescored.
    """
    if story_id is None:
        ids = _story_ids(db)
        if not ids:
            return 0
        story_id = ids[0]
    now = now_iso()
    with db.atomic():
        db.execute(
            """
            INSERT INTO relevance (story_id, article_id, score, on_story, taught, taught_at, reasons, scored_at)
            VALUES (?, ?, 0, ?, ?, ?, '[]', ?)
            ON CONFLICT (story_id, article_id) DO UPDATE SET
                on_story = excluded.on_story, taught = excluded.taught, taught_at = excluded.taught_at
            """,
            [story_id, article_id, int(on_story), int(on_story), now, now],
        )
        db.execute(
            "UPDATE relevance SET on_story = ? WHERE story_id = ? AND taught IS NULL AND article_id IN"
            " (SELECT m.article_id FROM coverage c JOIN coverage m ON m.group_id = c.group_id WHERE c.article_id = ?)",
            [int(on_story), story_id, article_id],
        )
    return rescore_story(db, story_id) if rescore else 0


def pending_rescore(db: Database, story_id: int) -> int:
    """How many stored articles still have scores from before the story's facets changed."""
    row = db.execute("SELECT rescore_from FROM stories WHERE id = ?", [story_id]).fetchone()
    if row is None or row[0] is None:
        return 0
    return db.execute("SELECT count(*) FROM articles WHERE id > ?", [row[0]]).fetchone()[0]


def resume_rescore(db: Database, story_id: int, batch_size: int = _BATCH) -> int:
    """Finish the rescore `store.story.ensure_story` asked for; each batch records how far it
    got, so a rescore cut short (the user quit) carries on next time. Returns how many
    articles were scored."""
    row = db.execute("SELECT rescore_from FROM stories WHERE id = ?", [story_id]).fetchone()
    if row is None or row[0] is None:
        return 0
    return rescore_story(db, story_id, batch_size, after=row[0], record=True)


def rescore_story(db: Database, story_id: int, batch_size: int = _BATCH, *, after: int = 0, record: bool = False) -> int:
    """Recompute the relevance of every stored article (with an id above `after`) with the
    story's current model.

    Each batch is its own short transaction, so readers and the fetcher interleave with it;
    with `record`, each also stores its progress in stories.rescore_from (NULL when done).
    Returns how many articles were scored.
    """
    _cache.get(db, {}).pop(story_id, None)
    last_id = after
    done = 0
    while True:
        with db.atomic():
            _, state = _story_state(db, story_id)
            rows = db.execute(
                f"SELECT a.id, a.kind, a.story_id, a.title, coalesce(a.summary, ''), coalesce(a.body, ''),"
                f" c.seed_id FROM articles a LEFT JOIN coverage c ON c.article_id = a.id"
                f" WHERE a.id > ? ORDER BY a.id LIMIT ?",
                [last_id, batch_size],
            ).fetchall()
            if not rows:
                if record or after == 0:  # every score is current: no rescore is pending
                    db.execute("UPDATE stories SET rescore_from = NULL WHERE id = ?", [story_id])
                return done
            entities = _entity_names(db, [row[0] for row in rows])
            for article_id, kind, seed_story, title, summary, body, seed_id in rows:
                terms = relevance.item_terms(title, summary, body, entities.get(article_id, ()))
                verdict = relevance.score(state.model, terms)
                copies_seed = seed_id is not None and seed_id in state.seed_shingles
                _store_relevance(
                    db, story_id, article_id, verdict, state.threshold, copies_seed,
                    marks=state.stamp[1][0] > 0, is_seed=kind == "seed" and seed_story == story_id,
                )
            last_id = rows[-1][0]
            done += len(rows)
            if record:
                db.execute("UPDATE stories SET rescore_from = ? WHERE id = ?", [last_id, story_id])
