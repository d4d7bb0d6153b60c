"""Search: the FTS5 index m007 builds and the triggers keep current, queries typed by anyone,
highlighting that stays inert, and `/` in the dashboard."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.widgets import Input
from tui_helpers import ON_STORY, STORY_NAME, article, make_story, shown_titles, wait_until

from storywatch.store.coverage import mark_group_read
from storywatch.store.db import open_db
from storywatch.store.ingest import ingest_items
from storywatch.store.schema import migrations
from storywatch.store.search import Highlighter, fts_query, search_groups
from storywatch.store.times import now_iso
from storywatch.tui.app import StorywatchApp
from storywatch.tui.widgets.search_bar import SearchBar
from storywatch.tui.widgets.story_feed import StoryFeed
from storywatch.tui.widgets.story_header import StoryHeader

SIZE = (120, 30)
SUMMARIES = [  # on the story, and unlike each other so each is its own report
    "US drone strikes hit cartel labs in Sinaloa, the Pentagon said.",
    "Sheinbaum rejected US troops as Trump weighed strikes on Mexican drug cartels.",
    "Hegseth told Congress the military could strike the cartels within weeks.",
]
HOSTILE_QUERIES = [
    '"', '""', '*', '-', '-cartel', 'NEAR(', 'NEAR(a b', 'OR', 'cartel OR', 'AND NOT', '(', ')', '((cartel',
    'cartel)', 'a"b', '"unclosed phrase', '^start', 'title:cartel', '{title}: x', 'x' * 5000,
    ' '.join(['cartel'] * 500), '\x1b[2J', '\x00\x07', '\u200b', '[b]x[/b]', 'NEAR("a" "b", 2)', '+', ':', '.',
]


def titles_of(db, group_ids):
    return [db.execute("SELECT title FROM articles WHERE id = ?", [g]).fetchone()[0] for g in group_ids]


@pytest.fixture
def db_path(tmp_path):
    return make_story(tmp_path)


# -- the query the user typed --------------------------------------------------------------


def test_every_word_is_quoted_and_the_last_one_is_a_prefix_while_typing():
    assert fts_query("drone strik") == '"drone" "strik"*'
    assert fts_query("drone strikes ") == '"drone" "strikes"'
    assert fts_query('"drone strikes"') == '"drone strikes"'
    assert fts_query('U.S. "drone str') == '"u s" "drone str"*'
    assert fts_query("NEAR( OR -") == '"near" "or"*'
    assert fts_query('" * - ( )') is None and fts_query("") is None


def test_hostile_queries_never_raise(db_path):
    db = open_db(db_path)
    ingest_items(db, [article(1, title="Cartel near the border", summary=ON_STORY, hours_ago=1)])
    for typed in HOSTILE_QUERIES:
        search_groups(db, typed)  # raises sqlite3.OperationalError if any FTS5 syntax got through
        Highlighter(typed).spans("Cartel near the border [b]x[/b]")
    assert titles_of(db, search_groups(db, "NEAR(")) == ["Cartel near the border"]
    assert titles_of(db, search_groups(db, "border OR zzzz ")) == []  # OR is a word here, not an operator
    db.close()


# -- the index -------------------------------------------------------------------------------


def test_the_migration_indexes_articles_stored_before_it(tmp_path):
    path = tmp_path / "old.db"
    db = open_db(path)
    ingest_items(db, [article(1, title="Sinaloa labs struck", summary="Drone strikes at dawn.", hours_ago=1),
                      article(2, title="Markets calm", body="Nothing about the zeppelin.", hours_ago=2)])
    # Back to a file from before m007 (today's ingest writes columns later migrations add).
    with db.atomic():
        for trigger in ("articles_fts_ai", "articles_fts_ad", "articles_fts_au"):
            db.execute(f"DROP TRIGGER {trigger}")
        db.execute("DROP TABLE articles_fts")
        db.execute("DROP INDEX articles_by_source")
        db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm007_search'")
    assert not db["articles_fts"].exists() and [m.name for m in migrations.pending(db)] == ["m007_search"]
    db.close()
    db = open_db(path)  # applies m007
    assert titles_of(db, search_groups(db, "sinaloa")) == ["Sinaloa labs struck"]
    assert titles_of(db, search_groups(db, "zeppelin ")) == ["Markets calm"]  # in the body
    assert titles_of(db, search_groups(db, "strike")) == ["Sinaloa labs struck"]  # stemmed: "strikes" is indexed as "strike"
    assert titles_of(db, search_groups(db, "Wire 2")) == ["Markets calm"]  # the source is searched too
    db.close()


def test_ingest_and_revisions_keep_the_index_current(db_path):
    db = open_db(db_path)
    ingest_items(db, [article(1, title="Quokka sighted at the border", hours_ago=1)])
    [group] = search_groups(db, "quokka")
    ingest_items(db, [article(1, title="Wombat sighted at the border", hours_ago=1)])  # the outlet edits it
    assert search_groups(db, "quokka") == []
    assert search_groups(db, "wombat") == [group]
    mark_group_read(db, group, now_iso())  # a read mark changes no searched column
    assert search_groups(db, "wombat") == [group]
    with db.atomic():
        db.execute("DELETE FROM articles WHERE id = ?", [group])
    assert search_groups(db, "wombat") == []
    assert db.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'wombat'").fetchone()[0] == 0
    db.close()


def test_search_pages_newest_first_by_keyset(db_path):
    db = open_db(db_path)
    ingest_items(db, [article(n, title=f"Okapi report number {n}", hours_ago=n) for n in range(1, 8)])
    first = search_groups(db, "okapi", limit=3)
    head = db.execute("SELECT sort_at, id FROM articles WHERE id = ?", [first[-1]]).fetchone()
    rest = search_groups(db, "okapi", limit=10, before=tuple(head))
    assert titles_of(db, first + rest) == [f"Okapi report number {n}" for n in range(1, 8)]
    db.close()


# -- highlighting ----------------------------------------------------------------------------


def test_highlight_follows_the_search_stems_and_prefixes():
    line = "US strike on Sinaloa: striking the cartels, Strikes go on"
    spans = Highlighter("strikes sinal").spans(line)
    assert [line[start:end] for start, end in spans] == ["strike", "Sinaloa", "striking", "Strikes"]
    assert Highlighter('"').spans(line) == []
    hostile = "[b]Cartel[/b] [link=http://x]cartel[/link]"
    assert [hostile[s:e] for s, e in Highlighter("cartel").spans(hostile)] == ["Cartel", "cartel"]


# -- the dashboard ---------------------------------------------------------------------------


def header_label(app) -> str:
    return app.screen.query_one(StoryHeader).view_label.plain


async def test_slash_narrows_as_you_type_enter_keeps_it_and_escape_returns(db_path):
    db = open_db(db_path)
    ingest_items(db, [
        article(1, title="Drone strikes hit cartel labs in Zacatecas", summary=SUMMARIES[0], hours_ago=1),
        article(2, title="Sheinbaum rejects Tamaulipas deployment", summary=SUMMARIES[1], hours_ago=2),
        article(3, title="Cartel leader captured near Culiacán", summary=SUMMARIES[2], hours_ago=3),
    ])
    db.close()
    app = StorywatchApp(db_path, STORY_NAME, fetch=False, refresh_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        everything = shown_titles(app)
        assert len(everything) >= 3
        await pilot.press("slash")
        bar = app.screen.query_one(SearchBar)
        assert bar.display and app.focused is bar
        await pilot.press(*"zacat")
        assert await wait_until(pilot, lambda: shown_titles(app) == ["Drone strikes hit cartel labs in Zacatecas"])
        assert "search “zacat”" in header_label(app)
        title = app.screen.query_one(StoryFeed).get_column("title")
        [cell] = list(title)
        assert isinstance(cell, Text)
        assert [cell.plain[span.start:span.end] for span in cell.spans] == ["Zacatecas"]

        await pilot.press(*"ecas labs", "enter")
        assert await wait_until(pilot, lambda: shown_titles(app) == ["Drone strikes hit cartel labs in Zacatecas"])
        assert isinstance(app.focused, StoryFeed) and bar.display  # the result stays, the feed has the keys
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: shown_titles(app) == everything)
        assert not bar.display and "search" not in header_label(app)

        await pilot.press("slash", *"tamaul")
        assert await wait_until(pilot, lambda: shown_titles(app) == ["Sheinbaum rejects Tamaulipas deployment"])
        await pilot.press("escape")  # escape in the bar clears the search too
        assert await wait_until(pilot, lambda: shown_titles(app) == everything)
        assert isinstance(app.focused, StoryFeed)

        await pilot.press("slash", *'( - * "', "enter")  # nothing searchable: everything again
        await app.workers.wait_for_complete()
        assert shown_titles(app) == everything


async def test_a_search_that_finds_nothing_in_the_view_says_how_many_the_others_hold(db_path):
    """Looking for a report the engine put off the story: an empty feed alone would say it was
    never stored; the header counts it in everything, and `a` shows it. Typed or entered alike."""
    db = open_db(db_path)
    ingest_items(db, [
        article(1, title="Drone strikes hit cartel labs in Zacatecas", summary=SUMMARIES[0], hours_ago=1),
        article(2, title="Okapi numbers rise at the Kinshasa zoo", summary="Keepers counted four okapi calves.",
                hours_ago=2),
    ])
    db.close()
    app = StorywatchApp(db_path, STORY_NAME, fetch=False, refresh_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"okapi")
        assert await wait_until(pilot, lambda: "1 in everything: a shows it" in header_label(app))
        assert shown_titles(app) == []
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: "1 in everything: a shows it" in header_label(app))
        await pilot.press("a")
        assert await wait_until(pilot, lambda: shown_titles(app) == ["Okapi numbers rise at the Kinshasa zoo"])
        assert "in everything" not in header_label(app)
        await pilot.press("escape", "slash", *"zacatecas")  # found in the view: nothing more to say
        assert await wait_until(pilot, lambda: shown_titles(app) == ["Drone strikes hit cartel labs in Zacatecas"])
        await pilot.press("slash", *"nothingmatchesthis", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert shown_titles(app) == [] and "in everything" not in header_label(app)


async def test_search_results_with_hostile_titles_highlight_inertly(db_path):
    hostile = "[b]Okapi[/b] \x1b[2J [link=http://x]y[/link] \x1b]52;c;ZXZpbA==\x07 zero\u200bwidth okapi"
    db = open_db(db_path)
    ingest_items(db, [article(1, title=hostile, summary=ON_STORY, hours_ago=1)])
    db.close()
    app = StorywatchApp(db_path, STORY_NAME, fetch=False, refresh_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"[b]okapi[/b]", "enter")
        expected = "[b]Okapi[/b] [link=http://x]y[/link] zerowidth okapi"
        assert await wait_until(pilot, lambda: shown_titles(app) == [expected])
        [cell] = list(app.screen.query_one(StoryFeed).get_column("title"))
        assert [cell.plain[s.start:s.end] for s in cell.spans] == ["b]Okapi[/b"]  # one phrase, highlighted whole
        assert "[b]okapi[/b]" in header_label(app) and app.return_code is None
        assert app.screen.query_one(Input).value == "[b]okapi[/b]"


async def test_keys_typed_at_once_after_slash_all_reach_the_search(db_path):
    """A fast typist (or a paste) sends "/report" in one burst: every letter lands in the bar,
    none on the feed, where "o" would open a browser and "r" poll every feed."""
    from textual import events
    from tui_helpers import notes_of

    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    notes = notes_of(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for char in "/report/x":  # the second "/" is a character of the search
            app._driver.send_message(events.Key("slash" if char == "/" else char, char))
        bar = app.screen.query_one(SearchBar)
        assert await wait_until(pilot, lambda: bar.value == "report/x"), bar.value
        assert notes == []  # nothing opened, polled or marked


def test_a_page_of_lines_is_highlighted_in_one_pass_as_line_by_line():
    lines = ["Cartel strikes near Sinaloa", "Nothing here", "", "US strike on a cartel\x02 camp",
             "Strikes, striking strikers", "Cartel strikes near Sinaloa"]
    one_by_one = [Highlighter("strikes cartel").spans(line) for line in lines]
    batched = Highlighter("strikes cartel")
    batched.learn(lines)
    assert [batched.spans(line) for line in lines] == one_by_one
    assert one_by_one[0] == [(0, 6), (7, 14)] and one_by_one[1] == [] and one_by_one[3] == []
