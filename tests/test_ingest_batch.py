"""A poll's items are looked up and analysed a batch at a time (issue 13): the cases where one
item of a batch meets another of the same batch, and a batch that fails part way."""

from __future__ import annotations

import sqlite3

import pytest

from storywatch.store.db import open_db
from storywatch.store.feeds import add_feed
from storywatch.store.ingest import POLL_BATCH, save_poll
from storywatch.store.records import ArticleRecord, PollOutcome

T0 = "2026-11-20T10:00:00Z"
T1 = "2026-11-20T10:15:00Z"
T2 = "2026-11-20T10:30:00Z"

REPORT = (
    "Mexican President Claudia Sheinbaum said on Tuesday that her government would not accept any"
    " foreign military operation against the cartels on Mexican soil, after reports that Washington"
    " was weighing drone strikes on drug laboratories in Sinaloa and Michoacan. Security officials"
    " met in the capital to review the cooperation agreement signed last year."
)
OTHER = (
    "Hurricane Erick made landfall on the Pacific coast of Oaxaca early on Thursday as a Category 3"
    " storm, forcing thousands of families into shelters and cutting power to coastal towns, the"
    " civil protection agency said. Schools were closed across the state and fishing was halted."
)


def ok(at: str = T0) -> PollOutcome:
    return PollOutcome(polled_at=at, ok=True, status=200)


def report(n: int, summary: str = REPORT, **fields) -> ArticleRecord:
    values = {"title": f"Report {n} on the day's events", "url": f"https://news.example/{n}", "guid": f"g-{n}",
              "summary": summary}
    values.update(fields)
    return ArticleRecord(**values)


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "story.db")
    yield database
    database.close()


def count(db, sql: str, params: list = ()) -> int:
    return db.execute(sql, params).fetchone()[0]


def test_two_items_with_one_link_in_a_poll_are_one_article_poll_after_poll(db):
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    items = [report(1), report(2, url="https://news.example/1", summary=OTHER)]
    first = save_poll(db, feed, ok(), items)
    assert len(first.new_ids) == 1 and first.unchanged == 1
    for at in (T1, T2):
        again = save_poll(db, feed, ok(at), items)
        assert again.new_ids == [] and again.updated_ids == []
    assert count(db, "SELECT count(*) FROM articles") == 1
    assert count(db, "SELECT count(*) FROM revisions") == 1
    assert db.execute("SELECT summary FROM articles").fetchone()[0] == REPORT, "the first item's text stays"


def test_one_guid_twice_in_a_poll_is_one_article(db):
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    result = save_poll(db, feed, ok(), [report(1), report(2, guid="g-1", summary=OTHER)])
    assert len(result.new_ids) == 1 and count(db, "SELECT count(*) FROM articles") == 1


def test_an_item_copying_one_stored_earlier_in_the_same_poll_joins_its_group(db):
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    rewrite = REPORT.replace("on Tuesday", "on Tuesday evening").replace("last year", "in 2024")
    same_words = report(2, title=report(1).title)
    result = save_poll(db, feed, ok(), [report(1), same_words, report(3, summary=rewrite), report(4, summary=OTHER)])
    first, same, near, other = result.new_ids
    coverage = {row[0]: row[1:] for row in db.execute("SELECT article_id, group_id, duplicate_of, match FROM coverage")}
    assert coverage[first] == (first, None, "first")
    assert coverage[same] == (first, first, "text")
    assert coverage[near][0] == first and coverage[near][2] == "near"
    assert coverage[other] == (other, None, "first")


def test_an_article_edited_then_listed_again_in_the_same_poll_keeps_the_edit(db):
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    save_poll(db, feed, ok(), [report(1)])
    edited = report(1, summary=REPORT + " The foreign ministry summoned the ambassador.")
    listed_again = report(9, url="https://news.example/1?utm_source=home", title=report(1).title)  # the old text
    result = save_poll(db, feed, ok(T1), [edited, listed_again])
    assert len(result.updated_ids) == 1 and result.new_ids == []
    assert db.execute("SELECT summary, revision_count FROM articles").fetchone() == (edited.summary, 2)
    assert count(db, "SELECT count(*) FROM revisions") == 2


def test_a_name_a_revision_drops_stays_when_a_new_report_of_the_same_poll_has_it(db):
    """A new report's names are written before a revised one's old names are forgotten."""
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    save_poll(db, feed, ok(), [report(1)])
    sheinbaum = "SELECT count(*) FROM entities WHERE name = 'Claudia Sheinbaum'"
    assert count(db, sheinbaum) == 1
    revised = report(1, summary=OTHER)  # Sheinbaum is no longer in it
    result = save_poll(db, feed, ok(T1), [report(2, summary=REPORT.replace("Tuesday", "Monday")), revised])
    assert len(result.new_ids) == 1 and len(result.updated_ids) == 1
    assert count(db, sheinbaum) == 1
    assert count(db, "SELECT count(*) FROM mentions m LEFT JOIN entities e ON e.id = m.entity_id WHERE e.id IS NULL") == 0
    new_id = result.new_ids[0]
    assert count(
        db, "SELECT count(*) FROM mentions m JOIN entities e ON e.id = m.entity_id"
        " WHERE m.article_id = ? AND e.name = 'Claudia Sheinbaum'", [new_id]
    ) == 1
    # And once nothing mentions her, she goes.
    save_poll(db, feed, ok(T2), [report(2, summary=OTHER + " Rescue teams reached the villages.")])
    assert count(db, sheinbaum) == 0


def test_an_item_in_a_later_batch_finds_the_article_an_earlier_batch_stored(db):
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    items = [report(n, summary=f"{OTHER} Item {n}.") for n in range(POLL_BATCH)]
    items.append(report(POLL_BATCH, url="https://news.example/0", summary=OTHER + " A later teaser."))
    result = save_poll(db, feed, ok(), items)
    assert len(result.new_ids) == POLL_BATCH and result.unchanged == 1
    assert count(db, "SELECT count(*) FROM articles") == POLL_BATCH


def test_a_repoll_looks_up_the_reports_pages_once(db):
    """Which of the stored reports have a body from their own page: one query for the poll."""
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    items = [report(n, summary=f"{OTHER} Item {n}.") for n in range(30)]
    first = save_poll(db, feed, ok(), items)
    page_id = first.new_ids[3]
    db.execute(
        "INSERT INTO page_fetches (article_id, url, status, fetched_at, attempts, text_at)"
        " VALUES (?, 'https://news.example/3', 'ok', ?, 0, ?)", [page_id, T0, T0]
    )
    db.execute("UPDATE articles SET body = 'The whole report from its page.' WHERE id = ?", [page_id])
    db.conn.commit()
    statements = []
    db.conn.set_trace_callback(statements.append)
    again = save_poll(db, feed, ok(T1), [report(n, summary=f"{OTHER} Item {n}, updated.") for n in range(30)])
    db.conn.set_trace_callback(None)
    assert len([s for s in statements if "page_fetches" in s]) <= 2  # the batch's, and the one article's body
    assert len(again.updated_ids) == 30
    assert db.execute("SELECT body FROM articles WHERE id = ?", [page_id]).fetchone()[0] == (
        "The whole report from its page."
    ), "the feed's text does not replace the page's"


def test_a_batch_failing_in_its_analysis_leaves_nothing_of_the_poll(db, tmp_path):
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    db.execute(
        "CREATE TRIGGER fail_third AFTER INSERT ON coverage WHEN (SELECT title FROM articles WHERE id = NEW.article_id)"
        " = 'Report 3 on the day''s events' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
    )
    with pytest.raises(sqlite3.IntegrityError):
        save_poll(db, feed, ok(), [report(1), report(2, summary=OTHER), report(3, summary=OTHER + " More."), report(4)])
    for table in ("articles", "revisions", "feed_articles", "mentions", "entities", "fingerprints", "coverage",
                  "relevance", "signature_bands"):
        assert count(db, f"SELECT count(*) FROM {table}") == 0, table
    assert db.execute("SELECT last_polled_at FROM feeds").fetchone() == (None,)
    other = open_db(tmp_path / "story.db")
    assert other.execute("SELECT count(*) FROM mentions").fetchone() == (0,)
    other.close()


def test_names_linked_across_one_batch_agree_with_the_store(db):
    """A surname seen first, then the full name, then the surname again and a middle initial, in
    one batch: one person, under the full name (the batch's up-front lookups follow the rename)."""
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    texts = [
        "Sheinbaum told reporters in the capital that the plan had been agreed with the governors.",
        "Mexican President Claudia Sheinbaum said on Monday that the plan had been agreed with the governors.",
        "On Tuesday, President Sheinbaum said the agreement would be published within the week.",
        "Officials said the decree had been signed by President Claudia J. Sheinbaum.",
    ]
    result = save_poll(db, feed, ok(), [report(n, summary=text, title=f"Briefing number {n} from the palace")
                                        for n, text in enumerate(texts)])
    assert len(result.new_ids) == 4
    people = db.execute(
        "SELECT e.name, count(DISTINCT m.article_id) FROM entities e JOIN mentions m ON m.entity_id = e.id"
        " WHERE e.kind = 'person' GROUP BY e.id"
    ).fetchall()
    assert people == [("Claudia Sheinbaum", 4)]
    aliases = {row[0] for row in db.execute("SELECT alias FROM entity_aliases")}
    assert {"Sheinbaum", "Claudia Sheinbaum"} <= aliases
