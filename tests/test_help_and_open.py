"""Open and copy a report's link, page the reading view, and find every key: `?`, the command
palette and Textual's keys panel, driven headlessly on a real database.

Opening goes through the real path (App.open_url -> webbrowser -> $BROWSER): BROWSER is a small
script that writes down the URL it was given, so no real browser starts."""

from __future__ import annotations

import shlex
import webbrowser

import pytest
from textual.command import CommandList, CommandPalette
from textual.containers import VerticalScroll
from tui_helpers import STORY_NAME, article, make_story, wait_until

from storywatch.store.db import open_db
from storywatch.store.ingest import ingest_items
from storywatch.store.text.clean import clean_line
from storywatch.store.text.urls import link_problem
from storywatch.tui.app import StorywatchApp
from storywatch.tui.screens.article import ArticleScreen
from storywatch.tui.screens.feeds import FeedsScreen
from storywatch.tui.screens.help import HelpScreen
from storywatch.tui.screens.story import StoryScreen
from storywatch.tui.widgets.story_feed import StoryFeed
from storywatch.tui.widgets.story_header import StoryHeader

SIZE = (120, 30)
COPY_TEXT = (
    "The Pentagon said US drone strikes hit drug cartel labs near Culiacan in Sinaloa overnight. Mexican"
    " President Claudia Sheinbaum condemned the strikes and said US troops on Mexican soil are ruled out."
)
LONG_BODY = "\n\n".join(f"Paragraph {n}. " + COPY_TEXT for n in range(60))
HOSTILE_URL = "http://127.0.0.1:9/[b]x[/b]\u200b\x1b[2J[link=http://x]y[/link]\x1b]52;c;aGk=\x07"


@pytest.fixture
def db_path(tmp_path):
    return make_story(tmp_path)


@pytest.fixture
def opened(tmp_path, monkeypatch):
    """A $BROWSER that records each URL it is asked to open; returns a reader of the record."""
    record = tmp_path / "opened.txt"
    script = tmp_path / "record-browser"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> {shlex.quote(str(record))}\n')
    script.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(script))
    # webbrowser reads BROWSER once per process; let it read this test's.
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})
    return lambda: record.read_text().splitlines() if record.exists() else []


def store(db_path, records, raw_urls: dict[str, str] | None = None) -> dict[str, int]:
    """Ingest the records; `raw_urls` (title -> url) is then written as-is, as an older or foreign
    writer might have left it (ingest itself cleans a URL). Returns title -> article id."""
    db = open_db(db_path)
    ingest_items(db, records)
    with db.conn:
        for title, url in (raw_urls or {}).items():
            db.execute("UPDATE articles SET url = ? WHERE title = ?", [url, title])
    ids = {title: id_ for id_, title in db.execute("SELECT id, title FROM articles")}
    db.close()
    return ids


async def on_row(pilot, app, article_id: int) -> StoryFeed:
    await pilot.pause()
    feed = app.screen.query_one(StoryFeed)
    if article_id not in feed.shown and app.screen.filter.view == "on":
        await pilot.press("a")  # an off-story report: everything
    feed.move_cursor(row=feed.get_row_index(str(article_id)))
    return feed


def messages(app) -> list:
    return list(app._notifications)


def last_message(app):
    return messages(app)[-1]


# -- the pure check --------------------------------------------------------------------------


def test_only_printable_http_links_may_go_to_a_browser():
    assert link_problem("https://example.com/a?b=c#d") is None
    assert link_problem("http://127.0.0.1:9/story/1") is None
    assert link_problem(None) and link_problem("")
    for refused in ("javascript:alert(1)", "file:///etc/passwd", "JAVASCRIPT://x%0aalert(1)", "http:/x",
                    "data:text/html,hi", "-new-tab http://x", "http://", "http://x:99999/"):
        assert link_problem(refused), refused
    for hidden in ("http://x/\x1b[2J", "http://x/\x1b]52;c;aGk=\x07", "http://x/\u200b", "http://x/\u202egnp",
                   "http://x/a b", "http://x/\n"):
        assert "control" in link_problem(hidden), repr(hidden)


# -- o and y in the story list ---------------------------------------------------------------


async def test_o_opens_the_reports_link_in_the_browser_and_reads_it(db_path, opened):
    ids = store(db_path, [article(1, hours_ago=1)])
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        feed = await on_row(pilot, app, ids["Update 1 on the cartel strikes"])
        assert feed.article_at_cursor().unread
        await pilot.press("o")
        await app.workers.wait_for_complete()
        assert opened() == ["http://127.0.0.1:9/story/1"]
        assert isinstance(app.screen, StoryScreen)  # o is the browser now; enter reads
        assert last_message(app).message == "Opening http://127.0.0.1:9/story/1"
        assert await wait_until(pilot, lambda: feed.article_at_cursor().unread == 0, 3)


async def test_o_refuses_links_that_are_not_plain_web_pages(db_path, opened):
    hostile = {
        "A script link": "javascript:alert(1)",
        "A file link": "file:///etc/passwd",
        "An escaping link": "http://127.0.0.1:9/\x1b]52;c;aGk=\x07[link=http://x]y[/link]",
    }
    ids = store(db_path, [article(n, hours_ago=n, title=title, url=f"http://127.0.0.1:9/{n}")
                          for n, title in enumerate(hostile, 1)], raw_urls=hostile)
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        for title, url in hostile.items():
            await on_row(pilot, app, ids[title])
            await pilot.press("o")
            note = last_message(app)
            assert note.message.startswith("Not opened: ") and note.severity == "warning", note.message
            assert note.markup is False and "\x1b" not in note.message and "\x07" not in note.message
        assert "only http(s) links" in messages(app)[0].message
        assert "control characters" in messages(app)[-1].message
        assert "\\x1b" in messages(app)[-1].message  # spelled out, so the reader sees why
        await app.workers.wait_for_complete()
        assert opened() == [] and isinstance(app.screen, StoryScreen)
        assert app.screen.query_one(StoryFeed).article_at_cursor().unread  # refused is not read


async def test_y_copies_the_link_and_says_so_inertly(db_path):
    ids = store(db_path, [article(1, hours_ago=1), article(2, hours_ago=2, title="Hostile link")],
                raw_urls={"Hostile link": HOSTILE_URL})
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await on_row(pilot, app, ids["Update 1 on the cartel strikes"])
        await pilot.press("y")
        assert app.clipboard == "http://127.0.0.1:9/story/1"
        assert last_message(app).message == "Copied http://127.0.0.1:9/story/1"

        await on_row(pilot, app, ids["Hostile link"])
        await pilot.press("y")
        expected = clean_line(HOSTILE_URL, 8000)
        assert app.clipboard == expected == "http://127.0.0.1:9/[b]x[/b][link=http://x]y[/link]"
        note = last_message(app)
        assert note.message == f"Copied {expected} (control characters removed)" and note.markup is False
        await pilot.pause()
        toast = app.screen.query("Toast").last()
        assert "[b]x[/b][link=http://x]y[/link]" in drawn(toast)  # literal, not bold, not a link
        assert app.return_code is None and app.screen.query_one(StoryFeed).article_at_cursor().unread


async def test_a_seed_without_a_link_says_so(db_path, opened):
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        feed = app.screen.query_one(StoryFeed)
        assert feed.article_at_cursor().kind == "seed" and not feed.article_at_cursor().url
        await pilot.press("o")
        assert last_message(app).message.startswith("This seed has no link")
        await pilot.press("y")
        assert last_message(app).message.startswith("This seed has no link") and app.clipboard == ""
        await pilot.press("enter")
        assert isinstance(app.screen, ArticleScreen)
        await pilot.press("o")
        assert len([m for m in messages(app) if m.message.startswith("This seed has no link")]) == 3
        await app.workers.wait_for_complete()
        assert opened() == []


# -- the reading view ------------------------------------------------------------------------


def two_outlets(db_path) -> dict[str, int]:
    return store(db_path, [
        article(1, title="US strikes hit cartel labs", summary=COPY_TEXT, body=LONG_BODY, source="Wire A",
                hours_ago=1),
        article(2, title="Cartel labs struck, officials say", summary=COPY_TEXT, source="Wire B",
                url="http://127.0.0.1:9/other/2", hours_ago=0.5),
    ])


async def test_enter_reads_and_o_y_there_take_the_copy_highlighted_or_shown(db_path, opened):
    ids = two_outlets(db_path)
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await on_row(pilot, app, ids["US strikes hit cartel labs"])
        await pilot.press("enter")
        assert isinstance(app.screen, ArticleScreen)
        members = app.screen.query_one("#article-members")
        assert members.has_focus and members.highlighted == 0
        await pilot.press("down")  # highlight Wire B's copy, still reading Wire A's
        await pilot.press("y")
        assert app.clipboard == "http://127.0.0.1:9/other/2"
        await pilot.press("o")
        await app.workers.wait_for_complete()
        assert opened() == ["http://127.0.0.1:9/other/2"]
        assert app.screen.query_one("#article-title").visual.plain == "US strikes hit cartel labs"

        app.screen.query_one(VerticalScroll).focus()  # the text, not the list: the copy shown
        await pilot.press("y")
        assert app.clipboard == "http://127.0.0.1:9/story/1"
        await pilot.press("o")
        await app.workers.wait_for_complete()
        assert opened() == ["http://127.0.0.1:9/other/2", "http://127.0.0.1:9/story/1"]
        assert isinstance(app.screen, ArticleScreen)  # o no longer closes the reading view
        await pilot.press("escape")
        assert isinstance(app.screen, StoryScreen)


async def test_space_and_page_keys_scroll_the_text_whatever_has_focus(db_path):
    ids = two_outlets(db_path)
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await on_row(pilot, app, ids["US strikes hit cartel labs"])
        await pilot.press("enter")
        view = app.screen.query_one(VerticalScroll)
        members = app.screen.query_one("#article-members")
        assert members.has_focus and view.scroll_y == 0 and view.max_scroll_y > 3 * view.size.height
        await pilot.press("space")
        await pilot.pause()
        first = view.scroll_y
        assert first > 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert view.scroll_y > first
        assert members.has_focus and members.highlighted == 0  # the list did not take the page key
        await pilot.press("pageup")
        await pilot.pause()
        assert view.scroll_y == first
        await pilot.press("shift+space")
        await pilot.pause()
        assert view.scroll_y == 0
        await pilot.press("end")
        await pilot.pause()
        assert view.scroll_y == view.max_scroll_y and members.highlighted == 0
        await pilot.press("home")
        await pilot.pause()
        assert view.scroll_y == 0

        await pilot.press("down", "end")  # Wire B's copy highlighted, then the list paged out of sight:
        await pilot.pause()
        await pilot.press("y")  # the copy being read is what y means now
        assert members.highlighted == 1 and app.clipboard == "http://127.0.0.1:9/story/1"
        await pilot.press("home")
        await pilot.pause()
        await pilot.press("y")
        assert app.clipboard == "http://127.0.0.1:9/other/2"

        view.focus()  # the same keys with the text focused
        await pilot.press("space")
        await pilot.pause()
        assert view.scroll_y == first


# -- ? ---------------------------------------------------------------------------------------


def help_rows(app) -> list[tuple[str, str, str]]:
    """Every (keys, description, tooltip) row the help shows."""
    assert isinstance(app.screen, HelpScreen)
    return [(" ".join(entry.keys), entry.description, entry.tooltip)
            for group in app.screen.groups for entry in group.entries]


def drawn(widget) -> str:
    """The widget's lines as the terminal gets them, borders included, as plain text."""
    from textual.geometry import Region

    strips = widget.render_lines(Region(0, 0, *widget.size))
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def test_question_mark_lists_every_key_of_the_screen_it_opens_on(db_path):
    ids = two_outlets(db_path)
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = help_rows(app)
        described = {description for _, description, _ in rows}
        for binding in StoryScreen.BINDINGS:  # whatever the story screen binds, the help lists
            assert binding.description in described, binding.description
        assert ("o", "Browser", "Open the report's link in your web browser") in rows
        assert ("y", "Copy link", "Copy the report's link to the clipboard") in rows
        assert ("⏎", "Read", "Read the report and every outlet's copy") in rows
        assert ("esc", "Clear", "Clear the search first, then every filter at once (the view stays)") in rows  # listed even with no filter on
        assert ("?", "Help", "Every key of this screen") in rows
        first_tag = app.tag_names[1]
        assert ("1", "Tag 1", f"Put “{first_tag}” on the report, or take it off") in rows  # which tag, by name
        assert any(keys == "↓ j" and description == "Down" for keys, description, _ in rows)  # the list's own
        titles = [group.title for group in app.screen.groups]
        assert titles == ["Story", "Story feed", "Everywhere"]
        assert app.screen.query_one(VerticalScroll).border_title == "Keys · Story"
        assert "Open the report's link in your web browser" in drawn(app.screen.query(".help-table").first())
        await pilot.press("question_mark")
        assert isinstance(app.screen, StoryScreen)

        await on_row(pilot, app, ids["US strikes hit cartel labs"])
        await pilot.press("enter")
        await pilot.press("question_mark")
        rows = help_rows(app)
        described = {description: keys for keys, description, _ in rows}
        assert described["Page down"] == "space pgdn" and described["Page up"] == "shift+space pgup" and described["Back"] == "esc q"
        assert described["Browser"] == "o" and described["Copy link"] == "y" and described["Help"] == "?"
        assert app.screen.groups[0].title == "Reading view"
        await pilot.press("escape")
        assert isinstance(app.screen, ArticleScreen)
        await pilot.press("escape")

        await pilot.press("f")
        assert isinstance(app.screen, FeedsScreen)
        await pilot.press("question_mark")
        described = {description: keys for keys, description, _ in help_rows(app)}
        assert described["Back"] == "esc f q" and "Help" in described
        await pilot.press("escape")
        assert isinstance(app.screen, FeedsScreen)


# -- the command palette -----------------------------------------------------------------------


async def palette_titles(pilot, app) -> list[str]:
    await pilot.press("ctrl+p")
    assert isinstance(app.screen, CommandPalette)
    commands = app.screen.query_one(CommandList)
    assert await wait_until(pilot, lambda: commands.option_count > 5, 3)
    await pilot.pause(0.2)  # every provider has answered
    return [commands.get_option_at_index(i).prompt.plain.split("\n")[0] for i in range(commands.option_count)]


async def test_the_palette_offers_the_screens_actions_and_runs_them(db_path):
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = await palette_titles(pilot, app)
        for title in ("Browser", "Copy link", "Read", "Changes", "View", "Entities", "Refresh", "Feeds", "Help",
                      "Theme", "Quit", "Keys"):
            assert title in titles, (title, titles)
        assert "Clear filter" not in titles  # nothing to clear
        assert "Focus Next" not in titles and "Cursor up" not in titles  # Textual's plumbing stays out
        assert len(titles) == len(set(titles))  # Quit once, though q and Textual both offer it
        await pilot.press("question_mark")  # a text field types ?, it does not open the help
        assert isinstance(app.screen, CommandPalette) and app.screen.query_one("Input").value == "?"
        await pilot.press("backspace", *"view")
        await pilot.pause(0.3)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, StoryScreen), 3)
        assert await wait_until(pilot, lambda: "Everything" in app.screen.query_one(StoryHeader).view_label.plain, 3)

        await palette_titles(pilot, app)
        await pilot.press(*"help")
        await pilot.pause(0.3)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), 3)
        assert app.screen.groups[0].title == "Story"


# -- Textual's keys panel ----------------------------------------------------------------------


async def test_escape_closes_the_keys_panel_and_otherwise_stays_the_screens(db_path):
    from textual.widgets import HelpPanel

    from storywatch.tui.widgets.entity_sidebar import EntitySidebar

    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_show_help_panel()
        await pilot.pause()
        assert app.screen.query(HelpPanel)
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query(HelpPanel) and isinstance(app.screen, StoryScreen)

        app.screen.post_message(EntitySidebar.Chosen(1, "Sinaloa"))
        await pilot.pause()
        assert app.screen.filter.entity_id is not None
        app.action_show_help_panel()
        await pilot.pause()
        await pilot.press("escape")  # the panel first
        await pilot.pause()
        assert not app.screen.query(HelpPanel) and app.screen.filter.entity_id is not None
        await pilot.press("escape")  # then the screen's own: the filter
        await pilot.pause()
        assert app.screen.filter.entity_id is None
