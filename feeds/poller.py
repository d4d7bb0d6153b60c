"""Polling the followed feeds: many at once, each result stored as soon as the store is free.

The network, the parsing and the database never wait on each other: fetches run in the event
loop (so a feed's deadline measures its own network time), `network_concurrency` at a time;
parsing (in worker threads; in a big round, in worker processes with each item's text work,
see feeds/pool.py) and storing take `concurrency` places, so many cheap conditional
requests are in flight while the CPU works on a few bodies; every database call of a round
runs in one store thread, since a sqlite3 connection must never be used by two threads at
once and its writes must be serialised; the results that wait for it are committed together
(`_Saving`). A feed that fails only marks itself as failing
(error, failure count, a later retry); the others go on. Only a database that cannot be
written stops a poll round; the watcher waits out one that is locked.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import sqlite3
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

from storywatch.feeds.collector import collect_less
from storywatch.feeds.fetch import Fetched, FetchError, FetchSettings, fetch_feed, make_client
from storywatch.feeds.pool import ParsePool, internal_error, records_of
from storywatch.feeds.schedule import healthy_delay, next_poll_at, parse_retry_after, poll_delay, publishing_gap
from storywatch.store.db import StoreError, is_transient
from storywatch.store.feeds import Feed, all_feeds, due_feeds, next_poll_time
from storywatch.store.ingest import POLL_BATCH, index_queued_articles, save_poll
from storywatch.store.prepared import unpack
from storywatch.store.records import ArticleRecord, PollOutcome
from storywatch.store.times import from_iso, to_iso, utc_now

if TYPE_CHECKING:
    from storywatch.feeds.fulltext import PageReport


@dataclass
class PollReport:
    """What one poll round did. `ok` counts feeds that sent content, `not_modified` the 304s."""

    polled: int = 0
    ok: int = 0
    not_modified: int = 0
    failed: int = 0
    new_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # feed url -> one-line error
    moved: dict[str, str] = field(default_factory=dict)  # old feed url -> where it is followed now (a 301 or 308)
    items: int = 0  # items the feeds delivered, new or not
    pages: PageReport | None = None  # the page fetches after the round, when full text is on
    store_error: str | None = None  # why some results could not be stored (the watcher tries again)


class PollStoreError(StoreError):
    """A round's results could not all be stored; `report` says what was."""

    def __init__(self, message: str, report: PollReport) -> None:
        super().__init__(message)
        self.report = report


RETRY_CAP = 60.0  # seconds: the longest a watcher waits before trying a locked database again


async def check_feed(
    client: httpx.AsyncClient, feed: Feed, settings: FetchSettings = FetchSettings()
) -> tuple[PollOutcome, list[ArticleRecord]]:
    """Fetch and parse one feed; never raises for anything the feed or the network does."""
    step = await fetch_step(client, feed, settings)
    if isinstance(step, PollOutcome):
        return step, []
    return await parse_step(feed, step, settings)


async def fetch_step(client: httpx.AsyncClient, feed: Feed, settings: FetchSettings) -> Fetched | PollOutcome:
    """The network half of a poll: the fetched body to parse, or the outcome already known (a 304, a failure)."""
    try:
        fetched = await fetch_feed(
            client, feed.url, etag=feed.etag, last_modified=feed.last_modified, settings=settings
        )
    except FetchError as error:
        return _outcome(feed, settings, ok=False, status=error.status, error=str(error), retry_after=error.retry_after)
    except Exception as error:  # noqa: BLE001 - one feed's surprise must not stop the others
        return _outcome(feed, settings, ok=False, error=internal_error(error))
    if fetched.not_modified:
        return _outcome(
            feed, settings, ok=True, status=304, not_modified=True, max_age=fetched.max_age, moved_to=fetched.moved_to
        )
    return fetched


async def parse_step(feed: Feed, fetched: Fetched, settings: FetchSettings) -> tuple[PollOutcome, list[ArticleRecord]]:
    """The CPU half: the fetched body as records, or the outcome of a body that is no feed."""
    # Imported at the first body to parse: a poll answered by 304s alone (a warm `fetch --once`)
    # never loads the parsers and feedparser, about 20 ms of its start-up.
    from storywatch.feeds.parse import ParseError, parse_feed

    try:
        # In a worker thread: a 10 MB feed takes seconds to parse, and the loop has deadlines to keep.
        parsed = await asyncio.to_thread(parse_feed, fetched.body, url=fetched.url, content_type=fetched.content_type)
    except ParseError as error:
        message = str(error)
    except Exception as error:  # noqa: BLE001 - one feed's surprise must not stop the others
        message = internal_error(error)
    else:
        return _parsed_outcome(feed, fetched, settings, parsed.title, parsed.site_url, parsed.ttl, parsed.items), parsed.items
    return _outcome(feed, settings, ok=False, status=fetched.status, error=message), []


async def _parse(
    pool: ParsePool, feed: Feed, fetched: Fetched, settings: FetchSettings, bodies: int, one_here: asyncio.Lock
) -> tuple[PollOutcome, list[ArticleRecord], list | None]:
    """A fetched body parsed in the pool's workers when they are up, else in a thread here.

    While the workers start, the bodies here are parsed one at a time (`one_here`), and a body
    whose turn comes once they are up goes to them: the few parsed here are whole ones (each
    also stored here at once), not a crowd of threads half through their bodies that the GIL
    shares out, still parsing here long after the workers are idle."""
    if not pool.wanted(bodies) and pool.coming:
        async with one_here:
            if not pool.running:
                return (*await parse_step(feed, fetched, settings), None)
    if pool.running:
        done = await _parse_in(pool, feed, fetched, settings)
        if done is not None:
            return done
    return (*await parse_step(feed, fetched, settings), None)


async def _parse_in(
    pool: ParsePool, feed: Feed, fetched: Fetched, settings: FetchSettings
) -> tuple[PollOutcome, list[ArticleRecord], list | None] | None:
    """`parse_step` in the pool's worker process, with each item's text work done there too
    (packed, see `store.prepared.pack`); None when the pool cannot (the thread does it then)."""
    done = await pool.parse(fetched.body, fetched.url, fetched.content_type)
    if done is None:
        return None
    if done[0] == "error":
        return _outcome(feed, settings, ok=False, status=fetched.status, error=done[1]), [], None
    _, title, site_url, ttl, rows, prepared = done
    items = records_of(rows)
    return _parsed_outcome(feed, fetched, settings, title, site_url, ttl, items), items, prepared


def _parsed_outcome(feed: Feed, fetched: Fetched, settings: FetchSettings, title, site_url, ttl, items) -> PollOutcome:
    return _outcome(
        feed,
        settings,
        ok=True,
        status=fetched.status,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        feed_title=title,
        site_url=site_url,
        dates=[item.published_at for item in items],
        ttl=ttl,
        max_age=fetched.max_age,
        moved_to=fetched.moved_to,
    )


def _outcome(
    feed: Feed,
    settings: FetchSettings,
    *,
    ok: bool,
    retry_after: str | None = None,
    dates: list[str | None] | None = None,
    **fields,
) -> PollOutcome:
    """The feed's poll result with its next poll time: a failing feed backs off, a healthy one
    waits its own interval (from how often its items are dated, else as before; see
    `healthy_delay`), as long as its ttl or max-age ask, within the ceiling."""
    now = utc_now()
    if not ok:
        delay = poll_delay(
            ok=ok,
            failures=feed.failure_count + 1,
            poll_interval=settings.poll_interval,
            max_backoff=settings.max_backoff,
            retry_after=parse_retry_after(retry_after, now),
        )
        return PollOutcome(polled_at=to_iso(now), ok=ok, next_poll_at=to_iso(next_poll_at(now, delay)), **fields)
    fields["poll_interval"], delay = healthy_delay(
        gap=publishing_gap(_dates(dates or ()), now) if dates else None,
        previous=feed.poll_interval,
        poll_interval=settings.poll_interval,
        floor=settings.poll_floor,
        ceiling=settings.poll_ceiling,
        ttl=fields.get("ttl") if not fields.get("not_modified") else feed.ttl,
        max_age=fields.get("max_age"),
        seed=f"{feed.url} {to_iso(now)}",
    )
    return PollOutcome(polled_at=to_iso(now), ok=ok, next_poll_at=to_iso(next_poll_at(now, delay)), **fields)


def _dates(values) -> list:
    found = []
    for value in values:
        with contextlib.suppress(TypeError, ValueError):
            found.append(from_iso(value))
    return found


def host_key(url: str) -> str:
    """host:port, the unit of politeness: feeds on one site share its `per_host` places."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{(parts.hostname or '').lower()}:{port or {'https': 443, 'http': 80}.get(parts.scheme.lower(), 0)}"


async def poll_due(
    db: Database,
    *,
    settings: FetchSettings = FetchSettings(),
    force: bool = False,
    client: httpx.AsyncClient | None = None,
    pool: ParsePool | None = None,
) -> PollReport:
    """Poll every feed that is due (every feed when `force`): `settings.network_concurrency`
    requests in flight, `settings.concurrency` fetched feeds parsed and stored at once.

    Each feed's result is written as soon as the store thread is free, in one transaction with
    the others that arrived meanwhile (each in its own savepoint, see `_Saving`), so the
    dashboard sees fast feeds without waiting for slow ones. Raises `PollStoreError` (a
    `StoreError`) only when the database cannot be written, after the other feeds have been
    tried. `db` must not be used elsewhere until this returns: the round uses it from its own
    store thread. `pool` parses a big round's bodies in other processes (`feeds/pool.py`);
    without one, the round makes its own and ends it.
    """
    collect_less()
    store = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storywatch-store")
    own_pool = pool is None
    pool = pool or ParsePool()
    try:
        return await _poll_round(db, store, pool, settings, force, client)
    finally:
        if own_pool:
            pool.close()
        # A cancelled round may leave a write running there; the connection is free only once it ends.
        store.shutdown(wait=True, cancel_futures=True)


async def _poll_round(
    db: Database, store: ThreadPoolExecutor, pool: ParsePool, settings: FetchSettings, force: bool,
    client: httpx.AsyncClient | None,
) -> PollReport:
    loop = asyncio.get_running_loop()

    def in_store(function, *args):
        return loop.run_in_executor(store, functools.partial(function, db, *args))

    feeds = await in_store(all_feeds if force else due_feeds)
    report = PollReport()
    if not feeds:
        return report
    own_client = client is None
    client = client or make_client(settings)
    # Two bounds: conditional requests are cheap round trips, parsing and storing take the CPU.
    network = asyncio.Semaphore(max(1, settings.network_concurrency))
    hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(max(1, settings.per_host)))
    cpu = asyncio.Semaphore(max(1, settings.concurrency))
    store_errors: list[tuple[str, sqlite3.Error]] = []
    bodies = 0
    saving = _Saving(in_store)
    one_here = asyncio.Lock()  # while the workers start, the bodies parsed here: see `_parse`
    pool.expect(sum(1 for feed in feeds if not (feed.etag or feed.last_modified)))

    async def poll(feed: Feed) -> None:
        nonlocal bodies
        parsing = False
        try:
            # The host's place is taken first, so feeds waiting for a busy site hold none of the round's places.
            async with hosts[host_key(feed.url)], network:
                step = await fetch_step(client, feed, settings)
                if isinstance(step, Fetched):
                    # The request's place is held until parsing starts, so at most
                    # `network_concurrency` fetched bodies wait in memory.
                    await cpu.acquire()
                    parsing = True
            # A parsed feed keeps its CPU place until it is stored, as a 304 or a failure needs none.
            outcome, items, prepared = step, [], None
            if parsing:
                bodies += 1
                outcome, items, prepared = await _parse(pool, feed, step, settings, bodies, one_here)

            def taken() -> None:  # the store thread has the poll: its place can go to the next body
                nonlocal parsing
                if parsing:
                    parsing = False
                    cpu.release()

            try:
                result = await saving.save((feed.id, outcome, items, prepared), taken)
            except sqlite3.Error as error:
                store_errors.append((f"cannot store the poll of {feed.url}: {error}", error))
                return
        finally:
            if parsing:
                cpu.release()
        if result is None:
            return  # removed while we were fetching it
        report.polled += 1
        report.items += len(items)
        report.new_ids.extend(result.new_ids)
        report.updated_ids.extend(result.updated_ids)
        if result.moved:
            report.moved[result.moved[0]] = result.moved[1]
        if not outcome.ok:
            report.failed += 1
            report.errors[feed.url] = outcome.error or "unknown error"
        elif outcome.not_modified:
            report.not_modified += 1
        else:
            report.ok += 1

    tasks = [asyncio.ensure_future(poll(feed)) for feed in feeds]
    try:
        await asyncio.gather(*tasks)
        if settings.full_text and not store_errors:
            # After the feeds are stored, so a slow site never delays a feed; bounded per round.
            try:
                from storywatch.feeds.fulltext import page_round  # only with --full-text: not at start-up

                report.pages = await page_round(client, settings, in_store)
            except sqlite3.Error as error:
                store_errors.append((f"cannot store a page's text: {error}", error))
            else:
                report.updated_ids.extend(i for i in report.pages.updated_ids if i not in report.updated_ids)
    finally:
        for task in tasks:
            task.cancel()  # only those still running: a sibling failed or the round was cancelled
        if own_client:
            await client.aclose()
    if store_errors:
        message, error = store_errors[0]
        report.store_error = message
        raise PollStoreError(message, report) from error
    return report


# Polls saved in one transaction, at most: a commit writes every page the transaction touched,
# and a poll's inserts land all over the indexes on random keys (signature bands, hashes,
# entities), so one commit per poll wrote some 10 log pages per item (bench/commits.py).
STORE_BATCH_POLLS = 16
STORE_BATCH_ITEMS = 1_000  # items in one transaction: the write lock is held about half a second at most


class _Saving:
    """Polls on their way to the store thread, saved together when they arrive together.

    Whatever is waiting when the store thread comes free goes in one transaction (up to
    `STORE_BATCH_POLLS` polls and `STORE_BATCH_ITEMS` items), each poll in a savepoint of its
    own (`_store_polls`); a poll that arrives while the store is idle is saved at once, alone.
    A poll's answer comes once its transaction is committed. A poll too big for one batch
    (`save_poll` commits it `POLL_BATCH` items at a time) goes alone. A poll that waits for the
    next batch gives its parsing place back while the waiting items are fewer than a batch
    holds, so the batches fill up without parsed bodies piling up in memory.
    """

    def __init__(self, in_store: Callable) -> None:
        self._in_store = in_store
        self._waiting: deque[tuple[tuple, asyncio.Future, Callable[[], None]]] = deque()
        # The items of the polls waiting, counted as they come and go: summed again at every
        # arrival, a round of a thousand 304s added up hundreds of thousands of zeros.
        self._waiting_items = 0
        self._busy = False

    async def save(self, poll: tuple, taken: Callable[[], None]):
        """Save one poll (`_store_poll`'s arguments); `taken()` is called when the store thread takes it."""
        future = asyncio.get_running_loop().create_future()
        entry = (poll, future, taken)
        self._waiting.append(entry)
        self._waiting_items += len(poll[2])
        if not self._busy:
            self._next()
        elif self._waiting_items <= STORE_BATCH_ITEMS:
            taken()  # waiting for the next batch: its place goes to the next body meanwhile
        try:
            return await future
        except asyncio.CancelledError:
            if entry in self._waiting:  # not taken yet: it is never stored
                self._waiting.remove(entry)
                self._waiting_items -= len(poll[2])
            raise

    def _next(self) -> None:
        batch, items = [], 0
        while self._waiting and len(batch) < STORE_BATCH_POLLS:
            size = len(self._waiting[0][0][2])
            if batch and (items + size > STORE_BATCH_ITEMS or size > POLL_BATCH):
                break
            batch.append(self._waiting.popleft())
            self._waiting_items -= size
            items += size
            if size > POLL_BATCH:
                break
        if not batch:
            return
        self._busy = True
        for _, _, taken in batch:
            taken()
        job = self._in_store(_store_polls, [poll for poll, _, _ in batch])
        job.add_done_callback(functools.partial(self._done, batch))

    def _done(self, batch: list, job: asyncio.Future) -> None:
        self._busy = False
        if job.cancelled():  # the round is ending: the store thread never ran it
            answers = None
        else:
            failed = job.exception()
            answers = [(False, failed)] * len(batch) if failed else job.result()
        for number, (_, future, _) in enumerate(batch):
            if future.done():
                continue  # its poll was cancelled meanwhile
            if answers is None:
                future.cancel()
            elif answers[number][0]:
                future.set_result(answers[number][1])
            else:
                future.set_exception(answers[number][1])
        self._next()


def _store_polls(db: Database, polls: list[tuple]) -> list[tuple[bool, object]]:
    """In the store thread: several polls in one transaction, each in a savepoint, so one poll's
    failure (its rows rolled back, its error returned) leaves the others' rows to commit.
    Returns (True, `_store_poll`'s result) or (False, the error) per poll. A feed's validators
    are written with its items (`save_poll`), so a crash before the commit leaves each of these
    feeds as it was, to be fetched again in full."""
    if len(polls) == 1:
        try:
            return [(True, _store_poll(db, *polls[0]))]
        except Exception as error:  # noqa: BLE001 - the poll's own task raises it
            return [(False, error)]
    answers: list[tuple[bool, object]] = []
    with db.atomic():
        for poll in polls:
            try:
                with db.atomic():  # a savepoint
                    answers.append((True, _store_poll(db, *poll, index_search=False)))
            except Exception as error:  # noqa: BLE001 - the poll's own task raises it
                if not db.conn.in_transaction:
                    raise  # the error ended the whole transaction (a full disk): every poll of it failed
                answers.append((False, error))
        if any(ok and value is not None and value.new_ids for ok, value in answers):
            # The whole batch's new articles at once: FTS5 writes a segment per statement.
            index_queued_articles(db)
    return answers


def _store_poll(
    db: Database, feed_id: int, outcome: PollOutcome, items: list[ArticleRecord], packed: list | None, *,
    index_search: bool = True,
):
    """In the store thread: save one feed's poll, unless the feed was removed meanwhile (None).
    `packed`: the items' text work, done in a worker process; `index_search`: see `save_poll`."""
    if not _still_followed(db, feed_id):
        return None
    try:
        return save_poll(
            db, feed_id, outcome, items, [unpack(p) for p in packed] if packed is not None else None,
            index_search=index_search,
        )
    except NotFoundError:
        return None


def _still_followed(db: Database, feed_id: int) -> bool:
    return db.execute("SELECT 1 FROM feeds WHERE id = ?", [feed_id]).fetchone() is not None


def poll_once(db: Database, *, settings: FetchSettings = FetchSettings()) -> PollReport:
    """Poll every feed now, from synchronous code (`storywatch fetch --once`)."""
    return asyncio.run(poll_due(db, settings=settings, force=True))


async def watch(
    db: Database,
    *,
    stop: threading.Event,
    on_poll: Callable[[PollReport], None] | None = None,
    settings: FetchSettings = FetchSettings(),
    tick: float = 1.0,
) -> None:
    """Poll due feeds until `stop` is set, calling `on_poll` after every round.

    Between rounds it sleeps until the next feed is due, waking every `tick` seconds to notice
    `stop` or feeds added meanwhile; a round in progress is abandoned when `stop` is set (feeds
    already stored stay stored). A database locked by another writer does not end it: the
    round is reported with its `store_error` and tried again after 1, 2, 4 ... up to
    `RETRY_CAP` seconds. Any other database error (a full disk, a corrupt or read-only file) does.
    """
    pool = ParsePool()  # started by the first big round, kept for the rounds after it
    try:
        await _watch(db, stop, on_poll, settings, tick, pool)
    finally:
        pool.close()


async def _watch(
    db: Database, stop: threading.Event, on_poll: Callable[[PollReport], None] | None, settings: FetchSettings,
    tick: float, pool: ParsePool,
) -> None:
    retry = 0.0
    async with make_client(settings) as client:
        while not stop.is_set():
            try:
                report = await _round(db, stop, settings, client, tick, pool)
                retry = 0.0
            except (StoreError, sqlite3.Error) as error:
                if not is_transient(error):
                    raise
                report = getattr(error, "report", None) or PollReport()
                report.store_error = " ".join(str(error).split())[:300]
                retry = min(RETRY_CAP, retry * 2 or 1.0)
            if report is None:
                return  # stopped in the middle of the round
            if on_poll is not None:
                on_poll(report)
            if retry:
                await _pause(stop, retry, tick)
            else:
                await _sleep_until_due(db, stop, tick)


async def _round(
    db: Database, stop: threading.Event, settings: FetchSettings, client: httpx.AsyncClient, tick: float,
    pool: ParsePool,
) -> PollReport | None:
    """One round of `poll_due`, abandoned (None) as soon as `stop` is set."""
    round_ = asyncio.ensure_future(poll_due(db, settings=settings, client=client, pool=pool))
    try:
        while not round_.done():
            await asyncio.wait({round_}, timeout=tick)
            if stop.is_set() and not round_.done():
                round_.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await round_
                return None
    except asyncio.CancelledError:
        round_.cancel()  # the watcher itself was cancelled: its round must not outlive it
        with contextlib.suppress(asyncio.CancelledError):
            await round_
        raise
    return round_.result()


async def _pause(stop: threading.Event, seconds: float, tick: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not stop.is_set() and (left := deadline - loop.time()) > 0:
        await asyncio.sleep(min(tick, left))


async def _sleep_until_due(db: Database, stop: threading.Event, tick: float) -> None:
    # Between rounds no store thread runs, so this thread may read the connection itself.
    while not stop.is_set():
        try:
            due = next_poll_time(db)
        except sqlite3.OperationalError as error:
            if not is_transient(error):
                raise
            await asyncio.sleep(tick)
            continue
        if due == "":  # a feed that was never polled (just added)
            return
        if due is None:  # no feeds yet: wait for one to be added
            await asyncio.sleep(tick)
            continue
        wait = (from_iso(due) - utc_now()).total_seconds()
        if wait <= 0:
            return
        await asyncio.sleep(min(tick, wait))
