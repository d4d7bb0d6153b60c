"""The demo's script as data, and each outlet's feed at a moment of it.

Pure functions of the script and of `t`, the seconds since the demo started: the same
moment always gives the same feed, so the server can answer conditional GETs with a 304
between two changes, and a test can play the script on any clock it likes.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from storywatch.tui.demo import SCRIPT_FILE

SHOWS = ("lead", "copy", "development", "noise")  # what an item is in the script for


@dataclass(frozen=True)
class Outlet:
    slug: str  # the feed's path on the demo server: /<slug>.xml
    title: str


@dataclass(frozen=True)
class Version:
    at: float  # seconds after the start when the outlet publishes this text
    title: str
    summary: str


@dataclass(frozen=True)
class ScriptItem:
    id: str
    outlet: str
    shows: str  # one of SHOWS
    versions: tuple[Version, ...]  # earliest first
    copy_of: str | None = None  # a copy: the id of the item whose coverage group it joins
    new_names: tuple[str, ...] = ()  # names it brings that no seed gives

    @property
    def first_at(self) -> float:
        return self.versions[0].at

    def version_at(self, t: float) -> Version | None:
        """What the item says at `t`; None before it is published."""
        current = None
        for version in self.versions:
            if version.at <= t:
                current = version
        return current


@dataclass(frozen=True)
class Script:
    length: float  # seconds until the last change
    outlets: tuple[Outlet, ...]
    items: tuple[ScriptItem, ...]

    def items_of(self, slug: str) -> list[ScriptItem]:
        return [item for item in self.items if item.outlet == slug]

    def change_times(self) -> list[float]:
        """Every moment some feed changes, in order: where a test polls to see each step."""
        return sorted({version.at for item in self.items for version in item.versions})


def load_script(path: Path = SCRIPT_FILE) -> Script:
    """Read the script; a malformed one is our bug, so it fails loudly (ValueError)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    outlets = tuple(Outlet(o["slug"], o["title"]) for o in data["outlets"])
    slugs = {outlet.slug for outlet in outlets}
    items = []
    for entry in data["items"]:
        versions = tuple(
            Version(float(v["at"]), " ".join(v["title"].split()), " ".join(v["summary"].split()))
            for v in entry["versions"]
        )
        if entry["outlet"] not in slugs or entry["shows"] not in SHOWS or not versions:
            raise ValueError(f"{path}: item {entry['id']!r} has an unknown outlet or purpose, or no version")
        if [v.at for v in versions] != sorted(v.at for v in versions):
            raise ValueError(f"{path}: item {entry['id']!r} has its versions out of order")
        items.append(
            ScriptItem(
                entry["id"],
                entry["outlet"],
                entry["shows"],
                versions,
                copy_of=entry.get("copy_of"),
                new_names=tuple(entry.get("new_names", ())),
            )
        )
    ids = {item.id for item in items}
    for item in items:
        if (item.shows == "copy") != (item.copy_of in ids):
            raise ValueError(f"{path}: item {item.id!r}: a copy, and only a copy, names the item it copies")
    return Script(float(data["length"]), outlets, tuple(items))


def last_change(script: Script, slug: str, t: float) -> float | None:
    """When the outlet's feed last changed at or before `t`; None while it is still empty."""
    times = [v.at for item in script.items_of(slug) for v in item.versions if v.at <= t]
    return max(times) if times else None


def feed_etag(script: Script, slug: str, t: float) -> str:
    """A validator that changes exactly when the feed's content does."""
    changed = last_change(script, slug, t)
    return f'"{slug}-{-1 if changed is None else changed:g}"'


def feed_document(script: Script, slug: str, t: float, *, base_url: str, published) -> bytes:
    """The outlet's RSS 2.0 feed at `t`, newest item first. `published(at)` turns script seconds
    into the datetime the item says it was published."""
    outlet = next(o for o in script.outlets if o.slug == slug)
    entries = []
    shown = [(item, item.version_at(t)) for item in script.items_of(slug)]
    shown = sorted(((i, v) for i, v in shown if v is not None), key=lambda pair: -pair[0].first_at)
    for item, version in shown:
        link = f"{base_url}/{slug}/{item.id}"
        entries.append(
            "<item>"
            f"<title>{escape(version.title)}</title>"
            f"<link>{escape(link)}</link>"
            f'<guid isPermaLink="false">demo:{slug}:{item.id}</guid>'
            f"<description>{escape(version.summary)}</description>"
            f"<pubDate>{format_datetime(published(item.first_at))}</pubDate>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(outlet.title)}</title><link>{escape(base_url)}/{slug}/</link>"
        f"<description>{escape(outlet.title)}: a made-up outlet of the storywatch demo</description>"
        + "".join(entries)
        + "</channel></rss>\n"
    ).encode("utf-8")


def article_page(script: Script, slug: str, item_id: str, t: float) -> bytes | None:
    """The item's web page at `t` (where `o` in the dashboard leads); None if not published yet."""
    item = next((i for i in script.items_of(slug) if i.id == item_id), None)
    version = item.version_at(t) if item is not None else None
    if version is None:
        return None
    outlet = next(o for o in script.outlets if o.slug == slug)
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{escape(version.title)} - {escape(outlet.title)}</title></head><body><article>"
        f"<h1>{escape(version.title)}</h1><p>{escape(version.summary)}</p>"
        f"<p><small>{escape(outlet.title)} is a made-up outlet: this is the storywatch demo.</small></p>"
        "</article></body></html>\n"
    ).encode("utf-8")



def published_from(start: datetime, speed: float = 1.0):
    """Script seconds -> the wall-clock moment they stand for, for a demo started at `start`."""
    return lambda at: start + timedelta(seconds=at / speed)
