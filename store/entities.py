"""Who and where the story is about: one entity for the many names it goes by.

`index_articles` runs at ingest, inside the poll's transaction: it reads each article's title,
summary and body, finds the names in it (`store.text.extract`) and files every mention under an
entity. The rules that decide which entity a name belongs to are pure functions here, applied
in this order, each one easy to check by hand:

1. The story file's `[aliases]` win: a name listed there belongs to its canonical name.
2. Titles and "the" are never part of a name (the extractor leaves them out): "President Trump"
   is "Trump", "the Pentagon" is "Pentagon".
3. Names are compared without case, accents, dots or middle initials: "U.S." is "US",
   "Donald J. Trump" is "Donald Trump".
4. A place or organisation the gazetteer knows goes by its canonical name: "U.S.", "US" and
   "United States" are all "United States"; "CJNG" is "Jalisco New Generation Cartel".
5. A person named by surname alone ("Sheinbaum") is the person with that surname already seen
   in full ("Claudia Sheinbaum"); if several, the one mentioned most. A person first seen by
   surname alone takes the full name when it appears; one already named in full keeps that
   name, and a longer name ending with it is the same person ("Alleged Charlie Kirk", a
   headline's first word in front of "Charlie Kirk"). A shorter tail of a full name
   ("García Harfuch") is the same person as the full name ("Omar García Harfuch").
6. A single word read as an organisation that the gazetteer does not know, and that is the
   surname of a person already seen, is that person: "Trump" or "Sheinbaum" opening a headline
   has no title or first name to tell the extractor it is a person. This holds even when an
   organisation of that name was made before the person was first named in full ("Maduro").
   So does a full name read as an organisation that is a person's name already ("Delcy Rodriguez").
7. Before all of these, a surname alone is the person the same article names in full: "Rodriguez"
   after "Delcy Rodriguez" is she, not Jorge Rodriguez, mentioned more often in earlier reports.
8. A nickname given in quotes with a full name (Ismael "El Mayo" Zambada) is that person's
   name too: "El Mayo" in quotes, or without them where the extractor reads it as a place
   ("El Mayo" looks like "El Paso"), is Zambada, if the gazetteer knows no such place.
9. A headline's first word before a word in lower case ("Trump orders strikes") is the person
   named in full with a first name who already goes by that surname alone, if there is one and
   only one (or one mentioned twice as often as any other); else it is no name at all (a
   headline's "Stocks rally" or "House passes" looks the same to the extractor).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from sqlite_utils import Database

from storywatch.store.text.extract import (
    extract,
    misread_as_firm,
    misread_as_person,
    parts_of_split_names,
    spoken_by_a_body,
)
from storywatch.store.text.gazetteer import gazetteer, name_key

KINDS = {"PER": "person", "ORG": "org", "LOC": "place"}
FIELDS = ("title", "summary", "body")
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


class Mention(NamedTuple):
    """One name found in one field of an article (a tuple: thousands are made per poll, and
    the poller's workers send them across as tuples)."""

    field: str
    start: int
    end: int
    kind: str  # person, org or place
    text: str


# --- pure rules -------------------------------------------------------------------------------


def clean_name(text: str) -> str:
    """The name as written, minus a leading "the" and a possessive "'s"."""
    name = " ".join(text.split())
    if name[:4].lower() == "the " and name_key(name) not in gazetteer().known:
        name = name[4:]
    if name.endswith(("'s", "’s")) and name_key(name) not in gazetteer().known:
        name = name[:-2]
    return name


def canonical_name(kind: str, text: str) -> str:
    """The name an entity is listed under: the gazetteer's canonical form when it knows the
    name with the same kind ("U.S." -> "United States"), else the cleaned name."""
    name = clean_name(text)
    known = gazetteer().known.get(name_key(name))
    if known and KINDS[known[0]] == kind:
        return known[1]
    if kind == "org" and (national := _NATIONAL.match(name)):
        # "U.S. Coast Guard" is the Coast Guard the gazetteer knows: one entity, not two
        known = gazetteer().known.get(name_key(name[national.end():]))
        if known and KINDS[known[0]] == "org":
            return known[1]
    return name


_NATIONAL = re.compile(r"(?:U\.S\.|US|United States|American)\s+(?=\S)")


def entity_key(kind: str, name: str) -> str:
    """What two names must share to be one entity of a kind; people ignore middle initials."""
    key = name_key(name)
    if kind == "person":
        parts = [part for part in key.split() if len(part) > 1 or len(key.split()) == 1]
        key = " ".join(parts)
    return key


def surname_key(kind: str, name: str) -> str | None:
    """A person's last name in compared form ("Donald J. Trump Jr." -> "trump")."""
    if kind != "person":
        return None
    parts = [part for part in entity_key(kind, name).split() if part not in _SUFFIXES]
    return parts[-1] if parts else None


def same_person(short: str, full: str) -> bool:
    """A shorter name that is the tail of a longer one: "Sheinbaum" / "Claudia Sheinbaum",
    "García Harfuch" / "Omar García Harfuch"."""
    short_key, full_key = entity_key("person", short), entity_key("person", full)
    return short_key != full_key and full_key.endswith(" " + short_key)


def named_before(name: str, tail: str) -> bool:
    """Whether `name` is the person `tail` with more of their name before it: a surname alone
    takes any name ending with it ("Sheinbaum", "Lee" / "Natalia Imperatori-Lee"), a longer
    name only first names before its whole words ("Omar" García Harfuch, "María" Corina
    Machado), not a headline's word ("Alleged" Charlie Kirk) or a name glued on with a hyphen
    ("Xi Jinping-"Donald Trump)."""
    words, count = name.split(), len(tail.split())
    if count == 1:
        return True
    if len(words) <= count or entity_key("person", " ".join(words[-count:])) != entity_key("person", tail):
        return False
    first_names = gazetteer().first_names
    return all(name_key(word) in first_names for word in words[:-count])


def repair_names_glued_in_front(db: Database) -> int:
    """People an earlier linker renamed after a longer name that only ended with theirs
    ("Alleged Charlie Kirk", "Xi Jinping-Donald Trump") take back the name in full their
    mentions give most (migration m017), unless another person has it; returns how many."""
    rows = db.execute(
        "SELECT e.id, e.name, m.text, count(*) AS n FROM entities e JOIN mentions m ON m.entity_id = e.id"
        " WHERE e.kind = 'person' AND e.name LIKE '% %' GROUP BY e.id, m.text ORDER BY e.id, n DESC, m.text"
    ).fetchall()
    repaired, done = 0, set()
    for entity_id, name, text, _ in rows:
        written = clean_name(text)
        if entity_id in done or not _last_words(written, name) or named_before(name, written):
            continue
        first = written.split()[0]
        if name_key(first) not in gazetteer().first_names and f"-{first}" not in name:
            continue  # only a name in full ("Charlie Kirk") or one glued on ("-Xi Jinping") is taken back
        done.add(entity_id)
        key = entity_key("person", written)
        if db.execute("SELECT 1 FROM entities WHERE kind = 'person' AND key = ?", [key]).fetchone() is None:
            db.execute("UPDATE entities SET name = ?, key = ? WHERE id = ?", [written, key, entity_id])
            repaired += 1
    return repaired


def repair_numbered_names(db: Database) -> int:
    """Articles that name a group by its number ("Barrio 18", "MS-13") were filed under the name
    without it ("Barrio", "MS") before the extractor read the number (migration m020): their
    names are read again, and a name no article mentions any more is forgotten. Returns how
    many articles were read again."""
    stems = sorted({
        key.rsplit(" ", 1)[0] for key, (label, _) in gazetteer().known.items()
        if label == "ORG" and " " in key and key.rsplit(" ", 1)[-1].isdigit()
    })
    if not stems:
        return 0
    article_ids = sorted({
        row[0]
        for row in _select_in(
            db, "SELECT DISTINCT m.article_id FROM mentions m JOIN entities e ON e.id = m.entity_id WHERE e.key IN ({})",
            [], stems,
        )
    })
    index_articles(db, article_ids)
    return len(article_ids)


def repair_split_names(db: Database) -> int:
    """Articles that write a known name holding "and" or an everyday word ("U.S. Drug
    Enforcement Administration", "Trinidad and Tobago") had it read in parts ("Enforcement", a
    person) before the extractor kept such names whole (migration m023): the articles that
    mention such a part and write one of its names are read again. Returns how many."""
    parts = parts_of_split_names()
    found: dict[int, set[str]] = {}
    for article_id, key in _select_in(
        db, "SELECT DISTINCT m.article_id, e.key FROM mentions m JOIN entities e ON e.id = m.entity_id WHERE e.key IN ({})",
        [], sorted(parts),
    ):
        found.setdefault(article_id, set()).update(parts[key])
    article_ids = []
    for article_id, title, summary, body in _select_in(
        db, "SELECT id, title, coalesce(summary, ''), coalesce(body, '') FROM articles WHERE id IN ({})", [], sorted(found)
    ):
        written = f" {name_key(' '.join((title or '', summary, body)))} "
        if any(re.search(rf"(?<![\w']){re.escape(name)}(?![\w'])", written) for name in found[article_id]):
            article_ids.append(article_id)
    index_articles(db, sorted(article_ids))
    return len(article_ids)


def repair_everyday_names(db: Database) -> int:
    """People an older extractor made of everyday words ("Waffle House", "Cracker Barrel") or of
    a headline's opener and a surname ("Embattled Petro"), before it knew everyday words
    (migration m024): the articles that mention one are read again. Returns how many."""
    people = [entity_id for entity_id, name in db.execute("SELECT id, name FROM entities WHERE kind = 'person'")
              if misread_as_person(name)]
    # They go first: "Petro", read again, would otherwise be filed under the person "Embattled
    # Petro" by its surname.
    return _read_again_without(db, people)


def repair_places_read_as_firms(db: Database) -> int:
    """Organisations an older extractor made of places ("Pacific" from "the Eastern Pacific",
    "South Pacific"), before it read a compass word or a people's adjective before a place
    (migration m026): they go, and the articles that mention one are read again, so a name the
    extractor still reads as a firm comes back as one. Returns how many articles were read again."""
    firms = [entity_id for entity_id, name in db.execute("SELECT id, name FROM entities WHERE kind = 'org'")
             if misread_as_firm(name)]
    return _read_again_without(db, firms)


def repair_acronyms_read_as_people(db: Database) -> int:
    """People an older extractor made of an acronym that opened a sentence and spoke ("WHO
    said", "UBS says") go, and the articles that mention one are read again (migration m029):
    the extractor now files such a speaker as an organisation. Returns how many articles."""
    people = [entity_id for entity_id, name in db.execute("SELECT id, name FROM entities WHERE kind = 'person'")
              if spoken_by_a_body(name)]
    return _read_again_without(db, people)


def repair_misread_sentence_starts(db: Database) -> int:
    """Reports an older extractor read with a sentence running on past initials ("told NBC. One
    of them", a ticker's "(IOC.NS)") or with the second sentence of an embedded player's consent
    notice ("One of your browser extensions ...", France 24's), which made firms of the next
    word ("One", "NS"), are read again (migration m028). Returns how many."""
    notice = [
        article_id for (article_id,) in db.execute(
            "SELECT id FROM articles WHERE (summary LIKE '%you must enable%' AND summary LIKE '%One of your browser extensions%')"
            " OR (body LIKE '%you must enable%' AND body LIKE '%One of your browser extensions%')"
        )
    ]
    after_initials = [
        article_id
        for article_id, before in db.execute(
            "SELECT m.article_id, substr(CASE m.field WHEN 'title' THEN a.title WHEN 'summary' THEN a.summary"
            " ELSE a.body END, max(m.char_start - 3, 1), min(m.char_start, 4)) FROM mentions m"
            " JOIN entities e ON e.id = m.entity_id JOIN articles a ON a.id = m.article_id WHERE e.kind = 'org'"
        )
        if _after_initials(before or "")
    ]
    article_ids = sorted(set(notice) | set(after_initials))
    index_articles(db, article_ids)
    return len(article_ids)


def _after_initials(before: str) -> bool:
    """Whether a name's last few characters before it are a full stop just after it ("IOC.NS"),
    or initials' full stop and a space ("NBC. One")."""
    return before.endswith(".") or (before.endswith(". ") and len(before) >= 4 and before[-4:-2].isupper())


def _read_again_without(db: Database, entity_ids: list[int]) -> int:
    """Forget these entities (their mentions and aliases with them), then read again the
    articles that mentioned them. Returns how many articles were read again."""
    article_ids = sorted({
        article_id for (article_id,) in _select_in(db, "SELECT DISTINCT article_id FROM mentions WHERE entity_id IN ({})", [], entity_ids)
    })
    for start in range(0, len(entity_ids), _BATCH):
        chunk = entity_ids[start : start + _BATCH]
        db.execute(f"DELETE FROM entities WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
    index_articles(db, article_ids)
    return len(article_ids)


def repair_own_outlet_mentions(db: Database) -> int:
    """Reports that name their own outlet by its site's name ("told Reuters" in a feed titled
    "Reuters (Direct)", its links on reuters.com) filed it as an organisation before the site's
    name counted as the outlet's (migration m027): they are read again. Returns how many."""
    article_ids = sorted({
        article_id
        for article_id, source, url, key in db.execute(
            "SELECT m.article_id, a.source, a.url, e.key FROM mentions m JOIN entities e ON e.id = m.entity_id"
            " JOIN articles a ON a.id = m.article_id WHERE e.kind = 'org' AND a.url IS NOT NULL"
        )
        if key in own_outlet_keys(source, url)
    })
    index_articles(db, article_ids)
    return len(article_ids)


def _last_words(tail: str, name: str) -> bool:
    """Whether `tail`, two words or more, is the last words of a longer `name`, every word
    compared ("Donald Trump" ends "Xi Jinping-Donald Trump"; "Trump U" does not end "Donald
    Trump", though a person's key drops its one-letter words)."""
    tail_words, name_words = name_key(tail).split(), name_key(name).split()
    return 2 <= len(tail_words) < len(name_words) and name_words[-len(tail_words):] == tail_words


def story_alias_keys(aliases: dict[str, list[str]]) -> dict[str, tuple[str, str]]:
    """The story file's [aliases] as compared key -> (alias as written, canonical name)."""
    table: dict[str, tuple[str, str]] = {}
    for canonical, names in aliases.items():
        for name in [canonical, *names]:
            if name_key(name):
                table[name_key(name)] = (name, canonical)
    return table


def article_mentions(title: str, summary: str, body: str) -> list[Mention]:
    """Every name in an article, read as one text so the headline's "Sheinbaum" meets the
    body's "Claudia Sheinbaum"; a title or summary repeated inside the body is read once."""
    parts = []
    for field, text in zip(FIELDS, (title or "", summary or "", body or "")):
        if not text.strip():
            continue
        if field != "body" and body and text.strip() in body:
            continue
        parts.append((field, text))
    joined, offsets, position = [], [], 0
    for field, text in parts:
        offsets.append((field, position, position + len(text)))
        joined.append(text)
        position += len(text) + 2
    document = "\n\n".join(joined)
    mentions = []
    for span in extract(document):
        for field, begin, stop in offsets:
            if begin <= span.start and span.end <= stop:
                mentions.append(Mention(field, span.start - begin, span.end - begin, KINDS[span.label], span.text))
                break
    if parts and parts[0][0] == "title" and not any(m.field == "title" and m.start == 0 for m in mentions):
        opener = _HEADLINE_SUBJECT.match(parts[0][1])
        if opener:  # rule 9: "Trump orders strikes", which the extractor cannot tell from "Stocks rally"
            mentions.insert(0, Mention("title", 0, opener.end(1), SURNAME, opener.group(1)))
    return mentions


SURNAME = "surname"  # a mention's kind: a word that is a person's name only if a person has it as surname
# A headline's first word, capitalised, before a word in lower case ("Trump's", "Sheinbaum rejects").
_HEADLINE_SUBJECT = re.compile(r"([A-Z](?:[a-z]+|[a-z]*[A-Z][a-z]+))(?:['’]s)?[ \t]+[a-z]")


# --- the database -----------------------------------------------------------------------------


def index_articles(
    db: Database, article_ids: list[int], mentions_of: Callable[[str, str, str], list[Mention]] | None = None
) -> None:
    """Find and file the names in these articles, replacing what an earlier version said.

    Runs inside the caller's transaction (a savepoint here), so a failed poll leaves no half
    of an article's entities behind. `mentions_of` (title, summary, body) -> mentions may give
    what `article_mentions` would, found beforehand (the poller's workers do).
    """
    mentions_of = mentions_of or article_mentions
    if not article_ids:
        return
    with db.atomic():
        # The texts and the names each article had, for all of them at once. An article's own
        # mentions are written only here, so what was read stays true as the loop goes on.
        texts, had, outlets = {}, {}, {}
        for start in range(0, len(article_ids), _BATCH):
            chunk = article_ids[start : start + _BATCH]
            marks = ", ".join("?" * len(chunk))
            for article_id, source, url, *text in db.execute(
                f"SELECT id, source, url, title, summary, body FROM articles WHERE id IN ({marks})", chunk
            ).fetchall():
                texts[article_id] = text
                outlets[article_id] = own_outlet_keys(source, url)
            for article_id, entity_id in db.execute(
                f"SELECT DISTINCT article_id, entity_id FROM mentions WHERE article_id IN ({marks})"
                " ORDER BY article_id, entity_id",
                chunk,
            ).fetchall():
                had.setdefault(article_id, []).append(entity_id)
        found = {article_id: mentions_of(*texts[article_id]) for article_id in article_ids if article_id in texts}
        pending = _Pending(db)
        linker = _Linker(db, before_counting=pending.write)
        linker.names = _KnownNames(db, linker.story, [m for mentions in found.values() for m in mentions])
        for article_id in article_ids:
            if article_id not in found:
                continue
            replaced = had.get(article_id, [])
            if replaced:
                pending.write()  # first: the ids of new mentions follow the highest id there is
                db.execute("DELETE FROM mentions WHERE article_id = ?", [article_id])
            rows = []  # pending only once the article is linked: its own names never count while it is
            own = outlets[article_id]
            named_in_full = _named_in_full(found[article_id])
            for mention in found[article_id]:
                if own and mention.kind == "org" and name_key(mention.text) in own:
                    continue  # the outlet naming itself ("told Reuters"): not what its report is about
                full = named_in_full.get(surname_key("person", mention.text)) if mention.kind in ("person", SURNAME) else None
                if full:
                    entity_id = linker.entity_for("person", full)
                elif mention.kind == SURNAME:
                    entity_id = linker.person_with_surname(mention.text)
                else:
                    entity_id = linker.entity_for(mention.kind, mention.text)
                if entity_id is not None:
                    rows.append((article_id, entity_id, mention.field, mention.start, mention.end, mention.text))
            pending.rows += rows
            if replaced:
                pending.write()  # whether a name is still mentioned anywhere counts this article's new ones
                _forget_unmentioned(db, replaced, linker.names)
        pending.write()


_BATCH = 500  # ids per IN (...) list


def _named_in_full(mentions: list[Mention]) -> dict[str, str]:
    """Rule 7: surname key -> the full name one article gives a person ("Delcy Rodriguez"),
    for the surnames only one person named in full there has."""
    full: dict[str, str | None] = {}
    for mention in mentions:
        if mention.kind == "person" and len(mention.text.split()) > 1:
            surname = surname_key("person", mention.text)
            if surname and full.get(surname, mention.text) != mention.text:
                full[surname] = None  # two people of one surname here: the surname alone says neither
            elif surname:
                full.setdefault(surname, mention.text)
    return {surname: name for surname, name in full.items() if name}


def own_outlet_keys(source: str | None, url: str | None = None) -> frozenset[str]:
    """The name keys a report's own outlet goes by: its source as the feed names it ("Reuters",
    "The New York Times") or, for a web address, the site's name ("reuters.com", "bbc.co.uk"),
    and the name of the report's own site when the source holds it as a word (a feed titled
    "Reuters (Direct)" or "BBC News - World", its links on reuters.com or bbc.co.uk; not Google,
    whose News links carry other outlets' reports). A wire names itself in most of its reports
    ("seen by Reuters"); counted, it led the organisations of a month of its own coverage
    (bench/data/real_dev_world.jsonl)."""
    if not source or not source.strip():
        return frozenset()
    site = _site_name(source)
    if site:
        return frozenset({site})
    key = name_key(source)
    keys = {key, key.removeprefix("the ")}
    site = _site_name(url or "")
    if site and site in key.split():
        keys.add(site)
    return frozenset(k for k in keys if k)


def _site_name(address: str) -> str | None:
    """A web address's site name ("reuters" for https://www.reuters.com/world/..., "bbc" for
    bbc.co.uk), or None when it is no address."""
    host = address.strip().lower().removeprefix("https://").removeprefix("http://").split("/")[0].split(":")[0]
    if "." not in host or " " in host:
        return None
    labels = host.removeprefix("www.").split(".")
    second_level = len(labels) >= 3 and labels[-2] in ("co", "com", "org", "net", "ac", "gov")
    return labels[-3] if second_level else labels[-2 if len(labels) >= 2 else 0]


class _Pending:
    """Mentions found but not yet written: one INSERT for many articles, written before anything
    counts mentions (so every count is what it was when each article was written at once)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.rows: list[tuple] = []

    def write(self) -> None:
        if self.rows:
            self.db.conn.executemany(
                "INSERT INTO mentions (article_id, entity_id, field, char_start, char_end, text) VALUES (?, ?, ?, ?, ?, ?)",
                self.rows,
            )
            self.rows = []


def _stored_story_aliases(db: Database) -> dict[str, tuple[str, str]]:
    return {row[0]: (row[1], row[2]) for row in db.execute("SELECT key, alias, canonical FROM story_aliases")}


def story_aliases_stored(db: Database, aliases: dict[str, list[str]]) -> bool:
    """Whether the story file's [aliases] are stored as they are (reads only)."""
    return _stored_story_aliases(db) == story_alias_keys(aliases)


def apply_story_aliases(db: Database, aliases: dict[str, list[str]]) -> None:
    """Make the story file's [aliases] the law: store them and re-file the mentions they name.

    Call it whenever the story file is read (cheap when nothing changed).
    """
    table = story_alias_keys(aliases)
    current = _stored_story_aliases(db)
    if current == table:
        return
    with db.atomic():
        db.execute("DELETE FROM story_aliases")
        db.conn.executemany(
            "INSERT INTO story_aliases (key, alias, canonical) VALUES (?, ?, ?)",
            [(key, alias, canonical) for key, (alias, canonical) in table.items()],
        )
        changed = set(table) ^ set(current) | {k for k in table if current.get(k) != table[k]}
        if not changed:
            return
        linker = _Linker(db)
        marks = ",".join("?" * len(changed))
        moved = db.execute(
            "SELECT m.id, e.kind, m.text, m.entity_id FROM mentions m JOIN entities e ON e.id = m.entity_id"
            f" JOIN entity_aliases a ON a.entity_id = e.id AND a.key IN ({marks})",
            list(changed),
        ).fetchall()
        old = set()
        for mention_id, kind, text, entity_id in moved:
            new_id = linker.entity_for(kind, text)
            if new_id is not None and new_id != entity_id:
                db.execute("UPDATE mentions SET entity_id = ? WHERE id = ?", [new_id, mention_id])
                old.add(entity_id)
        _forget_unmentioned(db, list(old))


def _forget_unmentioned(db: Database, entity_ids: list[int], names: _KnownNames | None = None) -> None:
    for entity_id in entity_ids:
        if not db.execute("SELECT 1 FROM mentions WHERE entity_id = ? LIMIT 1", [entity_id]).fetchone():
            db.execute("DELETE FROM entity_aliases WHERE entity_id = ?", [entity_id])
            db.execute("DELETE FROM entities WHERE id = ?", [entity_id])
            if names is not None:
                names.forget(entity_id)


class _KnownNames:
    """The entities and aliases a batch's names may be filed under, read in a few queries before
    the batch is linked, then kept as the linker writes (a new entity, a new alias, a surname
    that takes its full name, an entity forgotten). A key outside what was read, or made
    uncertain, is asked of the database as before: the answers are the same either way."""

    def __init__(self, db: Database, story: dict[str, str], mentions: list[Mention]) -> None:
        wanted: dict[str, set[str]] = {kind: set() for kind in KINDS.values()}
        alias_keys: set[str] = set()
        for kind, text in {(mention.kind, mention.text) for mention in mentions if mention.kind != SURNAME}:  # often repeated
            written, alias = _written(text)
            if not alias:
                continue
            alias_keys.add(alias)
            if alias not in story:  # the story file's names are looked up as they always were
                wanted[kind].add(_canonical(kind, written)[1])
        self.entities: dict[tuple[str, str], int] = {}
        self.info: dict[int, tuple[str, str]] = {}  # id -> (kind, key)
        self.covered = {(kind, key) for kind, keys in wanted.items() for key in keys}
        for kind, keys in wanted.items():
            for entity_id, key in _select_in(db, "SELECT id, key FROM entities WHERE kind = ? AND key IN ({})", [kind], keys):
                self.entities[(kind, key)] = entity_id
                self.info[entity_id] = (kind, key)
        self.aliases: dict[str, dict[int, None]] = {key: {} for key in alias_keys}  # alias key -> entity ids
        for alias, entity_id, kind, key in _select_in(
            db,
            "SELECT a.key, e.id, e.kind, e.key FROM entity_aliases a INDEXED BY entity_aliases_by_key"
            " JOIN entities e ON e.id = a.entity_id WHERE a.key IN ({})",
            [],
            alias_keys,
        ):
            self.aliases[alias][entity_id] = None
            self.info[entity_id] = (kind, key)

    def entity(self, kind: str, key: str) -> int | None | bool:
        """The entity of this kind and key, None if there is none, False if not known here."""
        if (kind, key) not in self.covered:
            return False
        return self.entities.get((kind, key))

    def by_alias(self, alias: str, kind: str) -> int | None | bool:
        """The entity of this kind with this alias, first in key order; None, or False if not known here."""
        ids = self.aliases.get(alias)
        if ids is None:
            return False
        keys = [(self.info[i][1], i) for i in ids if self.info[i][0] == kind]
        return min(keys)[1] if keys else None

    def has_alias(self, entity_id: int, alias: str) -> bool:
        ids = self.aliases.get(alias)
        return ids is not None and entity_id in ids

    def made(self, entity_id: int, kind: str, key: str) -> None:
        self.info[entity_id] = (kind, key)
        if (kind, key) in self.covered:
            self.entities[(kind, key)] = entity_id

    def renamed(self, entity_id: int, kind: str, old_key: str, key: str) -> None:
        if self.entities.get((kind, old_key)) == entity_id:
            del self.entities[(kind, old_key)]
        self.made(entity_id, kind, key)

    def aliased(self, entity_id: int, alias: str) -> None:
        ids = self.aliases.get(alias)
        if ids is None:
            return
        if entity_id in self.info:
            ids[entity_id] = None
        else:  # an entity read from no table here: this alias is the database's to answer from now on
            del self.aliases[alias]

    def forget(self, entity_id: int) -> None:
        kind, key = self.info.pop(entity_id, (None, None))
        if kind is not None and self.entities.get((kind, key)) == entity_id:
            del self.entities[(kind, key)]
        for ids in self.aliases.values():
            ids.pop(entity_id, None)


# The same few thousand names recur in poll after poll; cleaning and keying one is pure (the
# gazetteer is fixed), and was most of the linker's CPU.
@lru_cache(maxsize=50_000)
def _written(text: str) -> tuple[str, str]:
    """A name as written (`clean_name`) and its alias key (`name_key` of that)."""
    written = clean_name(text)
    return written, name_key(written)


# A nickname in quotes inside a full name: Joaquín "El Chapo" Guzmán, Ismael 'El Mayo' Zambada.
_QUOTED = re.compile(r"\s[\"“'‘]([^\"”'’]{2,30})[\"”'’]\s")


def _nickname(name: str) -> str | None:
    """The quoted nickname a full name holds, if any."""
    found = _QUOTED.search(name)
    return found.group(1).strip() if found else None


@lru_cache(maxsize=50_000)
def _canonical(kind: str, written: str) -> tuple[str, str]:
    """The name and entity key a cleaned name is filed under, unless an alias says otherwise
    (pure, as `_written`: the linker asks it for every name it has not met in this batch)."""
    name = canonical_name(kind, written)
    return name, entity_key(kind, name)


def _select_in(db: Database, sql: str, before: list, values) -> list[tuple]:
    """`sql` with `{}` for an IN list of `values`, in slices of `_BATCH`."""
    values = list(values)
    rows = []
    for start in range(0, len(values), _BATCH):
        chunk = values[start : start + _BATCH]
        rows += db.execute(sql.format(", ".join("?" * len(chunk))), [*before, *chunk]).fetchall()
    return rows


# How often an entity `e` is mentioned, counted up to MENTIONS_COUNTED: which of two people of
# one surname is meant goes by it, and counting all of a leading name's mentions walked the
# index once per question (bench/linking.py). Past the cap the one first seen wins.
MENTIONS_COUNTED = 5_000
_MENTIONED = f"(SELECT count(*) FROM (SELECT 1 FROM mentions m WHERE m.entity_id = e.id LIMIT {MENTIONS_COUNTED}))"


class _Linker:
    """Finds or makes the entity for a name, by the rules in this module's docstring."""

    def __init__(self, db: Database, before_counting: Callable[[], None] = lambda: None) -> None:
        self.db = db
        self.story = {row[0]: row[1] for row in db.execute("SELECT key, canonical FROM story_aliases")}
        self.cache: dict[tuple[str, str], int] = {}
        self.before_counting = before_counting  # the rules that rank people by mentions call it first
        self.names: _KnownNames | None = None  # what a batch's names are known by, read up front
        self.surnames: dict[str, int | None] = {}  # rule 9's answers in this batch

    def entity_for(self, kind: str, text: str) -> int | None:
        written, alias = _written(text)
        if not alias:
            return None
        cached = self.cache.get((kind, alias))
        if cached is not None:
            return cached
        entity_id = self._find_or_make(kind, written)
        self.cache[(kind, alias)] = entity_id
        self._remember_alias(entity_id, written)
        nickname = _nickname(written) if kind == "person" else None
        if nickname:  # rule 8: 'Ismael "El Mayo" Zambada' is "El Mayo" too
            self._remember_alias(entity_id, nickname)
        return entity_id

    def person_with_surname(self, text: str) -> int | None:
        """Rule 9: a headline's first word is the person named in full (with a first name) who
        already goes by that surname alone elsewhere ("Trump" of "Donald Trump"); of several,
        the one mentioned at least twice as often as any other. None when there is no such
        person ("Stocks", "House", "Shooting": no one goes by them) or no clear one ("Johnson":
        the Speaker or Chicago's mayor). Makes nothing."""
        written = clean_name(text)
        key = name_key(written)
        if key in self.surnames:
            return self.surnames[key]
        first_names = gazetteer().first_names
        people = [
            entity_id
            for entity_id, name in self.db.execute(
                "SELECT id, name FROM entities WHERE kind = 'person' AND surname = ? AND key != surname ORDER BY id", [key]
            ).fetchall()
            if name_key(name.split()[0]) in first_names
        ]
        if people:  # most first words ("Stocks", "Five") name no one: nothing to write or read
            self.before_counting()  # this batch's mentions are written first: they are asked about
            people = [
                row[0]
                for row in self.db.execute(
                    f"SELECT e.id FROM entities e WHERE e.id IN ({', '.join('?' * len(people))})"
                    " AND EXISTS (SELECT 1 FROM (SELECT m.text FROM mentions m WHERE m.entity_id = e.id"
                    f" LIMIT {MENTIONS_COUNTED}) WHERE text = ?) ORDER BY e.id",  # read as far as counting is
                    [*people, written],
                ).fetchall()
            ]
        if len(people) > 1:
            counted = self.db.execute(
                f"SELECT e.id, {_MENTIONED} AS n FROM entities e WHERE e.id IN ({', '.join('?' * len(people))})"
                " ORDER BY n DESC, e.id",
                people,
            ).fetchall()
            people = [counted[0][0]] if counted[0][1] >= 2 * counted[1][1] else []
        self.surnames[key] = people[0] if people else None
        return self.surnames[key]

    def _find_or_make(self, kind: str, written: str) -> int:
        db = self.db
        canonical = self.story.get(name_key(written))
        if canonical is not None:  # rule 1: the story file says so, whatever kind it was read as
            key = entity_key(kind, canonical)
            # The kinds spelled out: a seek per kind in the (kind, key) index, not a scan of every entity.
            row = db.execute(
                "SELECT id FROM entities WHERE kind IN ('person', 'org', 'place') AND key = ? ORDER BY kind = ? DESC LIMIT 1",
                [key, kind],
            ).fetchone()
            return row[0] if row else self._make(kind, canonical)
        name, key = _canonical(kind, written)
        if kind == "org" and name_key(written) not in gazetteer().known:
            # rule 6, before an organisation read so earlier
            person = self._person_by_surname(key) if " " not in key else self._person_named(written)
            if person is not None:
                return person
        if kind == "place" and name_key(written) not in gazetteer().known:
            # rule 8, before a place read so earlier: "El Mayo" without its quotes reads like
            # "El Paso", but is the nickname of the person named in full with it
            person = self._by_alias(name_key(written), "person")
            if person is not None:
                return person
        known = self._by_key(kind, key)
        if known is not None:
            return known
        known = self._by_alias(name_key(written), kind)
        if known is not None:
            return known
        if kind == "person":
            return self._person(name, key)
        return self._make(kind, name)

    def _person_named(self, written: str) -> int | None:
        """Rule 6 for a full name: the person of exactly this name ("Delcy Rodriguez" read as
        an organisation, as "<word> <town>" reads like "Real Madrid")."""
        return self._by_key("person", entity_key("person", written))

    def _by_key(self, kind: str, key: str) -> int | None:
        """The entity of this kind and entity key, if there is one."""
        known = self.names.entity(kind, key) if self.names else False
        if known is False:
            row = self.db.execute("SELECT id FROM entities WHERE kind = ? AND key = ?", [kind, key]).fetchone()
            known = row[0] if row else None
        return known

    def _by_alias(self, alias: str, kind: str) -> int | None:
        """The entity of this kind that goes by this alias key; of several, the first in key order."""
        known = self.names.by_alias(alias, kind) if self.names else False
        if known is False:
            # By the alias key's index (without statistics SQLite walked every entity of the kind),
            # and of several, the entity first in key order, as that walk found it.
            row = self.db.execute(
                "SELECT e.id FROM entity_aliases a INDEXED BY entity_aliases_by_key JOIN entities e ON e.id = a.entity_id"
                " WHERE a.key = ? AND e.kind = ? ORDER BY e.key LIMIT 1",
                [alias, kind],
            ).fetchone()
            known = row[0] if row else None
        return known

    def _people_with_surname(self, surname: str, full_names_only: bool = False) -> list[tuple[int, str, str]]:
        """The people (id, name, key) who share this surname, the one mentioned most first. Mentions
        are counted (and this batch's written first) only when there are several: most such names
        are no one's surname, and flushing for each cut the batch's one INSERT into thousands."""
        where = "e.kind = 'person' AND e.surname = ?" + (" AND e.key != e.surname" if full_names_only else "")
        people = self.db.execute(f"SELECT e.id, e.name, e.key FROM entities e WHERE {where} LIMIT 2", [surname]).fetchall()
        if len(people) < 2:
            return people
        self.before_counting()
        return self.db.execute(
            f"SELECT e.id, e.name, e.key FROM entities e WHERE {where} ORDER BY {_MENTIONED} DESC, e.id", [surname]
        ).fetchall()

    def _person_by_surname(self, key: str) -> int | None:
        """Rule 6: the person seen in full with this surname, the one mentioned most. A person
        known by one word alone is itself a guess ("Davos said"), and takes no organisation's name."""
        people = self._people_with_surname(key, full_names_only=True)
        return people[0][0] if people else None

    def _person(self, name: str, key: str) -> int:
        """Rule 5: surnames and tails of full names join the full name, of the people who share
        the surname the one mentioned most."""
        others = self._people_with_surname(surname_key("person", name))
        for entity_id, other, _ in others:
            if same_person(name, other):
                return entity_id
        for entity_id, other, old_key in others:
            if same_person(other, name) and not any(same_person(other, o) for _, o, _ in others if o != other):
                if not named_before(name, other):
                    # "Alleged Charlie Kirk", "Xi Jinping-Donald Trump": a headline's first word or
                    # another name glued on in front of one already known is still that person,
                    # who keeps the name (renamed, Trump's 1,497 mentions in twelve weeks of top
                    # stories were listed as "Xi Jinping-Donald Trump").
                    return entity_id
                # First seen by surname alone, now named in full: the entity takes the full name.
                self.db.execute("UPDATE entities SET name = ?, key = ? WHERE id = ?", [name, key, entity_id])
                if self.names:
                    self.names.renamed(entity_id, "person", old_key, key)
                return entity_id
        return self._make("person", name)

    def _make(self, kind: str, name: str) -> int:
        cursor = self.db.execute(
            "INSERT INTO entities (kind, name, key, surname) VALUES (?, ?, ?, ?)",
            [kind, name, entity_key(kind, name), surname_key(kind, name)],
        )
        if self.names:
            self.names.made(cursor.lastrowid, kind, entity_key(kind, name))
        return cursor.lastrowid

    def _remember_alias(self, entity_id: int, written: str) -> None:
        if self.names and self.names.has_alias(entity_id, name_key(written)):
            return  # stored already: the INSERT would be ignored
        self.db.execute(
            "INSERT OR IGNORE INTO entity_aliases (entity_id, alias, key) VALUES (?, ?, ?)",
            [entity_id, written, name_key(written)],
        )
        if self.names:
            self.names.aliased(entity_id, name_key(written))
