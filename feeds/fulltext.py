"""Full text: fetching on-story reports' own pages and extracting the article's text.

Feeds often carry a teaser only. With the optional `fulltext` extra (trafilatura), the poller
fetches the page of each on-story report after a feed round, with the feed fetcher's limits
(`fetch_feed`: timeouts, a size cap, bounded decompression, conditional GET), a few at a time
and at most `pages_per_host` per site. Every failure is recorded on the page and retried later
(`schedule.page_check_delay`); none ever stops a poll. trafilatura is imported only when a page
is extracted: it costs about 100 ms and most runs never need it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from storywatch.feeds.fetch import FetchError, FetchSettings, fetch_feed
from storywatch.feeds.schedule import PAGE_MAX_AGE, next_poll_at, page_check_delay
from storywatch.store.errors import UserError
from storywatch.store.pages import DuePage, due_pages, record_page
from storywatch.store.records import PageOutcome
from storywatch.store.times import from_iso, to_iso, utc_now

EXTRA = "fulltext"
MIN_TEXT = 200  # characters: less is a menu or a cookie notice (trafilatura returns "Home" for a bare nav), not a report
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]", re.I | re.S)


# Terminal escapes in the page's bytes, removed whole before parsing: the HTML parser drops the
# ESC byte alone and would leave "[31m" behind, where the store's cleaning can no longer see it.
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[PX^_][^\x1b]*(?:\x1b\\)?|\x1b[@-Z\\-_]")


class FullTextUnavailable(UserError):
    """Full text was asked for, but the extra that extracts it is not installed."""


def require_extractor() -> None:
    """Raise `FullTextUnavailable` (one line naming the extra) unless trafilatura can be imported."""
    try:
        import trafilatura  # noqa: F401
    except ImportError as error:
        raise FullTextUnavailable(
            f"full text needs the {EXTRA!r} extra: pip install 'storywatch[{EXTRA}]' ({error})"
        ) from None


def extract_text(html: bytes, url: str = "") -> str:
    """The article's own text in a page (no menus, comments or related links); "" if none is found."""
    import trafilatura  # lazily: see the module docstring

    text = trafilatura.extract(
        _ESCAPES.sub(b"", html),
        url=url or None,
        output_format="txt",
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_precision=True,  # a shorter text beats menus and teasers feeding entities and dedup
        with_metadata=False,
    )
    return text or ""


@dataclass
class PageReport:
    """What one round of page fetches did."""

    checked: int = 0
    stored: int = 0  # pages whose text became a new version of the article's body
    not_modified: int = 0
    failed: int = 0
    updated_ids: list[int] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # page url -> one-line error
    unfinished: int = 0  # pages still being fetched when the round's time was up (tried next round)


async def check_page(client: httpx.AsyncClient, page: DuePage, settings: FetchSettings = FetchSettings()) -> PageOutcome:
    """Fetch one page and extract its text; never raises for anything the site or the page does."""
    limits = dataclasses.replace(settings, max_bytes=settings.page_max_bytes, total_timeout=settings.page_timeout)
    status = None
    url = page.url
    try:
        fetched = await fetch_feed(
            client, page.url, etag=page.etag, last_modified=page.last_modified, settings=limits, accept=PAGE_ACCEPT
        )
        status, url = fetched.status, fetched.url
        if fetched.not_modified:
            return _outcome(page, url, ok=True, status=304, not_modified=True)
        if not _is_html(fetched.body, fetched.content_type):
            mime = fetched.content_type.split(";")[0].strip()[:80] or "no content type"
            raise FetchError(f"not a web page: got {mime}")
        # In a worker thread: extraction takes milliseconds to tens of them, and the loop has deadlines.
        text = await asyncio.to_thread(extract_text, fetched.body, url)
        if len(text.strip()) < MIN_TEXT:
            raise FetchError(f"no article text found on the page ({len(text.strip())} characters)")
    except FetchError as error:
        return _outcome(page, url, ok=False, status=error.status or status, error=str(error))
    except ImportError as error:  # the extra was removed under a running fetcher: say so on the page
        return _outcome(page, url, ok=False, status=status, error=f"cannot extract: the {EXTRA!r} extra is missing ({error})")
    except Exception as error:  # noqa: BLE001 - one page's surprise must not stop the others
        message = f"internal error: {type(error).__name__}: {' '.join(str(error).split())[:200]}"
        return _outcome(page, url, ok=False, status=status, error=message)
    return _outcome(
        page, url, ok=True, status=status, text=text, etag=fetched.etag, last_modified=fetched.last_modified
    )


def _outcome(page: DuePage, url: str, *, ok: bool, **fields) -> PageOutcome:
    now = utc_now()
    age = (now - from_iso(page.sort_at)).total_seconds()
    delay = page_check_delay(age, ok=ok, failures=0 if ok else page.attempts + 1)
    next_check = None if delay is None else to_iso(next_poll_at(now, delay))
    return PageOutcome(article_id=page.article_id, url=url, checked_at=to_iso(now), ok=ok, next_check_at=next_check, **fields)


def _is_html(body: bytes, content_type: str) -> bool:
    mime = content_type.split(";")[0].strip().lower()
    if mime in _HTML_TYPES:
        return True
    # A server that does not say, or says text/plain for HTML, as misconfigured ones do.
    return mime in ("", "text/plain", "application/octet-stream") and bool(_HTML_START.match(body[:4096]))


InStore = Callable[..., Awaitable]  # runs `function(db, *args)` in the round's store thread


async def page_round(client: httpx.AsyncClient, settings: FetchSettings, in_store: InStore) -> PageReport:
    """Fetch the due pages, up to `settings.pages_per_round`, storing each as soon as it is extracted.

    `page_concurrency` pages at once and `pages_per_host` from one site, for at most
    `page_round_seconds`, so slow sites never hold up the next feed round for long. A database error
    propagates (the caller's round reports it); nothing a site does does. Whoever turns full
    text on checks `require_extractor()` first (the command line does).
    """
    now = utc_now()
    pages = await in_store(due_pages, to_iso(now), max(0, settings.pages_per_round), _since(now))
    report = PageReport()
    gate = asyncio.Semaphore(max(1, settings.page_concurrency))
    hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(max(1, settings.pages_per_host)))

    async def fetch(page: DuePage) -> None:
        async with hosts[_host(page.url)], gate:
            outcome = await check_page(client, page, settings)
            changed = await in_store(record_page, outcome)
        report.checked += 1
        if not outcome.ok:
            report.failed += 1
            report.errors[page.url] = outcome.error or "unknown error"
        elif outcome.not_modified:
            report.not_modified += 1
        if changed:
            report.stored += 1
            report.updated_ids.append(page.article_id)

    tasks = [asyncio.ensure_future(fetch(page)) for page in pages]
    try:
        done, late = await asyncio.wait(tasks, timeout=settings.page_round_seconds) if tasks else (set(), set())
        report.unfinished = len(late)  # still due: the next round starts with them
        for task in done:
            task.result()  # a database error: the caller's round reports it
    finally:
        for task in tasks:
            task.cancel()  # only those still running: over the budget, a sibling failed, or the round was cancelled
        await asyncio.gather(*tasks, return_exceptions=True)
    return report


def _since(now) -> str:
    """The oldest report time whose page may still be due."""
    return to_iso(next_poll_at(now, -PAGE_MAX_AGE))


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
