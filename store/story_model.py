"""Each story's relevance model, rebuilt from what is stored: the seeds, the user's marks, the
story's facets and the background term counts of everything the feeds brought in.

The model is rebuilt only when one of those has changed (`_stamp`), and kept per connection in
between; the scoring itself is pure (`storywatch.store.text.relevance`).
"""

from __future__ import annotations

import functools
import math
import sqlite3
import weakref
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain

from sqlite_utils import Database

from storywatch.store.text import dedup, relevance

TOTAL = ""  # the term_counts row that counts the articles themselves
BATCH = 500  # ids per IN (...) list, articles per rescore transaction
ARTICLE_COLUMNS = "id, kind, story_id, title, coalesce(summary, ''), coalesce(body, '')"


@dataclass
class StoryState:
    """One story's model and seed shingles, valid while `stamp` is unchanged."""

    stamp: tuple
    model: relevance.StoryModel
    threshold: float
    seed_shingles: dict[int, frozenset[int]] = field(default_factory=dict)
    vocabulary: frozenset[str] = frozenset()  # the relevant documents' pairs and entities

    @property
    def has_marks(self) -> bool:
        """Whether the user has marked any article for or against the story."""
        return self.stamp[1][0] > 0


_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def forget(db: Database, story_id: int) -> None:
    """Drop the cached model, so the next `story_state` rebuilds it."""
    _cache.get(db, {}).pop(story_id, None)


def story_ids(db: Database) -> list[int]:
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


def story_state(db: Database, story_id: int) -> StoryState:
    per_connection = _cache.setdefault(db, {})
    stamp = _stamp(db, story_id)
    state = per_connection.get(story_id)
    if state is None or state.stamp != stamp:
        state = _build_state(db, story_id, stamp)
        per_connection[story_id] = state
    return state


def _build_state(db: Database, story_id: int, stamp: tuple) -> StoryState:
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
    entities = entity_names(db, [a[0] for a in seeds + taught_on + taught_off])
    relevant = [Counter(_seed_counts(*a[3:], tuple(entities.get(a[0], ())))) for a in seeds]  # copies: ours to change
    on_story = [relevance.item_terms(*a[3:], entities.get(a[0], ())) for a in taught_on]
    off_story = [relevance.item_terms(*a[3:], entities.get(a[0], ())) for a in taught_off]
    terms_of = {a[0]: terms for a, terms in zip(taught_off, off_story)}
    off_in_order = [  # the order the marks were made: the latest are kept (relevance.MARKS_KEPT)
        terms_of[article_id]
        for (article_id,) in db.execute(
            "SELECT article_id FROM relevance INDEXED BY relevance_taught"
            " WHERE story_id = ? AND taught = 0 AND taught_at IS NOT NULL ORDER BY taught_at, article_id",
            [story_id],
        ).fetchall()
        if article_id in terms_of
    ]
    candidates = relevance.key_terms(relevant)
    # The background counts of the key terms, and of the words of the articles the user marked.
    marked_words = {t for terms in on_story + off_story for t in terms if " " not in t}
    background = _background(db, list(candidates.keys() | marked_words))
    title = db.execute("SELECT title FROM stories WHERE id = ?", [story_id]).fetchone()
    model = relevance.build_model(
        relevant, background, _background_count(db), off_story, title[0] if title else "", on_story,
        facets=_declared_facets(db, story_id), candidates=candidates, off_in_order=off_in_order,
    )
    seed_shingles = {a[0]: _seed_shingles(a[3], a[4], a[5]) for a in seeds}
    threshold = stamp[2]
    vocabulary = frozenset(
        term for counts in relevant for term in counts if " " in term or term.startswith(relevance.ENTITY_PREFIX)
    )
    return StoryState(stamp, model, threshold, seed_shingles, vocabulary)


def _declared_facets(db: Database, story_id: int) -> list[relevance.Facet]:
    """The facets the story file declares (story_facets), in the file's order."""
    phrases: dict[str, dict[str, list[str]]] = {}
    for facet, phrase, kind in db.execute(
        "SELECT facet, phrase, kind FROM story_facets WHERE story_id = ? ORDER BY id", [story_id]
    ).fetchall():
        phrases.setdefault(facet, {"evidence": [], "unless": [], "within": [], "only_within": []})[kind].append(phrase)
    return [
        _facet(
            name, tuple(found["evidence"]), tuple(found["unless"]), tuple(found["within"]), tuple(found["only_within"])
        )
        for name, found in phrases.items()
    ]


# The model is rebuilt whenever the background grows by a tenth (dozens of times while a first
# poll fills an empty store), but the seeds and facets rarely change: what is computed from them
# alone is kept, keyed by everything it is computed from (pure functions: the same answer).
@functools.lru_cache(maxsize=256)
def _seed_counts(title: str, summary: str, body: str, names: tuple[str, ...]) -> Counter[str]:
    return relevance.term_counts(title, summary, body, names)


@functools.lru_cache(maxsize=256)
def _seed_shingles(title: str, summary: str, body: str) -> frozenset[int]:
    return dedup.shingles(dedup.comparable_words(title, summary, body, lead=None))


# A facet as `new` shows and writes it: its name, words, `unless` phrases and `within` places.
FacetWords = tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]


@functools.lru_cache(maxsize=256)
def facets_in_words(db: Database, story_id: int) -> list[FacetWords]:
    """What the story looks for, as (facet name, its words, the longer phrases that are not
    evidence of it, the places it holds within), declared or read from the title and seeds; []
    when it has no facets (then any of its key words will do)."""
    return [
        (facet.name, facet.words, facet.unless_words, facet.within) for facet in story_state(db, story_id).model.facets
    ]


@functools.lru_cache(maxsize=256)  # a Facet is frozen: one shared by every rebuild of the model is safe
def _facet(
    name: str, evidence: tuple[str, ...], unless: tuple[str, ...], within: tuple[str, ...],
    only_within: tuple[str, ...] = (),
) -> relevance.Facet:
    return relevance.declared_facet(name, evidence, unless, within, only_within)


def _load(db: Database, sql: str, params: list) -> list[tuple]:
    return db.execute(sql.format(ARTICLE_COLUMNS), params).fetchall()


def load_articles(db: Database, article_ids: list[int]) -> list[tuple]:
    rows = []
    for start in range(0, len(article_ids), BATCH):
        chunk = article_ids[start : start + BATCH]
        rows += db.execute(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id IN ({', '.join('?' * len(chunk))}) ORDER BY id",
            chunk,
        ).fetchall()
    return rows


def count_terms(db: Database, term_sets: list[frozenset[str]], vocabulary: frozenset[str]) -> None:
    """Add new feed articles to the background the story's terms are weighed against.

    Every single word is counted (a bounded vocabulary); word pairs and entity names only
    when the story's relevant documents use them, or the table would grow with every
    headline ever seen. A pair first used by an article marked on-story later starts at the
    prior (see relevance.PAIR_PRIOR)."""
    if not term_sets:
        return
    # Every term counted at C speed first, then each distinct term tested once (not once per
    # article): the kept terms come out in the order of their first use, as counting them did.
    every = Counter(chain.from_iterable(term_sets))
    prefix = relevance.ENTITY_PREFIX
    counts = {
        term: n for term, n in every.items()
        if (" " not in term and not term.startswith(prefix)) or term in vocabulary
    }
    counts[TOTAL] = len(term_sets)
    db.conn.executemany(
        "INSERT INTO term_counts (term, articles) VALUES (?, ?)"
        " ON CONFLICT (term) DO UPDATE SET articles = articles + excluded.articles",
        list(counts.items()),
    )


def _background(db: Database, terms: list[str]) -> dict[str, int]:
    found = {}
    for start in range(0, len(terms), BATCH):
        chunk = terms[start : start + BATCH]
        found.update(
            db.execute(
                f"SELECT term, articles FROM term_counts WHERE term IN ({', '.join('?' * len(chunk))})", chunk
            ).fetchall()
        )
    return found


def _background_count(db: Database) -> int:
    row = db.execute("SELECT articles FROM term_counts WHERE term = ?", [TOTAL]).fetchone()
    return row[0] if row else 0


def entity_names(db: Database, article_ids: list[int]) -> dict[int, list[str]]:
    """Named entities from the entity extractor's tables, when they exist (issue 4).

    Relevance works on terms alone; shared people, places and organisations add evidence.
    """
    if not article_ids or not _has_entity_tables(db):
        return {}
    names: dict[int, list[str]] = {}
    try:
        for start in range(0, len(article_ids), BATCH):
            chunk = article_ids[start : start + BATCH]
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
