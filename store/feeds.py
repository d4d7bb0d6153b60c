"""The feeds a user follows and how each one is doing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from storywatch.store.errors import UserError
from storywatch.store.text.urls import FeedUrlError, feed_url
from storywatch.store.times import now_iso


class FeedError(UserError):
    """A feed command that cannot be done; the message is meant for the user."""


@dataclass(frozen=True)
class Feed:
    id: int
    url: str
    title: str | None
    etag: str | None
    last_modified: str | None
    failure_count: int
    next_poll_at: str | None


@dataclass(frozen=True)
class FeedStatus:
    id: int
    url: str
    title: str | None
    last_polled_at: str | None
    last_success_at: str | None
    last_error: str | None
    last_error_at: str | None
    failure_count: int
    item_count: int

    @property
    def failing(self) -> bool:
        return self.failure_count > 0


def add_feed(db: Database, url: str, title: str | None = None) -> int:
    """Follow a feed; adding one already followed (in any spelling) is an error the user should see."""
    try:
        url = feed_url(url)
    except FeedUrlError as error:
        raise FeedError(str(error)) from None
    if _feed_row(db, url) is not None:
        raise FeedError(f"already following {url}")
    with db.atomic():
        return db["feeds"].insert({"url": url, "title": title, "added_at": now_iso()}).last_pk


def remove_feed(db: Database, url_or_id: str) -> str:
    """Stop following a feed. Its articles stay: removing a feed loses no story."""
    row = _feed_row(db, url_or_id)
    if row is None:
        raise FeedError(f"no such feed: {url_or_id}")
    with db.atomic():
        db.execute("DELETE FROM feed_articles WHERE feed_id = ?", [row[0]])
        db.execute("DELETE FROM feeds WHERE id = ?", [row[0]])
    return row[1]


def _feed_row(db: Database, url_or_id: str) -> tuple[int, str] | None:
    """The feed with this id or URL, the URL in any spelling `feed_url` makes the same (feeds
    stored before URLs were normalised, or from a story file, are compared the same way)."""
    row = db.execute(
        "SELECT id, url FROM feeds WHERE url = ? OR CAST(id AS TEXT) = ?", [url_or_id, url_or_id]
    ).fetchone()
    if row is not None:
        return row
    try:
        wanted = feed_url(url_or_id)
    except FeedUrlError:
        return None
    for feed_id, stored in db.execute("SELECT id, url FROM feeds ORDER BY id").fetchall():
        try:
            if feed_url(stored) == wanted:
                return feed_id, stored
        except FeedUrlError:
            continue
    return None


def due_feeds(db: Database, now: str | None = None) -> list[Feed]:
    """Feeds whose next poll time has come (or that were never polled)."""
    now = now or now_iso()
    rows = db.execute(
        "SELECT id, url, title, etag, last_modified, failure_count, next_poll_at FROM feeds"
        " WHERE next_poll_at IS NULL OR next_poll_at <= ? ORDER BY next_poll_at IS NOT NULL, next_poll_at, id",
        [now],
    ).fetchall()
    return [Feed(*row) for row in rows]


def all_feeds(db: Database) -> list[Feed]:
    rows = db.execute(
        "SELECT id, url, title, etag, last_modified, failure_count, next_poll_at FROM feeds ORDER BY id"
    ).fetchall()
    return [Feed(*row) for row in rows]


def feed_statuses(db: Database) -> list[FeedStatus]:
    """Every feed with its health and how many articles it has brought."""
    rows = db.execute(
        """
        SELECT f.id, f.url, f.title, f.last_polled_at, f.last_success_at, f.last_error,
               f.last_error_at, f.failure_count,
               (SELECT count(*) FROM feed_articles fa WHERE fa.feed_id = f.id)
        FROM feeds f ORDER BY f.id
        """
    ).fetchall()
    return [FeedStatus(*row) for row in rows]


def next_poll_time(db: Database) -> str | None:
    """When the earliest feed is due, so a watcher can sleep until then."""
    return db.execute("SELECT min(coalesce(next_poll_at, '')) FROM feeds").fetchone()[0]
