"""Parsing in a worker process: the same feeds as in a thread, errors carried back, and a dead
worker costing nothing but the speed-up."""

from __future__ import annotations

import os
import signal

import pytest
from feedserver import item, rss

from storywatch.feeds.fetch import FetchSettings
from storywatch.feeds.parse import ParseError, parse_feed
from storywatch.feeds.parsepool import Parser
from storywatch.feeds.poller import poll_due
from storywatch.store.feeds import add_feed

URL = "http://127.0.0.1:8000/feed.xml"
BODY = rss([item(n, title=f"Report {n} \u00e9") for n in range(5)]).encode()


async def test_a_worker_process_parses_as_a_thread_does():
    parser = Parser(1)
    try:
        parsed = await parser.parse(BODY, url=URL, content_type="application/xml")
        assert parsed == parse_feed(BODY, url=URL, content_type="application/xml")
        assert parser._pool is not None and parser.failed is None
        with pytest.raises(ParseError, match="^empty response"):
            await parser.parse(b"  ", url=URL, content_type="")
    finally:
        parser.close()


async def test_a_dead_worker_falls_back_to_a_thread():
    parser = Parser(1)
    try:
        await parser.parse(BODY, url=URL, content_type="application/xml")
        for process in list(parser._pool._processes.values()):
            os.kill(process.pid, signal.SIGKILL)
            process.join()
        parsed = await parser.parse(BODY, url=URL, content_type="application/xml")
        assert [record.title for record in parsed.items] == [f"Report {n} \u00e9" for n in range(5)]
        assert parser.failed and parser._pool is None
    finally:
        parser.close()


async def test_no_processes_means_no_pool():
    parser = Parser(0)
    assert (await parser.parse(BODY, url=URL, content_type="application/xml")).items
    assert parser._pool is None


async def test_a_poll_with_a_parse_process_stores_every_item(feed_server, db):
    for n in range(4):
        add_feed(db, feed_server.route(f"/pool/{n}.xml", rss([item(n * 10 + k) for k in range(3)])))
    report = await poll_due(db, settings=FetchSettings(read_timeout=2, parse_processes=1))
    assert (report.ok, len(report.new_ids)) == (4, 12)
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 12
