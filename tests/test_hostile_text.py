"""Headlines from strangers stay inert: markup, escapes, invisible marks and endless strings are
shown literally (controls removed) and can neither crash nor restyle the dashboard."""

from __future__ import annotations

import pytest
from rich.text import Text
from tui_helpers import STORY_NAME, article, make_story, shown_titles, wait_until

from storywatch.store.coverage import StoryRow
from storywatch.store.db import open_db
from storywatch.store.feeds import add_feed
from storywatch.store.ingest import ingest_items, save_poll
from storywatch.store.records import PollOutcome
from storywatch.store.text.clean import clean_line
from storywatch.store.times import now_iso
from storywatch.tui.app import StorywatchApp
from storywatch.tui.screens.article import REASON_CHARS
from storywatch.tui.screens.feeds import FeedsScreen
from storywatch.tui.widgets.story_feed import TITLE_MAX, StoryFeed
from storywatch.tui.widgets.story_header import StoryHeader

MARKUP = "[bold]Bold?[/bold] [/] [link=https://x]link[/link] [@click=app.quit]quit[/]"
HOSTILE = [
    MARKUP,
    "[red]unclosed [/] and [b][i]nested",
    "\x1b[31mred\x1b[0m \x1b]8;;https://x\x07osc link\x1b]8;;\x07 \x1b[2J clear",
    "zero\u200bwidth\u200d\ufeffmarks \u202eevil\u202c ok",
    "bell\x07 backspace\x08 nul\x00 tab\there",
    "L" * 10_000,
]
SIZE = (140, 30)


def row(article_id: int, title: str, source: str = "[bold]Wire[/]") -> StoryRow:
    """A report straight to the widget, skipping the store's cleaning: the UI defends itself."""
    return StoryRow(article_id, "feed", title, source, None, "2026-01-01T00:00:00Z", None, 3, 1, 0.9, True,
                    ["[red]reason[/]"], False)


def styles_of_title(feed: StoryFeed, row_index: int) -> set:
    """How the title cell of one (not highlighted) row is drawn: colours, attributes, links."""
    title_x = sum(column.get_render_width(feed) for column in feed.ordered_columns[:-1])
    strip = feed.render_line(row_index + 1 - int(feed.scroll_y))  # +1: the header line
    return {
        (style.color, style.bgcolor, style.bold, style.italic, style.underline, style.reverse, style.link,
         tuple(sorted(key for key in style.meta if key not in ("row", "column"))))
        for segment in strip.crop(title_x + 1, title_x + 18)  # within the shortest title
        if (style := segment.style) is not None
    }


@pytest.fixture
def db_path(tmp_path):
    return make_story(tmp_path, title="[bold red]Story[/] \x1b[5mtitle[/link]")


async def test_hostile_titles_render_literally_from_the_store(db_path):
    db = open_db(db_path)
    ingest_items(
        db,
        [article(n, title=title, source=f"[i]Source {n}[/i]", hours_ago=n) for n, title in enumerate(HOSTILE)]
        + [article(99, title="An ordinary headline", hours_ago=50)],
    )
    feed_id = add_feed(db, "http://127.0.0.1:9/x.xml", "[link=https://x]Feed[/link]")
    save_poll(db, feed_id, PollOutcome(polled_at=now_iso(), ok=False, error="[@click=app.quit]boom[/] \x1b[31m"))
    db.close()

    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")  # everything: most of these headlines are about nothing
        await pilot.press("e")  # no sidebar: the whole width for the headlines
        await pilot.pause()
        titles = shown_titles(app)
        for title in HOSTILE:
            assert clean_line(clean_line(title), TITLE_MAX) in titles
        assert MARKUP in titles
        assert not any(ch in "".join(titles) for ch in "\x1b\x07\x00\u200b\u202e")
        feed = app.screen.query_one(StoryFeed)
        assert all(isinstance(cell, Text) and not cell.spans for cell in feed.get_column("title"))
        assert "[i]Source 0[/i]" in [cell.plain for cell in feed.get_column("source")]

        header = app.screen.query_one(StoryHeader).render().plain
        assert "[bold red]Story[/] title[/link]" in header and "\x1b" not in header

        # Drawn on screen exactly as written, and styled like any other headline.
        screenshot = app.export_screenshot()
        assert "[@click=app.quit]quit[/]".replace(" ", "&#160;") in screenshot.replace(" ", "&#160;")
        feed.move_cursor(row=feed.get_row_index(str(_id_of(feed, clean_line(HOSTILE[1])))))
        await pilot.pause()
        ordinary = styles_of_title(feed, feed.get_row_index(str(_id_of(feed, "An ordinary headline"))))
        marked = styles_of_title(feed, feed.get_row_index(str(_id_of(feed, MARKUP))))
        assert marked == ordinary and len(marked) == 1
        assert all(link is None and not meta for *_, link, meta in marked)

        # Clicking the "[@click=app.quit]" headline selects it; it does not quit.
        index = feed.get_row_index(str(_id_of(feed, MARKUP)))
        await pilot.click(StoryFeed, offset=(60, index + 1 - int(feed.scroll_y)))
        await pilot.pause()
        assert app.return_code is None and feed.cursor_row == index

        await pilot.press("enter")  # the reading view shows it literally too
        title = app.screen.query_one("#article-title").visual
        assert title.plain == MARKUP and not title.spans
        await pilot.press("escape")

        await pilot.press("f")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#feeds-table")
        name, error = (table.get_cell(str(feed_id), column).plain for column in ("feed", "error"))
        assert "[link=https://x]Feed[/link]" in name
        assert "[@click=app.quit]boom[/]" in error and "\x1b" not in error
        assert isinstance(app.screen, FeedsScreen) and app.return_code is None


def _id_of(feed: StoryFeed, title: str) -> int:
    return next(key for key, row in feed._articles.items() if row.title == title)


async def test_the_widget_cleans_what_reaches_it_uncleaned(db_path):
    """Even a row that never went through the store shows inert, bounded text."""
    app = StorywatchApp(db_path, STORY_NAME, fetch=False, refresh_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        feed = app.screen.query_one(StoryFeed)
        added = feed.show_articles([row(1000 + n, title) for n, title in enumerate(HOSTILE)])
        await pilot.pause()
        assert added == len(HOSTILE)
        for n, title in enumerate(HOSTILE):
            cell = feed.get_cell(str(1000 + n), "title")
            assert isinstance(cell, Text) and not cell.spans
            assert cell.plain == clean_line(title, TITLE_MAX)
            assert len(cell.plain) <= TITLE_MAX
            assert feed.get_cell(str(1000 + n), "source").plain == "[bold]Wire[/]"
        assert "\x1b" not in "".join(cell.plain for cell in feed.get_column("title"))
        await pilot.press("down", "down", "end", "home")
        assert await wait_until(pilot, lambda: feed.cursor_row == 0, 2)
        assert app.return_code is None


async def test_hostile_entity_names_and_reasons_render_literally(db_path):
    """Names come from strangers' text and reasons from the engine's reading of it: both inert."""
    import json

    from storywatch.store.entity_queries import EntityCount
    from storywatch.tui.screens.article import ArticleScreen
    from storywatch.tui.widgets.entity_sidebar import EntitySidebar

    db = open_db(db_path)
    ingest_items(db, [article(1, title="An ordinary headline", hours_ago=1)])
    article_id = db.execute("SELECT id FROM articles WHERE title = 'An ordinary headline'").fetchone()[0]
    with db.conn:
        db.execute("UPDATE relevance SET on_story = 1, score = 0.9, reasons = ? WHERE article_id = ?",
                   [json.dumps(HOSTILE[:5]), article_id])
    db.close()

    app = StorywatchApp(db_path, STORY_NAME, fetch=False, refresh_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        sidebar = app.screen.query_one(EntitySidebar)
        await app.workers.wait_for_complete()
        hostile = [EntityCount(9000 + n, "person", name, 3, 1) for n, name in enumerate(HOSTILE)]
        sidebar.show_entities({"person": hostile, "org": [], "place": []}, seeded=set())
        await pilot.pause()
        for entity in hostile:
            prompt = sidebar.get_option(str(entity.id)).prompt
            expected = clean_line(entity.name, 60)
            assert prompt.plain.strip().startswith(expected[:10])
            assert not any(ch in prompt.plain for ch in "\x1b\x07\x00\u200b\u202e")
        assert sidebar.get_option("9000").prompt.plain.strip().startswith("[bold]Bold?[/bold]")

        # Filtering by a hostile name: the header says it literally and nothing runs.
        sidebar.post_message(EntitySidebar.Chosen(9000, MARKUP))
        await pilot.pause()
        label = app.screen.query_one(StoryHeader).view_label
        assert MARKUP in label.plain and app.return_code is None
        assert all(not span.style or "@click" not in str(span.style) for span in label.spans)
        await pilot.press("escape")

        feed = app.screen.query_one(StoryFeed)
        feed.move_cursor(row=feed.get_row_index(str(article_id)))
        await pilot.press("enter")
        assert isinstance(app.screen, ArticleScreen)
        why = app.screen.query_one("#article-why").visual
        for reason in HOSTILE[:5]:
            assert clean_line(reason, REASON_CHARS) in why.plain
        assert "\x1b" not in why.plain and "[@click=" in why.plain
        assert not any("link" in str(span.style) or "@click" in str(span.style) for span in why.spans)
        assert app.return_code is None
