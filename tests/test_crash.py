"""A process killed in the middle of writing leaves the database whole: every batch of a poll is all or nothing."""

from __future__ import annotations

import time

from killed_writer import killed_writer

from storywatch.store.db import open_db

BATCH = 50

WRITER = f"""
import sys
from storywatch.store.db import open_db
from storywatch.store.feeds import add_feed
from storywatch.store.ingest import save_poll
from storywatch.store.records import ArticleRecord, PollOutcome
db = open_db(sys.argv[1])
feed = add_feed(db, "http://127.0.0.1:1/feed.xml")
poll = 0
print("ready", flush=True)
while True:
    items = [ArticleRecord(title=f"Poll {{poll}} item {{n}}", url=f"https://news.example/{{poll}}/{{n}}",
                           body="text " * 200) for n in range({BATCH})]
    save_poll(db, feed, PollOutcome(polled_at="2026-11-20T10:00:00Z", ok=True), items)
    poll += 1
"""


def test_killed_writer_leaves_only_whole_polls(tmp_path):
    path = tmp_path / "story.db"
    with killed_writer(WRITER, path):
        deadline = time.monotonic() + 20
        reader = open_db(path)
        # Wait until a few polls have landed, so the kill falls in the middle of later ones.
        while reader.execute("SELECT count(*) FROM articles").fetchone()[0] < 3 * BATCH:
            assert time.monotonic() < deadline, "writer made no progress"
            time.sleep(0.02)
        reader.close()
    db = open_db(path)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    articles = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert articles >= 3 * BATCH
    assert articles % BATCH == 0, "a poll was half written"
    assert db.execute("SELECT count(*) FROM revisions").fetchone()[0] == articles
    assert db.execute("SELECT count(*) FROM feed_articles").fetchone()[0] == articles


def test_a_huge_poll_commits_batch_by_batch(tmp_path):
    """Another connection sees a big poll's first batches before it ends: the write lock is
    released between batches, so nobody waits for a whole 8,000-item feed."""
    import threading

    from storywatch.store.feeds import add_feed
    from storywatch.store.ingest import POLL_BATCH, save_poll
    from storywatch.store.records import ArticleRecord, PollOutcome

    path = tmp_path / "story.db"
    db = open_db(path)
    feed = add_feed(db, "http://127.0.0.1:1/feed.xml")
    total = 6 * POLL_BATCH
    items = [ArticleRecord(title=f"Item {n} of a huge feed", url=f"https://news.example/{n}", body="text " * 50)
             for n in range(total)]
    writer = threading.Thread(
        target=save_poll, args=(db, feed, PollOutcome(polled_at="2026-11-20T10:00:00Z", ok=True), items)
    )
    reader = open_db(path)
    seen = set()  # (articles stored, whether the feed's poll is recorded), as another reader sees them
    writer.start()
    while writer.is_alive():
        reader.conn.execute("BEGIN")  # a read transaction: one snapshot for both reads
        stored = reader.execute("SELECT count(*) FROM articles").fetchone()[0]
        done = reader.execute("SELECT last_success_at FROM feeds WHERE id = ?", [feed]).fetchone()[0] is not None
        reader.conn.execute("COMMIT")
        seen.add((stored, done))
    writer.join()
    partial = {stored for stored, done in seen if 0 < stored < total}
    assert partial and all(stored % POLL_BATCH == 0 for stored in partial), seen
    assert not any(done for stored, done in seen if stored < total)  # the poll is recorded with its last batch
    assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == total
    assert reader.execute("SELECT last_success_at FROM feeds WHERE id = ?", [feed]).fetchone()[0] is not None
    reader.close()
    db.close()


def test_an_article_listed_twice_in_one_huge_poll_stays_one_version(tmp_path):
    """The two listings fall in different batches; the first one wins, as within one batch."""
    from storywatch.store.feeds import add_feed
    from storywatch.store.ingest import POLL_BATCH, save_poll
    from storywatch.store.records import ArticleRecord, PollOutcome

    db = open_db(tmp_path / "story.db")
    feed = add_feed(db, "http://127.0.0.1:1/feed.xml")
    items = [ArticleRecord(title=f"Item {n}", url=f"https://news.example/{n}", guid=f"g{n}") for n in range(POLL_BATCH)]
    items.append(ArticleRecord(title="Item 0, listed again with another title", url="https://news.example/0", guid="g0"))
    result = save_poll(db, feed, PollOutcome(polled_at="2026-11-20T10:00:00Z", ok=True), items)
    assert len(result.new_ids) == POLL_BATCH and not result.updated_ids and result.unchanged == 1
    assert db.execute("SELECT title, revision_count FROM articles WHERE guid = 'g0'").fetchone() == ("Item 0", 1)
    db.close()
