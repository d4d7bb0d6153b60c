"""OPML, the feed-list format every reader imports and exports. Pure functions, no I/O.

Folders (outlines that hold other outlines) are kept as each feed's `folders`: the folder path
with its levels joined by "/", so a feed inside "Wires" inside nothing else has ("Wires",), one
inside "Mexico" inside "Wires" has ("Wires/Mexico",). Writing turns the paths back into nested
folders, so a list survives the round trip through any reader.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr


class OpmlError(Exception):
    """The file is not a readable OPML feed list; the message is meant for the user."""


@dataclass(frozen=True)
class OpmlFeed:
    url: str
    title: str | None = None
    folders: tuple[str, ...] = ()  # folder paths ("Wires/Mexico"); a feed listed in two folders has both


@dataclass(frozen=True)
class OpmlSkip:
    """An outline that names a feed storywatch cannot follow, and why."""

    url: str
    reason: str


@dataclass(frozen=True)
class OpmlList:
    feeds: list[OpmlFeed] = field(default_factory=list)
    skipped: list[OpmlSkip] = field(default_factory=list)


FOLDER_SEPARATOR = "/"
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")  # nor safe in a terminal


def read_opml(data: bytes) -> list[OpmlFeed]:
    """Every http(s) feed in an OPML file with its folders, duplicates merged, in file order."""
    return parse_opml(data).feeds


def parse_opml(data: bytes) -> OpmlList:
    """The feeds of an OPML file and the outlines skipped (not http(s)), for an import to report."""
    if _DOCTYPE.search(data):
        raise OpmlError("OPML with a DOCTYPE or entities is not accepted")  # no entity tricks
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise OpmlError(f"not valid XML: {error}") from None
    if root.tag.lower() != "opml":
        raise OpmlError(f"not an OPML file (root element is <{root.tag}>)")
    found: dict[str, OpmlFeed] = {}
    skipped: list[OpmlSkip] = []
    for outline, path in _outlines(root, ()):
        attributes = {name.lower(): value for name, value in outline.attrib.items()}
        url = (attributes.get("xmlurl") or "").strip()
        if not url:
            continue  # a folder or a plain link
        if not url.lower().startswith(("http://", "https://")):
            skipped.append(OpmlSkip(url, "not an http(s) address"))
            continue
        folder = FOLDER_SEPARATOR.join(path)
        known = found.get(url)
        if known is None:
            title = (attributes.get("title") or attributes.get("text") or "").strip() or None
            found[url] = OpmlFeed(url=url, title=title, folders=(folder,) if folder else ())
        elif folder and folder not in known.folders:
            found[url] = OpmlFeed(known.url, known.title, known.folders + (folder,))
    return OpmlList(list(found.values()), skipped)


def _outlines(element: ElementTree.Element, path: tuple[str, ...]):
    """Each outline with the names of the folders it sits in, outermost first."""
    for outline in element:
        if outline.tag == "outline":
            yield outline, path
            if len(outline):
                attributes = {name.lower(): value for name, value in outline.attrib.items()}
                name = _folder_name(attributes.get("text") or attributes.get("title") or "")
                yield from _outlines(outline, path + (name,) if name else path)
        elif outline.tag == "body" or len(outline):
            yield from _outlines(outline, path)


def _folder_name(text: str) -> str:
    """One level of a folder path: one line, and no separator inside it (it would make two levels)."""
    return _SPACES.sub(" ", text.replace(FOLDER_SEPARATOR, "-")).strip()[:100]


def write_opml(feeds: Iterable[OpmlFeed], title: str = "storywatch feeds") -> str:
    """An OPML 2.0 document listing `feeds`, for other readers to import; a feed in folders is
    written inside each of them (nested by their paths), a feed in none at the top level."""
    tree: dict = {}  # folder name -> subtree; the key None holds the feeds at that level
    for feed in feeds:
        for folder in feed.folders or ("",):
            node = tree
            for name in (part for part in folder.split(FOLDER_SEPARATOR) if part.strip()):
                node = node.setdefault(name.strip(), {})
            node.setdefault(None, []).append(feed)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{escape(_NOT_XML.sub('', title))}</title></head>",
        "  <body>",
    ]
    _write_level(tree, lines, "    ")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _write_level(node: dict, lines: list[str], indent: str) -> None:
    for feed in node.get(None, []):
        label = _attribute(feed.title or feed.url)
        lines.append(f'{indent}<outline type="rss" text={label} title={label} xmlUrl={_attribute(feed.url)}/>')
    for name, child in node.items():
        if name is not None:
            lines.append(f"{indent}<outline text={_attribute(name)} title={_attribute(name)}>")
            _write_level(child, lines, indent + "  ")
            lines.append(f"{indent}</outline>")


def _attribute(value: str) -> str:
    """A quoted XML attribute, without the characters XML cannot hold (a feed's own title may)."""
    return quoteattr(_NOT_XML.sub("", value))
