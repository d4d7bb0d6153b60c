"""What the dashboard reads. Every query here is bounded and served by an index."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database


@dataclass(frozen=True)
class ArticleRow:
    """One line of the story feed."""

    id: int
    kind: str
    title: str
    source: str | None
    url: str | None
    sort_at: str
    published_at: str | None
    read_at: str | None
    revision_count: int


# An article's outlet: its own source, else the title (or address) of the first feed it came from.
SOURCE_OF_ARTICLE = """coalesce(a.source, (SELECT coalesce(f.title, f.url) FROM feed_articles fa JOIN feeds f ON f.id = fa.feed_id
                            WHERE fa.article_id = a.id ORDER BY fa.first_seen_at LIMIT 1))"""

_ROW_COLUMNS = f"""
    a.id, a.kind, a.title, {SOURCE_OF_ARTICLE},
    a.url, a.sort_at, a.published_at, a.read_at, a.revision_count
"""


def latest_articles(db: Database, limit: int = 500) -> list[ArticleRow]:
    """The newest articles first: the story feed's first page."""
    rows = db.execute(
        f"SELECT {_ROW_COLUMNS} FROM articles a ORDER BY a.sort_at DESC, a.id DESC LIMIT ?", [limit]
    ).fetchall()
    return [ArticleRow(*row) for row in rows]


def articles_after_id(db: Database, article_id: int, limit: int = 1000) -> list[ArticleRow]:
    """Articles stored since the dashboard last looked, so it adds only the new rows."""
    rows = db.execute(
        f"SELECT {_ROW_COLUMNS} FROM articles a WHERE a.id > ? ORDER BY a.id LIMIT ?", [article_id, limit]
    ).fetchall()
    return [ArticleRow(*row) for row in rows]


def max_article_id(db: Database) -> int:
    return db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]


@dataclass(frozen=True)
class FetcherSummary:
    """The header's view of the fetcher: how many feeds, how many failing, when last polled."""

    feeds: int
    failing: int
    last_polled_at: str | None
    articles: int


def fetcher_summary(db: Database) -> FetcherSummary:
    feeds, failing, last_polled = db.execute(
        "SELECT count(*), coalesce(sum(failure_count > 0), 0), max(last_polled_at) FROM feeds"
    ).fetchone()
    articles = max_article_id(db)  # articles are never deleted, so the last id counts them without a scan
    return FetcherSummary(feeds, failing, last_polled, articles)


def story_title(db: Database, name: str) -> str | None:
    row = db.execute("SELECT title FROM stories WHERE name = ?", [name]).fetchone()
    return row[0] if row else None


@dataclass(frozen=True)
class ArticleDetail:
    """Everything the article screen shows about one article."""

    row: ArticleRow
    author: str | None
    summary: str
    body: str
    first_seen_at: str
    updated_at: str


def article_detail(db: Database, article_id: int) -> ArticleDetail | None:
    row = db.execute(
        f"SELECT {_ROW_COLUMNS}, a.author, coalesce(a.summary, ''), coalesce(a.body, ''), a.first_seen_at,"
        " a.updated_at FROM articles a WHERE a.id = ?",
        [article_id],
    ).fetchone()
    if row is None:
        return None
    return ArticleDetail(ArticleRow(*row[:9]), *row[9:])


def story_id(db: Database, name: str) -> int | None:
    row = db.execute("SELECT id FROM stories WHERE name = ?", [name]).fetchone()
    return row[0] if row else None


def entities_in_seeds(db: Database, story_id: int) -> set[int]:
    """Entities some seed names; the others are new since the seeds."""
    sql = "SELECT DISTINCT m.entity_id FROM articles a JOIN mentions m ON m.article_id = a.id"
    return {r[0] for r in db.execute(sql + " WHERE a.story_id = ? AND a.kind = 'seed'", [story_id])}


def naming(db: Database, entity_id: int, article_ids: list[int]) -> set[int]:
    """Which of these articles name the entity (the mentions_by_entity index)."""
    sql = f"SELECT article_id FROM mentions WHERE entity_id = ? AND article_id IN ({','.join('?' * len(article_ids))})"
    return {r[0] for r in db.execute(sql, [entity_id, *article_ids])} if article_ids else set()
