"""The store on real SQLite files: migrations, idempotent ingest, dedup by canonical URL,
revisions, and one transaction per poll."""

from __future__ import annotations

import sqlite3

import pytest
from feedserver import item as feed_item
from feedserver import rss

from storywatch.feeds.fetch import FetchSettings
from storywatch.feeds.poller import poll_due
from storywatch.store.db import StoreError, data_version, open_db
from storywatch.store.feeds import FeedError, add_feed, due_feeds, feed_statuses, remove_feed
from storywatch.store.ingest import save_poll
from storywatch.store.queries import articles_after_id, fetcher_summary, latest_articles
from storywatch.store.records import ArticleRecord, PollOutcome
from storywatch.store.schema import migrations

T0 = "2026-11-20T10:00:00Z"
T1 = "2026-11-20T10:15:00Z"
T2 = "2026-11-20T10:30:00Z"
FAST = FetchSettings(connect_timeout=2, read_timeout=1, total_timeout=5, poll_interval=600, max_backoff=3600)


def ok(at: str = T0, **kwargs) -> PollOutcome:
    return PollOutcome(polled_at=at, ok=True, status=200, **kwargs)


def item(n: int, **kwargs) -> ArticleRecord:
    fields = {
        "title": f"Story {n}",
        "url": f"https://news.example/world/{n}",
        "guid": f"guid-{n}",
        "summary": f"Summary {n}",
        "published_at": f"2026-11-20T0{n % 10}:00:00Z",
    }
    fields.update(kwargs)
    return ArticleRecord(**fields)


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "story.db")
    yield database
    database.close()


def count(db, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def count_where(db, table: str, where: str, params: list) -> int:
    return db.execute(f"SELECT count(*) FROM {table} WHERE {where}", params).fetchone()[0]


def test_migrations_create_the_public_tables_once(tmp_path):
    path = tmp_path / "story.db"
    db = open_db(path)
    for table in ("stories", "feeds", "articles", "feed_articles", "revisions", "tags"):
        assert db[table].exists(), table
    applied = [m.name for m in migrations.applied(db)]
    assert applied[0] == "m001_foundation"
    db.close()
    again = open_db(path)
    assert [m.name for m in migrations.applied(again)] == applied
    assert again.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_unwritable_location_is_a_store_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError, match="cannot open database"):
        open_db(blocker / "story.db")


def test_not_a_database_is_a_store_error(tmp_path):
    path = tmp_path / "garbage.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        open_db(path)


def test_ingest_is_idempotent(db):
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    first = save_poll(db, feed, ok(), [item(1), item(2)])
    assert len(first.new_ids) == 2
    second = save_poll(db, feed, ok(T1), [item(1), item(2)])
    assert second.new_ids == [] and second.updated_ids == [] and second.unchanged == 2
    assert count(db, "articles") == 2
    assert count(db, "revisions") == 2


def test_same_article_through_two_feeds_and_tracking_links_is_stored_once(db):
    a = add_feed(db, "http://127.0.0.1:1/a.xml")
    b = add_feed(db, "http://127.0.0.1:1/b.xml")
    save_poll(db, a, ok(), [item(1)])
    result = save_poll(
        db, b, ok(), [item(1, url="http://NEWS.example/world/1/?utm_source=rss&utm_medium=feed&fbclid=abc#top", guid="other")]
    )
    assert result.new_ids == []
    assert count(db, "articles") == 1
    assert {s.item_count for s in feed_statuses(db)} == {1}


async def test_two_articles_told_apart_only_by_cid_are_two_articles_end_to_end(feed_server, db):
    """Issue 9.4: `cid` names the article on some sites; dropping it merged two and lost one."""
    first = feed_item(1, link="https://news.example/view?cid=1001", guid="urn:x:1001")
    second = feed_item(2, link="https://news.example/view?cid=1002", guid="urn:x:1002")
    tagged = feed_item(1, link="https://news.example/view?cid=1001&utm_source=rss&utm_medium=feed", guid="b:7")
    add_feed(db, feed_server.route("/outlet-a.xml", rss([first, second])))
    add_feed(db, feed_server.route("/outlet-b.xml", rss([tagged])))
    report = await poll_due(db, settings=FAST)
    assert report.ok == 2
    rows = db.execute("SELECT canonical_url, title FROM articles ORDER BY canonical_url").fetchall()
    assert rows == [
        ("https://news.example/view?cid=1001", "Story update 1"),
        ("https://news.example/view?cid=1002", "Story update 2"),
    ]
    one = db.execute("SELECT id FROM articles WHERE canonical_url LIKE '%cid=1001'").fetchone()[0]
    assert count_where(db, "feed_articles", "article_id = ?", [one]) == 2, "the utm_ copy is the same article"


# Two live-blog entries in one feed whose links differ only by a tag that canonicalisation drops.
ENTRY_A = item(1, url="https://news.example/live?utm_content=a", guid="live-a", title="Strikes reported near Culiacan")
ENTRY_B = item(2, url="https://news.example/live?utm_content=b", guid="live-b", title="Sheinbaum responds to strikes")


@pytest.mark.parametrize("order", [(ENTRY_A, ENTRY_B), (ENTRY_B, ENTRY_A)])
def test_two_guids_with_different_links_in_one_feed_are_two_articles(db, order):
    """The feed keeps them apart, so the store does too, even when their canonical URLs agree."""
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    first = save_poll(db, feed, ok(), list(order))
    assert len(first.new_ids) == 2
    assert sorted(db.execute("SELECT title FROM articles").fetchall()) == [
        ("Sheinbaum responds to strikes",),
        ("Strikes reported near Culiacan",),
    ]
    for at in (T1, T2):  # each item keeps finding its own row: no flip-flop, no revisions
        again = save_poll(db, feed, ok(at), [ENTRY_B, ENTRY_A])
        assert again.new_ids == [] and again.updated_ids == [] and again.unchanged == 2
    assert count(db, "articles") == 2 and count(db, "revisions") == 2


def test_a_second_guid_arriving_later_is_kept_apart_and_found_again(db):
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    save_poll(db, feed, ok(), [ENTRY_A])
    added = save_poll(db, feed, ok(T1), [ENTRY_B, ENTRY_A])
    assert len(added.new_ids) == 1 and added.updated_ids == []
    edit = item(2, url=ENTRY_B.url, guid="live-b", title="Sheinbaum condemns strikes")
    edited = save_poll(db, feed, ok(T2), [edit, ENTRY_A])
    assert edited.new_ids == [] and edited.updated_ids == added.new_ids, "the edit lands on the second article"
    assert count(db, "articles") == 2 and count(db, "revisions") == 3


def test_two_guids_with_the_same_text_are_one_report(db):
    """Their text says they are the same report, however the feed labels them."""
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    same = item(1, url="https://www.news.example/live?utm_content=z", guid="x", title=ENTRY_A.title)
    result = save_poll(db, feed, ok(), [ENTRY_A, same])
    assert len(result.new_ids) == 1 and count(db, "articles") == 1


def test_a_new_guid_for_the_same_link_is_the_same_article(db):
    """Some feeds mint a GUID per build; the link they keep says it is one article."""
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    save_poll(db, feed, ok(), [ENTRY_A])
    rebuilt = item(1, url=ENTRY_A.url, guid="live-a-rebuilt", title="Strikes near Culiacan")
    again = save_poll(db, feed, ok(T1), [rebuilt])
    assert again.new_ids == [] and len(again.updated_ids) == 1
    assert count(db, "articles") == 1


def test_the_same_guid_repolled_with_new_tracking_stays_one_article_without_revisions(db):
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    for n, at in enumerate((T0, T1, T2)):
        result = save_poll(db, feed, ok(at), [item(1, url=f"https://news.example/world/1?utm_campaign=day{n}")])
        assert result.updated_ids == []
    assert count(db, "articles") == 1 and count(db, "revisions") == 1


def test_one_article_listed_twice_in_a_feed_does_not_flip_between_its_versions(db):
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    twice = [item(1), item(1, url="https://news.example/world/1?utm_source=top", title="Story 1 (teaser)")]
    for at in (T0, T1, T2):
        save_poll(db, feed, ok(at), twice)
    assert count(db, "articles") == 1 and count(db, "revisions") == 1


def test_items_without_url_are_known_by_guid_within_their_feed(db):
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    save_poll(db, feed, ok(), [item(1, url="", guid="urn:x:1")])
    save_poll(db, feed, ok(T1), [item(1, url="", guid="urn:x:1")])
    assert count(db, "articles") == 1


def test_an_edited_article_gets_a_new_revision(db):
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    save_poll(db, feed, ok(), [item(1)])
    result = save_poll(db, feed, ok(T1), [item(1, title="Story 1, updated with casualty figures")])
    assert len(result.updated_ids) == 1
    rows = db.execute("SELECT revision, title FROM revisions ORDER BY revision").fetchall()
    assert rows == [(1, "Story 1"), (2, "Story 1, updated with casualty figures")]
    assert db.execute("SELECT title, revision_count FROM articles").fetchone() == (
        "Story 1, updated with casualty figures",
        2,
    )


def test_whitespace_changes_are_not_revisions(db):
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    save_poll(db, feed, ok(), [item(1)])
    result = save_poll(db, feed, ok(T1), [item(1, title="  Story   1 ")])
    assert result.updated_ids == []


def test_a_poll_is_one_transaction(db, tmp_path):
    """A failure halfway through a poll leaves neither its items nor its feed state behind."""
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    db.execute(
        "CREATE TRIGGER fail_third AFTER INSERT ON articles WHEN NEW.title = 'Story 3'"
        " BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
    )
    with pytest.raises(sqlite3.IntegrityError):
        save_poll(db, feed, ok(), [item(1), item(2), item(3)])
    assert count(db, "articles") == 0
    assert count(db, "revisions") == 0
    assert db.execute("SELECT last_polled_at FROM feeds").fetchone() == (None,)
    other = open_db(tmp_path / "story.db")
    assert other.execute("SELECT count(*) FROM articles").fetchone() == (0,)


def test_failure_is_recorded_on_the_feed_and_cleared_by_success(db):
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    save_poll(db, feed, PollOutcome(polled_at=T0, ok=False, status=500, error="HTTP 500\x1b[31m from server"))
    save_poll(db, feed, PollOutcome(polled_at=T1, ok=False, error="timed out"))
    status = feed_statuses(db)[0]
    assert status.failing and status.failure_count == 2
    assert status.last_error == "timed out"
    save_poll(db, feed, ok(T1, etag='"v1"'))
    status = feed_statuses(db)[0]
    assert not status.failing and status.last_success_at == T1
    assert fetcher_summary(db).failing == 0


def test_not_modified_keeps_the_validators(db):
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    save_poll(db, feed, ok(etag='"v1"', last_modified="Fri, 20 Nov 2026 10:00:00 GMT"))
    save_poll(db, feed, PollOutcome(polled_at=T1, ok=True, status=304, not_modified=True))
    assert db.execute("SELECT etag, last_modified FROM feeds").fetchone() == ('"v1"', "Fri, 20 Nov 2026 10:00:00 GMT")


def test_hostile_text_is_stored_without_controls(db):
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    title = "\x1b[2J\x1b[31mRed [bold]alert[/] \x07bell\u200b zero-width" + "x" * 10_000
    save_poll(db, feed, ok(), [item(1, title=title, source="\x1b]0;pwned\x07Outlet")])
    stored_title, source = db.execute("SELECT title, source FROM articles").fetchone()
    assert "\x1b" not in stored_title and "\x07" not in stored_title and "\u200b" not in stored_title
    assert stored_title.startswith("Red [bold]alert[/] bell zero-width")
    assert len(stored_title) <= 1000
    assert source == "Outlet"


def test_feeds_add_list_remove(db):
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    with pytest.raises(FeedError, match="already"):
        add_feed(db, "http://127.0.0.1:1/a.xml")
    with pytest.raises(FeedError, match="not an http"):
        add_feed(db, "file:///etc/passwd")
    save_poll(db, feed, ok(), [item(1)])
    assert [f.url for f in due_feeds(db, now="2000-01-01T00:00:00Z")] == ["http://127.0.0.1:1/a.xml"]
    remove_feed(db, str(feed))
    assert feed_statuses(db) == []
    assert count(db, "articles") == 1, "removing a feed keeps its articles"
    with pytest.raises(FeedError, match="no such feed"):
        remove_feed(db, "http://nowhere.invalid/")


def test_a_feed_stored_in_another_spelling_is_found_by_add_and_remove(db):
    """Feeds from a story file or an older version are stored as written; they are still one feed."""
    db.execute("INSERT INTO feeds (url, added_at) VALUES ('HTTPS://News.Example:443/Feed', ?)", [T0])
    with pytest.raises(FeedError, match="already following"):
        add_feed(db, "https://news.example/Feed")
    assert remove_feed(db, "https://NEWS.example/Feed") == "HTTPS://News.Example:443/Feed"
    assert feed_statuses(db) == []


def test_story_feed_is_newest_first_and_new_rows_are_found_by_id(db, tmp_path):
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    save_poll(db, feed, ok(), [item(1), item(5), item(3)])
    assert [row.title for row in latest_articles(db)] == ["Story 5", "Story 3", "Story 1"]
    seen = max(row.id for row in latest_articles(db))
    writer = open_db(tmp_path / "story.db")
    before = data_version(db)
    save_poll(writer, feed, ok(T1), [item(7)])
    assert data_version(db) != before, "a commit from another connection is noticed"
    assert [row.title for row in articles_after_id(db, seen)] == ["Story 7"]
    writer.close()


def test_future_dates_do_not_pin_an_item_to_the_top(db):
    feed = add_feed(db, "http://127.0.0.1:1/a.xml")
    save_poll(db, feed, ok(), [item(1, published_at="2099-01-01T00:00:00Z"), item(2)])
    assert latest_articles(db)[0].sort_at <= T0


FLIP_FLOPS = {  # found by permuting a few items that share links and GUIDs: each flipped on its second poll
    "a merged item's GUID given again without a link": [("One", "a", "g1"), ("Four", "a", "g2"), ("Five", "", "g2")],
    "a link-only item first, then a GUID moving links": [("Three", "a", ""), ("One", "a", "g1"), ("Two", "a2", "g1")],
    "a GUID moving links, then its old link alone": [("Two", "a2", "g1"), ("One", "a", "g1"), ("Three", "a", "")],
}


@pytest.mark.parametrize("listed", FLIP_FLOPS.values(), ids=FLIP_FLOPS.keys())
def test_a_feed_polled_twice_as_it_was_changes_nothing(db, listed):
    """Every item resolves where the first poll put it, however the feed reuses links and GUIDs."""
    feed = add_feed(db, "http://127.0.0.1:1/feed.xml")
    items = [
        ArticleRecord(title=title, url=f"https://news.example/{link}" if link else "", guid=guid)
        for title, link, guid in listed
    ]
    save_poll(db, feed, PollOutcome(polled_at="2026-11-20T10:00:00Z", ok=True), items)
    again = save_poll(db, feed, PollOutcome(polled_at="2026-11-20T11:00:00Z", ok=True), items)
    assert again.new_ids == [] and again.updated_ids == []
    assert db.execute("SELECT count(*) FROM revisions").fetchone()[0] == db.execute(
        "SELECT count(*) FROM articles"
    ).fetchone()[0]
