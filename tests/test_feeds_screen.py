"""Adding and removing feeds in the dashboard's feeds screen, as a user does it with keys."""

from __future__ import annotations

import pytest
from textual.widgets import Label
from textual.widgets._footer import FooterKey
from tui_helpers import STORY_NAME, article, make_story, notes_of, unwritable

from storywatch.store.db import open_db
from storywatch.store.feeds import add_feed, all_feeds
from storywatch.store.ingest import save_poll
from storywatch.store.records import PollOutcome
from storywatch.store.times import now_iso
from storywatch.tui.app import StorywatchApp
from storywatch.tui.screens.feed_add import AddFeedScreen
from storywatch.tui.screens.feed_remove import RemoveFeedScreen
from storywatch.tui.screens.feeds import FeedsScreen
from storywatch.tui.screens.help import HelpScreen

SIZE = (120, 34)


@pytest.fixture
def db_path(tmp_path):
    return make_story(tmp_path)


def feed_urls(db_path) -> list[str]:
    db = open_db(db_path)
    try:
        return [feed.url for feed in all_feeds(db)]
    finally:
        db.close()


def table_keys(app) -> list[str]:
    return [str(key.value) for key in app.screen.query_one("#feeds-table").rows]


async def open_feeds(app, pilot) -> None:
    await pilot.pause()
    await pilot.press("f")
    assert isinstance(app.screen, FeedsScreen)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def settle(app, pilot) -> None:
    """Let the write worker, then the reload it starts, finish."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def test_a_adds_a_feed_checked_as_feeds_add_does(db_path):
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        notes = notes_of(app)
        await open_feeds(app, pilot)
        assert table_keys(app) == []
        await pilot.press("a")
        assert isinstance(app.screen, AddFeedScreen)
        await pilot.press(*"ftp://127.0.0.1/[b]x[/b]", "enter")
        assert isinstance(app.screen, AddFeedScreen)  # stays open, saying why
        error = app.screen.query_one("#add-feed-error", Label)
        assert str(error.render()) == "not an http(s) URL: ftp://127.0.0.1/[b]x[/b]"  # shown as typed: not markup
        await pilot.press("ctrl+u", *"HTTP://127.0.0.1:9/Feed.xml", "enter")
        assert isinstance(app.screen, FeedsScreen)
        await settle(app, pilot)
        assert feed_urls(db_path) == ["http://127.0.0.1:9/Feed.xml"]  # the spelling `feeds add` stores
        assert len(table_keys(app)) == 1
        assert "information: Following http://127.0.0.1:9/Feed.xml" in notes
        assert app.screen.query_one("Vertical").border_title.startswith("Feeds · 1 followed")

        await pilot.press("a", *"http://127.0.0.1:9/Feed.xml", "enter")  # already followed
        await settle(app, pilot)
        assert notes[-1] == "error: already following http://127.0.0.1:9/Feed.xml"
        assert feed_urls(db_path) == ["http://127.0.0.1:9/Feed.xml"]

        await pilot.press("a", *"http://127.0.0.1:9/never", "escape")  # esc adds nothing
        await settle(app, pilot)
        assert isinstance(app.screen, FeedsScreen) and len(feed_urls(db_path)) == 1


async def test_d_removes_the_highlighted_feed_after_a_yes_and_keeps_its_reports(db_path):
    db = open_db(db_path)
    first = add_feed(db, "http://127.0.0.1:9/one.xml", "One")
    second = add_feed(db, "http://127.0.0.1:9/two.xml", "Two [b]bold[/b]")
    save_poll(db, second, PollOutcome(polled_at=now_iso(), ok=True, status=200), [article(1), article(2)])
    articles_before = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    db.close()
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        notes = notes_of(app)
        await open_feeds(app, pilot)
        assert table_keys(app) == [str(first), str(second)]
        await pilot.press("down", "d")
        assert isinstance(app.screen, RemoveFeedScreen)
        assert str(app.screen.query_one("#remove-feed-name", Label).render()) == "Two [b]bold[/b]"
        await pilot.press("n")  # keeps it
        await settle(app, pilot)
        assert isinstance(app.screen, FeedsScreen) and len(feed_urls(db_path)) == 2
        await pilot.press("d", "escape")  # so does esc
        await settle(app, pilot)
        assert isinstance(app.screen, FeedsScreen) and len(feed_urls(db_path)) == 2
        await pilot.press("delete", "y")
        await settle(app, pilot)
        assert feed_urls(db_path) == ["http://127.0.0.1:9/one.xml"]
        assert table_keys(app) == [str(first)]
        assert notes[-1] == "information: Stopped following http://127.0.0.1:9/two.xml; its reports stay"
    db = open_db(db_path)
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == articles_before
    db.close()


async def test_the_keys_are_in_the_footer_and_the_help(db_path):
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_feeds(app, pilot)
        footer = {key.description for key in app.screen.query(FooterKey)}
        assert {"Add feed", "Remove feed", "Back"} <= footer
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        feeds_keys = {entry.description: entry.keys for entry in app.screen.groups[0].entries}
        assert feeds_keys["Add feed"] == ["a"] and feeds_keys["Remove feed"][0] == "d"


async def test_a_read_only_database_refuses_both(db_path):
    db = open_db(db_path)
    add_feed(db, "http://127.0.0.1:9/one.xml", "One")
    db.close()
    with unwritable(db_path):
        app = StorywatchApp(db_path, STORY_NAME, fetch=False)
        async with app.run_test(size=SIZE) as pilot:
            notes = notes_of(app)
            await open_feeds(app, pilot)
            await pilot.press("a")
            await pilot.press("d")
            assert isinstance(app.screen, FeedsScreen)
            assert len(notes) == 2 and all(note.startswith("warning: This database is read-only") for note in notes)
    assert feed_urls(db_path) == ["http://127.0.0.1:9/one.xml"]


async def test_the_hint_names_the_poll_bounds_in_force(db_path):
    """The settings file's floor and ceiling, not the defaults, and the command line's over both."""
    from dataclasses import replace

    from storywatch.feeds.fetch import FetchSettings
    from storywatch.tui.config import Config

    config = replace(Config(), poll_floor=600.0, poll_ceiling=7200.0)
    app = StorywatchApp(db_path, STORY_NAME, fetch=False, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await open_feeds(app, pilot)
        hint = str(app.screen.query_one("#feeds-hint", Label).render())
        assert "10m to 2h as often as the feed publishes" in hint
    flags = FetchSettings(poll_floor=120.0, poll_ceiling=3600.0)
    app = StorywatchApp(db_path, STORY_NAME, fetch=False, fetch_settings=flags, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await open_feeds(app, pilot)
        assert "2m to 1h as often" in str(app.screen.query_one("#feeds-hint", Label).render())


async def test_the_hint_says_an_interval_below_the_floor_is_every_feeds(db_path):
    """As the demo polls: every feed each second, not '5m to 4h'."""
    from storywatch.feeds.fetch import FetchSettings

    app = StorywatchApp(db_path, STORY_NAME, fetch=False, fetch_settings=FetchSettings(poll_interval=1.0))
    async with app.run_test(size=SIZE) as pilot:
        await open_feeds(app, pilot)
        assert "polls, 1s for every feed" in str(app.screen.query_one("#feeds-hint", Label).render())
