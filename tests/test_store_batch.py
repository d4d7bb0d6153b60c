"""Polls that reach the store together are saved in one transaction, each in a savepoint: one
feed's failure keeps the others' items, and a crash leaves whole polls with their validators."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest
from feedserver import item, rss
from killed_writer import killed_writer

from storywatch.feeds.fetch import FetchSettings
from storywatch.feeds.poller import PollStoreError, _store_polls, poll_due
from storywatch.store.db import open_db
from storywatch.store.feeds import add_feed
from storywatch.store.records import ArticleRecord, PollOutcome

FAST = FetchSettings(connect_timeout=2, read_timeout=1, total_timeout=5, per_host=8)
# A store that refuses one feed's items, as SQLite refuses a row that breaks a constraint.
REFUSE = """CREATE TRIGGER refuse_poison BEFORE INSERT ON articles WHEN new.title LIKE '%poison%'
BEGIN SELECT RAISE(ABORT, 'this item cannot be stored'); END"""


def _count(db, sql: str, *params) -> int:
    return db.execute(sql, params).fetchone()[0]


def _items(feed: int, count: int, title: str = "Report") -> list[ArticleRecord]:
    return [ArticleRecord(title=f"{title} {feed}-{n}", url=f"https://news.example/{feed}/{n}", guid=f"{feed}-{n}",
                          body=f"Body of report {n} from desk {feed}. " * 20) for n in range(count)]


def _outcome(etag: str) -> PollOutcome:
    return PollOutcome(polled_at="2026-11-20T10:00:00Z", ok=True, status=200, etag=etag)


def test_a_failing_poll_rolls_back_alone_and_the_batch_commits_once(db):
    feeds = [add_feed(db, f"http://127.0.0.1:1/{n}.xml") for n in range(4)]
    db.execute(REFUSE)
    polls = [(feed, _outcome(f'"v{n}"'), _items(n, 5, "poison" if n == 2 else "Report"), None)
             for n, feed in enumerate(feeds)]
    commits = []
    db.conn.set_trace_callback(lambda sql: commits.append(sql) if sql.strip().upper() == "COMMIT" else None)
    answers = _store_polls(db, polls)
    db.conn.set_trace_callback(None)
    assert [ok for ok, _ in answers] == [True, True, False, True]
    assert isinstance(answers[2][1], sqlite3.IntegrityError) and "cannot be stored" in str(answers[2][1])
    assert [len(answers[n][1].new_ids) for n in (0, 1, 3)] == [5, 5, 5]
    assert len(commits) == 1  # one transaction for the four polls
    stored = dict(db.execute("SELECT fa.feed_id, count(*) FROM feed_articles fa GROUP BY fa.feed_id").fetchall())
    assert stored == {feeds[0]: 5, feeds[1]: 5, feeds[3]: 5}
    # The refused feed keeps its old validators, so its next poll fetches every item again.
    etags = dict(db.execute("SELECT id, etag FROM feeds").fetchall())
    assert etags == {feeds[0]: '"v0"', feeds[1]: '"v1"', feeds[2]: None, feeds[3]: '"v3"'}
    assert _count(db, "SELECT count(*) FROM search_queue") == 0
    assert _count(db, "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'desk'") == 15


def test_an_error_that_ends_the_transaction_fails_every_poll_of_the_batch(db):
    """RAISE(ROLLBACK) undoes the whole transaction, the earlier polls' savepoints with it: none
    of the batch is stored, and none is reported stored."""
    feeds = [add_feed(db, f"http://127.0.0.1:1/{n}.xml") for n in range(3)]
    db.execute(REFUSE.replace("ABORT", "ROLLBACK"))
    polls = [(feed, _outcome('"v"'), _items(n, 3, "poison" if n == 1 else "Report"), None)
             for n, feed in enumerate(feeds)]
    with pytest.raises(sqlite3.IntegrityError):
        _store_polls(db, polls)
    assert not db.conn.in_transaction
    assert _count(db, "SELECT count(*) FROM articles WHERE kind = 'feed'") == 0
    assert _count(db, "SELECT count(*) FROM feeds WHERE etag IS NOT NULL") == 0


async def test_a_poll_of_several_feeds_keeps_the_others_when_one_cannot_be_stored(feed_server, db, tmp_path):
    """While another writer holds the lock the polls queue up, then reach the store together."""
    urls = [feed_server.route(f"/desk{n}.xml", rss([item(n * 100 + k, title=("poison " if n == 3 else "") + f"Desk {n} report {k}")
                                                     for k in range(4)]), etag=f'"d{n}"') for n in range(6)]
    for url in urls:
        add_feed(db, url)
    db.execute(REFUSE)
    commits = []
    db.conn.set_trace_callback(lambda sql: commits.append(sql) if sql.strip().upper() == "COMMIT" else None)
    other = sqlite3.connect(tmp_path / "storywatch.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the store waits for it while every feed is fetched and parsed
    round_ = asyncio.ensure_future(poll_due(db, settings=FAST))
    try:
        for _ in range(500):
            if all(feed_server.requests(f"/desk{n}.xml") for n in range(6)):
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)  # parsed (four items each) and queued behind the first
    finally:
        other.execute("COMMIT")
        other.close()
    with pytest.raises(PollStoreError, match="desk3.xml") as caught:
        await round_
    db.conn.set_trace_callback(None)
    report = caught.value.report
    assert report.ok == 5 and len(report.new_ids) == 20
    stored = db.execute("SELECT f.url, count(fa.article_id) FROM feeds f LEFT JOIN feed_articles fa ON fa.feed_id = f.id"
                        " GROUP BY f.id ORDER BY f.id").fetchall()
    assert stored == [(url, 0 if n == 3 else 4) for n, url in enumerate(urls)]
    assert [row[0] for row in db.execute("SELECT etag FROM feeds ORDER BY id")] == [
        None if n == 3 else f'"d{n}"' for n in range(6)]
    assert len(commits) < 6  # the queued polls shared a transaction
    # The next poll fetches the refused feed in full (no validators) once it can be stored.
    db.execute("DROP TRIGGER refuse_poison")
    again = await poll_due(db, settings=FAST, force=True)
    assert again.ok == 1 and again.not_modified == 5 and len(again.new_ids) == 4
    assert "if-none-match" not in feed_server.requests("/desk3.xml")[-1]


WRITER = """
import sys
from storywatch.feeds.poller import _store_polls
from storywatch.store.db import open_db
from storywatch.store.feeds import add_feed
from storywatch.store.records import ArticleRecord, PollOutcome
db = open_db(sys.argv[1])
feeds = [add_feed(db, f"http://127.0.0.1:1/{n}.xml") for n in range(4)]
print("ready", flush=True)
round_ = 0
while True:
    polls = []
    for n, feed in enumerate(feeds):
        items = [ArticleRecord(title=f"Round {round_} desk {n} item {k}", url=f"https://news.example/{round_}/{n}/{k}",
                               guid=f"{round_}-{n}-{k}", body="text " * 200) for k in range(25)]
        polls.append((feed, PollOutcome(polled_at="2026-11-20T10:00:00Z", ok=True, status=200, etag=f"r{round_}"),
                      items, None))
    _store_polls(db, polls)
    round_ += 1
"""


def test_a_writer_killed_mid_batch_leaves_whole_batches_with_their_validators(tmp_path):
    path = tmp_path / "story.db"
    with killed_writer(WRITER, path):
        deadline = time.monotonic() + 30
        reader = open_db(path)
        seen = {0}  # what another connection sees meanwhile: whole batches only
        while max(seen) < 5 * 100:
            assert time.monotonic() < deadline, "writer made no progress"
            seen.add(_count(reader, "SELECT count(*) FROM articles WHERE kind = 'feed'"))
            time.sleep(0.005)
        reader.close()
        assert all(count % 100 == 0 for count in seen), sorted(seen)
    db = open_db(path)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    articles = _count(db, "SELECT count(*) FROM articles WHERE kind = 'feed'")
    assert articles >= 500 and articles % 100 == 0, "a batch was half written"
    rounds = articles // 100
    # Every feed's validators are those of the last round whose items are stored, and no later.
    assert [row[0] for row in db.execute("SELECT etag FROM feeds ORDER BY id")] == [f"r{rounds - 1}"] * 4
    per_feed = db.execute("SELECT count(*) FROM feed_articles GROUP BY feed_id ORDER BY feed_id").fetchall()
    assert per_feed == [(25 * rounds,)] * 4
    assert _count(db, "SELECT count(*) FROM revisions") == articles
    db.close()
