"""Undoing a response's Content-Encoding without ever inflating past the size cap.

httpx decodes each network chunk whole, so 64 KB of gzip can become 64 MB before anyone counts
it. Here every zlib call is given `max_length`, so a body comes out in pieces of at most `STEP`
bytes and the reader can stop at its cap: a compression bomb costs the cap, not its own size.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

STEP = 64 * 1024  # most bytes one zlib call may produce
MAX_CODINGS = 2  # "gzip, gzip" is odd but legal; more is refused (each layer holds a 32 KB window)
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
_GZIP_MAGIC = b"\x1f\x8b"


class DecodeError(Exception):
    """The body's encoding is unsupported or broken; the message is one line for the user."""


def decode(content_encoding: str, raw: bytes) -> bytes:
    """The whole decoded body of `raw`, which a `Decoder` has already counted within the cap."""
    decoder = Decoder(content_encoding)
    body = b"".join(decoder.feed(raw))
    decoder.finish()
    return body


class Decoder:
    """Undo a Content-Encoding header's codings (last applied, first undone), chunk by chunk."""

    def __init__(self, content_encoding: str) -> None:
        names = [name.strip().lower() for name in content_encoding.split(",")]
        names = [name for name in names if name and name != "identity"]
        for name in names:
            if name not in _WBITS:
                raise DecodeError(f"unsupported content encoding: {name[:40]} (we ask for gzip or deflate)")
        if len(names) > MAX_CODINGS:
            raise DecodeError(f"too many content encodings: {', '.join(names)[:100]}")
        self._layers = [_Inflater(name) for name in reversed(names)]

    @property
    def encoded(self) -> bool:
        """Whether the bytes on the wire differ from the body (so Content-Length says nothing about it)."""
        return bool(self._layers)

    def feed(self, raw: bytes) -> Iterator[bytes]:
        """The decoded bytes of `raw`, in pieces of at most `STEP`; stop iterating to stop decoding."""
        return _through(raw, self._layers)

    def finish(self) -> None:
        """Raise `DecodeError` if the body ended inside a compressed stream."""
        for layer in self._layers:
            layer.finish()


def _through(data: bytes, layers: list[_Inflater]) -> Iterator[bytes]:
    if not layers:
        if data:
            yield data
        return
    for piece in layers[0].feed(data):
        yield from _through(piece, layers[1:])


class _Inflater:
    """One gzip or deflate layer: bounded output, concatenated gzip members, trailing junk ignored."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._zlib = zlib.decompressobj(_WBITS[coding])
        self._fresh = True  # nothing decoded by this stream yet: deflate may still turn out raw
        self._extra_member = False  # a stream after the first gzip member: junk if it will not decode
        self._done = False  # the data has ended; anything after it is ignored, as zlib itself does
        self._fed = False  # any bytes at all arrived
        self._head = b""  # the first bytes of a deflate body, kept until it is known to be zlib or raw

    def feed(self, data: bytes) -> Iterator[bytes]:
        self._fed = self._fed or bool(data)
        before = self._head  # what a raw-deflate retry must see again, if the header splits across chunks
        if self._fresh and self.coding == "deflate":
            self._head = (self._head + data)[:1024]
        while True:
            if self._zlib.eof:
                if self._done or not data:
                    return
                if self.coding not in ("gzip", "x-gzip"):
                    self._done = True  # data after the end of a deflate stream: ignored
                    return
                self._zlib = zlib.decompressobj(_WBITS[self.coding])  # another gzip member, or junk
                self._fresh, self._extra_member = True, True
            try:
                out = self._zlib.decompress(data, STEP)
            except zlib.error as error:
                if self._fresh and self.coding == "deflate":
                    self.coding = "raw deflate"  # a server that leaves out the zlib header, as many do
                    self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                    data = before + data
                    continue
                if self._fresh and self._extra_member:
                    self._done = True  # not a gzip member after all: trailing junk, ignored
                    return
                raise DecodeError(f"could not decode the response: corrupt {self.coding} data ({error})") from None
            if out:
                self._fresh = False
                yield out
            if self._zlib.eof:
                data = self._zlib.unused_data
                continue
            data = self._zlib.unconsumed_tail
            if not data and len(out) < STEP:
                return  # a full STEP may leave output inside zlib: asking again with b"" drains it

    def finish(self) -> None:
        if self._done or self._zlib.eof or (self._fresh and (self._extra_member or not self._fed)):
            return  # ended, ended in ignorable junk, or never started (an empty body: the parser says so)
        raise DecodeError(f"truncated response: the {self.coding} data ends early")
