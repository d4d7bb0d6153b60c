"""The search index as m013 keeps it: a poll's new feed articles are queued by a trigger and
indexed together before its transaction commits; seeds and other kinds at once; an article
updated or deleted while queued leaves the index sound."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tui_helpers import article

from storywatch.store.db import open_db
from storywatch.store.ingest import index_queued_articles, ingest_items
from storywatch.store.schema import migrations
from storywatch.store.story import ensure_story, load_story

FEED_ROW = (
    "INSERT INTO articles (kind, title, summary, body, source, first_seen_at, updated_at, sort_at, content_hash,"
    " revision_count) VALUES ('feed', ?, '', '', 'Wire', 't0', 't0', 't0', 'h', 1)"
)


def found(db, word: str) -> list[int]:
    return [row[0] for row in db.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid", [word])]


def indexed(db) -> int:
    return db.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0]


def queued(db) -> int:
    return db.execute("SELECT count(*) FROM search_queue").fetchone()[0]


def test_a_poll_leaves_every_new_article_indexed_and_nothing_queued(tmp_path):
    db = open_db(tmp_path / "s.db")
    result = ingest_items(db, [article(n, title=f"Narwhal report {n}", hours_ago=n) for n in range(1, 6)])
    assert queued(db) == 0
    assert found(db, "narwhal") == sorted(result.new_ids) and len(result.new_ids) == 5
    assert indexed(db) == db.execute("SELECT count(*) FROM articles").fetchone()[0]
    # What another connection sees once the poll committed: the same.
    other = sqlite3.connect(tmp_path / "s.db")
    assert [r[0] for r in other.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'narwhal'")] == found(db, "narwhal")
    other.close()
    db.close()


def test_seeds_are_indexed_as_they_are_stored(tmp_path):
    db = open_db(tmp_path / "s.db")
    ensure_story(db, load_story(Path(__file__).parent.parent / "seeds" / "story.toml"))
    seeds = db.execute("SELECT count(*) FROM articles WHERE kind = 'seed'").fetchone()[0]
    assert seeds and indexed(db) == seeds and queued(db) == 0
    db.close()


def test_a_feed_article_written_elsewhere_waits_in_the_queue_and_survives_edits(tmp_path):
    db = open_db(tmp_path / "s.db")
    with db.atomic():
        kept = db.execute(FEED_ROW, ["Axolotl escapes the lab"]).lastrowid
        dropped = db.execute(FEED_ROW, ["Pangolin seized at the border"]).lastrowid
    assert queued(db) == 2 and found(db, "axolotl") == []
    with db.atomic():  # edited and deleted while queued: nothing in the index to take out
        db.execute("UPDATE articles SET title = 'Capybara escapes the lab' WHERE id = ?", [kept])
        db.execute("DELETE FROM articles WHERE id = ?", [dropped])
    assert queued(db) == 1
    with db.atomic():
        index_queued_articles(db)
    assert found(db, "capybara") == [kept] and found(db, "axolotl") == [] and found(db, "pangolin") == []
    with db.atomic():  # indexed now: an edit replaces its words, a deletion takes them out
        db.execute("UPDATE articles SET title = 'Quokka escapes the lab' WHERE id = ?", [kept])
    assert found(db, "quokka") == [kept] and found(db, "capybara") == []
    with db.atomic():
        index_queued_articles(db)  # nothing queued: nothing indexed twice
        db.execute("DELETE FROM articles WHERE id = ?", [kept])
    assert found(db, "quokka") == [] and indexed(db) == 0
    db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
    db.close()


def test_an_article_already_indexed_is_not_indexed_twice(tmp_path):
    db = open_db(tmp_path / "s.db")
    with db.atomic():
        queued_id = db.execute(FEED_ROW, ["Okapi spotted downtown"]).lastrowid
        db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")  # indexes the queued one too
        index_queued_articles(db)
    assert found(db, "okapi") == [queued_id] and indexed(db) == 1 and queued(db) == 0
    with db.atomic():
        db.execute("DELETE FROM articles WHERE id = ?", [queued_id])
    assert found(db, "okapi") == [] and indexed(db) == 0
    db.close()


def test_the_migration_keeps_what_was_indexed(tmp_path):
    path = tmp_path / "old.db"
    old = open_db(path, migrate=False)
    with old.atomic():
        migrations.apply(old, stop_before="m013_ingest_speed")
        tapir = old.execute(FEED_ROW, ["Tapir crosses the road"]).lastrowid  # indexed by the old trigger
    old.close()
    db = open_db(path)  # applies m013
    assert found(db, "tapir") == [tapir] and queued(db) == 0
    with db.atomic():  # an edit, through the new trigger
        db.execute("UPDATE articles SET title = 'Tapir crosses the bridge' WHERE id = ?", [tapir])
    assert found(db, "bridge") == [tapir] and found(db, "road") == []
    result = ingest_items(db, [article(1, title="Tapir seen again", hours_ago=1)])
    assert found(db, "tapir") == sorted([tapir, *result.new_ids]) and queued(db) == 0
    db.close()
