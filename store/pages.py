"""Full text from the reports' own pages: which pages are due, and what a fetch found.

The fetching happens in `feeds.fulltext`; this module only speaks SQL. A page's text is stored
as the article's body through `record_version`, so it is a revision (the first page text a quiet one, a later change an edit), and the
article is analysed again in the same transaction (entities, duplicate fingerprints, relevance).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from storywatch.store.analysis import analyse_articles
from storywatch.store.records import PageOutcome
from storywatch.store.text.clean import clean_block, clean_line


@dataclass(frozen=True)
class DuePage:
    """An on-story article whose page should be fetched now."""

    article_id: int
    url: str
    etag: str | None
    last_modified: str | None
    attempts: int  # consecutive failures so far
    sort_at: str  # the report's time: its age sets the schedule


def due_pages(db: Database, now: str, limit: int, since: str) -> list[DuePage]:
    """Up to `limit` pages to fetch: never fetched first (newest report first), then the most overdue.

    Only feed articles on some story with an http(s) link, reported at or after `since` (older
    ones are past the schedule: the walk down the time index stops there); a page checked for
    the last time has `next_check_at` NULL and is never due again.
    """
    on_story = "EXISTS (SELECT 1 FROM relevance r WHERE r.article_id = a.id AND r.on_story = 1)"
    web = "a.kind = 'feed' AND (a.url LIKE 'http://%' OR a.url LIKE 'https://%')"
    rows = db.execute(
        f"SELECT a.id, a.url, NULL, NULL, 0, a.sort_at FROM articles a"
        f" WHERE a.sort_at >= ? AND {web} AND {on_story}"
        f" AND NOT EXISTS (SELECT 1 FROM page_fetches p WHERE p.article_id = a.id)"
        f" ORDER BY a.sort_at DESC, a.id DESC LIMIT ?",
        [since, limit],
    ).fetchall()
    if len(rows) < limit:
        rows += db.execute(
            f"SELECT a.id, a.url, p.etag, p.last_modified, p.attempts, a.sort_at"
            f" FROM page_fetches p JOIN articles a ON a.id = p.article_id"
            f" WHERE p.next_check_at IS NOT NULL AND p.next_check_at <= ? AND {web} AND {on_story}"
            f" ORDER BY p.next_check_at LIMIT ?",
            [now, limit - len(rows)],
        ).fetchall()
    return [DuePage(*row) for row in rows]


def record_page(db: Database, outcome: PageOutcome) -> bool:
    """Store one fetch's outcome, and its text as the article's body; True when the body changed.

    One transaction: the body, the revision, the re-analysis and the fetch's row go in together.
    A failure keeps the validators of the last stored text, so a later 304 still means "as stored".
    """
    from storywatch.store.ingest import record_version  # here: ingest imports this module

    with db.atomic():
        row = db.execute(
            "SELECT a.title, a.summary, p.attempts, p.etag, p.last_modified, p.text_at"
            " FROM articles a LEFT JOIN page_fetches p ON p.article_id = a.id WHERE a.id = ?",
            [outcome.article_id],
        ).fetchone()
        if row is None:
            return False  # deleted while its page was being fetched
        title, summary, attempts, etag, last_modified, text_at = row
        changed = False
        body = clean_block(outcome.text)
        if outcome.ok and body:
            # The first text from the report's page is no edit by its outlet: kept quietly (not
            # unread, not risen); a later check that finds the page changed is an edit like any.
            state = record_version(
                db, outcome.article_id, title, summary or "", body, outcome.checked_at,
                news=text_at is not None, changes="full text from the report's page",
            )
            changed = state != "unchanged"
            if changed:
                analyse_articles(db, [outcome.article_id])
            etag, last_modified, text_at = outcome.etag, outcome.last_modified, outcome.checked_at
        status = "failed" if not outcome.ok else "not_modified" if outcome.not_modified else "ok"
        db.execute(
            "INSERT OR REPLACE INTO page_fetches (article_id, url, status, http_status, etag, last_modified,"
            " fetched_at, next_check_at, attempts, error, text_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                outcome.article_id,
                clean_line(outcome.url, 2000),
                status,
                outcome.status,
                etag,
                last_modified,
                outcome.checked_at,
                outcome.next_check_at,
                0 if outcome.ok else (attempts or 0) + 1,
                None if outcome.ok else clean_line(outcome.error, 500) or "unknown error",
                text_at,
            ],
        )
    return changed


def page_body(db: Database, article_id: int) -> str | None:
    """The body a page gave the article, if one did: a feed's teaser must not replace it."""
    row = db.execute(
        "SELECT a.body FROM page_fetches p JOIN articles a ON a.id = p.article_id"
        " WHERE p.article_id = ? AND p.text_at IS NOT NULL",
        [article_id],
    ).fetchone()
    return row[0] if row else None


def page_statuses(db: Database) -> dict[str, int]:
    """How many pages are in each state (`ok`, `not_modified`, `failed`), for the fetch report."""
    return dict(db.execute("SELECT status, count(*) FROM page_fetches GROUP BY status").fetchall())
