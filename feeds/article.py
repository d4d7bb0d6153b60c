"""A seed article from a file or a web page, reduced to its headline and text, for `storywatch new`.

HTML is read with selectolax (a plain install has it; trafilatura is an optional extra): the
page's own article (`<article>`, else `<main>`, else the body) without menus, headers, footers
and asides, as paragraphs. A URL is fetched once with the feed fetcher's page limits (timeouts,
size cap, bounded decompression). Every failure is a `SeedError`: one line naming the seed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from pathlib import Path
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from storywatch.feeds.fetch import FetchError, FetchSettings, fetch_feed, make_client
from storywatch.feeds.fulltext import _ESCAPES as TERMINAL_ESCAPES
from storywatch.feeds.fulltext import PAGE_ACCEPT
from storywatch.feeds.parse import html_to_text
from storywatch.store.errors import UserError
from storywatch.store.story import guess_title
from storywatch.store.story_folder import SeedText
from storywatch.store.text.clean import clean_block, clean_line
from storywatch.store.text.urls import is_web_url

_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]", re.I | re.S)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
# Page furniture, never the article's text.
_FURNITURE = "nav, header, footer, aside, form, button, figure, figcaption, dialog, [role=navigation], [role=banner], [role=contentinfo], [aria-hidden=true]"
_DROP = "script, style, template, noscript, iframe, object, svg, math"
MIN_WORDS = 20  # fewer is a menu or an error page, not an article


class SeedError(UserError):
    """A seed could not be read or had no article text; the message names it."""


def read_seed(given: str, settings: FetchSettings = FetchSettings()) -> SeedText:
    """The seed the user named: an http(s) URL, fetched once, or a text or HTML file."""
    if re.match(r"(?i)https?://", given):
        return fetch_seed(given, settings)
    return file_seed(Path(given).expanduser())


def file_seed(path: Path) -> SeedText:
    """A seed from a text file, or an HTML file (.html/.htm, or a file that starts like a page)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SeedError(f"cannot read seed {path}: {error.strerror or error}") from None
    if path.suffix.lower() in _HTML_SUFFIXES or _HTML_START.match(data[:4096]):
        return html_seed(data, origin=str(path))
    if b"\x00" in data[:8192]:
        raise SeedError(f"seed {path} is not a text or HTML file")
    return text_seed(data.decode("utf-8-sig", errors="replace"), origin=str(path))


def fetch_seed(url: str, settings: FetchSettings = FetchSettings()) -> SeedText:
    """Fetch the page at `url` once, with the page limits, and read its article."""
    if not is_web_url(url):
        raise SeedError(f"seed {clean_line(url, 300)} is not an http(s) URL with a host")
    limits = dataclasses.replace(settings, max_bytes=settings.page_max_bytes, total_timeout=settings.page_timeout)

    async def get():
        async with make_client(limits) as client:
            return await fetch_feed(client, url, settings=limits, accept=PAGE_ACCEPT)

    try:
        fetched = asyncio.run(get())
    except FetchError as error:
        raise SeedError(f"cannot fetch seed {clean_line(url, 300)}: {error}") from None
    mime = fetched.content_type.split(";")[0].strip().lower()
    origin = clean_line(url, 2000)
    if mime in ("text/html", "application/xhtml+xml") or (not mime and _HTML_START.match(fetched.body[:4096])):
        seed = html_seed(fetched.body, origin=origin, content_type=fetched.content_type)
    elif mime == "text/plain":
        seed = text_seed(decode_html(fetched.body, fetched.content_type), origin=origin)
    else:
        raise SeedError(f"seed {origin} is not an HTML or text page (it is {clean_line(mime, 80) or 'untyped'})")
    final = fetched.url if is_web_url(fetched.url) else url
    return dataclasses.replace(seed, url=final, source=seed.source or _host(final))


def text_seed(text: str, origin: str) -> SeedText:
    """A plain-text seed: its headline is the first headline-like line (as for the bundled seeds)."""
    body = clean_block(text)
    _check_words(body, origin)
    return SeedText(text=body, title=guess_title(body), origin=origin)


def html_seed(data: bytes, origin: str, content_type: str = "") -> SeedText:
    title, source, body = article_of_html(decode_html(data, content_type))
    _check_words(body, origin)
    return SeedText(text=body, title=title or guess_title(body), origin=origin, source=source)


def decode_html(data: bytes, content_type: str = "") -> str:
    """Bytes to text by the charset the server or the page's <meta> names, else UTF-8."""
    data = TERMINAL_ESCAPES.sub(b"", data)  # the parser would drop ESC alone and leave "[31m" behind
    named = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.I)
    charset = named.group(1) if named else None
    if charset is None and (meta := _META_CHARSET.search(data[:4096])):
        charset = meta.group(1).decode("ascii", "ignore")
    try:
        return data.decode(charset or "utf-8-sig", errors="replace")
    except LookupError:  # a charset Python does not know
        return data.decode("utf-8", errors="replace")


def article_of_html(html: str) -> tuple[str, str | None, str]:
    """(headline, outlet, text) of a news page. Pure: the headline from og:title, the article's
    <h1>, <title> or the page's first <h1>; the outlet from og:site_name; the text from the longest <article>, else <main>,
    else the body, with page furniture removed and paragraphs kept."""
    tree = LexborHTMLParser(html)
    source = _meta(tree, "og:site_name") or None
    for node in tree.css(_DROP):
        node.decompose()
    candidates = tree.css("article") or tree.css("main, [role=main]")
    root = max(candidates, key=lambda node: len(node.text(deep=True))) if candidates else tree.body
    title = (
        _meta(tree, "og:title")
        or (_text(root.css_first("h1")) if root is not None else "")
        or _text(tree.css_first("title"))
        or _text(tree.css_first("h1"))
    )
    if root is None:
        return title, source, ""
    for node in root.css(_FURNITURE):
        node.decompose()
    return title, clean_line(source, 200) or None, clean_block(html_to_text(root.html or ""))


def _meta(tree: LexborHTMLParser, prop: str) -> str:
    node = tree.css_first(f'meta[property="{prop}"], meta[name="{prop}"]')
    return clean_line(node.attributes.get("content") or "", 300) if node is not None else ""


def _text(node) -> str:
    return clean_line(node.text(deep=True), 300) if node is not None else ""


def _check_words(body: str, origin: str) -> None:
    words = len(body.split())
    if words < MIN_WORDS:
        found = "no text" if not words else f"only {words} word{'s' if words > 1 else ''}"
        raise SeedError(f"seed {clean_line(origin, 300)} has {found}: an article has at least {MIN_WORDS}")


def _host(url: str) -> str | None:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None
