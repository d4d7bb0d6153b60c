"""An article's stored versions, and what changed between two of them, as data for the diff view."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from storywatch.store.text.worddiff import Run, diff_versions, reader_text

CLASSIFIED = ("kind", "changes", "same_as")  # what the revision classifier may have added (m008)


@dataclass(frozen=True)
class Revision:
    """One version of an article as a poll saw it. `kind`, `changes` and `same_as` are the
    classifier's verdict (first / edit / minor / return, a short label, the revision it is the
    same as), None where the database does not have them."""

    revision: int
    seen_at: str
    title: str
    summary: str
    body: str
    kind: str | None = None
    changes: str | None = None
    same_as: int | None = None

    @property
    def text(self) -> str:
        """What a reader reads under the headline: the summary, then the text (once, when a
        feed gives the same words as both)."""
        return reader_text(self.summary, self.body)


@dataclass(frozen=True)
class RevisionDiff:
    """What changed from one revision to a later one: the headline and the text apart, and how
    many words each side has that the other has not."""

    old: Revision
    new: Revision
    title: list[Run]
    text: list[Run]
    added: int
    removed: int


def revisions_of(db: Database, article_id: int) -> list[Revision]:
    """Every stored version of an article, oldest first."""
    have = {row[1] for row in db.execute("PRAGMA table_info(revisions)").fetchall()}
    extra = ", ".join(column if column in have else f"NULL AS {column}" for column in CLASSIFIED)
    rows = db.execute(
        f"SELECT revision, seen_at, title, summary, body, {extra} FROM revisions"
        " WHERE article_id = ? ORDER BY revision",
        [article_id],
    ).fetchall()
    return [
        Revision(number, seen_at, title or "", summary or "", body or "", kind, changes, same_as)
        for number, seen_at, title, summary, body, kind, changes, same_as in rows
    ]


def diff_revisions(old: Revision, new: Revision) -> RevisionDiff:
    """The word diff of two revisions (pure: the screen computes it off the UI thread)."""
    title, text, added, removed = diff_versions((old.title, old.summary, old.body), (new.title, new.summary, new.body))
    return RevisionDiff(old, new, title, text, added, removed)


def revision_diff(db: Database, article_id: int, old_rev: int, new_rev: int) -> RevisionDiff | None:
    """What changed between two stored revisions of an article; None if either is not stored."""
    by_number = {revision.revision: revision for revision in revisions_of(db, article_id)}
    if old_rev not in by_number or new_rev not in by_number:
        return None
    return diff_revisions(by_number[old_rev], by_number[new_rev])
