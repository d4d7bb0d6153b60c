"""How the dashboard looks, pinned as SVG snapshots (pytest-textual-snapshot): the main screen,
the help, a search, the filter screen and the light theme. Every time shown is fixed, so a
snapshot changes only when the screen does. `pytest --snapshot-update` accepts a new look
after someone has looked at it (the SVGs open in a browser)."""

from __future__ import annotations

import pytest
from tui_helpers import STORY_NAME, article, make_story, shown_titles, wait_until

from storywatch.store.db import open_db
from storywatch.store.ingest import ingest_items
from storywatch.store.tags import set_group_tag
from storywatch.tui.app import StorywatchApp

REPORTS = [  # title, outlet, published (fixed: the time column shows the date, whatever today is)
    ("US drone strikes hit cartel labs in Sinaloa, Pentagon says", "Wire A", "2025-03-04T09:15:00Z"),
    ("Sheinbaum rejects any US troops on Mexican soil after the strike", "El Diario", "2025-03-04T07:40:00Z"),
    ("Hegseth briefs Congress on plans for more cartel strikes", "Capitol Report", "2025-03-03T21:05:00Z"),
    ("Shares of Apple rose after quarterly earnings beat forecasts", "Markets Daily", "2025-03-03T15:00:00Z"),
    ("[b]Hostile[/b] \x1b[2Jheadline [link=http://x]with markup[/link]\u200b", "Wire \x1b]52;c;eA==\x07B",
     "2025-03-02T12:00:00Z"),
]
SUMMARIES = [
    "Drones struck three drug labs run by the Sinaloa cartel overnight, US defense officials said on Tuesday.",
    "Mexican President Claudia Sheinbaum said US troops will not operate in Mexico, after the US military strike.",
    "Defense Secretary Pete Hegseth told lawmakers the military is ready to hit more cartel targets in Mexico.",
    "Quarterly results beat forecasts as iPhone sales grew in every region.",
    "A report with a hostile headline about US strikes on Mexican cartels, copied from a wire.",
]
SIZE = (110, 30)


@pytest.fixture
def app(tmp_path):
    db_path = make_story(tmp_path)
    db = open_db(db_path)
    ids = ingest_items(db, [
        article(n, title=title, source=source, published_at=published, summary=SUMMARIES[n],
                url=f"http://127.0.0.1:9/r/{n}")
        for n, (title, source, published) in enumerate(REPORTS)
    ]).new_ids
    set_group_tag(db, ids[0], "key development", True)
    set_group_tag(db, ids[1], "follow up", True)
    db.close()
    return StorywatchApp(db_path, STORY_NAME, fetch=False)


async def _loaded(pilot) -> None:
    def shown() -> int:
        return len(shown_titles(pilot.app)) if pilot.app.screen.query("#story-feed") else 0

    assert await wait_until(pilot, lambda: shown() >= 4)
    await pilot.pause()


def test_the_main_screen(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=_loaded)


def test_the_help_screen(snap_compare, app):
    assert snap_compare(app, press=["question_mark"], terminal_size=SIZE, run_before=_loaded)


def test_a_search(snap_compare, app):
    async def search(pilot) -> None:
        await _loaded(pilot)
        await pilot.press("slash", *"strike", "enter")
        screen = pilot.app.screen
        assert await wait_until(pilot, lambda: screen.filter.search == "strike" and not [
            worker for worker in screen.workers if worker.group == "search" and worker.is_running])
        await pilot.pause()
        assert "Apple" not in " ".join(shown_titles(pilot.app))  # narrowed

    assert snap_compare(app, terminal_size=SIZE, run_before=search)


def test_the_filter_screen(snap_compare, app):
    assert snap_compare(app, press=["F"], terminal_size=SIZE, run_before=_loaded)


def test_the_light_theme(snap_compare, app):
    async def light(pilot) -> None:
        pilot.app.theme = "textual-light"
        await _loaded(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=light)


EDITED_BODY = (
    "Drones struck three drug labs run by the Sinaloa cartel overnight, US defense officials said on Tuesday.\n\n"
    + " ".join(["The strikes followed weeks of surveillance of the compounds by drones and informants."] * 5)
    + "\n\nOfficials gave no figure for the dead. Mexico's foreign ministry said it had not been told."
)


@pytest.fixture
def edited_app(tmp_path):
    """One report that its outlet edited twice (headline, a figure, a sentence gone), at fixed times."""
    db_path = make_story(tmp_path)
    db = open_db(db_path)
    second = EDITED_BODY.replace("three drug labs", "four drug labs")
    third = second.replace("gave no figure for the dead", "said [b]twelve[/b] people died").replace(
        " Mexico's foreign ministry said it had not been told.", "")
    for seen_at, title, body in (
        ("2025-03-04T09:20:00Z", "US strikes cartel labs in Sinaloa", EDITED_BODY),
        ("2025-03-04T11:05:00Z", "US drone strikes hit four cartel labs in Sinaloa", second),
        ("2025-03-04T13:40:00Z", "US drone strikes hit four cartel labs in Sinaloa", third),
    ):
        ingest_items(db, [article(0, title=title, source="Wire A", published_at="2025-03-04T09:15:00Z",
                                  summary="", body=body)], seen_at=seen_at)
    db.close()
    return StorywatchApp(db_path, STORY_NAME, fetch=False)


def test_the_diff_screen_at_80_columns_in_the_light_theme(snap_compare, edited_app):
    async def diff(pilot) -> None:
        pilot.app.theme = "textual-light"
        title = "US drone strikes hit four cartel labs in Sinaloa"
        assert await wait_until(pilot, lambda: bool(pilot.app.screen.query("#story-feed"))
                                and title in shown_titles(pilot.app))
        feed = pilot.app.screen.query_one("#story-feed")
        feed.move_cursor(row=shown_titles(pilot.app).index(title))
        await pilot.press("d")
        summary = pilot.app.screen.query_one("#diff-summary")
        assert await wait_until(pilot, lambda: "words" in summary.visual.plain)
        await pilot.pause()

    assert snap_compare(edited_app, terminal_size=(80, 30), run_before=diff)
