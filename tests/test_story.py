"""Story files and seed import."""

from __future__ import annotations

import json
import sqlite3

import pytest

from storywatch import seeds
from storywatch.store import scoring
from storywatch.store.db import open_db
from storywatch.store.feeds import feed_statuses, remove_feed
from storywatch.store.ingest import ingest_items
from storywatch.store.records import ArticleRecord
from storywatch.store.story import StoryError, ensure_story, guess_title, load_story
from storywatch.store.tags import DEFAULT_TAGS


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


def test_story_file_feeds_are_stored_as_feeds_add_would_store_them(tmp_path):
    (tmp_path / "seed.txt").write_text("A seed headline\n\nText.")
    story = load_story(write_story(tmp_path, (
        '[story]\nname = "s"\ntitle = "S"\nseeds = ["seed.txt"]\n'
        '[[feeds]]\nurl = "HTTP://News.Example:80/Feed.xml?A=1"\ntitle = "Wire\\u001b[2J [b]x[/b]"\n'
    )))
    db = open_db(tmp_path / "story.db")
    ensure_story(db, story)
    (feed,) = feed_statuses(db)
    assert feed.url == "http://news.example/Feed.xml?A=1"
    assert "\x1b" not in feed.title and feed.title.startswith("Wire")
    db.close()


def write_story(tmp_path, text: str):
    path = tmp_path / "story.toml"
    path.write_text(text)
    return path


def test_story_file_errors_are_clear(tmp_path):
    with pytest.raises(StoryError, match="not found"):
        load_story(tmp_path / "missing.toml")
    with pytest.raises(StoryError, match="cannot read"):
        load_story(write_story(tmp_path, "[story\nname="))
    with pytest.raises(StoryError, match=r"\[story\] title is missing"):
        load_story(write_story(tmp_path, "[story]\nname = 'x'\n"))
    with pytest.raises(StoryError, match="seed file not found"):
        load_story(write_story(tmp_path, "[story]\nname='x'\ntitle='X'\nseeds=['nope.txt']\n"))


HEAD = '[story]\nname = "x"\ntitle = "X"\n'

# Story files with one bad value each, and the key path the one-line error must name. Shared
# with test_story_file_cli.py, which feeds each one to the real command line.
BAD_STORY_FILES = [
    # The five values of issue 9, finding 5:
    ("story-not-a-table", "story = 5\n", "story must be a table"),
    ("threshold-nan", HEAD + "threshold = nan\n", "[story] threshold must be a number from 0 to 1, not nan"),
    ("threshold-7", HEAD + "threshold = 7\n", "[story] threshold must be a number from 0 to 1, not 7"),
    ("alias-not-a-list", HEAD + '[aliases]\n"A" = "notalist"\n', '[aliases] "A" must be a list of names'),
    ("feed-url-number", HEAD + "[[feeds]]\nurl = 5\n", "[[feeds]] #1 url must be an http(s) URL"),
    # [story]
    ("story-missing", "[[feeds]]\nurl = 'https://example.com/rss'\n", "[story] table is missing"),
    ("story-array", "[[story]]\nname = 'x'\n", "story must be a table"),
    ("name-missing", '[story]\ntitle = "X"\n', "[story] name is missing"),
    ("name-number", '[story]\nname = 5\ntitle = "X"\n', "[story] name must be"),
    ("name-empty", '[story]\nname = ""\ntitle = "X"\n', "[story] name must be"),
    ("name-list", '[story]\nname = ["x"]\ntitle = "X"\n', "[story] name must be"),
    ("title-missing", '[story]\nname = "x"\n', "[story] title is missing"),
    ("title-blank", '[story]\nname = "x"\ntitle = "   "\n', "[story] title must be"),
    ("title-bool", '[story]\nname = "x"\ntitle = true\n', "[story] title must be a non-empty string, not true"),
    ("threshold-inf", HEAD + "threshold = inf\n", "[story] threshold"),
    ("threshold-negative", HEAD + "threshold = -0.1\n", "[story] threshold"),
    ("threshold-text", HEAD + 'threshold = "0.5"\n', "[story] threshold"),
    ("threshold-bool", HEAD + "threshold = true\n", "[story] threshold"),
    ("threshold-date", HEAD + "threshold = 2025-01-01\n", "[story] threshold"),
    ("story-unknown-key", HEAD + "treshold = 0.5\n", '[story] unknown key "treshold"'),
    ("top-unknown-table", HEAD + "[extra]\nkey = 1\n", 'unknown key "extra"'),
    ("top-unknown-key", "name = 'x'\n" + HEAD, 'unknown key "name"'),
    # seeds
    ("seeds-text", HEAD + 'seeds = "a.txt"\n', "[story] seeds must be a list"),
    ("seeds-number-entry", HEAD + "seeds = [5]\n", "[story] seeds #1 must be"),
    ("seeds-empty-entry", HEAD + 'seeds = ["a.txt", ""]\n', "[story] seeds #2 must be"),
    ("seeds-not-found", HEAD + 'seeds = ["nope.txt"]\n', "[story] seeds #1 names no file"),
    ("seeds-glob-not-found", HEAD + 'seeds = ["*.md"]\n', "[story] seeds #1 names no file"),
    ("seeds-a-directory", HEAD + 'seeds = ["."]\n', "[story] seeds #1 names no file"),
    ("seed-table-no-file", HEAD + '[[seeds]]\ntitle = "T"\n', "[[seeds]] #1 file is missing"),
    ("seed-file-number", HEAD + "[[seeds]]\nfile = 5\n", "[[seeds]] #1 file must be"),
    ("seed-title-number", HEAD + '[[seeds]]\nfile = "a.txt"\ntitle = 5\n', "[[seeds]] #1 title must be"),
    ("seed-source-empty", HEAD + '[[seeds]]\nfile = "a.txt"\nsource = ""\n', "[[seeds]] #1 source must be"),
    ("seed-url-ftp", HEAD + '[[seeds]]\nfile = "a.txt"\nurl = "ftp://example.com/a"\n', "[[seeds]] #1 url must be"),
    ("seed-url-list", HEAD + '[[seeds]]\nfile = "a.txt"\nurl = ["https://example.com/a"]\n', "[[seeds]] #1 url"),
    ("seed-date-text", HEAD + '[[seeds]]\nfile = "a.txt"\npublished_at = "noon"\n', "[[seeds]] #1 published_at"),
    ("seed-date-number", HEAD + '[[seeds]]\nfile = "a.txt"\npublished_at = 2025\n', "[[seeds]] #1 published_at"),
    ("seed-date-time-only", HEAD + '[[seeds]]\nfile = "a.txt"\npublished_at = 07:30:00\n', "[[seeds]] #1 published_at"),
    ("seed-unknown-key", HEAD + '[[seeds]]\nfile = "a.txt"\nauthor = "A"\n', '[[seeds]] #1 unknown key "author"'),
    ("seeds-top-table", HEAD + '[seeds]\nfile = "a.txt"\n', "[[seeds]] must be an array of tables"),
    # [[feeds]]
    ("feeds-number", "feeds = 5\n" + HEAD, "[[feeds]] must be an array of tables"),
    ("feeds-table", HEAD + '[feeds]\nurl = "https://example.com/rss"\n', "[[feeds]] must be an array of tables"),
    ("feeds-number-entry", "feeds = [5]\n" + HEAD, "[[feeds]] #1 must be"),
    ("feed-url-missing", HEAD + '[[feeds]]\ntitle = "T"\n', "[[feeds]] #1 url is missing"),
    ("feed-url-ftp", HEAD + '[[feeds]]\nurl = "ftp://example.com/rss"\n', "[[feeds]] #1 url must be"),
    ("feed-url-no-host", HEAD + '[[feeds]]\nurl = "https://"\n', "[[feeds]] #1 url must be"),
    ("feed-url-words", HEAD + '[[feeds]]\nurl = "the guardian"\n', "[[feeds]] #1 url must be"),
    ("feed-url-bad-port", HEAD + '[[feeds]]\nurl = "https://example.com:99999/rss"\n', "[[feeds]] #1 url must be"),
    ("feed-url-space", HEAD + '[[feeds]]\nurl = "https://example.com/a b"\n', "[[feeds]] #1 url must be"),
    (
        "feed-second-bad",
        HEAD + '[[feeds]]\nurl = "https://example.com/rss"\n[[feeds]]\nurl = ""\n',
        "[[feeds]] #2 url must be",
    ),
    ("feed-title-number", HEAD + '[[feeds]]\nurl = "https://example.com/rss"\ntitle = 5\n', "[[feeds]] #1 title"),
    ("feed-unknown-key", HEAD + '[[feeds]]\nurl = "https://e.example/rss"\nname = 1\n', '[[feeds]] #1 unknown key "name"'),
    # [aliases]
    ("aliases-number", "aliases = 5\n" + HEAD, "aliases must be a table"),
    ("aliases-array", HEAD + '[[aliases]]\n"A" = ["B"]\n', "aliases must be a table"),
    ("alias-number-name", HEAD + '[aliases]\n"A" = [5]\n', '[aliases] "A" #1 must be'),
    ("alias-empty-name", HEAD + '[aliases]\n"A" = ["B", ""]\n', '[aliases] "A" #2 must be'),
    ("alias-empty-key", HEAD + '[aliases]\n"" = ["B"]\n', '[aliases] "" must be'),
    ("alias-table", HEAD + "[aliases]\nA.b = 1\n", '[aliases] "A" must be a list of names, not a table'),
    # [[facets]]
    ("facets-number", "facets = 5\n" + HEAD, "[[facets]] must be an array of tables"),
    ("facets-table", HEAD + '[facets]\nname = "F"\nwords = ["w"]\n', "[[facets]] must be an array of tables"),
    ("facet-name-missing", HEAD + '[[facets]]\nwords = ["w"]\n', "[[facets]] #1 name is missing"),
    ("facet-name-number", HEAD + '[[facets]]\nname = 5\nwords = ["w"]\n', "[[facets]] #1 name must be"),
    ("facet-words-missing", HEAD + '[[facets]]\nname = "F"\n', "[[facets]] #1 words is missing"),
    ("facet-words-text", HEAD + '[[facets]]\nname = "F"\nwords = "Mexico"\n', "[[facets]] #1 words must be a list"),
    ("facet-words-empty", HEAD + '[[facets]]\nname = "F"\nwords = []\n', "[[facets]] #1 words is empty"),
    ("facet-word-number", HEAD + '[[facets]]\nname = "F"\nwords = ["w", 5]\n', "[[facets]] #1 words #2 must be"),
    ("facet-word-blank", HEAD + '[[facets]]\nname = "F"\nwords = [" "]\n', "[[facets]] #1 words #1 must be"),
    ("facet-unless-text", HEAD + '[[facets]]\nname = "F"\nwords = ["w"]\nunless = "x"\n', "[[facets]] #1 unless"),
    ("facet-unless-number", HEAD + '[[facets]]\nname = "F"\nwords = ["w"]\nunless = [1]\n', "[[facets]] #1 unless #1"),
    ("facet-within-text", HEAD + '[[facets]]\nname = "F"\nwords = ["w"]\nwithin = "Mexico"\n', "[[facets]] #1 within"),
    (
        "facet-within-unknown",
        HEAD + '[[facets]]\nname = "F"\nwords = ["w"]\nwithin = ["Mexico", "Atlantis"]\n',
        '[[facets]] #1 within #2 "Atlantis" is no country or region storywatch knows',
    ),
    (
        "facet-only-within-alone",
        HEAD + '[[facets]]\nname = "F"\nwords = ["w"]\nonly_within = ["drug smuggling"]\n',
        "[[facets]] #1 only_within needs `within`",
    ),
    ("facet-unknown-key", HEAD + '[[facets]]\nname = "F"\nword = ["w"]\n', '[[facets]] #1 unknown key "word"'),
    (
        "facet-name-twice",
        HEAD + '[[facets]]\nname = "F"\nwords = ["w"]\n[[facets]]\nname = "F"\nwords = ["v"]\n',
        '[[facets]] #2 name "F" is the name of an earlier facet',
    ),
    # a phrase is read as headlines are, on its uncommon words
    ("facet-word-common", HEAD + '[[facets]]\nname = "F"\nwords = ["w", "MS-13"]\n', '#1 words "MS-13" keeps no word'),
    ("facet-alternative-common", HEAD + '[[facets]]\nname = "F"\nwords = ["Mexico + troops / the"]\n', '#1 words "the" keeps no word'),
    (
        "facet-phrase-one-word",
        HEAD + '[[facets]]\nname = "F"\nwords = ["w", "cartel + handed over"]\n',
        '[[facets]] #1 words "handed over" is read as the one word "handed"',
    ),
    (
        "facet-unless-one-word",
        HEAD + '[[facets]]\nname = "F"\nwords = ["w"]\nunless = ["blow up"]\n',
        '[[facets]] #1 unless "blow up" is read as the one word "blow"',
    ),
    (
        "facet-only-within-one-word",
        HEAD + '[[facets]]\nname = "F"\nwords = ["w"]\nwithin = ["Mexico"]\nonly_within = ["operation against"]\n',
        '[[facets]] #1 only_within "operation against" is read as the one word "operation"',
    ),
    # [tags]
    ("tags-number", "tags = 5\n" + HEAD, "tags must be a table"),
    ("tags-array", HEAD + '[[tags]]\n1 = "verify"\n', "tags must be a table"),
    ("tag-key-zero", HEAD + '[tags]\n0 = "verify"\n', '[tags] unknown key "0"'),
    ("tag-key-ten", HEAD + '[tags]\n10 = "verify"\n', '[tags] unknown key "10"'),
    ("tag-key-word", HEAD + '[tags]\nverify = "verify"\n', '[tags] unknown key "verify"'),
    ("tag-number", HEAD + "[tags]\n1 = 5\n", "[tags] 1 must be a non-empty string, not 5"),
    ("tag-blank", HEAD + '[tags]\n2 = "  "\n', "[tags] 2 must be a non-empty string"),
    ("tag-list", HEAD + '[tags]\n3 = ["verify"]\n', "[tags] 3 must be a non-empty string, not a list"),
    ("tag-invisible", HEAD + '[tags]\n4 = "\\u200b\\u202e"\n', "[tags] 4 must be a name that prints"),
    ("tag-twice", HEAD + '[tags]\n1 = "verify"\n5 = " verify"\n', '[tags] 5 "verify" is already the name of another key'),
]


@pytest.mark.parametrize("text, key", [case[1:] for case in BAD_STORY_FILES], ids=[case[0] for case in BAD_STORY_FILES])
def test_a_bad_value_is_one_error_naming_the_key_and_the_file(tmp_path, text, key):
    """Each bad value is caught on reading, so nothing half-checked reaches the database."""
    (tmp_path / "a.txt").write_text("A Seed Headline Here\n\nUS strikes on cartels in Mexico.")
    path = write_story(tmp_path, text)
    with pytest.raises(StoryError) as caught:
        load_story(path)
    message = str(caught.value)
    assert message.startswith(f"story file {path}: "), message
    assert key in message, message
    assert "\n" not in message


def test_the_good_values_next_to_the_bad_ones_load(tmp_path):
    """The checks reject only what is wrong: the edge values of each key still load."""
    (tmp_path / "a.txt").write_text("A Seed Headline Here\n\ntext")
    (tmp_path / "b.txt").write_text("B Seed Headline Here\n\ntext")
    story = load_story(
        write_story(
            tmp_path,
            """feeds = ["http://127.0.0.1:9/one.xml", {url = " https://example.com/rss ", title = "T"}]

[story]
name = "x"
title = "X"
threshold = 1
seeds = ["a.txt"]

[[seeds]]
file = "b.txt"
url = "https://example.com/b?id=2"
published_at = 2025-11-21T09:30:00+02:00

[aliases]
"Claudia Sheinbaum" = []

[[facets]]
name = "F"
words = ["w"]
unless = []
""",
        )
    )
    assert story.threshold == 1.0
    assert [seed.path.name for seed in story.seeds] == ["a.txt", "b.txt"], "[story] seeds and [[seeds]] both count"
    assert story.seeds[1].published_at == "2025-11-21T07:30:00Z"
    assert [feed.url for feed in story.feeds] == ["http://127.0.0.1:9/one.xml", "https://example.com/rss"]
    assert story.aliases == {"Claudia Sheinbaum": []}
    assert load_story(write_story(tmp_path, HEAD + "threshold = 0\n")).threshold == 0.0


def test_tags_name_the_number_keys_and_default_when_absent(tmp_path):
    """A [tags] table replaces the default names whole; hostile text is cleaned to one inert line."""
    assert load_story(write_story(tmp_path, HEAD)).tags == DEFAULT_TAGS
    story = load_story(write_story(tmp_path, HEAD + '[tags]\n9 = "legal basis"\n1 = "\\u001b[2J[b]key[/b]\\u200b "\n'))
    assert story.tags == {1: "[b]key[/b]", 9: "legal basis"}
    assert load_story(seeds.BUNDLED_STORY_FILE).tags[7] == "Mexico's response"


@pytest.mark.parametrize("written", ["2025-11-21", "2025-11-21T07:30:00Z", "2025-11-21T08:30+01:00", "2025-11-21T07:30"])
def test_a_seed_date_is_stored_as_the_database_keeps_times(tmp_path, written):
    """published_at becomes sort_at, which sorts as text: one format, UTC."""
    (tmp_path / "a.txt").write_text("A Seed Headline Here\n\ntext")
    story = load_story(write_story(tmp_path, HEAD + f'[[seeds]]\nfile = "a.txt"\npublished_at = "{written}"\n'))
    assert story.seeds[0].published_at == ("2025-11-21T00:00:00Z" if len(written) == 10 else "2025-11-21T07:30:00Z")


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
    with pytest.raises(StoryError, match="no words"):
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


def test_a_rescore_asked_to_stop_ends_after_its_batch_and_resumes_later(tmp_path):
    """Quitting the dashboard mid-rescore must not wait for every stored article."""
    (tmp_path / "one.txt").write_text("Strikes Planned\n\nThe Pentagon plans strikes on cartels in Mexico.")
    head = '[story]\nname = "local"\ntitle = "Strikes"\nseeds = ["one.txt"]\n'
    db = open_db(tmp_path / "story.db")
    ensure_story(db, load_story(write_story(tmp_path, head)))
    ingest_items(db, [ArticleRecord(title=f"Pentagon strikes on cartels in Colombia {n}", url=f"https://e.example/{n}")
                      for n in range(6)])
    story_id = ensure_story(db, load_story(write_story(tmp_path, head + FACETS)))
    pending = scoring.pending_rescore(db, story_id)
    assert pending >= 6
    asked = []
    assert scoring.resume_rescore(db, story_id, batch_size=2, stop=lambda: asked.append(1) or True) == 2
    assert len(asked) == 1 and scoring.pending_rescore(db, story_id) == pending - 2
    assert scoring.resume_rescore(db, story_id, batch_size=2) == pending - 2
    assert scoring.pending_rescore(db, story_id) == 0


def test_the_bundled_story_takes_a_drug_boat_strike_as_the_us_acting(tmp_path):
    """Wire headlines often leave the actor out ("Another strike on alleged drug boat kills 3"):
    only the US campaign strikes drug boats, so the strike itself is evidence of the US acting.
    A strike with no drug boat and no actor stays off."""
    titles = ["Another strike on alleged drug boat kills 3", "Strike kills two in port", "Drug boat seized off Spain"]
    assert _bundled_verdicts(tmp_path, titles) == [1, 0, 0]


def test_the_bundled_story_takes_an_order_as_its_action_only_beside_the_cartels(tmp_path):
    """"Order" is the news's everyday word (an airline partnership dissolved, the "world order"):
    alone it is no US action against the cartels, beside them it is. Real top-story headlines
    (bench/data/real_dev_top_summer.jsonl, real_dev_top.jsonl)."""
    titles = [
        "Trump’s Cartel Order Revives ‘Bitter’ Memories in Latin America",
        "US orders Delta and Aeromexico to dissolve their partnership over fairness concerns in Mexico",
    ]
    assert _bundled_verdicts(tmp_path, titles) == [1, 0]


def test_the_bundled_story_reads_a_quota_and_a_flight_s_mission_as_no_action(tmp_path):
    """"Target" and "mission" are the story's words only in their own sense: a water delivery
    target and a medical plane's mission are not US action; a strike told as a vessel "hit" and
    a threat over cocaine are. Real headlines of a week of world news (bench/data/real_dev_week.jsonl)."""
    titles = [
        "Urgent: U.S. military says it hit a vessel in Eastern Pacific waters, killing 1",
        "'He's gotta watch himself': Trump threatens Colombian President over cocaine trafficking in US - video",
        "Mexico to tap water resources to meet delivery target to U.S.: president",
        "At least 5 killed in US after Mexican plane on medical mission crashes in Texas fog",
    ]
    assert _bundled_verdicts(tmp_path, titles) == [1, 1, 0, 0]


def test_the_bundled_story_takes_boat_crews_called_narco_terrorists_as_the_campaign(tmp_path):
    """The campaign's word for its targets is its action even with no strike named (a real
    headline, bench/data/real_dev_week_nov.jsonl); with no one in the United States acting, the
    same words show only the other two sides."""
    titles = [
        "Are Donald Trump's claims of boat crews being narco-terrorists true?",
        "Cuba's boat crews and the narco-terrorist label, explained",
    ]
    assert _bundled_verdicts(tmp_path, titles) == [1, 0]


def test_the_bundled_story_knows_the_anti_cartel_task_force_warships_and_strikes_in_international_waters(tmp_path):
    """Three real headlines of a week of world news (bench/data/real_dev_week_oct.jsonl) the bundled
    story missed; a strike in international waters off Iran is another war."""
    titles = [
        "Gabbard, Homeland Security Task Force Launch Fusion Cell To Thwart Foreign Terrorist Gangs And Cartels",
        "The US warships off Venezuela aren’t there to fight drugs",
        "US strikes Iranian fast boats in international waters near the Strait of Hormuz",
        # and the cartel fugitives Mexico sends "to face justice" (real_dev_week_jan.jsonl)
        "Dozens Of Mexican Cartel Fugitives Flown To The U.S. To Face Justice",
    ]
    # (the week's "UN experts say US strikes against Venezuela in international waters amount to
    # 'extrajudicial executions'" is missed since strikes on Venezuela are its own: see below)
    assert _bundled_verdicts(tmp_path, titles) == [1, 1, 0, 1]


def test_the_bundled_story_knows_the_strikes_command_and_the_aviation_agency_not_a_suspected_overdose(tmp_path):
    """Real headlines of two weeks of world news (bench/data/real_dev_week_feb.jsonl,
    real_dev_week_jan12.jsonl): the command that sinks the boats and the Pentagon's "kinetic
    strike" are the campaign; the FAA closing El Paso's sky over cartel drones is US action; a
    "suspected" overdose is no action, and an FBI most-wanted fugitive caught in Mexico is a manhunt."""
    titles = [
        "US Southern Command sinks new boat, kills 3 near Venezuela",
        "Watch: US military conducted a 'lethal kinetic strike' on 'terrorist' vessel in Carribbean",
        "FAA shutdown over El Paso airspace in Texas tied to cartel drone activity",
        "Puppies treated for suspected fentanyl overdose to go up for adoption in Washington",
        "Top 10 Most Wanted Fugitive Captured in Mexico: FBI",
        # the same list naming the cartel still is the story (written for the test)
        "FBI most wanted cartel leader captured in Mexico",
    ]
    assert _bundled_verdicts(tmp_path, titles) == [1, 1, 1, 0, 0, 1]


def test_the_bundled_story_knows_a_cartel_case_in_a_new_york_court_not_a_second_raid_on_venezuela(tmp_path):
    """Real headlines of the week after Maduro's capture (bench/data/real_dev_week_jan5.jsonl): the
    New York court is the US hearing a drug case; a second strike on Venezuela is the threat of another
    raid, not the boat campaign's second strike, which its aftermath still names."""
    titles = [
        "Maduro pleads not guilty to drugs charges at New York court",
        "Trump warns of potential second strike on Venezuela",
        "Lawmakers warn Hegseth may have committed war crimes following second-strike report",
        "New York judge tosses terrorism charges against Luigi Mangione, lets murder count stand",
    ]
    assert _bundled_verdicts(tmp_path, titles) == [1, 0, 1, 0]


def test_the_bundled_story_leaves_a_canadian_kingpins_us_case_to_its_own_story(tmp_path):
    """Ryan Wedding's ring was his own, buying from the Sinaloa cartel (LABELS.md, rule 4): real
    headlines of his US case (bench/data/real_dev.jsonl, real_dev_week_nov17.jsonl) are off, while a
    US case against a Latin American cartel, told the same way, stays on."""
    titles = [
        "Canadian ex-Olympic snowboarder pleads not guilty to US drug charges",
        "7 Canadians Tied to Former Olympian and Alleged Cocaine Kingpin Ryan Wedding Arrested for Money Laundering",
        "Mexican cartel leader pleads not guilty to US drug charges",
    ]
    assert _bundled_verdicts(tmp_path, titles) == [0, 0, 1]


def test_the_bundled_story_reads_a_designation_told_as_a_label_and_the_urge_to_sink_boats(tmp_path):
    """Real headlines of the week the Cartel de los Soles designation was announced (bench/data/
    real_dev_week_nov17.jsonl): a "terror label" is a designation, urging the sinking of drug boats is
    the campaign, knocking out cocaine factories its threat; asylum at the US-Mexico border is migration.
    And of the week after Maduro's capture (real_dev_week_jan5.jsonl): joint work against the drug trade."""
    titles = [
        "US to add \u2018terror\u2019 label to Venezuelan cartel it claims is linked to Maduro",
        "US official advocated sinking boats carrying suspected drugs, witnesses say",
        "Trump says he would like to knock out Colombian cocaine factories",
        "US Supreme Court to weigh \u2018metering\u2019 of asylum claims at US-Mexico border",
        "Colombia to continue work with US on drug trafficking, government says",
        "US, Colombia vow joint fight against cocaine-smuggling guerillas",
    ]
    assert _bundled_verdicts(tmp_path, titles) == [1, 1, 1, 0, 1, 1]


def test_the_bundled_story_knows_a_cartel_figures_plea_is_a_us_courts(tmp_path):
    """Real headlines of the week of Ovidio Guzman's guilty plea and the "double-tap" scandal (bench/
    data/real_dev_week_dec1.jsonl): a cartel figure's plea names no US but is a US court's; the
    authority "to kill" narco-terrorists, sanctions told as penalties and TdA for Tren de Aragua are the
    campaign's; a drug trial is medicine."""
    titles = [
        "Son of \u2018El Chapo\u2019 pleads guilty in drug case",
        "White House Doubles Down On Authority \u2018To Kill\u2019 Narco-Terrorists Ahead Of Oval Office Meeting",
        "US adds more penalties to those linked to Tren de Aragua gang",
        "Who is Jimena Araya alias \u2018Rosita\u2019? Venezuelan model-DJ sanctioned in US over TdA gang links",
        "US regulator to curtail use of primate testing in drug trials",
    ]
    assert _bundled_verdicts(tmp_path, titles) == [1, 1, 1, 1, 0]


def test_the_bundled_story_knows_narcoboats_pacific_strikes_and_their_footage_only_near_home(tmp_path):
    """Real headlines of the week of the Clan del Golfo designation (bench/data/real_dev_week_dec15.jsonl):
    narcoboats, a strike named in the Pacific Ocean, the EGC and the strike footage Congress demands are the
    campaign's; a strike's footage from Syria is not."""
    titles = [
        "US strikes on narcoboats kill five more in Pacific amid mounting Venezuela tensions",
        "US officially labels Colombia\u2019s EGC group a \u2018terrorist organization\u2019",
        "Trump signs defense bill pressuring Pentagon to release Venezuela strike footage",
        "Pentagon declassifies combat footage from Syria \u2018vengeance\u2019 strike (VIDEO)",
    ]
    assert _bundled_verdicts(tmp_path, titles) == [1, 1, 1, 0]


def test_the_bundled_story_takes_the_president_the_drug_trade_and_the_government_he_presses_as_pressure(tmp_path):
    """Real headlines of three weeks of world news (bench/data/real_dev_week_jan26.jsonl,
    real_dev_week_jan5.jsonl, real_dev_week_dec8.jsonl) that name no deed: Trump, the drug trade and
    Mexico or Colombia together are the pressure the story follows, and the strikes' "boat video" is
    the campaign's. Trump's tariffs on Colombia over the drug trade stay trade (real_dev_top.jsonl)."""
    titles = [
        "Mexico in Trump\u2019s sights as drug ties to Venezuela loom large",
        "Trump: Colombia\u2019s President \u2018Likes Making Cocaine,\u2019 Won\u2019t \u2018Be Doing It Very Long\u2019",
        "\u2018I NEVER said that\u2019: Trump explodes after ABC journo grills him on Venezuela boat video promise",
        "Trump says will hike tariffs on Colombia as drug trade feud escalates",
    ]
    assert _bundled_verdicts(tmp_path, titles) == [1, 1, 1, 0]


def test_the_bundled_story_knows_the_campaign_by_its_name_and_its_sea(tmp_path):
    """Real headlines of a week of world news (bench/data/real_dev_week_nov10.jsonl): "Caribbean
    strikes" written together are the US campaign's, and "Southern Spear" is its operation. The
    operation named with none of the cartels' words stays off."""
    titles = [
        "Bolton: 'Thrill' of Caribbean strikes won't oust Maduro",
        "Trump tightens noose around Maduro: US’ Op Southern Spear in Caribbean kills 4 in narco-terror blitz",
        "Operation Southern Spear: What is the US doing off Venezuela’s coast?",
    ]
    assert _bundled_verdicts(tmp_path, titles) == [1, 1, 0]


def test_a_phrase_may_keep_its_article_and_a_name_its_number(tmp_path):
    """Only a phrase that reads as another, shorter one is refused ("handed over" as "handed",
    real_dev_week_feb2.jsonl's "heavy hand"): "the Pentagon" is the one word it was written as,
    and "Barrio 18" the gang's name with its number."""
    (tmp_path / "a.txt").write_text("A Seed Headline Here\n\nUS strikes on cartels in Mexico.")
    path = write_story(
        tmp_path, HEAD + '[[facets]]\nname = "F"\nwords = ["the Pentagon", "Barrio 18", "handed + cartel", "Gulf of Mexico"]\n'
    )
    assert load_story(path).facets[0].words == ("the Pentagon", "Barrio 18", "handed + cartel", "Gulf of Mexico")


def test_a_phrase_part_may_list_alternatives(tmp_path):
    """"Mexico / Mexican + troops / strike" is each name beside each deed, spelled out in the order
    written, in every list of a facet; a phrase without "/" is read as before."""
    (tmp_path / "a.txt").write_text("A Seed Headline Here\n\nUS strikes on cartels in Mexico.")
    path = write_story(
        tmp_path,
        HEAD + '[[facets]]\nname = "F"\nwords = ["Mexico / Mexican + troops / strike", "cartel"]\n'
        'unless = ["New Mexico / Gulf of Mexico"]\n',
    )
    facet = load_story(path).facets[0]
    assert facet.words == ("Mexico + troops", "Mexico + strike", "Mexican + troops", "Mexican + strike", "cartel")
    assert facet.unless == ("New Mexico", "Gulf of Mexico")


def test_a_heavy_hand_is_no_hand_over(tmp_path):
    """"handed over" made "hand" the action's evidence in a real headline (real_dev_week_feb2.jsonl:
    still on the story, by the "war" of the Mexican-American War); a hand-over of cartel figures is
    still the story's (real_dev_top_summer.jsonl's transfers, as written)."""
    _, reasons = _bundled_verdict_and_reasons(
        tmp_path, "Trump accused of distorting history of Mexican-American War to justify heavy hand in Latin America"
    )
    assert "hand" not in reasons
    on_story, reasons = _bundled_verdict_and_reasons(tmp_path / "2", "Mexico hands over 26 cartel figures to the US")
    assert on_story == 1 and "cartel + hand" in reasons  # the phrase that showed the action


def test_a_strike_beside_a_disaster_is_natures(tmp_path):
    """A real headline (bench/data/real_dev_week_jan.jsonl) with the US's help added, and a
    hurricane's: every side of the story was shown, the action by "strike" and the cartels' by
    "Mexico" or "strike + Caribbean". A strike on a drug boat as a hurricane nears stays the story's."""
    titles = [
        "Earthquake of magnitude 6.3 strikes southern Mexico; US offers help",
        "Hurricane strikes Caribbean islands as US sends aid",
        "US strike on drug boat kills 3 in Caribbean as hurricane nears",
    ]
    assert _bundled_verdicts(tmp_path, titles) == [0, 0, 1]


def test_the_reasons_lead_each_side_with_a_word_that_shows_it_alone(tmp_path):
    """"Mexico" is a part of the action's "Trump + drug + Mexico": where "intervention" shows the
    action, the reasons must name it, not read Mexico as what was done (a real headline,
    bench/data/real_dev_week_jan5.jsonl)."""
    on_story, reasons = _bundled_verdict_and_reasons(
        tmp_path, "Mexican president rejects U.S. intervention in Mexico to combat drug cartels"
    )
    assert on_story == 1 and "intervention" in reasons[:3]


def test_the_reasons_name_the_words_that_showed_each_side_of_the_story(tmp_path):
    """The FAA, a drone and the cartels put this real headline on the story (real_dev_week_feb.jsonl),
    though only "cartel" weighs anything in the seeds: the reasons a reader sees must still say
    who acted and what they did, not just the one weighted word."""
    on_story, reasons = _bundled_verdict_and_reasons(
        tmp_path, "FAA shutdown over El Paso airspace in Texas tied to cartel drone activity"
    )
    assert on_story == 1
    assert {"faa", "drone", "cartel"} <= set(reasons)


def test_the_reasons_name_a_phrase_that_showed_a_side_as_one_phrase(tmp_path):
    """Trump, the drug trade and Mexico together are the action in this real headline
    (real_dev_week_jan26.jsonl): shown as three words, a reader took "Mexico" for what was done.
    The phrase is one reason, its parts written as the headline writes them, in its order."""
    from storywatch.store.text.relevance import as_written

    title = "Mexico in Trump\u2019s sights as drug ties to Venezuela loom large"
    on_story, reasons = _bundled_verdict_and_reasons(tmp_path, title)
    assert on_story == 1 and reasons[0] == "drug + mexico + trump"
    assert "drug" not in reasons and "mexico" not in reasons  # not again, one by one
    assert as_written(reasons, title)[0] == "Mexico + Trump\u2019s + drug"


def _bundled_verdict_and_reasons(tmp_path, title: str) -> tuple[int, list[str]]:
    """The bundled story's verdict (on_story) on one headline and the reasons stored with it."""
    [(on_story, reasons)] = _bundled_rows(tmp_path, [title])
    return on_story, json.loads(reasons)


def _bundled_verdicts(tmp_path, titles: list[str]) -> list[int]:
    """The bundled story's verdict (on_story) on each headline, ingested as one poll."""
    return [on_story for on_story, _ in _bundled_rows(tmp_path, titles)]


def _bundled_rows(tmp_path, titles: list[str]) -> list[tuple[int, str]]:
    """Each headline ingested as one poll into a new store with the bundled story, and the
    (on_story, reasons) stored for it."""
    db = open_db(tmp_path / "story.db")
    story_id = ensure_story(db, load_story(seeds.BUNDLED_STORY_FILE))
    result = ingest_items(db, [
        ArticleRecord(title=title, url=f"https://news.example/{n}", guid=f"g{n}", summary="")
        for n, title in enumerate(titles)
    ], seen_at="2026-03-01T00:00:00Z")
    return [
        db.execute(
            "SELECT on_story, reasons FROM relevance WHERE story_id = ? AND article_id = ?", [story_id, article]
        ).fetchone()
        for article in result.new_ids
    ]


def test_a_file_from_before_the_new_facet_rules_is_rescored_once(tmp_path):
    """m016: verdicts stored by older rules are scored again by this version's. Here a stored
    verdict as the old stemming gave it: a "direct-to-consumer" drug site showed the action of
    a "directive"."""
    (tmp_path / "one.txt").write_text("Directive Signed\n\nTrump signs a directive on drug cartels in Mexico.")
    facets = '[[facets]]\nname = "action"\nwords = ["directive", "strike"]\n'
    head = '[story]\nname = "local"\ntitle = "Directive"\nseeds = ["*.txt"]\n'
    path = tmp_path / "story.db"
    old = open_db(path)
    story_id = ensure_story(old, load_story(write_story(tmp_path, head + facets)))
    site, strike = ingest_items(old, [
        ArticleRecord(title="White House launches direct-to-consumer drug site", url="https://example.com/site"),
        ArticleRecord(title="Pentagon strike on drug cartels in Mexico", url="https://example.com/strike"),
    ]).new_ids
    verdict = "SELECT on_story FROM relevance WHERE article_id = ?"
    assert old.execute(verdict, [site]).fetchone()[0] == 0
    strike_score = old.execute("SELECT score FROM relevance WHERE article_id = ?", [strike]).fetchone()[0]
    with old.atomic():  # back to the file as m015 left it, with the old rules' verdict
        old.execute("UPDATE relevance SET on_story = 1, score = 0.9 WHERE article_id = ?", [site])
        old.execute("DELETE FROM _sqlite_migrations WHERE name = 'm016_rescore_for_facet_rules'")
    old.conn.close()
    db = open_db(path)
    assert scoring.pending_rescore(db, story_id) == 3  # the seed and both reports
    scoring.resume_rescore(db, story_id)
    assert db.execute(verdict, [site]).fetchone()[0] == 0
    assert db.execute("SELECT score FROM relevance WHERE article_id = ?", [strike]).fetchone()[0] == strike_score
    db.conn.close()
    assert scoring.pending_rescore(open_db(path), story_id) == 0  # once: the migration is applied


@pytest.mark.parametrize("marks_on", [1, 2])
def test_a_story_two_marks_could_have_widened_is_rescored_once(tmp_path, marks_on):
    """m019: a facet is widened by three marks now, not two; a story with two or more on-story
    marks is scored again, one with fewer is left as it is."""
    (tmp_path / "one.txt").write_text("Strikes Planned\n\nThe Pentagon plans strikes on cartels in Mexico.")
    path = tmp_path / "story.db"
    old = open_db(path)
    story_id = ensure_story(old, load_story(write_story(tmp_path, '[story]\nname = "local"\ntitle = "Strikes"\nseeds = ["*.txt"]\n')))
    reports = ingest_items(old, [
        ArticleRecord(title=f"Navy boat strike report {n}", url=f"https://example.com/boat-{n}") for n in range(3)
    ]).new_ids
    for article in reports[:marks_on]:
        scoring.mark_on_story(old, article, True, story_id=story_id)
    with old.atomic():
        old.execute("DELETE FROM _sqlite_migrations WHERE name = 'm019_rescore_stories_taught_a_facet'")
    old.conn.close()
    db = open_db(path)
    assert scoring.pending_rescore(db, story_id) == (4 if marks_on == 2 else 0)  # the seed and the reports
    scoring.resume_rescore(db, story_id)
    db.conn.close()
    assert scoring.pending_rescore(open_db(path), story_id) == 0


@pytest.mark.parametrize("declared", [False, True])
def test_a_story_that_reads_its_facets_from_its_title_is_rescored_once_for_their_names(tmp_path, declared):
    """m021: facets read from the title go by its halves now; such a story's stored reasons are
    written again. One whose file declares its facets is left as it is."""
    (tmp_path / "one.txt").write_text("Strikes Planned\n\nThe Pentagon plans strikes on cartels in Mexico.")
    facets = '[[facets]]\nname = "action"\nwords = ["strike"]\n' if declared else ""
    path = tmp_path / "story.db"
    old = open_db(path)
    story_id = ensure_story(old, load_story(write_story(
        tmp_path, '[story]\nname = "local"\ntitle = "US strikes against cartels"\nseeds = ["*.txt"]\n' + facets)))
    ingest_items(old, [ArticleRecord(title="Navy boat strike report", url="https://example.com/boat")])
    with old.atomic():
        old.execute("DELETE FROM _sqlite_migrations WHERE name = 'm021_facets_named_by_the_title'")
    old.conn.close()
    db = open_db(path)
    assert scoring.pending_rescore(db, story_id) == (0 if declared else 2)  # the seed and the report
    db.conn.close()


def test_a_new_database_has_nothing_to_rescore_after_the_migrations(tmp_path):
    (tmp_path / "one.txt").write_text("Strikes Planned\n\nThe Pentagon plans strikes on cartels in Mexico.")
    db = open_db(tmp_path / "story.db")
    story_id = ensure_story(db, load_story(write_story(tmp_path, '[story]\nname = "local"\ntitle = "Strikes"\nseeds = ["*.txt"]\n')))
    assert scoring.pending_rescore(db, story_id) == 0


def test_a_facet_held_within_places_is_read_stored_and_scored_by_them(tmp_path):
    (tmp_path / "one.txt").write_text("Strikes Planned\n\nThe Pentagon plans strikes on drug cartels in Mexico.")
    facets = (
        '[[facets]]\nname = "US"\nwords = ["US", "Pentagon"]\n'
        '[[facets]]\nname = "action"\nwords = ["strike", "seizes"]\n'
        '[[facets]]\nname = "the drug trade"\nwords = ["drugs", "cartel"]\n'
        'within = ["latin america and the caribbean", "Canada"]\nonly_within = ["drug smuggling"]\n'
    )
    story = load_story(write_story(tmp_path, '[story]\nname = "local"\ntitle = "T"\nseeds = ["one.txt"]\n' + facets))
    assert story.facets[2].within == ("latin america and the caribbean", "Canada")
    db = open_db(tmp_path / "story.db")
    story_id = ensure_story(db, story)
    assert db.execute("SELECT phrase FROM story_facets WHERE kind = 'within' ORDER BY id").fetchall() == [
        ("latin america and the caribbean",), ("Canada",)
    ]
    assert db.execute("SELECT phrase FROM story_facets WHERE kind = 'only_within'").fetchall() == [("drug smuggling",)]
    ingest_items(db, [
        ArticleRecord(title="US seizes drugs in Japan", url="https://example.com/japan"),
        ArticleRecord(title="US seizes drugs in Colombia", url="https://example.com/colombia"),
        ArticleRecord(title="US strike on Japan drug smuggling ring", url="https://example.com/japan-ring"),
        ArticleRecord(title="US strike on drug smuggling ring", url="https://example.com/ring"),
    ])
    reasons = dict(db.execute(
        "SELECT a.url, r.reasons FROM relevance r JOIN articles a ON a.id = r.article_id WHERE r.story_id = ?",
        [story_id],
    ).fetchall())
    assert "nothing on the drug trade (set in Japan)" in reasons["https://example.com/japan"]
    assert "nothing on" not in reasons["https://example.com/colombia"]
    assert "nothing on the drug trade (set in Japan)" in reasons["https://example.com/japan-ring"]
    assert "nothing on" not in reasons["https://example.com/ring"]


def _story_facets_before(path, migration: str, kinds: tuple[str, ...], row: tuple[str, str]):
    """A database as it was before `migration`: story_facets' CHECK allowed only `kinds`; one
    story with one facet row (phrase, kind). Returns it closed."""
    old = open_db(path)
    allowed = ", ".join(f"'{kind}'" for kind in kinds)
    with old.atomic():
        old.execute("DELETE FROM _sqlite_migrations WHERE name = ?", [migration])
        old.execute("DROP TABLE story_facets")
        old.execute(
            "CREATE TABLE story_facets (id INTEGER PRIMARY KEY,"
            " story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE, facet TEXT NOT NULL,"
            f" phrase TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'evidence' CHECK (kind IN ({allowed})))"
        )
        old.execute("CREATE INDEX story_facets_by_story ON story_facets (story_id, id)")
        old.execute("INSERT INTO stories (name, title, created_at) VALUES ('old', 'Old', '2026-01-01T00:00:00Z')")
        old.execute("INSERT INTO story_facets (story_id, facet, phrase, kind) VALUES (1, 'F', ?, ?)", list(row))
    old.conn.close()


@pytest.mark.parametrize(
    ("migration", "kinds", "row", "new_row"),
    [
        # m022: the CHECK allowed only 'evidence' and 'unless'; the copy allows 'within'
        ("m022_facets_held_within_places", ("evidence", "unless"), ("Mexico", "evidence"), ("Canada", "within")),
        # m025: it allowed 'within' too; the copy allows 'only_within'
        ("m025_phrases_held_within_places", ("evidence", "unless", "within"), ("Canada", "within"),
         ("drug smuggling", "only_within")),
    ],
)
def test_a_database_from_before_a_facet_kind_takes_it(tmp_path, migration, kinds, row, new_row):
    """story_facets is copied into a table whose CHECK allows the new kind, keeping every row
    and the index."""
    path = tmp_path / "story.db"
    _story_facets_before(path, migration, kinds, row)
    db = open_db(path)
    assert db.execute("SELECT story_id, facet, phrase, kind FROM story_facets").fetchall() == [(1, "F", *row)]
    with db.atomic():
        db.execute("INSERT INTO story_facets (story_id, facet, phrase, kind) VALUES (1, 'F', ?, ?)", list(new_row))
    assert [row[1] for row in db.execute("PRAGMA index_list(story_facets)").fetchall()] == ["story_facets_by_story"]


def test_a_story_facets_table_before_m025_refuses_only_within(tmp_path):
    """The old CHECK is what m025 widens: without it the kind could not be stored."""
    path = tmp_path / "story.db"
    _story_facets_before(path, "m025_phrases_held_within_places", ("evidence", "unless", "within"), ("Canada", "within"))
    raw = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute("INSERT INTO story_facets (story_id, facet, phrase, kind) VALUES (1, 'F', 'x', 'only_within')")
    raw.close()


def test_the_strikes_on_venezuela_itself_are_not_the_boats_campaign(tmp_path):
    """Real headlines of the week of Maduro's capture (bench/data/real_dev_week_dec29.jsonl): the
    strikes on Venezuela of 3 January, told with the Caribbean's flights, are Venezuela's story;
    the strikes off its coast and on its drug shipments are still the campaign's."""
    titles = [
        "Dozens of Caribbean flights canceled after US strikes Venezuela",
        "US lifts Caribbean airspace restrictions after Venezuela strike",
        "Trump again says land strikes on Venezuela drug shipments coming soon",  # real_dev_week_dec8.jsonl
        "Families sue US over deadly boat strike off Venezuela coast",  # real_dev_week_jan26.jsonl
        # an attack "as Venezuela tension spirals" is no attack on Venezuela: "as" opens a clause, and a
        # pair of words stops there though the engine leaves the word out (real_dev_week_dec15.jsonl)
        "US kills 4 in latest Pacific Ocean attack as Venezuela tension spirals",
    ]
    assert _bundled_verdicts(tmp_path, titles) == [0, 0, 1, 1, 1]


def test_the_bundled_story_knows_the_designation_the_fight_and_maduros_case(tmp_path):
    """Real headlines of two weeks of world news (bench/data/real_dev_week_nov24.jsonl and
    real_dev_week_dec29.jsonl) the bundled story missed: a designation told as a "terror group" or
    a tag, the fight against the drug trade beside the US, and Maduro's indictment, a US court's
    though the headline names no American. An embassy's "security alert" is no security action."""
    titles = [
        "US deems Venezuela's 'Cartel de los Soles' a terror group",
        "What US ‘terrorist’ tag for Venezuelan cartel means for Maduro",
        "Dominican Republic to allow U.S. to use its air facilities to combat drug trafficking",
        "Maduro indicted on narco-terrorism charges after capture",
        "'Shelter in place immediately': US Embassy in Mexico issues urgent security alert after El Mencho's death",
    ]
    assert _bundled_verdicts(tmp_path, titles) == [1, 1, 1, 1, 0]


def test_the_bundled_story_knows_the_killings_by_their_sea_and_the_president_with_the_leader_he_presses(tmp_path):
    """Real headlines of weeks of world news the bundled story missed (bench/data/real_dev_week_nov10.jsonl,
    real_dev_week_oct.jsonl, real_dev_week_dec29.jsonl, real_dev_week_feb2.jsonl): the campaign's killings
    named by their sea, "vessel strikes", strikes that killed in the Pacific, and Trump with the drug trade and
    the leader he presses. Killings with no sea named are someone else's."""
    titles = [
        "UK Halts Intelligence Flow to US Amid Caribbean Killings – Reports",
        "Trump says administration will brief Congress on vessel strikes, but won’t seek declaration of war",
        "Trump claims attack on a dock in Venezuela; US strikes kill two in Pacific",
        "Trump to host Colombia's Petro just weeks after insulting him as 'sick man' fueling drug trade",
        "Venezuela’s National Guard linked to killings, torture and repression, UN probe finds",  # real_dev_week_dec8.jsonl
        # his tariffs in the same words are the trade dispute: "Petro + tariff" cancels the phrase (real_dev_top.jsonl)
        "Trump to hit Colombia with new tariffs amid clash with Petro over drug trade",
    ]
    assert _bundled_verdicts(tmp_path, titles) == [1, 1, 1, 1, 0, 0]


def test_the_bundled_story_reads_mexicos_name_as_the_cartels_side_only_beside_force(tmp_path):
    """Real headlines of the tuning sets (real_dev_week_jan.jsonl, real_dev_week_nov.jsonl, real_dev_nyt.jsonl,
    real_dev_week_jan5.jsonl, real_dev_week_oct.jsonl): Mexico's name beside US troops, strikes, intervention
    or security is the dispute over the cartels; beside spies, Venezuela's strikes or an arrest in the US it
    is other news. The price: cooperation "against crime" with no force named (real_dev_top.jsonl)."""
    titles = [
        "US troop deployment in Mexico 'not on the table,' President Claudia Sheinbaum tells Trump",
        "Sheinbaum denies reports US will send troops to Mexico: ‘It’s not going to happen’",
        "Mexican president rules out US military intervention on its soil",
        "US tells Mexico incremental progress on border security 'unacceptable'",
        "Why Russian Spies Are Using Mexico to Target the U.S.",
        "Brazil, Mexico jointly condemn U.S. attacks against Venezuela",
        "Mexican president says over 2,000 Mexicans arrested in U.S. since January",
        "U.S. and Mexico Vow to Cooperate Against Crime as Rubio Meets Sheinbaum",
    ]
    assert _bundled_verdicts(tmp_path, titles) == [1, 1, 1, 1, 0, 0, 0, 0]
