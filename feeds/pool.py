"""Worker processes for a big poll round: they parse the fetched bodies and do each item's
text work (`store.prepared`), so the poller's own process, where one GIL serialises the event
loop, the parse threads and the store thread, is left with fetching and storing (issue 13).

A round of a few feeds, the dashboard's usual, never starts them: bodies are parsed in a
thread, as they always were, until a round has fetched `POOL_FROM` bodies (or is sure to, see
`expect`); then the workers start, in the background (until they are up, bodies still go to the
thread, one at a time: see `feeds.poller`), and serve every later body of that round and of the
poller's later rounds (`close` ends them).

The workers fork from multiprocessing's fork server, a small process that has imported only
the parser and the text modules: the poller's own process has threads (the store, the
parsers, the TUI), which plain fork copies in whatever locks they hold, and spawn starts each
worker as a new interpreter. Neither the server nor the workers run the caller's `__main__`
(multiprocessing would re-import a script's `__main__` in every worker, which runs an
unguarded one again; the TUI and the tests run the poller too). Where there is no fork
server (Windows), there is no pool: the round parses in threads. A pool that breaks (a worker
killed) is given up for the poller's life, and its bodies are parsed in the thread instead;
so is one that cannot start, as under the dashboard, whose Textual app stands in for stderr.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
import types
from dataclasses import fields

from storywatch.store.records import ArticleRecord

# multiprocessing and its executor are imported by `start` (15 ms): a round that starts no
# worker, such as a warm `fetch --once`, never loads them.

POOL_FROM = 8  # fetched bodies in one round before the workers start: a small round never pays their start
RECORD_FIELDS = tuple(field.name for field in fields(ArticleRecord))
_PRELOAD = ["storywatch.feeds.pool", "storywatch.feeds.parse", "storywatch.store.prepared",
            "storywatch.store.entities", "storywatch.store.text.relevance", "storywatch.store.text.dedup"]


def default_workers() -> int:
    """One core is the poller's own (fetching, storing): the others parse, at least one."""
    return max(1, min(4, (os.cpu_count() or 2) - 1))


def available() -> bool:
    """Whether there is a fork server here (Linux, macOS; not Windows)."""
    import multiprocessing

    return "forkserver" in multiprocessing.get_all_start_methods()


class ParsePool:
    """The poller's worker processes, started on first need and kept until `close`."""

    def __init__(self, workers: int | None = None, start_from: int = POOL_FROM) -> None:
        self.workers = workers or default_workers()
        self.start_from = start_from
        self._executor = None  # a ProcessPoolExecutor once started
        self.starting: asyncio.Future | None = None  # the start, once a round has asked for the workers
        self._given_up = False
        self._lock = threading.Lock()  # the start runs in a thread; `close` may come meanwhile
        self.served = 0  # bodies the workers parsed

    @property
    def running(self) -> bool:
        return self._executor is not None and not self._given_up

    @property
    def coming(self) -> bool:
        """Started and not up yet (nor given up): a body parsed in the thread now is one the
        workers would soon take."""
        return self.starting is not None and self._executor is None and not self._given_up

    def wanted(self, bodies: int) -> bool:
        """Whether the pool should serve a round that has fetched `bodies` bodies so far: true
        once it is running; from `start_from` bodies on it is started (in the background)."""
        if self._given_up:
            return False
        if self._executor is None and self.starting is None and bodies >= self.start_from:
            self.starting = _in_own_thread(self.start)
        return self._executor is not None

    def expect(self, bodies: int) -> None:
        """A round that will surely fetch this many bodies (its feeds never fetched, or that send
        no validators) starts the workers before its first body: they start while the round
        waits for the network, not while its first bodies are parsed here."""
        self.wanted(bodies)

    def start(self) -> None:
        """Start the workers now; it blocks for the fork server's start, half a second (an
        interpreter, the parser's imports): the poller calls it in a thread."""
        if self._executor is not None or self._given_up:
            return
        executor = None
        try:
            if sys.stderr is None or sys.stderr.fileno() < 0:
                # The dashboard's (Textual holds the terminal and gives print() a stand-in): the
                # fork server and its resource tracker keep the stderr descriptor open and fail.
                raise OSError("no standard error to hand the worker processes")
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor
            from multiprocessing import forkserver

            context = multiprocessing.get_context("forkserver")  # ValueError where there is none
            context.set_forkserver_preload(_PRELOAD)
            forkserver.ensure_running()  # told `_PRELOAD` alone, it never imports the caller's `__main__`
            executor = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_worker_start)
            warm = []
            with _main_hidden():
                # A submit starts a worker while none is idle: all of them now, so none is ever
                # started later with the caller's `__main__` in sight.
                while len(executor._processes) < self.workers and len(warm) < 100 * self.workers:
                    warm.append(executor.submit(os.getpid))
            if len(executor._processes) < self.workers:
                raise RuntimeError("the workers did not start")
            for future in warm:
                future.result()
        except Exception:  # noqa: BLE001 - no pool is the old way, not a failed poll
            self._given_up = True
        with self._lock:
            if not self._given_up:
                self._executor = executor
                return
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)  # closed while starting, or failed to start

    async def parse(self, body: bytes, url: str, content_type: str) -> tuple | None:
        """`parse_and_prepare` in a worker; None when the pool has failed (parse it here instead)."""
        executor = self._executor
        if executor is None or self._given_up:
            return None
        try:
            done = await asyncio.wrap_future(executor.submit(parse_and_prepare, body, url, content_type))
        except Exception:  # noqa: BLE001 - a broken pool (a worker killed): the thread does the work
            self._given_up = True
            return None
        self.served += 1
        return done

    def worker_pids(self) -> list[int]:
        """The workers' process ids (for measuring them), none before the pool runs."""
        executor = self._executor
        return [process.pid for process in (executor._processes or {}).values()] if executor else []

    def close(self) -> None:
        """End the workers (without waiting for them); a start still under way ends them as it finishes."""
        with self._lock:
            self._given_up = True
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)


def _in_own_thread(function) -> asyncio.Future:
    """`function()` in a thread of its own, as a future of the running loop: in the loop's
    default executor it would queue behind the bodies parsed there meanwhile."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def finished(error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(None)

    def run() -> None:
        error = None
        try:
            function()
        except BaseException as caught:  # noqa: BLE001 - handed to whoever awaits the future
            error = caught
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody awaits it any more
            loop.call_soon_threadsafe(finished, error)

    # Not a daemon: the process waits for a start under way at its exit, as it waited for the
    # loop's executor before, and the start, finding the pool closed, ends the workers it made.
    threading.Thread(target=run, name="storywatch-pool-start").start()
    return future


_hiding = threading.Lock()


@contextlib.contextmanager
def _main_hidden():
    """While workers start, `__main__` is a module with no file and no spec, so multiprocessing
    has no script to re-run in them."""
    with _hiding:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = main


def _worker_start() -> None:
    """A worker leaves Ctrl-C to the poller, which ends the pool: no traceback from each worker.
    Its collector runs as seldom as the poller's (`feeds.collector`): it makes the same garbage."""
    import signal

    from storywatch.feeds.collector import collect_less

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    collect_less()


def parse_and_prepare(body: bytes, url: str, content_type: str) -> tuple:
    """In a worker: ("ok", title, site_url, ttl, records, prepared) or ("error", message), in
    plain tuples (records as `RECORD_FIELDS`, prepared as `store.prepared.pack` gives them).
    The messages are those the poller gives for a body parsed in its own thread."""
    from storywatch.feeds.parse import ParseError, parse_feed
    from storywatch.store.prepared import pack, prepare

    try:
        parsed = parse_feed(body, url=url, content_type=content_type)
    except ParseError as error:
        return ("error", str(error))
    except Exception as error:  # noqa: BLE001 - one feed's surprise must not stop the others
        return ("error", internal_error(error))
    records = [tuple(getattr(item, name) for name in RECORD_FIELDS) for item in parsed.items]
    try:
        prepared = [pack(prepare(item)) for item in parsed.items]
    except Exception:  # noqa: BLE001 - the store computes it then, and fails there as it always did
        prepared = None
    return ("ok", parsed.title, parsed.site_url, parsed.ttl, records, prepared)


def internal_error(error: Exception) -> str:
    """A surprise's one-line message, as the feed's error."""
    return f"internal error: {type(error).__name__}: {' '.join(str(error).split())[:200]}"


def records_of(rows: list[tuple]) -> list[ArticleRecord]:
    return [ArticleRecord(*row) for row in rows]
