"""Relevance as stored: each article's score and verdict per story, the user's marks
(`mark_on_story`, which copies inherit), the story's threshold, and rescoring every stored
article when the model changes.

`mark_on_story` and `rescore_story` are for a worker thread with its own connection: they work
in short batches so the fetcher and the dashboard are never kept waiting.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlite_utils import Database

from storywatch.store.story_model import BATCH, entity_names, forget, story_ids, story_state
from storywatch.store.text import relevance
from storywatch.store.times import now_iso

SEED_SCORE = 0.95  # relevance of a copy of a seed, at least


def store_relevance(
    db, story_id, article_id, verdict: relevance.Relevance, threshold, copies_seed, marks: bool = True,
    is_seed: bool = False,
) -> None:
    row = relevance_row(story_id, article_id, verdict, threshold, copies_seed, is_seed, now_iso())
    write_relevance(db, [row], [(story_id, article_id)] if marks else [])


def relevance_row(
    story_id: int, article_id: int, verdict: relevance.Relevance, threshold: float, copies_seed: bool,
    is_seed: bool, scored_at: str,
) -> tuple:
    """An article's score and verdict as `write_relevance` stores them."""
    score, reasons = verdict.score, verdict.reasons
    if is_seed:  # the seeds define the story: on it by definition, however short
        score, reasons = 1.0, ["a seed of the story", *reasons]
    elif copies_seed:
        score = max(score, SEED_SCORE)
        reasons = ["copies a seed", *reasons]
    return (story_id, article_id, round(score, 4), int(score >= threshold), json.dumps(reasons), scored_at)


_UPSERT = (
    "INSERT INTO relevance (story_id, article_id, score, on_story, reasons, scored_at) VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (story_id, article_id) DO UPDATE SET"
    " score = excluded.score, reasons = excluded.reasons, scored_at = excluded.scored_at,"
    " on_story = coalesce(relevance.taught, excluded.on_story)"
)


def write_relevance(db: Database, rows: list[tuple], inheriting: list[tuple[int, int]]) -> None:
    """Store scores (`relevance_row`), all of a poll's in one statement; then the (story,
    article) pairs in `inheriting` take a mark of their coverage group (`_INHERIT`).
    Writing every score first is the same as one article after another: a score written never
    holds a mark, and a mark is all `_INHERIT` reads of the scores."""
    db.conn.executemany(_UPSERT, rows)
    if inheriting:
        db.conn.executemany(_INHERIT, inheriting)


# The latest mark in the article's coverage group, as `_INHERIT` looks it up.
_GROUP_MARK = (
    "SELECT r.taught FROM coverage m JOIN relevance r ON r.story_id = ?1 AND r.article_id = m.article_id"
    " WHERE m.group_id = (SELECT group_id FROM coverage WHERE article_id = ?2) AND r.taught IS NOT NULL"
    " ORDER BY r.taught_at DESC LIMIT 1"
)


# A copy of an article the user marked takes the user's verdict: one statement per article
# scored, where finding the group, then its mark, then writing it took two or three.
_INHERIT = (
    f"UPDATE relevance SET on_story = ({_GROUP_MARK}) WHERE story_id = ?1 AND article_id = ?2"
    f" AND taught IS NULL AND ({_GROUP_MARK}) IS NOT NULL"
)


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
        ids = story_ids(db)
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


def unmarked_on_story(db: Database, story_id: int, leaving_out: int, up_to: int | None = None) -> tuple[int, int]:
    """(reports on the story the user has not marked, other than `leaving_out`, and the highest
    article id counted): counted before and after a mark on `leaving_out`, up to the same id, it
    says how many other reports the mark moved, whatever the fetcher stores meanwhile."""
    if up_to is None:
        up_to = db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]
    count = db.execute(
        "SELECT count(*) FROM relevance WHERE story_id = ? AND on_story = 1 AND taught IS NULL"
        " AND article_id <= ? AND article_id != ?",
        [story_id, up_to, leaving_out],
    ).fetchone()[0]
    return count, up_to


def rescoring_notice(pending: int) -> str:
    """What a command or the dashboard says while it rescores (both ask for it)."""
    return f"the story's facets or relevance rules changed: rescoring {pending:,} stored articles…"


def pending_rescore(db: Database, story_id: int) -> int:
    """How many stored articles still have scores from before the story's facets changed."""
    row = db.execute("SELECT rescore_from FROM stories WHERE id = ?", [story_id]).fetchone()
    if row is None or row[0] is None:
        return 0
    return db.execute("SELECT count(*) FROM articles WHERE id > ?", [row[0]]).fetchone()[0]


def resume_rescore(
    db: Database, story_id: int, batch_size: int = BATCH, *, stop: Callable[[], bool] | None = None
) -> int:
    """Finish the rescore `store.story.ensure_story` asked for; each batch records how far it
    got, so a rescore cut short (the user quit: `stop` says so between batches) carries on
    next time. Returns how many articles were scored."""
    row = db.execute("SELECT rescore_from FROM stories WHERE id = ?", [story_id]).fetchone()
    if row is None or row[0] is None:
        return 0
    return rescore_story(db, story_id, batch_size, after=row[0], record=True, stop=stop)


def rescore_story(
    db: Database, story_id: int, batch_size: int = BATCH, *, after: int = 0, record: bool = False,
    stop: Callable[[], bool] | None = None,
) -> int:
    """Recompute the relevance of every stored article (with an id above `after`) with the
    story's current model.

    Each batch is its own short transaction, so readers and the fetcher interleave with it;
    with `record`, each also stores its progress in stories.rescore_from (NULL when done).
    `stop`, asked between batches, ends it early. Returns how many articles were scored.
    """
    forget(db, story_id)
    last_id = after
    done = 0
    while True:
        with db.atomic():
            state = story_state(db, story_id)
            rows = db.execute(
                "SELECT a.id, a.kind, a.story_id, a.title, coalesce(a.summary, ''), coalesce(a.body, ''),"
                " c.seed_id FROM articles a LEFT JOIN coverage c ON c.article_id = a.id"
                " WHERE a.id > ? ORDER BY a.id LIMIT ?",
                [last_id, batch_size],
            ).fetchall()
            if not rows:
                if record or after == 0:  # every score is current: no rescore is pending
                    db.execute("UPDATE stories SET rescore_from = NULL WHERE id = ?", [story_id])
                return done
            entities = entity_names(db, [row[0] for row in rows])
            for article_id, kind, seed_story, title, summary, body, seed_id in rows:
                terms, opening = relevance.article_terms(title, summary, body, entities.get(article_id, ()))
                verdict = relevance.score(state.model, terms, opening)
                copies_seed = seed_id is not None and seed_id in state.seed_shingles
                store_relevance(
                    db, story_id, article_id, verdict, state.threshold, copies_seed,
                    marks=state.has_marks, is_seed=kind == "seed" and seed_story == story_id,
                )
            last_id = rows[-1][0]
            done += len(rows)
            if record:
                db.execute("UPDATE stories SET rescore_from = ? WHERE id = ?", [last_id, story_id])
        if stop is not None and stop():
            return done
