"""What counts as an update (issue 11): a change a reader would call an edit. Suffix swaps,
whitespace, case and punctuation, and flip-flops between versions are stored but are no news.

Pure text rules first, then real polls of a feed on 127.0.0.1 that changes between polls, the
m008 migration on an old-style file, and the dashboard, where an edited report rises.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from feedserver import item, rss
from tui_helpers import STORY_NAME, make_story, notes_of, shown_titles, wait_until

from storywatch.feeds.fetch import FetchSettings
from storywatch.feeds.poller import poll_due
from storywatch.store.db import open_db
from storywatch.store.feeds import add_feed
from storywatch.store.ingest import ingest_items, record_version
from storywatch.store.records import ArticleRecord
from storywatch.store.schema import migrations
from storywatch.store.text.edits import Version, classify, describe, edit_key, headline, unsigned

FAST = FetchSettings(connect_timeout=2, read_timeout=1, total_timeout=5, poll_interval=600, max_backoff=3600)

# -- the rule, as pure functions ---------------------------------------------------------------


@pytest.mark.parametrize(
    "title, source, shown",
    [
        ("Mexico rejects US troops on its soil - Reuters", "Reuters", "Mexico rejects US troops on its soil"),
        ("Mexico rejects US troops on its soil - reuters.com", "Reuters", "Mexico rejects US troops on its soil"),
        ("Mexico rejects US troops on its soil - reuters.com", None, "Mexico rejects US troops on its soil"),
        ("Strikes on cartels weighed | The New York Times", "The New York Times", "Strikes on cartels weighed"),
        ("Strikes on cartels weighed - The New York Times", "New York Times", "Strikes on cartels weighed"),
        ("Sheinbaum: no foreign troops — AP News", "AP News", "Sheinbaum: no foreign troops"),
        ("Pentagon drafts plans - Al-Jazeera", "Al-Jazeera", "Pentagon drafts plans"),
        ("Pentagon drafts plans - Reuters - Google News", "Reuters", "Pentagon drafts plans"),
        ("Pentagon drafts plans · BBC.co.uk", "BBC News", "Pentagon drafts plans"),
        # Not an outlet's signature: the headline keeps it.
        ("Trump weighs strikes - again", "Reuters", "Trump weighs strikes - again"),
        ("Cartels - the long war", "Reuters", "Cartels - the long war"),
        ("- Reuters", "Reuters", "- Reuters"),
        ("Mexico-US talks resume", "Reuters", "Mexico-US talks resume"),
    ],
)
def test_an_outlets_signature_is_not_part_of_the_headline(title, source, shown):
    assert headline(title, source) == shown


@pytest.mark.parametrize(
    "title, summary, source, url, kept",
    [
        # Google News: the outlet's name after the headline, a teaser of the headline and the name
        ("Pentagon drafts plans - Reuters", "Pentagon drafts plans  Reuters", "Reuters",
         "https://news.google.com/rss/articles/CBMi1", ("Pentagon drafts plans", "")),
        ("Strikes weighed - The New York Times", "Strikes weighed The New York Times", "The New York Times",
         "https://news.google.com/rss/articles/CBMi2", ("Strikes weighed", "")),
        # a feed made from it, named for the wire: the name is its links' site
        ("Hegseth visits Southcom - Reuters", "Hegseth visits Southcom  Reuters", "Reuters (Direct)",
         "https://www.reuters.com/world/americas/hegseth-2026-06-01/", ("Hegseth visits Southcom", "")),
        # a teaser that is the headline again says nothing more
        ("Troops move north", "Troops move north.", "AP", "https://apnews.com/a/1", ("Troops move north", "")),
        # a teaser that says more is kept, whatever its first words
        ("Troops move north - Reuters", "Troops move north, officials said on Monday.", "Reuters",
         "https://www.reuters.com/a", ("Troops move north", "Troops move north, officials said on Monday.")),
        # another outlet's name in a teaser is no signature of this one
        ("Troops move north - Reuters", "Troops move north AP News", "Reuters", "https://www.reuters.com/a",
         ("Troops move north", "Troops move north AP News")),
    ],
)
def test_a_signed_headline_and_a_teaser_that_repeats_it_are_the_bare_headline(title, summary, source, url, kept):
    assert unsigned(title, summary, source, url) == kept
    # and an edit key reads the feed's text and the stored one as one version
    assert edit_key(title, summary, "", source, url) == edit_key(*kept, "", source, url)


def test_edit_key_ignores_what_no_reader_calls_an_edit():
    base = edit_key("Mexico rejects US troops - Reuters", "<p>Sheinbaum said so on Monday.</p>", "", "Reuters")
    assert edit_key("Mexico rejects US troops - reuters.com", "Sheinbaum said so on Monday.", "", "Reuters") == base
    assert edit_key("MEXICO REJECTS US TROOPS!", "Sheinbaum  said so,\non Monday", None, "Reuters") == base
    assert edit_key("Mexico rejects US troops - Reuters", "<b>Sheinbaum</b> said so on Monday.", "", "Reuters") == base
    # Real edits: other words in the headline, the summary or the full text.
    assert edit_key("Mexico rejects US troops again - Reuters", "Sheinbaum said so on Monday.", "", "Reuters") != base
    assert edit_key("Mexico rejects US troops - Reuters", "Sheinbaum said so on Tuesday.", "", "Reuters") != base
    assert edit_key("Mexico rejects US troops - Reuters", "Sheinbaum said so on Monday.", "More.", "Reuters") != base


def test_classify_names_each_version():
    a, b = Version("Troops move north"), Version("Troops move north, officials say", "Ten thousand soldiers.")
    key_a, key_b = edit_key(a.title, "", ""), edit_key(b.title, b.summary, "")
    assert classify([], key_a, a).kind == "first"
    edit = classify([(1, key_a)], key_b, b, a)
    assert (edit.kind, edit.changes, edit.same_as) == ("edit", "headline changed, summary changed, +3 words", None)  # the text's words, as `d` counts them
    assert classify([(1, key_a), (2, key_b)], key_b, b, b).kind == "minor"
    back = classify([(1, key_a), (2, key_b)], key_a, a, b)
    assert (back.kind, back.same_as, back.changes) == ("return", 1, "")
    assert classify([(1, key_a), (2, key_b), (3, key_a)], key_b, b, a).same_as == 2


def test_describe_counts_words_added_and_taken_out():
    before = Version("Talks", "One two three.", "Alpha beta gamma delta.")
    assert describe(before, Version("Talks", "One two three.", "Alpha beta gamma delta epsilon zeta.")) == (
        "text changed, +2 words"
    )
    assert describe(before, Version("Talks", "One two.", "Alpha beta gamma delta.")) == "summary changed, −1 words"
    assert describe(before, Version("Talks resume", before.summary, before.body)) == "headline changed"


# -- real polls of a changing feed -------------------------------------------------------------


def _published(minute: int) -> datetime:
    return datetime(2025, 6, 1, 12, minute, tzinfo=timezone.utc)


class ChangingFeed:
    """One feed on 127.0.0.1 whose items the test rewrites before each poll."""

    def __init__(self, feed_server, db, path: str) -> None:
        self.server, self.db, self.path = feed_server, db, path
        self.url = feed_server.route(path, rss([]))
        add_feed(db, self.url)

    async def poll(self, items: list[dict]):
        self.server.route(self.path, rss(items))
        return await poll_due(self.db, settings=FAST, force=True)

    async def polls(self, versions: list[list[dict]]) -> list[tuple[int, int]]:
        """(new, updated) reported by each poll."""
        found = []
        for items in versions:
            report = await self.poll(items)
            assert report.ok == 1
            found.append((len(report.new_ids), len(report.updated_ids)))
        return found


def _kinds(db) -> list[tuple]:
    return db.execute("SELECT revision, kind, changes, same_as FROM revisions ORDER BY article_id, revision").fetchall()


def _article(db) -> tuple:
    return db.execute("SELECT title, revision_count, read_at IS NULL FROM articles").fetchone()


async def test_an_aggregators_signed_items_are_stored_as_their_headlines(feed_server, db):
    """Google News signs every headline with its outlet and sends a teaser of the headline and
    the outlet's name: the row holds the headline, no teaser, and the outlet only as its source."""
    link = "https://news.google.com/rss/articles/CBMiabc?oc=5"
    teaser = f'<a href="{link}">US strikes boat in Caribbean</a>&nbsp;&nbsp;<font color="#6f6f6f">Reuters</font>'
    feed = ChangingFeed(feed_server, db, "/google.xml")
    signed = item(1, title="US strikes boat in Caribbean - Reuters", summary=teaser, source="Reuters", link=link)
    assert await feed.polls([[signed]]) == [(1, 0)]
    assert db.execute("SELECT title, summary, source FROM articles WHERE kind = 'feed'").fetchall() == [
        ("US strikes boat in Caribbean", "", "Reuters")
    ]
    organisations = db.execute(
        "SELECT e.name FROM mentions m JOIN entities e ON e.id = m.entity_id WHERE e.kind = 'org'"
    ).fetchall()
    assert ("Reuters",) not in organisations


async def test_a_row_stored_signed_takes_the_bare_headline_quietly(feed_server, db):
    """A row an earlier version stored with the outlet's signature and a repeating teaser: the
    next poll brings the bare headline, which no reader calls an edit."""
    feed = ChangingFeed(feed_server, db, "/upgrade.xml")
    signed = item(1, title="Sheinbaum rejects US troops - Reuters", summary="Sheinbaum rejects US troops  Reuters",
                  source="Reuters")
    assert await feed.polls([[signed]]) == [(1, 0)]
    with db.atomic():  # as the earlier version wrote it
        db.execute("UPDATE articles SET title = 'Sheinbaum rejects US troops - Reuters',"
                   " summary = 'Sheinbaum rejects US troops  Reuters', content_hash = 'old' WHERE kind = 'feed'")
        db.execute("UPDATE revisions SET title = 'Sheinbaum rejects US troops - Reuters',"
                   " summary = 'Sheinbaum rejects US troops  Reuters'")
    assert await feed.polls([[signed]]) == [(0, 0)]
    assert [kind for _revision, kind, *_ in _kinds(db)] == ["first", "minor"]
    assert _article(db) == ("Sheinbaum rejects US troops", 1, 1)


async def test_a_headline_edit_is_an_update(feed_server, db):
    feed = ChangingFeed(feed_server, db, "/title-edit.xml")
    one = item(1, title="Troops move north", source="Reuters")
    assert await feed.polls([[one], [{**one, "title": "Troops move north, officials say"}]]) == [(1, 0), (0, 1)]
    assert _kinds(db) == [(1, "first", None, None), (2, "edit", "headline changed", None)]
    assert _article(db) == ("Troops move north, officials say", 2, 1)


async def test_a_summary_edit_is_an_update_with_the_words_it_added(feed_server, db):
    feed = ChangingFeed(feed_server, db, "/summary-edit.xml")
    one = item(1, summary="<p>Troops moved north on Monday.</p>")
    longer = {**one, "summary": "<p>Troops moved north on Monday, ten thousand of them, officials said.</p>"}
    assert await feed.polls([[one], [longer]]) == [(1, 0), (0, 1)]
    assert _kinds(db)[-1] == (2, "edit", "summary changed, +6 words", None)


@pytest.mark.parametrize(
    "before, after, source, kinds",
    [
        # whitespace and markup only: the parser and content_hash already see one text
        (
            {"summary": "<p>Troops moved north.</p><p>More soon.</p>"},
            {"summary": "<p>Troops  moved <b>north</b>.</p> <div>More\n soon.</div>"},
            None,
            ["first"],
        ),
        # spacing around punctuation: another stored text, the same to a reader
        (
            {"summary": "Troops moved north. More soon."},
            {"summary": "Troops moved north . More soon ..."},
            None,
            ["first", "minor"],
        ),
        # the aggregator swaps the outlet's signature: the headline is stored without it, so
        # both versions store one text
        (
            {"title": "Troops move north - Reuters"},
            {"title": "Troops move north - reuters.com"},
            "Reuters",
            ["first"],
        ),
        # case and punctuation only
        (
            {"title": "Troops move north: officials"},
            {"title": "Troops Move North — Officials!"},
            None,
            ["first", "minor"],
        ),
    ],
    ids=["whitespace-and-markup", "punctuation-spacing", "suffix-swap", "case-and-punctuation"],
)
async def test_changes_no_reader_calls_an_edit_are_kept_but_no_update(feed_server, db, before, after, source, kinds):
    feed = ChangingFeed(feed_server, db, "/minor.xml")
    first, second = item(1, source=source, **before), item(1, source=source, **after)
    assert await feed.polls([[first], [second], [second]]) == [(1, 0), (0, 0), (0, 0)]
    assert [kind for _revision, kind, *_ in _kinds(db)] == kinds  # every version is kept
    title, count, unread = _article(db)
    assert count == 1
    # The feed's current text is what is stored and shown, quietly (its headline unsigned).
    assert title == headline(clean_title(second["title"]), source)


def clean_title(title: str) -> str:
    return " ".join(title.split())


async def test_a_flip_flop_is_news_once_then_quiet(feed_server, db):
    feed = ChangingFeed(feed_server, db, "/flip-flop.xml")
    a = item(1, title="Sheinbaum rejects US troops - Reuters", source="Reuters")
    b = {**a, "title": "Sheinbaum rejects US troops on Mexican soil - Reuters"}
    assert await feed.polls([[a], [b], [a], [b], [a], [b]]) == [(1, 0), (0, 1), (0, 0), (0, 0), (0, 0), (0, 0)]
    assert _kinds(db) == [
        (1, "first", None, None),
        (2, "edit", "headline changed", None),
        (3, "return", None, 1),
        (4, "return", None, 2),
        (5, "return", None, 1),
        (6, "return", None, 2),
    ]
    assert _article(db)[:2] == ("Sheinbaum rejects US troops on Mexican soil", 2)  # stored unsigned


async def test_two_items_for_one_link_with_different_headlines_are_no_update_storm(feed_server, db):
    feed = ChangingFeed(feed_server, db, "/two-headlines.xml")
    x = item(1, title="Troops move north", guid="x-1")
    y = item(1, title="Mexican troops head to the border", guid="y-1")
    found = await feed.polls([[x, y], [y, x], [x, y], [y, x], [x, y], [y, x]])
    assert found[0] == (1, 0)
    assert sum(updated for _new, updated in found) <= 1  # at most the one headline it had not had
    assert db.execute("SELECT count(*) FROM articles").fetchone() == (1,)
    assert _article(db)[1] <= 2


async def test_an_edit_to_the_full_text_alone_is_an_update_labelled_text(feed_server, db):
    feed = ChangingFeed(feed_server, db, "/full-text.xml")
    one = item(1, content="<p>Troops moved north on Monday.</p>")
    longer = {**one, "content": "<p>Troops moved north on Monday.</p><p>Officials said ten thousand went.</p>"}
    assert await feed.polls([[one], [longer]]) == [(1, 0), (0, 1)]
    assert _kinds(db)[-1] == (2, "edit", "text changed, +5 words", None)


async def test_an_item_that_leaves_the_feed_and_comes_back_is_neither_new_nor_updated(feed_server, db):
    feed = ChangingFeed(feed_server, db, "/comes-back.xml")
    one, two = item(1), item(2)
    assert await feed.polls([[one, two], [two], [two], [one, two]]) == [(2, 0), (0, 0), (0, 0), (0, 0)]
    assert db.execute("SELECT count(*) FROM revisions").fetchone() == (2,)


def test_record_version_works_for_any_stored_article(db):
    """The full-text fetcher hands a page's text to `record_version` for an article it names."""
    record = ArticleRecord(title="Troops move north", url="https://news.example/a", summary="Short.")
    stored = ingest_items(db, [record], seen_at="2025-06-01T08:00:00Z")
    article_id = stored.new_ids[0]
    at = "2025-06-02T08:00:00Z"
    with db.atomic():
        assert record_version(db, article_id, "Troops move north", "Short.", "The whole page.", at) == "updated"
        assert record_version(db, article_id, "Troops move north", "Short.", "The whole page.", at) == "unchanged"
        assert record_version(db, article_id, "TROOPS MOVE NORTH", "Short", "The  whole page", at) == "quiet"
        later = "2025-06-03T08:00:00Z"  # an edit, stored as no news (a report's first full text)
        assert record_version(db, article_id, "Troops move north", "Short.", "The whole page, longer.", later,
                              news=False, changes="full text from the report's page") == "quiet"
    assert _kinds(db) == [
        (1, "first", None, None),
        (2, "edit", "text changed, +3 words", None),
        (3, "minor", None, None),
        (4, "minor", "full text from the report's page", None),
    ]
    assert db.execute("SELECT revision_count, updated_at, sort_at FROM articles").fetchone() == (2, at, at)


# -- the migration -------------------------------------------------------------------------------


def test_m008_classifies_old_revisions_and_counts_only_edits(tmp_path):
    path = tmp_path / "old.db"
    old = open_db(path, migrate=False)
    with old.atomic():
        migrations.apply(old, stop_before="m008_revision_kinds")
    versions = [
        "Sheinbaum rejects US troops - Reuters",
        "Sheinbaum rejects US troops - reuters.com",  # a suffix swap
        "Sheinbaum rejects US troops on Mexican soil - Reuters",  # the one real edit
        "Sheinbaum rejects US troops - reuters.com",  # back to revision 1
        "Sheinbaum rejects US troops on Mexican soil - Reuters",  # back to revision 3
    ]
    with old.atomic():
        old.execute(
            "INSERT INTO articles (id, kind, title, source, first_seen_at, updated_at, sort_at, content_hash,"
            " revision_count) VALUES (7, 'feed', ?, 'Reuters', 't0', 't4', 't0', 'h4', 5)",
            [versions[-1]],
        )
        for number, title in enumerate(versions, 1):
            old.execute(
                "INSERT INTO revisions (article_id, revision, seen_at, title, summary, body, content_hash)"
                " VALUES (7, ?, ?, ?, 'Mexico will fight the cartels itself.', '', ?)",
                [number, f"t{number}", title, f"h{number}"],
            )
    old.close()

    db = open_db(path)
    assert _kinds(db) == [
        (1, "first", None, None),
        (2, "minor", None, None),
        (3, "edit", "headline changed", None),
        (4, "return", None, 1),
        (5, "return", None, 3),
    ]
    assert db.execute("SELECT revision_count FROM articles WHERE id = 7").fetchone() == (2,)
    db.close()


# -- the dashboard: an edited report rises and says what changed ----------------------------


TEXTS = {
    1: "US drone strikes hit cartel labs in Sinaloa, the Pentagon said on Monday night.",
    2: "Sheinbaum rejected US troops as Trump weighed strikes on Mexican drug cartels.",
    3: "Hegseth told Congress the military could strike the cartels within weeks.",
}


async def test_an_edited_report_rises_to_the_top_and_is_announced(tmp_path, feed_server):
    from storywatch.tui.app import StorywatchApp

    db_path = make_story(tmp_path)
    reports = [item(n, title=f"Cartel report {n}", summary=TEXTS[n], published=_published(n)) for n in (1, 2, 3)]
    feed_server.route("/rise.xml", rss(reports))
    db = open_db(db_path)
    add_feed(db, feed_server.url("/rise.xml"), "Local news")
    db.close()
    settings = FetchSettings(connect_timeout=2, read_timeout=2, total_timeout=3, poll_interval=3600)

    app = StorywatchApp(db_path, STORY_NAME, fetch=True, fetch_settings=settings, refresh_interval=60)
    async with app.run_test(size=(120, 30)) as pilot:
        notes = notes_of(app)
        assert await wait_until(pilot, lambda: "Cartel report 1" in shown_titles(app), 5)
        feed_rows = [title for title in shown_titles(app) if title.startswith("Cartel report")]
        assert feed_rows == ["Cartel report 3", "Cartel report 2", "Cartel report 1"]

        # A suffix swap and a case change: quiet, the order stays (the headline shown unsigned).
        swapped = [{**reports[0], "title": "CARTEL REPORT 1 - news.example"}, *reports[1:]]
        feed_server.route("/rise.xml", rss(swapped))
        await pilot.press("r")
        assert await wait_until(pilot, lambda: "CARTEL REPORT 1" in shown_titles(app), 5)
        feed_rows = [title for title in shown_titles(app) if title.lower().startswith("cartel report")]
        assert feed_rows == ["Cartel report 3", "Cartel report 2", "CARTEL REPORT 1"]
        assert not [note for note in notes if "Updated:" in note]

        # A real edit of the oldest report: it rises above every other row, and says what changed.
        edited = {**reports[0], "title": "Cartel report 1: [b]strikes[/b] confirmed"}
        feed_server.route("/rise.xml", rss([edited, *reports[1:]]))
        await pilot.press("r")
        assert await wait_until(pilot, lambda: shown_titles(app)[:1] == [edited["title"]], 5)
        assert [title for title in shown_titles(app) if title.startswith("Cartel report")] == [
            edited["title"],
            "Cartel report 3",
            "Cartel report 2",
        ]
        assert await wait_until(pilot, lambda: any("Updated:" in note for note in notes), 5)
        assert [note for note in notes if "Updated:" in note] == [
            "information: Updated: Cartel report 1: [b]strikes[/b] confirmed — headline changed"
        ]


def test_an_edit_moves_the_report_in_time_but_the_trend_counts_it_once(tmp_path):
    from tui_helpers import ON_STORY, article

    from storywatch.store.coverage import story_feed
    from storywatch.store.trends import coverage_trend

    db = open_db(make_story(tmp_path))
    story_id = db.execute("SELECT id FROM stories").fetchone()[0]
    now = datetime(2031, 5, 20, 10, 30, tzinfo=timezone.utc)
    first = article(1, summary=ON_STORY, published_at="2031-05-20T01:00:00Z", source="Reuters")
    later = article(
        2,
        title="Sheinbaum answers",
        summary="Mexican troops moved north as Sheinbaum rejected US military strikes on the drug cartels.",
        published_at="2031-05-20T05:00:00Z",
    )
    head = ingest_items(db, [first, later], seen_at="2031-05-20T06:00:00Z").new_ids[0]
    copy = ingest_items(
        db, [article(3, title=first.title, summary=ON_STORY, source="B")], seen_at="2031-05-20T06:10:00Z"
    ).new_ids[0]
    assert db.execute("SELECT group_id FROM coverage WHERE article_id = ?", [copy]).fetchone() == (head,)
    order = [row.title for row in story_feed(db, story_id, show="all") if row.kind == "feed"]
    assert order == ["Sheinbaum answers", first.title]
    before = coverage_trend(db, story_id, "hour", now=now)

    # A suffix swap on the head: no move.
    quiet = ingest_items(db, [replace_title(first, first.title + " - reuters.com")], seen_at="2031-05-20T09:00:00Z")
    assert quiet.updated_ids == []
    assert [row.title for row in story_feed(db, story_id, show="all") if row.kind == "feed"][0] == "Sheinbaum answers"

    # Another outlet edits its copy: the whole report rises, and is still counted once.
    edited = ingest_items(
        db,
        [article(3, title=first.title, summary=ON_STORY + " Twelve were killed.", source="B")],
        seen_at="2031-05-20T10:00:00Z",
    )
    assert edited.updated_ids == [copy]
    rows = [row for row in story_feed(db, story_id, show="all") if row.kind == "feed"]
    assert [row.id for row in rows] == [head, db.execute("SELECT id FROM articles WHERE guid = 'test-2'").fetchone()[0]]
    assert rows[0].revised_at == "2031-05-20T10:00:00Z"
    after = coverage_trend(db, story_id, "hour", now=now)
    assert sum(after) == sum(before) and after[-1] >= 1  # moved to the edit's hour, never counted twice
    db.close()


def replace_title(record: ArticleRecord, title: str) -> ArticleRecord:
    from dataclasses import replace

    return replace(record, title=title)
