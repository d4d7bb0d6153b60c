"""Plain TCP for httpcore straight on asyncio, for the http (not https) pools.

httpcore reaches asyncio's sockets through anyio, which costs a warm poll a cancel scope around
every read and write and, for every idle connection checked before a request (each of them,
for each request), a dict of its socket's attributes built afresh with a `getpeername` system
call (anyio still loads: httpcore's locks and events use it). This backend is a small asyncio
protocol: reads wait on a future, timeouts are `asyncio.timeout`, an idle connection is checked
by what the event loop already saw, then by one poll of its socket. TLS stays with httpcore's
own backend (the https pools never use this one).
"""

from __future__ import annotations

import asyncio
import contextlib
import select
from typing import Any

import httpcore

_HIGH = 256 * 1024  # bytes buffered before the socket is no longer read: a bounded body stays bounded
_LOW = 64 * 1024  # ... and read again once the reader has taken the buffer below this


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend for plain TCP on the running asyncio loop."""

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options=None) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_connection(
                    _Protocol, host, port, local_addr=(local_address, 0) if local_address else None,
                    happy_eyeballs_delay=0.25,  # as anyio: an address that hangs does not hold up the next
                )
        except TimeoutError as error:
            raise httpcore.ConnectTimeout(str(error) or "timed out connecting") from error
        except OSError as error:
            raise httpcore.ConnectError(str(error)) from error
        for option in socket_options or ():
            transport.get_extra_info("socket").setsockopt(*option)
        return _Stream(transport, protocol)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options=None) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used for feeds")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class _Protocol(asyncio.Protocol):
    """What has arrived on one connection, for `_Stream.read` to take."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.ended = False  # the server closed its side, or the connection was lost
        self.error: Exception | None = None
        self.reading = True
        self.waiter: asyncio.Future | None = None  # a read waiting for data
        self.drained: asyncio.Future | None = None  # a write waiting for the socket to take more

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.reading and len(self.buffer) > _HIGH:
            self.reading = False
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self.ended = True
        self._wake()
        return False  # close the transport: HTTP/1.1 has nothing to send after the server's end

    def connection_lost(self, error: Exception | None) -> None:
        self.ended = True
        self.error = error
        self._wake()
        if self.drained is not None and not self.drained.done():
            self.drained.set_result(None)

    def pause_writing(self) -> None:
        self.drained = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        if self.drained is not None and not self.drained.done():
            self.drained.set_result(None)
        self.drained = None

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)


class _Stream(httpcore.AsyncNetworkStream):
    def __init__(self, transport: asyncio.Transport, protocol: _Protocol) -> None:
        self._transport = transport
        self._protocol = protocol
        self._poller = None  # made at the first check: a pool checks its idle connections before every request

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        protocol = self._protocol
        if not protocol.buffer and not protocol.ended:
            protocol.waiter = asyncio.get_running_loop().create_future()
            try:
                async with asyncio.timeout(timeout):
                    await protocol.waiter
            except TimeoutError as error:
                raise httpcore.ReadTimeout("timed out reading") from error
            finally:
                protocol.waiter = None
        if protocol.buffer:
            data = bytes(protocol.buffer[:max_bytes])
            del protocol.buffer[:max_bytes]
            if not protocol.reading and len(protocol.buffer) <= _LOW and not protocol.ended:
                protocol.reading = True
                self._transport.resume_reading()
            return data
        if protocol.error is not None:
            raise httpcore.ReadError(str(protocol.error) or type(protocol.error).__name__) from protocol.error
        return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        protocol = self._protocol
        if protocol.ended or self._transport.is_closing():
            raise httpcore.WriteError(str(protocol.error or "connection closed"))
        self._transport.write(buffer)
        if protocol.drained is not None:
            try:
                async with asyncio.timeout(timeout):
                    await asyncio.shield(protocol.drained)
            except TimeoutError as error:
                raise httpcore.WriteTimeout("timed out writing") from error
            if protocol.error is not None:
                raise httpcore.WriteError(str(protocol.error)) from protocol.error

    async def aclose(self) -> None:
        with contextlib.suppress(RuntimeError):  # a loop already closed has closed its sockets too
            self._transport.close()

    async def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("TLS is not made on this backend: https uses httpcore's own")

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            # An idle connection with something to read has been closed by the server (or
            # sent what it should not have): the loop may have seen it first, or not yet.
            protocol = self._protocol
            if protocol.buffer or protocol.ended or self._transport.is_closing():
                return True
            sock = self._transport.get_extra_info("socket")
            if sock is None or sock.fileno() < 0:
                return True
            if not hasattr(select, "poll"):  # Windows
                return bool(select.select([sock], [], [], 0)[0])
            if self._poller is None:
                self._poller = select.poll()
                self._poller.register(sock, select.POLLIN)
            return bool(self._poller.poll(0))
        if info == "socket":
            return self._transport.get_extra_info("socket")
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "server_addr":
            return self._transport.get_extra_info("peername")
        return None

