"""A story: its title, its seed articles and the feeds that cover it, read from a TOML file."""

from __future__ import annotations

import glob
import hashlib
import json
import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as datetime_time
from itertools import product
from pathlib import Path

from sqlite_utils import Database

from storywatch.store.errors import UserError
from storywatch.store.tags import DEFAULT_TAGS, tag_name
from storywatch.store.text.clean import clean_block, clean_line, content_hash
from storywatch.store.text.urls import canonical_url, feed_url, is_web_url
from storywatch.store.times import now_iso, to_iso


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
    """One thing the story is about: the words and phrases that show it, the longer names
    that do not ("New Mexico" is not Mexico), and the countries or regions it holds in (a
    report set elsewhere shows it only by a phrase, not a single word: "drugs" in Japan)."""

    name: str
    words: tuple[str, ...]
    unless: tuple[str, ...] = ()
    within: tuple[str, ...] = ()
    only_within: tuple[str, ...] = ()  # phrases that, like its single words, hold only within those places


@dataclass(frozen=True)
class Story:
    name: str  # short, stable key, used by --story
    title: str  # shown in the dashboard's header
    seeds: list[SeedFile] = field(default_factory=list)
    feeds: list[FeedEntry] = field(default_factory=list)
    threshold: float = 0.5  # relevance above which an item is on the story
    aliases: dict[str, list[str]] = field(default_factory=dict)  # canonical name -> other names
    facets: tuple[FacetEntry, ...] = ()  # none: the engine reads them from the title
    tags: dict[int, str] = field(default_factory=lambda: dict(DEFAULT_TAGS))  # key 1-9 -> tag name
    path: Path | None = None


def load_story(path: str | Path) -> Story:
    """Read and check a story file. Seed paths are relative to the file; a glob picks many at once.

    Every key is checked here, before anything is written: a bad value is a StoryError that
    names the key and the file, never a half-made story in the database."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise StoryError(f"story file not found: {path}") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise StoryError(f"cannot read story file {path}: {error}") from None
    return _StoryReader(path).story(data)


class _StoryReader:
    """Turns a parsed story file into a Story, or raises StoryError naming the first bad key."""

    TOP = ("story", "feeds", "aliases", "facets", "seeds", "tags")
    STORY = ("name", "title", "threshold", "seeds")
    FEED = ("url", "title")
    FACET = ("name", "words", "unless", "within", "only_within")
    SEED = ("file", "title", "source", "url", "published_at")
    TAG_KEYS = tuple("123456789")

    def __init__(self, path: Path):
        self.path = path

    def fail(self, where: str, problem: str) -> StoryError:
        return StoryError(f"story file {self.path}: {where} {problem}")

    def story(self, data: dict) -> Story:
        self.known_keys("", data, self.TOP)
        if "story" not in data:
            raise StoryError(f"story file {self.path}: the [story] table is missing")
        story = data["story"]
        if not isinstance(story, dict):
            raise self.fail("story", f"must be a table ([story]), not {_shown(story)}")
        self.known_keys("[story]", story, self.STORY)
        name = self.text("[story] name", story.get("name"))
        title = self.text("[story] title", story.get("title"))
        threshold = story.get("threshold", 0.5)
        if not _is_number(threshold) or not 0 <= threshold <= 1:
            raise self.fail("[story] threshold", f"must be a number from 0 to 1, not {_shown(threshold)}")
        seeds = self.seeds("[story] seeds", story.get("seeds", [])) + self.seeds("[[seeds]]", data.get("seeds", []))
        return Story(
            name=name,
            title=title,
            seeds=seeds,
            feeds=self.feeds(data.get("feeds", [])),
            threshold=float(threshold),
            aliases=self.aliases(data.get("aliases", {})),
            facets=self.facets(data.get("facets", [])),
            tags=self.tags(data["tags"]) if "tags" in data else dict(DEFAULT_TAGS),
            path=self.path,
        )

    def known_keys(self, where: str, table: dict, known: tuple[str, ...]) -> None:
        for key in table:
            if key not in known:
                inside = f"{where} " if where else ""
                raise StoryError(
                    f"story file {self.path}: {inside}unknown key {_shown(key)} (known: {', '.join(known)})"
                )

    def text(self, where: str, value, required: bool = True) -> str | None:
        """A string with more than blanks in it (what it holds is shown inert wherever it is drawn)."""
        if value is None and not required:
            return None
        if value is None:
            raise self.fail(where, "is missing")
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"must be a non-empty string, not {_shown(value)}")
        return value

    def texts(self, where: str, value) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(where, f"must be a list of strings, not {_shown(value)}")
        return tuple(self.text(f"{where} #{n}", item) for n, item in enumerate(value, 1))

    def tables(self, where: str, value, wanted: str, strings: bool = False) -> list:
        """An array of tables (`[[feeds]]`); `strings` also allows a bare string per entry."""
        if not isinstance(value, list):
            raise self.fail(where, f"must be {wanted}, not {_shown(value)}")
        for n, entry in enumerate(value, 1):
            if not isinstance(entry, dict) and not (strings and isinstance(entry, str)):
                kind = "a string or a table" if strings else "a table"
                raise self.fail(f"{where} #{n}", f"must be {kind}, not {_shown(entry)}")
        return value

    def url(self, where: str, value, required: bool = True) -> str | None:
        if value is None and not required:
            return None
        if value is None:
            raise self.fail(where, "is missing")
        url = value.strip() if isinstance(value, str) else value
        if not isinstance(url, str) or not is_web_url(url):
            raise self.fail(where, f"must be an http(s) URL with a host, not {_shown(value)}")
        return url

    def feeds(self, value) -> list[FeedEntry]:
        feeds = []
        for n, entry in enumerate(self.tables("[[feeds]]", value, "an array of tables", strings=True), 1):
            where = f"[[feeds]] #{n}"
            if isinstance(entry, str):
                feeds.append(FeedEntry(feed_url(self.url(where, entry))))
                continue
            self.known_keys(where, entry, self.FEED)
            url = feed_url(self.url(f"{where} url", entry.get("url")))  # the spelling `feeds add` stores
            feeds.append(FeedEntry(url, self.text(f"{where} title", entry.get("title"), False)))
        return feeds

    def aliases(self, value) -> dict[str, list[str]]:
        if not isinstance(value, dict):
            raise self.fail("aliases", f"must be a table ([aliases]), not {_shown(value)}")
        aliases = {}
        for canonical, names in value.items():
            where = f"[aliases] {_shown(canonical)}"
            self.text(where, canonical)
            if not isinstance(names, list):
                raise self.fail(where, f"must be a list of names, not {_shown(names)}")
            aliases[canonical] = list(self.texts(where, names))
        return aliases

    def facets(self, value) -> tuple[FacetEntry, ...]:
        from storywatch.store.text.regions import REGIONS, known_place

        facets: list[FacetEntry] = []
        for n, entry in enumerate(self.tables("[[facets]]", value, "an array of tables"), 1):
            where = f"[[facets]] #{n}"
            self.known_keys(where, entry, self.FACET)
            name = self.text(f"{where} name", entry.get("name"))
            if name in {facet.name for facet in facets}:
                raise self.fail(f"{where} name", f"{_shown(name)} is the name of an earlier facet")
            if "words" not in entry:
                raise self.fail(f"{where} words", "is missing")
            words = self.phrases(f"{where} words", entry["words"])
            if not words:
                raise self.fail(f"{where} words", f"is empty: facet {_shown(name)} has no words")
            within = self.texts(f"{where} within", entry.get("within", []))
            for n_place, place in enumerate(within, 1):
                if not known_place(place):
                    raise self.fail(
                        f"{where} within #{n_place}",
                        f"{_shown(place)} is no country or region storywatch knows (a country by its"
                        f" English name, or {', '.join(map(_shown, REGIONS))})",
                    )
            only_within = self.phrases(f"{where} only_within", entry.get("only_within", []))
            unless = self.phrases(f"{where} unless", entry.get("unless", []))
            for key, phrases in (("words", words), ("unless", unless), ("only_within", only_within)):
                self.matchable(f"{where} {key}", phrases)
            if only_within and not within:
                raise self.fail(f"{where} only_within", "needs `within`: the places its phrases hold in")
            facets.append(FacetEntry(name, words, unless, within, only_within))
        return tuple(facets)

    def phrases(self, where: str, value) -> tuple[str, ...]:
        """A facet's list of phrases, with each part's "/" alternatives spelled out."""
        return _alternatives(self.texts(where, value))

    def matchable(self, where: str, phrases: tuple[str, ...]) -> None:
        """Headlines are matched on their uncommon words, so a phrase is read the same way: one
        that keeps no word would never match, and "handed over" would match every "handed"
        ("heavy hand" among them) where the writer meant a hand-over. Both are refused, naming
        the phrase; a leading article ("the Pentagon") and a name's number ("Barrio 18") may go."""
        from storywatch.store.text.relevance import content_words, words

        for phrase in phrases:
            for part in map(str.strip, phrase.split("+")):
                kept = content_words(part)
                if not kept:
                    raise self.fail(
                        where, f"{_shown(part)} keeps no word to match (common words and numbers are left out)"
                    )
                written = [word for word in words(part) if not word.isdigit()]
                if written and written[0] in _ARTICLES:
                    written = written[1:]
                if len(written) > 1 and len(kept) == 1:
                    raise self.fail(
                        where,
                        f"{_shown(part)} is read as the one word {_shown(kept[0])} (common words are left out):"
                        ' write that word alone, or join it with "+" to a word that must be there too'
                        ' ("handed + cartel")',
                    )

    def tags(self, value) -> dict[int, str]:
        """`[tags]`: the names keys 1-9 toggle; the table replaces the defaults whole."""
        if not isinstance(value, dict):
            raise self.fail("tags", f"must be a table ([tags]), not {_shown(value)}")
        self.known_keys("[tags]", value, self.TAG_KEYS)
        tags: dict[int, str] = {}
        for key in sorted(value):
            where = f"[tags] {key}"
            name = tag_name(self.text(where, value[key]))
            if not name:
                raise self.fail(where, f"must be a name that prints, not {_shown(value[key])}")
            if name in tags.values():
                raise self.fail(where, f"{_shown(name)} is already the name of another key")
            tags[int(key)] = name
        return tags

    def seeds(self, where: str, value) -> list[SeedFile]:
        seeds = []
        wanted = "an array of tables" if where.startswith("[[") else "a list of file names or globs"
        for n, entry in enumerate(self.tables(where, value, wanted, strings=True), 1):
            here = f"{where} #{n}"
            if isinstance(entry, str):
                entry = {"file": entry}
                file_key = here
            else:
                self.known_keys(here, entry, self.SEED)
                file_key = f"{here} file"
            pattern = self.text(file_key, entry.get("file"))
            full = os.path.join(self.path.parent, os.path.expanduser(pattern))  # absolute stays absolute
            matches = sorted(Path(match) for match in glob.glob(full) if os.path.isfile(match))
            if not matches:
                raise self.fail(file_key, f"names no file: seed file not found: {pattern}")
            title = self.text(f"{here} title", entry.get("title"), False)
            source = self.text(f"{here} source", entry.get("source"), False)
            url = self.url(f"{here} url", entry.get("url"), False)
            published_at = self.time(f"{here} published_at", entry.get("published_at"))
            single = len(matches) == 1
            for match in matches:
                seeds.append(
                    SeedFile(
                        match,
                        title=title if single else None,
                        source=source,
                        url=url if single else None,
                        published_at=published_at if single else None,
                    )
                )
        return seeds

    def time(self, where: str, value) -> str | None:
        """A TOML date or date-time, or ISO 8601 text; stored as the database keeps times (UTC)."""
        if value is None:
            return None
        moment = value
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value.strip())
            except ValueError:
                moment = None
        if isinstance(moment, date) and not isinstance(moment, datetime):
            moment = datetime.combine(moment, datetime_time())
        try:
            if isinstance(moment, datetime):
                return to_iso(moment)
        except OverflowError:  # 0001-01-01T00:00:00+01:00 is before the first UTC instant
            pass
        raise self.fail(where, f"must be a date or time (2025-11-21T07:30:00Z), not {_shown(value)}")


_ARTICLES = frozenset({"the", "a", "an"})


def _alternatives(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """The phrases with each part's "/" alternatives spelled out, in the order written: "Mexico /
    Mexican + troops / military" is "Mexico + troops", "Mexico + military", "Mexican + troops" and
    "Mexican + military", so a facet can name a country beside a list of deeds in one line."""
    spelled: list[str] = []
    for phrase in phrases:
        if "/" not in phrase:
            spelled.append(phrase)
            continue
        choices = [[choice.strip() for choice in part.split("/")] for part in phrase.split("+")]
        spelled.extend(" + ".join(chosen) for chosen in product(*choices))
    return tuple(spelled)


def _is_number(value) -> bool:
    """An int or float that is finite; TOML's true/false are not numbers."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _shown(value) -> str:
    """A value as the story file might have written it, short enough for a one-line error."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    if isinstance(value, str):
        shown = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, (date, datetime_time)):
        shown = value.isoformat()
    else:
        shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def ensure_story(db: Database, story: Story, remember: bool = False) -> int:
    """Make the story known to the database: its row, its default feeds (only the first time,
    so a feed the user removed stays removed) and its seed articles (idempotently).

    When the database already holds the story as the file has it, nothing is written: a
    command that only reads never waits for (or fails on) another process's write lock. A
    command that writes anyway may `remember` a passed check as the story's digest, so the next
    command with the same file skips the check (and the entity and scoring code it loads)."""
    digest = story_digest(story)
    if (story_id := _checked_story_id(db, story, digest)) is not None:
        return story_id
    story_id = _current_story_id(db, story)
    if story_id is not None:
        if remember and not getattr(db, "read_only", False):
            _remember(db, story, digest)
        return story_id
    if getattr(db, "read_only", False):
        raise StoryError(
            f"the database is read-only and does not hold the story {story.name!r} as {story.path or 'its file'}"
            " has it; open it once with write access"
        )
    from storywatch.store.analysis import analyse_articles
    from storywatch.store.entities import apply_story_aliases
    from storywatch.store.scoring import set_threshold

    with db.atomic():
        # The aliases are the whole database's, not one story's: a write here may change what
        # any story's digest vouches for, so every one is checked again next time.
        db.execute("UPDATE stories SET checked_digest = NULL WHERE checked_digest IS NOT NULL")
        row = db.execute("SELECT id FROM stories WHERE name = ?", [story.name]).fetchone()
        if row is None:
            story_id = db["stories"].insert(
                {"name": story.name, "title": story.title, "created_at": now_iso()}
            ).last_pk
            for feed in story.feeds:
                db.execute(
                    "INSERT OR IGNORE INTO feeds (url, title, added_at) VALUES (?, ?, ?)",
                    [feed.url, clean_line(feed.title, 200) or None, now_iso()],
                )
        else:
            story_id = row[0]
            db["stories"].update(story_id, {"title": story.title})
        stored_threshold = db.execute("SELECT threshold FROM stories WHERE id = ?", [story_id]).fetchone()[0]
        if stored_threshold != story.threshold:
            set_threshold(db, story_id, story.threshold)  # re-files verdicts only when it changed
        apply_story_aliases(db, story.aliases)
        stored_before = db.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is not None
        if _store_facets(db, story_id, story.facets) and stored_before:
            # What the story is about changed: every stored verdict may too. The rescore is
            # long on a big store, so the caller runs it (scoring.resume_rescore), and it
            # resumes where it stopped if interrupted. A brand-new database has nothing to
            # rescore: its seeds are scored below with the facets just stored.
            db.execute("UPDATE stories SET rescore_from = 0 WHERE id = ?", [story_id])
        seed_ids = [_import_seed(db, story_id, story.name, seed) for seed in story.seeds]
        analyse_articles(db, [article_id for article_id in seed_ids if article_id is not None])
        db.execute("UPDATE stories SET checked_digest = ? WHERE id = ?", [digest, story_id])
    return story_id


CHECK_VERSION = 1  # part of every digest: a change to what `_current_story_id` compares bumps it


def story_digest(story: Story) -> str:
    """A digest of everything `_current_story_id` compares: equal digests, equal stored facts."""
    facts = [
        CHECK_VERSION,
        story.name,
        story.title,
        story.threshold,
        story.aliases,
        _wanted_facet_rows(story.facets),
        [_seed_guid(story.name, seed) for seed in story.seeds],
    ]
    return hashlib.sha256(json.dumps(facts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _checked_story_id(db: Database, story: Story, digest: str) -> int | None:
    """The story's id when the database vouches for the file as it is now (one indexed read)."""
    row = db.execute("SELECT id FROM stories WHERE name = ? AND checked_digest = ?", [story.name, digest]).fetchone()
    return None if row is None else row[0]


def rescore_waiting(db: Database, story_id: int) -> bool:
    """Whether a rescore is asked for or under way (`scoring.resume_rescore` does it); one column
    read, so a command with none to do never loads the scoring code."""
    row = db.execute("SELECT rescore_from FROM stories WHERE id = ?", [story_id]).fetchone()
    return row is not None and row[0] is not None


def _remember(db: Database, story: Story, digest: str) -> None:
    """Keep the digest of a story found stored as its file has it. Checked again under the write
    lock: another process may have changed the shared aliases since the check."""
    with db.atomic():
        story_id = _current_story_id(db, story)
        if story_id is not None:
            db.execute("UPDATE stories SET checked_digest = ? WHERE id = ?", [digest, story_id])


def _current_story_id(db: Database, story: Story) -> int | None:
    """The story's id when its row, threshold, aliases, facets and seeds are stored as the file
    has them (reads only); None when `ensure_story` has something to write."""
    from storywatch.store.entities import story_aliases_stored

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
        for kind, phrases in (
            ("evidence", facet.words), ("unless", facet.unless), ("within", facet.within),
            ("only_within", facet.only_within),
        )
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
    from storywatch.store.ingest import add_revision

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
