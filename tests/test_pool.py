"""A big poll round parses and prepares its bodies in worker processes (feeds/pool.py, issue 13):
the same rows as a round parsed in threads, no worker for a small round, the thread again when
the pool breaks, and never the caller's `__main__` run again in a worker."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import table_dump
from feedserver import atom, item, rss

from storywatch.feeds import pool as pool_module
from storywatch.feeds.fetch import FetchSettings
from storywatch.feeds.poller import poll_due
from storywatch.feeds.pool import ParsePool
from storywatch.store.db import open_db
from storywatch.store.feeds import add_feed, all_feeds, remove_feed
from storywatch.store.story import ensure_story, load_story

pytestmark = pytest.mark.skipif(not pool_module.available(), reason="no fork server here: rounds parse in threads")

STORY = Path(__file__).resolve().parents[1] / "seeds" / "story.toml"
# One feed at a time, so two rounds store their feeds in the same order.
ONE_BY_ONE = FetchSettings(concurrency=1, network_concurrency=1, per_host=1, connect_timeout=5, read_timeout=5,
                           total_timeout=20)
TEXTS = [
    "Mexican President Claudia Sheinbaum said her government would not accept any foreign military operation"
    " against the cartels, after reports that Washington was weighing drone strikes in Sinaloa.",
    "The Pentagon drew up plans for strikes on fentanyl labs run by the Sinaloa Cartel and the CJNG, U.S."
    " officials said, as Pete Hegseth met Mexican counterparts.",
    "Hurricane Erick made landfall on the Pacific coast of Oaxaca as a Category 3 storm, the civil protection"
    " agency said; 40 families were moved to shelters in Puerto Escondido.",
]


def serve(feed_server, feeds: int, items: int = 4) -> list[str]:
    urls = []
    for n in range(feeds):
        entries = [item(n * 100 + i, summary=f"<p>{TEXTS[(n + i) % 3]}</p><p>Update {i} from desk {n}.</p>")
                   for i in range(items)]
        if n == 1:
            entries.append(item(n * 100 + 99, link="https://wire.example/copy", guid="wire-copy",
                                summary=TEXTS[0]))  # a near copy of another feed's report
        document = rss(entries, title=f"Desk {n}") if n % 2 == 0 else atom(entries, title=f"Desk {n}")
        urls.append(feed_server.route(f"/desk/{n}.xml", document, etag=f'"{n}"'))
    return urls


def database(path: Path, urls: list[str]):
    db = open_db(path)
    ensure_story(db, load_story(STORY))
    for feed in all_feeds(db):
        remove_feed(db, str(feed.id))  # the story's own feeds are out on the internet
    for url in urls:
        add_feed(db, url)
    return db


def dump(path: Path) -> dict[str, list]:
    """Every table but the feeds' schedule, which is drawn from the clock."""
    return table_dump.dump(path, table_dump.WALL_CLOCK | {"next_poll_at", "poll_interval"})


def poll(db, pool: ParsePool, settings: FetchSettings = ONE_BY_ONE):
    return asyncio.run(poll_due(db, settings=settings, force=True, pool=pool))


@pytest.fixture
def started():
    pool = ParsePool(workers=2, start_from=1)
    pool.start()
    assert pool.running
    yield pool
    pool.close()


def test_a_round_in_the_workers_stores_what_a_round_in_threads_stores(tmp_path, feed_server, started):
    urls = serve(feed_server, 6)
    threads = ParsePool(start_from=10**9)  # never starts
    for name, pool in (("threads", threads), ("workers", started)):
        db = database(tmp_path / f"{name}.db", urls)
        report = poll(db, pool)
        db.close()
        assert report.ok == 6 and len(report.new_ids) == 25
    assert threads.served == 0 and not threads.worker_pids()
    assert started.served == 6
    in_threads, in_workers = dump(tmp_path / "threads.db"), dump(tmp_path / "workers.db")
    assert in_threads["mentions"] and in_threads["relevance"] and in_threads["coverage"]
    assert [table for table in in_threads if in_threads[table] != in_workers[table]] == []


def test_a_body_that_is_no_feed_fails_alike_in_a_worker(tmp_path, feed_server, started):
    urls = [feed_server.route("/page.html", "<html><body>Not a feed</body></html>", content_type="text/html"),
            feed_server.route("/empty.xml", "")]
    errors = []
    for name, pool in (("threads", ParsePool(start_from=10**9)), ("workers", started)):
        db = database(tmp_path / f"{name}.db", urls)
        report = poll(db, pool)
        errors.append(sorted(report.errors.values()))
        db.close()
    assert started.served == 2
    assert len(errors[0]) == 2 and errors[0] == errors[1]


def test_a_small_round_starts_no_worker(tmp_path, feed_server):
    db = database(tmp_path / "small.db", serve(feed_server, 3, items=1))  # the dashboard's usual round
    pool = ParsePool()
    try:
        report = poll(db, pool, FetchSettings(connect_timeout=5, read_timeout=5, total_timeout=20))
        assert report.ok == 3
        assert pool.starting is None and pool.served == 0 and pool.worker_pids() == []
    finally:
        pool.close()
        db.close()


def test_a_big_round_starts_the_workers_in_the_background_and_later_rounds_keep_them(tmp_path, feed_server):
    feeds = pool_module.POOL_FROM + 4
    db = database(tmp_path / "big.db", serve(feed_server, feeds, items=2))
    pool = ParsePool(workers=1)
    try:
        first = poll(db, pool, FetchSettings(connect_timeout=5, read_timeout=5, total_timeout=20))
        # Feeds never fetched: the workers started with the round; those bodies that came before
        # they were up went to the thread. The pool is up once the round is over.
        assert first.ok == feeds and pool.running and pool.served <= feeds
        served = pool.served
        for n in range(feeds):  # every feed has news: the next round's bodies all go to the workers
            feed_server.route(f"/desk/{n}.xml", rss([item(n * 100 + 50)], title=f"Desk {n}"))
        second = poll(db, pool, FetchSettings(connect_timeout=5, read_timeout=5, total_timeout=20))
        assert second.ok == feeds and len(second.new_ids) == feeds
        assert pool.served - served == feeds
    finally:
        pool.close()
        db.close()


def test_a_round_of_feeds_never_fetched_starts_the_workers_before_its_first_body(tmp_path, feed_server):
    """No body comes here at all (every feed is missing), so only the round's start asked for them."""
    urls = [feed_server.url(f"/missing/{n}.xml") for n in range(pool_module.POOL_FROM)]
    db = database(tmp_path / "new.db", urls)
    pool = ParsePool(workers=1)
    try:
        report = poll(db, pool, FetchSettings(connect_timeout=5, read_timeout=5, total_timeout=20))
        assert report.failed == len(urls)
        assert pool.starting is not None and pool.served == 0
    finally:
        pool.close()
        db.close()


def test_a_round_of_feeds_with_validators_starts_no_worker_before_its_bodies(tmp_path, feed_server):
    """Feeds fetched before may answer 304: the round starts the workers only at its `start_from`-th body."""
    urls = serve(feed_server, pool_module.POOL_FROM, items=1)
    db = database(tmp_path / "known.db", urls)
    try:
        poll(db, ParsePool(start_from=10**9))  # every feed fetched once: each has an ETag now
        pool = ParsePool(workers=1)
        try:
            report = poll(db, pool, FetchSettings(connect_timeout=5, read_timeout=5, total_timeout=20))
            assert report.not_modified == len(urls)
            assert pool.starting is None and pool.worker_pids() == []
        finally:
            pool.close()
    finally:
        db.close()


def test_a_killed_worker_leaves_the_round_to_the_thread(tmp_path, feed_server, started):
    db = database(tmp_path / "broken.db", serve(feed_server, 3))
    for pid in started.worker_pids():
        os.kill(pid, signal.SIGKILL)
    try:
        report = poll(db, started)
    finally:
        db.close()
    assert report.ok == 3 and len(report.new_ids) == 13
    assert not started.running and started.served == 0


def test_the_workers_never_run_the_callers_main(tmp_path):
    marker = tmp_path / "ran.txt"
    script = tmp_path / "unguarded.py"
    script.write_text(textwrap.dedent(f"""
        import asyncio
        from storywatch.feeds.pool import ParsePool

        with open({str(marker)!r}, "a") as ran:  # a script's top level, unguarded
            ran.write("ran\\n")

        if __name__ == "__main__":
            pool = ParsePool(workers=2, start_from=1)
            pool.start()
            feed = b"<rss version='2.0'><channel><title>T</title><item><title>A headline</title>"
            feed += b"<link>https://news.example/a</link></item></channel></rss>"
            done = asyncio.run(pool.parse(feed, "http://127.0.0.1:9/f.xml", "application/rss+xml"))
            pool.close()
            print(done[0], pool.served)
    """))
    finished = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                              cwd=tmp_path)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.split() == ["ok", "1"]
    assert marker.read_text() == "ran\n"


def test_under_the_dashboards_stand_in_for_stderr_the_round_parses_in_threads(tmp_path, feed_server, monkeypatch):
    """Textual gives print() a stand-in whose fileno is -1, which multiprocessing cannot hand on."""

    class StandIn:
        def write(self, text: str) -> int:
            return len(text)

        def flush(self) -> None:
            pass

        def fileno(self) -> int:
            return -1

    monkeypatch.setattr(sys, "stderr", StandIn())
    db = database(tmp_path / "dashboard.db", serve(feed_server, 3))
    pool = ParsePool(workers=1, start_from=1)
    try:
        pool.start()
        report = poll(db, pool)
    finally:
        pool.close()
        db.close()
    assert report.ok == 3 and len(report.new_ids) == 13
    assert not pool.running and pool.served == 0


def test_while_the_workers_start_the_bodies_here_are_parsed_one_at_a_time(tmp_path, feed_server, monkeypatch):
    """Not a crowd of GIL-shared threads each half through its body when the workers come up:
    one at a time, and a body whose turn comes once they are up is theirs."""
    import threading
    import time

    from storywatch.feeds import parse as parse_module

    urls = serve(feed_server, pool_module.POOL_FROM + 4)
    db = database(tmp_path / "starting.db", urls)
    go = threading.Event()  # the workers' start waits for it: they are "coming" all through the round
    here, most, lock = [0], [0], threading.Lock()
    real_parse = parse_module.parse_feed

    def parse_here(*args, **kwargs):
        with lock:
            here[0] += 1
            most[0] = max(most[0], here[0])
        try:
            time.sleep(0.02)  # long enough for the other bodies to be fetched and waiting meanwhile
            return real_parse(*args, **kwargs)
        finally:
            with lock:
                here[0] -= 1

    class SlowToStart(ParsePool):
        def start(self) -> None:
            go.wait(30)
            super().start()

    monkeypatch.setattr(parse_module, "parse_feed", parse_here)
    pool = SlowToStart(workers=1)
    try:
        report = poll(db, pool, FetchSettings(connect_timeout=5, read_timeout=5, total_timeout=20))
        assert report.ok == len(urls) and pool.coming
        assert most[0] == 1  # never two bodies parsed here at once
    finally:
        pool.close()
        go.set()  # the start, let go after the close, finds the pool given up and starts nothing
        db.close()
