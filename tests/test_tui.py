"""The dashboard, driven headlessly: seeds at start, rows that arrive on their own, the header's
view of the fetcher, the feeds screen and the in-app fetcher against a feed server on 127.0.0.1."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from feedserver import item, rss
from textual.widgets import Footer
from textual.widgets._footer import FooterKey
from tui_helpers import (
    OFF_STORY,
    ON_STORY,
    STORY_NAME,
    STORY_TITLE,
    article,
    make_story,
    shown_titles,
    wait_until,
)

from storywatch.store.db import open_db
from storywatch.store.feeds import add_feed
from storywatch.store.ingest import ingest_items, save_poll
from storywatch.store.queries import latest_articles
from storywatch.store.records import PollOutcome
from storywatch.store.scoring import pending_rescore
from storywatch.store.story import ensure_story, load_story
from storywatch.store.times import now_iso, to_iso
from storywatch.tui.app import StorywatchApp
from storywatch.tui.screens.feeds import FeedsScreen
from storywatch.tui.widgets.story_feed import StoryFeed, short_time
from storywatch.tui.widgets.story_header import StoryHeader

SIZE = (120, 30)
DISPATCH_1 = "US drone strikes hit cartel labs in Sinaloa overnight, the Pentagon said."
SUMMARIES = {
    1: "US drone strikes hit cartel labs in Sinaloa, the Pentagon said.",
    2: "Sheinbaum rejected US troops as Trump weighed strikes on Mexican drug cartels.",
    3: "Hegseth told Congress the military could strike the cartels within weeks.",
}
DISPATCH_2 = "Mexican troops moved north as Sheinbaum rejected US military strikes on the drug cartels."


@pytest.fixture
def db_path(tmp_path):
    return make_story(tmp_path)


def writer(db_path):
    """A second connection, playing the separate `storywatch fetch --watch` process."""
    return open_db(db_path)


def header_text(app) -> str:
    return app.screen.query_one(StoryHeader).render().plain


# -- pure formatting -----------------------------------------------------------------------


def test_short_time_is_clock_today_and_date_otherwise():
    now = datetime.now().astimezone().replace(hour=15, minute=30)
    today = now.replace(hour=9, minute=5)
    earlier = now - timedelta(days=40)
    assert short_time(to_iso(today), now) == "09:05"
    expected = f"{earlier:%b} {earlier.day}" if earlier.year == now.year else f"{earlier:%b}'{earlier:%y}"
    assert short_time(to_iso(earlier), now) == expected
    last_year = now.replace(year=now.year - 1, month=12, day=30)
    assert short_time(to_iso(last_year), now) == f"Dec'{last_year:%y}"  # which month, not only the year
    assert short_time(None, now) == "" and short_time("garbage", now) == ""


# -- the story feed ------------------------------------------------------------------------


async def test_seeds_show_at_start_newest_first(db_path):
    db = writer(db_path)
    ingest_items(db, [article(n, hours_ago=n * 5) for n in range(1, 6)])
    expected = [row.title for row in latest_articles(db)]
    db.close()

    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = shown_titles(app)
        assert titles == expected
        assert "Pentagon Drafts Plans for Strikes on Cartels" in titles
        sources = [cell.plain for cell in app.screen.query_one(StoryFeed).get_column("source")]
        assert sum(source.startswith("◆") for source in sources) == 2  # the two seeds, marked
        # newest first: the feed items' own order follows their publication times
        feed_titles = [t for t in titles if t.startswith("Update")]
        assert feed_titles == [f"Update {n} on the cartel strikes" for n in range(1, 6)]
        assert STORY_TITLE in header_text(app)
        assert "fetcher off" in header_text(app)


async def test_rows_written_by_another_connection_appear_without_a_key_press(db_path):
    app = StorywatchApp(db_path, STORY_NAME, fetch=False, refresh_interval=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        feed = app.screen.query_one(StoryFeed)
        before = feed.row_count
        feed.move_cursor(row=1)
        await pilot.pause()
        reading = feed.article_at_cursor()

        db = writer(db_path)
        ingest_items(db, [article(1), article(2, hours_ago=0.5)])
        db.close()

        assert await wait_until(pilot, lambda: "Update 1 on the cartel strikes" in shown_titles(app), 3)
        assert feed.row_count == before + 2
        assert shown_titles(app)[0] == "Update 1 on the cartel strikes"  # newest on top
        assert feed.article_at_cursor() == reading  # the reader's place is kept
        assert f"{before + 2} articles" in header_text(app)


async def test_refresh_adds_only_new_rows(db_path):
    db = writer(db_path)
    ingest_items(db, [article(n, hours_ago=n) for n in range(3)])
    app = StorywatchApp(db_path, STORY_NAME, fetch=False, refresh_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        feed = app.screen.query_one(StoryFeed)
        first_rows = dict(feed.rows)
        ingest_items(db, [article(n, hours_ago=n) for n in range(2, 5)])  # 2 is already shown
        await pilot.press("r")
        await pilot.pause()
        assert feed.row_count == len(first_rows) + 2
        for key, row in first_rows.items():
            assert feed.rows[key] is row  # old rows untouched, not rebuilt
    db.close()


async def test_older_articles_load_page_by_page(db_path, monkeypatch):
    import storywatch.tui.screens.story as story_screen

    monkeypatch.setattr(story_screen, "PAGE_SIZE", 20)
    monkeypatch.setattr(story_screen, "PAGE_AHEAD", 5)
    db = writer(db_path)
    ingest_items(db, [article(n, hours_ago=n + 1) for n in range(60)])
    total = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    db.close()
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        feed = app.screen.query_one(StoryFeed)
        assert feed.row_count == 20
        for _ in range(4):
            await pilot.press("G")
            await pilot.pause()
        assert feed.row_count == total
        titles = shown_titles(app)
        assert len(set(titles)) == total  # nothing twice, nothing skipped


# -- the header and the feeds screen -------------------------------------------------------


async def test_header_and_feeds_screen_show_failing_feeds(db_path):
    db = writer(db_path)
    dead = add_feed(db, "http://127.0.0.1:9/dead.xml", "Dead feed")
    gone = add_feed(db, "http://127.0.0.1:9/gone.xml")
    alive = add_feed(db, "http://127.0.0.1:9/alive.xml", "Alive feed")
    now = now_iso()
    save_poll(db, dead, PollOutcome(polled_at=now, ok=False, status=500, error="HTTP 500 Internal Server Error"))
    save_poll(db, gone, PollOutcome(polled_at=now, ok=False, error="cannot connect: refused"))
    save_poll(db, alive, PollOutcome(polled_at=now, ok=True, status=200), [article(1)])
    db.close()

    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "3 feeds" in header_text(app) and "2 failing" in header_text(app)
        await pilot.press("f")
        assert isinstance(app.screen, FeedsScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#feeds-table")
        def cell(feed_id: int, column: str) -> str:
            return table.get_cell(str(feed_id), column).plain

        assert "HTTP 500 Internal Server Error" in cell(dead, "error")
        assert "cannot connect: refused" in cell(gone, "error")
        assert cell(alive, "error") == "" and cell(alive, "items") == "1"
        assert cell(alive, "every") == "-"  # saved with no next poll: no wait to show
        await pilot.press("escape")
        assert not isinstance(app.screen, FeedsScreen)


# -- the in-app fetcher --------------------------------------------------------------------


async def test_in_app_fetcher_shows_items_as_they_are_polled(db_path, feed_server):
    from storywatch.feeds.fetch import FetchSettings

    first = item(1, title="First dispatch from the border", summary=DISPATCH_1)
    second = item(2, title="Second dispatch, troops move", summary=DISPATCH_2)
    feed_server.route("/news.xml", rss([first]))
    db = writer(db_path)
    add_feed(db, feed_server.url("/news.xml"), "Local news")
    db.close()
    settings = FetchSettings(connect_timeout=2, read_timeout=2, total_timeout=3, poll_interval=3600)

    app = StorywatchApp(db_path, STORY_NAME, fetch=True, fetch_settings=settings, refresh_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        # refresh_interval is a minute: only the fetcher's own message can bring the row this fast
        assert await wait_until(pilot, lambda: "First dispatch from the border" in shown_titles(app), 5)
        assert "idle" in header_text(app)

        feed_server.route("/news.xml", rss([first, second]))
        await pilot.press("r")  # the feed is not due for an hour: only "poll now" fetches it
        assert await wait_until(pilot, lambda: "Second dispatch, troops move" in shown_titles(app), 5)
        assert len(feed_server.requests("/news.xml")) == 2

        # A revised headline (same link) replaces the old one in place; no new row.
        rows = app.screen.query_one(StoryFeed).row_count
        feed_server.route(
            "/news.xml",
            rss([{**first, "title": "First dispatch, revised"}, second]),
        )
        await pilot.press("r")
        assert await wait_until(pilot, lambda: "First dispatch, revised" in shown_titles(app), 5)
        assert "First dispatch from the border" not in shown_titles(app)
        assert app.screen.query_one(StoryFeed).row_count == rows
    assert app.fetcher.stopped


async def test_in_app_fetcher_keeps_going_when_a_feed_fails(db_path, feed_server):
    from storywatch.feeds.fetch import FetchSettings

    feed_server.route("/ok.xml", rss([item(3, title="A feed that works", summary=DISPATCH_1)]))
    feed_server.route("/broken.xml", "<html>not a feed</html>", status=500)
    db = writer(db_path)
    add_feed(db, feed_server.url("/broken.xml"), "Broken")
    add_feed(db, feed_server.url("/ok.xml"), "Working")
    db.close()
    settings = FetchSettings(connect_timeout=2, read_timeout=2, total_timeout=3, poll_interval=3600)

    app = StorywatchApp(db_path, STORY_NAME, fetch=True, fetch_settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: "A feed that works" in shown_titles(app), 5)
        assert await wait_until(pilot, lambda: "1 failing" in header_text(app), 3)
        assert app.screen.query_one(StoryHeader).fetcher_state == "idle"


async def test_a_feed_that_moved_for_good_is_announced_once(db_path, feed_server):
    from storywatch.feeds.fetch import FetchSettings

    old = feed_server.route("/desk.xml", redirect_to="/new-desk.xml", status=301)
    new = feed_server.route("/new-desk.xml", rss([item(4, title="Dispatch from the new desk", summary=DISPATCH_1)]))
    db = writer(db_path)
    add_feed(db, old, "Desk")
    db.close()
    settings = FetchSettings(connect_timeout=2, read_timeout=2, total_timeout=3, poll_interval=3600)

    app = StorywatchApp(db_path, STORY_NAME, fetch=True, fetch_settings=settings, refresh_interval=60)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert await wait_until(pilot, lambda: "Dispatch from the new desk" in shown_titles(app), 5)

        def moved() -> list[str]:
            return [str(n.message) for n in app._notifications if str(n.message).startswith("Feed moved")]

        # The report shows once its round is stored; the round's summary, which announces the
        # move, reaches the app just after (on a slow machine, after the first check).
        assert await wait_until(pilot, lambda: moved(), 5)
        assert moved() == [f"Feed moved: {old} → {new} (followed there from now on)"]
        await pilot.press("r")
        assert await wait_until(pilot, lambda: len(feed_server.requests("/new-desk.xml")) == 2, 5)
        await pilot.pause()
        assert len([n for n in app._notifications if str(n.message).startswith("Feed moved")]) == 1


# -- reading one article -------------------------------------------------------------------


async def test_enter_opens_the_article_and_escape_returns_to_the_same_row(db_path):
    from storywatch.tui.screens.article import ArticleScreen

    db = writer(db_path)
    ingest_items(db, [article(n, hours_ago=n, summary=f"Summary: {SUMMARIES[n]}", body=f"Body of update {n}.")
                      for n in range(1, 4)])
    db.close()
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        feed = app.screen.query_one(StoryFeed)
        row = shown_titles(app).index("Update 2 on the cartel strikes")
        feed.move_cursor(row=row)
        await pilot.press("enter")
        assert isinstance(app.screen, ArticleScreen)
        shown = lambda name: app.screen.query_one(f"#article-{name}").visual.plain  # noqa: E731
        assert shown("title") == "Update 2 on the cartel strikes"
        assert shown("summary") == f"Summary: {SUMMARIES[2]}"
        assert shown("body") == "Body of update 2."
        assert shown("url") == "http://127.0.0.1:9/story/2"
        assert "Wire 2" in shown("meta")
        await pilot.press("escape")
        assert not isinstance(app.screen, ArticleScreen)
        assert feed.cursor_row == row
        await pilot.press("enter")
        assert isinstance(app.screen, ArticleScreen)


async def test_a_fetcher_that_cannot_start_shows_why_and_the_app_goes_on(db_path, tmp_path):
    app = StorywatchApp(db_path, STORY_NAME, fetch=True)
    app.fetcher.db_path = tmp_path  # a directory: the fetcher's connection cannot open
    async with app.run_test(size=SIZE) as pilot:
        header = app.screen.query_one(StoryHeader)
        assert await wait_until(pilot, lambda: header.fetcher_state == "stopped", 3)
        assert "cannot open database" in header_text(app)
        assert "Pentagon Drafts Plans for Strikes on Cartels" in shown_titles(app)
        await pilot.press("r")  # refreshing the list still works; there is no fetcher to wake
        assert header.fetcher_state == "stopped" and app.return_code is None


# -- the story: views, coverage groups, teaching, entities ----------------------------------


COPY_TEXT = (
    "The Pentagon said US drone strikes hit drug cartel labs near Culiacan in Sinaloa overnight. Mexican"
    " President Claudia Sheinbaum condemned the strikes and said US troops on Mexican soil are ruled out."
)


def feed_row(app, title: str):
    feed = app.screen.query_one(StoryFeed)
    return next((row for row in feed.shown.values() if row.title == title), None)


def view_label(app) -> str:
    return app.screen.query_one(StoryHeader).view_label.plain


async def test_an_off_story_item_waits_under_everything_while_an_on_story_one_appears(db_path):
    app = StorywatchApp(db_path, STORY_NAME, fetch=False, refresh_interval=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "On the story" in view_label(app)
        db = writer(db_path)
        ingest_items(db, [
            article(1, title="Stock markets rally on tech earnings", summary=OFF_STORY),
            article(2, title="Drones over Sinaloa", summary=ON_STORY),
        ])
        db.close()
        assert await wait_until(pilot, lambda: "Drones over Sinaloa" in shown_titles(app), 3)
        await pilot.pause(0.3)
        assert "Stock markets rally on tech earnings" not in shown_titles(app)
        await pilot.press("a")
        assert "Everything" in view_label(app)
        assert {"Stock markets rally on tech earnings", "Drones over Sinaloa"} <= set(shown_titles(app))
        await pilot.press("a")
        assert "Off the story" in view_label(app)
        assert shown_titles(app) == ["Stock markets rally on tech earnings"]
        assert "1 report " in view_label(app) + " "


async def test_a_second_outlets_copy_joins_its_row_live(db_path):
    db = writer(db_path)
    ingest_items(db, [article(1, title="US strikes hit cartel labs", summary=COPY_TEXT, source="Wire A", hours_ago=1)])
    app = StorywatchApp(db_path, STORY_NAME, fetch=False, refresh_interval=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        feed = app.screen.query_one(StoryFeed)
        row = feed_row(app, "US strikes hit cartel labs")
        assert row is not None and row.outlets == 1
        assert feed.get_cell(str(row.id), "outlets").plain == ""
        rows = feed.row_count
        ingest_items(db, [article(2, title="US strikes hit cartel labs, officials say", summary=COPY_TEXT,
                                  source="Wire B", url="http://127.0.0.1:9/other/2", hours_ago=0.5)])
        assert await wait_until(pilot, lambda: feed.shown[row.id].outlets == 2, 3)
        assert feed.row_count == rows  # the copy joined the row; no second row
        assert "US strikes hit cartel labs, officials say" not in shown_titles(app)
        assert feed.get_cell(str(row.id), "outlets").plain == "2 outlets"
        assert feed.shown[row.id].unread == 2
    db.close()


def row_text(feed: StoryFeed, group_id: int) -> str:
    """A report's line as drawn on screen, cut to its columns' widths (not the cells' whole text)."""
    y = feed.get_row_index(str(group_id)) + 1 - int(feed.scroll_y)  # below the header line
    return feed.render_line(y).text


def copies(first: int, count: int, title: str, summary: str = COPY_TEXT) -> list:
    """`count` outlets' copies of one report (the same text), the first under `title` exactly."""
    return [
        article(n, title=f"{title} ({n})" if n > first else title, summary=summary, source=f"Outlet {n}",
                url=f"http://127.0.0.1:9/copy/{n}", hours_ago=2 - n / 100)
        for n in range(first, first + count)
    ]


async def test_ten_or_more_outlets_read_in_full_on_the_row(db_path):
    """Issue 9.8: the outlets column fitted "9 outlets", so ten copies read "10 outlet"."""
    title = "US strikes hit cartel labs"
    db = writer(db_path)
    ingest_items(db, copies(1, 9, title))
    app = StorywatchApp(db_path, STORY_NAME, fetch=False, refresh_interval=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        feed = app.screen.query_one(StoryFeed)
        row = feed_row(app, title)
        assert " 9 outlets " in row_text(feed, row.id)
        ingest_items(db, copies(10, 3, title))
        assert await wait_until(pilot, lambda: feed.shown[row.id].outlets == 12, 3)
        await pilot.pause()
        assert " 12 outlets " in row_text(feed, row.id), "a count that grows past 9 while watched"
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        feed = app.screen.query_one(StoryFeed)
        assert " 12 outlets " in row_text(feed, row.id), "a count of 10+ when the dashboard opens"
        assert title in row_text(feed, row.id), "the title still shows"
        await pilot.resize_terminal(80, 24)  # narrow: the count alone
        await pilot.pause()
        assert " ×12 " in row_text(feed, row.id)
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert " 12 outlets " in row_text(feed, row.id)
    db.close()


async def test_the_reading_view_says_why_lists_every_outlet_and_marks_the_group_read(db_path):
    from storywatch.tui.screens.article import ArticleScreen

    db = writer(db_path)
    ingest_items(db, [
        article(1, title="US strikes hit cartel labs", summary=COPY_TEXT, source="Wire A", hours_ago=1),
        article(2, title="Cartel labs struck, officials say", summary=COPY_TEXT, source="Wire B",
                url="http://127.0.0.1:9/other/2", hours_ago=0.5),
    ])
    db.close()
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        feed = app.screen.query_one(StoryFeed)
        row = feed_row(app, "US strikes hit cartel labs")
        feed.move_cursor(row=feed.get_row_index(str(row.id)))
        await pilot.press("enter")
        assert isinstance(app.screen, ArticleScreen)
        why = app.screen.query_one("#article-why").visual.plain
        assert "on the story" in why and "why:" in why and "score" in why
        assert any(reason in why for reason in ("cartel", "strike", "sinaloa"))
        members = app.screen.query_one("#article-members")
        lines = [members.get_option_at_index(i).prompt.plain for i in range(members.option_count)]
        assert len(lines) == 2 and "Wire A" in lines[0] and "Wire B" in lines[1]
        assert "2 outlets" in app.screen.query_one("#article-coverage-title").visual.plain
        members.focus()
        members.highlighted = 1
        await pilot.press("enter")  # read the other outlet's copy
        assert app.screen.query_one("#article-title").visual.plain == "Cartel labs struck, officials say"
        assert "Wire B" in app.screen.query_one("#article-meta").visual.plain
        await app.workers.wait_for_complete()
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: feed.shown[row.id].unread == 0, 3)
        assert feed.get_cell(str(row.id), "mark").plain.strip() == ""
    check = writer(db_path)
    assert check.execute("SELECT count(*) FROM articles WHERE read_at IS NOT NULL").fetchone()[0] == 2
    check.close()


async def test_teaching_moves_a_report_between_the_views(db_path):
    db = writer(db_path)
    ingest_items(db, [article(1, title="Stock markets rally on tech earnings", summary=OFF_STORY, hours_ago=1)])
    db.close()
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Stock markets rally on tech earnings" not in shown_titles(app)
        await pilot.press("a")  # everything
        feed = app.screen.query_one(StoryFeed)
        feed.move_cursor(row=shown_titles(app).index("Stock markets rally on tech earnings"))
        await pilot.press("plus")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert feed_row(app, "Stock markets rally on tech earnings").on_story
        await pilot.press("a", "a")  # off, then back to on the story
        assert "On the story" in view_label(app)
        assert "Stock markets rally on tech earnings" in shown_titles(app)

        feed.move_cursor(row=shown_titles(app).index("Stock markets rally on tech earnings"))
        await pilot.press("minus")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Stock markets rally on tech earnings" not in shown_titles(app)
        said = [str(n.message) for n in app._notifications if str(n.message).startswith("Marked off the story")]
        assert said and "Learned against the story: " in said[-1] and "earnings" in said[-1]  # what it learned
        await pilot.press("a", "a")
        assert "Stock markets rally on tech earnings" in shown_titles(app)


async def test_marking_a_report_off_says_how_many_like_it_left_the_story(db_path):
    """Two outlets' reports of one event the story's words fit but the user does not follow:
    one "-" takes both off the story, and the note says the other went too."""
    db = writer(db_path)
    ingest_items(db, [
        article(1, title="US troops on cartel strikes: Pentagon opens marijuana reclassification review",
                summary="Hegseth ordered a review of marijuana reclassification for soldiers in Sinaloa deployments.",
                hours_ago=2),
        article(2, title="Pentagon marijuana reclassification review covers troops near cartel strikes",
                summary="The marijuana reclassification review ordered by Hegseth covers soldiers deployed to Sinaloa.",
                hours_ago=1),
    ])
    db.close()
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = "US troops on cartel strikes: Pentagon opens marijuana reclassification review"
        second = "Pentagon marijuana reclassification review covers troops near cartel strikes"
        assert first in shown_titles(app) and second in shown_titles(app)
        feed = app.screen.query_one(StoryFeed)
        feed.move_cursor(row=shown_titles(app).index(first))
        await pilot.press("minus")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert first not in shown_titles(app) and second not in shown_titles(app)
        said = [str(n.message) for n in app._notifications if str(n.message).startswith("Marked off the story")]
        assert said and "1 other report left the story." in said[-1]
        await pilot.press("a")  # everything: the two reports are here
        feed.move_cursor(row=shown_titles(app).index(first))
        await pilot.press("enter")
        why = app.screen.query_one("#article-why").visual.plain
        assert "off the story  · your mark" in why and "like a report marked off" not in why  # not like itself
        await pilot.press("escape")
        feed.move_cursor(row=shown_titles(app).index(second))
        await pilot.press("enter")
        why = app.screen.query_one("#article-why").visual.plain
        assert "your mark" not in why and "like a report marked off the story (" in why


async def test_the_entity_sidebar_lists_the_seeds_names_and_filters_the_feed(db_path):
    from storywatch.tui.widgets.entity_sidebar import NEW_MARK, EntitySidebar

    db = writer(db_path)
    ingest_items(db, [
        article(1, title="Rubio warns the cartels", summary="Secretary of State Marco Rubio said US strikes on"
                " Mexican drug cartels in Sinaloa could come soon.", hours_ago=1),
        article(2, title="Sheinbaum answers", summary=ON_STORY, hours_ago=2),
    ])
    db.close()
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:  # 120 columns: the sidebar shows at start
        sidebar = app.screen.query_one(EntitySidebar)
        assert sidebar.display
        assert await wait_until(pilot, lambda: bool(sidebar.entities), 3)
        names = {entity.name: entity for entity in sidebar.entities.values()}
        assert {"Claudia Sheinbaum", "Pete Hegseth", "Pentagon"} <= set(names)
        lines = {sidebar.get_option(str(e.id)).prompt.plain: e for e in sidebar.entities.values()}
        rubio = next(line for line in lines if "Marco Rubio" in line)
        assert NEW_MARK in rubio  # no seed names him
        assert NEW_MARK not in next(line for line in lines if "Claudia Sheinbaum" in line)

        sidebar.focus()
        sidebar.highlighted = sidebar.get_option_index(str(names["Marco Rubio"].id))
        await pilot.press("enter")
        assert shown_titles(app) == ["Rubio warns the cartels"]
        assert "naming Marco Rubio" in view_label(app)
        await pilot.press("escape")
        assert "naming" not in view_label(app)
        assert {"Rubio warns the cartels", "Sheinbaum answers"} <= set(shown_titles(app))

        await pilot.press("e")
        assert not sidebar.display
    small = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with small.run_test(size=(80, 24)) as pilot:
        assert not small.screen.query_one(EntitySidebar).display  # too narrow: the feed gets the room
        await pilot.press("e")
        assert small.screen.query_one(EntitySidebar).display


async def test_every_key_of_the_story_screen_fits_the_footer_at_80_columns(db_path):
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(Footer)
        assert footer.compact
        labels = [key.description for key in footer.query(FooterKey)]
        assert labels[-2:] == ["Feeds", "Help"]  # the last keys still drawn: nothing is cut
        screen_text = app.export_screenshot()
        assert "Feeds" in screen_text and "Refresh" in screen_text
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        assert not app.screen.query_one(Footer).compact


async def test_changed_facets_are_rescored_in_the_background_and_the_view_follows(db_path, tmp_path):
    db = writer(db_path)
    ingest_items(db, [article(1, title="US drone strikes hit cartel labs in Colombia", summary=DISPATCH_1.replace(
        "Sinaloa", "Colombia"), hours_ago=1)])
    assert "US drone strikes hit cartel labs in Colombia" in [a.title for a in latest_articles(db, 10)]
    on_before = db.execute("SELECT on_story FROM relevance r JOIN articles a ON a.id = r.article_id"
                           " WHERE a.title LIKE 'US drone strikes hit cartel labs in Colombia'").fetchone()[0]
    story = tmp_path / "story.toml"
    story.write_text(
        story.read_text()
        + '[[facets]]\nname = "Mexico"\nwords = ["Mexico", "Mexican", "Sinaloa"]\n'
        + '[[facets]]\nname = "Mexico\'s answer"\nwords = ["Sheinbaum", "sovereignty", "foreign troops"]\n'
    )
    story_id = ensure_story(db, load_story(story))
    assert pending_rescore(db, story_id) > 0
    db.close()
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert on_before and "US drone strikes hit cartel labs in Colombia" not in shown_titles(app)
        assert pending_rescore(app.screen.db, story_id) == 0
        assert any("Rescored" in str(n.message) for n in app._notifications)


async def test_a_view_shown_again_reflects_what_another_process_changed_meanwhile(db_path):
    """Going back to a view reuses its first page only while nobody has committed since."""
    from storywatch.store.coverage import mark_group_read

    db = writer(db_path)
    ingest_items(db, [article(1, summary=ON_STORY, hours_ago=1)])
    app = StorywatchApp(db_path, STORY_NAME, fetch=False, refresh_interval=60)  # no live redraw
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        feed = app.screen.query_one(StoryFeed)
        top = next(row for row in feed.shown.values() if row.kind == "feed")
        assert top.unread
        await pilot.press("a", "a")  # everything, off the story: the "on" page is kept
        mark_group_read(db, top.id, now_iso())  # another process reads it meanwhile
        await pilot.press("a")  # back on the story
        await pilot.pause()
        assert not feed.shown[top.id].unread
    db.close()


def test_a_year_one_time_shows_as_unknown_west_of_utc(monkeypatch):
    """Stored by an older version (see the property tests): it must not raise OverflowError."""
    import time

    from storywatch.tui.widgets.story_header import poll_time

    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        assert poll_time("0001-01-01T00:00:00Z") == "unknown"
        assert short_time("0001-01-01T00:00:00Z") == ""
    finally:
        monkeypatch.undo()
        time.tzset()


def test_the_reading_view_gives_the_reasons_in_the_report_s_own_words():
    from storywatch.tui.screens.article import why_line

    line = why_line((0.9, True, ["usa", "strike", "cartel"], None), "feed", False,
                    ("U.S. strikes on cartels in Sinaloa", "", ""))
    assert "why: U.S., strikes, cartels" in line.plain
    assert "usa" not in line.plain
