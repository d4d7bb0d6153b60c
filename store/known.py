"""What a batch of feed items is already known by, looked up for the whole batch at once: the
articles behind their GUIDs in the feed, behind their canonical URLs and behind bare GUIDs, and
which of those have a body from their own page.

A few queries per batch instead of several per item. The batch's own writes make an answer
stale, so the ingest marks what it wrote (`touch`) and a touched key or article is asked of
the database again, exactly as the per-item lookup always did.
"""

from __future__ import annotations

from sqlite_utils import Database

ROW = "a.id, a.kind, a.content_hash, a.revision_count"
FIELDS = ("id", "kind", "content_hash", "revision_count")


class KnownItems:
    """The batch's lookups, answered from one query each; a key the batch wrote goes to the database."""

    def __init__(self, db: Database, feed_id: int | None, guids: list[str], canonicals: list[str]) -> None:
        self.db = db
        self.feed_id = feed_id
        self._stale_keys: set[tuple[str, str]] = set()
        self._stale_ids: set[int] = set()
        guids = list(dict.fromkeys(g for g in guids if g))
        canonicals = list(dict.fromkeys(c for c in canonicals if c))
        self._answers: dict[tuple[str, str], tuple | None] = {}
        for guid in guids:
            if feed_id is not None:
                self._answers[("feed_guid", guid)] = None
            self._answers[("bare_guid", guid)] = None
        for canonical in canonicals:
            self._answers[("canonical", canonical)] = None
        if guids and feed_id is not None:
            for guid, *row in _rows(
                db,
                f"SELECT fa.guid, {ROW} FROM (SELECT guid, min(article_id) AS id FROM feed_articles"
                " INDEXED BY feed_articles_by_guid WHERE feed_id = ? AND guid IN ({marks}) GROUP BY guid) fa"
                " JOIN articles a ON a.id = fa.id",
                guids, [feed_id],
            ):
                self._answers[("feed_guid", guid)] = tuple(row)
        if canonicals:
            for canonical, *row in _rows(
                db, f"SELECT a.canonical_url, {ROW} FROM articles a WHERE a.canonical_url IN ({{marks}})", canonicals
            ):
                self._answers[("canonical", canonical)] = tuple(row)
        if guids:
            for guid, *row in _rows(
                db,
                f"SELECT a.guid, {ROW} FROM articles a WHERE a.guid IN ({{marks}}) AND a.canonical_url IS NULL"
                " ORDER BY a.id DESC",  # the lowest id last: it is the one kept, as the per-item lookup found it
                guids,
            ):
                self._answers[("bare_guid", guid)] = tuple(row)
        found = {row[0] for row in self._answers.values() if row}
        self._page_checked = found
        self._page_ids = {
            row[0]
            for row in _rows(
                db, "SELECT article_id FROM page_fetches WHERE article_id IN ({marks}) AND text_at IS NOT NULL", list(found)
            )
        } if found else set()

    def article(self, kind: str, key: str, condition: str, params: list) -> dict | None:
        """The article a lookup (`kind`: feed_guid, canonical, bare_guid) finds; `condition` and
        `params` ask the database when the batch has touched the key or the article found."""
        answer = self._answers.get((kind, key), False)
        if answer is False or (kind, key) in self._stale_keys or (answer and answer[0] in self._stale_ids):
            answer = self.db.execute(f"SELECT id, kind, content_hash, revision_count FROM articles WHERE {condition}", params).fetchone()
        return dict(zip(FIELDS, answer)) if answer else None

    def has_page(self, article_id: int) -> bool | None:
        """Whether the article has a body from its own page, for the articles the batch's lookups
        found (one query); None for another, which the caller asks about itself."""
        if article_id not in self._page_checked:
            return None
        return article_id in self._page_ids

    def touch(self, article_id: int, guid: str, canonical: str) -> None:
        """The batch wrote this article (its row, its feed's GUID): ask the database about it from now on."""
        self._stale_ids.add(article_id)
        for kind, key in (("feed_guid", guid), ("bare_guid", guid), ("canonical", canonical)):
            if key:
                self._stale_keys.add((kind, key))


def _rows(db: Database, sql: str, values: list, before: list = ()) -> list[tuple]:
    """`sql` with `{marks}` for the IN list, run in slices (SQLite limits a statement's parameters)."""
    rows = []
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        rows += db.execute(sql.format(marks=", ".join("?" * len(chunk))), [*before, *chunk]).fetchall()
    return rows
