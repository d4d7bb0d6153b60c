"""The poll's connections: kept alive and reused (304s included), one small pool per host, the
idle pools bounded, and a connection the server closed while idle never used again."""

from __future__ import annotations

import asyncio
import socket
import threading

import httpx
import pytest
from feedserver import FeedServer, item, rss

from storywatch.feeds.fetch import FetchSettings, fetch_feed, make_client
from storywatch.feeds.poller import poll_due
from storywatch.feeds.transport import HostPools
from storywatch.store.feeds import add_feed

SETTINGS = FetchSettings(connect_timeout=5, read_timeout=5, total_timeout=10, concurrency=2, per_host=2)
BODY = rss([item(1)])


async def test_a_round_of_304s_reuses_its_connections(feed_server, db):
    for number in range(6):
        add_feed(db, feed_server.route(f"/kept/{number}.xml", BODY, etag=f'"v{number}"'))
    cold = await poll_due(db, settings=SETTINGS, force=True)
    assert cold.ok == 6
    assert feed_server.connections() <= SETTINGS.per_host
    feed_server_connections = feed_server.connections()

    warm = await poll_due(db, settings=SETTINGS, force=True)
    assert warm.not_modified == 6
    # A new client per round: at most `per_host` new connections, not one per 304.
    assert feed_server.connections() - feed_server_connections <= SETTINGS.per_host
    assert feed_server.max_in_flight <= SETTINGS.per_host


async def test_each_host_has_its_own_pool_and_idle_pools_beyond_the_bound_are_closed():
    with FeedServer() as a, FeedServer() as b, FeedServer() as c:
        urls = [server.route("/feed.xml", BODY) for server in (a, b, c)]
        pools = HostPools(lambda: None, limits=httpx.Limits(max_connections=4, max_keepalive_connections=2),
                          idle_pools=1)
        async with httpx.AsyncClient(transport=pools) as client:
            for url in urls:
                assert (await fetch_feed(client, url, settings=SETTINGS)).body == BODY.encode()
            assert pools.pools == 1  # a's and b's idle pools were closed when c's was made
            await fetch_feed(client, urls[2], settings=SETTINGS)
            assert c.connections() == 1  # c's pool kept its connection alive
            await fetch_feed(client, urls[0], settings=SETTINGS)
            assert a.connections() == 2  # a's first connection went with its pool


async def test_a_pool_with_a_response_open_is_not_closed():
    with FeedServer() as a, FeedServer() as b:
        slow = a.route("/big.xml", b"x" * 1000, repeat=300)
        quick = b.route("/feed.xml", BODY)
        pools = HostPools(lambda: None, limits=httpx.Limits(max_connections=4, max_keepalive_connections=2),
                          idle_pools=1)
        async with httpx.AsyncClient(transport=pools) as client:
            async with client.stream("GET", slow) as response:
                chunks = response.aiter_raw()
                first = await anext(chunks)
                assert (await fetch_feed(client, quick, settings=SETTINGS)).body == BODY.encode()
                assert pools.pools == 2  # b's pool, idle now, and a's, still reading
                rest = b"".join([chunk async for chunk in chunks])
            assert len(first) + len(rest) == 300_000



def test_the_pools_count_their_idle_connections_once_and_keep_their_sockets(feed_server):
    """A tripwire for an httpx or httpcore upgrade: the pools fall back to httpx's own then."""
    url = feed_server.route("/plain.xml", BODY)

    async def poll():
        async with make_client(SETTINGS) as client:
            await fetch_feed(client, url, settings=SETTINGS)
            (pool,) = client._transport._pools.values()
            return pool.transport._pool

    pool = asyncio.run(poll())
    assert type(pool).__name__ == "LinearPool"
    assert type(pool._network_backend).__name__ == "KeptSocketBackend"  # "is_readable" from the kept socket


async def test_a_request_asks_only_the_connection_it_takes_whether_the_server_closed_it(feed_server, monkeypatch):
    """Asking is a system call per connection: httpcore asked every idle connection at every
    request and every response (most of a warm poll of 1,000 feeds, 64 at a time, to one host)."""
    settings = FetchSettings(connect_timeout=5, read_timeout=5, total_timeout=10, concurrency=8,
                             network_concurrency=8, per_host=8)
    slow = feed_server.route("/slow.xml", BODY, delay=0.3)
    quick = feed_server.route("/quick.xml", BODY)
    async with make_client(settings) as client:
        await asyncio.gather(*(fetch_feed(client, slow, settings=settings) for _ in range(8)))
        (pool,) = client._transport._pools.values()
        connections = pool.transport._pool.connections
        assert len(connections) == 8 and all(connection.is_idle() for connection in connections)
        stream_type = type(connections[0]._connection._network_stream)
        asked = []
        original = stream_type.get_extra_info

        def counted(stream, info):
            if info == "is_readable":
                asked.append(stream)
            return original(stream, info)

        monkeypatch.setattr(stream_type, "get_extra_info", counted)
        for _ in range(3):
            assert (await fetch_feed(client, quick, settings=settings)).body == BODY.encode()
    assert len(asked) == 3  # once per request, of the connection it took (httpcore's pool: 8 per request, more per response)
    assert feed_server.connections() == 8  # and the eight were reused, none opened again


@pytest.fixture
def closing_server():
    """A server that answers each connection's first request (keep-alive, by HTTP/1.1's default)
    and then closes it: a keep-alive connection the server has dropped."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            accepted.append(connection)
            with connection:
                request = b""
                while b"\r\n\r\n" not in request:
                    request += connection.recv(4096)
                body = BODY.encode()
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                                   b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/feed.xml", accepted
    stop.set()
    thread.join(timeout=5)
    listener.close()


async def test_a_connection_the_server_closed_while_idle_is_not_reused(closing_server):
    url, accepted = closing_server
    async with make_client(SETTINGS) as client:
        for _ in range(3):
            assert (await fetch_feed(client, url, settings=SETTINGS)).body == BODY.encode()
            await asyncio.sleep(0.05)  # the server's close arrives
    assert len(accepted) == 3

