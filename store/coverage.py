"""Coverage groups as the dashboard reads them: one row per report, however many outlets ran it.

A group is named by its first member's article id (`coverage.group_id`). Every query here is
served by an index: members by `coverage_by_group`, the story feed by the articles' sort index
(everything) or by `relevance_on_story` (on-story only).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlite_utils import Database

from storywatch.store.queries import SOURCE_OF_ARTICLE
from storywatch.store.tags import tags_of_groups


@dataclass(frozen=True)
class Member:
    """One outlet's copy of a report."""

    id: int
    kind: str
    title: str
    source: str | None
    url: str | None
    sort_at: str
    read_at: str | None
    match: str  # 'first', 'text', 'near' or 'seed': how it was found to be a copy
    similarity: float | None


@dataclass(frozen=True)
class StoryRow:
    """One line of the story feed: a coverage group shown by its first member."""

    id: int  # the group's first member, also the group id
    kind: str
    title: str
    source: str | None
    url: str | None
    sort_at: str
    read_at: str | None
    outlets: int  # members in the group, the first one included
    unread: int
    score: float | None  # the best relevance among the members
    on_story: bool
    reasons: list[str]
    known_from_seeds: bool  # the group copies a seed
    published_at: str | None = None  # as the feed or the story file says; a seed without one is undated
    tags: tuple[str, ...] = ()  # the user's tags on any copy, alphabetical
    revised_at: str | None = None  # an unread copy an outlet edited: when it last did, else None
    revisions: int = 1  # the most revisions a copy has (its first version and its edits)


def group_of(db: Database, article_id: int) -> int:
    """The group an article belongs to (itself when it was never grouped)."""
    row = db.execute("SELECT group_id FROM coverage WHERE article_id = ?", [article_id]).fetchone()
    return row[0] if row else article_id


def group_size(db: Database, group_id: int) -> int:
    row = db.execute("SELECT count(*) FROM coverage WHERE group_id = ?", [group_id]).fetchone()
    return max(row[0], 1)


def group_members(db: Database, group_id: int) -> list[Member]:
    """Every copy of a report, earliest first."""
    rows = db.execute(
        f"""
        SELECT a.id, a.kind, a.title, {SOURCE_OF_ARTICLE}, a.url, a.sort_at, a.read_at,
               coalesce(c.match, 'first'), c.similarity
        FROM articles a LEFT JOIN coverage c ON c.article_id = a.id
        WHERE a.id IN (SELECT article_id FROM coverage WHERE group_id = :g) OR a.id = :g
        ORDER BY a.sort_at, a.id
        """,
        {"g": group_id},
    ).fetchall()
    return [Member(*row) for row in rows]


def mark_group_read(db: Database, group_id: int, read_at: str) -> int:
    """Reading one copy reads them all. Returns how many members were newly marked."""
    with db.atomic():
        cursor = db.execute(
            "UPDATE articles SET read_at = ? WHERE read_at IS NULL AND"
            " (id = ? OR id IN (SELECT article_id FROM coverage WHERE group_id = ?))",
            [read_at, group_id, group_id],
        )
    return cursor.rowcount


def mark_group_unread(db: Database, group_id: int) -> int:
    """Unread again, every copy (the `m` key on a read report). Returns how many members changed."""
    with db.atomic():
        cursor = db.execute(
            "UPDATE articles SET read_at = NULL WHERE read_at IS NOT NULL AND"
            " (id = ? OR id IN (SELECT article_id FROM coverage WHERE group_id = ?))",
            [group_id, group_id],
        )
    return cursor.rowcount


def toggle_group_read(db: Database, group_id: int, read_at: str) -> bool:
    """A report with an unread copy becomes read, a read one unread; returns whether it is now read."""
    with db.atomic():
        unread = db.execute(
            "SELECT 1 FROM articles WHERE read_at IS NULL AND"
            " (id = ? OR id IN (SELECT article_id FROM coverage WHERE group_id = ?)) LIMIT 1",
            [group_id, group_id],
        ).fetchone()
        if unread:
            mark_group_read(db, group_id, read_at)
        else:
            mark_group_unread(db, group_id)
    return bool(unread)


def mark_groups_read(db: Database, group_ids: list[int], read_at: str, batch: int = 500) -> int:
    """Read every copy of these reports, in one transaction ("mark all in view read").
    Returns how many articles were newly marked."""
    marked = 0
    with db.atomic():
        for start in range(0, len(group_ids), batch):
            chunk = list(group_ids[start : start + batch])
            marks = ", ".join("?" for _ in chunk)
            cursor = db.execute(
                f"UPDATE articles SET read_at = ? WHERE read_at IS NULL AND (id IN ({marks})"
                f" OR id IN (SELECT article_id FROM coverage WHERE group_id IN ({marks})))",
                [read_at, *chunk, *chunk],
            )
            marked += cursor.rowcount
    return marked


def last_revision_id(db: Database) -> int:
    return db.execute("SELECT coalesce(max(id), 0) FROM revisions").fetchone()[0]


def revised_since(db: Database, revision_id: int, limit: int = 1000) -> tuple[list[int], int]:
    """Articles an outlet edited since revision row `revision_id` (by any connection), and the
    last revision row read: the dashboard's cheap way to redraw edited reports. Revision rows
    are only ever added, so their id says what is new, whatever the writers' clocks say."""
    rows = db.execute(
        "SELECT id, article_id, revision FROM revisions WHERE id > ? ORDER BY id LIMIT ?", [revision_id, limit]
    ).fetchall()
    if not rows:
        return [], revision_id
    return list(dict.fromkeys(article for _id, article, revision in rows if revision > 1)), rows[-1][0]


def story_feed(
    db: Database,
    story_id: int,
    *,
    show: str = "on",
    before: tuple[str, int] | None = None,
    limit: int = 200,
) -> list[StoryRow]:
    """The story feed with copies collapsed, newest report first.

    `show` is "on" (groups with an on-story member), "off" (groups with none) or "all".
    `before` is the (sort_at, id) of the last row shown, to page on (keyset paging).
    """
    if show not in ("on", "off", "all"):
        raise ValueError(f"show must be 'on', 'off' or 'all', not {show!r}")
    params: dict = {"story": story_id, "limit": limit}
    page = ""
    if before is not None:
        page = "AND (a.sort_at, a.id) < (:sort_at, :id)"
        params.update(sort_at=before[0], id=before[1])
    if show == "on" and not on_story_is_dense(db, story_id, limit):
        # From the on-story index: a small set, however large the store.
        sql = f"""
            SELECT g.group_id FROM relevance r
            JOIN coverage g ON g.article_id = r.article_id
            JOIN articles a ON a.id = g.group_id
            WHERE r.story_id = :story AND r.on_story = 1 {page}
            GROUP BY g.group_id ORDER BY a.sort_at DESC, a.id DESC LIMIT :limit
        """
    else:
        # CROSS JOIN fixes the join order: from the group's members to their relevance rows by
        # primary key, never by walking the story's whole relevance index.
        on_story = """EXISTS (
            SELECT 1 FROM coverage m CROSS JOIN relevance r ON r.story_id = :story AND r.article_id = m.article_id
            WHERE m.group_id = a.id AND r.on_story = 1)"""
        having = {"all": "", "on": f"AND {on_story}", "off": f"AND NOT {on_story}"}[show]
        sql = f"""
            SELECT a.id FROM articles a INDEXED BY articles_by_sort_at LEFT JOIN coverage c ON c.article_id = a.id
            WHERE coalesce(c.group_id, a.id) = a.id {page} {having}
            ORDER BY a.sort_at DESC, a.id DESC LIMIT :limit
        """
    return story_rows(db, story_id, [row[0] for row in db.execute(sql, params).fetchall()])


def on_story_is_dense(db: Database, story_id: int, limit: int) -> bool:
    """Whether a page of on-story reports is cheaper found by walking the feed's time order
    (about limit x stored / on-story rows read) than by sorting every on-story report (about
    on-story rows read): at 100k stored, 8k on the story, 1 ms a page instead of 14."""
    on = db.execute("SELECT count(*) FROM relevance WHERE story_id = ? AND on_story = 1", [story_id]).fetchone()[0]
    stored = db.execute("SELECT max(id) FROM articles").fetchone()[0] or 0
    return on * on > limit * stored


def story_rows(db: Database, story_id: int, group_ids: list[int]) -> list[StoryRow]:
    """Story-feed rows for these coverage groups (missing ones skipped), in the order given.

    Four indexed queries per page, whatever its length (heads, members' totals, the best
    member's reasons, tags): a page of rows used to cost three queries a row."""
    rows = []
    for start in range(0, len(group_ids), _ROWS_BATCH):
        rows += _story_rows(db, story_id, list(dict.fromkeys(group_ids[start : start + _ROWS_BATCH])))
    return rows


_ROWS_BATCH = 400  # groups per query: well under SQLite's limit on bound parameters


def _story_rows(db: Database, story_id: int, group_ids: list[int]) -> list[StoryRow]:
    if not group_ids:
        return []
    marks = ", ".join("?" for _ in group_ids)
    heads = {
        row[0]: row
        for row in db.execute(
            f"SELECT a.id, a.kind, a.title, {SOURCE_OF_ARTICLE}, a.url, a.sort_at, a.read_at, a.published_at"
            f" FROM articles a WHERE a.id IN ({marks})",
            group_ids,
        )
    }
    totals = {
        row[0]: row[1:]
        for row in db.execute(
            f"""
            WITH members (group_id, article_id) AS (
                SELECT id, id FROM articles WHERE id IN ({marks})
                UNION
                SELECT group_id, article_id FROM coverage WHERE group_id IN ({marks})
            )
            SELECT m.group_id, count(*), sum(a.read_at IS NULL), max(r.score), coalesce(max(r.on_story), 0),
                   max(c.match = 'seed' OR a.kind = 'seed'),
                   max(CASE WHEN a.read_at IS NULL AND a.revision_count > 1 THEN a.updated_at END),
                   max(a.revision_count)
            FROM members m JOIN articles a ON a.id = m.article_id
            LEFT JOIN coverage c ON c.article_id = a.id
            LEFT JOIN relevance r ON r.article_id = a.id AND r.story_id = ?
            GROUP BY m.group_id
            """,
            [*group_ids, *group_ids, story_id],
        )
    }
    # One aggregate, max(): SQLite takes the bare `reasons` from the member with the best score.
    reasons = {
        row[0]: row[2]
        for row in db.execute(
            f"SELECT c.group_id, max(r.score), r.reasons FROM coverage c"
            f" CROSS JOIN relevance r ON r.story_id = ? AND r.article_id = c.article_id"
            f" WHERE c.group_id IN ({marks}) GROUP BY c.group_id",
            [story_id, *group_ids],
        )
    }
    tags = tags_of_groups(db, group_ids)
    rows = []
    for group_id in group_ids:
        head = heads.get(group_id)
        if head is None:
            continue
        outlets, unread, best, on_story, seed, revised_at, revisions = totals[group_id]
        rows.append(
            StoryRow(
                *head[:7],
                published_at=head[7],
                outlets=outlets,
                unread=unread or 0,
                score=best,
                on_story=bool(on_story),
                reasons=json.loads(reasons[group_id]) if reasons.get(group_id) else [],
                known_from_seeds=bool(seed),
                tags=tags.get(group_id, ()),
                revised_at=revised_at,
                revisions=revisions or 1,
            )
        )
    return rows


def relevance_of(db: Database, story_id: int, article_id: int) -> tuple[float, bool, list[str], bool | None] | None:
    """An article's score, verdict, the reasons behind it and the user's mark on it (None: not
    marked), for the detail view."""
    row = db.execute(
        "SELECT score, on_story, reasons, taught FROM relevance WHERE story_id = ? AND article_id = ?",
        [story_id, article_id],
    ).fetchone()
    return (row[0], bool(row[1]), json.loads(row[2]), None if row[3] is None else bool(row[3])) if row else None
