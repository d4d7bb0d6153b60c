"""Polling feeds into a real SQLite file: storage, conditional GET, errors, backoff, the watcher."""

from __future__ import annotations

import asyncio
import functools
import random
import sqlite3
import string
import threading
from datetime import datetime, timedelta, timezone

import pytest
from feedserver import atom, free_port, item, rdf, rss

from storywatch.feeds.fetch import FetchSettings
from storywatch.feeds.poller import PollReport, is_transient, poll_due, poll_once, watch
from storywatch.feeds.schedule import parse_retry_after, poll_delay
from storywatch.store.db import StoreError, open_db
from storywatch.store.feeds import add_feed, feed_statuses, remove_feed
from storywatch.store.times import from_iso, utc_now

FAST = FetchSettings(connect_timeout=2, read_timeout=1, total_timeout=5, poll_interval=600, max_backoff=3600)


def _count(db, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _status(db, url: str):
    return next(status for status in feed_statuses(db) if status.url == url)


def _feed_row(db, url: str) -> dict:
    return next(db["feeds"].rows_where("url = ?", [url]))


# -- the schedule: pure arithmetic ---------------------------------------------------------------


def test_a_healthy_feed_waits_the_poll_interval():
    assert poll_delay(ok=True, failures=0, poll_interval=900, max_backoff=21600) == 900


@pytest.mark.parametrize(("failures", "delay"), [(1, 1800), (2, 3600), (3, 7200), (4, 14400), (5, 21600), (60, 21600)])
def test_a_failing_feed_backs_off_exponentially_up_to_the_cap(failures, delay):
    assert poll_delay(ok=False, failures=failures, poll_interval=900, max_backoff=21600) == delay


def test_retry_after_is_honoured_when_longer_but_not_beyond_the_cap():
    assert poll_delay(ok=False, failures=1, poll_interval=900, max_backoff=21600, retry_after=5000) == 5000
    assert poll_delay(ok=False, failures=1, poll_interval=900, max_backoff=21600, retry_after=10) == 1800
    assert poll_delay(ok=False, failures=1, poll_interval=900, max_backoff=21600, retry_after=10**9) == 21600


def test_retry_after_is_read_as_seconds_or_a_date():
    now = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Sun, 01 Jun 2025 12:05:00 GMT", now) == 300
    assert parse_retry_after("Sun, 01 Jun 2025 11:00:00 GMT", now) == 0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


# -- polling into the store ----------------------------------------------------------------------


async def test_a_feed_is_fetched_parsed_and_stored(feed_server, db):
    url = feed_server.route("/world.xml", rss([item(n) for n in range(5)], title="World desk", link="https://w.example/"))
    feed_id = add_feed(db, url)
    report = await poll_due(db, settings=FAST)
    assert (report.polled, report.ok, report.failed) == (1, 1, 0)
    assert len(report.new_ids) == 5 and report.items == 5
    assert _count(db, "articles") == 5
    row = _feed_row(db, url)
    assert row["title"] == "World desk" and row["site_url"] == "https://w.example/"
    assert row["last_status"] == 200 and row["failure_count"] == 0 and row["last_error"] is None
    # Its items are from 2025: a quiet feed, polled at the ceiling, less a little jitter.
    assert row["poll_interval"] == FAST.poll_ceiling
    next_poll = (from_iso(row["next_poll_at"]) - from_iso(row["last_polled_at"])).total_seconds()
    assert FAST.poll_ceiling * 0.9 <= next_poll <= FAST.poll_ceiling
    stored = db.execute("SELECT title, source, summary FROM articles ORDER BY id").fetchall()
    assert stored[0] == ("Story update 0", "World desk", "Paragraph one of update 0.\n\nParagraph two.")
    assert _count(db, "feed_articles") == 5 and feed_id


@pytest.mark.parametrize("build", [atom, rdf])
async def test_atom_and_rss1_feeds_are_stored_too(feed_server, db, build):
    add_feed(db, feed_server.route("/other.xml", build([item(1), item(2)])))
    report = await poll_due(db, settings=FAST)
    assert report.ok == 1 and len(report.new_ids) == 2


async def test_a_due_feed_is_polled_once_then_waits(feed_server, db):
    add_feed(db, feed_server.route("/due.xml", rss([item(1)])))
    assert (await poll_due(db, settings=FAST)).polled == 1
    assert (await poll_due(db, settings=FAST)).polled == 0  # not due again for poll_interval
    assert (await poll_due(db, settings=FAST, force=True)).polled == 1
    assert len(feed_server.requests("/due.xml")) == 2


@pytest.mark.parametrize("validator", ["etag", "last_modified"])
async def test_a_304_writes_nothing_but_the_poll(feed_server, db, validator):
    path = f"/conditional-{validator}.xml"
    value = '"rev-7"' if validator == "etag" else "Sun, 01 Jun 2025 12:00:00 GMT"
    url = feed_server.route(path, rss([item(1), item(2)]), **{validator: value})
    add_feed(db, url)
    first = await poll_due(db, settings=FAST)
    assert first.ok == 1 and len(first.new_ids) == 2
    articles, revisions, links = _count(db, "articles"), _count(db, "revisions"), _count(db, "feed_articles")
    polled_before = _feed_row(db, url)["last_polled_at"]

    second = await poll_due(db, settings=FAST, force=True)

    header = "if-none-match" if validator == "etag" else "if-modified-since"
    assert feed_server.requests(path)[1][header] == value
    assert (second.polled, second.not_modified, second.ok) == (1, 1, 0)
    assert second.new_ids == [] and second.updated_ids == [] and second.items == 0
    assert (_count(db, "articles"), _count(db, "revisions"), _count(db, "feed_articles")) == (articles, revisions, links)
    row = _feed_row(db, url)
    assert row["last_status"] == 304 and row[validator] == value
    assert row["last_polled_at"] >= polled_before


async def test_re_polling_the_same_items_adds_nothing(feed_server, db):
    add_feed(db, feed_server.route("/same.xml", rss([item(n) for n in range(4)])))
    await poll_due(db, settings=FAST)
    again = await poll_due(db, settings=FAST, force=True)
    assert again.ok == 1 and again.new_ids == [] and again.updated_ids == []
    assert _count(db, "articles") == 4 and _count(db, "revisions") == 4


async def test_an_edited_item_becomes_a_revision(feed_server, db):
    add_feed(db, feed_server.route("/edit.xml", rss([item(1)])))
    await poll_due(db, settings=FAST)
    feed_server.route("/edit.xml", rss([item(1, title="Story update 1 (corrected)")]))
    again = await poll_due(db, settings=FAST, force=True)
    assert len(again.updated_ids) == 1 and again.new_ids == []
    assert _count(db, "articles") == 1 and _count(db, "revisions") == 2


async def test_one_article_through_two_feeds_and_tracking_links_is_stored_once(feed_server, db):
    plain = item(1, link="https://news.example/story/1", guid="a-1")
    tracked = item(1, link="https://News.Example/story/1/?utm_source=rss&utm_medium=feed&fbclid=xyz", guid="b-9")
    add_feed(db, feed_server.route("/outlet-a.xml", rss([plain, item(2)])))
    add_feed(db, feed_server.route("/outlet-b.xml", atom([tracked, item(3)])))
    report = await poll_due(db, settings=FAST)
    assert report.ok == 2
    assert _count(db, "articles") == 3
    shared = db.execute("SELECT id FROM articles WHERE canonical_url = 'https://news.example/story/1'").fetchone()[0]
    assert db.execute("SELECT count(*) FROM feed_articles WHERE article_id = ?", [shared]).fetchone()[0] == 2


ERROR_CASES = {
    "not found": (dict(body="nope", status=404), "HTTP 404 Not Found"),
    "server error": (dict(body="boom", status=500), "HTTP 500 Internal Server Error"),
    "html page": (
        dict(body="<!doctype html><html><body><h1>Welcome</h1></body></html>", content_type="text/html; charset=utf-8"),
        "not a feed: got text/html page",
    ),
    "malformed xml": (dict(body='<?xml version="1.0"?><rss version="2.0"><channel><title>x</ti'), "malformed feed: "),
    "empty body": (dict(body=""), "empty response (no feed in the body)"),
    "timeout": (dict(body=rss([item(1)]), delay=3), "timed out reading (server silent for 0.3s)"),
    "too large": (dict(body=b"<rss>" + b" " * 70_000), "response too large (over 64 KB)"),
    "too many redirects": (dict(redirect_to="/errors/too-many-redirects"), "too many redirects (more than 5)"),
}


@pytest.mark.parametrize("case", ERROR_CASES)
async def test_each_failure_is_recorded_on_its_feed_while_others_go_on(feed_server, db, case):
    route, message = ERROR_CASES[case]
    bad = feed_server.route(f"/errors/{case.replace(' ', '-')}", **route)
    good = feed_server.route("/errors-neighbour.xml", rss([item(1), item(2)]))
    add_feed(db, bad)
    add_feed(db, good)
    settings = FetchSettings(read_timeout=0.3, total_timeout=5, max_bytes=64 * 1024, poll_interval=600, max_backoff=3600)

    report = await poll_due(db, settings=settings)

    assert (report.polled, report.ok, report.failed) == (2, 1, 1)
    assert report.errors[bad].startswith(message)
    status = _status(db, bad)
    assert status.last_error.startswith(message) and status.failure_count == 1 and status.last_success_at is None
    row = _feed_row(db, bad)
    assert from_iso(row["next_poll_at"]) - from_iso(row["last_polled_at"]) == timedelta(seconds=1200)  # backed off
    assert _status(db, good).last_error is None and _status(db, good).item_count == 2


async def test_connection_refused_is_recorded(db):
    url = f"http://127.0.0.1:{free_port()}/feed.xml"
    add_feed(db, url)
    report = await poll_due(db, settings=FAST)
    assert report.errors == {url: "connection refused (nothing listening at that address)"}
    assert _status(db, url).failure_count == 1


async def test_a_valid_feed_with_no_items_is_healthy(feed_server, db):
    url = feed_server.route("/quiet.xml", rss([], title="Quiet desk"))
    add_feed(db, url)
    report = await poll_due(db, settings=FAST)
    assert report.ok == 1 and report.failed == 0
    assert _feed_row(db, url)["title"] == "Quiet desk"


async def test_broken_xml_with_items_keeps_the_items(feed_server, db):
    url = feed_server.route("/sloppy.xml", rss([item(1), item(2)]).replace("</channel>", "<br></channel>"))
    add_feed(db, url)
    report = await poll_due(db, settings=FAST)
    assert report.ok == 1 and len(report.new_ids) == 2


async def test_failures_back_off_further_and_recover(feed_server, db):
    url = feed_server.route("/flaky.xml", "down", status=503)
    add_feed(db, url)
    for _ in range(3):
        await poll_due(db, settings=FAST, force=True)
    row = _feed_row(db, url)
    assert row["failure_count"] == 3
    assert from_iso(row["next_poll_at"]) - from_iso(row["last_polled_at"]) == timedelta(seconds=3600)  # capped
    feed_server.route("/flaky.xml", rss([item(1)]))
    await poll_due(db, settings=FAST, force=True)
    status = _status(db, url)
    assert status.failure_count == 0 and status.last_success_at is not None
    assert status.last_error == "HTTP 503 Service Unavailable"  # kept as history; failure_count says it is healthy


async def test_retry_after_pushes_the_next_poll(feed_server, db):
    url = feed_server.route("/limited.xml", "slow down", status=429, headers={"Retry-After": "3000"})
    add_feed(db, url)
    await poll_due(db, settings=FAST)
    row = _feed_row(db, url)
    assert from_iso(row["next_poll_at"]) - from_iso(row["last_polled_at"]) == timedelta(seconds=3000)


async def test_many_feeds_at_once_under_the_network_bound(feed_server, db):
    urls = []
    for n in range(30):
        if n % 10 == 3:
            urls.append(feed_server.route(f"/many/{n}.xml", "gone", status=404))
        else:
            urls.append(feed_server.route(f"/many/{n}.xml", rss([item(n * 100 + k) for k in range(3)]), delay=0.05))
    for url in urls:
        add_feed(db, url)
    settings = FetchSettings(read_timeout=2, concurrency=2, network_concurrency=6, per_host=6)  # one host stands for many
    report = await poll_due(db, settings=settings)
    assert (report.polled, report.ok, report.failed) == (30, 27, 3)
    assert len(report.new_ids) == 27 * 3 and _count(db, "articles") == 81
    assert sorted(report.errors) == sorted(urls[3::10])
    # More requests in flight than feeds parsed at once, but never more than the network bound.
    assert 2 < feed_server.max_in_flight <= 6


async def test_conditional_requests_are_not_held_back_by_the_parsing_bound(feed_server, db):
    for n in range(20):
        add_feed(db, feed_server.route(f"/slow304/{n}.xml", rss([item(n)]), etag=f'"v{n}"', delay=0.05))
    settings = FetchSettings(read_timeout=2, concurrency=1, network_concurrency=10, per_host=10)  # one host stands for many
    first = await poll_due(db, settings=settings)
    assert first.ok == 20 and len(first.new_ids) == 20
    feed_server.max_in_flight = 0
    again = await poll_due(db, settings=settings, force=True)
    assert again.not_modified == 20
    # Twenty slow 304s answered ten at a time, although only one feed is parsed at once.
    assert 1 < feed_server.max_in_flight <= 10


async def test_hostile_item_text_is_stored_clean(feed_server, db):
    hostile_title = "[bold red]BREAKING[/] [link=https://evil.example]x[/link] \x1b[31mred\x1b[0m\u200b " + "A" * 10_000
    hostile_summary = "<p>\x1b]8;;https://evil.example\x07link\x1b]8;;\x07 [/] \x07\x00</p><script>alert(1)</script>"
    add_feed(db, feed_server.route("/hostile.xml", rss([item(1, title=hostile_title, summary=hostile_summary,
                                                            author="\x1b[2Jwiper")])))
    report = await poll_due(db, settings=FAST)
    assert report.ok == 1, report.errors
    title, summary, author = db.execute("SELECT title, summary, author FROM articles").fetchone()
    assert title.startswith("[bold red]BREAKING[/] [link=https://evil.example]x[/link] red AAAA")
    assert len(title) <= 1000
    for text in (title, summary, author):
        assert "\x1b" not in text and "\x07" not in text and "\x00" not in text and "\u200b" not in text
    assert "[31m" not in title and "alert" not in summary
    assert summary == "link [/]"
    assert author == "wiper"


async def test_a_feed_removed_mid_poll_is_skipped(feed_server, db):
    slow = feed_server.route("/removed.xml", rss([item(1)]), delay=0.3)
    add_feed(db, slow)
    add_feed(db, feed_server.route("/stays.xml", rss([item(2)])))
    poll = asyncio.create_task(poll_due(db, settings=FAST))
    await asyncio.sleep(0.1)
    remove_feed(db, slow)
    report = await poll
    assert report.ok == 1 and _count(db, "articles") == 1


@functools.cache
def _varied_items(count: int) -> tuple[dict, ...]:
    """Items in varied words, as different stories are, so the store does real work on each."""
    chooser = random.Random(20250601)
    vocabulary = ["".join(chooser.choices(string.ascii_lowercase, k=3 + n % 7)) for n in range(3000)]

    def words(number: int) -> str:
        return " ".join(chooser.choices(vocabulary, k=number))

    return tuple(
        item(n, title=words(9).capitalize(), summary=f"<p>{words(40)}.</p><p>{words(30)}.</p>") for n in range(count)
    )


async def test_a_huge_feed_does_not_make_quick_feeds_time_out(feed_server, db):
    # 3,000 items (2 MB) take seconds to parse and store, far beyond the 2 s deadline. The quick
    # feeds answer 0.3 s in, while the huge one is being parsed: their deadline must count only
    # their own time on the network, and the huge feed's network time is a few milliseconds.
    huge = feed_server.route("/huge.xml", rss(list(_varied_items(3000)), title="Huge desk"))
    quick = [feed_server.route(f"/quick-{n}.xml", rss([item(10_000 + n)]), delay=0.3) for n in range(4)]
    for url in [huge, *quick]:
        add_feed(db, url)
    settings = FetchSettings(connect_timeout=2, read_timeout=2, total_timeout=2, poll_interval=600, max_backoff=3600)

    report = await poll_due(db, settings=settings)

    assert report.errors == {}
    assert (report.polled, report.ok, report.items) == (5, 5, 3004)
    assert _status(db, huge).item_count == 3000 and _status(db, huge).last_error is None
    for url in quick:
        assert _status(db, url).item_count == 1 and _status(db, url).last_error is None
    assert _count(db, "articles") == 3004


async def test_a_round_uses_the_database_from_one_thread_not_the_event_loop(feed_server, db):
    for n in range(6):
        add_feed(db, feed_server.route(f"/threads-{n}.xml", rss([item(n * 10 + k) for k in range(3)])))
    threads: set[int] = set()
    db.conn.set_trace_callback(lambda statement: threads.add(threading.get_ident()))
    try:
        report = await poll_due(db, settings=FAST)
    finally:
        db.conn.set_trace_callback(None)
    assert report.ok == 6
    assert len(threads) == 1 and threading.get_ident() not in threads


def test_poll_once_polls_every_feed_from_sync_code(feed_server, db):
    add_feed(db, feed_server.route("/once.xml", rss([item(1)])))
    first = poll_once(db, settings=FAST)
    second = poll_once(db, settings=FAST)  # not due, but --once means now
    assert first.ok == 1 and second.ok == 1 and len(feed_server.requests("/once.xml")) == 2


# -- the watcher ---------------------------------------------------------------------------------


async def test_watch_reports_every_round_notices_new_feeds_and_stops(feed_server, db):
    add_feed(db, feed_server.route("/watch-a.xml", rss([item(1)])))
    stop = threading.Event()
    reports: list[PollReport] = []
    watcher = asyncio.create_task(watch(db, stop=stop, on_poll=reports.append, settings=FAST, tick=0.05))
    await _until(lambda: len(reports) >= 1)
    assert reports[0].ok == 1 and len(reports[0].new_ids) == 1

    add_feed(db, feed_server.route("/watch-b.xml", rss([item(2)])))  # added while the watcher sleeps
    await _until(lambda: len(reports) >= 2)
    assert reports[1].polled == 1 and len(reports[1].new_ids) == 1

    stop.set()
    await asyncio.wait_for(watcher, timeout=1)
    assert len(feed_server.requests("/watch-a.xml")) == 1  # not due again within poll_interval


async def test_watch_abandons_a_slow_round_when_stopped(feed_server, db):
    add_feed(db, feed_server.route("/watch-slow.xml", rss([item(1)]), delay=10))
    stop = threading.Event()
    reports: list[PollReport] = []
    settings = FetchSettings(read_timeout=30, total_timeout=30)
    watcher = asyncio.create_task(watch(db, stop=stop, on_poll=reports.append, settings=settings, tick=0.05))
    await _until(lambda: feed_server.requests("/watch-slow.xml"))
    stop.set()
    await asyncio.wait_for(watcher, timeout=1)
    assert reports == [] and _count(db, "articles") == 0


def test_watch_runs_in_its_own_thread_with_its_own_connection(feed_server, tmp_path):
    # How the dashboard runs it: a thread, its own event loop and its own connection.
    path = tmp_path / "shared.db"
    reader = open_db(path)
    add_feed(reader, feed_server.route("/threaded.xml", rss([item(n) for n in range(3)])))
    stop = threading.Event()
    rounds = threading.Event()
    failures: list[BaseException] = []

    def run() -> None:
        writer = open_db(path)
        try:
            asyncio.run(watch(writer, stop=stop, on_poll=lambda report: rounds.set(), settings=FAST, tick=0.05))
        except BaseException as error:  # noqa: BLE001 - surfaced below
            failures.append(error)
        finally:
            writer.close()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        assert rounds.wait(timeout=5)
        assert _count(reader, "articles") == 3
    finally:
        stop.set()
        thread.join(timeout=2)
        reader.close()
    assert not thread.is_alive() and failures == []


async def test_watch_waits_out_a_locked_database(feed_server, db, tmp_path):
    url = feed_server.route("/locked.xml", rss([item(1)]))
    add_feed(db, url)
    db.execute("PRAGMA busy_timeout = 50")  # give up on a lock at once rather than after 30 s
    other = sqlite3.connect(tmp_path / "storywatch.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    stop = threading.Event()
    reports: list[PollReport] = []
    watcher = asyncio.create_task(watch(db, stop=stop, on_poll=reports.append, settings=FAST, tick=0.05))
    try:
        await _until(lambda: reports or watcher.done())
        assert not watcher.done()
        assert "database is locked" in reports[0].store_error and reports[0].polled == 0
        other.execute("COMMIT")
        await _until(lambda: len(reports) >= 2 or watcher.done())  # tried again a second later
        assert reports[1].store_error is None and reports[1].ok == 1
        assert _count(db, "articles") == 1 and _status(db, url).failure_count == 0
    finally:
        stop.set()
        other.close()
        await asyncio.wait_for(watcher, timeout=2)


async def test_watch_ends_on_a_database_that_cannot_be_written(feed_server, db):
    add_feed(db, feed_server.route("/read-only.xml", rss([item(1)])))
    db.execute("PRAGMA query_only = 1")  # every write fails, as on a read-only file
    with pytest.raises(StoreError, match="attempt to write a readonly database") as caught:
        await asyncio.wait_for(watch(db, stop=threading.Event(), settings=FAST, tick=0.05), timeout=5)
    assert not is_transient(caught.value)


def test_only_a_lock_is_transient(tmp_path):
    path = tmp_path / "lock.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(path, timeout=0.01)
    with pytest.raises(sqlite3.OperationalError) as locked:
        waiter.execute("INSERT INTO t VALUES (1)")
    holder.execute("ROLLBACK")
    try:
        raise StoreError("cannot store the poll") from locked.value
    except StoreError as wrapped:
        assert is_transient(locked.value) and is_transient(wrapped)
    with pytest.raises(sqlite3.OperationalError) as missing:
        waiter.execute("SELECT * FROM no_such_table")
    assert not is_transient(missing.value)
    holder.close()
    waiter.close()


async def _until(condition, timeout: float = 3.0) -> None:
    deadline = utc_now() + timedelta(seconds=timeout)
    while not condition():
        if utc_now() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)
