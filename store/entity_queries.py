"""What the sidebar reads about the story's people, organisations and places."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from storywatch.store.queries import _ROW_COLUMNS, ArticleRow

KIND_ORDER = ("person", "org", "place")


def on_story_condition(db: Database, article: str = "a") -> str:
    """SQL that is true for an article that counts for the story: a seed, or an article the
    story engine marked on-story. Before the engine has scored anything (no `relevance`
    table yet), every article counts. The one place this rule lives."""
    has_relevance = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'relevance'"
    ).fetchone()
    if not has_relevance:
        return "1"
    return (
        f"({article}.kind = 'seed' OR EXISTS (SELECT 1 FROM relevance r"
        f" WHERE r.article_id = {article}.id AND r.on_story = 1))"
    )


@dataclass(frozen=True)
class EntityCount:
    id: int
    kind: str  # person, org or place
    name: str
    mentions: int
    articles: int


@dataclass(frozen=True)
class EntityDetail:
    id: int
    kind: str
    name: str
    aliases: list[str]  # every other way the articles wrote it, most used first
    mentions: int
    articles: int
    first_article_id: int
    first_seen_at: str  # the sort time of the earliest article naming it
    new_since_seeds: bool  # no seed article names it
    per_day: list[tuple[str, int]]  # (YYYY-MM-DD, mentions), oldest first
    appears_with: list[EntityCount]  # other entities in the same articles; count = shared articles


def top_entities(db: Database, per_kind: int = 10) -> dict[str, list[EntityCount]]:
    """The most mentioned people, organisations and places in on-story articles, by kind."""
    rows = db.execute(
        f"""
        SELECT id, kind, name, mentions, articles FROM (
            SELECT e.id, e.kind, e.name, count(*) AS mentions, count(DISTINCT m.article_id) AS articles,
                   row_number() OVER (PARTITION BY e.kind
                                      ORDER BY count(*) DESC, count(DISTINCT m.article_id) DESC, e.name) AS rank
            FROM mentions m
            JOIN entities e ON e.id = m.entity_id
            JOIN articles a ON a.id = m.article_id
            WHERE {on_story_condition(db)}
            GROUP BY e.id
        ) WHERE rank <= ? ORDER BY kind, rank
        """,
        [per_kind],
    ).fetchall()
    grouped: dict[str, list[EntityCount]] = {kind: [] for kind in KIND_ORDER}
    for row in rows:
        grouped[row[1]].append(EntityCount(*row))
    return grouped


def top_entities_overall(db: Database, limit: int = 15) -> list[EntityCount]:
    """The most mentioned entities of any kind in on-story articles."""
    rows = db.execute(
        f"""
        SELECT e.id, e.kind, e.name, count(*) AS mentions, count(DISTINCT m.article_id) AS articles
        FROM mentions m
        JOIN entities e ON e.id = m.entity_id
        JOIN articles a ON a.id = m.article_id
        WHERE {on_story_condition(db)}
        GROUP BY e.id ORDER BY mentions DESC, articles DESC, e.name LIMIT ?
        """,
        [limit],
    ).fetchall()
    return [EntityCount(*row) for row in rows]


def entity_detail(db: Database, entity_id: int, with_limit: int = 10) -> EntityDetail | None:
    """Everything the sidebar shows about one entity; None if it no longer exists."""
    row = db.execute("SELECT id, kind, name FROM entities WHERE id = ?", [entity_id]).fetchone()
    if row is None:
        return None
    aliases = [
        alias
        for (alias,) in db.execute(
            "SELECT a.alias FROM entity_aliases a WHERE a.entity_id = ? ORDER BY"
            " (SELECT count(*) FROM mentions m WHERE m.entity_id = a.entity_id AND m.text = a.alias) DESC, a.alias",
            [entity_id],
        )
        if alias != row[2]
    ]
    mentions, articles, seeds = db.execute(
        "SELECT count(*), count(DISTINCT m.article_id), coalesce(sum(a.kind = 'seed'), 0)"
        " FROM mentions m JOIN articles a ON a.id = m.article_id WHERE m.entity_id = ?",
        [entity_id],
    ).fetchone()
    first = db.execute(
        "SELECT a.id, a.sort_at FROM articles a WHERE a.id IN (SELECT article_id FROM mentions WHERE entity_id = ?)"
        " ORDER BY a.sort_at, a.id LIMIT 1",
        [entity_id],
    ).fetchone()
    if first is None:
        return None
    per_day = [
        (day, count)
        for day, count in db.execute(
            "SELECT substr(a.sort_at, 1, 10) AS day, count(*) FROM mentions m JOIN articles a ON a.id = m.article_id"
            " WHERE m.entity_id = ? GROUP BY day ORDER BY day",
            [entity_id],
        )
    ]
    appears_with = [
        EntityCount(*r)
        for r in db.execute(
            """
            SELECT e.id, e.kind, e.name, count(*) AS mentions, count(DISTINCT other.article_id) AS articles
            FROM mentions other JOIN entities e ON e.id = other.entity_id
            WHERE other.article_id IN (SELECT article_id FROM mentions WHERE entity_id = ?)
              AND other.entity_id != ?
            GROUP BY e.id ORDER BY articles DESC, mentions DESC, e.name LIMIT ?
            """,
            [entity_id, entity_id, with_limit],
        )
    ]
    return EntityDetail(
        id=row[0],
        kind=row[1],
        name=row[2],
        aliases=aliases,
        mentions=mentions,
        articles=articles,
        first_article_id=first[0],
        first_seen_at=first[1],
        new_since_seeds=seeds == 0,
        per_day=per_day,
        appears_with=appears_with,
    )


def articles_naming(
    db: Database, entity_id: int, limit: int = 500, before: tuple[str, int] | None = None
) -> list[ArticleRow]:
    """The story feed filtered to one entity, newest first, paged by (sort_at, id) like the
    unfiltered feed. Served by the mentions_by_entity index."""
    where, params = "", [entity_id]
    if before is not None:
        where = " AND (a.sort_at, a.id) < (?, ?)"
        params += [before[0], before[1]]
    rows = db.execute(
        f"SELECT {_ROW_COLUMNS} FROM articles a"
        f" WHERE a.id IN (SELECT article_id FROM mentions WHERE entity_id = ?){where}"
        " ORDER BY a.sort_at DESC, a.id DESC LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [ArticleRow(*row) for row in rows]


def entity_ids_named(db: Database, name: str) -> list[int]:
    """Entities that go by this name (any of their aliases), for a filter typed by the user."""
    from storywatch.store.text.gazetteer import name_key

    return [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT entity_id FROM entity_aliases WHERE key = ? UNION"
            " SELECT id FROM entities WHERE key = ?",
            [name_key(name), name_key(name)],
        )
    ]
