"""Full text from the reports' own pages: a real server on 127.0.0.1 serves a feed whose items
link to pages on the same server; the real extractor (trafilatura, the fulltext extra) reads them."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from importlib.util import find_spec

import pytest
from feedserver import free_port, item, rss
from tui_helpers import ON_STORY, make_story

from storywatch.feeds.fetch import FetchSettings
from storywatch.feeds.fulltext import FullTextUnavailable, require_extractor
from storywatch.feeds.poller import poll_due
from storywatch.feeds.schedule import PAGE_MAX_AGE, PAGE_MAX_FAILURES, page_check_delay
from storywatch.store.db import open_db
from storywatch.store.feeds import add_feed
from storywatch.store.times import from_iso, now_iso

FULL = FetchSettings(
    connect_timeout=2, read_timeout=1, total_timeout=5, poll_interval=600, max_backoff=3600,
    full_text=True, page_timeout=1.5, page_max_bytes=256 * 1024,
)

needs_extractor = pytest.mark.skipif(
    find_spec("trafilatura") is None,
    reason="trafilatura (the 'fulltext' extra, also in the 'test' extra) is not installed: pip install -e '.[test]'",
)

PAGE_LINE = "Security minister Omar García Harfuch said the cartel had moved its drug labs out of Culiacán overnight."
NAV = "Subscribe to our newsletter"


def page_html(lead: str = PAGE_LINE, *, paragraphs: int = 6) -> str:
    """A news page as outlets make them: navigation, the article, related links, a footer."""
    body = "".join(
        f"<p>{lead if n == 0 else f'Paragraph {n} of the report goes on about the US military strikes on the cartels in Sinaloa, and what officials in Mexico City said about them on Tuesday.'}</p>"
        for n in range(paragraphs)
    )
    return (
        "<!doctype html><html><head><title>Strikes on cartels</title></head><body>"
        f"<header><nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/s'>{NAV}</a></nav></header>"
        f"<main><article><h1>Strikes on cartels</h1>{body}</article></main>"
        "<aside><h2>Related</h2><ul><li><a href='/x'>Weather in Paris</a></li></ul></aside>"
        "<footer><p>© Example News. All rights reserved.</p></footer></body></html>"
    )


def feed_of(server, pages: dict[int, str | None], *, minutes_ago: float = 5, **fields) -> str:
    """A feed whose items (on the story, teasers only) link to `/page/N` on the same server."""
    published = datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)
    fields = {"title": None, "summary": ON_STORY, **fields}
    items = [
        item(n, **{**fields, "title": fields["title"] or f"US strikes on cartels, update {n}"},
             published=published, link=link or server.url(f"/page/{n}"))
        for n, link in pages.items()
    ]
    return server.route("/feed.xml", rss(items))


@pytest.fixture
def story_db(tmp_path):
    database = open_db(make_story(tmp_path))
    yield database
    database.close()


def _article(db, n: int) -> dict:
    return next(db["articles"].rows_where("guid = ?", [f"urn:storywatch-test:{n}"]))


def _fetch_row(db, article_id: int) -> dict:
    return next(db["page_fetches"].rows_where("article_id = ?", [article_id]))


def _make_due(db) -> None:
    db.execute("UPDATE page_fetches SET next_check_at = '2000-01-01T00:00:00Z' WHERE next_check_at IS NOT NULL")
    db.conn.commit()


# -- the schedule: pure arithmetic ---------------------------------------------------------------


def test_the_schedule_slows_with_the_reports_age_and_ends_after_a_week():
    ages = [0, 30 * 60, 90 * 60, 4 * 3600, 13 * 3600, 3 * 86400]
    delays = [page_check_delay(age) for age in ages]
    assert delays == [600, 600, 1800, 7200, 6 * 3600, 86400]
    assert all(a <= b for a, b in zip(delays, delays[1:]))
    assert page_check_delay(PAGE_MAX_AGE) is None and page_check_delay(30 * 86400) is None
    assert page_check_delay(PAGE_MAX_AGE - 3600) is None  # the next daily check would be past the week


def test_failures_back_off_and_are_given_up_after_a_limit():
    delays = [page_check_delay(60, ok=False, failures=n) for n in range(1, PAGE_MAX_FAILURES)]
    assert delays[:3] == [600, 1200, 2400]
    assert all(a <= b for a, b in zip(delays, delays[1:])) and max(delays) == 6 * 3600
    assert page_check_delay(60, ok=False, failures=PAGE_MAX_FAILURES) is None
    assert page_check_delay(PAGE_MAX_AGE, ok=False, failures=1) is None


# -- without the extra ---------------------------------------------------------------------------


def test_without_the_extra_full_text_is_refused_in_one_line_naming_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # as if not installed: importing it fails
    with pytest.raises(FullTextUnavailable) as raised:
        require_extractor()
    message = str(raised.value)
    assert "'fulltext' extra" in message and "storywatch[fulltext]" in message and "\n" not in message


# -- fetching pages into the store ---------------------------------------------------------------


@needs_extractor
async def test_the_page_text_becomes_the_body_as_a_revision_with_its_entities(feed_server, story_db):
    db = story_db
    feed_server.route("/page/1", page_html(), content_type="text/html; charset=utf-8")
    add_feed(db, feed_of(feed_server, {1: None}))
    report = await poll_due(db, settings=FULL)
    assert report.ok == 1 and report.pages is not None
    assert (report.pages.checked, report.pages.stored, report.pages.failed) == (1, 1, 0)
    article = _article(db, 1)
    assert PAGE_LINE in article["body"] and NAV not in article["body"] and "Weather in Paris" not in article["body"]
    # The first page text is kept as a version, quietly: the outlet edited nothing, so the
    # report counts one revision and is not made unread or raised.
    assert article["summary"] == ON_STORY and article["revision_count"] == 1
    assert article["id"] in report.updated_ids  # its row is redrawn with the new text
    revisions = db.execute("SELECT revision, body, kind, changes FROM revisions WHERE article_id = ? ORDER BY revision",
                           [article["id"]]).fetchall()
    assert revisions[0][:3] == (1, "", "first") and PAGE_LINE in revisions[1][1]
    assert revisions[1][2:] == ("minor", "full text from the report's page")
    names = {row[0] for row in db.execute(
        "SELECT e.name FROM mentions m JOIN entities e ON e.id = m.entity_id WHERE m.article_id = ? AND m.field = 'body'",
        [article["id"]])}
    assert "Omar García Harfuch" in names
    fetch = _fetch_row(db, article["id"])
    assert fetch["status"] == "ok" and fetch["attempts"] == 0 and fetch["error"] is None and fetch["text_at"]
    assert from_iso(fetch["next_check_at"]) - from_iso(fetch["fetched_at"]) == timedelta(minutes=10)
    (request,) = feed_server.requests("/page/1")
    assert request["accept"].startswith("text/html") and request["user-agent"].startswith("storywatch/")
    search = db.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'Harfuch'").fetchall()
    assert search == [(article["id"],)]


@needs_extractor
async def test_a_re_check_answered_304_stores_nothing_new(feed_server, story_db):
    db = story_db
    feed_server.route("/page/1", page_html(), content_type="text/html", etag='"v1"')
    add_feed(db, feed_of(feed_server, {1: None}))
    await poll_due(db, settings=FULL)
    article_id = _article(db, 1)["id"]
    _make_due(db)
    report = await poll_due(db, settings=FULL, force=True)
    assert (report.pages.checked, report.pages.not_modified, report.pages.stored) == (1, 1, 0)
    assert feed_server.requests("/page/1")[-1]["if-none-match"] == '"v1"'
    assert _article(db, 1)["revision_count"] == 1
    fetch = _fetch_row(db, article_id)
    assert fetch["status"] == "not_modified" and fetch["etag"] == '"v1"' and fetch["next_check_at"] > fetch["fetched_at"]


@needs_extractor
@pytest.mark.parametrize("content", [None, "<p>The first lines of the report, cut short by the feed…</p>"])
async def test_an_edited_page_is_a_new_revision_and_a_teaser_again_does_not_undo_it(feed_server, story_db, content):
    db = story_db
    feed_server.route("/page/1", page_html(), content_type="text/html")
    add_feed(db, feed_of(feed_server, {1: None}, content=content))
    await poll_due(db, settings=FULL)
    await poll_due(db, settings=FULL, force=True)  # the feed again, with its teaser: the page text stays
    assert _article(db, 1)["revision_count"] == 1 and PAGE_LINE in _article(db, 1)["body"]
    edited = "Correction: officials now say the labs were moved out of Culiacán two days earlier than reported."
    feed_server.route("/page/1", page_html(edited), content_type="text/html")
    _make_due(db)
    report = await poll_due(db, settings=FULL, force=True)
    assert report.pages.stored == 1
    article = _article(db, 1)
    assert article["revision_count"] == 2 and edited in article["body"] and PAGE_LINE not in article["body"]
    kind, changes = db.execute("SELECT kind, changes FROM revisions WHERE article_id = ? ORDER BY revision DESC",
                               [article["id"]]).fetchone()
    assert kind == "edit" and "text changed" in changes  # a later change to the page is an edit


def _failing_routes(server, case: str) -> str | None:
    """Serve a page that fails in the way `case` names; returns a link of its own when it needs one."""
    if case == "404":
        server.route("/page/1", "gone", status=404, content_type="text/html")
    elif case == "timeout":
        server.route("/page/1", page_html(), delay=FULL.page_timeout + 2, content_type="text/html")
    elif case == "huge":
        server.route("/page/1", "<p>" + "x" * 1023, repeat=FULL.page_max_bytes // 1024 + 10, content_type="text/html")
    elif case == "not html":
        server.route("/page/1", b"%PDF-1.7 binary", content_type="application/pdf")
    elif case == "no text":
        server.route("/page/1", "<html><body><nav><a href='/'>Home</a></nav></body></html>", content_type="text/html")
    elif case == "dead host":
        return f"http://127.0.0.1:{free_port()}/page/1"
    return None


@needs_extractor
@pytest.mark.parametrize(
    "case, words",
    [("404", "HTTP 404"), ("timeout", "timed out"), ("huge", "too large"), ("not html", "not a web page"),
     ("no text", "no article text"), ("dead host", "connection refused")],
)
async def test_a_failing_page_is_recorded_and_retried_later_while_the_rest_goes_on(feed_server, story_db, case, words):
    db = story_db
    link = _failing_routes(feed_server, case)
    feed_server.route("/page/2", page_html(), content_type="text/html")
    add_feed(db, feed_of(feed_server, {1: link, 2: None}))
    report = await poll_due(db, settings=FULL)
    assert report.ok == 1 and len(report.new_ids) == 2  # the feed poll itself is untouched
    assert (report.pages.checked, report.pages.failed, report.pages.stored) == (2, 1, 1)
    failed = _fetch_row(db, _article(db, 1)["id"])
    assert failed["status"] == "failed" and words in failed["error"] and failed["attempts"] == 1
    assert failed["text_at"] is None and failed["etag"] is None
    assert from_iso(failed["next_check_at"]) - from_iso(failed["fetched_at"]) == timedelta(minutes=10)
    assert _article(db, 1)["revision_count"] == 1 and PAGE_LINE in _article(db, 2)["body"]

    _make_due(db)  # later: it fails again, and waits longer
    report = await poll_due(db, settings=FULL, force=True)
    failed = _fetch_row(db, _article(db, 1)["id"])
    assert failed["attempts"] == 2 and from_iso(failed["next_check_at"]) - from_iso(failed["fetched_at"]) == timedelta(minutes=20)

    if link is None:  # the site recovers: the next check stores the text
        feed_server.route("/page/1", page_html(), content_type="text/html")
        _make_due(db)
        report = await poll_due(db, settings=FULL, force=True)
        recovered = _fetch_row(db, _article(db, 1)["id"])
        assert recovered["status"] == "ok" and recovered["attempts"] == 0 and recovered["error"] is None
        assert PAGE_LINE in _article(db, 1)["body"]


@needs_extractor
async def test_only_on_story_reports_pages_are_fetched_a_bounded_number_per_round(feed_server, story_db):
    db = story_db
    for n in range(1, 6):
        feed_server.route(f"/page/{n}", page_html(), content_type="text/html")
    published = datetime.now(timezone.utc) - timedelta(minutes=5)
    items = [item(n, title=f"US strikes on cartels, update {n}", summary=ON_STORY, published=published,
                  link=feed_server.url(f"/page/{n}")) for n in range(1, 5)]
    items.append(item(5, title="Quarterly earnings", summary="Shares of Apple and Microsoft rose after earnings.",
                      published=published, link=feed_server.url("/page/5")))
    add_feed(db, feed_server.route("/feed.xml", rss(items)))
    settings = FetchSettings(**{**FULL.__dict__, "pages_per_round": 3})
    first = await poll_due(db, settings=settings)
    second = await poll_due(db, settings=settings, force=True)
    assert (first.pages.checked, second.pages.checked) == (3, 1)
    assert feed_server.requests("/page/5") == []
    assert all(len(feed_server.requests(f"/page/{n}")) == 1 for n in range(1, 5))


@needs_extractor
async def test_one_site_gets_at_most_pages_per_host_requests_at_once(feed_server, story_db):
    db = story_db
    for n in range(1, 5):
        feed_server.route(f"/page/{n}", page_html(), content_type="text/html", delay=0.2)
    add_feed(db, feed_of(feed_server, {n: None for n in range(1, 5)}))
    settings = FetchSettings(**{**FULL.__dict__, "page_concurrency": 4, "pages_per_host": 1})
    await poll_due(db, settings=settings)  # the feed first
    _make_due(db)
    feed_server.max_in_flight = 0
    report = await poll_due(db, settings=settings)  # no feed due: only... the pages wait for a feed round
    assert report.pages is None
    report = await poll_due(db, settings=settings, force=True)
    assert report.pages.checked == 4 and feed_server.max_in_flight == 1


async def test_full_text_off_fetches_no_page(feed_server, story_db):
    db = story_db
    feed_server.route("/page/1", page_html(), content_type="text/html")
    add_feed(db, feed_of(feed_server, {1: None}))
    report = await poll_due(db, settings=FetchSettings(**{**FULL.__dict__, "full_text": False}))
    assert report.ok == 1 and report.pages is None and feed_server.requests("/page/1") == []
    assert db.execute("SELECT count(*) FROM page_fetches").fetchone()[0] == 0


# -- the command line ----------------------------------------------------------------------------


def _cli(*args: str, env: dict | None = None):
    from test_cli import storywatch

    return storywatch(*args, env=env)


@pytest.mark.parametrize("command", [["fetch", "--full-text"], ["dashboard", "--full-text"]])
def test_full_text_without_the_extra_is_one_line_naming_it(tmp_path, command):
    from test_cli import assert_one_line_error

    hidden = tmp_path / "no-extra"
    hidden.mkdir()
    (hidden / "trafilatura.py").write_text("raise ImportError('No module named trafilatura')\n")  # as if not installed
    result = _cli("--db", str(tmp_path / "x.db"), *command, env={"PYTHONPATH": str(hidden)})
    assert_one_line_error(result, "storywatch[fulltext]")


@needs_extractor
def test_fetch_full_text_reports_the_pages(feed_server, tmp_path):
    db_path = make_story(tmp_path)
    feed_server.route("/page/1", page_html(), content_type="text/html")
    feed_server.route("/page/2", "gone", status=404, content_type="text/html")
    db = open_db(db_path)
    add_feed(db, feed_of(feed_server, {1: None, 2: None}))
    db.close()
    result = _cli("--db", str(db_path), "--story", str(tmp_path / "story.toml"), "fetch", "--full-text")
    assert result.returncode == 0, result.stderr
    assert "pages: 2 fetched, 1 with new text, 0 not modified, 1 failed" in result.stdout
    assert "page failed" in result.stderr and "HTTP 404" in result.stderr


@needs_extractor
def test_the_in_app_fetcher_fetches_pages_when_full_text_is_on(feed_server, tmp_path):
    import threading

    from storywatch.tui.fetcher import Fetcher

    db_path = make_story(tmp_path)
    feed_server.route("/page/1", page_html(), content_type="text/html")
    db = open_db(db_path)
    add_feed(db, feed_of(feed_server, {1: None}))
    db.close()
    fetcher = Fetcher(db_path, FULL, tick=0.05)
    reports, done = [], threading.Event()

    def on_poll(report) -> None:
        reports.append(report)
        done.set()

    thread = threading.Thread(target=fetcher.run, args=(on_poll,))
    thread.start()
    try:
        assert done.wait(20)
    finally:
        fetcher.stop()
        thread.join(20)
    assert reports[0].pages is not None and reports[0].pages.stored == 1
    db = open_db(db_path)
    assert PAGE_LINE in _article(db, 1)["body"]
    db.close()


@needs_extractor
async def test_the_page_text_refreshes_the_duplicate_fingerprint_of_a_headline_only_item(feed_server, story_db):
    db = story_db
    feed_server.route("/page/1", page_html(), content_type="text/html")
    add_feed(db, feed_of(feed_server, {1: None}, summary=None, title="US strikes on cartels in Sinaloa"))
    await poll_due(db, settings=FetchSettings(**{**FULL.__dict__, "full_text": False}))
    article_id = _article(db, 1)["id"]
    fingerprint = "SELECT text_hash, signature FROM fingerprints WHERE article_id = ?"
    before = db.execute(fingerprint, [article_id]).fetchone()
    if not db.execute("SELECT on_story FROM relevance WHERE article_id = ?", [article_id]).fetchone()[0]:
        db.execute("UPDATE relevance SET on_story = 1 WHERE article_id = ?", [article_id])  # a headline alone may score low
        db.conn.commit()
    report = await poll_due(db, settings=FULL, force=True)
    assert report.pages.stored == 1
    after = db.execute(fingerprint, [article_id]).fetchone()
    assert after[0] != before[0] and after[1] != before[1]  # the lead duplicates are found by is now the page's


@needs_extractor
async def test_a_round_of_slow_pages_ends_at_its_budget_and_leaves_the_rest_due(feed_server, story_db):
    db = story_db
    feed_server.route("/page/1", page_html(), content_type="text/html")
    for n in (2, 3):
        feed_server.route(f"/page/{n}", page_html(), content_type="text/html", delay=1.2)
    add_feed(db, feed_of(feed_server, {1: None, 2: None, 3: None}, minutes_ago=5))
    await poll_due(db, settings=FetchSettings(**{**FULL.__dict__, "full_text": False}))
    db.execute("UPDATE articles SET sort_at = ? WHERE guid LIKE '%:1'", [now_iso()])  # the newest: fetched first
    db.conn.commit()
    settings = FetchSettings(**{**FULL.__dict__, "page_concurrency": 1, "page_round_seconds": 0.8})
    report = await poll_due(db, settings=settings, force=True)
    assert report.ok == 1 and (report.pages.checked, report.pages.stored, report.pages.unfinished) == (1, 1, 2)
    fetched = {row[0] for row in db.execute("SELECT a.guid FROM page_fetches p JOIN articles a ON a.id = p.article_id")}
    assert fetched == {"urn:storywatch-test:1"}
    for n in (2, 3):
        feed_server.route(f"/page/{n}", page_html(), content_type="text/html")
    later = await poll_due(db, settings=settings, force=True)
    assert later.pages.checked == 2 and later.pages.stored == 2


@needs_extractor
async def test_hostile_page_text_is_stored_clean(feed_server, story_db):
    db = story_db
    hostile = "Officials said \x1b[31mred\x1b[0m and \u202eevil\u202c things [b]loud[/b] [link=file:///etc]x[/link] about Culiacán labs."
    feed_server.route("/page/1", page_html(hostile), content_type="text/html")
    add_feed(db, feed_of(feed_server, {1: None}))
    await poll_due(db, settings=FULL)
    body = _article(db, 1)["body"]
    assert "Officials said red and evil things" in body and "[b]loud[/b]" in body  # kept as text: the views render it inert
    assert "\x1b" not in body and "\u202e" not in body and "[31m" not in body
