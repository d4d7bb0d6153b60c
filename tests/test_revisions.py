"""An article's revisions read back from a real SQLite file, stored through the real ingest path,
and the diff between two of them (store.revisions)."""

from __future__ import annotations

import pytest
from tui_helpers import article, make_story

from storywatch.store.db import open_db
from storywatch.store.ingest import ingest_items
from storywatch.store.revisions import revision_diff, revisions_of

T1, T2, T3 = "2026-03-04T09:00:00Z", "2026-03-04T10:30:00Z", "2026-03-04T12:15:00Z"
BODY = "Drones struck three drug labs in Sinaloa overnight.\n\nOfficials gave no figure for the dead."


@pytest.fixture
def db(tmp_path):
    db = open_db(make_story(tmp_path))
    yield db
    db.close()


def edited_three_times(db) -> int:
    """One report as a feed gave it on three polls: first, the headline and a figure changed,
    then a sentence added to the text."""
    first = ingest_items(db, [article(1, title="US strikes cartel labs", body=BODY)], seen_at=T1).new_ids[0]
    second = BODY.replace("no figure for the dead", "the dead as twelve")
    assert ingest_items(db, [article(1, title="US drone strikes hit cartel labs", body=second)],
                        seen_at=T2).updated_ids == [first]
    third = second + " Mexico protested."
    assert ingest_items(db, [article(1, title="US drone strikes hit cartel labs", body=third)],
                        seen_at=T3).updated_ids == [first]
    return first


def test_revisions_come_back_oldest_first_with_their_times(db):
    article_id = edited_three_times(db)
    revisions = revisions_of(db, article_id)
    assert [(r.revision, r.seen_at, r.title) for r in revisions] == [
        (1, T1, "US strikes cartel labs"),
        (2, T2, "US drone strikes hit cartel labs"),
        (3, T3, "US drone strikes hit cartel labs"),
    ]
    assert revisions[2].body.endswith("Mexico protested.")
    # Today's schema has no classifier columns: they read as None, and nothing fails.
    have = {row[1] for row in db.execute("PRAGMA table_info(revisions)").fetchall()}
    if "kind" not in have:
        assert (revisions[1].kind, revisions[1].changes, revisions[1].same_as) == (None, None, None)


def test_the_classifiers_columns_are_read_when_they_exist(db):
    article_id = edited_three_times(db)
    have = {row[1] for row in db.execute("PRAGMA table_info(revisions)").fetchall()}
    for column, kind in (("kind", "TEXT"), ("changes", "TEXT"), ("same_as", "INTEGER")):
        if column not in have:  # as migration m008 adds them
            db.execute(f"ALTER TABLE revisions ADD COLUMN {column} {kind}")
    db.execute("UPDATE revisions SET kind = 'edit', changes = 'headline changed', same_as = NULL"
               " WHERE article_id = ? AND revision = 2", [article_id])
    second = revisions_of(db, article_id)[1]
    assert (second.kind, second.changes, second.same_as) == ("edit", "headline changed", None)


def test_the_diff_of_two_revisions(db):
    article_id = edited_three_times(db)
    diff = revision_diff(db, article_id, 1, 2)
    assert (diff.old.seen_at, diff.new.seen_at) == (T1, T2)
    title = [(run.op, run.text) for run in diff.title if run.op != "equal"]
    assert title == [("insert", "drone "), ("insert", "hit ")]
    changed = [(run.op, run.text) for run in diff.text if run.op != "equal"]
    # "the dead" alone between two changes joins them: one rewritten phrase, not a comb.
    assert changed == [("delete", "no figure for the dead"), ("insert", "the dead as twelve")]
    assert (diff.added, diff.removed) == (4, 5)  # the text's words; the headline's change is shown, not counted
    later = revision_diff(db, article_id, 2, 3)
    assert [(run.op, run.text) for run in later.title] == [("equal", "US drone strikes hit cartel labs")]
    assert [(run.op, run.text) for run in later.text if run.op != "equal"] == [("insert", " Mexico protested.")]
    assert (later.added, later.removed) == (2, 0)


def test_a_revision_that_is_not_stored(db):
    article_id = edited_three_times(db)
    assert revision_diff(db, article_id, 3, 4) is None
    assert revisions_of(db, article_id + 100) == []


def test_a_summary_the_same_as_the_text_is_compared_once(db):
    article_id = ingest_items(db, [article(2, summary="Same words.", body="Same words.")], seen_at=T1).new_ids[0]
    ingest_items(db, [article(2, summary="Same words, more.", body="Same words, more.")], seen_at=T2)
    diff = revision_diff(db, article_id, 1, 2)
    assert "".join(run.text for run in diff.text if run.op != "delete") == "Same words, more."
