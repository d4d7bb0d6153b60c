"""What a mark taught the story, as the dashboard says it after + or - (store/taught.py), on a
real SQLite file with the bundled story."""

from pathlib import Path

import pytest

from storywatch.store import scoring
from storywatch.store.db import open_db
from storywatch.store.ingest import ingest_items
from storywatch.store.records import ArticleRecord
from storywatch.store.story import ensure_story, load_story
from storywatch.store.taught import taught_by

STORY = Path(__file__).resolve().parent.parent / "seeds" / "story.toml"

SCREWWORM = ArticleRecord(
    title="US suspends Mexican cattle imports over screwworm outbreak",
    url="https://example.org/screwworm",
    summary="Livestock inspectors found the screwworm larvae in a cattle shipment at the Texas crossing.",
    source="Wire",
)
BOAT = ArticleRecord(
    title="US strike on suspected smuggling vessel in eastern Pacific kills three",
    url="https://example.org/vessel",
    summary="Southern Command said the semi-submersible was carrying narcotics along a known trafficking route.",
    source="Wire",
)
SEED_WORDS = ArticleRecord(
    title="Trump military cartels Mexico",
    url="https://example.org/seed-words",
    summary="",
    source="Wire",
)


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "taught.db")
    yield database
    database.conn.close()


@pytest.fixture
def story_id(db):
    return ensure_story(db, load_story(STORY))


def test_an_off_story_mark_names_the_words_now_against_the_story(db, story_id):
    (article,) = ingest_items(db, [SCREWWORM]).new_ids
    scoring.mark_on_story(db, article, False, story_id=story_id)
    taught = taught_by(db, story_id, article, False)
    assert "screwworm" in taught.words and "livestock" in taught.words
    assert "mexican" not in taught.words  # a facet's word is never learned against
    assert taught.marks == 1
    assert taught.sentence().startswith("Learned against the story: ")
    assert "screwworm" in taught.sentence(shown=len(taught.words))


def test_an_on_story_mark_names_the_words_now_for_the_story(db, story_id):
    (article,) = ingest_items(db, [BOAT]).new_ids
    scoring.mark_on_story(db, article, True, story_id=story_id)
    taught = taught_by(db, story_id, article, True)
    assert {"submersible", "semi"} & set(taught.words)
    assert "cartel" not in taught.words  # the seeds' own key words are not "learned"
    assert taught.sentence().startswith("Learned for the story: ")


def test_a_mark_whose_words_are_all_the_storys_own_says_nothing_was_learned(db, story_id):
    (article,) = ingest_items(db, [SEED_WORDS]).new_ids
    scoring.mark_on_story(db, article, False, story_id=story_id)
    taught = taught_by(db, story_id, article, False)
    assert taught.words == ()
    assert taught.sentence().startswith("No word of it learned against the story")


def test_a_long_list_is_cut_with_a_count():
    from storywatch.store.taught import Taught

    taught = Taught(False, tuple(f"w{n}" for n in range(8)), 1)
    assert taught.sentence() == "Learned against the story: w0, w1, w2, w3, w4 (+3 more)."


def test_a_third_mark_lacking_a_side_of_the_title_says_what_now_counts_for_it(tmp_path):
    """A story made by `new` (facets read from its title) holds boat strikes off: nothing in
    them says "Mexican drug cartels". Three marks sharing "boat" make it that side's evidence,
    and the note after the third mark says so."""
    for seed in sorted(STORY.parent.glob("*.txt")):
        (tmp_path / seed.name).write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "story.toml").write_text(
        '[story]\nname = "made-by-new"\ntitle = "US military action against Mexican drug cartels"\nseeds = ["*.txt"]\n',
        encoding="utf-8",
    )
    db = open_db(tmp_path / "new.db")
    story_id = ensure_story(db, load_story(tmp_path / "story.toml"))
    titles = ["US military strike on boat in Caribbean kills three", "Hegseth defends second boat strike to lawmakers",
              "Pentagon strike on another boat leaves survivors"]
    articles = ingest_items(db, [
        ArticleRecord(title=title, url=f"https://example.org/boat-{n}", summary="", source="Wire")
        for n, title in enumerate(titles)
    ]).new_ids
    for article in articles[:2]:
        scoring.mark_on_story(db, article, True, story_id=story_id)
        assert taught_by(db, story_id, article, True).facets == ()  # one or two marks are a hint
    second = taught_by(db, story_id, articles[1], True)
    assert [words for _, words in second.one_short] == [("boat",)]  # and the second says what a third does
    assert "One more report like it marked on the story makes boat evidence of " in second.sentence(), second.sentence()
    assert taught_by(db, story_id, articles[0], True).one_short  # the first report uses "boat" too
    scoring.mark_on_story(db, articles[2], True, story_id=story_id)
    taught = taught_by(db, story_id, articles[2], True)
    assert taught.one_short == ()
    assert [words for _, words in taught.facets] == [("boat",)]
    assert "Now evidence of " in taught.sentence() and taught.sentence().endswith(": boat."), taught.sentence()
    db.conn.close()


WEEK = Path(__file__).resolve().parent.parent / "bench" / "data" / "real_dev_week_dec15.jsonl"


def _a_day_of_news(db, count=600):
    """The first headlines of a real week (none of them on the story or about the men marked
    below): what makes a word rare or common, as in a store that has polled for a while."""
    import json

    items = []
    for line in WEEK.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if not item["on_story"] and "wedding" not in item["title"].lower():
            items.append(ArticleRecord(title=item["title"], url=item["url"], summary="", source="Wire"))
        if len(items) == count:
            break
    ingest_items(db, items)


def _verdicts(db, story_id, articles):
    return [
        db.execute("SELECT on_story FROM relevance WHERE story_id = ? AND article_id = ?", [story_id, a]).fetchone()[0]
        for a in articles
    ]


def _ingest_titles(db, titles, prefix):
    return ingest_items(db, [
        ArticleRecord(title=title, url=f"https://example.org/{prefix}-{n}", summary="", source="Wire")
        for n, title in enumerate(titles)
    ]).new_ids


def test_three_off_story_marks_naming_one_subject_hold_off_its_other_reports(db, story_id):
    """Ryan Wedding's US drug case shows every facet of the bundled story (US + charges +
    kingpin) though it is off it (bench/data/LABELS.md, rule 4), and the words one mark teaches
    against it move none of his other reports. Real headlines from the tuning weeks: after
    three marks naming "the Olympic snowboarder", his other report leaves the story; an El
    Chapo son's plea, a US drug case like his, stays."""
    _a_day_of_news(db)
    marked = _ingest_titles(db, [
        "Mexico's Sheinbaum reiterates sovereignty in Trump call after Olympic snowboarder detained",
        "'Violent Cocaine Kingpin': FBI Arrests Former Olympic Snowboarder After Years On The Lam",
        "Ryan Wedding, one of FBI's most wanted for running drug-trafficking ring, faces additional charges;"
        " here's how the former Olympic snowboarder landed in even more legal trouble",
    ], "wedding")
    rest, control = _ingest_titles(db, [
        "US charges ex-Olympic snowboarder turned drug kingpin with murder of witness",
        "Son of 'El Chapo' pleads guilty in US drug prosecution",
    ], "other")
    assert _verdicts(db, story_id, marked + [rest, control]) == [1, 1, 1, 1, 1]
    for article in marked[:2]:
        scoring.mark_on_story(db, article, False, story_id=story_id)
        assert _verdicts(db, story_id, [rest, control]) == [1, 1]
    second = taught_by(db, story_id, marked[1], False)
    assert second.held_off == () and second.held_off_short == ("olympic snowboarder",), second
    assert 'One more report naming "olympic snowboarder" marked off holds off the rest.' in second.sentence()
    scoring.mark_on_story(db, marked[2], False, story_id=story_id)
    assert _verdicts(db, story_id, [rest, control]) == [0, 1]
    third = taught_by(db, story_id, marked[2], False)
    assert third.held_off == ("olympic snowboarder",), third.held_off
    assert 'Reports naming "olympic snowboarder" are now held off the story.' in third.sentence()
    reasons = db.execute(
        "SELECT reasons FROM relevance WHERE story_id = ? AND article_id = ?", [story_id, rest]
    ).fetchone()[0]
    assert "like 3 reports marked off the story (olympic snowboarder)" in reasons


def test_a_pair_holding_a_word_of_the_story_is_never_held_off(db, story_id):
    """Three off-story marks on Ryan Wedding share "drug kingpin" as well as his name's words:
    that pair is the story's own language, so other kingpins' US cases stay on the story."""
    _a_day_of_news(db)
    marked = _ingest_titles(db, [
        "Former Olympian Ryan Wedding pleads not guilty to drug kingpin charges",
        "Drug kingpin Ryan Wedding arrested in Mexico, says Kash Patel; FBI releases video",
        "US charges ex-Olympic snowboarder turned drug kingpin with murder of witness",
    ], "kingpin")
    (control,) = _ingest_titles(
        db, ["Son of drug kingpin El Chapo pleads guilty in US drug trafficking case in deal with prosecutors"], "chapo"
    )
    for article in marked:
        scoring.mark_on_story(db, article, False, story_id=story_id)
    assert _verdicts(db, story_id, [control]) == [1]
    assert taught_by(db, story_id, marked[2], False).held_off == ()
