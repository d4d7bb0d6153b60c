"""The story feed stays newest first however rows arrive: a page appended below without a sort,
a report that lands between shown ones sorted into its place; and stored times parse alike on
the fast path and the strict one."""

from __future__ import annotations

from datetime import datetime

import pytest
from tui_helpers import STORY_NAME, article, make_story, shown_titles

from storywatch.store.coverage import story_feed
from storywatch.store.db import open_db
from storywatch.store.ingest import ingest_items
from storywatch.store.times import FORMAT, from_iso
from storywatch.tui.app import StorywatchApp
from storywatch.tui.widgets.story_feed import StoryFeed

HOSTILE = ["\x1b[2J[b]bold[/b] ", "\x1b]52;c;SGVsbG8=\x07[link=http://x]y[/link] ", "zero\u200bwidth\u200d "]


def sort_keys(app) -> list[tuple[str, int]]:
    feed = app.screen.query_one(StoryFeed)
    return [(cell.order[0], cell.order[1]) for cell in feed.get_column("time")]


async def test_rows_stay_newest_first_when_pages_and_stragglers_arrive(tmp_path, monkeypatch):
    import storywatch.tui.screens.story as story_screen

    monkeypatch.setattr(story_screen, "PAGE_SIZE", 10)
    monkeypatch.setattr(story_screen, "PAGE_AHEAD", 3)
    db_path = make_story(tmp_path)
    db = open_db(db_path)
    ingest_items(db, [article(n, hours_ago=2 * n + 1, title=f"{HOSTILE[n % 3]}report {n}") for n in range(30)])
    app = StorywatchApp(db_path, STORY_NAME, fetch=False, refresh_interval=60)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("a")  # everything, so no row depends on the engine's verdict
        await pilot.pause()
        for _ in range(5):
            await pilot.press("G")  # to the bottom: each page appended below the last
            await pilot.pause()
        assert len(shown_titles(app)) == len(story_feed(db, app.screen.story_id, show="all", limit=1000)) > 20
        ingest_items(db, [article(100 + n, hours_ago=2 * n + 2, title=f"straggler {n}") for n in range(0, 29, 7)])
        await pilot.press("r")  # reports older than the top row land between shown ones
        await pilot.pause()
        keys = sort_keys(app)
        assert len(keys) == len(story_feed(db, app.screen.story_id, show="all", limit=1000))
        assert any(title.startswith("straggler") for title in shown_titles(app))
        assert keys == sorted(keys, reverse=True)
        assert all("\x1b" not in title and "\u200b" not in title for title in shown_titles(app))
    db.close()


@pytest.mark.parametrize("text", [
    "2026-11-21T07:30:00Z", "0999-01-02T03:04:05Z", "2024-02-29T23:59:59Z",
    "2026-13-01T00:00:00Z", "2026-11-21 07:30:00Z", "2026-11-21T07:30:60Z", "2026-11-21T07:30:0ZZ",
    "2026-11-21T07:30:00+00:00", "2026-11-21", "", "\x1b[2J2026-11-21T07:30Z", "2026-11-21T07:30:00.5Z",
    "\u0662\u0660\u0662\u0666-11-21T07:30:00Z",
])
def test_from_iso_agrees_with_the_strict_format(text):
    try:
        expected = datetime.strptime(text, FORMAT).replace(tzinfo=from_iso("2000-01-01T00:00:00Z").tzinfo)
    except ValueError:
        with pytest.raises(ValueError):
            from_iso(text)
    else:
        assert from_iso(text) == expected
