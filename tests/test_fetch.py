"""Fetching over real HTTP from the 127.0.0.1 feed server: what arrives and how it fails."""

from __future__ import annotations

import asyncio
import gzip
import socket

import httpx
import pytest
from feedserver import free_port, item, rss

from storywatch.feeds.fetch import FetchError, FetchSettings, connect_error_message, fetch_feed, make_client

FAST = FetchSettings(connect_timeout=2, read_timeout=2, total_timeout=5)


async def _fetch(url: str, settings: FetchSettings = FAST, **validators):
    async with make_client(settings) as client:
        return await fetch_feed(client, url, settings=settings, **validators)


async def test_a_feed_arrives_with_its_validators(feed_server):
    document = rss([item(1)])
    url = feed_server.route("/ok.xml", document, etag='"abc"', last_modified="Sun, 01 Jun 2025 12:00:00 GMT")
    fetched = await _fetch(url)
    assert fetched.status == 200
    assert fetched.body == document.encode()
    assert fetched.etag == '"abc"'
    assert fetched.last_modified == "Sun, 01 Jun 2025 12:00:00 GMT"
    assert fetched.content_type.startswith("application/xml")
    assert not fetched.not_modified
    sent = feed_server.requests("/ok.xml")[0]
    assert sent["user-agent"] == FAST.user_agent
    assert "if-none-match" not in sent and "if-modified-since" not in sent


async def test_conditional_get_with_etag(feed_server):
    url = feed_server.route("/etag.xml", rss([item(1)]), etag='"v1"')
    fetched = await _fetch(url, etag='"v1"')
    assert fetched.not_modified and fetched.status == 304 and fetched.body == b""
    assert feed_server.requests("/etag.xml")[0]["if-none-match"] == '"v1"'


async def test_conditional_get_with_last_modified(feed_server):
    stamp = "Sun, 01 Jun 2025 12:00:00 GMT"
    url = feed_server.route("/lm.xml", rss([item(1)]), last_modified=stamp)
    assert (await _fetch(url, last_modified=stamp)).not_modified
    assert feed_server.requests("/lm.xml")[0]["if-modified-since"] == stamp
    changed = await _fetch(url, last_modified="Sat, 31 May 2025 12:00:00 GMT")
    assert changed.status == 200 and not changed.not_modified


@pytest.mark.parametrize(("status", "message"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal Server Error"),
                                                 (410, "HTTP 410 Gone")])
async def test_error_statuses_become_one_line_errors(feed_server, status, message):
    url = feed_server.route(f"/status-{status}", "<html>oops</html>", status=status)
    with pytest.raises(FetchError) as caught:
        await _fetch(url)
    assert str(caught.value) == message
    assert caught.value.status == status


async def test_retry_after_is_passed_on(feed_server):
    url = feed_server.route("/busy", "", status=429, headers={"Retry-After": "120"})
    with pytest.raises(FetchError) as caught:
        await _fetch(url)
    assert caught.value.status == 429 and caught.value.retry_after == "120"


async def test_a_silent_server_times_out(feed_server):
    url = feed_server.route("/slow.xml", rss([item(1)]), delay=3)
    with pytest.raises(FetchError, match=r"^timed out reading \(server silent for 0.2s\)$"):
        await _fetch(url, FetchSettings(read_timeout=0.2, total_timeout=5))


async def test_a_trickling_server_hits_the_total_timeout(feed_server):
    # Each chunk arrives well within the read timeout, but the whole body never finishes in time.
    url = feed_server.route("/trickle.xml", "<rss>", repeat=50, chunk_delay=0.05)
    with pytest.raises(FetchError, match=r"^timed out: no complete answer within 0.4s$"):
        await _fetch(url, FetchSettings(read_timeout=1, total_timeout=0.4))


async def test_slow_routes_do_not_block_other_routes(feed_server):
    slow = feed_server.route("/slow-neighbour.xml", rss([item(1)]), delay=3)
    quick = feed_server.route("/quick.xml", rss([item(2)]))
    settings = FetchSettings(read_timeout=0.5, total_timeout=5)
    async with make_client(settings) as client:
        slow_task = asyncio.create_task(fetch_feed(client, slow, settings=settings))
        fetched = await fetch_feed(client, quick, settings=settings)
        assert fetched.status == 200
        with pytest.raises(FetchError, match="^timed out reading"):
            await slow_task


async def test_redirects_are_followed_up_to_the_limit(feed_server):
    document = rss([item(1)])
    feed_server.route("/moved-final.xml", document)
    feed_server.route("/moved-2", redirect_to="/moved-final.xml", status=301)
    start = feed_server.route("/moved-1", redirect_to="/moved-2", status=302)
    fetched = await _fetch(start, FetchSettings(max_redirects=2))
    assert fetched.body == document.encode()
    assert fetched.url == feed_server.url("/moved-final.xml")
    with pytest.raises(FetchError, match=r"^too many redirects \(more than 1\)$"):
        await _fetch(start, FetchSettings(max_redirects=1))


async def test_a_redirect_without_location_is_an_error(feed_server):
    url = feed_server.route("/nowhere", "", status=302)
    with pytest.raises(FetchError, match="^HTTP 302 redirect without a Location$"):
        await _fetch(url)


async def test_a_redirect_loop_is_an_error(feed_server):
    feed_server.route("/loop-a", redirect_to="/loop-b")
    url = feed_server.route("/loop-b", redirect_to="/loop-a")
    with pytest.raises(FetchError, match="^too many redirects"):
        await _fetch(url)


async def test_gzip_bodies_arrive_decoded(feed_server):
    document = rss([item(n) for n in range(20)])
    url = feed_server.route("/zipped.xml", document, gzip=True)
    fetched = await _fetch(url)
    assert fetched.body == document.encode()
    assert feed_server.sent("/zipped.xml") == len(gzip.compress(document.encode()))  # it really was gzipped
    assert "gzip" in feed_server.requests("/zipped.xml")[0]["accept-encoding"]


async def test_a_declared_oversize_body_is_refused_before_reading(feed_server):
    url = feed_server.route("/big.xml", b"x" * 200_000)
    with pytest.raises(FetchError, match=r"^response too large \(over 64 KB\)$"):
        await _fetch(url, FetchSettings(max_bytes=64 * 1024))


async def test_an_endless_body_is_abandoned_at_the_cap(feed_server):
    # 1 GB, streamed without a Content-Length: we must stop long before the end.
    url = feed_server.route("/endless.xml", b"<rss>" + b" " * 65531, repeat=16_384)
    with pytest.raises(FetchError, match=r"^response too large \(over 256 KB\)$"):
        await _fetch(url, FetchSettings(max_bytes=256 * 1024, total_timeout=10))
    assert feed_server.sent("/endless.xml") < 64 * 1024 * 1024


async def test_the_cap_applies_to_decoded_bytes(feed_server):
    # A small gzip body that inflates to 8 MB is too large for a 1 MB cap.
    url = feed_server.route("/bomb.xml", b"\0" * (1024 * 1024), repeat=8, gzip=True)
    with pytest.raises(FetchError, match=r"^response too large \(over 1 MB\)$"):
        await _fetch(url, FetchSettings(max_bytes=1024 * 1024))


async def test_nothing_listening_is_connection_refused():
    url = f"http://127.0.0.1:{free_port()}/feed.xml"
    with pytest.raises(FetchError, match=r"^connection refused \(nothing listening at that address\)$"):
        await _fetch(url)


async def test_a_non_http_url_is_an_error():
    with pytest.raises(FetchError, match="^unsupported URL"):
        await _fetch("ftp://127.0.0.1/feed.xml")


def test_dns_failures_are_named_as_such():
    # The error httpx raises when getaddrinfo fails, built locally: no real lookup is made.
    try:
        try:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        except socket.gaierror as lookup:
            raise httpx.ConnectError("[Errno -2] Name or service not known") from lookup
    except httpx.ConnectError as error:
        assert connect_error_message(error) == "host not found (DNS lookup failed: [Errno -2] Name or service not known)"


def test_connect_errors_without_a_known_cause_keep_their_text():
    assert connect_error_message(httpx.ConnectError("something odd")) == "cannot connect: something odd"
