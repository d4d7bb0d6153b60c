"""The reading view marks what a report adds; the latest developments panel lists it and opens
the report; hostile text stays inert in both."""

from __future__ import annotations

import pytest
from tui_helpers import STORY_NAME, article, make_story, wait_until

from storywatch.store.db import open_db
from storywatch.store.ingest import ingest_items
from storywatch.tui.app import StorywatchApp
from storywatch.tui.screens.article import ArticleScreen
from storywatch.tui.widgets.developments import DevelopmentsPanel
from storywatch.tui.widgets.story_feed import StoryFeed

SIZE = (80, 30)  # the narrowest terminal the dashboard is made for
NEWS = "Strikes on cartel labs in Sinaloa killed 14 people near Culiacan."
OLD = "Hegseth said drone strikes on cartel labs were among the options."
HOSTILE = "[b]Ovidio[/b] Guzman [link=http://127.0.0.1:9/x]was[/link] \x1b[31mdetained[0m in Culiacan."


@pytest.fixture
def db_path(tmp_path):
    return make_story(tmp_path)


def store(db_path, *items):
    db = open_db(db_path)
    ids = ingest_items(db, list(items)).new_ids
    db.close()
    return ids


async def open_report(pilot, app, article_id):
    feed = app.screen.query_one(StoryFeed)
    assert await wait_until(pilot, lambda: article_id in feed.shown)
    feed.move_cursor(row=feed.get_row_index(str(article_id)))
    await pilot.press("enter")
    assert isinstance(app.screen, ArticleScreen)


async def test_the_reading_view_marks_new_sentences_and_counts_them(db_path):
    [article_id] = store(db_path, article(1, title="US drone strikes on Sinaloa cartels", summary=f"{OLD} {NEWS}", hours_ago=1))
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_report(pilot, app, article_id)
        body = app.screen.query_one("#article-body").visual
        assert body.plain == f"{OLD} ✚ {NEWS}"  # the mark reads without colour
        styled = {body.plain[span.start : span.end] for span in body.spans}
        assert NEWS in styled and OLD not in styled and OLD + " " not in styled  # and the colour is on it only
        assert "✚ 1 new sentence" in app.screen.query_one("#article-why").visual.plain


async def test_a_report_with_nothing_new_says_so(db_path):
    reworded = "Among the options: drone strikes by the US military on the labs of Mexican drug cartels, Hegseth said."
    [article_id] = store(db_path, article(1, title="Pentagon weighs strikes on cartels", summary=reworded, hours_ago=1))
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_report(pilot, app, article_id)
        assert "✚" not in app.screen.query_one("#article-body").visual.plain
        assert "nothing new" in app.screen.query_one("#article-why").visual.plain


async def test_the_developments_panel_lists_new_sentences_opens_the_report_and_follows_polls(db_path):
    [first] = store(db_path, article(1, title="US drone strikes on Sinaloa cartels", summary=f"{OLD} {NEWS}",
                                     source="Wire Alpha", hours_ago=1))
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(DevelopmentsPanel)
        assert not panel.display
        await pilot.press("L")
        assert panel.display and panel.has_focus
        lines = [panel.get_option_at_index(i).prompt.plain for i in range(panel.option_count)]
        assert len(lines) == 1 and "Wire Alpha" in lines[0] and "✚ Strikes on cartel labs" in lines[0]
        assert all(len(line) <= SIZE[0] for line in lines)
        # A poll by another process brings a report with news: the panel shows it first.
        store(db_path, article(2, title="Sheinbaum recalls ambassador Esteban Moctezuma from Washington",
                               summary="Mexico recalled ambassador Esteban Moctezuma over the strikes on cartels.",
                               source="Wire Beta"))
        assert await wait_until(pilot, lambda: panel.option_count == 2)
        assert "Wire Beta" in panel.get_option_at_index(0).prompt.plain
        panel.highlighted = panel.option_count - 1  # the oldest: the first report's sentence
        await pilot.press("enter")
        assert isinstance(app.screen, ArticleScreen) and app.screen.article_id == first
        await app.workers.wait_for_complete()
        await pilot.press("escape")
        await pilot.press("L")
        assert not panel.display
    db = open_db(db_path)
    assert db.execute("SELECT read_at IS NOT NULL FROM articles WHERE id = ?", [first]).fetchone()[0] == 1
    db.close()


async def test_keys_for_one_report_act_on_the_highlighted_development_while_the_panel_has_focus(db_path):
    """With the panel focused its highlight is the report in view: a tag key, m and + act on
    it, not on the feed's row under the panel (the first report here); with the feed focused
    again, the feed's row."""
    first, second = store(
        db_path,
        article(1, title="US drone strikes on Sinaloa cartels", summary=f"{OLD} {NEWS}", source="Wire Alpha", hours_ago=2),
        article(2, title="Sheinbaum recalls ambassador Esteban Moctezuma from Washington",
                summary="Mexico recalled ambassador Esteban Moctezuma over the strikes on cartels.",
                source="Wire Beta", hours_ago=1),
    )
    app = StorywatchApp(db_path, STORY_NAME, fetch=False, tags={1: "key development"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        feed = app.screen.query_one(StoryFeed)
        assert await wait_until(pilot, lambda: {first, second} <= set(feed.shown))
        feed.move_cursor(row=feed.get_row_index(str(second)))
        await pilot.press("L")
        panel = app.screen.query_one(DevelopmentsPanel)
        panel.highlighted = panel.option_count - 1  # the oldest: the first report's sentence
        assert panel.highlighted_article == first and feed.article_at_cursor().id == second
        await pilot.press("1", "m", "plus")
        await app.workers.wait_for_complete()
        await pilot.pause()
        panel.blur()
        feed.focus()
        await pilot.press("1")
        await app.workers.wait_for_complete()
        await pilot.pause()
    db = open_db(db_path)
    tagged = dict(db.execute("SELECT article_id, tag FROM tags").fetchall())
    read = dict(db.execute("SELECT id, read_at IS NOT NULL FROM articles WHERE id IN (?, ?)", [first, second]).fetchall())
    marked = dict(db.execute("SELECT article_id, taught FROM relevance WHERE taught IS NOT NULL").fetchall())
    db.close()
    assert tagged == {first: "key development", second: "key development"}
    assert read == {first: 1, second: 0}
    assert marked == {first: 1}


async def test_hostile_new_sentences_stay_inert(db_path):
    [article_id] = store(db_path, article(1, title="US drone strikes on Sinaloa cartels", summary=f"{HOSTILE} {OLD}",
                                          source="[red]Evil[/red]", hours_ago=1))
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("L")
        panel = app.screen.query_one(DevelopmentsPanel)
        line = panel.get_option_at_index(0).prompt.plain
        assert "[b]Ovidio[/b]" in line and "[red]Evil" in line and "\x1b" not in line
        await pilot.press("escape")
        app.screen.query_one(StoryFeed).focus()
        await open_report(pilot, app, article_id)
        body = app.screen.query_one("#article-body").visual.plain
        assert "✚ [b]Ovidio[/b] Guzman [link=http://127.0.0.1:9/x]was[/link]" in body and "\x1b" not in body


async def test_a_new_headline_keeps_its_words_and_the_count_says_so(db_path):
    headline = "Sheinbaum recalls ambassador Esteban Moctezuma from Washington"
    [article_id] = store(db_path, article(1, title=headline, summary=OLD, hours_ago=1))
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_report(pilot, app, article_id)
        title = app.screen.query_one("#article-title").visual
        assert title.plain == headline and title.spans  # as written, in the colour
        assert "✚ 1 new sentence: the headline" in app.screen.query_one("#article-why").visual.plain
