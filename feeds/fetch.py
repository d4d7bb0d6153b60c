"""Fetching one feed over HTTP: conditional GET, timeouts, a size cap and redirects.

Everything that can go wrong ends as a `FetchError` whose message is one line a user can read
in `feeds list`; the poller records it on the feed and moves on.
"""

from __future__ import annotations

import asyncio
import errno
import re
import socket
import ssl
from dataclasses import dataclass

import httpx

from storywatch.feeds.encoding import DecodeError, Decoder, decode
from storywatch.feeds.schedule import freshness
from storywatch.feeds.transport import HostPools
from storywatch.store.times import utc_now


@dataclass(frozen=True)
class FetchSettings:
    """How the fetcher treats the outside world; the defaults suit a few dozen news feeds."""

    connect_timeout: float = 10.0  # seconds to open the connection
    read_timeout: float = 20.0  # seconds of silence allowed while reading
    total_timeout: float = 60.0  # seconds for the whole request, body included
    max_bytes: int = 10 * 1024 * 1024  # cap on the decoded body; bigger is "response too large"
    max_redirects: int = 5  # redirects followed before giving up
    concurrency: int = 8  # fetched feeds parsed and stored at once (the CPU-bound part of a poll)
    network_concurrency: int = 64  # requests in flight at once: a 304 costs a round trip, not CPU
    poll_interval: float = 900.0  # seconds between polls of a feed not yet measured; below poll_floor, of every feed (an override)
    poll_floor: float = 300.0  # the most often a feed is polled: a busy wire every 5 min
    poll_ceiling: float = 4 * 3600.0  # the least often: a quiet blog still every 4 h
    per_host: int = 2  # requests at once to one host: many feeds on one site are polled politely
    max_backoff: float = 6 * 3600.0  # a failing feed backs off exponentially up to this
    full_text: bool = False  # after each round, fetch on-story reports' pages for their text (the fulltext extra)
    pages_per_round: int = 20  # most pages fetched after one feed round: a backlog spreads over rounds
    page_concurrency: int = 4  # pages fetched at once ...
    pages_per_host: int = 2  # ... and at most this many from one host: an outlet's site is not a feed
    page_max_bytes: int = 2 * 1024 * 1024  # cap on a decoded page; bigger is "response too large"
    page_timeout: float = 20.0  # seconds for a whole page: a slow site must not hold up the next feed round
    page_round_seconds: float = 60.0  # the page fetches after one feed round stop after this; the rest wait a round
    user_agent: str = "storywatch/0.1 (+https://github.com/storywatch/storywatch)"


_RAW_SLACK = 64 * 1024  # compressed bytes allowed beyond the cap: headers and block overhead


class FetchError(Exception):
    """A feed could not be fetched; the message is one line meant for the user."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: str | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after  # the server's Retry-After header, if it sent one


@dataclass(frozen=True)
class Fetched:
    """What the server answered. A 304 has `not_modified` set and an empty body."""

    url: str  # the URL finally answered, after redirects
    status: int
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None
    not_modified: bool = False
    max_age: float | None = None  # seconds the server says the answer stays fresh (Cache-Control, Expires)
    moved_to: str | None = None  # where a permanent redirect (301, 308) says the feed now lives


def make_client(settings: FetchSettings = FetchSettings()) -> httpx.AsyncClient:
    """One client for a whole poll round, so connections to the same host are reused.

    Each host gets its own small connection pool (see `feeds/transport.py`). The https pools'
    TLS context is made at the first https request: plain http feeds, a warm poll of local
    feeds among them, never pay for loading the CA bundle."""
    timeout = httpx.Timeout(
        connect=settings.connect_timeout,
        read=settings.read_timeout,
        write=settings.read_timeout,
        pool=settings.total_timeout,
    )
    connections = max(1, settings.concurrency, settings.network_concurrency)
    # A host is sent `per_host` requests at once (`pages_per_host` for pages): that many are kept alive.
    keep = max(1, settings.per_host, settings.pages_per_host)
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=min(keep, connections))
    idle_pools = max(1, connections // keep)  # about as many idle connections as one pool of `connections` kept

    def https_context() -> ssl.SSLContext:
        return httpx.create_ssl_context(trust_env=False)  # httpx's default TLS checks

    return httpx.AsyncClient(
        timeout=timeout,
        # Plain http never uses a TLS context; this one trusts no certificate at all, so were it
        # ever used it would refuse, not let anything through.
        transport=HostPools(
            lambda: ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT), limits=limits, idle_pools=idle_pools
        ),
        mounts={"https://": HostPools(https_context, limits=limits, idle_pools=idle_pools)},
        follow_redirects=True,
        max_redirects=settings.max_redirects,
        headers={
            "User-Agent": settings.user_agent,
            "Accept": "application/rss+xml, application/atom+xml, application/rdf+xml,"
            " application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
            "Accept-Encoding": "gzip, deflate",
        },
        trust_env=False,  # no proxies or netrc from the environment: feeds are fetched directly
    )


async def fetch_feed(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    settings: FetchSettings = FetchSettings(),
    accept: str | None = None,
) -> Fetched:
    """GET a feed (or, with `accept`, another kind of document), asking only for changes since
    the stored ETag / Last-Modified.

    The body is read and decoded in chunks and abandoned as soon as its decoded size passes
    `settings.max_bytes`, so a hostile or broken server (a compression bomb included) cannot
    make us hold a huge response in memory.
    """
    headers = {"Accept": accept} if accept else {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with asyncio.timeout(settings.total_timeout):
            return await _get(client, url, headers, settings)
    except TimeoutError:
        raise FetchError(f"timed out: no complete answer within {_seconds(settings.total_timeout)}") from None
    except httpx.ConnectTimeout:
        raise FetchError(f"timed out connecting (no answer within {_seconds(settings.connect_timeout)})") from None
    except httpx.ReadTimeout:
        raise FetchError(f"timed out reading (server silent for {_seconds(settings.read_timeout)})") from None
    except httpx.TimeoutException as error:
        raise FetchError(f"timed out: {_one_line(error) or type(error).__name__}") from None
    except httpx.TooManyRedirects:
        raise FetchError(f"too many redirects (more than {settings.max_redirects})") from None
    except httpx.ConnectError as error:
        raise FetchError(connect_error_message(error)) from None
    except httpx.UnsupportedProtocol as error:
        raise FetchError(f"unsupported URL: {_one_line(error)}") from None
    except httpx.InvalidURL as error:
        raise FetchError(f"invalid URL: {_one_line(error)}") from None
    except httpx.DecodingError as error:
        raise FetchError(f"could not decode the response: {_one_line(error)}") from None
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as error:
        raise FetchError(f"connection broken: {_one_line(error) or type(error).__name__}") from None
    except httpx.HTTPError as error:
        raise FetchError(f"HTTP error: {_one_line(error) or type(error).__name__}") from None


async def _get(client: httpx.AsyncClient, url: str, headers: dict, settings: FetchSettings) -> Fetched:
    async with client.stream("GET", url, headers=headers) as response:
        final_url = str(response.url)
        hints = {"max_age": _max_age(response.headers), "moved_to": moved_to(response)}
        if response.status_code == 304:
            # A 304 has no body, but the connection returns to the pool only once its end is read:
            # closed unread, every conditional request of a warm poll paid for a new connection.
            async for _ in response.aiter_raw():
                pass
            return Fetched(
                url=final_url,
                status=304,
                body=b"",
                content_type="",
                etag=response.headers.get("ETag") or None,
                last_modified=response.headers.get("Last-Modified") or None,
                not_modified=True,
                **hints,
            )
        if response.status_code >= 400 or response.status_code < 200:
            raise FetchError(
                f"HTTP {response.status_code} {response.reason_phrase or ''}".strip(),
                status=response.status_code,
                retry_after=response.headers.get("Retry-After"),
            )
        if 300 <= response.status_code < 400:  # a redirect httpx could not follow: no Location
            raise FetchError(f"HTTP {response.status_code} redirect without a Location", status=response.status_code)
        body = await _read_capped(response, settings.max_bytes)
        return Fetched(
            url=final_url,
            status=response.status_code,
            body=body,
            content_type=response.headers.get("Content-Type", ""),
            etag=response.headers.get("ETag") or None,
            last_modified=response.headers.get("Last-Modified") or None,
            **hints,
        )


def moved_to(response: httpx.Response) -> str | None:
    """The address the feed moved to for good: the end of the permanent redirects (301, 308) the
    request began with. A temporary one (302, 303, 307) after them is where the feed is for now,
    so A -301-> B -302-> C has moved to B."""
    moved = None
    targets = [hop.url for hop in response.history[1:]] + [response.url]
    for hop, target in zip(response.history, targets):
        if hop.status_code not in (301, 308):
            break
        moved = str(target)
    return moved


def _max_age(headers: httpx.Headers) -> float | None:
    return freshness(
        utc_now(), headers.get("Cache-Control"), headers.get("Expires"), headers.get("Date"), headers.get("Age")
    )


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body, refused the moment it passes `max_bytes`.

    The raw bytes are decoded here, in bounded steps, rather than by httpx, which inflates each
    network chunk whole: one 64 KB chunk of a gzip bomb would be 64 MB before it was counted.
    A compressed body is only counted as it arrives and kept compressed; it is inflated once it
    has ended within the cap, so many bombs at once cost their compressed bytes, not the cap each.
    """
    too_large = FetchError(f"response too large (over {_size(max_bytes)})", status=response.status_code)
    encoding = response.headers.get("Content-Encoding", "")
    try:
        counter = Decoder(encoding)
    except DecodeError as error:
        raise FetchError(str(error), status=response.status_code) from None
    declared = response.headers.get("Content-Length", "")
    # Without content-encoding the declared length is the decoded length: refuse before reading.
    if declared.isdigit() and int(declared) > max_bytes and not counter.encoded:
        raise too_large
    # Compressed data is never much larger than what it decodes to (deflate adds 5 bytes per block).
    raw_cap = max_bytes + (_RAW_SLACK if counter.encoded else 0)
    chunks: list[bytes] = []
    raw_size = size = 0
    try:
        async for raw in response.aiter_raw():
            raw_size += len(raw)
            if raw_size > raw_cap:
                raise too_large
            chunks.append(raw)
            for piece in counter.feed(raw):
                size += len(piece)
                if size > max_bytes:
                    raise too_large
        counter.finish()
        return decode(encoding, b"".join(chunks)) if counter.encoded else b"".join(chunks)
    except DecodeError as error:
        raise FetchError(str(error), status=response.status_code) from None


def connect_error_message(error: BaseException) -> str:
    """Say in plain words why a connection could not be opened (refused, DNS, unreachable)."""
    chain = _causes(error)
    text = next((_one_line(cause) for cause in reversed(chain) if _one_line(cause)), type(error).__name__)
    codes = {getattr(cause, "errno", None) for cause in chain}
    if any(isinstance(cause, socket.gaierror) for cause in chain) or re.search(
        r"name or service not known|nodename nor servname|no address associated|temporary failure in name"
        r"|getaddrinfo failed|name resolution",
        text,
        re.IGNORECASE,
    ):
        return f"host not found (DNS lookup failed: {text})"
    if errno.ECONNREFUSED in codes or "connection refused" in text.lower():
        return "connection refused (nothing listening at that address)"
    if codes & {errno.ENETUNREACH, errno.EHOSTUNREACH} or "unreachable" in text.lower():
        return f"host unreachable: {text}"
    if "ssl" in text.lower() or "certificate" in text.lower():
        return f"TLS error: {text}"
    return f"cannot connect: {text}"


def _causes(error: BaseException) -> list[BaseException]:
    """The error and everything that caused it, outermost first (cycles cut)."""
    chain: list[BaseException] = []
    while error is not None and error not in chain and len(chain) < 20:
        chain.append(error)
        error = error.__cause__ or error.__context__
    return chain


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:300]


def _seconds(value: float) -> str:
    return f"{value:g}s"


def _size(value: int) -> str:
    if value >= 1024 * 1024 and value % (1024 * 1024) == 0:
        return f"{value // (1024 * 1024)} MB"
    if value >= 1024 and value % 1024 == 0:
        return f"{value // 1024} KB"
    return f"{value} bytes"
