"""What the story feed shows: one `FeedFilter` (view, search, tag, entity, source, unread, time
range), every part ANDed, as one keyset-paged query over coverage groups.

A report (a coverage group) passes a condition on its text, tags, names or outlets when any of
its copies does: "Reuters" shows the reports Reuters ran, even where another outlet was first.
The view (on / off the story), "unread" and the time range are about the report as the feed
shows it: its verdict, whether any copy is unread, and its time (the first copy's).

The most selective condition drives the query through its index (the search index, mentions by
entity, tags by tag, articles by source, the on-story relevance index, or the feed's time order)
and the rest are checked per group, so a page costs a LIMIT, never every match.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlite_utils import Database

from storywatch.store.coverage import StoryRow, on_story_is_dense, story_feed, story_rows
from storywatch.store.search import MATCHING_GROUPS, fts_query, match_condition

VIEWS = ("on", "all", "off")


def _any_copy(join: str, condition: str) -> str:
    """SQL: some copy of the report headed by `a` (its coverage group) meets `condition`.

    CROSS JOIN keeps SQLite going from the group's few copies to their rows, never through
    every row the condition holds for (a much-named entity: 90 ms a page instead of 2)."""
    return f"EXISTS (SELECT 1 FROM coverage m CROSS {join} WHERE m.group_id = a.id AND {condition})"


# The on-story groups as one set, built once a statement: cheaper than _ON_STORY's lookup per
# group when a broad condition (a common word, a much-named person) drives thousands of groups.
_ON_STORY_GROUPS = (
    "a.id IN (SELECT g.group_id FROM relevance r JOIN coverage g ON g.article_id = r.article_id"
    " WHERE r.story_id = :story AND r.on_story = 1)"
)
_BROAD = ("search", "entity")
_ON_STORY = (
    "EXISTS (SELECT 1 FROM coverage m CROSS JOIN relevance r ON r.story_id = :story AND r.article_id = m.article_id"
    " WHERE m.group_id = a.id AND r.on_story = 1)"
)


@dataclass(frozen=True)
class FeedFilter:
    """Everything that narrows the story feed; the default shows the on-story reports."""

    view: str = "on"  # "on", "all" or "off" the story
    search: str = ""  # what the user typed into the search bar
    tag: str | None = None
    entity_id: int | None = None
    entity_name: str | None = None  # for the header only
    source: str | None = None  # an outlet, as `articles.source` holds it
    unread: bool = False  # only reports with an unread copy
    since: str | None = None  # ISO times, on the report's time (inclusive)
    until: str | None = None  # (exclusive)

    def __post_init__(self) -> None:
        if self.view not in VIEWS:
            raise ValueError(f"view must be 'on', 'all' or 'off', not {self.view!r}")

    @property
    def searching(self) -> bool:
        return fts_query(self.search) is not None

    @property
    def narrowed(self) -> bool:
        """True when anything beyond the view narrows the feed."""
        return bool(
            self.searching or self.tag or self.entity_id is not None or self.source or self.unread
            or self.since or self.until
        )

    def without_filters(self) -> FeedFilter:
        """The same view and search, no other condition."""
        return FeedFilter(view=self.view, search=self.search)

    def with_(self, **changes) -> FeedFilter:
        return replace(self, **changes)


_ENTITY_GROUPS = (
    "SELECT DISTINCT coalesce(c.group_id, x.article_id) AS gid FROM mentions x"
    " LEFT JOIN coverage c ON c.article_id = x.article_id WHERE x.entity_id = :entity"
)


def _conditions(flt: FeedFilter, skip: str = "") -> tuple[list[str], dict]:
    """SQL conditions on a group head `a`, and their parameters; `skip` names the driving one
    ("time" when the feed's time order is walked)."""
    where: list[str] = []
    params: dict = {}
    if flt.searching and skip != "search":
        where.append(match_condition())
        params["search"] = fts_query(flt.search)
    if flt.entity_id is not None and skip != "entity":
        # Walking the time order, a much-named entity is one set of groups; else a lookup per group.
        where.append(f"a.id IN ({_ENTITY_GROUPS})" if skip == "time" else
                     _any_copy("JOIN mentions x ON x.article_id = m.article_id", "x.entity_id = :entity"))
        params["entity"] = flt.entity_id
    if flt.tag and skip != "tag":
        where.append(_any_copy("JOIN tags t ON t.article_id = m.article_id", "t.tag = :tag"))
        params["tag"] = flt.tag
    if flt.source and skip != "source":
        where.append(_any_copy("JOIN articles s ON s.id = m.article_id", "s.source = :source"))
        params["source"] = flt.source
    if flt.unread:
        where.append(_any_copy("JOIN articles u ON u.id = m.article_id", "u.read_at IS NULL"))
    if flt.since:
        where.append("a.sort_at >= :since")
        params["since"] = flt.since
    if flt.until:
        where.append("a.sort_at < :until")
        params["until"] = flt.until
    if flt.view == "on" and skip != "view":
        where.append(_ON_STORY_GROUPS if skip in _BROAD else _ON_STORY)
    elif flt.view == "off":
        where.append(f"NOT {_ON_STORY}")
    return where, params


# From this many matching articles a search (or mentions, an entity) stops driving the query:
# the feed's time order is walked instead, each report checked against the matches, and a page
# stops at its LIMIT. At 100k stored, a word in 16k reports: 8 ms a page, where sorting every
# match took 20; an entity named in 27k: 9 ms, not 26 (bench/dashboard.py --only queries).
BROAD = 2000


def _at_least(db: Database, rows: str, params: dict, count: int) -> bool:
    """Whether the query `rows` yields `count` rows, reading no further than that."""
    sql = f"SELECT count(*) FROM ({rows} LIMIT {int(count)})"
    return db.execute(sql, params).fetchone()[0] >= count


def _driver(db: Database, story_id: int, flt: FeedFilter, limit: int) -> tuple[str, str, dict]:
    """The most selective condition as a subquery of group ids, its name, and its parameters;
    none ("time") when the feed's time order is cheaper to walk."""
    walk = False  # a broad search or entity: checked per report (_conditions) along the time order
    if flt.searching:
        search = {"search": fts_query(flt.search)}
        if not _at_least(db, "SELECT 1 FROM articles_fts WHERE articles_fts MATCH :search", search, BROAD):
            return MATCHING_GROUPS, "search", search
        walk = True
    if flt.entity_id is not None:
        entity = {"entity": flt.entity_id}
        if not _at_least(db, "SELECT 1 FROM mentions WHERE entity_id = :entity", entity, BROAD):
            return _ENTITY_GROUPS, "entity", entity
        walk = True
    if flt.tag:
        return (
            "SELECT DISTINCT coalesce(c.group_id, t.article_id) AS gid FROM tags t"
            " LEFT JOIN coverage c ON c.article_id = t.article_id WHERE t.tag = :tag",
            "tag", {"tag": flt.tag},
        )
    if flt.source:
        return (
            "SELECT DISTINCT coalesce(c.group_id, s.id) AS gid FROM articles s"
            " LEFT JOIN coverage c ON c.article_id = s.id WHERE s.source = :source",
            "source", {"source": flt.source},
        )
    if flt.view == "on" and not walk and not on_story_is_dense(db, story_id, limit):
        return (
            "SELECT DISTINCT g.group_id AS gid FROM relevance r JOIN coverage g ON g.article_id = r.article_id"
            " WHERE r.story_id = :story AND r.on_story = 1",
            "view", {},
        )
    return "", "time", {}


def filtered_feed(
    db: Database,
    story_id: int,
    flt: FeedFilter,
    *,
    before: tuple[str, int] | None = None,
    limit: int = 200,
) -> list[StoryRow]:
    """One page of the story feed as `flt` narrows it, newest report first.

    `before` is the (sort_at, id) of the last row shown (keyset paging, as in `story_feed`).
    """
    if not flt.narrowed:
        return story_feed(db, story_id, show=flt.view, before=before, limit=limit)
    return story_rows(db, story_id, filtered_group_ids(db, story_id, flt, before=before, limit=limit))


def filtered_group_ids(
    db: Database, story_id: int, flt: FeedFilter, *, before: tuple[str, int] | None = None, limit: int = 200
) -> list[int]:
    driver, name, params = _driver(db, story_id, flt, limit)
    where, more = _conditions(flt, skip=name)
    params.update(more, story=story_id, limit=limit)
    if before is not None:
        where.append("(a.sort_at, a.id) < (:sort_at, :id)")
        params.update(sort_at=before[0], id=before[1])
    if driver:
        sql = f"SELECT a.id FROM ({driver}) d JOIN articles a ON a.id = d.gid"
    else:  # no selective condition: walk the feed's time order (named, or SQLite sorts a broad search's matches)
        sql = "SELECT a.id FROM articles a INDEXED BY articles_by_sort_at LEFT JOIN coverage c ON c.article_id = a.id"
        where.insert(0, "coalesce(c.group_id, a.id) = a.id")
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY a.sort_at DESC, a.id DESC LIMIT :limit"
    return [row[0] for row in db.execute(sql, params)]


def groups_in_filter(db: Database, story_id: int, flt: FeedFilter, group_ids: list[int]) -> set[int]:
    """Which of these coverage groups the filter lets through (for rows that arrive live)."""
    if not group_ids:
        return set()
    where, params = _conditions(flt)
    params["story"] = story_id
    found: set[int] = set()
    for start in range(0, len(group_ids), 500):
        chunk = group_ids[start : start + 500]
        marks = ", ".join(f":g{i}" for i in range(len(chunk)))
        sql = f"SELECT a.id FROM articles a WHERE a.id IN ({marks})" + "".join(f" AND {w}" for w in where)
        found.update(row[0] for row in db.execute(sql, {**params, **{f"g{i}": g for i, g in enumerate(chunk)}}))
    return found


def stored_sources(db: Database) -> list[str]:
    """Every outlet an article came from, by name (the articles_by_source index)."""
    return [row[0] for row in db.execute("SELECT DISTINCT source FROM articles WHERE source IS NOT NULL ORDER BY source")]


def stored_tags(db: Database) -> list[tuple[str, int]]:
    """Every tag in use and how many articles carry it (the tags_by_tag index)."""
    return [(row[0], row[1]) for row in db.execute("SELECT tag, count(*) FROM tags GROUP BY tag ORDER BY tag")]
