"""Issue 10, items 7 and 9: noticing what is new (notifications, the header's count, the coverage
sparkline) and looking right (muted rows in every theme, the saved theme, 80 columns, seeds)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from rich.text import Text
from textual.color import Color
from textual.widgets import DataTable, Footer, OptionList, Sparkline, Static
from textual.widgets._footer import FooterKey
from tui_helpers import OFF_STORY, ON_STORY, STORY_NAME, article, make_story, shown_titles, wait_until

from storywatch.store.coverage import StoryRow
from storywatch.store.db import open_db
from storywatch.store.feeds import add_feed
from storywatch.store.ingest import ingest_items, save_poll
from storywatch.store.records import PollOutcome
from storywatch.store.scoring import pending_rescore
from storywatch.store.story import ensure_story, load_story
from storywatch.store.text.clean import clean_line
from storywatch.store.trends import coverage_trend, new_on_story
from storywatch.tui.app import StorywatchApp
from storywatch.tui.config import Config, load_config, save_config
from storywatch.tui.screens.article import ArticleScreen
from storywatch.tui.screens.feeds import FeedsScreen
from storywatch.tui.widgets.coverage_sparkline import CoverageSparkline
from storywatch.tui.widgets.entity_sidebar import EntitySidebar
from storywatch.tui.widgets.story_feed import StoryFeed, time_label
from storywatch.tui.widgets.story_header import StoryHeader

HOSTILE = "\x1b[2J[b]Strikes[/b] \x1b]52;c;cm0gLXJmIH4=\x07on [link=http://x]Sinaloa[/link] cartels\u200b now"
WIDTHS = [80, 120]
RAIDS = [
    ("Navy drones strike a Sinaloa cartel lab", "US Navy drones struck a Sinaloa cartel drug lab at dawn, the Pentagon said."),
    ("Sheinbaum protests US strikes", "Mexican President Claudia Sheinbaum protested the US military strikes on drug cartels."),
    ("Hegseth: strike teams are ready", "Pete Hegseth told senators US strike teams were ready to hit Mexican cartels again."),
]
SECOND = "Sheinbaum rejected US troops as Trump weighed military strikes on Mexican drug cartels in Sinaloa."


@pytest.fixture
def db_path(tmp_path):
    return make_story(tmp_path)


def store(db_path, records) -> list[int]:
    """Articles written by another connection, as `storywatch fetch --watch` would."""
    db = open_db(db_path)
    try:
        return ingest_items(db, records).new_ids
    finally:
        db.close()


def notices(app) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


# -- item 9: muted rows in every theme ----------------------------------------------------


def rendered_colours(feed: StoryFeed, title: str) -> tuple[Color, Color]:
    """The colour and background the title is drawn in, as the terminal would get them."""
    for y in range(feed.size.height):
        for segment in feed.render_line(y):
            if segment.text.strip() and segment.text.strip() in title and len(segment.text.strip()) > 5:
                style = segment.style
                return Color.from_rich_color(style.color), Color.from_rich_color(style.bgcolor)
    raise AssertionError(f"{title!r} is not drawn")


def contrast(colour: Color, background: Color) -> float:
    return abs(colour.brightness - background.brightness)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_read_and_off_story_rows_are_dimmer_than_unread_ones(db_path, theme):
    ids = store(db_path, [
        article(1, title="Unread: drones over Sinaloa", summary=ON_STORY, hours_ago=3),
        article(2, title="Read: Sheinbaum answers the Pentagon", summary=SECOND, hours_ago=2),
        article(3, title="Off: Apple shares rise on earnings", summary=OFF_STORY, hours_ago=1),
    ])
    db = open_db(db_path)
    db.execute("UPDATE articles SET read_at = '2026-01-01T00:00:00Z' WHERE id = ?", [ids[1]])
    db.conn.commit()
    db.close()
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=(120, 30)) as pilot:
        app.theme = theme
        await pilot.press("a")  # everything: on- and off-story rows together
        await pilot.pause()
        await pilot.pause()
        feed = app.screen.query_one(StoryFeed)
        unread, unread_bg = rendered_colours(feed, "Unread: drones over Sinaloa")
        read, read_bg = rendered_colours(feed, "Read: Sheinbaum answers the Pentagon")
        off, off_bg = rendered_colours(feed, "Off: Apple shares rise on earnings")
        background = unread_bg  # the theme's background, as the focused table tints it
        assert read_bg == off_bg == background and background.brightness > 0.5 if theme.endswith("light") else True
        assert contrast(unread, background) > contrast(read, background) > contrast(off, background) > 0.15
        assert read != Color(255, 255, 255)


async def test_changing_the_theme_recolours_the_rows_already_shown(db_path):
    store(db_path, [article(2, title="Read: Sheinbaum answers the Pentagon", summary=ON_STORY, hours_ago=2)])
    db = open_db(db_path)
    db.execute("UPDATE articles SET read_at = '2026-01-01T00:00:00Z' WHERE kind = 'feed'")
    db.conn.commit()
    db.close()
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        feed = app.screen.query_one(StoryFeed)
        dark, _ = rendered_colours(feed, "Read: Sheinbaum answers the Pentagon")
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        light, background = rendered_colours(feed, "Read: Sheinbaum answers the Pentagon")
        assert light != dark and contrast(light, background) > 0.15


# -- item 9: the theme is kept --------------------------------------------------------------


async def test_the_chosen_theme_is_saved_and_restored_across_runs(db_path, tmp_path, monkeypatch):
    path = tmp_path / "conf" / "storywatch.toml"
    monkeypatch.setenv("STORYWATCH_CONFIG", str(path))
    first = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with first.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not path.exists()  # nothing written until the reader changes something
        first.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
    assert 'theme = "textual-light"' in path.read_text()
    second = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with second.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert second.theme == "textual-light"
        assert not [n for n in second._notifications if n.severity == "warning"]


async def test_a_bad_setting_is_one_line_naming_the_key_and_the_file(db_path, tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text('theme = "\\u001b[2J[b]nope[/b]"\nbell = "loud"\n')
    monkeypatch.setenv("STORYWATCH_CONFIG", str(path))
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        warnings = [n for n in app._notifications if n.severity == "warning"]
        assert len(warnings) == 2 and all(not n.markup for n in warnings)
        theme_line, bell_line = (str(n.message) for n in warnings)
        assert theme_line.startswith(f"{path}: theme = ") and "\x1b" not in theme_line and "\n" not in theme_line
        assert bell_line.startswith(f'{path}: bell = "loud"')
        assert app.theme == "textual-dark" and app.config.bell is False


def test_config_round_trips_and_reports_broken_files(tmp_path):
    path = tmp_path / "a" / "config.toml"
    assert load_config(path) == Config()
    save_config(path, Config(theme='nord"\n[x]', bell=True))
    assert load_config(path) == Config(theme='nord"\n[x]', bell=True)
    path.write_text("theme = ")
    broken = load_config(path)
    assert broken == Config() and len(broken.problems) == 1 and str(path) in broken.problems[0]
    path.write_text('theme = "nord"\ncolour = 3\n')
    assert load_config(path, {"nord"}).problems == (f'{path}: unknown key "colour" ignored',)


# -- item 7: noticing new reports ------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
async def test_a_new_report_is_announced_inert_and_counted_in_the_header(db_path, tmp_path, width, monkeypatch):
    config = tmp_path / "bell.toml"
    config.write_text("bell = true\n")
    monkeypatch.setenv("STORYWATCH_CONFIG", str(config))
    store(db_path, [article(1, summary=ON_STORY, hours_ago=5)])
    app = StorywatchApp(db_path, STORY_NAME, fetch=False, refresh_interval=0.05)
    rung = []
    async with app.run_test(size=(width, 30)) as pilot:
        app.bell = lambda: rung.append(1)  # the only way to see a bell in a headless terminal
        await pilot.pause()
        assert not notices(app)  # neither the seeds nor what was stored before it started
        header = app.screen.query_one(StoryHeader)
        store(db_path, [article(2, title=HOSTILE, summary=SECOND, hours_ago=0.1)])
        assert await wait_until(pilot, lambda: any("New report" in n for n in notices(app)))
        notification = next(n for n in app._notifications if "New report" in str(n.message))
        assert notification.markup is False
        assert str(notification.message) == f"New report: {clean_line(HOSTILE, 100)}"
        assert "\x1b" not in notification.message and "\x07" not in notification.message
        assert "\u200b" not in notification.message
        assert rung == [1]
        assert header.new_reports == 1 and "1 new" in header.render().plain
        # an off-story item and another outlet's copy are not news
        store(db_path, [article(3, title="Apple earnings", summary=OFF_STORY, hours_ago=0.1)])
        await pilot.pause(0.3)
        assert header.new_reports == 1
        store(db_path, [article(10 + n, title=title, summary=summary, hours_ago=0.5 - n / 10)
                        for n, (title, summary) in enumerate(RAIDS)])
        assert await wait_until(pilot, lambda: any("new reports:" in n for n in notices(app)))
        several = next(n for n in notices(app) if "new reports:" in n)
        assert several.startswith("3 new reports: Hegseth: strike teams are ready") and header.new_reports == 4
        assert several.endswith("…")
        await pilot.press("g")  # the newest report: the reader has looked
        await pilot.pause()
        assert header.new_reports == 0 and " new" not in header.render().plain.split("│")[1]


async def test_no_bell_unless_the_settings_ask(db_path):
    app = StorywatchApp(db_path, STORY_NAME, fetch=False, refresh_interval=0.05)
    rung = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.bell = lambda: rung.append(1)
        store(db_path, [article(2, summary=ON_STORY, hours_ago=0.1)])
        assert await wait_until(pilot, lambda: any("New report" in n for n in notices(app)))
        assert rung == []


def test_only_new_on_story_reports_that_head_their_group_are_announced(db_path):
    db = open_db(db_path)
    story_id = db.execute("SELECT id FROM stories").fetchone()[0]
    seeds = [row[0] for row in db.execute("SELECT id FROM articles WHERE kind = 'seed'")]
    on, off = ingest_items(db, [article(1, summary=ON_STORY, hours_ago=2), article(2, title="Apple earnings", summary=OFF_STORY)]).new_ids
    copy = ingest_items(db, [article(3, title=article(1).title, summary=ON_STORY, hours_ago=1, source="B")]).new_ids
    assert db.execute("SELECT group_id FROM coverage WHERE article_id = ?", copy).fetchone()[0] == on
    assert [row[0] for row in new_on_story(db, story_id, [*seeds, on, off, *copy])] == [on]
    db.close()


# -- item 7: the coverage sparkline -----------------------------------------------------------


def at(text: str) -> dict:
    return {"published_at": text}


def test_the_trend_counts_on_story_articles_per_hour_and_per_day(db_path):
    db = open_db(db_path)
    story_id = db.execute("SELECT id FROM stories").fetchone()[0]
    now = datetime(2031, 5, 20, 10, 30, tzinfo=timezone.utc)
    lines = [
        ("2031-05-20T10:05:00Z", ON_STORY), ("2031-05-20T10:25:00Z", ON_STORY + " Second."),
        ("2031-05-20T08:59:59Z", ON_STORY + " Third one."), ("2031-05-18T11:00:00Z", ON_STORY + " Older."),
        ("2031-05-20T09:30:00Z", OFF_STORY), ("2031-04-01T00:00:00Z", ON_STORY + " Too old to show."),
    ]
    ingest_items(db, [article(n, summary=f"{text} Report number {n}.", guid=f"t{n}", **at(when),
                              **({"title": "Apple earnings"} if text == OFF_STORY else {}))
                      for n, (when, text) in enumerate(lines)], seen_at="2031-05-20T10:29:00Z")
    hourly = coverage_trend(db, story_id, "hour", now=now)
    assert len(hourly) == 48 and hourly[-1] == 2 and hourly[-2] == 0 and hourly[-3] == 1
    assert hourly[-48] == 1 and sum(hourly) == 4  # 2031-05-18T11 is the first hour shown
    daily = coverage_trend(db, story_id, "day", now=now)
    assert len(daily) == 30 and daily[-1] == 3 and daily[-3] == 1 and sum(daily) == 4
    sinaloa = db.execute("SELECT id FROM entities WHERE name = 'Sinaloa'").fetchone()[0]
    named = coverage_trend(db, story_id, "hour", entity_id=sinaloa, now=now)
    assert named == hourly  # every on-story line above names Sinaloa
    apple = db.execute("SELECT id FROM entities WHERE name = 'Apple'").fetchone()[0]
    assert sum(coverage_trend(db, story_id, "day", entity_id=apple, now=now)) == 0  # named off the story only
    plan = " ".join(str(row) for row in db.execute(
        "EXPLAIN QUERY PLAN SELECT count(*) FROM articles a INDEXED BY articles_by_sort_at"
        " WHERE a.sort_at >= '2031'").fetchall())
    assert "articles_by_sort_at" in plan
    db.close()


@pytest.mark.parametrize("width", WIDTHS)
async def test_the_sparkline_shows_under_the_header_and_H_switches_hours_and_days(db_path, width):
    store(db_path, [article(1, summary=ON_STORY, hours_ago=1), article(2, summary=ON_STORY + " Again, later.",
                                                                        title="Sheinbaum answers", hours_ago=30)])
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=(width, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        trend = app.screen.query_one(CoverageSparkline)
        caption = trend.query_one("#trend-caption", Static)
        assert trend.by == "hour" and sum(trend.counts) == 2 and len(trend.counts) == 48
        assert "per hour · 48 h · 2" in str(caption.render())
        assert trend.region.y == app.screen.query_one(StoryHeader).region.bottom
        assert trend.query_one(Sparkline).region.width >= 20 and trend.region.width == width
        await pilot.press("H")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert trend.by == "day" and len(trend.counts) == 30 and "per day · 30 days" in str(caption.render())
        await pilot.press("H")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert trend.by == "hour"


async def test_an_entity_filter_shows_that_entitys_trend(db_path):
    store(db_path, [article(1, summary=ON_STORY, hours_ago=1),
                    article(2, title="Hegseth briefs Congress", summary="Pete Hegseth said US strikes on"
                            " Mexican drug cartels were ready.", hours_ago=2)])
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        sidebar = app.screen.query_one(EntitySidebar)
        sinaloa = next(e for e in sidebar.entities.values() if e.name == "Sinaloa")
        sidebar.post_message(EntitySidebar.Chosen(sinaloa.id, sinaloa.name))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        trend = app.screen.query_one(CoverageSparkline)
        assert trend.entity == "Sinaloa" and sum(trend.counts) == 1
        assert str(trend.query_one("#trend-caption", Static).render()).startswith(" Sinaloa per hour")
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert trend.entity is None and sum(trend.counts) == 2


# -- item 9: 80 columns ----------------------------------------------------------------------


async def test_the_entity_sidebar_never_pushes_the_feed_sideways_at_80_columns(db_path):
    store(db_path, [article(n, summary=ON_STORY + f" Item {n} " + "w" * n, source="A very long outlet name indeed",
                            hours_ago=n) for n in range(1, 4)])
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        feed = app.screen.query_one(StoryFeed)
        assert app.screen.query_one(EntitySidebar).display
        assert feed.virtual_size.width <= feed.scrollable_content_region.width and feed.max_scroll_x == 0
        assert feed.columns["title"].width >= 10


async def test_the_footer_keeps_every_key_at_80_columns_with_a_filter_on(db_path):
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        sidebar = app.screen.query_one(EntitySidebar)
        chosen = next(iter(sidebar.entities.values()))
        sidebar.post_message(EntitySidebar.Chosen(chosen.id, chosen.name))
        await pilot.pause()
        await pilot.pause()
        footer = app.screen.query_one(Footer)
        keys = list(footer.query(FooterKey))
        descriptions = [key.description for key in keys]
        assert "Clear" in descriptions and descriptions[-2:] == ["Feeds", "Help"]
        assert all(key.region.right <= 80 for key in keys)
        assert "f Feeds" in app.export_screenshot() or "Feeds" in app.export_screenshot()


async def test_the_feeds_screen_shows_a_long_error_in_full_at_80_columns(db_path):
    error = "TLS handshake failed: certificate verify failed for [b]host[/b] \x1b[2J " + "because " * 12 + "THE END"
    db = open_db(db_path)
    feed = add_feed(db, "http://127.0.0.1:9/broken.xml")
    save_poll(db, feed, PollOutcome(polled_at="2031-01-01T00:00:00Z", ok=False, error=error))
    db.close()
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.press("f")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, FeedsScreen)
        detail = app.screen.query_one("#feeds-error", Static)
        shown = str(detail.render())
        assert detail.display and shown.endswith("THE END") and "[b]host[/b]" in shown and "\x1b" not in shown
        assert detail.region.width <= 80 and detail.region.height > 1  # wrapped, not cut


async def test_the_coverage_list_keeps_one_line_per_copy_at_80_columns(db_path):
    summary = "US drone strikes hit Mexican drug cartels in Sinaloa; Sheinbaum rejects US troops, officials said."
    store(db_path, [article(n, title=HOSTILE + " and a long tail of words" * 3, summary=summary, hours_ago=n,
                            source=f"Outlet {n} with a long name") for n in range(1, 4)])
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        feed = app.screen.query_one(StoryFeed)
        row = next(r for r in feed.shown.values() if r.outlets == 3)
        feed.move_cursor(row=feed.get_row_index(str(row.id)))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ArticleScreen)
        members = app.screen.query_one("#article-members", OptionList)
        width = members.scrollable_content_region.width
        assert members.option_count == 3
        for index in range(members.option_count):
            prompt = members.get_option_at_index(index).prompt
            assert isinstance(prompt, Text) and prompt.cell_len <= width and "\x1b" not in prompt.plain
        assert members.virtual_size.height == 3  # one line each, nothing wrapped


# -- item 9: seeds and a brand-new database -----------------------------------------------------


def test_a_seed_shows_its_story_file_date_or_the_word_seed():
    now = datetime(2031, 5, 20, 12, tzinfo=timezone.utc)
    row = StoryRow(1, "seed", "t", None, None, "2031-05-20T11:00:00Z", None, 1, 1, 1.0, True, [], True)
    assert time_label(row, now) == "seed"  # imported today, but not today's news
    dated = StoryRow(1, "seed", "t", None, None, "2031-03-02T09:00:00Z", None, 1, 1, 1.0, True, [], True,
                     published_at="2031-03-02T09:00:00Z")
    assert time_label(dated, now) == "Mar 2"


@pytest.mark.parametrize("width", WIDTHS)
async def test_seeds_are_listed_as_seeds_and_a_new_database_announces_no_rescore(tmp_path, width):
    (tmp_path / "base").mkdir()
    base = make_story(tmp_path / "base")
    base.unlink()
    story = tmp_path / "base" / "story.toml"
    story.write_text(story.read_text() + '[[facets]]\nname = "Mexico"\nwords = ["Mexico", "Sinaloa", "cartels"]\n')
    db_path = tmp_path / "fresh.db"
    db = open_db(db_path)
    story_id = ensure_story(db, load_story(story))
    assert pending_rescore(db, story_id) == 0
    db.close()
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=(width, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not [n for n in notices(app) if "facets" in n or "Rescored" in n]
        table = app.screen.query_one(StoryFeed)
        times = [cell.plain for cell in table.get_column("time")]
        assert len(shown_titles(app)) == 2 and times == ["seed", "seed"]
        assert isinstance(table, DataTable)
