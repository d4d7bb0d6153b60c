"""A real HTTP server on 127.0.0.1 whose feeds a test controls, plus builders for feed documents.

uvicorn serves a small plain-ASGI app in a background thread. Tests add routes at run time
(`route`), see what the server received (`requests`) and build RSS 2.0 / RSS 1.0 / Atom
bodies with `rss`, `rdf` and `atom`. Used by the `feed_server` fixture in conftest.py and by
bench/fetch.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip as gzip_module
import socket
import threading
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

import uvicorn


@dataclass(frozen=True)
class Route:
    body: bytes
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0  # seconds before answering (the client sees a slow server)
    etag: str | None = None
    last_modified: str | None = None
    gzip: bool = False
    redirect_to: str | None = None
    repeat: int = 1  # the body is sent this many times in a row, chunk by chunk (huge bodies)
    chunk_delay: float = 0.0  # seconds between repeated chunks (a server that trickles)
    content_type: str = "application/xml; charset=utf-8"


class FeedServer:
    """uvicorn on a free 127.0.0.1 port; start() once, route() per test, stop() at the end."""

    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}
        self._requests: dict[str, list[dict[str, str]]] = defaultdict(list)
        self._sent: dict[str, int] = defaultdict(int)  # body bytes written per path
        self._clients: set[tuple] = set()  # the client address of every connection that sent a request
        self._in_flight = 0
        self.max_in_flight = 0  # most requests being answered at once since the last reset()
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # -- control, from the test's thread ---------------------------------------------------

    def start(self) -> FeedServer:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            lifespan="off",
            log_level="error",
            access_log=False,
            loop="asyncio",
            http="h11",
            ws="none",
            interface="asgi3",
            proxy_headers=False,
            timeout_graceful_shutdown=1,
            backlog=1024,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, name="feed-server", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("feed server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(
        self,
        path: str,
        body: bytes | str = b"",
        status: int = 200,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        etag: str | None = None,
        last_modified: str | None = None,
        gzip: bool = False,
        redirect_to: str | None = None,
        *,
        repeat: int = 1,
        chunk_delay: float = 0.0,
        content_type: str = "application/xml; charset=utf-8",
    ) -> str:
        """Serve `body` at `path` from now on; returns the full URL.

        With `etag` / `last_modified` the server sends them and answers 304 to a request whose
        If-None-Match / If-Modified-Since matches. `redirect_to` (a path or URL) answers with
        `status` (302 unless a 3xx is given) and a Location header.
        """
        if isinstance(body, str):
            body = body.encode("utf-8")
        with self._lock:
            self._routes[path] = Route(
                body=body,
                status=status,
                headers=tuple((headers or {}).items()),
                delay=delay,
                etag=etag,
                last_modified=last_modified,
                gzip=gzip,
                redirect_to=redirect_to,
                repeat=max(1, repeat),
                chunk_delay=chunk_delay,
                content_type=content_type,
            )
        return self.url(path)

    def requests(self, path: str) -> list[dict[str, str]]:
        """The headers (names lower-cased) of every request received on `path`, oldest first."""
        with self._lock:
            return [dict(headers) for headers in self._requests.get(path, [])]

    def sent(self, path: str) -> int:
        """How many body bytes the server wrote on `path` (to see a client gave up early)."""
        with self._lock:
            return self._sent.get(path, 0)

    def connections(self) -> int:
        """How many connections requests came on since the last reset() (to see keep-alive reuse)."""
        with self._lock:
            return len(self._clients)

    def reset(self) -> None:
        with self._lock:
            self._clients.clear()
            self._routes.clear()
            self._requests.clear()
            self._sent.clear()
            self.max_in_flight = 0

    # -- the ASGI app, in the server's thread ----------------------------------------------

    async def app(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        path = scope["path"]
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        with self._lock:
            self._requests[path].append(headers)
            self._clients.add(tuple(scope.get("client") or ()))
            route = self._routes.get(path)
        message = await receive()
        while message.get("more_body"):
            message = await receive()
        if route is None:
            await _answer(send, 404, [("content-type", "text/plain")], b"no such route")
            return
        gone = asyncio.Event()
        listener = asyncio.create_task(_wait_for_disconnect(receive, gone))
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

        async def counted_send(message) -> None:
            if message["type"] == "http.response.body" and not gone.is_set():
                with self._lock:
                    self._sent[path] += len(message.get("body", b""))
            await send(message)

        try:
            await self._serve(route, headers, counted_send, gone)
        finally:
            with self._lock:
                self._in_flight -= 1
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener

    async def _serve(self, route: Route, request: dict[str, str], send, gone: asyncio.Event) -> None:
        if route.delay and await _sleep_unless(gone, route.delay):
            return
        if route.redirect_to is not None:
            status = route.status if 300 <= route.status < 400 else 302
            location = route.redirect_to if "://" in route.redirect_to else self.url(route.redirect_to)
            await _answer(send, status, [("location", location), *route.headers], b"")
            return
        validators = []
        if route.etag:
            validators.append(("etag", route.etag))
        if route.last_modified:
            validators.append(("last-modified", route.last_modified))
        if _not_modified(route, request):
            await _answer(send, 304, [*validators, *route.headers], b"")
            return
        headers = [("content-type", route.content_type), *validators]
        custom = {name.lower() for name, _ in route.headers}
        headers = [header for header in headers if header[0] not in custom] + list(route.headers)
        if route.gzip:
            headers.append(("content-encoding", "gzip"))
        if route.repeat == 1 and not route.chunk_delay:
            body = gzip_module.compress(route.body) if route.gzip else route.body
            await _answer(send, route.status, headers, body)
            return
        await send({"type": "http.response.start", "status": route.status, "headers": _encode(headers)})
        compressor = zlib.compressobj(wbits=31) if route.gzip else None
        for _ in range(route.repeat):
            if gone.is_set():
                return
            chunk = compressor.compress(route.body) if compressor else route.body
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            if route.chunk_delay and await _sleep_unless(gone, route.chunk_delay):
                return
            await asyncio.sleep(0)  # let the disconnect listener run
        tail = compressor.flush() if compressor else b""
        await send({"type": "http.response.body", "body": tail, "more_body": False})


def _not_modified(route: Route, request: dict[str, str]) -> bool:
    if route.etag and "if-none-match" in request:
        tags = [tag.strip() for tag in request["if-none-match"].split(",")]
        return route.etag in tags or "*" in tags
    if route.last_modified and request.get("if-modified-since") == route.last_modified:
        return True
    return False


async def _wait_for_disconnect(receive, gone: asyncio.Event) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            gone.set()
            return


async def _sleep_unless(gone: asyncio.Event, seconds: float) -> bool:
    """Sleep, waking early if the client hangs up; True if it did."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(gone.wait(), seconds)
    return gone.is_set()


def _encode(headers) -> list[tuple[bytes, bytes]]:
    return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers]


async def _answer(send, status: int, headers, body: bytes) -> None:
    headers = [*headers, ("content-length", str(len(body)))]
    await send({"type": "http.response.start", "status": status, "headers": _encode(headers)})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def free_port() -> int:
    """A 127.0.0.1 port nobody listens on (for "connection refused")."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- feed documents ---------------------------------------------------------------------------
#
# An item is a dict with any of: title, link, guid, summary, content, published (datetime or
# str), author, source, source_url. Text is XML-escaped, so HTML in summary/content arrives as
# a feed would send it (entity-encoded) and must be turned into text by the parser.


def item(number: int, **fields) -> dict:
    """A plausible item numbered `number`; fields override the defaults."""
    base = {
        "title": f"Story update {number}",
        "link": f"https://news.example/story/{number}",
        "guid": f"urn:storywatch-test:{number}",
        "summary": f"<p>Paragraph one of update {number}.</p><p>Paragraph two.</p>",
        "published": datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc).replace(minute=number % 60),
    }
    base.update(fields)
    return base


def _rfc822(value) -> str:
    return format_datetime(value) if isinstance(value, datetime) else str(value)


def _rfc3339(value) -> str:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def _element(tag: str, value, **attributes) -> str:
    if value is None:
        return ""
    attrs = "".join(f" {name}={quoteattr(str(text))}" for name, text in attributes.items() if text is not None)
    return f"<{tag}{attrs}>{escape(str(value))}</{tag}>"


def rss(items: list[dict], *, title: str = "Test feed", link: str = "https://news.example/", version: str = "2.0",
        description: str = "A feed for tests", ttl: int | None = None) -> str:
    """An RSS 2.0 (or 0.91 / 0.92 with `version`) document; `ttl` in minutes."""
    entries = []
    for entry in items:
        parts = [
            _element("title", entry.get("title")),
            _element("link", entry.get("link")),
            _element("guid", entry.get("guid"), isPermaLink="false" if entry.get("guid") else None),
            _element("description", entry.get("summary")),
            _element("content:encoded", entry.get("content")),
            _element("author", entry.get("author")),
            _element("pubDate", _rfc822(entry["published"]) if entry.get("published") else None),
            _element("source", entry.get("source"), url=entry.get("source_url") or "https://source.example/"),
        ]
        entries.append("<item>" + "".join(parts) + "</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<rss version="{version}" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"{_element('title', title)}{_element('link', link)}{_element('description', description)}"
        f"{_element('ttl', ttl)}"
        + "".join(entries)
        + "</channel></rss>\n"
    )


def atom(items: list[dict], *, title: str = "Test feed", link: str = "https://news.example/",
         feed_id: str = "urn:storywatch-test:feed") -> str:
    """An Atom 1.0 document; summary is sent as type="html", content as type="html"."""
    entries = []
    for entry in items:
        parts = [
            _element("title", entry.get("title")),
            f'<link rel="alternate" href={quoteattr(entry["link"])}/>' if entry.get("link") else "",
            _element("id", entry.get("guid")),
            _element("summary", entry.get("summary"), type="html"),
            _element("content", entry.get("content"), type="html"),
            f"<author>{_element('name', entry['author'])}</author>" if entry.get("author") else "",
            _element("updated", _rfc3339(entry["published"]) if entry.get("published") else None),
            _element("published", _rfc3339(entry["published"]) if entry.get("published") else None),
            f"<source>{_element('title', entry['source'])}</source>" if entry.get("source") else "",
        ]
        entries.append("<entry>" + "".join(parts) + "</entry>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"{_element('title', title)}<link rel=\"alternate\" href={quoteattr(link)}/>{_element('id', feed_id)}"
        f"<updated>2025-06-01T12:00:00Z</updated>" + "".join(entries) + "</feed>\n"
    )


def rdf(items: list[dict], *, title: str = "Test feed", link: str = "https://news.example/") -> str:
    """An RSS 1.0 (RDF) document, with Dublin Core dates."""
    entries = []
    for entry in items:
        about = entry.get("link") or entry.get("guid") or ""
        parts = [
            _element("title", entry.get("title")),
            _element("link", entry.get("link")),
            _element("description", entry.get("summary")),
            _element("dc:creator", entry.get("author")),
            _element("dc:date", _rfc3339(entry["published"]) if entry.get("published") else None),
        ]
        entries.append(f"<item rdf:about={quoteattr(about)}>" + "".join(parts) + "</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel rdf:about={quoteattr(link)}>{_element('title', title)}{_element('link', link)}"
        f"{_element('description', 'A feed for tests')}</channel>" + "".join(entries) + "</rdf:RDF>\n"
    )
