"""Filters: one FeedFilter whose parts combine (view, tag, entity, outlet, unread, time, search),
paged by keyset in the store, and the `F` screen, header label and escape in the dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Checkbox, Select
from tui_helpers import STORY_NAME, article, make_story, shown_titles, wait_until

from storywatch.store.db import open_db
from storywatch.store.filters import FeedFilter, filtered_feed, groups_in_filter, stored_sources
from storywatch.store.ingest import ingest_items
from storywatch.store.text.clean import clean_line
from storywatch.store.times import now_iso, to_iso, utc_now
from storywatch.tui.app import StorywatchApp
from storywatch.tui.screens.filters import FilterScreen
from storywatch.tui.widgets.story_header import StoryHeader

HOSTILE_SOURCE = "[b]Wire[/b] \x1b[2J\x1b]52;c;ZXZpbA==\x07 [link=http://x]y[/link]\u200b"
STORED_SOURCE = clean_line(HOSTILE_SOURCE, 200)  # as ingest keeps it
REPORTS = {  # title: (hours ago, source, summary) -- each unlike the others, so each is one report
    "Alpha: drone strikes on cartel labs": (1, "Wire A", "US drone strikes hit cartel labs in Sinaloa, the Pentagon said."),
    "Bravo: Sheinbaum answers Trump": (3, "Wire B", "Sheinbaum rejected US troops as Trump weighed strikes on drug cartels."),
    "Charlie: Hegseth before Congress": (30, "Wire A", "Hegseth told Congress the military could strike the cartels within weeks."),
    "Delta: quarterly earnings": (2, HOSTILE_SOURCE, "Shares of Apple and Microsoft rose after earnings beat forecasts."),
}


@pytest.fixture
def db_path(tmp_path):
    path = make_story(tmp_path)
    db = open_db(path)
    ingest_items(db, [article(n, title=title, hours_ago=hours, source=source, summary=summary)
                      for n, (title, (hours, source, summary)) in enumerate(REPORTS.items())])
    ids = {title: db.execute("SELECT id FROM articles WHERE title = ?", [title]).fetchone()[0] for title in REPORTS}
    with db.atomic():
        db.execute("INSERT INTO tags (article_id, tag, tagged_at) VALUES (?, 'follow', ?)", [ids["Alpha: drone strikes on cartel labs"], now_iso()])
        db.execute("INSERT INTO tags (article_id, tag, tagged_at) VALUES (?, 'follow', ?)", [ids["Charlie: Hegseth before Congress"], now_iso()])
        db.execute("UPDATE articles SET read_at = ? WHERE id = ?", [now_iso(), ids["Charlie: Hegseth before Congress"]])
    db.close()
    return path


def titles(db, flt, **kw):
    return [row.title for row in filtered_feed(db, 1, flt, **kw) if row.kind != "seed"]


def test_each_filter_and_their_combinations(db_path):
    db = open_db(db_path)
    alpha, bravo, charlie, delta = REPORTS
    assert titles(db, FeedFilter(view="all", source="Wire A")) == [alpha, charlie]
    assert titles(db, FeedFilter(view="all", tag="follow")) == [alpha, charlie]
    assert titles(db, FeedFilter(view="all", tag="follow", unread=True)) == [alpha]
    since = to_iso(utc_now() - timedelta(hours=24))
    assert titles(db, FeedFilter(view="all", source="Wire A", since=since)) == [alpha]
    assert titles(db, FeedFilter(view="all", source=STORED_SOURCE)) == [delta]
    assert titles(db, FeedFilter(view="off", since=since)) == [delta]
    assert titles(db, FeedFilter(view="on", since=since)) == [alpha, bravo]
    assert titles(db, FeedFilter(view="all", search="sheinbaum", unread=True)) == [bravo]
    assert titles(db, FeedFilter(view="all", search="cartel", tag="follow", source="Wire A", since=since)) == [alpha]
    assert titles(db, FeedFilter(view="all", tag="nothing")) == []
    group_ids = [row.id for row in filtered_feed(db, 1, FeedFilter(view="all"))]
    assert len(groups_in_filter(db, 1, FeedFilter(view="all", tag="follow"), group_ids)) == 2
    assert set(stored_sources(db)) >= {"Wire A", "Wire B", STORED_SOURCE}
    db.close()


def test_a_filtered_feed_pages_by_keyset_without_gaps(db_path):
    db = open_db(db_path)
    flt = FeedFilter(view="all", unread=True)
    whole = [row.id for row in filtered_feed(db, 1, flt)]
    paged, before = [], None
    while page := filtered_feed(db, 1, flt, before=before, limit=2):
        paged += [row.id for row in page]
        before = (page[-1].sort_at, page[-1].id)
    assert paged == whole and len(whole) == len(set(whole)) >= 4
    db.close()


@pytest.mark.parametrize("parts", [
    dict(view="on", search="cartel"),
    dict(view="on", search="wire"),  # Delta matches too (its outlet), off the story
    dict(view="all", search="strikes"),
    dict(view="off", search="earnings"),
    dict(view="all", search="cartel", unread=True),
    dict(view="all", search="wire", tag="follow"),
    dict(view="on", search="hegseth congress"),
    dict(view="on", entity="Sinaloa"),
    dict(view="all", entity="Sinaloa", search="drone"),
    dict(view="all", entity="Pentagon", unread=True),
])
def test_a_broad_search_or_entity_walks_the_time_order_to_the_same_pages(db_path, monkeypatch, parts):
    """From BROAD matches a search (or mentions, an entity) is checked per report along the time
    order instead of sorting its matches: both plans give the same rows, page by page."""
    from storywatch.store import filters

    db = open_db(db_path)
    ingest_items(db, [article(100 + n, title=f"Echo {n}: cartel strikes, wire report", hours_ago=40 + n,
                              summary="A US drone strike on a cartel camp in Sinaloa, the Pentagon said.")
                      for n in range(5)])
    if "entity" in parts:
        name = parts.pop("entity")
        parts["entity_id"] = db.execute("SELECT id FROM entities WHERE name = ?", [name]).fetchone()[0]
    flt = FeedFilter(**parts)

    def pages(limit):
        ids, before = [], None
        while page := filtered_feed(db, 1, flt, before=before, limit=limit):
            ids.append([row.id for row in page])
            before = (page[-1].sort_at, page[-1].id)
        return ids

    narrow = pages(3)
    assert narrow, "the filter should match something here"
    monkeypatch.setattr(filters, "BROAD", 1)
    assert pages(3) == narrow
    db.close()


def label(app) -> str:
    return app.screen.query_one(StoryHeader).view_label.plain


async def choose(app, pilot, **values):
    await pilot.press("F")
    assert await wait_until(pilot, lambda: isinstance(app.screen, FilterScreen))
    screen = app.screen
    await app.workers.wait_for_complete()
    await pilot.pause()
    for name, value in values.items():
        if name == "unread":
            screen.query_one("#filter-unread", Checkbox).value = value
        else:
            screen.query_one(f"#filter-{name}", Select).value = value
    await pilot.click("#filter-apply")
    assert await wait_until(pilot, lambda: not isinstance(app.screen, FilterScreen))


async def test_the_filter_screen_narrows_the_feed_and_escape_clears(db_path):
    alpha, bravo, charlie, delta = REPORTS
    app = StorywatchApp(db_path, STORY_NAME, fetch=False, refresh_interval=60)
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause()
        start = shown_titles(app)
        assert alpha in start and delta not in start
        await choose(app, pilot, source="Wire A")
        assert shown_titles(app) == [alpha, charlie]
        assert "from Wire A" in label(app) and "esc clears" in label(app)
        await choose(app, pilot, tag="follow", unread=True)  # the outlet stays chosen: all three combine
        assert shown_titles(app) == [alpha]
        assert "tag follow" in label(app) and "unread" in label(app) and "from Wire A" in label(app)
        await choose(app, pilot, source=Select.NULL, tag=Select.NULL, unread=False, time="24h", view="all")
        assert {alpha, delta, bravo} <= set(shown_titles(app)) and charlie not in shown_titles(app)
        assert "Everything" in label(app) and "Last 24 hours" in label(app)
        await choose(app, pilot, source=STORED_SOURCE, time="all")
        assert shown_titles(app) == [delta]
        await pilot.press("F")  # the screen is kept between uses: it shows the filter of now
        assert await wait_until(pilot, lambda: isinstance(app.screen, FilterScreen))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.query_one("#filter-source", Select).value == STORED_SOURCE
        assert app.screen.query_one("#filter-tag", Select).is_blank()
        assert app.screen.query_one("#filter-view", Select).value == "all"
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, FilterScreen))
        assert "from [b]Wire[/b] [link=http://x]y[/link]" in label(app) and app.return_code is None
        await pilot.press("slash", *"earnings", "enter")
        assert await wait_until(pilot, lambda: "search “earnings”" in label(app))
        await pilot.press("escape")  # the search first
        assert await wait_until(pilot, lambda: "search" not in label(app))
        assert "from [b]Wire[/b]" in label(app)
        await pilot.press("escape")  # then every filter at once; the view stays
        assert "from" not in label(app) and "Everything" in label(app)
        assert {alpha, bravo, charlie, delta} <= set(shown_titles(app))

        await pilot.press("F")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FilterScreen))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.query_one("#filter-source", Select).is_blank()  # cleared by escape
        assert app.screen.query_one("#filter-unread", Checkbox).value is False
        await pilot.press("escape")  # cancel: nothing changes
        assert await wait_until(pilot, lambda: not isinstance(app.screen, FilterScreen))
        assert {alpha, bravo, charlie, delta} <= set(shown_titles(app))


@pytest.mark.parametrize("flt", [FeedFilter(), FeedFilter(unread=True), FeedFilter(tag="follow"),
                                 FeedFilter(since=to_iso(utc_now() - timedelta(hours=24)))])
def test_a_dense_story_walks_the_time_order_to_the_same_pages(db_path, monkeypatch, flt):
    """When much of the store is on the story, its pages are found along the time order instead
    of sorting every on-story report: both plans give the same rows, page by page."""
    from storywatch.store import coverage, filters

    db = open_db(db_path)
    ingest_items(db, [article(200 + n, title=f"Foxtrot {n}: cartel strikes go on", hours_ago=n,
                              summary=f"US strikes on cartel camp {n} in Sinaloa, the Pentagon said.")
                      for n in range(6)])

    def pages():
        ids, before = [], None
        while page := filtered_feed(db, 1, flt, before=before, limit=2):
            ids.append([row.id for row in page])
            before = (page[-1].sort_at, page[-1].id)
        return ids

    for module in (coverage, filters):
        monkeypatch.setattr(module, "on_story_is_dense", lambda *args: False)
    sorted_plan = pages()
    assert sum(map(len, sorted_plan)) >= 2
    for module in (coverage, filters):
        monkeypatch.setattr(module, "on_story_is_dense", lambda *args: True)
    assert pages() == sorted_plan
    db.close()
