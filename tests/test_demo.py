"""`storywatch demo` (issue 14): the script, its server on 127.0.0.1, the engine on it, the app.

The script is played on a clock the test moves: each feed at time t is a function of t, so
a poll after each change sees exactly that step of the story, in a second instead of minutes.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from rich.text import Text
from tui_helpers import shown_titles, wait_until

from storywatch.feeds.fetch import FetchSettings
from storywatch.feeds.parse import parse_feed
from storywatch.feeds.poller import poll_once
from storywatch.store import coverage
from storywatch.store.db import open_db
from storywatch.store.entity_queries import top_entities
from storywatch.store.queries import entities_in_seeds
from storywatch.store.times import to_iso
from storywatch.tui.demo import STORY_FILE
from storywatch.tui.demo.script import feed_document, feed_etag, load_script
from storywatch.tui.demo.server import DemoServer
from storywatch.tui.demo.session import demo_session

SCRIPT = load_script()
SIZE = (120, 34)


class Clock:
    """The script's clock, moved by the test."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def document(slug: str, t: float) -> bytes:
    return feed_document(SCRIPT, slug, t, base_url="http://127.0.0.1:1", published=lambda at: _epoch(at))


def _epoch(at: float):
    from datetime import datetime, timedelta, timezone

    return datetime(2030, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=at)


# -- the script: pure functions of t ------------------------------------------------------------


def test_the_script_shows_every_feature_of_the_engine():
    shows = {item.shows for item in SCRIPT.items}
    assert shows == {"lead", "copy", "development", "noise"}
    assert len({item.outlet for item in SCRIPT.items if item.shows in ("lead", "copy")}) >= 3  # several outlets
    assert any(len(item.versions) > 1 for item in SCRIPT.items)  # an edit after publication
    assert any(item.new_names for item in SCRIPT.items)
    assert 120 <= SCRIPT.length <= 180 and max(SCRIPT.change_times()) <= SCRIPT.length
    assert {o.title for o in SCRIPT.outlets} == {"Harbour Wire", "Northern Ledger", "Valley Courier", "Selwyn Evening Post"}


def test_a_feed_at_t_is_the_same_document_until_the_next_change():
    for outlet in SCRIPT.outlets:
        times = sorted({v.at for i in SCRIPT.items_of(outlet.slug) for v in i.versions})
        for before, after in zip(times, times[1:] + [SCRIPT.length + 10]):
            middle = (before + after) / 2
            assert document(outlet.slug, before) == document(outlet.slug, middle)
            assert feed_etag(SCRIPT, outlet.slug, before) == feed_etag(SCRIPT, outlet.slug, middle)
        for at in times:
            assert document(outlet.slug, at - 0.5) != document(outlet.slug, at)
            assert feed_etag(SCRIPT, outlet.slug, at - 0.5) != feed_etag(SCRIPT, outlet.slug, at)


def test_an_item_appears_at_its_time_and_shows_its_latest_version():
    lead = next(item for item in SCRIPT.items if item.shows == "lead")
    edit = lead.versions[1]
    before = parse_feed(document(lead.outlet, edit.at - 1), url="http://127.0.0.1:1/x.xml")
    after = parse_feed(document(lead.outlet, edit.at), url="http://127.0.0.1:1/x.xml")
    titles_before = [item.title for item in before.items]
    assert lead.versions[0].title in titles_before and edit.title not in titles_before
    assert edit.title in [item.title for item in after.items]
    later = next(item for item in SCRIPT.items if item.first_at > 60)
    assert later.versions[0].title not in [i.title for i in parse_feed(document(later.outlet, later.first_at - 1), url="http://127.0.0.1:1/x.xml").items]


# -- the server: conditional GETs -----------------------------------------------------------------


def test_the_server_answers_304_between_changes_and_200_after_one():
    clock = Clock()
    lead = next(item for item in SCRIPT.items if item.shows == "lead")
    with DemoServer(SCRIPT, clock=clock) as server, httpx.Client() as client:
        url = server.feed_url(lead.outlet)
        assert url.startswith("http://127.0.0.1:")
        first = client.get(url)
        assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"]
        clock.t = lead.versions[1].at - 1
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.content == b""
        by_date = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert by_date.status_code == 304
        clock.t = lead.versions[1].at
        changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert changed.status_code == 200 and lead.versions[1].title.encode() in changed.content
        page = client.get(f"{server.base_url}/{lead.outlet}/{lead.id}")
        assert page.status_code == 200 and b"made-up outlet" in page.content
        assert client.get(f"{server.base_url}/no-such-outlet.xml").status_code == 404


def test_the_default_clock_runs_at_the_given_speed():
    with DemoServer(SCRIPT, speed=1000.0) as server:
        deadline = time.monotonic() + 30
        while server.now() < SCRIPT.length and time.monotonic() < deadline:
            time.sleep(0.01)
        assert server.now() >= SCRIPT.length  # the whole script played, in a fraction of a second
        assert server.published(SCRIPT.length) > server.published(0)


# -- the engine on the whole script ---------------------------------------------------------------


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    """The whole script polled step by step by the real poller into the demo's real database:
    (database, {item id: article id}, poll reports). Read-only for the tests that share it."""
    clock = Clock()
    with demo_session(clock=clock) as session:
        db = open_db(session.db_path)
        reports = []
        for t in SCRIPT.change_times() + [SCRIPT.length + 1]:
            clock.t = t
            reports.append(poll_once(db, settings=FetchSettings(poll_interval=5)))
        ids = {
            guid.rsplit(":", 1)[1]: article_id
            for article_id, guid in db.execute("SELECT id, guid FROM articles WHERE kind = 'feed'")
        }
        yield db, ids, reports, session
        db.close()


def verdict(db, article_id) -> int:
    return db.execute("SELECT on_story FROM relevance WHERE article_id = ?", [article_id]).fetchone()[0]


def test_every_item_of_the_script_is_stored_once(played):
    db, ids, reports, _ = played
    assert set(ids) == {item.id for item in SCRIPT.items}
    assert all(report.failed == 0 and report.polled == len(SCRIPT.outlets) for report in reports)
    assert reports[-1].not_modified == len(SCRIPT.outlets)  # after the last change: every feed a 304
    assert sum(report.not_modified for report in reports) > len(SCRIPT.outlets)


def test_the_copies_of_an_event_are_one_coverage_group(played):
    db, ids, _, _ = played
    copies = [item for item in SCRIPT.items if item.shows == "copy"]
    assert copies
    for item in copies:
        original = ids[item.copy_of]
        assert coverage.group_of(db, ids[item.id]) == coverage.group_of(db, original), item.id
    lead = next(item for item in SCRIPT.items if item.shows == "lead")
    lead_copies = [item for item in copies if item.copy_of == lead.id]
    assert coverage.group_size(db, ids[lead.id]) == 1 + len(lead_copies) >= 3
    # the story feed shows the lead once, with its outlets counted
    rows = {row.id: row for row in coverage.story_feed(db, 1, show="on", limit=100)}
    assert rows[ids[lead.id]].outlets == 1 + len(lead_copies)
    assert not any(ids[item.id] in rows for item in lead_copies)
    # and no unrelated report was swept into a group
    others = [item for item in SCRIPT.items if item.shows in ("development", "noise")]
    groups = [coverage.group_of(db, ids[item.id]) for item in others]
    assert len(set(groups)) == len(groups)


def test_the_edited_headline_is_an_update_with_the_change(played):
    db, ids, _, _ = played
    edited = [item for item in SCRIPT.items if len(item.versions) > 1]
    assert edited
    for item in edited:
        title, count = db.execute("SELECT title, revision_count FROM articles WHERE id = ?", [ids[item.id]]).fetchone()
        assert title == item.versions[-1].title and count == len(item.versions)
        last = db.execute(
            "SELECT kind, title, changes FROM revisions WHERE article_id = ? ORDER BY revision DESC LIMIT 1",
            [ids[item.id]],
        ).fetchone()
        assert last[0] == "edit" and last[1] == item.versions[-1].title
        assert "headline changed" in last[2]


def test_new_names_are_on_the_story_and_new(played):
    db, ids, _, _ = played
    seeded = entities_in_seeds(db, 1)
    on_story = {e.name: e for kind in top_entities(db, 50).values() for e in kind}
    expected = [name for item in SCRIPT.items for name in item.new_names]
    assert expected
    for name in expected:
        assert name in on_story, name
        assert on_story[name].id not in seeded, name  # marked ✦ in the sidebar
    assert on_story["Port Merrow"].id in seeded  # the seeds' own names are not new


def test_developments_mark_the_new_sentences(played):
    db, ids, _, _ = played
    found = dict(db.execute("SELECT article_id, count(*) FROM developments GROUP BY article_id").fetchall())
    for item in SCRIPT.items:
        if item.shows == "development":
            assert found.get(ids[item.id], 0) >= 1, item.id
        if item.shows == "copy" and item.copy_of != "aground":
            assert found.get(ids[item.id], 0) == 0, item.id  # a word-for-word copy says nothing new
    sentences = [row[0] for row in db.execute("SELECT sentence FROM developments")]
    assert any("Ilsa Brennick" in sentence for sentence in sentences)


def test_noise_stays_off_the_story_and_the_story_on_it(played):
    db, ids, _, _ = played
    for item in SCRIPT.items:
        assert verdict(db, ids[item.id]) == (0 if item.shows == "noise" else 1), item.id
    on_ids = {row.id for row in coverage.story_feed(db, 1, show="on", limit=100)}
    assert not on_ids & {ids[item.id] for item in SCRIPT.items if item.shows == "noise"}


def test_the_session_leaves_nothing_behind(played):
    *_, session = played
    assert session.db_path.exists()  # while it runs
    clock = Clock()
    with demo_session(clock=clock) as other:
        folder = other.folder
        assert other.db_path.exists() and other.db_path.parent == folder
        assert other.story.feeds and all(f.url.startswith("http://127.0.0.1:") for f in other.story.feeds)
        db = open_db(other.db_path)
        seeds_at = db.execute("SELECT max(sort_at) FROM articles WHERE kind = 'seed'").fetchone()[0]
        db.close()
        assert to_iso(other.server.published(0)) >= seeds_at  # the script begins after its seeds
    assert not folder.exists()


def test_the_demo_story_ships_beside_its_seeds():
    from storywatch.store.story import load_story

    story = load_story(STORY_FILE)
    assert story.name == "merrow-tanker" and len(story.seeds) in (2, 3) and story.facets
    assert not story.feeds  # the server's port is known only when it runs


# -- the dashboard on the demo ---------------------------------------------------------------------


def _column(app, key: str) -> list[str]:
    table = app.screen.query_one("#story-feed")
    return [cell.plain if isinstance(cell, Text) else str(cell) for cell in table.get_column(key)]


async def test_the_dashboard_fills_as_the_script_plays_and_q_leaves_nothing(tmp_path, monkeypatch):
    from storywatch.tui.demo.app import DemoApp

    # The user's own database and settings, which the demo must not touch.
    user_db = tmp_path / "mine.db"
    user_db.write_bytes(b"not even a database")
    monkeypatch.setenv("STORYWATCH_DB", str(user_db))
    settings = Path(os.environ["STORYWATCH_CONFIG"])
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text('theme = "textual-dark"\n')
    before = (user_db.read_bytes(), user_db.stat().st_mtime_ns, settings.read_bytes())

    lead = next(item for item in SCRIPT.items if item.shows == "lead")
    last = max((item for item in SCRIPT.items if item.shows == "development"), key=lambda item: item.first_at)
    noise = [item.versions[-1].title for item in SCRIPT.items if item.shows == "noise"]
    clock = Clock()
    with demo_session(clock=clock) as session:
        app = DemoApp(session, poll_interval=3600, refresh_interval=0.1)
        async with app.run_test(size=SIZE) as pilot:
            assert await wait_until(pilot, lambda: lead.versions[0].title in shown_titles(app), 15)
            assert last.versions[0].title not in shown_titles(app)
            assert shown_titles(app)[0] == lead.versions[0].title  # newer than the seeds, so on top
            lead_copies = [item for item in SCRIPT.items if item.copy_of == lead.id]
            clock.t = max(item.first_at for item in lead_copies)  # the copies are out, the edit is not
            await pilot.press("r")  # poll every feed now
            outlets = f"{1 + len(lead_copies)} outlets"
            assert await wait_until(pilot, lambda: outlets in _column(app, "outlets"), 15)
            assert _column(app, "title")[_column(app, "outlets").index(outlets)] == lead.versions[0].title
            clock.t = SCRIPT.length
            await pilot.press("r")
            # A round stores each feed as it comes in: wait for every development and the lead's edit,
            # whichever feed lands last (the last development's feed is not always the last stored).
            developments = [item.versions[-1].title for item in SCRIPT.items if item.shows == "development"]

            def played_out() -> bool:
                titles = shown_titles(app)
                return all(title in titles for title in developments) and lead.versions[-1].title in titles

            assert await wait_until(pilot, played_out, 15)
            titles = shown_titles(app)
            assert titles.count(lead.versions[-1].title) == 1 and lead.versions[0].title not in titles  # edited
            assert _column(app, "outlets")[titles.index(lead.versions[-1].title)] == outlets
            assert not set(noise) & set(titles)
            app.theme = "nord"  # a setting saved in the demo lands in its own folder
            await pilot.pause()
            assert (session.folder / "config.toml").exists()
            await pilot.press("q")
            await pilot.pause()
        assert app.return_code == 0
        folder = session.folder
    assert not folder.exists()
    assert (user_db.read_bytes(), user_db.stat().st_mtime_ns, settings.read_bytes()) == before


# -- the command, in a real terminal ---------------------------------------------------------------


@pytest.mark.parametrize("quit_by", ["q", "SIGTERM", "SIGHUP"])
def test_storywatch_demo_runs_in_a_terminal_and_quits_clean(tmp_path, quit_by):
    """`storywatch --db FILE demo` in a pseudo-terminal: the dashboard draws the demo story; q, a
    kill or a closed terminal quits with status 0, its temporary folder is gone and FILE was
    never created."""
    import pty
    import signal

    user_db = tmp_path / "mine.db"
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYWATCH_")}
    env.update(TMPDIR=str(temporary), TERM="xterm-256color", COLUMNS="120", LINES="34",
               STORYWATCH_CONFIG=str(tmp_path / "settings.toml"))
    main, child = pty.openpty()
    os.set_blocking(main, False)
    process = subprocess.Popen(
        [sys.executable, "-m", "storywatch.tui.cli", "--db", str(user_db), "demo"],
        stdin=child, stdout=child, stderr=child, env=env, close_fds=True,
    )
    os.close(child)
    seen = b""

    def read_until(fragment: bytes, timeout: float) -> bool:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while fragment not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([main], [], [], 0.2)
            if ready:
                try:
                    seen += os.read(main, 65536)
                except OSError:
                    break
        return fragment in seen

    try:
        assert read_until(b"Port Merrow", 60), seen[-2000:]
        assert [p.name for p in temporary.iterdir()][0].startswith("storywatch-demo-")
        if quit_by == "q":
            os.write(main, b"q")
        else:
            process.send_signal(getattr(signal, quit_by))
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            read_until(b"\x00never", 0.5)  # keep reading: an app whose terminal is full cannot quit
        assert process.wait(timeout=5) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(main)
    assert list(temporary.iterdir()) == []
    assert not user_db.exists()


def test_demo_screenshot_saves_the_dashboard_once_the_script_has_played(tmp_path):
    """`demo --screenshot` (the README's picture) plays the whole script off screen, then saves
    an SVG of the dashboard showing the story's reports and new names, and leaves nothing else."""
    shot = tmp_path / "shot.svg"
    env = dict(os.environ, STORYWATCH_CONFIG=str(tmp_path / "none.toml"), TMPDIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "storywatch.tui.cli", "--db", str(tmp_path / "mine.db"), "demo", "--speed", "20",
         "--screenshot", str(shot)],
        capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    svg = shot.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "Port&#160;Merrow" in svg
    assert "outlets" in svg and "✦" in svg  # a coverage group and a name new since the seeds
    assert not (tmp_path / "mine.db").exists()
    assert not list(tmp_path.glob("storywatch-demo-*"))


@pytest.mark.parametrize(("seconds", "said"), [(20, "about a minute"), (75, "about a minute"), (95, "about 2 minutes"),
                                               (600, "about 10 minutes")])
def test_the_welcome_says_how_long_the_story_runs_in_plain_words(seconds, said):
    from storywatch.tui.demo.app import duration

    assert duration(seconds) == said
