"""Issue 10, items 1 and 2: tags with one key (1-9, t) and read state (m, n, N, A, edits unread
again), in the store and driven through the dashboard."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.widgets import Input
from tui_helpers import ON_STORY, STORY_NAME, article, make_story, notes_of, shown_titles, unwritable, wait_until

from storywatch.store.coverage import (
    group_of,
    mark_groups_read,
    story_rows,
    toggle_group_read,
)
from storywatch.store.db import open_db
from storywatch.store.feeds import add_feed
from storywatch.store.ingest import ingest_items, save_poll
from storywatch.store.queries import story_id
from storywatch.store.records import PollOutcome
from storywatch.store.tags import (
    TAG_MAX_LENGTH,
    add_group_tag,
    all_group_tags,
    remove_group_tag,
    set_group_tag,
    tag_name,
    tags_in_use,
    tags_of_groups,
    toggle_group_tag,
)
from storywatch.store.times import now_iso
from storywatch.tui.app import StorywatchApp
from storywatch.tui.screens.tag_input import TagInputScreen
from storywatch.tui.widgets.story_feed import UNREAD_MARK, UPDATED_MARK, StoryFeed

SIZE = (120, 30)
HOSTILE_TAG = "\x1b[2J\x1b]52;c;aGVsbG8=\x07[b]bold[/b] [link=http://x]y[/link]\u200b\u202e"
HOSTILE_SHOWN = "[b]bold[/b] [link=http://x]y[/link]"  # what is left: inert text, nothing invisible
REPORTS = [  # four on-story reports different enough never to be grouped as copies
    ("Pentagon sends drones over Sinaloa",
     "US military drones flew over Sinaloa as cartel labs burned, officials said."),
    ("Sheinbaum rejects foreign troops",
     "Mexican President Claudia Sheinbaum said US troops will never enter Mexico."),
    ("Hegseth briefs senators on cartel strikes",
     "Defense Secretary Pete Hegseth told Congress strikes on cartels are ready."),
    ("Cartel gunmen answer US raid in Culiacán",
     "Gunmen of the Sinaloa cartel blocked roads in Culiacán after a US raid."),
]
COPY_TEXT = "US drone strikes hit cartel labs in Sinaloa overnight; Sheinbaum rejected US troops in Mexico."


@pytest.fixture
def db_path(tmp_path):
    return make_story(tmp_path)


def two_copies(db) -> tuple[int, int]:
    """One report run by two outlets (the same text at two addresses): one coverage group."""
    first, second = ingest_items(
        db,
        [
            article(1, title="Drones hit cartel labs in Sinaloa", summary=COPY_TEXT, hours_ago=2, source="Wire A"),
            article(2, title="Drones hit cartel labs in Sinaloa", summary=COPY_TEXT, hours_ago=1, source="Wire B"),
        ],
    ).new_ids
    assert group_of(db, second) == first  # the test needs them grouped
    return first, second


def reports():
    return [article(n, title=title, summary=text, hours_ago=n) for n, (title, text) in enumerate(REPORTS, 1)]


def tagged_articles(db) -> list[tuple[int, str]]:
    return [tuple(row) for row in db.execute("SELECT article_id, tag FROM tags ORDER BY article_id, tag")]


def tags_cell(app, group_id: int) -> Text:
    return app.screen.query_one(StoryFeed).get_cell(str(group_id), "tags")


def row_of(app, title: str) -> int:
    feed = app.screen.query_one(StoryFeed)
    return next(row.id for row in feed.shown.values() if row.title == title)


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


# -- the store ----------------------------------------------------------------------------


def test_a_tag_belongs_to_the_whole_report(db):
    first, second = two_copies(db)
    assert toggle_group_tag(db, first, "verify") is True
    assert tagged_articles(db) == [(first, "verify"), (second, "verify")]
    assert tags_of_groups(db, [first]) == {first: ("verify",)}
    assert story_rows(db, 1, [first])[0].tags == ("verify",)

    # A copy tagged alone still shows on its report's row; toggling then takes it off every copy.
    assert toggle_group_tag(db, first, "verify") is False
    db.execute("INSERT INTO tags (article_id, tag, tagged_at) VALUES (?, 'quote', ?)", [second, now_iso()])
    assert tags_of_groups(db, [first]) == {first: ("quote",)}
    assert toggle_group_tag(db, first, "quote") is False
    assert tagged_articles(db) == []

    assert add_group_tag(db, first, "Background") and not add_group_tag(db, first, "Background")
    add_group_tag(db, first, "analysis")
    assert tags_of_groups(db, [first, 999]) == {first: ("analysis", "Background")}  # alphabetical, any case
    assert all_group_tags(db) == {first: ("analysis", "Background")}
    assert remove_group_tag(db, first, "Background") and not remove_group_tag(db, first, "Background")


def test_tag_names_are_one_clean_line(db):
    first, _second = two_copies(db)
    set_group_tag(db, first, HOSTILE_TAG, True)
    set_group_tag(db, first, "x" * 100, True)
    stored = {tag for _id, tag in tagged_articles(db)}
    assert stored == {HOSTILE_SHOWN, "x" * (TAG_MAX_LENGTH - 1) + "…"}
    assert tag_name("  follow\n  up ") == "follow up"
    with pytest.raises(ValueError):
        set_group_tag(db, first, "\u200b\x1b[31m ", True)


def test_tags_in_use_come_most_used_first(db):
    groups = ingest_items(db, reports()[:3]).new_ids
    assert len({group_of(db, article_id) for article_id in groups}) == 3
    for group in groups:
        add_group_tag(db, group, "verify")
    add_group_tag(db, groups[0], "quote")
    assert tags_in_use(db)[0] == "verify" and "quote" in tags_in_use(db)


def test_read_toggles_and_a_whole_view_is_read_at_once(db):
    first, second = two_copies(db)
    others = ingest_items(db, [article(n, summary=f"Report {n}: {n * 17} troops moved.") for n in range(5, 9)]).new_ids
    assert toggle_group_read(db, first, now_iso()) is True
    unread = "SELECT count(*) FROM articles WHERE id IN (?, ?) AND read_at IS NULL"
    assert db.execute(unread, [first, second]).fetchone()[0] == 0
    assert toggle_group_read(db, first, now_iso()) is False
    assert story_rows(db, 1, [first])[0].unread == 2

    groups = [first, *others]
    assert mark_groups_read(db, groups, now_iso(), batch=2) == 6  # both copies, four others, in chunks
    assert all(row.unread == 0 for row in story_rows(db, 1, groups))
    assert mark_groups_read(db, groups, now_iso()) == 0


def test_an_edited_article_is_unread_again_and_says_when_it_was_edited(db):
    feed_id = add_feed(db, "http://127.0.0.1:9/feed.xml")
    first = article(1, summary=ON_STORY, hours_ago=3)
    (article_id,) = save_poll(db, feed_id, PollOutcome(polled_at="2026-01-02T08:00:00Z", ok=True), [first]).new_ids
    mark_groups_read(db, [article_id], now_iso())
    assert story_rows(db, 1, [article_id])[0].revised_at is None

    save_poll(db, feed_id, PollOutcome(polled_at="2026-01-02T09:00:00Z", ok=True), [first])  # no edit: stays read
    assert story_rows(db, 1, [article_id])[0].unread == 0

    edited = article(1, summary=ON_STORY + " Updated with the Pentagon's statement.", hours_ago=3)
    result = save_poll(db, feed_id, PollOutcome(polled_at="2026-01-02T10:30:00Z", ok=True), [edited])
    assert result.updated_ids == [article_id]
    row = story_rows(db, 1, [article_id])[0]
    assert row.unread == 1 and row.revised_at == "2026-01-02T10:30:00Z"

    mark_groups_read(db, [article_id], now_iso())
    assert story_rows(db, 1, [article_id])[0].revised_at is None  # read: the marker goes


# -- the dashboard: tags ------------------------------------------------------------------


async def test_number_keys_toggle_the_storys_tags_and_they_survive_a_restart(db_path):
    app = StorywatchApp(db_path, STORY_NAME, fetch=False, tags={1: "key development", 2: HOSTILE_TAG})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        feed = app.screen.query_one(StoryFeed)
        row = feed.article_at_cursor()
        await pilot.press("1")
        assert tags_cell(app, row.id).plain == "key development"  # drawn before the write is done
        await pilot.press("2")
        await settle(app, pilot)
        cell = tags_cell(app, row.id)
        assert cell.plain == f"{HOSTILE_SHOWN} · key development"
        assert all(span.style == cell.spans[0].style for span in cell.spans)  # no markup became style
        assert not any(ch in cell.plain for ch in "\x1b\x07\u200b\u202e")
        assert "[b]bold[/b]" in app.export_screenshot().replace("&#160;", " ")

        await pilot.press("down", "9")  # no tag named for 9
        await settle(app, pilot)
    db = open_db(db_path)
    assert all_group_tags(db) == {row.id: (HOSTILE_SHOWN, "key development")}
    db.close()

    again = StorywatchApp(db_path, STORY_NAME, fetch=False, tags={1: "key development"})
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert tags_cell(again, row.id).plain == f"{HOSTILE_SHOWN} · key development"
        assert again.screen.query_one(StoryFeed).article_at_cursor().id == row.id
        await pilot.press("1")
        await settle(again, pilot)
        assert tags_cell(again, row.id).plain == HOSTILE_SHOWN
    db = open_db(db_path)
    assert all_group_tags(db) == {row.id: (HOSTILE_SHOWN,)}
    db.close()


async def test_a_free_tag_completes_the_tags_in_use(db_path):
    db = open_db(db_path)
    other = db.execute("SELECT max(id) FROM articles").fetchone()[0]
    add_group_tag(db, other, "Sinaloa raids")
    db.close()
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        feed = app.screen.query_one(StoryFeed)
        feed.move_cursor(row=[key.value for key in feed.rows].index(str(min(feed.shown))))
        row = feed.article_at_cursor()
        assert row.id != other and row.tags == ()

        await pilot.press("t")
        assert isinstance(app.screen, TagInputScreen)
        await pilot.press("s", "i", "n")
        await pilot.pause()
        box = app.screen.query_one(Input)
        assert box._suggestion == "Sinaloa raids"
        await pilot.press("right", "enter")  # accept the suggestion, add
        await settle(app, pilot)
        assert not isinstance(app.screen, TagInputScreen)
        assert tags_cell(app, row.id).plain == "Sinaloa raids"

        await pilot.press("t", "n", "o", "p", "e", "escape")  # esc: nothing added
        await settle(app, pilot)
        assert tags_cell(app, row.id).plain == "Sinaloa raids"
    db = open_db(db_path)
    assert all_group_tags(db) == {other: ("Sinaloa raids",), row.id: ("Sinaloa raids",)}
    db.close()


async def test_the_tag_box_shows_a_hostile_headline_and_stores_a_hostile_tag_inert(db_path):
    db = open_db(db_path)
    title = "[b]x[/b] \x1b[2J [link=http://x]y[/link]\u200b"
    (hostile,) = ingest_items(db, [article(1, title=title, summary=ON_STORY)]).new_ids
    db.close()
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        feed = app.screen.query_one(StoryFeed)
        feed.move_cursor(row=feed.get_row_index(str(hostile)))
        await pilot.press("t")
        label = app.screen.query_one("#tag-for").render()
        assert str(label) == "[b]x[/b] [link=http://x]y[/link]" and not label.spans
        app.screen.query_one(Input).value = HOSTILE_TAG  # pasted, escapes and all
        await pilot.press("enter")
        await settle(app, pilot)
        assert tags_cell(app, hostile).plain == HOSTILE_SHOWN
    db = open_db(db_path)
    assert all_group_tags(db) == {hostile: (HOSTILE_SHOWN,)}
    db.close()


async def test_a_tag_another_process_writes_shows_on_its_row(db_path):
    app = StorywatchApp(db_path, STORY_NAME, fetch=False, refresh_interval=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        group = app.screen.query_one(StoryFeed).article_at_cursor().id
        other = open_db(db_path)
        add_group_tag(other, group, HOSTILE_TAG)
        assert await wait_until(pilot, lambda: tags_cell(app, group).plain == HOSTILE_SHOWN, 3)
        remove_group_tag(other, group, HOSTILE_TAG)
        assert await wait_until(pilot, lambda: tags_cell(app, group).plain == "", 3)
        other.close()


# -- the dashboard: read state ------------------------------------------------------------


async def test_m_toggles_read_and_n_moves_to_the_next_unread(db_path):
    db = open_db(db_path)
    ingest_items(db, reports())
    db.close()
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    notes = notes_of(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        feed = app.screen.query_one(StoryFeed)
        assert feed.row_count == 6
        marks = lambda: "".join(cell.plain for cell in feed.get_column("mark"))  # noqa: E731
        assert marks() == UNREAD_MARK * 6

        await pilot.press("m", "down", "m", "down", "down", "m")  # rows 0, 1 and 3 read
        await settle(app, pilot)
        assert marks() == f"  {UNREAD_MARK} {UNREAD_MARK * 2}"
        await pilot.press("home", "n")
        assert feed.cursor_row == 2
        await pilot.press("n", "n", "n")
        assert feed.cursor_row == 2 and any("went round to the top" in note for note in notes)
        await pilot.press("N")
        assert feed.cursor_row == 5 and any("went round to the bottom" in note for note in notes)
        await pilot.press("N")
        assert feed.cursor_row == 4

        await pilot.press("up", "up", "up", "m")  # row 1 unread again
        await settle(app, pilot)
        assert marks() == f" {UNREAD_MARK}{UNREAD_MARK} {UNREAD_MARK * 2}"

        await pilot.press("A")
        assert marks() == " " * 6  # drawn at once
        await settle(app, pilot)
        assert any("Marked 4 reports read" in note for note in notes)
        await pilot.press("n")
        assert any("No unread report" in note for note in notes)
    db = open_db(db_path)
    assert db.execute("SELECT count(*) FROM articles WHERE read_at IS NULL").fetchone()[0] == 0
    db.close()

    again = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        feed = again.screen.query_one(StoryFeed)
        assert "".join(cell.plain for cell in feed.get_column("mark")) == " " * 6


async def test_mark_all_read_takes_only_the_rows_in_view(db_path):
    db = open_db(db_path)
    ingest_items(db, [article(1, summary=ON_STORY), article(2, title="Apple shares rise",
                                                          summary="Shares of Apple rose after earnings.")])
    db.close()
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Apple shares rise" not in shown_titles(app)
        await pilot.press("A")
        await settle(app, pilot)
    db = open_db(db_path)
    unread = [row[0] for row in db.execute("SELECT title FROM articles WHERE read_at IS NULL")]
    db.close()
    assert unread == ["Apple shares rise"]


async def test_an_edit_from_another_process_makes_the_row_unread_with_its_marker(db_path):
    db = open_db(db_path)
    feed_id = add_feed(db, "http://127.0.0.1:9/feed.xml")
    first = article(1, title="Drones hit cartel labs in Sinaloa", summary=ON_STORY, hours_ago=1)
    (article_id,) = save_poll(db, feed_id, PollOutcome(polled_at=now_iso(), ok=True), [first]).new_ids
    mark_groups_read(db, [group_of(db, article_id)], now_iso())
    group = group_of(db, article_id)
    app = StorywatchApp(db_path, STORY_NAME, fetch=False, refresh_interval=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        feed = app.screen.query_one(StoryFeed)
        assert feed.get_cell(str(group), "mark").plain == " " and tags_cell(app, group).plain == ""

        edited = article(1, title="Drones hit cartel labs in Sinaloa, killing 12", summary=ON_STORY, hours_ago=1)
        save_poll(db, feed_id, PollOutcome(polled_at=now_iso(), ok=True), [edited])
        assert await wait_until(pilot, lambda: feed.get_cell(str(group), "mark").plain == UNREAD_MARK, 3)
        assert tags_cell(app, group).plain.startswith(UPDATED_MARK + " ")
        assert tags_cell(app, group).plain.endswith(" (2)")  # its second revision
        assert "Drones hit cartel labs in Sinaloa, killing 12" in shown_titles(app)

        feed.move_cursor(row=feed.get_row_index(str(group)))
        await pilot.press("m")
        await settle(app, pilot)
        assert tags_cell(app, group).plain == ""  # read: the marker goes
    db.close()


# -- read-only ----------------------------------------------------------------------------


@pytest.fixture
def read_only_db(tmp_path):
    with unwritable(make_story(tmp_path)) as db_path:
        yield db_path


async def test_a_read_only_database_takes_no_tag_or_read_mark_and_says_why(read_only_db):
    app = StorywatchApp(read_only_db, STORY_NAME, fetch=False)
    notes = notes_of(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        feed = app.screen.query_one(StoryFeed)
        before = len([note for note in notes if "read-only" in note])
        await pilot.press("1", "m", "A", "t")
        await settle(app, pilot)
        assert not isinstance(app.screen, TagInputScreen)
        assert len([note for note in notes if "read-only" in note]) == before + 4
        assert not [note for note in notes if note.startswith("error")]
        assert "".join(cell.plain for cell in feed.get_column("tags")) == ""
        assert "".join(cell.plain for cell in feed.get_column("mark")) == UNREAD_MARK * 2
        await pilot.press("n")  # moving needs no write
        assert feed.cursor_row == 1
    db = open_db(read_only_db)
    assert db.execute("SELECT count(*) FROM tags").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM articles WHERE read_at IS NOT NULL").fetchone()[0] == 0
    assert story_id(db, STORY_NAME) is not None
    db.close()
