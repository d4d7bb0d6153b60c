"""Fetching over real HTTP from the 127.0.0.1 feed server: what arrives and how it fails."""

from __future__ import annotations

import asyncio
import functools
import gzip
import socket
import tracemalloc
import zlib

import httpx
import pytest
from feedserver import free_port, item, rss

from storywatch.feeds.fetch import FetchError, FetchSettings, connect_error_message, fetch_feed, make_client
from storywatch.feeds.parse import parse_feed

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


@functools.cache
def _bomb(megabytes: int = 200) -> bytes:
    """`megabytes` MB of zeros as one gzip member (about 1/1000 of that on the wire), made once."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    return b"".join([*(compressor.compress(zeros) for _ in range(megabytes)), compressor.flush()])


@pytest.mark.parametrize(("encoding", "layers"), [("gzip", 1), ("gzip, gzip", 2)])
async def test_a_gzip_bomb_is_refused_without_being_inflated(feed_server, encoding, layers):
    # 200 MB of zeros in 200 KB. Decoding a whole network chunk before counting it (64 KB on
    # the wire is 64 MB of zeros) would show in the peak; decoding in bounded steps keeps the
    # peak near the 256 KB cap.
    body = _bomb()
    for _ in range(layers - 1):
        body = gzip.compress(body)
    url = feed_server.route("/bomb.gz", body, headers={"Content-Encoding": encoding})
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match=r"^response too large \(over 256 KB\)$"):
            await _fetch(url, FetchSettings(max_bytes=256 * 1024))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024


async def test_bombs_fetched_together_cost_their_compressed_size(feed_server):
    # Eight bombs at once, each 64 KB of zeros per gzip member, one member every 10 ms, so the
    # eight interleave. Holding each one's decoded bytes until its cap (1 MB) would make the peak
    # 8 MB; counting them and keeping only the compressed bytes keeps it near nothing.
    member = gzip.compress(bytes(64 * 1024))
    url = feed_server.route("/slow-bomb.gz", member, headers={"Content-Encoding": "gzip"}, repeat=64, chunk_delay=0.01)
    settings = FetchSettings(max_bytes=1024 * 1024, concurrency=8)
    tracemalloc.start()
    try:
        async with make_client(settings) as client:
            fetches = [fetch_feed(client, f"{url}?n={n}", settings=settings) for n in range(8)]
            outcomes = await asyncio.gather(*fetches, return_exceptions=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert {str(outcome) for outcome in outcomes} == {"response too large (over 1 MB)"}
    assert peak < 4 * 1024 * 1024


@pytest.mark.parametrize(
    "encoding", ["gzip", "x-gzip", "deflate", "raw deflate", "gzip, gzip", "identity", "gzip, identity"]
)
async def test_each_encoding_we_accept_arrives_as_a_feed(feed_server, encoding):
    document = rss([item(n) for n in range(30)]).encode()
    raw_deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    encode = {
        "gzip": gzip.compress,
        "x-gzip": gzip.compress,
        "deflate": zlib.compress,  # what the RFC says: a zlib stream
        "raw deflate": lambda data: raw_deflate.compress(data) + raw_deflate.flush(),  # what many servers send
        "gzip, gzip": lambda data: gzip.compress(gzip.compress(data)),
        "identity": lambda data: data,
        "gzip, identity": gzip.compress,
    }[encoding]
    header = "deflate" if encoding == "raw deflate" else encoding
    url = feed_server.route("/encoded.xml", encode(document), headers={"Content-Encoding": header})
    fetched = await _fetch(url)
    assert fetched.body == document
    assert len(parse_feed(fetched.body, url=fetched.url, content_type=fetched.content_type).items) == 30


@pytest.mark.parametrize(("extra", "fits"), [(0, True), (1, False)])
async def test_the_cap_on_a_compressed_body_is_exact(feed_server, extra, fits):
    body = b"<rss>" + b" " * (64 * 1024 - 5 + extra)
    url = feed_server.route(f"/exact-{extra}.xml", gzip.compress(body), headers={"Content-Encoding": "gzip"})
    settings = FetchSettings(max_bytes=64 * 1024)
    if fits:
        assert (await _fetch(url, settings)).body == body
    else:
        with pytest.raises(FetchError, match=r"^response too large \(over 64 KB\)$"):
            await _fetch(url, settings)


async def test_bytes_after_the_gzip_data_are_ignored_but_counted(feed_server):
    document = rss([item(1)]).encode()
    junk = feed_server.route("/junk.xml", gzip.compress(document) + b"\n\0junk", headers={"Content-Encoding": "gzip"})
    assert (await _fetch(junk)).body == document
    # Ignored bytes still travel and are held: past the cap they are refused like any others.
    flood = feed_server.route("/flood.xml", gzip.compress(document) + b"\0" * 200_000,
                              headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match=r"^response too large \(over 64 KB\)$"):
        await _fetch(flood, FetchSettings(max_bytes=64 * 1024))


async def test_concatenated_gzip_members_are_one_body(feed_server):
    document = rss([item(n) for n in range(10)]).encode()
    url = feed_server.route("/members.xml", gzip.compress(document[:500]) + gzip.compress(document[500:]),
                            headers={"Content-Encoding": "gzip"})
    assert (await _fetch(url)).body == document


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_a_truncated_compressed_body_is_an_error(feed_server, encoding):
    squeeze = gzip.compress if encoding == "gzip" else zlib.compress
    body = squeeze(rss([item(n) for n in range(30)]).encode())
    url = feed_server.route("/cut.xml", body[: len(body) - 40], headers={"Content-Encoding": encoding})
    with pytest.raises(FetchError, match=rf"^truncated response: the {encoding} data ends early$"):
        await _fetch(url)


async def test_corrupt_gzip_is_an_error(feed_server):
    url = feed_server.route("/corrupt.xml", b"this is not gzip at all", headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match=r"^could not decode the response: corrupt gzip data"):
        await _fetch(url)


@pytest.mark.parametrize(("encoding", "message"), [
    ("br", "unsupported content encoding: br (we ask for gzip or deflate)"),
    ("gzip, zstd", "unsupported content encoding: zstd (we ask for gzip or deflate)"),
    ("gzip, gzip, gzip", "too many content encodings: gzip, gzip, gzip"),
])
async def test_an_encoding_we_did_not_ask_for_is_refused(feed_server, encoding, message):
    url = feed_server.route("/odd.xml", b"\x1b\x00 whatever", headers={"Content-Encoding": encoding})
    with pytest.raises(FetchError) as caught:
        await _fetch(url)
    assert str(caught.value) == message


async def test_identity_keeps_the_declared_length_check(feed_server):
    # The body trickles for 10 s, 64 KB of it only after the 2 s deadline: only a refusal at the
    # headers answers in time.
    headers = {"Content-Encoding": "identity", "Content-Length": "200000"}
    url = feed_server.route("/big-identity.xml", b"x" * 2_000, headers=headers, repeat=100, chunk_delay=0.1)
    with pytest.raises(FetchError, match=r"^response too large \(over 64 KB\)$"):
        await _fetch(url, FetchSettings(max_bytes=64 * 1024, total_timeout=2))


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
