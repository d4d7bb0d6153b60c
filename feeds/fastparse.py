"""A fast path for the common feed: well-formed UTF-8 RSS 2.0 or Atom 1.0, read with the stdlib's
expat (xml.etree) into the same entry fields feedparser would give.

feedparser stays the reference: this module reuses its small helpers (date parsing, URL joining,
the HTML guess for RSS titles, the cp1252 repair) and follows its rules for which element wins,
but it knows only the shapes listed in `_ENTRY` and `_FEED`. Anything else (another encoding, a
DOCTYPE, broken XML, an unknown namespace, XHTML or base64 content, an element feedparser treats
specially that is not listed here, nesting where text is expected, no entries) raises
`Unsupported`, and parse.py hands the bytes to feedparser. tests/test_fastparse.py checks the
records against feedparser's, field by field.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

from feedparser.api import StrictFeedParser
from feedparser.datetimes import _parse_date
from feedparser.encodings import RE_XML_PI_ENCODING, parse_content_type
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import make_safe_absolute_uri
from feedparser.util import FeedParserDict

from storywatch.store.text.urls import joined


class Unsupported(Exception):
    """The document is outside what the fast path knows; feedparser must read it."""


@dataclass
class FastFeed:
    """What parse.py reads from feedparser's result, in plain dicts of the same keys."""

    feed: dict
    entries: list[dict]
    version: str
    bozo: bool  # feedparser's flag: here only ever its complaint about a non-XML content type
    bozo_exception: object = None


_ATOM = "http://www.w3.org/2005/atom"
_XML_NS = "{http://www.w3.org/XML/1998/namespace}"
_PREFIXES = {uri.lower(): prefix for uri, prefix in _FeedParserMixin.namespaces.items()}
_HTML_TYPES = _FeedParserMixin.html_types
_looks_like_html = _FeedParserMixin.looks_like_html
_map_type = _FeedParserMixin.map_content_type
_UTF8 = ("utf-8", "utf8")
_ENTITY_IN_LINK = re.compile("&([A-Za-z0-9_]+);")
_EXTRA_SLASHES = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*://)(/*)")  # feedparser.urls._urifixer, as it acts

# Entry and feed fields parse.py reads: an element feedparser would store under one of these
# names (after FeedParserDict's aliases) must be one this module understands.
_ENTRY_KEYS = {"title", "title_detail", "link", "id", "summary", "summary_detail", "content", "author", "source",
               "published_parsed", "updated_parsed", "created_parsed"}
_FEED_KEYS = {"title", "title_detail", "link"}

_ENTRY = {
    "title": "title", "dc:title": "title", "link": "link", "guid": "id", "id": "id",
    "description": "summary", "dc:description": "summary", "summary": "summary",
    "content:encoded": "content", "content": "content",
    "author": "author", "dc:creator": "author", "dc:author": "author",
    "pubdate": "published", "published": "published", "issued": "published", "dcterms:issued": "published",
    "updated": "updated", "modified": "updated", "dc:date": "updated", "dcterms:modified": "updated",
    "created": "created", "dcterms:created": "created",
    "source": "source",
    "category": "ignore", "dc:subject": "ignore", "comments": "ignore", "enclosure": "ignore",
}
_FEED = {
    "title": "title", "dc:title": "title", "link": "link", "image": "image",
    "description": "ignore", "subtitle": "ignore", "language": "ignore", "dc:language": "ignore",
    "copyright": "ignore", "rights": "ignore", "generator": "ignore", "docs": "ignore", "ttl": "ttl",
    "lastbuilddate": "ignore", "pubdate": "ignore", "updated": "ignore", "published": "ignore",
    "category": "ignore", "managingeditor": "ignore", "webmaster": "ignore", "id": "ignore", "author": "author",
    "icon": "ignore", "logo": "ignore",
}
_IMAGE = {"title", "url", "link", "width", "height", "description"}
_AUTHOR = {"name", "email", "uri"}
_ATOM_SOURCE = {"title", "id", "link", "updated", "published"}


def read_feed(body: bytes, *, url: str = "", content_type: str = "") -> FastFeed:
    """The feed and its entries as feedparser would give them, or `Unsupported`."""
    bozo = _check_encoding(body, url, content_type)
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise Unsupported("a DOCTYPE")  # entities and old RSS versions: feedparser's own handling
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        raise Unsupported(f"not well-formed: {error}") from None
    reader = _Reader()
    name = reader.name(root.tag)
    if name == "rss" and root.tag == "rss" and root.get("version", "").startswith("2."):
        reader.version = "rss20"
        base = reader.enter(root, url)
        channels = list(root)
        if len(channels) != 1 or channels[0].tag != "channel" or (root.text or "").strip():
            raise Unsupported("an RSS document that is not one channel")
        feed, entries = reader.feed(channels[0], reader.enter(channels[0], base), depth=2)
    elif name == "feed" and root.tag == "{http://www.w3.org/2005/Atom}feed" and "version" not in root.attrib:
        reader.version = "atom10"
        feed, entries = reader.feed(root, reader.enter(root, url), depth=1)
    else:
        raise Unsupported(f"root element {root.tag[:80]}")
    if not entries:
        raise Unsupported("no entries")  # feedparser's answers about empty feeds are kept as they are
    return FastFeed(feed=feed, entries=entries, version=reader.version, bozo=bozo)


def _check_encoding(body: bytes, url: str, content_type: str) -> bool:
    """Accept only what feedparser would read as UTF-8 (or ASCII) on the first try, and return
    its bozo flag for the content type (feedparser.encodings.convert_to_utf8, cut down)."""
    if body.startswith(codecs.BOM_UTF8):
        head = body[3:]
    elif body[:2] in (codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE) or body[:1] == b"\x00" or body[:4] == b"\x4c\x6f\xa7\x94":
        raise Unsupported("a UTF-16, UTF-32 or EBCDIC body")
    else:
        head = body
    match = RE_XML_PI_ENCODING.match(head)
    xml_encoding = match.group(1).decode("utf-8", "replace").lower() if match else ""
    mime, charset = parse_content_type(content_type)
    has_headers = bool(url or content_type)
    if mime in ("application/xml", "application/xml-dtd", "application/xml-external-parsed-entity") or (
        mime.startswith("application/") and mime.endswith("+xml")
    ):
        acceptable, encoding = True, charset or xml_encoding or "utf-8"
    elif mime in ("text/xml", "text/xml-external-parsed-entity") or (mime.startswith("text/") and mime.endswith("+xml")):
        acceptable, encoding = True, charset or "us-ascii"
    elif mime.startswith("text/"):
        acceptable, encoding = False, charset or "us-ascii"
    elif has_headers and not content_type:
        acceptable, encoding = False, xml_encoding or "iso-8859-1"
    else:
        acceptable, encoding = False, xml_encoding or "utf-8"
    encoding = encoding.lower()
    if xml_encoding not in ("", *_UTF8, "us-ascii"):
        raise Unsupported(f"declared encoding {xml_encoding[:40]}")
    if encoding in ("us-ascii", "iso-8859-1", "latin-1") or xml_encoding == "us-ascii":
        # Read as ASCII (or as Latin-1, the same bytes when they are ASCII) only if it is ASCII.
        if not body.isascii():
            raise Unsupported(f"{encoding} declared for a body that is not ASCII")
    elif encoding not in _UTF8:
        raise Unsupported(f"encoding {encoding[:40]}")
    return has_headers and not acceptable


def _clean(text: str) -> str:
    """What feedparser's pop() does to every text after stripping it: undo UTF-8 read as
    Latin-1, and map the C1 controls to their Windows-1252 characters."""
    if not text.isascii():
        try:
            text = text.encode("iso-8859-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
        text = text.translate(_cp1252)
    return text


class _Reader:
    """One document's walk, keeping the state feedparser keeps: the base URI of each element and
    the depth of the last title stored (a later title at that depth or deeper is dropped)."""

    def __init__(self) -> None:
        self.version = ""
        self.title_depth = -1
        self._names: dict[str, str] = {}
        self._self_join: dict[str, str] = {}

    def name(self, tag: str) -> str:
        """feedparser's name for an element: its known prefix and the local name in lower case."""
        known = self._names.get(tag)
        if known is not None:
            return known
        if tag[:1] == "{":
            uri, local = tag[1:].split("}", 1)
            prefix = _PREFIXES.get(uri.lower())
            if prefix is None or "backend.userland.com/rss" in uri.lower():
                raise Unsupported(f"namespace {uri[:80]}")
        else:
            prefix, local = "", tag
        name = f"{prefix}:{local.lower()}" if prefix else local.lower()
        self._names[tag] = name
        return name

    def enter(self, element, base: str) -> str:
        """The base URI inside `element` (xml:base, or a bare `base` attribute, as feedparser reads them)."""
        attrib = element.attrib
        given = None
        if attrib:
            given = attrib.get(_XML_NS + "base")
            if given is None:
                given = next((value for key, value in attrib.items() if key.lower() == "base"), None)
        if not given:
            if not base:
                return _urljoin(base, base)
            joined = self._self_join.get(base)
            if joined is None:
                joined = self._self_join[base] = make_safe_absolute_uri(base, base) or base
            return joined
        if base:
            return make_safe_absolute_uri(base, given) or base
        return _urljoin(base, given)

    # -- the feed ------------------------------------------------------------------------

    def feed(self, container, base: str, depth: int) -> tuple[dict, list[dict]]:
        feed: dict = {}
        entries: list[dict] = []
        _no_text(container)
        for child in container:
            name = self.name(child.tag)
            kind = _FEED.get(name)
            child_base = self.enter(child, base)
            if name in ("item", "entry"):
                if (self.version == "rss20") != (name == "item"):
                    raise Unsupported(f"<{name}> in {self.version}")
                if any(key not in (_XML_NS + "lang", _XML_NS + "base") for key in child.attrib):
                    raise Unsupported("attributes on an entry")
                entries.append(self.entry(child, child_base, depth + 1))
            elif kind == "title":
                self.title(feed, child, depth + 1)
            elif kind == "link":
                self.link(feed, child, child_base, in_entry=False)
            elif kind == "author":
                self.author({}, child, name)  # the feed's author: only checked, parse.py never reads it
            elif kind == "image" and self.version == "rss20":
                self.image(child, child_base, depth + 1)
            elif kind == "ttl":  # how long the feed asks to be left alone: the poller waits it out
                _leaf(child, name)
                feed["ttl"] = _strip(child.text)
            elif kind == "ignore":
                _leaf(child, name)
            else:
                _unknown(child, name, _FEED_KEYS)
        return feed, entries

    def image(self, image, base: str, depth: int) -> None:
        self.title_depth = -1
        _no_text(image)
        for child in image:
            name = self.name(child.tag)
            if name not in _IMAGE:
                raise Unsupported(f"<{name}> in an image")
            _leaf(child, name)
            if name == "title" and _strip(child.text) and not -1 < self.title_depth <= depth + 1:
                self.title_depth = depth + 1

    # -- one entry -----------------------------------------------------------------------

    def entry(self, item, base: str, depth: int) -> dict:
        entry: dict = {}
        self.title_depth = -1
        guid_is_link = False
        has_content = False
        _no_text(item)
        for child in item:
            name = self.name(child.tag)
            kind = _ENTRY.get(name)
            child_base = self.enter(child, base)
            if kind == "title":
                self.title(entry, child, depth + 1)
            elif kind == "link":
                self.link(entry, child, child_base, in_entry=True)
            elif kind == "id":
                _leaf(child, name)
                guid_is_link = child.get("isPermaLink", child.get("ispermalink", "true")) == "true"
                if any(key.lower() == "ispermalink" and key not in ("isPermaLink", "ispermalink") for key in child.attrib):
                    raise Unsupported("an oddly spelled isPermaLink")
                value = _strip(child.text)
                if value and guid_is_link:
                    value = _urljoin(child_base or "", value)
                value = _clean(value)
                entry["id"] = value
                if guid_is_link:
                    entry.setdefault("link", value)
            elif kind == "summary":
                if "summary" in entry and not has_content:
                    raise Unsupported("a second summary (feedparser reads it as content)")
                default = "text/html" if name in ("description", "dc:description") else "text/plain"
                value, detail = self.content(child, name, default)
                entry["summary"], entry["summary_detail"] = value, detail
            elif kind == "content":
                has_content = True
                if child.get("src") is not None:
                    raise Unsupported("content given by reference")
                value, detail = self.content(child, name, "text/html" if name == "content:encoded" else "text/plain")
                entry.setdefault("content", []).append({**detail, "value": value})
                if detail["type"] in _HTML_TYPES or detail["type"] == "text/plain":
                    entry.setdefault("summary", value)
            elif kind == "author":
                self.author(entry, child, name)
            elif kind in ("published", "updated", "created"):
                _leaf(child, name)
                entry[f"{kind}_parsed"] = _parse_date(_clean(_strip(child.text)))
            elif kind == "source":
                self.source(entry, child, depth + 1)
            elif kind == "ignore":
                _leaf(child, name)
            else:
                _unknown(child, name, _ENTRY_KEYS)
        return entry

    def title(self, context: dict, element, depth: int) -> None:
        value, detail = self.content(element, "title", "text/plain")
        if -1 < self.title_depth <= depth:
            return  # feedparser keeps the first title it stored at this depth
        context["title"], context["title_detail"] = value, detail
        if value:
            self.title_depth = depth

    def content(self, element, name: str, default: str) -> tuple[str, dict]:
        """A text construct's value and type, as feedparser's push_content / pop leave them."""
        _leaf(element, name)
        if element.get("mode") is not None:
            raise Unsupported("a content mode")
        kind = _map_type(_attribute(element, "type", default).lower())
        if not (kind.startswith("text/") or kind.endswith("+xml") or kind.endswith("/xml")):
            raise Unsupported(f"{kind[:40]} content (base64 for feedparser)")
        if kind == "application/xhtml+xml":
            raise Unsupported("XHTML content")
        value = _strip(element.text)
        if self.version != "atom10" and kind == "text/plain" and _looks_like_html(value):
            kind = "text/html"
        return _clean(value), {"type": kind}

    def link(self, context: dict, element, base: str, *, in_entry: bool) -> None:
        _leaf(element, "link")
        attrib = {key.lower(): value for key, value in element.attrib.items()}
        href = attrib.get("url", attrib.get("uri", attrib.get("href")))
        if not href:
            href = attrib.get("href")  # present but empty: still joined, as feedparser does
        if href is not None:
            rel = attrib.get("rel", "alternate").lower()
            kind = attrib.get("type", "application/atom+xml" if rel == "self" else "text/html").lower()
            if rel == "alternate" and _map_type(kind) in _HTML_TYPES:
                context["link"] = _urljoin(base or "", href)
            return
        value = _strip(element.text)
        if value:
            value = _urljoin(base or "", value)
        value = _clean(value)
        if in_entry:
            value = value.replace("&amp;", "&")
        context["link"] = _ENTITY_IN_LINK.sub(_entity_name, value) if "&" in value else value

    def author(self, entry: dict, element, name: str) -> None:
        children = list(element)
        if not children:
            entry["author"] = _clean(_strip(element.text))
            return
        if _strip(element.text) or any(_strip(child.tail) for child in children):
            raise Unsupported("text beside an author's parts")
        parts: dict[str, str] = {}
        for child in children:
            part = self.name(child.tag)
            if part not in _AUTHOR:
                raise Unsupported(f"<{part}> in an author")
            _leaf(child, part)
            parts[part] = _strip(child.text)  # feedparser stores these before its clean-up
        author, email = parts.get("name"), parts.get("email")
        if author and email:
            entry["author"] = f"{author} ({email})"
        elif author or email:
            entry["author"] = author or email
        else:
            entry["author"] = ""

    def source(self, entry: dict, element, depth: int) -> None:
        self.title_depth = -1
        source: dict = {}
        children = list(element)
        if not children:
            value = _clean(_strip(element.text))
            if value:
                source["title"] = value
        else:
            if self.version != "atom10" or _strip(element.text) or any(_strip(c.tail) for c in children):
                raise Unsupported("an RSS source with parts")
            for child in children:
                part = self.name(child.tag)
                if part not in _ATOM_SOURCE:
                    raise Unsupported(f"<{part}> in a source")
                if part == "title":
                    self.title(source, child, depth + 1)
                else:
                    _leaf(child, part)
        entry["source"] = source


def _urljoin(base: str, uri: str) -> str:
    """feedparser.urls._urljoin, the same result without a regex template expanded per call
    (a fifth of the fast path's time): extra slashes after "scheme://" dropped, then joined."""
    match = _EXTRA_SLASHES.match(uri)
    if match and match.group(2):
        uri = match.group(1) + uri[match.end():]
    try:
        return joined(base, uri)
    except ValueError:
        return ""


def _entity_name(match: re.Match) -> str:
    return "&" + match.group(1)


def _strip(text: str | None) -> str:
    return text.strip() if text else ""


def _attribute(element, name: str, default: str) -> str:
    value = element.get(name)
    if value is None:
        for key, other in element.attrib.items():
            if key.lower() == name:
                return other
        return default
    return value


def _leaf(element, name: str) -> None:
    if len(element):
        raise Unsupported(f"elements inside <{name}>")


def _no_text(element) -> None:
    """Stray text between a container's elements would land in feedparser's open element."""
    for child in element:
        if child.tail and not child.tail.isspace():
            raise Unsupported("text between elements")


def _unknown(element, name: str, keys: set[str]) -> None:
    """An element this module does not list: harmless only if feedparser has no handler for it
    and would store it under a name parse.py never reads."""
    method = name.replace(":", "_")
    if hasattr(StrictFeedParser, "_start_" + method) or hasattr(StrictFeedParser, "_end_" + method):
        raise Unsupported(f"<{name}>, which feedparser reads")
    stored = FeedParserDict.keymap.get(method, method)
    for key in stored if isinstance(stored, list) else [stored]:
        if key in keys:
            raise Unsupported(f"<{name}> stored as {key}")
    _leaf(element, name)
