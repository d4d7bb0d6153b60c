"""The demo's feed server: the script's feeds over HTTP on 127.0.0.1, on a port of its own.

Stdlib only (`http.server` in a daemon thread), so the demo runs on the plain install. The
script's clock is `clock()`: by default the seconds since `start()` times `speed`; a test
passes its own. Feeds carry an ETag and a Last-Modified that change only when the feed does,
so the poller's conditional GETs get a 304 between two steps of the script.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from storywatch.tui.demo.script import Script, article_page, feed_document, feed_etag, last_change, published_from


class DemoServer:
    """Serves /<outlet>.xml (the feed) and /<outlet>/<item> (the item's page) at script time."""

    def __init__(self, script: Script, *, clock: Callable[[], float] | None = None, speed: float = 1.0) -> None:
        self.script = script
        self.speed = speed
        self._clock = clock
        self._began = 0.0  # time.monotonic() at start(), for the default clock
        self.started_at = datetime.now(timezone.utc).replace(microsecond=0)  # script second 0, on the wall clock
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def now(self) -> float:
        """Seconds of script played so far."""
        if self._clock is not None:
            return self._clock()
        return (time.monotonic() - self._began) * self.speed

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the server first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def feed_url(self, slug: str) -> str:
        return f"{self.base_url}/{slug}.xml"

    def start(self) -> DemoServer:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.begin()
        self._thread = threading.Thread(target=self._server.serve_forever, name="storywatch-demo-feeds", daemon=True)
        self._thread.start()
        return self

    def begin(self) -> None:
        """Start the script (again) from its first second, now."""
        self._began = time.monotonic()
        self.started_at = datetime.now(timezone.utc).replace(microsecond=0)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def published(self, at: float) -> datetime:
        return published_from(self.started_at, self.speed)(at)

    def answer(self, path: str, if_none_match: str | None, if_modified_since: str | None) -> tuple[int, dict, bytes]:
        """(status, headers, body) for a GET of `path` now; the handler only writes it out."""
        t = self.now()
        parts = path.split("?", 1)[0].strip("/").split("/")
        slugs = {outlet.slug for outlet in self.script.outlets}
        if len(parts) == 1 and parts[0].endswith(".xml") and parts[0][:-4] in slugs:
            slug = parts[0][:-4]
            changed = last_change(self.script, slug, t)
            modified = self.published(changed or 0.0).replace(microsecond=0)
            headers = {"ETag": feed_etag(self.script, slug, t), "Last-Modified": format_datetime(modified, usegmt=True)}
            if _not_modified(headers["ETag"], modified, if_none_match, if_modified_since):
                return 304, headers, b""
            body = feed_document(self.script, slug, t, base_url=self.base_url, published=self.published)
            return 200, {**headers, "Content-Type": "application/rss+xml; charset=utf-8"}, body
        if len(parts) == 2 and parts[0] in slugs:
            page = article_page(self.script, parts[0], parts[1], t)
            if page is not None:
                return 200, {"Content-Type": "text/html; charset=utf-8"}, page
        return 404, {"Content-Type": "text/plain; charset=utf-8"}, b"not in the demo's script (yet)\n"


def _not_modified(etag: str, modified: datetime, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """RFC 9110: If-None-Match decides when sent; else If-Modified-Since (whole seconds)."""
    if if_none_match is not None:
        return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=timezone.utc)
    return modified <= since


def _handler(server: DemoServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: the poller reuses its connections
        server_version = "storywatch-demo"

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            status, headers, body = server.answer(
                self.path, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
            )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            pass  # the dashboard owns the terminal

    return Handler
