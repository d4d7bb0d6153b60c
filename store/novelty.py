"""What each on-story report adds to its story, as stored: its new sentences (`developments`)
and what the story already knows (`story_knowledge`, one row per known unit).

`note_article` runs in the analysis pass, inside the poll's transaction, after relevance.
What is known is never loaded whole: each report's own units are looked up (one indexed
query), so a poll costs the same with ten reports stored or a million. The text work is in
`storywatch.store.text.novelty`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from storywatch.store.text import novelty
from storywatch.store.times import now_iso

LOOKUP_BATCH = 500  # units per IN (...) list


@dataclass(frozen=True)
class Development:
    """One new sentence and the report it came from."""

    id: int
    article_id: int
    field: str  # 'title' | 'summary' | 'body'
    char_start: int
    char_end: int
    sentence: str
    score: float
    found_at: str
    source: str | None = None
    title: str = ""
    sort_at: str = ""


def _fields(title: str, summary: str, body: str) -> list[tuple[str, str]]:
    return list(novelty.article_fields(title, summary, body))


def learn(db: Database, story_id: int, title: str, summary: str, body: str) -> None:
    """What a report says becomes known to the story (a seed, or a report once marked)."""
    found = set().union(*(novelty.text_units(text) for _, text in _fields(title, summary, body)))
    db.conn.executemany(
        "INSERT OR IGNORE INTO story_knowledge (story_id, unit) VALUES (?, ?)", [(story_id, u) for u in found]
    )


def known_of(db: Database, story_id: int, candidates: set[int]) -> set[int]:
    """Which of these units the story already knows."""
    keys = list(candidates)
    known: set[int] = set()
    for start in range(0, len(keys), LOOKUP_BATCH):
        chunk = keys[start : start + LOOKUP_BATCH]
        known.update(
            row[0]
            for row in db.execute(
                f"SELECT unit FROM story_knowledge WHERE story_id = ? AND unit IN ({', '.join('?' * len(chunk))})",
                [story_id, *chunk],
            ).fetchall()
        )
    return known


def note_article(
    db: Database, story_id: int, article_id: int, title: str, summary: str, body: str, *, copy: bool = False
) -> int:
    """Mark the report's new sentences, then make what it says known. A copy of another
    report (same text, a near copy, a seed's text) adds nothing; a revised report keeps the
    marks of the sentences it still has and gains those its edit added. Returns how many
    sentences were marked."""
    fields = _fields(title, summary, body)
    read = {field: novelty.read_sentences(text) for field, text in fields}  # once, for the units and the verdicts
    all_units = set().union(*(novelty.text_units(text, read[field]) for field, text in fields))
    known = known_of(db, story_id, all_units)
    kept = _keep_marks(db, story_id, article_id, dict(fields))
    marked = 0
    if not copy:
        learned: set[int] = set()
        now = now_iso()
        rows = []
        for field, text in fields:
            for start, end, score in novelty.novel_sentences(text, known, learned, read[field]):
                if (field, start, end) in kept:
                    continue
                rows.append((story_id, article_id, field, start, end, text[start:end], score, now))
        db.conn.executemany(
            "INSERT INTO developments (story_id, article_id, field, char_start, char_end, sentence, score, found_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        marked = len(rows)
    db.conn.executemany(
        "INSERT OR IGNORE INTO story_knowledge (story_id, unit) VALUES (?, ?)",
        [(story_id, u) for u in all_units - known],
    )
    return marked


def _keep_marks(db: Database, story_id: int, article_id: int, texts: dict[str, str]) -> set[tuple[str, int, int]]:
    """A revised report: marks whose sentence is still in its text move to where it now is,
    the others go. Returns where the kept marks are."""
    kept = set()
    for mark_id, field, start, sentence in db.execute(
        "SELECT id, field, char_start, sentence FROM developments WHERE story_id = ? AND article_id = ?",
        [story_id, article_id],
    ).fetchall():
        text = texts.get(field, "")
        where = start if text[start : start + len(sentence)] == sentence else text.find(sentence)
        if where < 0:
            db.execute("DELETE FROM developments WHERE id = ?", [mark_id])
            continue
        if where != start:
            db.execute(
                "UPDATE developments SET char_start = ?, char_end = ? WHERE id = ?", [where, where + len(sentence), mark_id]
            )
        kept.add((field, where, where + len(sentence)))
    return kept


_READING_ORDER = {"title": 0, "summary": 1, "body": 2}
_COLUMNS = "d.id, d.article_id, d.field, d.char_start, d.char_end, d.sentence, d.score, d.found_at"


def novel_of(db: Database, article_id: int, story_id: int | None = None) -> list[Development]:
    """The new sentences of one report, in reading order."""
    where = "d.article_id = ?" + (" AND d.story_id = ?" if story_id is not None else "")
    params = [article_id] + ([story_id] if story_id is not None else [])
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM developments d WHERE {where}"
        " ORDER BY CASE d.field WHEN 'title' THEN 0 WHEN 'summary' THEN 1 ELSE 2 END, d.char_start",
        params,
    ).fetchall()
    return [Development(*row) for row in rows]


def latest_developments(db: Database, story_id: int, limit: int = 50) -> list[Development]:
    """The newest new sentences across the story, from reports still on it: the newest report
    first, and one report's sentences, found together, in the order it tells them (the index
    gives them last sentence first, and the headline came after its own body)."""
    rows = db.execute(
        f"SELECT {_COLUMNS}, a.source, a.title, a.sort_at FROM developments d"
        " INDEXED BY developments_by_story JOIN articles a ON a.id = d.article_id"
        " LEFT JOIN relevance r ON r.story_id = d.story_id AND r.article_id = d.article_id"
        " WHERE d.story_id = ? AND coalesce(r.on_story, 1) = 1"
        " ORDER BY d.found_at DESC, d.id DESC LIMIT ?",
        [story_id, limit],
    ).fetchall()
    found = [Development(*row) for row in rows]
    told: dict[tuple[int, str], int] = {}  # a report's sentences found at one time, newest first
    for development in found:
        told.setdefault((development.article_id, development.found_at), len(told))
    return sorted(found, key=lambda d: (told[d.article_id, d.found_at], _READING_ORDER[d.field], d.char_start))
