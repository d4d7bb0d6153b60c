"""The feeds a user follows and how each one is doing."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database

from storywatch.store.errors import UserError
from storywatch.store.text.clean import clean_line
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
    poll_interval: float | None = None  # seconds, as last chosen; None until measured
    ttl: float | None = None  # seconds the feed's RSS <ttl> asked for at its last full answer


_FEED_COLUMNS = "id, url, title, etag, last_modified, failure_count, next_poll_at, poll_interval, ttl"


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
    poll_interval: float | None = None  # seconds between polls while healthy, from how often it publishes
    next_poll_at: str | None = None
    wait: float | None = None  # seconds from the last poll to the next: the interval, a ttl or max-age, or a backoff

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
        db.execute("DELETE FROM feed_tags WHERE feed_id = ?", [row[0]])
        db.execute("DELETE FROM feeds WHERE id = ?", [row[0]])
    return row[1]


@dataclass(frozen=True)
class FeedEntry:
    """A feed as a feed list (OPML) holds it: its address, its name, its tags (folder paths)."""

    url: str
    title: str | None = None
    tags: tuple[str, ...] = ()


@dataclass
class ImportReport:
    """What an import did, feed by feed, for the user to check."""

    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # followed before; their tags were added
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (url, why)


def import_feeds(db: Database, entries: list[FeedEntry]) -> ImportReport:
    """Follow every feed of a list in one transaction. A feed already followed (in any spelling)
    keeps its row and gains the list's tags (and its title, if it had none); a URL `feeds add`
    would refuse is skipped with the reason."""
    report = ImportReport()
    with db.atomic():
        followed = _followed_by_spelling(db)  # once: a lookup per entry would compare every stored URL
        for entry in entries:
            try:
                url = feed_url(entry.url)
            except FeedUrlError as error:
                report.skipped.append((entry.url, str(error)))
                continue
            title = clean_line(entry.title, 300) or None
            row = followed.get(url)
            if row is None:
                feed_id = db["feeds"].insert({"url": url, "title": title, "added_at": now_iso()}).last_pk
                followed[url] = (feed_id, url)
                report.added.append(url)
            else:
                feed_id, url = row
                if title:
                    db.execute("UPDATE feeds SET title = ? WHERE id = ? AND title IS NULL", [title, feed_id])
                report.already.append(url)
            tags = [tag for tag in (clean_line(tag, 200) for tag in entry.tags) if tag]
            db.conn.executemany("INSERT OR IGNORE INTO feed_tags (feed_id, tag) VALUES (?, ?)", [(feed_id, tag) for tag in tags])
    return report


def _followed_by_spelling(db: Database) -> dict[str, tuple[int, str]]:
    """Every followed feed by the spelling `feed_url` makes of its URL (as `_feed_row` compares)."""
    followed: dict[str, tuple[int, str]] = {}
    for feed_id, stored in db.execute("SELECT id, url FROM feeds ORDER BY id").fetchall():
        try:
            followed.setdefault(feed_url(stored), (feed_id, stored))
        except FeedUrlError:
            followed.setdefault(stored, (feed_id, stored))
    return followed


def feed_list(db: Database) -> list[FeedEntry]:
    """Every followed feed with its title and tags, in the order they were added (for export)."""
    tags: dict[int, list[str]] = {}
    for feed_id, tag in db.execute("SELECT feed_id, tag FROM feed_tags ORDER BY feed_id, tag").fetchall():
        tags.setdefault(feed_id, []).append(tag)
    return [
        FeedEntry(url, title, tuple(tags.get(feed_id, ())))
        for feed_id, url, title in db.execute("SELECT id, url, title FROM feeds ORDER BY id").fetchall()
    ]


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
        f"SELECT {_FEED_COLUMNS} FROM feeds"
        " WHERE next_poll_at IS NULL OR next_poll_at <= ? ORDER BY next_poll_at IS NOT NULL, next_poll_at, id",
        [now],
    ).fetchall()
    return [Feed(*row) for row in rows]


def all_feeds(db: Database) -> list[Feed]:
    rows = db.execute(f"SELECT {_FEED_COLUMNS} FROM feeds ORDER BY id").fetchall()
    return [Feed(*row) for row in rows]


def feed_statuses(db: Database) -> list[FeedStatus]:
    """Every feed with its health and how many articles it has brought."""
    rows = db.execute(
        """
        SELECT f.id, f.url, f.title, f.last_polled_at, f.last_success_at, f.last_error,
               f.last_error_at, f.failure_count,
               (SELECT count(*) FROM feed_articles fa WHERE fa.feed_id = f.id), f.poll_interval, f.next_poll_at,
               round((julianday(f.next_poll_at) - julianday(f.last_polled_at)) * 86400)
        FROM feeds f ORDER BY f.id
        """
    ).fetchall()
    return [FeedStatus(*row) for row in rows]


def move_feed(db: Database, feed_id: int, new_url: str) -> int | None:
    """Follow a feed at the address it moved to for good (a 301 or 308); returns the id it is
    followed under now, or None when the address is unusable or the feed is gone.

    If the new address is already followed, the two become one: the moved feed's articles are
    linked to the feed already there, which keeps its own title, validators and schedule, and
    the moved feed's row goes. Call inside the transaction that records the poll.
    """
    try:
        new_url = feed_url(new_url)
    except FeedUrlError:
        return None
    current = db.execute("SELECT url, title FROM feeds WHERE id = ?", [feed_id]).fetchone()
    if current is None:
        return None
    if current[0] == new_url:
        return feed_id
    there = _feed_row(db, new_url)
    if there is None or there[0] == feed_id:
        db.execute("UPDATE feeds SET url = ? WHERE id = ?", [new_url, feed_id])
        return feed_id
    target = there[0]
    db.execute(
        "INSERT OR IGNORE INTO feed_articles (feed_id, article_id, guid, first_seen_at)"
        " SELECT ?, article_id, guid, first_seen_at FROM feed_articles WHERE feed_id = ?",
        [target, feed_id],
    )
    db.execute("UPDATE feeds SET title = coalesce(title, ?) WHERE id = ?", [current[1], target])
    db.execute("DELETE FROM feed_articles WHERE feed_id = ?", [feed_id])
    db.execute("DELETE FROM feeds WHERE id = ?", [feed_id])
    return target


def next_poll_time(db: Database) -> str | None:
    """When the earliest feed is due, so a watcher can sleep until then."""
    return db.execute("SELECT min(coalesce(next_poll_at, '')) FROM feeds").fetchone()[0]
