"""A cold poll and an all-304 warm poll of N local feeds: storywatch beside newsboat (issue 13).

A separate process serves N feeds x 50 varied news items (built by bench/newsgen.py from the
real news text in bench/data/, so duplicate detection and relevance do real work) from
127.0.0.1, half RSS 2.0 and half Atom, each with an ETag and a Last-Modified, so a second poll
is answered by 304s; `--latency-ms` delays every answer (200 and 304 alike), as a real server
far away would. Each run times, in turns:

  storywatch  cold: `poll_due` into a fresh SQLite file holding the bundled story (fetch,
              parse, the full ingest: entities, dedup, coverage, relevance, novelty);
              warm: `poll_due` again, every feed answering 304.
  newsboat    cold: `newsboat -x reload` with a fresh cache file, a temporary urls file and a
              config whose `reload-threads` is storywatch's default concurrency;
              warm: the same command again, once its cache holds every feed's validators
              (newsboat 2.21 saves them only from its second reload on; the second reload,
              all 200 and nothing new, is printed too).

With `--process`, storywatch is timed as newsboat is, as the command a user runs, from start
to exit: `storywatch --db X fetch --once` on the fresh database (cold), then again (warm), so
its start-up (imports, opening the database, the story check) counts. Its config file (a
temporary one) sets `per_host` to at most 16, the config's most, and the feeds are spread
over enough ports (feed n on port n % ports) for that to allow the requests in flight.

Every feed comes from one 127.0.0.1 port (unless `--process`), which the poller treats as one host and would poll
only `per_host` (2) at a time; the bench sets `per_host` to the concurrency, so it measures
`concurrency` feeds at once as newsboat's threads do, as feeds from many sites are polled.

Prints medians over the runs, the spread (min-max), storywatch CPU per new item and the
storywatch/newsboat ratio. Newsboat is skipped, with a message, where it is not installed:
the bench installs nothing. Asserts nothing about speed.

    python bench/poll.py [--feeds 100] [--runs 3] [--latency-ms 0] [--no-newsboat] [--per-host 8] [--process]
                         [--bytecode-cache DIR]
    python bench/poll.py --profile [--feeds 200] [--profile-only REGEX]   # one cold storywatch poll under cProfile
    python bench/poll.py --serve-only DIR [--feeds 100]   # the feeds, and DIR/bench.db polled once, until Ctrl-C
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import dataclasses
import inspect
import io
import multiprocessing
import os
import pstats
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path

from storywatch.feeds import poller
from storywatch.feeds.fetch import FetchSettings
from storywatch.feeds.poller import poll_due
from storywatch.seeds import BUNDLED_STORY_FILE
from storywatch.store.db import open_db
from storywatch.store.feeds import add_feed, all_feeds, remove_feed
from storywatch.store.story import ensure_story, load_story

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the test feed server (storywatch itself comes installed)
sys.path.insert(0, str(ROOT / "bench"))

import newsgen  # noqa: E402
from feedserver import FeedServer, atom, rss  # noqa: E402

ITEMS = 50  # items per feed, as issue 13 has it
# The bundled story of the storywatch being timed (bench/turns.py puts an older one first on the path).
STORY = BUNDLED_STORY_FILE
LAST_MODIFIED = format_datetime(datetime(2026, 1, 5, 12, 0, tzinfo=timezone.utc), usegmt=True)


# -- the feeds -------------------------------------------------------------------------------


def documents(feeds: int) -> list[str]:
    """N feed documents of ITEMS news items each, every item its own (a few are another outlet's
    light rewrite of a recent report, as wire copy is), newest first as feeds list them."""
    rng, corpus = random.Random(13), newsgen.Corpus()
    now = datetime.now(timezone.utc).replace(microsecond=0)
    total = feeds * ITEMS
    generated = newsgen.news_items(rng, corpus, total, 0, now, total)
    result = []
    for number in range(feeds):
        entries = []
        for _, record in reversed(generated[number * ITEMS:(number + 1) * ITEMS]):
            entries.append({
                "title": record.title,
                "link": record.url,
                "guid": record.guid,
                "summary": record.summary,
                "author": record.author or None,
                "published": datetime.fromisoformat(record.published_at.replace("Z", "+00:00")),
            })
        title = newsgen.outlet_name(number)
        result.append(rss(entries, title=title) if number % 2 == 0 else atom(entries, title=title, feed_id=f"urn:bench:{number}"))
    return result


def serve(feeds: int, latency: float, control, sites: int = 1) -> None:
    """The server process: N feeds on `sites` ports (feed n on port n % sites), then answer the
    bench's questions until told to stop.

    "count" answers (requests, conditional requests answered 304) since the last count."""
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(FeedServer()) for _ in range(sites)]
        for number, document in enumerate(documents(feeds)):
            servers[number % sites].route(f"/feed/{number}.xml", document, etag=f'"{number}-v1"',
                                          last_modified=LAST_MODIFIED, delay=latency)
        control.send([server.port for server in servers])
        seen = [0] * feeds
        while True:
            command = control.recv()
            if command == "stop":
                return
            fresh = []
            for number in range(feeds):
                requests = servers[number % sites].requests(f"/feed/{number}.xml")
                fresh += requests[seen[number]:]
                seen[number] = len(requests)
            matched = sum(1 for headers in fresh if "if-none-match" in headers or "if-modified-since" in headers)
            control.send((len(fresh), matched))


class Server:
    """The feed server process, and a way to ask how many requests it has answered."""

    def __init__(self, feeds: int, latency: float, sites: int = 1) -> None:
        self.feeds = feeds
        self._control, theirs = multiprocessing.Pipe()
        self._process = multiprocessing.Process(target=serve, args=(feeds, latency, theirs, sites), daemon=True)

    def __enter__(self) -> Server:
        self._process.start()
        self.ports = self._control.recv()
        return self

    def __exit__(self, *exc) -> None:
        self._control.send("stop")
        self._process.join(timeout=30)

    def urls(self) -> list[str]:
        ports = self.ports
        return [f"http://127.0.0.1:{ports[number % len(ports)]}/feed/{number}.xml" for number in range(self.feeds)]

    def count(self) -> tuple[int, int]:
        """(requests, conditional requests) since the last call."""
        self._control.send("count")
        return self._control.recv()


# -- storywatch ------------------------------------------------------------------------------


def storywatch_db(folder: Path, urls: list[str]):
    """A fresh database holding the bundled story (its seeds scored) and only the local feeds."""
    db = open_db(folder / "bench.db")
    ensure_story(db, load_story(STORY))
    for feed in all_feeds(db):
        remove_feed(db, str(feed.id))  # the story's own feeds are out on the internet: never polled here
    for url in urls:
        add_feed(db, url)
    if any(not feed.url.startswith("http://127.0.0.1:") for feed in all_feeds(db)):
        raise SystemExit("a feed outside 127.0.0.1 is in the bench database")
    return db


def storywatch_run(server: Server, settings: FetchSettings, pool_from: int | None = None,
                   workers: int | None = None) -> dict[str, float]:
    """Seconds (wall and CPU) for a cold poll and a warm one, and the items stored. CPU is the
    poller's process's, and its worker processes' apart (`workers_cpu`, with the fork server's
    start), read from /proc before the pool ends; `pool_from`/`workers` set the pool's threshold
    and size (a version without the pool, feeds/pool.py, ignores them)."""
    pools = {}
    if "pool" in inspect.signature(poll_due).parameters:  # not in an older storywatch: its rounds parse in threads
        from storywatch.feeds.pool import POOL_FROM, ParsePool

        pools["pool"] = ParsePool(workers, POOL_FROM if pool_from is None else pool_from)
    with tempfile.TemporaryDirectory() as folder:
        db = storywatch_db(Path(folder), server.urls())
        server.count()
        wall, cpu = time.perf_counter(), time.process_time()
        with _collections() as collected:
            cold = asyncio.run(poll_due(db, settings=settings, force=True, **pools))
        cold_wall, cold_cpu = time.perf_counter() - wall, time.process_time() - cpu
        workers_cpu = _workers_cpu(pools["pool"]) if pools else 0.0
        served = pools["pool"].served if pools else 0
        cold_requests = server.count()
        wall = time.perf_counter()
        warm = asyncio.run(poll_due(db, settings=settings, force=True, **pools))
        warm_wall = time.perf_counter() - wall
        warm_requests, conditional = server.count()
        db.close()
        if pools:
            pools["pool"].close()
    if cold.ok != server.feeds or warm.not_modified != server.feeds:
        raise SystemExit(f"storywatch: unexpected poll result: {cold.errors or warm.errors}")
    if cold_requests[0] != server.feeds or conditional != server.feeds:
        raise SystemExit(f"storywatch: {cold_requests} cold, {warm_requests} warm requests, {conditional} conditional")
    return {"cold": cold_wall, "warm": warm_wall, "cpu": cold_cpu, "items": len(cold.new_ids), "workers_cpu": workers_cpu,
            "served": served, "gc": collected["seconds"], "collections": collected["runs"]}


@contextlib.contextmanager
def _collections():
    """The poller process's cyclic garbage collections while the block runs: how many, and
    their wall time (`gc.callbacks`; feeds/collector.py sets how often they run)."""
    import gc

    collected = {"seconds": 0.0, "runs": 0}
    started = []

    def note(phase: str, _info: dict) -> None:
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            collected["seconds"] += time.perf_counter() - started.pop()
            collected["runs"] += 1

    gc.callbacks.append(note)
    try:
        yield collected
    finally:
        gc.callbacks.remove(note)


def _workers_cpu(pool) -> float:
    """CPU seconds of the pool's workers and of the fork server they came from (Linux /proc)."""
    from multiprocessing import forkserver

    pids = pool.worker_pids()
    if pids:
        pids.append(getattr(forkserver._forkserver, "_forkserver_pid", None))
    ticks = 0
    for pid in filter(None, pids):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def process_env(home: Path, concurrency: int, per_host: int, bytecode: Path | None) -> dict[str, str]:
    """The environment of a timed `storywatch` process: its own home, data and config dirs in
    `home`, a config.toml with the bench's bounds, no database or story from the caller's, no
    proxy for 127.0.0.1; with `bytecode`, its modules compiled once and kept there, as an
    installed package's are."""
    config = home / "config.toml"
    config.write_text(f"concurrency = {concurrency}\nper_host = {per_host}\n")
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config.d"),
           "XDG_DATA_HOME": str(home / "data.d"), "STORYWATCH_CONFIG": str(config), "no_proxy": "127.0.0.1"}
    env.pop("STORYWATCH_DB", None)
    env.pop("STORYWATCH_STORY", None)
    if bytecode is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    return env


def storywatch_process_run(server: Server, settings: FetchSettings, sites: int,
                           bytecode: Path | None = None) -> dict[str, float]:
    """Seconds from start to exit of `storywatch --db X fetch --once` on a fresh database (cold)
    and again (warm, all 304), as a user runs it and as newsboat is timed: start-up, opening the
    database and the story check count. The database is made as for `storywatch_run`; the config
    file (its own, in a temporary folder) sets the concurrency and `per_host`, whose most (16)
    times the `sites` ports is the requests in flight."""
    binary = shutil.which("storywatch", path=str(Path(sys.executable).parent)) or shutil.which("storywatch")
    if binary is None:
        raise SystemExit("storywatch is not installed as a command: pip install -e .")
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        storywatch_db(home, server.urls()).close()
        env = process_env(home, settings.concurrency, min(settings.per_host, CONFIG_PER_HOST), bytecode)
        command = [binary, "--db", str(home / "bench.db"), "fetch", "--once"]
        seconds: dict[str, float] = {}
        server.count()
        for poll in ("cold", "warm"):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
            seconds[poll] = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if done.returncode != 0:
                raise SystemExit(f"storywatch fetch failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
            if poll == "cold":
                seconds["cpu"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
                seconds["items"] = int(re.search(r"; (\d+) new", done.stdout).group(1))
            requests, conditional = server.count()
            if requests != server.feeds or (poll == "warm" and conditional != server.feeds):
                raise SystemExit(f"storywatch {poll} fetch: {requests} requests, {conditional} conditional"
                                 f" for {server.feeds} feeds: {done.stdout.strip()} {done.stderr.strip()[-500:]}")
    return seconds


CONFIG_PER_HOST = 16  # the most `per_host` the config file allows


def serve_only(folder: Path, feeds: int, latency: float, settings: FetchSettings, sites: int) -> None:
    """Serve the feeds until Ctrl-C beside a database polled once (so `fetch --once` on it is
    warm) and the config file `--process` writes: a warm process to profile by hand."""
    folder.mkdir(parents=True, exist_ok=True)
    with Server(feeds, latency, sites) as server:
        db = storywatch_db(folder, server.urls())
        asyncio.run(poll_due(db, settings=settings, force=True))
        db.close()
        config = folder / "config.toml"
        config.write_text(f"concurrency = {settings.concurrency}\nper_host = {min(settings.per_host, CONFIG_PER_HOST)}\n")
        print(f"serving {feeds} feeds on {server.ports}; warm: STORYWATCH_CONFIG={config} no_proxy=127.0.0.1"
              f" storywatch --db {folder / 'bench.db'} fetch --once", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


# -- newsboat --------------------------------------------------------------------------------


def newsboat_path() -> str | None:
    return shutil.which("newsboat")


def newsboat_run(server: Server, threads: int, binary: str) -> dict[str, float]:
    """Seconds for `newsboat -x reload` on a fresh cache, again (all 200, nothing new), a third
    time (all 304), and the items cached."""
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        urls, cache, config = home / "urls", home / "cache.db", home / "config"
        urls.write_text("\n".join(server.urls()) + "\n")
        config.write_text(f"reload-threads {threads}\nshow-read-feeds yes\n")
        env = {"HOME": folder, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
               "XDG_CONFIG_HOME": str(home / "config.d"), "XDG_DATA_HOME": str(home / "data.d"),
               "no_proxy": "127.0.0.1"}
        command = [binary, "-u", str(urls), "-c", str(cache), "-C", str(config), "-x", "reload"]
        seconds = {}
        server.count()
        # Newsboat 2.21 writes a feed's ETag and Last-Modified with an UPDATE that runs before the
        # feed's first cache row exists, so its second reload downloads everything again (nothing
        # new in it) and only the third is answered by 304s: that one is its warm poll.
        for poll in ("cold", "again", "warm"):
            started = time.perf_counter()
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
            seconds[poll] = time.perf_counter() - started
            if done.returncode != 0:
                raise SystemExit(f"newsboat failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
            requests, conditional = server.count()
            if requests != server.feeds or (poll == "warm" and conditional != server.feeds):
                raise SystemExit(f"newsboat {poll} poll: {requests} requests, {conditional} conditional"
                                 f" for {server.feeds} feeds")
        import sqlite3

        with sqlite3.connect(cache) as connection:
            seconds["items"] = connection.execute("SELECT count(*) FROM rss_item").fetchone()[0]
        connection.close()
    return seconds


# -- report ----------------------------------------------------------------------------------


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):8.2f} s  ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="All feeds come from one 127.0.0.1 port, which the poller would treat as one host and poll"
        " only per_host (2) at a time: the bench sets per_host to the concurrency, as feeds from many"
        " sites are polled; --per-host 2 times the one-site case.",
    )
    parser.add_argument("--feeds", type=int, default=None, help="feeds served (default 100; 200 with --profile)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each contender, in turns (default 3)")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay before every answer (default 0)")
    parser.add_argument("--no-newsboat", action="store_true", help="time storywatch only")
    parser.add_argument("--concurrency", type=int, default=FetchSettings.concurrency,
                        help="storywatch's feeds parsed and stored at once, and newsboat's reload-threads"
                        f" (default {FetchSettings.concurrency})")
    parser.add_argument("--network-concurrency", type=int, default=FetchSettings.network_concurrency,
                        help=f"storywatch's requests in flight at once (default {FetchSettings.network_concurrency})")
    parser.add_argument("--profile", action="store_true",
                        help="one cold storywatch poll under cProfile: the top 25 by cumulative and total time")
    parser.add_argument("--profile-only", default=None, metavar="REGEX",
                        help="with --profile: list only the functions whose file or name matches REGEX"
                        " (e.g. 'httpcore|httpx|anyio|socket|select')")
    parser.add_argument("--profile-out", type=Path, default=None, metavar="FILE",
                        help="with --profile: also write the added-up profile to FILE (pstats), to read callers")
    parser.add_argument("--per-host", type=int, default=None,
                        help="requests at once to the one local host (default: the requests in flight, --network-concurrency)")
    parser.add_argument("--process", action="store_true",
                        help="time storywatch as `storywatch --db X fetch --once` processes, start to exit, as"
                        " newsboat is (start-up counts); the feeds come from enough ports for the config's"
                        f" per_host (at most {CONFIG_PER_HOST}) to allow the requests in flight")
    parser.add_argument("--bytecode-cache", type=Path, default=None, metavar="DIR",
                        help="with --process: keep the storywatch processes' compiled modules in DIR"
                        " (PYTHONPYCACHEPREFIX), as an installed package has them; under"
                        " PYTHONDONTWRITEBYTECODE an editable checkout compiles its own at every start")
    parser.add_argument("--serve-only", type=Path, default=None, metavar="DIR",
                        help="serve the feeds (on the ports --process uses) and make DIR/bench.db and DIR/config.toml"
                        " as --process does, polled once so the next fetch is warm; print the command to time"
                        " or profile, and keep serving until Ctrl-C")
    parser.add_argument("--sites", type=int, default=None,
                        help="serve the feeds from this many ports, each a site the poller keeps its own"
                        " connections to; per_host is then the requests in flight shared among them (e.g. 32:"
                        " per_host 2, the config's default, as feeds from many sites are polled)")
    parser.add_argument("--pool-from", type=int, default=None,
                        help="bodies in a round before the worker processes start (default feeds/pool.py's"
                        " POOL_FROM; a number above --feeds: no pool, the round parses in threads)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default feeds/pool.py's)")
    args = parser.parse_args()
    feeds = args.feeds or (200 if args.profile else 100)
    settings = FetchSettings(concurrency=args.concurrency, network_concurrency=args.network_concurrency)
    # One port stands for many sites: the politeness limit per host would otherwise cap the requests in flight.
    shared = -(-settings.network_concurrency // args.sites) if args.sites else settings.network_concurrency
    settings = dataclasses.replace(settings, per_host=args.per_host or shared)
    latency = args.latency_ms / 1000
    binary = None if args.no_newsboat else newsboat_path()
    if args.profile:
        with Server(feeds, latency) as server:
            profile(server, settings, args.profile_only, args.profile_out)
        return
    sites = args.sites or (-(-settings.per_host // CONFIG_PER_HOST) if args.process or args.serve_only else 1)
    if args.serve_only:
        serve_only(args.serve_only, feeds, latency, settings, sites)
        return
    if binary is None and not args.no_newsboat:
        print("newsboat is not installed: timing storywatch alone (the bench installs nothing)")
    print(f"{feeds} feeds x {ITEMS} items from 127.0.0.1, latency {args.latency_ms:g} ms per request,"
          f" concurrency {settings.concurrency}, {settings.network_concurrency} requests in flight,"
          f" per host {settings.per_host} (newsboat reload-threads {settings.concurrency}),"
          f" median of {args.runs} runs in turns" + (f", feeds on {sites} ports" if sites > 1 else ""), flush=True)
    if args.process:
        print(f"storywatch timed as `storywatch --db X fetch --once` processes, start to exit; feeds on {sites}"
              f" ports, per_host {min(settings.per_host, CONFIG_PER_HOST)} in its config", flush=True)
    mine: list[dict] = []
    theirs: list[dict] = []
    with Server(feeds, latency, sites) as server:
        for run in range(args.runs):
            if args.process:
                contenders = [("storywatch", lambda: mine.append(
                    storywatch_process_run(server, settings, sites, args.bytecode_cache)))]
            else:
                contenders = [("storywatch", lambda: mine.append(
                    storywatch_run(server, settings, args.pool_from, args.workers)))]
            if binary:
                contenders.append(("newsboat", lambda: theirs.append(newsboat_run(server, settings.concurrency, binary))))
            if run % 2:
                contenders.reverse()  # neither always goes first on the shared cores
            for name, go in contenders:
                go()
                last = (mine if name == "storywatch" else theirs)[-1]
                print(f"  run {run + 1} {name:<10}: cold {last['cold']:.2f} s, warm {last['warm']:.2f} s,"
                      f" {last['items']:,} items"
                      + (f", cold CPU {last['cpu']:.2f} s + workers {last['workers_cpu']:.2f} s"
                         f" ({last['served']} feeds parsed by them; the poller's GC {last['gc']:.2f} s in"
                         f" {last['collections']:,} collections)" if 'served' in last else ""),
                      flush=True)
    cold = [r["cold"] for r in mine]
    warm = [r["warm"] for r in mine]
    items = mine[0]["items"]
    cpu_ms = statistics.median(r["cpu"] / r["items"] * 1000 for r in mine)
    workers_ms = statistics.median(r.get("workers_cpu", 0.0) / r["items"] * 1000 for r in mine)
    print(f"{'':<12}{'cold poll (median, min-max)':<32}{'warm poll, all 304':<32}items")
    print(f"{'storywatch':<12}{spread(cold):<32}{spread(warm):<32}{items:,}"
          f"  ({items / statistics.median(cold):,.0f} items/s; CPU {cpu_ms:.2f} ms per new item"
          + (f" + worker processes {workers_ms:.2f} ms" if workers_ms else "") + ")")
    if theirs:
        their_cold = [r["cold"] for r in theirs]
        their_warm = [r["warm"] for r in theirs]
        print(f"{'newsboat':<12}{spread(their_cold):<32}{spread(their_warm):<32}{theirs[0]['items']:,}"
              f"  ({theirs[0]['items'] / statistics.median(their_cold):,.0f} items/s;"
              f" its second reload, all 200 and nothing new: {statistics.median(r['again'] for r in theirs):.2f} s)")
        print(f"{'ratio':<12}{statistics.median(cold) / statistics.median(their_cold):8.2f} x{'':<22}"
              f"{statistics.median(warm) / statistics.median(their_warm):8.2f} x"
              f"{'':<22}(storywatch / newsboat; goals: cold <= 0.5 at 1,000 feeds, <= 1 at 100; warm <= 0.1)")


# -- profile ---------------------------------------------------------------------------------


_WAITS = {"<method 'poll' of 'select.epoll' objects>", "<method 'get' of '_queue.SimpleQueue' objects>",
          "<method 'acquire' of '_thread.lock' objects>"}


def profile(server: Server, settings: FetchSettings, only: str | None = None, out: Path | None = None) -> None:
    """One cold storywatch poll under cProfile in every thread it uses: the event loop's (fetch),
    asyncio's default executor's (feed parsing) and the store thread (the ingest), their figures
    added up. Times are wall times (a thread-CPU timer costs a system call per event and
    inflated small functions fivefold), so the threads' waits are left out of the lists: the
    event loop's in `select.epoll.poll`, an idle executor's in `SimpleQueue.get`."""
    profiles: list[cProfile.Profile] = []
    lock = threading.Lock()

    def start_profiling() -> None:
        profiler = cProfile.Profile()
        with lock:
            profiles.append(profiler)
        profiler.enable()

    class ProfiledExecutor(ThreadPoolExecutor):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, initializer=start_profiling, **kwargs)

    async def profiled_poll(db):
        asyncio.get_running_loop().set_default_executor(ProfiledExecutor(thread_name_prefix="asyncio"))
        return await poll_due(db, settings=settings, force=True)

    with tempfile.TemporaryDirectory() as folder:
        db = storywatch_db(Path(folder), server.urls())
        original = poller.ThreadPoolExecutor
        poller.ThreadPoolExecutor = ProfiledExecutor
        main = cProfile.Profile()
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            main.enable()
            report = asyncio.run(profiled_poll(db))
            main.disable()
        finally:
            poller.ThreadPoolExecutor = original
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        db.close()
    print(f"cold storywatch poll of {server.feeds} feeds x {ITEMS} items under cProfile: {wall:.1f} s wall,"
          f" {cpu:.1f} s CPU, {len(report.new_ids):,} new items; the event loop's thread and"
          f" {len(profiles)} executor threads (parsing, the store) added up, waits included")
    stats = pstats.Stats(main)
    for profiler in profiles:
        profiler.disable()  # its thread has ended; its profile is complete
        stats.add(profiler)
    waits = {key: entry for key, entry in stats.stats.items() if key[2] in _WAITS}
    for key in waits:
        del stats.stats[key]  # a thread waiting for work or for another thread is not a cost
    if out:
        stats.dump_stats(out)
    print("left out, threads waiting: " + ", ".join(f"{key[2]} {entry[3]:.1f} s" for key, entry in waits.items())
          + " (the callers' cumulative times still hold them)")
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        stats.stream = out
        stats.sort_stats(order).print_stats(*([only] if only else []), 25)
        text = out.getvalue()
        print(f"\n== top 25 by {order}" + (f" matching {only!r}" if only else "") + " ==")
        print(text[text.index("   ncalls"):].rstrip())


if __name__ == "__main__":
    main()
