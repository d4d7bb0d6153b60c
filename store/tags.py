"""The user's tags on reports: a tag belongs to a coverage group (a report), so every outlet's
copy of it carries the tag, and a row shows the tags any of its copies has.

Tag names are user text but may come from a story file or be pasted from a headline: each is
cleaned (`tag_name`) before it is stored, so what is drawn is always one inert line.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from storywatch.store.text.clean import clean_line
from storywatch.store.times import now_iso

TAG_MAX_LENGTH = 40  # a tag is a label, not a note
DEFAULT_TAGS = {
    1: "key development",
    2: "follow up",
    3: "verify",
    4: "background",
    5: "quote",
    6: "timeline",
    7: "analysis",
    8: "official",
    9: "disputed",
}  # keys 1-9 when the story file has no [tags] table
BATCH = 500  # ids per IN (...) list

# A group's members: its first article (the group id) and every article grouped under it.
_MEMBERS = "SELECT :g UNION SELECT article_id FROM coverage WHERE group_id = :g"


def tag_name(text: str | None) -> str:
    """A tag as it is stored and shown: one line, no controls, at most TAG_MAX_LENGTH characters;
    "" when nothing printable is left."""
    return clean_line(text, TAG_MAX_LENGTH)


def group_has_tag(db: Database, group_id: int, tag: str) -> bool:
    """Whether any copy of the report carries the tag (what its row shows)."""
    row = db.execute(
        f"SELECT 1 FROM tags WHERE tag = :tag AND article_id IN ({_MEMBERS}) LIMIT 1", {"g": group_id, "tag": tag}
    ).fetchone()
    return row is not None


def set_group_tag(db: Database, group_id: int, tag: str, on: bool, tagged_at: str | None = None) -> int:
    """Put the tag on every copy of the report (`on`) or take it off all of them; returns how
    many articles changed. A name that cleans to nothing is a ValueError."""
    name = tag_name(tag)
    if not name:
        raise ValueError(f"a tag needs a printable name, not {tag!r}")
    params = {"g": group_id, "tag": name, "at": tagged_at or now_iso()}
    with db.atomic():
        if on:
            cursor = db.execute(
                f"INSERT OR IGNORE INTO tags (article_id, tag, tagged_at)"
                f" SELECT a.id, :tag, :at FROM articles a WHERE a.id IN ({_MEMBERS})",
                params,
            )
        else:
            cursor = db.execute(f"DELETE FROM tags WHERE tag = :tag AND article_id IN ({_MEMBERS})", params)
    return cursor.rowcount


def toggle_group_tag(db: Database, group_id: int, tag: str, tagged_at: str | None = None) -> bool:
    """Tag the report if no copy has the tag, else untag every copy; returns whether it is now tagged.

    Decided inside the write transaction, so two quick presses of one key are two toggles
    whatever order their threads commit in."""
    name = tag_name(tag)
    with db.atomic():
        on = not group_has_tag(db, group_id, name)
        set_group_tag(db, group_id, name, on, tagged_at)
    return on


def add_group_tag(db: Database, group_id: int, tag: str, tagged_at: str | None = None) -> bool:
    """Tag every copy of the report; returns False when it already had the tag."""
    return set_group_tag(db, group_id, tag, True, tagged_at) > 0


def remove_group_tag(db: Database, group_id: int, tag: str) -> bool:
    """Take the tag off every copy of the report; returns False when none had it."""
    return set_group_tag(db, group_id, tag, False) > 0


def tags_of_groups(db: Database, group_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """Each group's tags (the union over its copies), alphabetical; groups without tags are left out."""
    found: dict[int, set[str]] = {}
    ids = list(dict.fromkeys(group_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        marks = ", ".join("?" for _ in chunk)
        # Two index lookups per group: the first article's own tags, then its copies' (coverage_by_group).
        rows = db.execute(
            f"""
            SELECT t.article_id, t.tag FROM tags t WHERE t.article_id IN ({marks})
            UNION
            SELECT c.group_id, t.tag FROM coverage c JOIN tags t ON t.article_id = c.article_id
            WHERE c.group_id IN ({marks})
            """,
            chunk + chunk,
        ).fetchall()
        for group_id, tag in rows:
            found.setdefault(group_id, set()).add(tag)
    return {group_id: tuple(sorted(tags, key=str.casefold)) for group_id, tags in found.items()}


def all_group_tags(db: Database) -> dict[int, tuple[str, ...]]:
    """Every tagged group and its tags: how the dashboard notices another process's tagging.

    Reads the whole tags table, which holds only what the user tagged by hand (a few thousand
    rows at most), never anything that grows with the feeds."""
    found: dict[int, set[str]] = {}
    rows = db.execute(
        "SELECT coalesce(c.group_id, t.article_id), t.tag FROM tags t"
        " LEFT JOIN coverage c ON c.article_id = t.article_id"
    ).fetchall()
    for group_id, tag in rows:
        found.setdefault(group_id, set()).add(tag)
    return {group_id: tuple(sorted(tags, key=str.casefold)) for group_id, tags in found.items()}


def tags_in_use(db: Database, limit: int = 500) -> list[str]:
    """Tag names, the most used first (for completing a free tag)."""
    rows = db.execute(
        "SELECT tag FROM tags GROUP BY tag ORDER BY count(*) DESC, tag LIMIT ?", [limit]
    ).fetchall()
    return [row[0] for row in rows]
