"""A story: its title, its seed articles and the feeds that cover it, read from a TOML file."""

from __future__ import annotations

import glob
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from storywatch.store.analysis import analyse_articles
from storywatch.store.entities import apply_story_aliases, story_aliases_stored
from storywatch.store.errors import UserError
from storywatch.store.ingest import add_revision
from storywatch.store.scoring import set_threshold
from storywatch.store.text.clean import clean_block, clean_line, content_hash
from storywatch.store.text.urls import canonical_url
from storywatch.store.times import now_iso


class StoryError(UserError):
    """The story file is missing or malformed; the message is meant for the user."""


@dataclass(frozen=True)
class SeedFile:
    path: Path
    title: str | None = None  # overrides the title guessed from the text
    source: str | None = None  # overrides the source guessed from the text
    url: str | None = None
    published_at: str | None = None


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str | None = None


@dataclass(frozen=True)
class FacetEntry:
    """One thing the story is about: the words and phrases that show it, and the longer names
    that do not ("New Mexico" is not Mexico)."""

    name: str
    words: tuple[str, ...]
    unless: tuple[str, ...] = ()


@dataclass(frozen=True)
class Story:
    name: str  # short, stable key, used by --story
    title: str  # shown in the dashboard's header
    seeds: list[SeedFile] = field(default_factory=list)
    feeds: list[FeedEntry] = field(default_factory=list)
    threshold: float = 0.5  # relevance above which an item is on the story
    aliases: dict[str, list[str]] = field(default_factory=dict)  # canonical name -> other names
    facets: tuple[FacetEntry, ...] = ()  # none: the engine reads them from the title
    path: Path | None = None


def load_story(path: str | Path) -> Story:
    """Read a story file. Seed paths are relative to the file; a glob picks many at once."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoryError(f"story file not found: {path}") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise StoryError(f"cannot read story file {path}: {error}") from None
    try:
        story = data["story"]
        seeds = []
        for entry in data.get("seeds", story.get("seeds", [])):
            if isinstance(entry, str):
                entry = {"file": entry}
            pattern = os.path.join(path.parent, os.path.expanduser(str(entry["file"])))  # absolute stays absolute
            matches = sorted(Path(match) for match in glob.glob(pattern) if os.path.isfile(match))
            if not matches:
                raise StoryError(f"{path}: seed file not found: {entry['file']}")
            for match in matches:
                single = len(matches) == 1
                seeds.append(
                    SeedFile(
                        match,
                        title=entry.get("title") if single else None,
                        source=entry.get("source"),
                        url=entry.get("url") if single else None,
                        published_at=entry.get("published_at") if single else None,
                    )
                )
        feeds = [
            FeedEntry(f) if isinstance(f, str) else FeedEntry(f["url"], f.get("title"))
            for f in data.get("feeds", [])
        ]
        return Story(
            name=str(story["name"]),
            title=str(story["title"]),
            seeds=seeds,
            feeds=feeds,
            threshold=float(story.get("threshold", 0.5)),
            aliases={str(k): [str(a) for a in v] for k, v in data.get("aliases", {}).items()},
            facets=tuple(_facet(entry) for entry in data.get("facets", [])),
            path=path,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise StoryError(f"{path}: malformed story file ({error!r})") from None


def _facet(entry: dict) -> FacetEntry:
    words = tuple(str(word) for word in entry["words"] if str(word).strip())
    if not words:
        raise ValueError(f"facet {entry['name']!r} has no words")
    return FacetEntry(str(entry["name"]), words, tuple(str(phrase) for phrase in entry.get("unless", [])))


def ensure_story(db: Database, story: Story) -> int:
    """Make the story known to the database: its row, its default feeds (only the first time,
    so a feed the user removed stays removed) and its seed articles (idempotently).

    When the database already holds the story as the file has it, nothing is written: a
    command that only reads never waits for (or fails on) another process's write lock."""
    story_id = _current_story_id(db, story)
    if story_id is not None:
        return story_id
    if getattr(db, "read_only", False):
        raise StoryError(
            f"the database is read-only and does not hold the story {story.name!r} as {story.path or 'its file'}"
            " has it; open it once with write access"
        )
    with db.atomic():
        row = db.execute("SELECT id FROM stories WHERE name = ?", [story.name]).fetchone()
        if row is None:
            story_id = db["stories"].insert(
                {"name": story.name, "title": story.title, "created_at": now_iso()}
            ).last_pk
            for feed in story.feeds:
                db.execute(
                    "INSERT OR IGNORE INTO feeds (url, title, added_at) VALUES (?, ?, ?)",
                    [feed.url, feed.title, now_iso()],
                )
        else:
            story_id = row[0]
            db["stories"].update(story_id, {"title": story.title})
        stored_threshold = db.execute("SELECT threshold FROM stories WHERE id = ?", [story_id]).fetchone()[0]
        if stored_threshold != story.threshold:
            set_threshold(db, story_id, story.threshold)  # re-files verdicts only when it changed
        apply_story_aliases(db, story.aliases)
        if _store_facets(db, story_id, story.facets):
            # What the story is about changed: every stored verdict may too. The rescore is
            # long on a big store, so the caller runs it (scoring.resume_rescore), and it
            # resumes where it stopped if interrupted.
            db.execute("UPDATE stories SET rescore_from = 0 WHERE id = ?", [story_id])
        seed_ids = [_import_seed(db, story_id, story.name, seed) for seed in story.seeds]
        analyse_articles(db, [article_id for article_id in seed_ids if article_id is not None])
    return story_id


def _current_story_id(db: Database, story: Story) -> int | None:
    """The story's id when its row, threshold, aliases, facets and seeds are stored as the file
    has them (reads only); None when `ensure_story` has something to write."""
    row = db.execute("SELECT id, title, threshold FROM stories WHERE name = ?", [story.name]).fetchone()
    if row is None or row[1] != story.title or row[2] != story.threshold:
        return None
    if not story_aliases_stored(db, story.aliases):
        return None
    if _facet_rows(db, row[0]) != _wanted_facet_rows(story.facets):
        return None
    for seed in story.seeds:
        guid = _seed_guid(story.name, seed)
        if not db.execute("SELECT 1 FROM articles WHERE guid = ? AND kind = 'seed'", [guid]).fetchone():
            return None
    return row[0]


def _store_facets(db: Database, story_id: int, facets: tuple[FacetEntry, ...]) -> bool:
    """Keep the story_facets rows as the file has them; True when they changed."""
    wanted = _wanted_facet_rows(facets)
    if _facet_rows(db, story_id) == wanted:
        return False
    db.execute("DELETE FROM story_facets WHERE story_id = ?", [story_id])
    db.conn.executemany(
        "INSERT INTO story_facets (story_id, facet, phrase, kind) VALUES (?, ?, ?, ?)",
        [(story_id, *row) for row in wanted],
    )
    return True


def _wanted_facet_rows(facets: tuple[FacetEntry, ...]) -> list[tuple[str, str, str]]:
    return [
        (facet.name, phrase, kind)
        for facet in facets
        for kind, phrases in (("evidence", facet.words), ("unless", facet.unless))
        for phrase in phrases
    ]


def _facet_rows(db: Database, story_id: int) -> list[tuple[str, str, str]]:
    rows = db.execute("SELECT facet, phrase, kind FROM story_facets WHERE story_id = ? ORDER BY id", [story_id])
    return [tuple(row) for row in rows.fetchall()]


def _seed_guid(story_name: str, seed: SeedFile) -> str:
    return f"seed:{story_name}:{seed.path.name}"


def _import_seed(db: Database, story_id: int, story_name: str, seed: SeedFile) -> int | None:
    """Store one seed article; returns its id, or None when it was already stored."""
    guid = _seed_guid(story_name, seed)
    if db.execute("SELECT 1 FROM articles WHERE guid = ? AND kind = 'seed'", [guid]).fetchone():
        return None
    try:
        text = seed.path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise StoryError(f"cannot read seed {seed.path}: {error}") from None
    body = clean_block(text)
    title = clean_line(seed.title) or guess_title(body)
    source = clean_line(seed.source) or guess_source(body) or "seed"
    now = now_iso()
    digest = content_hash(title, "", body)
    article_id = db["articles"].insert(
        {
            "kind": "seed",
            "story_id": story_id,
            "url": seed.url,
            "canonical_url": canonical_url(seed.url or "") or None,
            "guid": guid,
            "title": title,
            "source": source,
            "summary": "",
            "body": body,
            "published_at": seed.published_at,
            "first_seen_at": now,
            "updated_at": now,
            "sort_at": seed.published_at or now,
            "content_hash": digest,
        }
    ).last_pk
    add_revision(db, article_id, 1, now, title, "", body, digest)
    return article_id


# Lines that are page furniture, never a headline.
_FURNITURE = re.compile(
    r"^(international|world|news|opinion|analysis|read the original article here|article picture"
    r"|featured image.*|by:.*|·.*|\d+ min read|share.*|advertisement)$",
    re.IGNORECASE,
)
_CREDIT = re.compile(r"\s*\((image )?credits?:[^)]*\)\s*$", re.IGNORECASE)
_SMALL_WORDS = {"a", "an", "and", "the", "of", "in", "on", "for", "to", "at", "by", "with", "vs", "as", "or", "from", "into"}


def _looks_like_headline(text: str) -> bool:
    words = text.split()
    if not 3 <= len(words) <= 20 or text.endswith((".", "?", ":", ",")):
        return False
    capitalised = sum(1 for w in words if w[0].isupper() or w.lower() in _SMALL_WORDS or not w[0].isalpha())
    return capitalised / len(words) >= 0.8


def guess_title(body: str) -> str:
    """The seed's headline: a short Title Case line, or a Title Case first sentence, or else
    the opening words of the text."""
    lines = [_CREDIT.sub("", line).strip() for line in body.splitlines()]
    lines = [line for line in lines if line and not _FURNITURE.match(line)]
    for line in lines[:12]:
        if _looks_like_headline(line):
            return line
    for line in lines[:12]:
        first_sentence = _first_sentence(line).rstrip(".")
        if _looks_like_headline(first_sentence):
            return first_sentence
    opening = lines[0] if lines else "Untitled seed"
    return clean_line(_first_sentence(opening), 120)


def _first_sentence(text: str) -> str:
    """Split at a full stop followed by a capital, so "U.S. troops" stays whole."""
    return re.split(r"(?<=[.!?])\s+(?=[A-Z\"“‘'])", text, maxsplit=1)[0]


_SOURCE_CUES = re.compile(r"\b(?:reported|disclosed|according to|first reported by) (?:by )?(?:the )?((?:[A-Z][\w.&'-]*\s?){1,4})")


def guess_source(body: str) -> str | None:
    """Where a seed's report came from, when the text names it ("disclosed by the New York Times")."""
    match = _SOURCE_CUES.search(body)
    if match:
        name = match.group(1).strip()
        if name.lower() not in {"u.s.", "us", "president", "officials"} and len(name) > 2:
            return f"via {name}"
    return None
