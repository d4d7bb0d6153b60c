"""An item's text work done beforehand (store/prepared.py, as the poller's worker processes do
it) stores exactly the rows the store makes when it does the work itself (issue 13)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from table_dump import dump

from storywatch.store.db import open_db
from storywatch.store.feeds import add_feed, all_feeds, remove_feed
from storywatch.store.ingest import save_poll
from storywatch.store.prepared import pack, prepare, relevance_terms, unpack, with_names
from storywatch.store.records import ArticleRecord, PollOutcome
from storywatch.store.story import ensure_story, load_story
from storywatch.store.text import relevance

STORY = Path(__file__).resolve().parents[1] / "seeds" / "story.toml"

REPORTS = [
    "Mexican President Claudia Sheinbaum said on Tuesday that her government would not accept any foreign"
    " military operation against the cartels on Mexican soil, after reports that Washington was weighing"
    " drone strikes on drug laboratories in Sinaloa and Michoacán.",
    "The Pentagon has drawn up plans for strikes on fentanyl labs run by the Sinaloa Cartel and the CJNG,"
    " U.S. officials told reporters, as Defense Secretary Pete Hegseth met Mexican counterparts in Washington.",
    "Hurricane Erick made landfall on the Pacific coast of Oaxaca early on Thursday as a Category 3 storm,"
    " forcing thousands of families into shelters, the civil protection agency said.",
    "Sheinbaum rejected the idea again on Wednesday. \"There will be no intervention,\" she said, adding that"
    " Mexico's security cabinet had arrested 40 suspects in Culiacán since Monday.",
]


def records(round_: int) -> list[ArticleRecord]:
    """Items of one poll: reports, a near copy, one listed twice, and in the second round an edit."""
    items = []
    for n, text in enumerate(REPORTS):
        body = text + (" The minister resigned hours later." if round_ and n == 1 else "")
        items.append(ArticleRecord(title=f"Report {n}: {text[:60]}", url=f"https://news.example/{n}",
                                   guid=f"g-{n}", summary=text, body=body, author="Staff",
                                   published_at="2026-11-20T09:00:00Z"))
    items.append(replace(items[0], url="https://wire.example/copy", guid="wire-0", title=items[0].title + " - Wire"))
    items.append(items[2])  # listed twice
    return items


def polled(tmp_path: Path, name: str, ready: bool) -> Path:
    """Two polls of one feed into a fresh database holding the bundled story, with each item's
    text work done beforehand (and carried through pack/unpack as a worker sends it) or not."""
    path = tmp_path / f"{name}.db"
    db = open_db(path)
    ensure_story(db, load_story(STORY))
    for feed in all_feeds(db):
        remove_feed(db, str(feed.id))
    feed_id = add_feed(db, "http://127.0.0.1:9/feed.xml")
    for round_, at in enumerate(("2026-11-20T10:00:00Z", "2026-11-20T11:00:00Z")):
        if round_:
            # The first report's own page gave its text: the analysis must read that, not the feed's.
            db.execute("UPDATE articles SET body = body || ' Omar García Harfuch told the Senate of 12 arrests.' WHERE url = 'https://news.example/0'")
            db.execute("INSERT INTO page_fetches (article_id, url, status, fetched_at, attempts, text_at)"
                       " SELECT id, url, 'ok', ?, 0, ? FROM articles WHERE url = 'https://news.example/0'", [at, at])
            db.conn.commit()
        items = records(round_)
        prepared = [unpack(pack(prepare(item))) for item in items] if ready else None
        save_poll(db, feed_id, PollOutcome(polled_at=at, ok=True, status=200), items, prepared)
    db.close()
    return path


def test_the_rows_are_the_same_with_the_text_work_done_beforehand(tmp_path):
    plain, ready = dump(polled(tmp_path, "plain", False)), dump(polled(tmp_path, "ready", True))
    assert plain["mentions"] and plain["developments"] and plain["relevance"]  # the analysis did run
    assert {table for table in plain if plain[table] != ready.get(table)} == set()


def test_an_analysis_of_other_text_is_not_used(tmp_path):
    """What was prepared for the feed's text says nothing of the text the store holds instead."""
    from storywatch.store.analysis import analyse_articles

    db = open_db(tmp_path / "x.db")
    item = records(0)[1]
    save_poll(db, add_feed(db, "http://127.0.0.1:9/a.xml"), PollOutcome(polled_at="2026-11-20T10:00:00Z", ok=True), [item])
    (article_id, title, summary, body), = db.execute("SELECT id, title, summary, body FROM articles").fetchall()
    before = db.execute("SELECT text FROM mentions ORDER BY id").fetchall()
    wrong = prepare(replace(item, title="Nothing", summary="Nobody", body="Elon Musk met Angela Merkel in Paris."))
    analyse_articles(db, [article_id], {(title, summary, body + " "): wrong.analysis})
    assert db.execute("SELECT text FROM mentions ORDER BY id").fetchall() == before
    analyse_articles(db, [article_id], {(title, summary, body): wrong.analysis})
    assert db.execute("SELECT text FROM mentions ORDER BY id").fetchall() != before  # used when the text is the same
    db.close()


def test_pack_and_unpack_carry_everything():
    item = records(1)[1]
    assert unpack(pack(prepare(item))) == prepare(item)


@settings(max_examples=60, deadline=None)
@given(
    st.text(max_size=80), st.text(max_size=200), st.text(max_size=200),
    st.lists(st.sampled_from(["Claudia Sheinbaum", "Sinaloa Cartel", "United States", "cartel", "", "CJNG"]), max_size=4),
)
def test_the_terms_with_names_added_are_those_relevance_gives(title, summary, body, names):
    words, opening = relevance_terms(title, summary, body)
    assert (with_names(words, names), opening) == relevance.article_terms(title, summary, body, names)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80), st.text(max_size=200), st.text(max_size=200))
def test_the_openings_facet_keys_worked_out_beforehand_are_those_scoring_makes(title, summary, body):
    analysis = prepare(ArticleRecord(title=title or "x", url="https://example.org/a", summary=summary, body=body)).analysis
    assert analysis.opening_keys == relevance.facet_keys(analysis.opening)
