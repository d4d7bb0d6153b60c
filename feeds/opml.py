"""OPML, the feed-list format every reader imports and exports. Pure functions, no I/O."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr


class OpmlError(Exception):
    """The file is not a readable OPML feed list; the message is meant for the user."""


@dataclass(frozen=True)
class OpmlFeed:
    url: str
    title: str | None = None


_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def read_opml(data: bytes) -> list[OpmlFeed]:
    """Every http(s) feed in an OPML file, folders flattened, duplicates dropped, in file order."""
    if _DOCTYPE.search(data):
        raise OpmlError("OPML with a DOCTYPE or entities is not accepted")  # no entity tricks
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise OpmlError(f"not valid XML: {error}") from None
    if root.tag.lower() != "opml":
        raise OpmlError(f"not an OPML file (root element is <{root.tag}>)")
    feeds: list[OpmlFeed] = []
    seen: set[str] = set()
    for outline in root.iter("outline"):
        attributes = {name.lower(): value for name, value in outline.attrib.items()}
        url = (attributes.get("xmlurl") or "").strip()
        if not url.lower().startswith(("http://", "https://")) or url in seen:
            continue
        seen.add(url)
        title = (attributes.get("title") or attributes.get("text") or "").strip() or None
        feeds.append(OpmlFeed(url=url, title=title))
    return feeds


def write_opml(feeds: Iterable[OpmlFeed], title: str = "storywatch feeds") -> str:
    """An OPML 2.0 document listing `feeds`, for other readers to import."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{escape(title)}</title></head>",
        "  <body>",
    ]
    for feed in feeds:
        label = feed.title or feed.url
        lines.append(
            f'    <outline type="rss" text={quoteattr(label)} title={quoteattr(label)} xmlUrl={quoteattr(feed.url)}/>'
        )
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)
