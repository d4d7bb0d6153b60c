"""Turning fetched feed bytes into plain article records: a fast path for well-formed RSS 2.0
and Atom (feeds/fastparse.py), feedparser for the rest, selectolax for the HTML inside them.
Pure functions, no I/O."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime

import feedparser
from selectolax.lexbor import LexborHTMLParser

from storywatch.feeds.fastparse import Unsupported, read_feed
from storywatch.store.records import ArticleRecord
from storywatch.store.text.urls import is_web_url, joined
from storywatch.store.times import to_iso


class ParseError(Exception):
    """The bytes are not a usable feed; the message is one line meant for the user."""


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    site_url: str | None
    items: list[ArticleRecord] = field(default_factory=list)
    version: str = ""  # feedparser's name for the format: rss20, rss10, atom10, ...
    malformed: bool = False  # the XML was broken but items could still be read
    ttl: float | None = None  # seconds the feed asks to be left alone (RSS <ttl> is in minutes)


_HTML_TYPES = ("text/html", "application/xhtml+xml")
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S)
_FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(?:rss|feed|rdf|RDF)[\s>]")


def parse_feed(body: bytes, *, url: str = "", content_type: str = "", fast: bool = True) -> ParsedFeed:
    """Read an RSS 0.9x / 1.0 / 2.0 or Atom document into records.

    Broken XML that still yields items is accepted (feeds in the wild often are); broken XML
    with no items, an HTML page or an empty body is a `ParseError`. Well-formed UTF-8 RSS 2.0
    and Atom take the fast path (feeds/fastparse.py) unless `fast` is off; the records are the
    same as feedparser's, which reads everything else.
    """
    if not body.strip():
        raise ParseError("empty response (no feed in the body)")
    parsed = None
    if fast:
        try:
            parsed = read_feed(body, url=url, content_type=content_type)
        except Unsupported:
            pass
    if parsed is None:
        parsed = _feedparser(body, url, content_type)
    entries = parsed.entries
    if not entries:
        if _looks_like_html(body, content_type):
            raise ParseError(f"not a feed: got {_mime(content_type) or 'text/html'} page")
        if parsed.bozo:
            raise ParseError(f"malformed feed: {_bozo_message(parsed.bozo_exception)}")
        if not parsed.version:
            raise ParseError(f"not a feed: no RSS or Atom document found ({_mime(content_type) or 'no content type'})")
    feed = parsed.feed
    feed_title = _text_of(feed, "title") or None
    site_url = _safe_url(feed.get("link", ""), url) or None
    items = [_record(entry, feed_title or "", url) for entry in entries]
    return ParsedFeed(
        title=feed_title,
        site_url=site_url,
        items=items,
        version=parsed.version,
        malformed=parsed.bozo,
        ttl=_ttl(feed.get("ttl")),
    )


@dataclass(frozen=True)
class _Read:
    feed: dict
    entries: list
    version: str
    bozo: bool
    bozo_exception: object = None


def _feedparser(body: bytes, url: str, content_type: str) -> _Read:
    headers = {"content-location": url} if url else {}
    if content_type:
        headers["content-type"] = content_type
    # A BytesIO, never raw bytes or a str: feedparser would treat a short body as a file path
    # or a URL and open it itself.
    # feedparser's HTML sanitizing and link rewriting are skipped: html_to_text keeps only text.
    try:
        parsed = feedparser.parse(
            io.BytesIO(body), response_headers=headers, sanitize_html=False, resolve_relative_uris=False
        )
    except Exception as error:  # noqa: BLE001 - feedparser means never to raise; when it does, the bytes are unusable
        # Seen: an encoding declaration with a NUL or a stray byte in its name (ValueError,
        # UnicodeDecodeError from feedparser's encoding detection).
        raise ParseError(f"unreadable feed: {type(error).__name__}: {' '.join(str(error).split())[:200]}") from None
    return _Read(
        feed=parsed.get("feed") or {},
        entries=parsed.get("entries") or [],
        version=parsed.get("version") or "",
        bozo=bool(parsed.get("bozo")),
        bozo_exception=parsed.get("bozo_exception"),
    )


def _ttl(value) -> float | None:
    """RSS <ttl> minutes as seconds; None when absent, zero or not a whole number."""
    value = str(value or "").strip()
    return float(int(value)) * 60 if value.isdigit() and 0 < int(value) < 10**7 else None


def _record(entry, feed_title: str, base_url: str) -> ArticleRecord:
    summary = _text_of(entry, "summary")
    body = ""
    for content in entry.get("content") or []:
        text = html_to_text(content.get("value", "")) if _is_html(content) else (content.get("value") or "")
        if text.strip() and text.strip() != summary.strip():
            body = text
            break
    source = entry.get("source") or {}
    return ArticleRecord(
        title=_text_of(entry, "title"),
        url=_safe_url(entry.get("link", ""), base_url),
        guid=(entry.get("id") or "").strip(),
        summary=summary,
        body=body,
        author=entry.get("author") or "",
        source=(source.get("title") if hasattr(source, "get") else "") or feed_title,
        published_at=entry_time(entry),
    )


# Years a real item can carry: a year 1 or 9999 (placeholders, overflowed fields) is no date,
# and a local-time view of it would not fit in a datetime.
_PLAUSIBLE_YEARS = range(1000, 9999)


def entry_time(entry) -> str | None:
    """When the item says it was published (or else last updated), as ISO UTC."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        # dict.get, not entry.get: feedparser maps a missing updated_parsed to published_parsed
        # (the one that just failed) with a DeprecationWarning.
        moment = dict.get(entry, key)
        if moment:
            try:
                when = datetime(*moment[:6])
            except (TypeError, ValueError, OverflowError):
                continue
            if when.year in _PLAUSIBLE_YEARS:
                return to_iso(when)
    return None


def _text_of(node, key: str) -> str:
    """A feed field as plain text, converting HTML only when the feed says it is HTML."""
    value = node.get(key) or ""
    detail = node.get(f"{key}_detail") or {}
    if _is_html(detail):
        return html_to_text(value)
    return value


def _is_html(detail) -> bool:
    return (detail.get("type") or "").lower() in _HTML_TYPES


_BLOCKS = (
    "p, div, section, article, header, footer, aside, blockquote, pre, figure, figcaption,"
    " h1, h2, h3, h4, h5, h6, ul, ol, dl, table, hr, address"
)
_LINES = "br, li, dt, dd, tr"
_DROP = ["script", "style", "template", "noscript", "iframe", "object", "svg", "math", "head"]
_PARAGRAPH = "\ue000"  # private-use marks stand for breaks while all other whitespace is folded
_LINE = "\ue001"
_SPACE = re.compile(r"\s+")


def html_to_text(html: str) -> str:
    """HTML as readable plain text: tags and scripts gone, entities decoded, paragraphs kept
    as blank lines and list items / <br> as line breaks."""
    if not html or not html.strip():
        return ""
    if "<" not in html and "&" not in html:
        return _SPACE.sub(" ", html).strip()
    tree = LexborHTMLParser(html)
    root = tree.body
    if root is None:
        return ""
    for tag in _DROP:
        for node in tree.css(tag):
            node.decompose()
    for node in root.css(_BLOCKS):
        node.insert_before(_PARAGRAPH)
        node.insert_after(_PARAGRAPH)
    for node in root.css(_LINES):
        node.insert_after(_LINE)
    text = root.text(deep=True, separator="")
    text = text.replace(_PARAGRAPH + _LINE, _PARAGRAPH).replace(_LINE + _PARAGRAPH, _PARAGRAPH)
    lines = []
    for paragraph in text.split(_PARAGRAPH):
        paragraph = "\n".join(
            line for line in (_SPACE.sub(" ", part).strip() for part in paragraph.split(_LINE)) if line
        )
        if paragraph:
            lines.append(paragraph)
    return "\n\n".join(lines)


def _safe_url(link: str, base_url: str) -> str:
    """An item's link made absolute against the feed's URL; anything but a readable http(s) URL is dropped."""
    link = (link or "").strip()
    if not link:
        return ""
    if base_url:
        try:
            link = joined(base_url, link)
        except ValueError:  # "http://[::1": an IPv6 host never closed
            return ""
    return link if is_web_url(link) else ""


def _looks_like_html(body: bytes, content_type: str) -> bool:
    head = body[:4096]
    if _FEED_ROOT.search(head):
        return False
    return _mime(content_type) in _HTML_TYPES or bool(_HTML_START.match(head))


def _mime(content_type: str) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _bozo_message(error) -> str:
    if error is None:
        return "unreadable XML"
    message = getattr(error, "getMessage", None)
    line = getattr(error, "getLineNumber", None)
    if callable(message) and callable(line):
        try:
            return f"{message()} (line {line()})"
        except Exception:  # noqa: BLE001 - a broken exception object still deserves a message
            pass
    return " ".join(str(error).split())[:200] or type(error).__name__
