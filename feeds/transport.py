"""The connection pools under a poll's httpx client: one small pool per host.

httpcore's pool looks over all its connections twice for every request, and over all of them
again for each idle one (`_assign_requests_to_connections`), asking each idle one whether its
socket has something to read (a system call): with one pool of 64 connections kept alive, that
was two thirds of a warm poll's time under cProfile. The poller sends at most `per_host`
requests to a host at once, so a pool per host holds a few connections and looking over them
costs little; and each pool asks only the connection it hands a request to (`_linear_pool`), so
a host sent many requests at once (`per_host` raised) costs no more per request than one sent a
few. The pools kept idle are bounded, so a round over a thousand sites does not keep a thousand
sockets open.
"""

from __future__ import annotations

import functools
import ssl
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable

import httpx


class HostPools(httpx.AsyncBaseTransport):
    """An httpx transport that sends each request through its host's own pool.

    `tls` makes the TLS context, once, when the first pool is made: loading the CA bundle
    costs about 25 ms, which a poll of plain http feeds never pays. At most `idle_pools`
    pools with nothing in flight stay open; past that the least recently used is closed.
    """

    def __init__(self, tls: Callable[[], ssl.SSLContext], *, limits: httpx.Limits, idle_pools: int) -> None:
        self._tls = tls
        self._context: ssl.SSLContext | None = None
        self._limits = limits
        self._idle_pools = max(1, idle_pools)
        self._pools: OrderedDict[tuple, _HostPool] = OrderedDict()

    @property
    def made(self) -> bool:
        """Whether its TLS context was made (at its first request)."""
        return self._context is not None

    @property
    def pools(self) -> int:
        return len(self._pools)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        key = (url.raw_scheme, url.raw_host, url.port)
        pool = self._pools.get(key)
        if pool is None:
            if self._context is None:
                self._context = self._tls()
            pool = self._pools[key] = _HostPool(host_transport(self._context, self._limits))
            await self._close_idle()
        else:
            self._pools.move_to_end(key)
        pool.busy += 1
        try:
            response = await pool.transport.handle_async_request(request)
        except BaseException:
            pool.busy -= 1
            raise
        response.stream = _Release(response.stream, pool)
        return response

    async def _close_idle(self) -> None:
        """Close the least recently used pools with nothing in flight, beyond `idle_pools`."""
        idle = [key for key, pool in self._pools.items() if not pool.busy]
        for key in idle[: max(0, len(idle) - self._idle_pools)]:
            await self._pools.pop(key).transport.aclose()

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.transport.aclose()


class _HostPool:
    __slots__ = ("transport", "busy")

    def __init__(self, transport: httpx.AsyncHTTPTransport) -> None:
        self.transport = transport
        self.busy = 0  # responses not yet closed


class _Release(httpx.AsyncByteStream):
    """A response body that gives its pool's place back when it is closed."""

    def __init__(self, stream: httpx.AsyncByteStream, pool: _HostPool) -> None:
        self._stream = stream
        self._pool: _HostPool | None = pool

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        if self._pool is not None:
            self._pool.busy -= 1
            self._pool = None
        await self._stream.aclose()


def host_transport(context: ssl.SSLContext, limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
    """httpx's transport, its pool swapped for one that counts its idle connections once (see
    `_linear_pool`) where httpcore is the version this was made for; otherwise httpx's as it is."""
    transport = httpx.AsyncHTTPTransport(verify=context, limits=limits, trust_env=False)
    pool = _linear_pool()
    if pool is not None and type(getattr(transport, "_pool", None)) is pool.__base__:
        transport._pool = pool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_kept_socket_backend()(),
        )
    return transport


@functools.cache
def _kept_socket_backend() -> type:
    """httpcore's anyio backend, its streams keeping their socket to say whether it has
    something to read. The pool asks that of every idle connection before every request (a
    server may have closed it), and anyio answered by building a dict of the socket's attributes,
    a getpeername call among them, each time: with connections kept alive that was most of a
    warm poll's time (cProfile). Made at first use, with httpcore."""
    import select
    import sys

    import httpcore

    quick_poll = sys.platform != "win32" and hasattr(select, "poll")

    def readable(sock) -> bool:
        """Whether a read would return at once: data, or the end a closed connection sends."""
        fd = -1 if sock is None else sock.fileno()
        if fd < 0:
            return True
        if not quick_poll:
            return bool(select.select([fd], [], [], 0)[0])
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(0))

    class KeptSocketStream(httpcore.AsyncNetworkStream):
        def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
            self._stream = stream
            self._socket = stream.get_extra_info("socket")

        async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return await self._stream.read(max_bytes, timeout)

        async def write(self, buffer: bytes, timeout: float | None = None) -> None:
            await self._stream.write(buffer, timeout)

        async def aclose(self) -> None:
            await self._stream.aclose()

        async def start_tls(self, ssl_context, server_hostname=None, timeout=None):
            return KeptSocketStream(await self._stream.start_tls(ssl_context, server_hostname, timeout))

        def get_extra_info(self, info: str):
            if info == "is_readable":
                return readable(self._socket)
            return self._stream.get_extra_info(info)

    class KeptSocketBackend(httpcore.AsyncNetworkBackend):
        def __init__(self) -> None:
            self._backend = httpcore.AnyIOBackend()

        async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
            return KeptSocketStream(await self._backend.connect_tcp(host, port, timeout, local_address, socket_options))

        async def connect_unix_socket(self, path, timeout=None, socket_options=None):
            return KeptSocketStream(await self._backend.connect_unix_socket(path, timeout, socket_options))

        async def sleep(self, seconds: float) -> None:
            await self._backend.sleep(seconds)

    return KeptSocketBackend


@functools.cache
def _linear_pool() -> type | None:
    """httpcore 1.0's pool, its bookkeeping linear in its connections. httpcore's asked every
    connection whether it had expired each time a request came or went (for an idle one a system
    call: has the server closed it?), and for every idle one counted the pool's connections by
    asking each whether it was idle, and threw the answers away (O(n^2) calls per request). With
    64 requests in flight to one host, that was most of a warm poll's CPU (bench/poll.py). Here
    the idle ones are counted once, and only the connection a request is about to take is asked
    whether it has expired: one that has is closed and the next tried, so no request is sent on a
    connection the server has dropped. An expired one no request wants stays open until the next
    request to its host looks at it, or its pool is closed (the idle ones beyond the keep-alive
    bound are closed as before, so a pool keeps no more of them than it keeps alive). Made at
    first use: httpcore loads with the first client. None for another httpcore, whose pool this
    copy might not match."""
    import httpcore

    if not httpcore.__version__.startswith("1.0."):
        return None

    class LinearPool(httpcore.AsyncConnectionPool):
        def _assign_requests_to_connections(self) -> list:
            closing_connections = []
            if len(self._connections) > self._max_keepalive_connections:
                self._tidy(closing_connections)

            queued_requests = [request for request in self._requests if request.is_queued()]
            for pool_request in queued_requests:
                origin = pool_request.request.url.origin
                connection = self._available(origin, closing_connections)
                if connection is None and len(self._connections) >= self._max_connections:
                    self._tidy(closing_connections)  # room, where closed connections took it
                if connection is not None:
                    pool_request.assign_to_connection(connection)
                elif len(self._connections) < self._max_connections:
                    connection = self.create_connection(origin)
                    self._connections.append(connection)
                    pool_request.assign_to_connection(connection)
                else:
                    idle = next((connection for connection in self._connections if connection.is_idle()), None)
                    if idle is not None:
                        self._connections.remove(idle)
                        closing_connections.append(idle)
                        connection = self.create_connection(origin)
                        self._connections.append(connection)
                        pool_request.assign_to_connection(connection)

            return closing_connections

        def _tidy(self, closing_connections: list) -> None:
            """Drop the closed connections, and close the idle ones beyond the keep-alive bound."""
            for connection in list(self._connections):
                if connection.is_closed():
                    self._connections.remove(connection)
                elif connection.is_idle() and len(self._connections) > self._max_keepalive_connections:
                    self._connections.remove(connection)
                    closing_connections.append(connection)

        def _available(self, origin, closing_connections: list):
            """The first connection that can take a request to `origin` and has not expired; the
            expired ones met on the way are closed."""
            for connection in list(self._connections):
                if connection.can_handle_request(origin) and connection.is_available():
                    if not connection.has_expired():
                        return connection
                    self._connections.remove(connection)
                    closing_connections.append(connection)
            return None

    return LinearPool
