"""Story files and seed import."""

from __future__ import annotations

import pytest

from storywatch import seeds
from storywatch.store import scoring
from storywatch.store.db import open_db
from storywatch.store.feeds import feed_statuses, remove_feed
from storywatch.store.ingest import ingest_items
from storywatch.store.records import ArticleRecord
from storywatch.store.story import StoryError, ensure_story, guess_title, load_story


def test_bundled_story_loads_with_five_seeds_and_real_feeds():
    story = load_story(seeds.BUNDLED_STORY_FILE)
    assert story.name == seeds.BUNDLED_STORY_NAME
    assert len(story.seeds) == 5
    assert len(story.feeds) >= 8
    assert all(feed.url.startswith("https://") for feed in story.feeds)
    assert 0 < story.threshold < 1


def test_seeds_are_stored_once_as_seed_articles_with_titles(tmp_path):
    db = open_db(tmp_path / "story.db")
    story = load_story(seeds.BUNDLED_STORY_FILE)
    ensure_story(db, story)
    ensure_story(db, story)
    rows = db.execute("SELECT kind, title, body FROM articles ORDER BY id").fetchall()
    assert len(rows) == 5
    assert {kind for kind, _, _ in rows} == {"seed"}
    titles = [title for _, title, _ in rows]
    assert "Trump Authorizes Secret Military Strikes Against Latin American Drug Cartels" in titles
    assert "Trump Orders Use of Military Force Against Drug Cartels in Latin America" in titles
    assert all(body for _, _, body in rows)
    assert db.execute("SELECT count(*) FROM revisions").fetchone() == (5,)


def test_default_feeds_are_added_only_when_the_story_is_new(tmp_path):
    db = open_db(tmp_path / "story.db")
    story = load_story(seeds.BUNDLED_STORY_FILE)
    ensure_story(db, story)
    first = feed_statuses(db)[0].url
    remove_feed(db, first)
    ensure_story(db, story)
    assert first not in {feed.url for feed in feed_statuses(db)}, "a removed feed stays removed"


def write_story(tmp_path, text: str):
    path = tmp_path / "story.toml"
    path.write_text(text)
    return path


def test_story_file_errors_are_clear(tmp_path):
    with pytest.raises(StoryError, match="not found"):
        load_story(tmp_path / "missing.toml")
    with pytest.raises(StoryError, match="cannot read"):
        load_story(write_story(tmp_path, "[story\nname="))
    with pytest.raises(StoryError, match="malformed"):
        load_story(write_story(tmp_path, "[story]\nname = 'x'\n"))
    with pytest.raises(StoryError, match="seed file not found"):
        load_story(write_story(tmp_path, "[story]\nname='x'\ntitle='X'\nseeds=['nope.txt']\n"))


def test_seed_overrides_and_aliases(tmp_path):
    (tmp_path / "one.txt").write_text("some opening words without a headline. More text.")
    path = write_story(
        tmp_path,
        """
[story]
name = "local"
title = "A local story"
threshold = 0.4

[[seeds]]
file = "one.txt"
title = "Given title"
source = "Given outlet"

[[feeds]]
url = "http://127.0.0.1:9/feed.xml"

[aliases]
"Claudia Sheinbaum" = ["Sheinbaum", "the Mexican president"]
""",
    )
    story = load_story(path)
    assert story.threshold == 0.4
    assert story.aliases == {"Claudia Sheinbaum": ["Sheinbaum", "the Mexican president"]}
    db = open_db(tmp_path / "story.db")
    ensure_story(db, story)
    assert db.execute("SELECT title, source FROM articles").fetchone() == ("Given title", "Given outlet")


@pytest.mark.parametrize(
    "text, title",
    [
        ("International\n\nBig Headline About Cartels Here\n\nBody text.", "Big Headline About Cartels Here"),
        ("A Dramatic Shift in the Drug War (Image Credits: Unsplash)\nWashington – text.", "A Dramatic Shift in the Drug War"),
        ("Summary sentence, long.\n\nRead the original article here\n\nTrump Orders Strikes On Cartels. It is big.", "Trump Orders Strikes On Cartels"),
        ("It appears the U.S. military plans a mission in Mexico. More follows.", "It appears the U.S. military plans a mission in Mexico."),
    ],
)
def test_guess_title(text, title):
    assert guess_title(text) == title


@pytest.mark.parametrize("aliases, entities_named", [("", 2), ('[aliases]\n"Andrés Manuel López Obrador" = ["AMLO"]\n', 1)])
def test_story_file_aliases_merge_entities(tmp_path, aliases, entities_named):
    (tmp_path / "one.txt").write_text(
        "Former Leader Speaks\n\nAndrés Manuel López Obrador spoke in Mexico City on Monday."
        " Troops were ruled out, AMLO said."
    )
    path = write_story(tmp_path, '[story]\nname = "local"\ntitle = "T"\nseeds = ["one.txt"]\n' + aliases)
    db = open_db(tmp_path / "story.db")
    ensure_story(db, load_story(path))
    named = db.execute(
        "SELECT count(DISTINCT entity_id) FROM mentions WHERE text IN ('AMLO', 'Andrés Manuel López Obrador')"
    ).fetchone()[0]
    assert named == entities_named


def test_threshold_comes_from_the_story_file(tmp_path):
    (tmp_path / "one.txt").write_text("A Seed Headline\n\nUS strikes on cartels in Mexico.")
    text = '[story]\nname = "local"\ntitle = "T"\nthreshold = {}\nseeds = ["one.txt"]\n'
    db = open_db(tmp_path / "story.db")
    ensure_story(db, load_story(write_story(tmp_path, text.format(0.3))))
    assert db.execute("SELECT threshold FROM stories").fetchone() == (0.3,)
    ensure_story(db, load_story(write_story(tmp_path, text.format(0.7))))
    assert db.execute("SELECT threshold FROM stories").fetchone() == (0.7,)


def test_seed_paths_may_be_relative_absolute_or_globs(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.txt").write_text("Seed A Headline Here\n\ntext")
    (elsewhere / "b.txt").write_text("Seed B Headline Here\n\ntext")
    (tmp_path / "stories").mkdir()
    path = tmp_path / "stories" / "story.toml"
    path.write_text(f'[story]\nname = "x"\ntitle = "X"\nseeds = ["{elsewhere}/*.txt", "../elsewhere/a.txt"]\n')
    assert [seed.path.name for seed in load_story(path).seeds] == ["a.txt", "b.txt", "a.txt"]


FACETS = """
[[facets]]
name = "the United States"
words = ["US", "Pentagon"]

[[facets]]
name = "Mexico"
words = ["Mexico", "Mexican"]
unless = ["New Mexico"]
"""


def test_facets_come_from_the_story_file_and_are_stored(tmp_path):
    (tmp_path / "one.txt").write_text("A Seed Headline\n\nUS strikes on cartels in Mexico.")
    story = load_story(write_story(tmp_path, '[story]\nname = "local"\ntitle = "T"\nseeds = ["one.txt"]\n' + FACETS))
    assert [(facet.name, facet.words, facet.unless) for facet in story.facets] == [
        ("the United States", ("US", "Pentagon"), ()),
        ("Mexico", ("Mexico", "Mexican"), ("New Mexico",)),
    ]
    db = open_db(tmp_path / "story.db")
    ensure_story(db, story)
    ensure_story(db, story)
    assert db.execute("SELECT facet, phrase, kind FROM story_facets ORDER BY id").fetchall() == [
        ("the United States", "US", "evidence"),
        ("the United States", "Pentagon", "evidence"),
        ("Mexico", "Mexico", "evidence"),
        ("Mexico", "Mexican", "evidence"),
        ("Mexico", "New Mexico", "unless"),
    ]


def test_a_facet_without_words_is_a_clear_error(tmp_path):
    with pytest.raises(StoryError, match="malformed story file.*no words"):
        load_story(write_story(tmp_path, '[story]\nname="x"\ntitle="X"\n[[facets]]\nname="empty"\nwords=[]\n'))


def test_changing_the_facets_rescores_what_is_stored(tmp_path):
    """An article the new facets say nothing about drops; one they describe keeps its score."""
    seed = "Strikes Planned\n\nThe Pentagon plans strikes on cartels in Mexico. Strikes on cartels in Mexico."
    (tmp_path / "one.txt").write_text(seed)
    (tmp_path / "two.txt").write_text(seed.replace("Planned", "Ordered"))
    head = '[story]\nname = "local"\ntitle = "Strikes"\nseeds = ["*.txt"]\n'
    db = open_db(tmp_path / "story.db")
    ensure_story(db, load_story(write_story(tmp_path, head)))
    elsewhere, mexico = ingest_items(
        db,
        [
            ArticleRecord(title="Pentagon strikes on cartels in Colombia", url="https://example.com/a"),
            ArticleRecord(title="Pentagon strikes on cartels in Mexico", url="https://example.com/b"),
        ],
    ).new_ids
    before = dict(db.execute("SELECT article_id, score FROM relevance").fetchall())
    story_id = ensure_story(db, load_story(write_story(tmp_path, head + FACETS)))
    assert scoring.pending_rescore(db, story_id) == len(before)
    assert scoring.resume_rescore(db, story_id) == len(before)
    assert scoring.pending_rescore(db, story_id) == 0
    after = dict(db.execute("SELECT article_id, score FROM relevance").fetchall())
    assert after[elsewhere] < before[elsewhere]
    assert after[mexico] == before[mexico]
    reasons = db.execute("SELECT reasons FROM relevance WHERE article_id = ?", [elsewhere]).fetchone()[0]
    assert "nothing on Mexico" in reasons


def test_a_rescore_cut_short_resumes_where_it_stopped(tmp_path):
    (tmp_path / "one.txt").write_text("Strikes Planned\n\nThe Pentagon plans strikes on cartels in Mexico.")
    head = '[story]\nname = "local"\ntitle = "Strikes"\nseeds = ["one.txt"]\n'
    db = open_db(tmp_path / "story.db")
    ensure_story(db, load_story(write_story(tmp_path, head)))
    ids = ingest_items(
        db, [ArticleRecord(title=f"Pentagon strikes on cartels in Colombia {n}", url=f"https://e.example/{n}") for n in range(6)]
    ).new_ids
    story_id = ensure_story(db, load_story(write_story(tmp_path, head + FACETS)))
    # As if the user quit after the rescore reached the third article:
    db.execute("UPDATE stories SET rescore_from = ? WHERE id = ?", [ids[2], story_id])
    assert scoring.pending_rescore(db, story_id) == 3
    assert scoring.resume_rescore(db, story_id, batch_size=2) == 3
    reasons = dict(db.execute("SELECT article_id, reasons FROM relevance").fetchall())
    assert all("nothing on Mexico" in reasons[i] for i in ids[3:])
    assert not any("nothing on Mexico" in reasons[i] for i in ids[:3])
    assert scoring.pending_rescore(db, story_id) == 0
