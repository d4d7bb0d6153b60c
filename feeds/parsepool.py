"""Parsing fetched feeds on another core: worker processes started on first use, so the poller's
own process keeps its interpreter lock for the store while bodies are parsed beside it.

With no processes asked for, or when none can be started, or once a worker has died, bodies
are parsed in a thread of this process, as they always were: the poll never depends on it.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from storywatch.feeds.parse import ParsedFeed, parse_feed


class Parser:
    """`parse_feed` for one poll round, in up to `processes` worker processes (0: in threads)."""

    def __init__(self, processes: int = 0) -> None:
        self.processes = max(0, processes)
        self._pool: ProcessPoolExecutor | None = None
        self.failed: str | None = None  # why the workers were given up, if they were

    async def parse(self, body: bytes, *, url: str, content_type: str) -> ParsedFeed:
        """The feed in `body`; raises `ParseError` as `parse_feed` does."""
        call = functools.partial(parse_feed, body, url=url, content_type=content_type)
        pool = self._start()
        if pool is not None:
            try:
                return await asyncio.get_running_loop().run_in_executor(pool, call)
            except (BrokenProcessPool, OSError, RuntimeError) as error:
                self._give_up(error)  # a worker died or could not start: this body, and the rest, in threads
        return await asyncio.to_thread(call)

    def close(self) -> None:
        """Stop the workers, if any started; waits for a parse in progress."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _start(self) -> ProcessPoolExecutor | None:
        if self._pool is None and self.processes and self.failed is None:
            try:
                # spawn, not fork: the poller's process runs threads (the store's, httpx's), and a fork
                # copies their locks in whatever state they are.
                self._pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"))
            except (OSError, ValueError, RuntimeError) as error:
                self._give_up(error)
        return self._pool

    def _give_up(self, error: BaseException) -> None:
        self.failed = f"{type(error).__name__}: {error}"[:200]
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
