"""The plain records other packages hand to the store. No SQL, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ArticleRecord:
    """One item as a feed delivered it, already turned into plain text by the fetcher."""

    title: str
    url: str = ""
    guid: str = ""
    summary: str = ""
    body: str = ""
    author: str = ""
    source: str = ""
    published_at: str | None = None  # ISO 8601 UTC, see store.times


@dataclass(frozen=True)
class PollOutcome:
    """What one poll of one feed found out, success or not."""

    polled_at: str
    ok: bool
    status: int | None = None
    error: str | None = None
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    next_poll_at: str | None = None
    feed_title: str | None = None
    site_url: str | None = None
    poll_interval: float | None = None  # seconds: how often the feed is polled when healthy (None: unchanged)
    ttl: float | None = None  # seconds the feed's RSS <ttl> asks for (a 304 keeps the stored one)
    max_age: float | None = None  # seconds the server's Cache-Control max-age / Expires asked for
    moved_to: str | None = None  # the feed's new address after a permanent redirect


@dataclass
class IngestResult:
    """Which articles a poll added or changed, so a caller can tell the dashboard."""

    new_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    moved: tuple[str, str] | None = None  # (old address, new one) when the feed moved for good


@dataclass(frozen=True)
class PageOutcome:
    """What one fetch of an article's own page found: its text, a 304, or why it failed."""

    article_id: int
    url: str
    checked_at: str
    ok: bool
    next_check_at: str | None  # None: never again
    status: int | None = None
    not_modified: bool = False
    text: str = ""  # the extracted article text (empty on a 304 or a failure)
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
