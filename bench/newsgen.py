"""Varied, news-like feed items for the dashboard bench, built from the labelled news text in
`bench/data/` (written by people, not by this script) and stored through the real ingest path.

Every item recombines real headlines and lead sentences: another outlet, other names, places
and numbers, a sentence or two from related reports. About one in twelve is another outlet's
light rewrite of a recent report (so coverage groups form as they do in real feeds), and about
one in twenty comes from the story's own labelled items, so a few percent of the store is on the
story. `build_store` caches the database (building 100k takes many minutes on two cores).
"""

from __future__ import annotations

import json
import random
import re
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
CACHE = Path("/tmp/storywatch-bench")
ITEMS_PER_POLL = 50
FEEDS = 120  # distinct outlets' feeds
SPAN_DAYS = 30  # the items' publication times spread over this many days up to now

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
_NUMBER = re.compile(r"\b\d{1,3}(?:,\d{3})*\b")
_MARKED = re.compile(r"\[\[(PER|ORG|LOC):([^\]]+)\]\]")
_PERSON = re.compile(r"\b(President|Secretary|Senator|Governor|Gen\.|Rep\.|Minister|Mayor) ([A-Z][a-z]+ [A-Z][a-z]+)")

# Names and places that vary the text (the labelled data's own, plus the wider region's).
_PLACES = [
    "Sinaloa", "Culiacan", "Tijuana", "Michoacan", "Jalisco", "Sonora", "Tamaulipas", "Chihuahua", "Guerrero",
    "Ciudad Juarez", "Monterrey", "Nuevo Laredo", "Reynosa", "Matamoros", "Guadalajara", "Acapulco", "Oaxaca",
    "Veracruz", "Puebla", "Zacatecas", "Durango", "Colima", "Baja California", "El Paso", "San Diego", "Laredo",
    "Nogales", "Tucson", "Phoenix", "Houston", "Dallas", "Chicago", "Denver", "Miami", "Caracas", "Bogota",
    "Medellin", "Quito", "Lima", "Panama City", "San Salvador", "Tegucigalpa", "Guatemala City", "Havana",
    "Ottawa", "Toronto", "Madrid", "Brussels", "Geneva", "Berlin", "Warsaw", "Kyiv", "Ankara", "Cairo", "Nairobi",
]
_FIRST = ["Maria", "Jose", "Luis", "Ana", "Carlos", "Laura", "David", "Sarah", "Michael", "Elena", "Jorge", "Rosa",
          "James", "Patricia", "Robert", "Linda", "Miguel", "Sofia", "Daniel", "Karen", "Alejandro", "Lucia"]
_LAST = ["Garcia", "Hernandez", "Lopez", "Martinez", "Gonzalez", "Rodriguez", "Perez", "Sanchez", "Ramirez",
         "Torres", "Flores", "Rivera", "Smith", "Johnson", "Williams", "Brown", "Miller", "Davis", "Wilson",
         "Anderson", "Thompson", "Moore", "Castillo", "Vargas", "Mendoza", "Ortiz", "Ruiz", "Navarro"]
_OUTLET_WORDS = ["Daily", "Herald", "Tribune", "Post", "Times", "Courier", "Ledger", "Gazette", "Journal",
                 "Observer", "Sentinel", "Chronicle", "Dispatch", "Record", "Monitor", "Review", "News", "Star"]


class Corpus:
    """The labelled items, split into headlines and sentences by whether they are on the story."""

    def __init__(self) -> None:
        self.items = {True: [], False: []}
        sources = set()
        for name in ("eval_items", "eval_fresh", "eval_blind"):
            for line in (DATA / f"{name}.jsonl").read_text().splitlines():
                row = json.loads(line)
                self.items[bool(row["on_story"])].append((row["title"], row["summary"]))
                sources.add(row["source"])
        self.sentences = {on: [s for _, summary in rows for s in _SENTENCE.split(summary) if len(s) > 30]
                          for on, rows in self.items.items()}
        people, places = set(), set(_PLACES)
        for line in (DATA / "entities.jsonl").read_text().splitlines():
            for kind, name in _MARKED.findall(json.loads(line)["marked"]):
                if kind == "PER" and " " in name:
                    people.add(name)
                elif kind == "LOC" and name[0].isupper() and not name.isupper():
                    places.add(name)
        self.people = sorted(people) + [f"{f} {s}" for f in _FIRST for s in _LAST]
        self.places = sorted(places)
        self.sources = sorted(sources)


def _vary(text: str, rng: random.Random, corpus: Corpus) -> str:
    """Other numbers, places and people in a real sentence, so no two items read alike."""
    text = _NUMBER.sub(lambda m: str(rng.randint(2, 900)) if rng.random() < 0.7 else m.group(0), text)
    text = _PERSON.sub(lambda m: f"{m.group(1)} {rng.choice(corpus.people)}" if rng.random() < 0.5 else m.group(0), text)
    for place in _PLACES:
        if place in text and rng.random() < 0.5:
            text = text.replace(place, rng.choice(corpus.places))
    return text


def _splice(title: str, other: str, rng: random.Random) -> str:
    """Half of one real headline and half of another (most of the time), so headlines rarely repeat."""
    if rng.random() < 0.15:
        return title
    head, tail = title.split(), other.split()
    cut_head, cut_tail = max(2, len(head) // 2), len(tail) // 2
    return " ".join(head[:cut_head] + tail[cut_tail:])


def _rewrite(text: str, rng: random.Random) -> str:
    """Another outlet's light edit of a report: a word or two dropped."""
    words = text.split()
    for _ in range(max(1, len(words) // 15)):
        if len(words) > 4:
            del words[rng.randrange(1, len(words))]
    return " ".join(words)


def outlet_name(feed: int) -> str:
    rng = random.Random(feed)
    return f"The {rng.choice(_PLACES)} {rng.choice(_OUTLET_WORDS)}"


def news_items(rng: random.Random, corpus: Corpus, count: int, start: int, now: datetime, total: int,
               on_share: float = 0.015, copy_share: float = 0.08):
    """`count` items numbered from `start`, published in order over SPAN_DAYS up to `now`: a
    list of (feed index, ArticleRecord)."""
    from storywatch.store.records import ArticleRecord
    from storywatch.store.times import to_iso

    items = []
    recent: list[tuple[str, str]] = getattr(rng, "recent", [])
    rng.recent = recent
    for n in range(start, start + count):
        feed = rng.randrange(FEEDS)
        if recent and rng.random() < copy_share:
            title, summary = rng.choice(recent)
            title = title if rng.random() < 0.5 else _rewrite(title, rng)
            summary = _rewrite(summary, rng)
        else:
            on = rng.random() < on_share
            (title, summary), (other, _) = rng.sample(corpus.items[on], 2)
            lead = _SENTENCE.split(summary)[0]
            extra = rng.sample(corpus.sentences[on], 2)
            title = _vary(_splice(title, other, rng), rng, corpus)
            summary = _vary(" ".join([lead, *extra[: rng.randint(1, 2)]]), rng, corpus)
            recent.append((title, summary))
            if len(recent) > 300:
                del recent[0]
        when = now - timedelta(days=SPAN_DAYS) * (1 - n / total) - timedelta(minutes=rng.random() * 30)
        items.append((feed, ArticleRecord(
            title=title, summary=summary, url=f"http://127.0.0.1:9/{feed}/{n}", guid=f"bench-{n}",
            source=rng.choice(corpus.sources) if rng.random() < 0.6 else outlet_name(feed),
            author=f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" if rng.random() < 0.5 else "",
            published_at=to_iso(when),
        )))
    return items


def build_store(path: Path, story_file: Path, size: int, *, seed: int = 10, say=print) -> float:
    """Store `size` generated items in a fresh database at `path` through save_poll (entities,
    copies, relevance: the real ingest path); mark most older reports read and tag a few.
    Returns the seconds it took."""
    from storywatch.store.db import open_db
    from storywatch.store.feeds import add_feed
    from storywatch.store.ingest import save_poll
    from storywatch.store.records import PollOutcome
    from storywatch.store.story import ensure_story, load_story
    from storywatch.store.times import to_iso

    started = time.perf_counter()
    partial = path.with_suffix(".building")
    for leftover in path.parent.glob(partial.name + "*"):
        leftover.unlink()
    db = open_db(partial)
    ensure_story(db, load_story(story_file))
    feed_ids = [add_feed(db, f"http://127.0.0.1:9/feed/{n}.xml", outlet_name(n)) for n in range(FEEDS)]
    rng, corpus = random.Random(seed), Corpus()
    now = datetime.now(timezone.utc).replace(microsecond=0)
    for start in range(0, size, ITEMS_PER_POLL):
        by_feed: dict[int, list] = {}
        for feed, item in news_items(rng, corpus, min(ITEMS_PER_POLL, size - start), start, now, size):
            by_feed.setdefault(feed, []).append(item)
        polled = to_iso(now - timedelta(days=SPAN_DAYS) * (1 - (start + ITEMS_PER_POLL) / size))
        for feed, items in by_feed.items():
            save_poll(db, feed_ids[feed], PollOutcome(polled_at=polled, ok=True, status=200), items)
        if start and start % 5000 == 0:
            say(f"  {start:,} items stored ({time.perf_counter() - started:.0f} s)", flush=True)
    # The reader's state: everything older than two days read, a few reports tagged.
    with db.atomic():
        cutoff = to_iso(now - timedelta(days=2))
        db.execute("UPDATE articles SET read_at = sort_at WHERE sort_at < ? AND kind = 'feed'", [cutoff])
        tags = ["follow-up", "important", "map", "quotes", "timeline"]
        db.conn.executemany(
            "INSERT OR IGNORE INTO tags (article_id, tag, tagged_at) VALUES (?, ?, ?)",
            [(article_id, rng.choice(tags), to_iso(now)) for (article_id,) in
             db.execute("SELECT id FROM articles WHERE id % 37 = 0").fetchall()],
        )
    db.close()
    for suffix in ("-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    partial.rename(path)
    return time.perf_counter() - started
