"""Each feed polled on its own schedule, against a real server on 127.0.0.1: the interval from how
often it publishes, its ttl and max-age, a feed that moved, and politeness to one host."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from feedserver import item, rss

from storywatch.feeds.fetch import FetchSettings
from storywatch.feeds.poller import host_key, poll_due
from storywatch.store.feeds import add_feed, all_feeds, feed_statuses
from storywatch.store.times import from_iso, span_text, utc_now

FAST = FetchSettings(connect_timeout=2, read_timeout=2, total_timeout=5, max_backoff=3600)


def _row(db, url: str) -> dict:
    return next(db["feeds"].rows_where("url = ?", [url]))


def _wait(row: dict) -> float:
    return (from_iso(row["next_poll_at"]) - from_iso(row["last_polled_at"])).total_seconds()


def _fresh(count: int, minutes: int) -> list[dict]:
    """`count` items published `minutes` apart, the newest `minutes` ago."""
    now = utc_now()
    return [item(n, published=now - timedelta(minutes=minutes * (n + 1))) for n in range(count)]


# -- the interval --------------------------------------------------------------------------------


async def test_a_busy_feed_is_polled_more_often_than_a_quiet_one(feed_server, db):
    busy = feed_server.route("/busy.xml", rss(_fresh(12, 10)))  # one item every 10 minutes
    quiet = feed_server.route("/quiet.xml", rss([item(n) for n in range(3)]))  # nothing since 2025
    add_feed(db, busy)
    add_feed(db, quiet)
    await poll_due(db, settings=FAST)
    assert _row(db, busy)["poll_interval"] == pytest.approx(600, abs=5)
    assert 540 - 5 <= _wait(_row(db, busy)) <= 660 + 5
    assert _row(db, quiet)["poll_interval"] == FAST.poll_ceiling
    assert FAST.poll_ceiling * 0.9 <= _wait(_row(db, quiet)) <= FAST.poll_ceiling


async def test_a_304_keeps_the_measured_interval(feed_server, db):
    url = feed_server.route("/kept.xml", rss(_fresh(12, 20)), etag='"v1"')
    add_feed(db, url)
    await poll_due(db, settings=FAST)
    measured = _row(db, url)["poll_interval"]
    assert measured == pytest.approx(1200, abs=5)
    report = await poll_due(db, settings=FAST, force=True)  # poll now ignores the schedule
    assert report.not_modified == 1 and len(feed_server.requests("/kept.xml")) == 2
    assert _row(db, url)["poll_interval"] == measured


async def test_a_poll_interval_below_the_floor_polls_every_feed_that_often(feed_server, db):
    url = feed_server.route("/demo.xml", rss([item(1)], ttl=60), headers={"Cache-Control": "max-age=3600"})
    add_feed(db, url)
    await poll_due(db, settings=FetchSettings(poll_interval=5))
    assert _wait(_row(db, url)) == 5 and _row(db, url)["poll_interval"] == 5


# -- the feed's own hints ------------------------------------------------------------------------


async def test_cache_control_max_age_is_read_from_the_response_and_waited_out(feed_server, db):
    url = feed_server.route("/cached.xml", rss(_fresh(30, 1)), headers={"Cache-Control": "public, max-age=5400"})
    add_feed(db, url)
    await poll_due(db, settings=FAST)
    row = _row(db, url)
    assert row["max_age"] == 5400 and row["poll_interval"] == FAST.poll_floor  # busy, but asked to wait
    assert _wait(row) == pytest.approx(5400, abs=1)
    assert (await poll_due(db, settings=FAST)).polled == 0


async def test_an_rss_ttl_is_stored_and_kept_through_a_304(feed_server, db):
    url = feed_server.route("/ttl.xml", rss(_fresh(30, 1), ttl=90), etag='"t"')
    add_feed(db, url)
    await poll_due(db, settings=FAST)
    assert _row(db, url)["ttl"] == 90 * 60 and _wait(_row(db, url)) == pytest.approx(5400, abs=1)
    await poll_due(db, settings=FAST, force=True)
    row = _row(db, url)
    assert row["last_status"] == 304 and row["ttl"] == 90 * 60 and _wait(row) == pytest.approx(5400, abs=1)


async def test_a_hint_beyond_the_ceiling_waits_only_the_ceiling(feed_server, db):
    url = feed_server.route("/week.xml", rss(_fresh(5, 1)), headers={"Cache-Control": "max-age=604800"})
    add_feed(db, url)
    await poll_due(db, settings=FAST)
    assert _wait(_row(db, url)) == FAST.poll_ceiling


# -- a feed that moved ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 308])
async def test_a_permanent_redirect_moves_the_feed_and_the_next_poll_goes_there(feed_server, db, status):
    old = feed_server.route("/old.xml", redirect_to="/new.xml", status=status)
    new = feed_server.route("/new.xml", rss([item(1), item(2)], title="Moved desk"))
    feed_id = add_feed(db, old)
    report = await poll_due(db, settings=FAST)
    assert report.ok == 1 and len(report.new_ids) == 2
    assert report.moved == {old: new}  # said once, where the user looks (fetch's summary, the dashboard)
    (status_row,) = feed_statuses(db)
    assert (status_row.id, status_row.url, status_row.item_count) == (feed_id, new, 2)
    again = await poll_due(db, settings=FAST, force=True)
    assert len(feed_server.requests("/old.xml")) == 1 and len(feed_server.requests("/new.xml")) == 2
    assert again.moved == {}


@pytest.mark.parametrize("status", [302, 307])
async def test_a_temporary_redirect_changes_nothing(feed_server, db, status):
    old = feed_server.route("/here.xml", redirect_to="/for-now.xml", status=status)
    feed_server.route("/for-now.xml", rss([item(1)]))
    add_feed(db, old)
    report = await poll_due(db, settings=FAST)
    assert [feed.url for feed in all_feeds(db)] == [old] and report.moved == {}
    await poll_due(db, settings=FAST, force=True)
    assert len(feed_server.requests("/here.xml")) == 2


async def test_a_permanent_then_temporary_redirect_moves_only_as_far_as_the_permanent_one(feed_server, db):
    old = feed_server.route("/a.xml", redirect_to="/b.xml", status=301)
    middle = feed_server.route("/b.xml", redirect_to="/c.xml", status=302)
    feed_server.route("/c.xml", rss([item(1)]))
    add_feed(db, old)
    await poll_due(db, settings=FAST)
    assert [feed.url for feed in all_feeds(db)] == [middle]


async def test_a_feed_that_moved_onto_one_already_followed_merges_into_it(feed_server, db):
    feed_server.route("/mirror.xml", rss([item(1), item(2)]))
    old = feed_server.route("/gone.xml", redirect_to="/mirror.xml", status=301)
    kept = add_feed(db, feed_server.url("/mirror.xml"), "The kept title")
    add_feed(db, old, "Old name")
    report = await poll_due(db, settings=FAST)
    assert report.moved == {old: feed_server.url("/mirror.xml")}
    (feed,) = feed_statuses(db)
    assert (feed.id, feed.url, feed.title, feed.item_count) == (kept, feed_server.url("/mirror.xml"), "Test feed", 2)
    assert db.execute("SELECT count(*) FROM feed_articles").fetchone()[0] == 2


# -- politeness to one host ----------------------------------------------------------------------


def test_a_host_is_its_name_and_port():
    assert host_key("https://News.Example/a.xml") == host_key("https://news.example:443/b.xml") == "news.example:443"
    assert host_key("http://news.example/a.xml") == "news.example:80"
    assert host_key("http://127.0.0.1:8001/a") != host_key("http://127.0.0.1:8002/a")


@pytest.mark.parametrize("per_host", [1, 2, 3])
async def test_at_most_per_host_requests_at_once_to_one_host(feed_server, db, per_host):
    for n in range(6):
        add_feed(db, feed_server.route(f"/slow-{n}.xml", rss([item(n)]), delay=0.3))
    report = await poll_due(db, settings=FetchSettings(read_timeout=5, total_timeout=10, concurrency=6, per_host=per_host))
    assert report.ok == 6
    assert feed_server.max_in_flight == per_host


# -- where a user sees it ------------------------------------------------------------------------


def test_a_wait_reads_as_minutes_and_hours():
    assert [span_text(s) for s in (None, 5, 299.6, 300, 330, 5400, 6720, 14400)] == [
        "-", "5s", "5m", "5m", "6m", "1h30m", "1h52m", "4h"
    ]


def test_feeds_list_shows_the_moved_address_and_the_wait(feed_server, tmp_path):
    story = tmp_path / "story.toml"
    (tmp_path / "seed.txt").write_text("Local Test Headline About Cartels\n\nBody of the seed.")
    story.write_text('[story]\nname = "local"\ntitle = "Local story"\nseeds = ["seed.txt"]\n')
    old = feed_server.route("/listed-old.xml", redirect_to="/listed-new.xml", status=301)
    new = feed_server.route("/listed-new.xml", rss(_fresh(20, 1), ttl=90))  # busy, but asks for 90 min
    database = tmp_path / "x.db"
    said = {}
    for args in (("feeds", "add", old), ("fetch", "--once"), ("feeds", "list")):
        result = subprocess.run(
            [sys.executable, "-m", "storywatch.tui.cli", "--db", str(database), "--story", str(story), *args],
            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
            env={k: v for k, v in os.environ.items() if not k.startswith("STORYWATCH_")},
        )
        assert result.returncode == 0, result.stderr
        said[args[-1]] = result.stdout
    assert f"  moved {old} -> {new} (for good: followed there from now on)\n" in said["--once"]
    (header, row) = result.stdout.splitlines()
    assert "every" in header
    assert row.split()[-1] == new and "1h30m" in row.split() and old not in result.stdout
