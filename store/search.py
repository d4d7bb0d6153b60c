"""Full-text search over every stored article (the `articles_fts` index, built by m007).

What the user types is never handed to FTS5 as query syntax: each word (or "quoted phrase") is
reduced to the tokens FTS5 itself would see and quoted, so `"`, `*`, `-`, `NEAR(`, `OR` and
unbalanced parentheses are just text. The last word matches as a prefix while the user is still
typing it. Highlighting asks FTS5 too (an in-memory index of the titles shown, same tokenizer),
so "strikes" lights up "strike" and "striking" exactly as the search matched them.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata

from sqlite_utils import Database

MAX_QUERY_CHARS = 200  # more than anyone types into a search bar; the rest is ignored
MAX_TERMS = 12
TOKENIZE = "porter unicode61 remove_diacritics 2"  # as m007 built articles_fts

_WORDS = re.compile(r'"([^"]*)"?|([^\s"]+)')
_TOKENS = re.compile(r"[^\W_]+")  # letters and digits: what unicode61 keeps as a token
_OPEN, _CLOSE = "\x02", "\x03"  # highlight marks: clean titles never hold control characters


def search_terms(text: str) -> list[str]:
    """The phrases of a search, each a space-separated run of tokens ("U.S. strikes" -> ["u s", "strikes"])."""
    text = unicodedata.normalize("NFC", text[:MAX_QUERY_CHARS])
    terms = []
    for quoted, word in _WORDS.findall(text):
        tokens = _TOKENS.findall(quoted or word)
        if tokens:
            terms.append(" ".join(tokens).lower())
    return terms[:MAX_TERMS]


def fts_query(text: str, *, prefix: bool = True, any_term: bool = False) -> str | None:
    """A safe FTS5 MATCH expression for what the user typed, or None when nothing is searchable.

    Every term is a quoted phrase (so no FTS5 operator can get in); with `prefix`, the last one
    also matches longer words unless the user has finished it with a space or a closing quote.
    Terms are ANDed, or ORed with `any_term` (for highlighting).
    """
    terms = search_terms(text)
    if not terms:
        return None
    phrases = [f'"{term}"' for term in terms]
    stripped = text[:MAX_QUERY_CHARS]
    if prefix and stripped and not stripped[-1].isspace() and not stripped.rstrip().endswith('"'):
        phrases[-1] += "*"
    return (" OR " if any_term else " ").join(phrases)


# The groups with a matching copy, driven by the index: FTS5 yields the matching article ids and
# each is mapped to its group by primary key; SQLite sorts them and keeps one page (LIMIT), so a
# page costs one pass over the matches' ids, never a Python list of them.
MATCHING_GROUPS = """
    SELECT DISTINCT coalesce(c.group_id, f.rowid) AS gid FROM articles_fts f
    LEFT JOIN coverage c ON c.article_id = f.rowid
    WHERE articles_fts MATCH :search
"""


def match_condition(group: str = "a.id") -> str:
    """SQL: the coverage group `group` has a copy whose text matches `:search` (an fts_query).
    Not correlated: SQLite runs the search once per statement, however many groups it checks."""
    return f"{group} IN ({MATCHING_GROUPS})"


def search_groups(
    db: Database, text: str, *, before: tuple[str, int] | None = None, limit: int = 200
) -> list[int]:
    """The coverage groups with an article matching `text` in its title, summary, text or
    source, newest report first, one page (keyset paging on the group's (sort_at, id))."""
    query = fts_query(text)
    if query is None:
        return []
    params: dict = {"search": query, "limit": limit}
    page = ""
    if before is not None:
        page = "WHERE (a.sort_at, a.id) < (:sort_at, :id)"
        params.update(sort_at=before[0], id=before[1])
    sql = f"""
        SELECT a.id FROM ({MATCHING_GROUPS}) m JOIN articles a ON a.id = m.gid {page}
        ORDER BY a.sort_at DESC, a.id DESC LIMIT :limit
    """
    return [row[0] for row in db.execute(sql, params)]


class Highlighter:
    """Where a search matches in lines of text, by FTS5's own rules (tokens, stems, prefixes).

    Keeps a tiny in-memory index of the lines it was asked about, and the answers (a page of
    titles is asked about at once with `learn`); use it from one thread.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.query = fts_query(text, any_term=True)
        self._conn: sqlite3.Connection | None = None
        self._known: dict[str, list[tuple[int, int]]] = {}

    def spans(self, line: str) -> list[tuple[int, int]]:
        """(start, end) character offsets of the matching words in `line` (a clean line)."""
        if line not in self._known:
            self.learn([line])
        return self._known.get(line, [])

    def learn(self, lines: list[str]) -> None:
        """Find the matches of many lines in one pass over the in-memory index."""
        if self.query is None:
            return
        new = list(dict.fromkeys(line for line in lines if line not in self._known))
        for line in new:
            self._known[line] = []
        new = [line for line in new if line and _OPEN not in line and _CLOSE not in line]
        if not new:
            return
        if self._conn is None:
            self._conn = sqlite3.connect(":memory:", check_same_thread=False)
            self._conn.execute(f"CREATE VIRTUAL TABLE lines USING fts5(line, tokenize = '{TOKENIZE}')")
        conn = self._conn
        conn.execute("DELETE FROM lines")
        conn.executemany("INSERT INTO lines (rowid, line) VALUES (?, ?)", enumerate(new))
        marked = conn.execute(
            "SELECT rowid, highlight(lines, 0, ?, ?) FROM lines WHERE lines MATCH ?", [_OPEN, _CLOSE, self.query]
        )
        for rowid, text in marked:
            self._known[new[rowid]] = _marked_spans(text)
        if len(self._known) > 5000:  # a long session's scrolling: start again rather than grow
            self._known.clear()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _marked_spans(marked: str) -> list[tuple[int, int]]:
    spans, plain, start = [], 0, None
    for char in marked:
        if char == _OPEN:
            start = plain
        elif char == _CLOSE:
            if start is not None and plain > start:
                spans.append((start, plain))
            start = None
        else:
            plain += 1
    return spans
