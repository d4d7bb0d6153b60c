"""How the story's coverage moves over time, and which new reports are worth announcing.

Buckets are UTC hours or days of `sort_at` (ISO text, so a prefix of it names the bucket):
the range is read off the `articles_by_sort_at` index and each article's verdict by primary key,
so the cost follows the articles in the window, not the whole store.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlite_utils import Database

from storywatch.store.times import to_iso, utc_now

SPANS = {"hour": (48, timedelta(hours=1), 13), "day": (30, timedelta(days=1), 10)}  # buckets, step, prefix


def coverage_trend(
    db: Database, story_id: int, by: str = "hour", *, entity_id: int | None = None, now: datetime | None = None
) -> list[int]:
    """On-story feed articles per hour (the last 48) or per day (the last 30), oldest first,
    the current hour or day last. With `entity_id`, only the articles naming that entity."""
    buckets, step, prefix = SPANS[by]
    now = now or utc_now()
    if by == "hour":
        last = now.replace(minute=0, second=0, microsecond=0)
    else:
        last = now.replace(hour=0, minute=0, second=0, microsecond=0)
    first = last - step * (buckets - 1)
    keys = [to_iso(first + step * i)[:prefix] for i in range(buckets)]
    naming = "AND EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = a.id AND m.entity_id = :entity)"
    rows = db.execute(
        f"""
        SELECT substr(a.sort_at, 1, {prefix}) AS bucket, count(*)
        FROM articles a INDEXED BY articles_by_sort_at
        JOIN relevance r ON r.story_id = :story AND r.article_id = a.id
        WHERE a.sort_at >= :since AND a.kind = 'feed' AND r.on_story = 1 {naming if entity_id is not None else ""}
        GROUP BY bucket
        """,
        {"story": story_id, "since": to_iso(first), "entity": entity_id},
    ).fetchall()
    counts = dict(rows)
    return [counts.get(key, 0) for key in keys]


def new_on_story(db: Database, story_id: int, article_ids: list[int]) -> list[tuple[int, str, str]]:
    """Which of these just-stored articles are new on-story reports (a feed's article that heads
    its coverage group, not another outlet's copy): (id, title, sort_at), newest first."""
    if not article_ids:
        return []
    marks = ",".join("?" * len(article_ids))
    rows = db.execute(
        f"""
        SELECT a.id, a.title, a.sort_at FROM articles a
        JOIN relevance r ON r.story_id = ? AND r.article_id = a.id
        LEFT JOIN coverage c ON c.article_id = a.id
        WHERE a.id IN ({marks}) AND a.kind = 'feed' AND r.on_story = 1 AND coalesce(c.group_id, a.id) = a.id
        ORDER BY a.sort_at DESC, a.id DESC
        """,
        [story_id, *article_ids],
    ).fetchall()
    return [tuple(row) for row in rows]


def edited_on_story(db: Database, story_id: int, article_ids: list[int]) -> list[tuple[int, str, str]]:
    """Which of these just-edited articles are on the story, with what their last edit changed:
    (id, title, changes such as "headline changed, +40 words"), latest edit first."""
    if not article_ids:
        return []
    marks = ",".join("?" * len(article_ids))
    rows = db.execute(
        f"""
        SELECT a.id, a.title, coalesce(v.changes, 'edited') FROM articles a
        JOIN relevance r ON r.story_id = ? AND r.article_id = a.id
        JOIN revisions v ON v.article_id = a.id
             AND v.revision = (SELECT max(revision) FROM revisions WHERE article_id = a.id AND kind = 'edit')
        WHERE a.id IN ({marks}) AND a.kind = 'feed' AND r.on_story = 1
        ORDER BY a.updated_at DESC, a.id DESC
        """,
        [story_id, *article_ids],
    ).fetchall()
    return [tuple(row) for row in rows]
