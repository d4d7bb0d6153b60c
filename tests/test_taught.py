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
