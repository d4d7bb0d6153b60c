"""The fetcher's https pools make their TLS context at the first https request (loading the CA
bundle is a fifth of a warm poll of plain-http feeds) and check certificates as httpx's default does."""

from __future__ import annotations

import asyncio
import http.server
import shutil
import ssl
import subprocess
import threading

import pytest
from feedserver import rss

from storywatch.feeds.fetch import FetchError, FetchSettings, fetch_feed, make_client
from storywatch.feeds.transport import HostPools

FEED = rss([{"title": "A report", "link": "http://127.0.0.1/r/1", "guid": "r1", "summary": "Text."}]).encode()


def first_use_transport(client) -> HostPools:
    (transport,) = [t for t in client._mounts.values() if isinstance(t, HostPools)]
    return transport


@pytest.fixture
def tls_server(tmp_path):
    """A feed over TLS on 127.0.0.1, with a self-signed certificate no CA bundle trusts."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(FEED)))
            self.end_headers()
            self.wfile.write(FEED)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}/feed.xml"
    server.shutdown()
    server.server_close()


def test_plain_http_feeds_never_make_the_https_transport(feed_server):
    url = feed_server.route("/plain.xml", FEED)

    async def poll():
        async with make_client(FetchSettings()) as client:
            fetched = await fetch_feed(client, url)
            return fetched, first_use_transport(client).made

    fetched, made = asyncio.run(poll())
    assert fetched.status == 200 and fetched.body == FEED
    assert made is False


def test_an_https_feed_with_an_untrusted_certificate_is_refused(tls_server):
    async def poll():
        async with make_client(FetchSettings()) as client:
            try:
                await fetch_feed(client, tls_server)
            finally:
                assert first_use_transport(client).made

    with pytest.raises(FetchError, match="(?i)certificate"):
        asyncio.run(poll())
