"""What a new report adds: the pure sentence splitting and novelty marking, and the stored
developments through the real ingest path."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st
from tui_helpers import article, make_story

from storywatch.store.db import open_db
from storywatch.store.ingest import ingest_items
from storywatch.store.novelty import latest_developments, novel_of
from storywatch.store.text.novelty import novel_sentences, sentences, text_units

SEED = (
    "President Donald Trump has directed the Pentagon to draft plans for US military strikes on Mexican"
    " drug cartels in Sinaloa, officials said. Defense Secretary Pete Hegseth said drone strikes on cartel"
    " labs were among the options, after the cartels were designated terrorist organizations."
)


def split(text: str) -> list[str]:
    return [text[a:b] for a, b in sentences(text)]


def marked(text: str, known_text: str = SEED) -> list[str]:
    return [text[a:b] for a, b, _ in novel_sentences(text, text_units(known_text))]


# -- sentence splitting ----------------------------------------------------------------------


def test_abbreviations_initials_and_numbers_do_not_end_a_sentence():
    text = (
        'U.S. Defense Secretary Pete Hegseth said on Jan. 5 that Gen. Dan Caine met Mr. J. Smith at 3 p.m. in'
        ' Washington, D.C. on Monday. Twelve people died! Was it 1.5 million dollars? "We will act," he said.'
    )
    assert split(text) == [
        "U.S. Defense Secretary Pete Hegseth said on Jan. 5 that Gen. Dan Caine met Mr. J. Smith at 3 p.m. in"
        " Washington, D.C. on Monday.",
        "Twelve people died!",
        "Was it 1.5 million dollars?",
        '"We will act," he said.',
    ]


def test_quotes_close_a_sentence_and_a_dateline_is_not_one():
    text = 'MEXICO CITY (Reuters) - Sheinbaum said: "No troops." The army moved in. WASHINGTON - not a dateline here.'
    assert split(text) == ['Sheinbaum said: "No troops."', "The army moved in.", "WASHINGTON - not a dateline here."]
    assert split("WASHINGTON — The Pentagon drafted plans.") == ["The Pentagon drafted plans."]


def test_paragraphs_and_sentences_without_a_stop():
    assert split("Headline without a stop\n\nFirst sentence. second lower") == [
        "Headline without a stop", "First sentence. second lower",
    ]
    assert split("") == []


def test_offsets_point_into_the_text():
    text = "  One fact here.   Another fact there.  "
    assert [(a, b) for a, b in sentences(text)] == [(2, 16), (19, 38)]


# -- novelty -----------------------------------------------------------------------------------


def test_a_rewrite_of_the_seed_adds_nothing():
    rewrite = (
        "Drone strikes on the labs of the cartels are among the options, Hegseth, the defense secretary, says."
        " The Pentagon has been directed by Trump to draft plans for military strikes by the US on drug"
        " cartels in Mexico's Sinaloa. The cartels had been designated as terrorist organizations."
    )
    assert marked(rewrite) == []


def test_one_new_number_marks_exactly_its_sentence():
    text = (
        "The Pentagon drafted plans for strikes on cartels in Sinaloa. Drone strikes on cartel labs killed 14"
        " people, Hegseth said. Trump directed the Pentagon to strike the drug cartels."
    )
    assert marked(text) == ["Drone strikes on cartel labs killed 14 people, Hegseth said."]
    assert marked(text.replace("killed 14", "killed fourteen")) == [
        "Drone strikes on cartel labs killed fourteen people, Hegseth said."
    ]


def test_a_new_name_or_a_new_event_marks_its_sentence():
    name = "Hegseth said drone strikes on cartel labs were among the options. Ovidio Guzman was detained in Culiacan."
    assert marked(name) == ["Ovidio Guzman was detained in Culiacan."]
    event = "The cartels were designated terrorist organizations. Gunmen ambushed a military convoy overnight."
    assert marked(event) == ["Gunmen ambushed a military convoy overnight."]


def test_a_fact_repeated_within_the_report_is_new_once():
    text = "Strikes killed 14 in Sinaloa. Hegseth said the strikes in Sinaloa killed 14."
    assert marked(text) == ["Strikes killed 14 in Sinaloa."]


def test_boilerplate_and_fragments_are_never_new():
    assert marked("Officials said on Tuesday, according to reports. Read more.") == []


# -- stored, through the real ingest path ---------------------------------------------------------


def test_ingest_marks_new_sentences_and_a_second_outlet_adds_nothing(tmp_path):
    db = open_db(make_story(tmp_path))
    first = ingest_items(db, [article(
        1,
        title="US drone strikes on Mexican cartels in Sinaloa, Hegseth says",
        summary="Defense Secretary Pete Hegseth said drone strikes on cartel labs in Sinaloa went ahead."
        " The strikes killed 14 people near Culiacan, a Chapitos stronghold.",
    )]).new_ids[0]
    found = novel_of(db, first)
    assert [(d.field, d.sentence) for d in found] == [
        ("summary", "The strikes killed 14 people near Culiacan, a Chapitos stronghold.")
    ]
    summary = db.execute("SELECT summary FROM articles WHERE id = ?", [first]).fetchone()[0]
    assert summary[found[0].char_start : found[0].char_end] == found[0].sentence
    # Another outlet, its own words, the same facts: nothing new.
    second = ingest_items(db, [article(
        2,
        title="Fourteen killed near Culiacan as US drones strike cartel labs, says Hegseth",
        summary="US drone strikes on Chapitos cartel labs near Culiacan in Sinaloa killed fourteen people.",
    )]).new_ids[0]
    assert novel_of(db, second) == []
    # A copy of the first report from another outlet: nothing new either, whatever it says.
    copy = ingest_items(db, [article(
        3,
        title="US drone strikes on Mexican cartels in Sinaloa, Hegseth says",
        summary="Defense Secretary Pete Hegseth said drone strikes on cartel labs in Sinaloa went ahead."
        " The strikes killed 14 people near Culiacan, a Chapitos stronghold. Seven soldiers were hurt.",
        url="http://127.0.0.1:9/other/3", source="Copying Outlet",
    )]).new_ids[0]
    assert db.execute("SELECT match FROM coverage WHERE article_id = ?", [copy]).fetchone()[0] != "first"
    assert novel_of(db, copy) == []
    assert [d.article_id for d in latest_developments(db, 1)] == [first]


def test_latest_developments_put_the_newest_report_first_and_tell_each_in_its_order(tmp_path):
    """A report's new sentences, found together, read as the report tells them (headline, then
    its summary's sentences), not last sentence first; the newer report comes first."""
    db = open_db(make_story(tmp_path))
    older = ingest_items(db, [article(
        1,
        title="Mexico sends 37 cartel suspects to the US as Pentagon weighs drone strikes",
        summary="Mexico sent 37 cartel suspects to the United States on Tuesday, officials said."
        " Sheinbaum said the transfer was a sovereign decision and US troops were not welcome.",
    )]).new_ids[0]
    newer = ingest_items(db, [article(
        2,
        title="US Navy strikes alleged cartel boat off Sinaloa, Hegseth says, killing three",
        summary="A US strike on an alleged Sinaloa cartel boat killed three men on Friday, Hegseth said."
        " Mexico's navy searched for a survivor in the Gulf of California after the cartel strike.",
    )]).new_ids[0]
    latest = latest_developments(db, 1)
    assert [d.article_id for d in latest] == sorted((d.article_id for d in latest), key=[newer, older].index)
    for report in (older, newer):
        told = [(d.field, d.char_start) for d in latest if d.article_id == report]
        assert len(told) >= 2 and told == sorted(told, key=lambda fc: (fc[0] != "title", fc[1]))
        assert told == [(d.field, d.char_start) for d in novel_of(db, report, 1)]


def test_off_story_reports_add_nothing_and_teach_nothing(tmp_path):
    db = open_db(make_story(tmp_path))
    off = ingest_items(db, [article(1, title="Apple shares rose 14 percent after earnings beat forecasts")]).new_ids[0]
    assert db.execute("SELECT on_story FROM relevance WHERE article_id = ?", [off]).fetchone()[0] == 0
    assert novel_of(db, off) == []
    later = ingest_items(db, [article(
        2, title="US drone strikes on Sinaloa cartels", summary="Strikes on cartel labs killed 14 people in Sinaloa."
    )]).new_ids[0]
    assert [d.sentence for d in novel_of(db, later)] == ["Strikes on cartel labs killed 14 people in Sinaloa."]


def test_a_revision_keeps_its_marks_and_marks_what_the_edit_adds(tmp_path):
    db = open_db(make_story(tmp_path))
    item = article(1, title="US drone strikes on Sinaloa cartels", summary="Strikes on cartel labs killed 14 people.")
    article_id = ingest_items(db, [item]).new_ids[0]
    assert len(novel_of(db, article_id)) == 1
    item = replace(item, summary="Hours later: Strikes on cartel labs killed 14 people. Sheinbaum recalled ambassador Esteban Moctezuma.")
    assert ingest_items(db, [item]).updated_ids == [article_id]
    found = novel_of(db, article_id)
    assert [d.sentence for d in found] == [
        "Strikes on cartel labs killed 14 people.", "Sheinbaum recalled ambassador Esteban Moctezuma.",
    ]
    summary = db.execute("SELECT summary FROM articles WHERE id = ?", [article_id]).fetchone()[0]
    assert all(summary[d.char_start : d.char_end] == d.sentence for d in found)


def test_an_existing_database_learns_its_story_when_migrated(tmp_path):
    db = open_db(make_story(tmp_path))
    ingest_items(db, [article(1, title="US drone strikes on Sinaloa cartels", summary="Strikes killed 14 people.")])
    known = db.execute("SELECT count(*) FROM story_knowledge").fetchone()[0]
    db.execute("DELETE FROM story_knowledge")
    db.execute("DELETE FROM developments")
    db.execute("DROP TABLE developments")
    db.execute("DROP TABLE story_knowledge")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm009_novelty'")
    db.conn.commit()
    db.close()
    db = open_db(tmp_path / "storywatch.db")
    assert db.execute("SELECT count(*) FROM story_knowledge").fetchone()[0] == known
    assert db.execute("SELECT count(*) FROM developments").fetchone()[0] == 0


def test_sentences_are_ordered_trimmed_and_inside_the_text_whatever_it_is():
    alphabet = st.sampled_from(list("ab .!?\"'()-—\nU.S.Gen.Jan.14 MEXICO CITY (Reuters) ")) | st.characters()

    @given(st.text(alphabet=alphabet, max_size=300))
    def check(text):
        spans = sentences(text)
        assert all(0 <= a < b <= len(text) for a, b in spans)
        assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))
        assert all(not text[a].isspace() and not text[b - 1].isspace() for a, b in spans)
        novel_sentences(text, set())  # never fails on any text

    check()


def test_a_label_number_is_no_fact():
    assert marked("Update 2 on the drone strikes on cartel labs in Sinaloa.") == []
    assert marked("Drone strikes on cartel labs in Sinaloa killed 2.") != []
