"""What `save_poll` writes to a feed's row for each kind of answer (a 200, a 304, a failure, a
feed removed meanwhile), now that the row is written by plain SQL instead of `Table.update`."""

from __future__ import annotations

import pytest
from sqlite_utils.db import NotFoundError

from storywatch.store.db import open_db
from storywatch.store.feeds import add_feed, remove_feed
from storywatch.store.ingest import save_poll
from storywatch.store.records import PollOutcome

T0, T1, T2 = "2026-11-20T10:00:00Z", "2026-11-20T11:00:00Z", "2026-11-20T12:00:00Z"
COLUMNS = (
    "etag, last_modified, last_polled_at, last_success_at, next_poll_at, last_status, failure_count,"
    " last_error, last_error_at, title, site_url, max_age, ttl, poll_interval"
)


@pytest.fixture
def db(tmp_path):
    db = open_db(tmp_path / "poll.db")
    yield db
    db.close()


def row(db, feed_id: int) -> dict:
    names = [name.strip() for name in COLUMNS.split(",")]
    return dict(zip(names, db.execute(f"SELECT {COLUMNS} FROM feeds WHERE id = ?", [feed_id]).fetchone()))


def full_answer(at: str = T0) -> PollOutcome:
    return PollOutcome(
        polled_at=at, ok=True, status=200, etag='"v1"', last_modified="Fri, 20 Nov 2026 09:00:00 GMT",
        next_poll_at=T1, feed_title="The [b]Wire[/b]", site_url="http://127.0.0.1/site", poll_interval=600.0,
        ttl=1800.0, max_age=60.0,
    )


def test_a_full_answer_stores_validators_title_and_schedule(db):
    feed = add_feed(db, "http://127.0.0.1:9/feed.xml")
    save_poll(db, feed, full_answer())
    assert row(db, feed) == {
        "etag": '"v1"', "last_modified": "Fri, 20 Nov 2026 09:00:00 GMT", "last_polled_at": T0,
        "last_success_at": T0, "next_poll_at": T1, "last_status": 200, "failure_count": 0, "last_error": None,
        "last_error_at": None, "title": "The [b]Wire[/b]", "site_url": "http://127.0.0.1/site", "max_age": 60.0,
        "ttl": 1800.0, "poll_interval": 600.0,
    }


def test_a_304_keeps_validators_and_ttl_and_clears_failures(db):
    feed = add_feed(db, "http://127.0.0.1:9/feed.xml")
    save_poll(db, feed, full_answer())
    save_poll(db, feed, PollOutcome(polled_at=T1, ok=False, status=503, error="down", next_poll_at=T2))
    save_poll(db, feed, PollOutcome(polled_at=T2, ok=True, status=304, not_modified=True, next_poll_at="later"))
    stored = row(db, feed)
    assert (stored["etag"], stored["last_modified"], stored["ttl"]) == ('"v1"', "Fri, 20 Nov 2026 09:00:00 GMT", 1800.0)
    assert (stored["last_polled_at"], stored["last_success_at"], stored["next_poll_at"]) == (T2, T2, "later")
    assert (stored["last_status"], stored["failure_count"], stored["max_age"]) == (304, 0, None)
    assert stored["poll_interval"] == 600.0  # a 304 without a new interval keeps the old one


def test_failures_count_up_and_keep_the_last_success(db):
    feed = add_feed(db, "http://127.0.0.1:9/feed.xml")
    save_poll(db, feed, full_answer())
    save_poll(db, feed, PollOutcome(polled_at=T1, ok=False, error="timed out", next_poll_at=T2))
    save_poll(db, feed, PollOutcome(polled_at=T2, ok=False, status=500, error=None, next_poll_at=T2))
    stored = row(db, feed)
    assert (stored["failure_count"], stored["last_error"], stored["last_error_at"]) == (2, "unknown error", T2)
    assert (stored["last_success_at"], stored["last_status"], stored["etag"]) == (T0, 500, '"v1"')


def test_a_feed_removed_before_its_304_is_saved_says_so(db):
    """The poller's store thread takes `NotFoundError` as "removed meanwhile" and drops the poll."""
    feed = add_feed(db, "http://127.0.0.1:9/feed.xml")
    other = add_feed(db, "http://127.0.0.1:9/other.xml")
    remove_feed(db, str(feed))
    with pytest.raises(NotFoundError):
        save_poll(db, feed, PollOutcome(polled_at=T0, ok=True, status=304, not_modified=True))
    with pytest.raises(NotFoundError):
        save_poll(db, feed, PollOutcome(polled_at=T0, ok=False, error="gone"))
    assert row(db, other)["last_polled_at"] is None  # no other feed's row was touched
