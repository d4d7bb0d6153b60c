"""The story engine on a real SQLite file: groups, copies of seeds, relevance, teaching."""

import json
from pathlib import Path

import pytest

from storywatch.store import coverage, scoring, story_model
from storywatch.store.db import open_db
from storywatch.store.ingest import ingest_items
from storywatch.store.records import ArticleRecord
from storywatch.store.story import ensure_story, load_story
from storywatch.store.text import dedup

STORY = Path(__file__).resolve().parent.parent / "seeds" / "story.toml"

WIRE = ArticleRecord(
    title="Mexico's president says US military will not come into Mexico to fight cartels",
    url="https://apnews.com/article/mexico-cartels-1",
    summary="Mexican President Claudia Sheinbaum said Friday that the United States will not send its military"
    " into Mexico to fight drug cartels, after reports that President Donald Trump had ordered the Pentagon"
    " to prepare options.",
    source="AP",
    published_at="2025-08-08T10:00:00Z",
)
SAME_TEXT = ArticleRecord(
    title=WIRE.title, url="https://abcnews.go.com/International/wireStory/mexico-cartels-99", summary=WIRE.summary,
    source="ABC News", published_at="2025-08-08T10:30:00Z",
)
REWRITE = ArticleRecord(
    title="Sheinbaum Says US Military Will Not Enter Mexico to Fight Cartels",
    url="https://www.usnews.com/news/world/articles/2025-08-08/sheinbaum",
    summary="Mexican President Claudia Sheinbaum said on Friday the United States will not send its military"
    " into Mexico to fight drug cartels, following reports President Donald Trump ordered the Pentagon"
    " to prepare options.",
    source="US News", published_at="2025-08-08T11:00:00Z",
)
UNRELATED = ArticleRecord(
    title="Mexican peso rallies to strongest level in a year as inflation cools",
    url="https://www.bloomberg.com/news/peso",
    summary="The peso gained against the dollar after data showed consumer prices rose less than expected.",
    source="Bloomberg", published_at="2025-08-08T09:00:00Z",
)
SEED_TEASER = ArticleRecord(
    title="Trump Authorizes Secret Military Strikes Against Latin American Drug Cartels",
    url="https://www.newsbreak.com/news/secret-strikes",
    summary="In a bold move, President Trump has authorized secret military strikes against Latin American drug"
    " cartels labeled as terrorists, a directive that could reshape U.S.-Mexico relations and escalate the war"
    " on drugs.",
    source="NewsBreak",
)


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "story.db")
    yield database
    database.conn.close()


@pytest.fixture
def story_id(db):
    return ensure_story(db, load_story(STORY))


def ingest(db, *records):
    return ingest_items(db, list(records)).new_ids


def row(db, article_id):
    return db.execute(
        "SELECT c.group_id, c.match, c.seed_id, r.score, r.on_story, r.reasons FROM coverage c"
        " JOIN relevance r ON r.article_id = c.article_id WHERE c.article_id = ?",
        [article_id],
    ).fetchone()


def test_copies_join_the_first_report_s_group(db, story_id):
    wire, same, rewrite, peso = ingest(db, WIRE, SAME_TEXT, REWRITE, UNRELATED)
    assert row(db, wire)[:2] == (wire, "first")
    assert row(db, same)[:2] == (wire, "text")
    assert row(db, rewrite)[:2] == (wire, "near")
    assert row(db, peso)[:2] == (peso, "first")
    assert coverage.group_size(db, wire) == 3
    assert [m.id for m in coverage.group_members(db, wire)] == [wire, same, rewrite]  # earliest first


def test_the_same_url_in_disguise_is_one_article(db, story_id):
    disguised = ArticleRecord(
        title=WIRE.title, summary=WIRE.summary,
        url="https://www.google.com/url?rct=j&url=http://www.apnews.com/article/mexico-cartels-1/?utm_source=rss",
    )
    first = ingest(db, WIRE)
    assert ingest(db, disguised) == []
    assert db.execute("SELECT count(*) FROM articles WHERE kind = 'feed'").fetchone()[0] == len(first)


def test_a_copy_of_a_seed_is_coverage_known_from_the_seeds(db, story_id):
    (teaser,) = ingest(db, SEED_TEASER)
    group_id, match, seed_id, score, on_story, reasons = row(db, teaser)
    assert match == "seed"
    assert db.execute("SELECT kind FROM articles WHERE id = ?", [seed_id]).fetchone()[0] == "seed"
    assert group_id == coverage.group_of(db, seed_id)
    assert score >= scoring.SEED_SCORE and on_story == 1
    assert json.loads(reasons)[0] == "copies a seed"


def test_relevance_splits_on_and_off_story_with_reasons(db, story_id):
    wire, peso = ingest(db, WIRE, UNRELATED)
    _, _, _, wire_score, wire_on, wire_reasons = row(db, wire)
    _, _, _, peso_score, peso_on, _ = row(db, peso)
    assert wire_on == 1 and peso_on == 0 and wire_score > peso_score
    assert "cartel" in " ".join(json.loads(wire_reasons))
    seeds = db.execute(
        "SELECT min(r.score) FROM relevance r JOIN articles a ON a.id = r.article_id WHERE a.kind = 'seed'"
    ).fetchone()[0]
    assert seeds >= 0.5


def test_story_feed_collapses_groups_and_filters(db, story_id):
    wire, same, rewrite, peso = ingest(db, WIRE, SAME_TEXT, REWRITE, UNRELATED)
    on_rows = coverage.story_feed(db, story_id, show="on")
    by_id = {r.id: r for r in on_rows}
    assert wire in by_id and same not in by_id and rewrite not in by_id and peso not in by_id
    assert by_id[wire].outlets == 3 and by_id[wire].unread == 3
    off_ids = [r.id for r in coverage.story_feed(db, story_id, show="off")]
    assert off_ids == [peso]
    everything = coverage.story_feed(db, story_id, show="all", limit=1000)
    assert wire in [r.id for r in everything] and same not in [r.id for r in everything]
    page = coverage.story_feed(db, story_id, show="all", limit=2)
    rest = coverage.story_feed(db, story_id, show="all", before=(page[-1].sort_at, page[-1].id), limit=1000)
    assert [r.id for r in page + rest] == [r.id for r in everything]


def test_reading_one_copy_reads_the_group(db, story_id):
    wire, same, rewrite, peso = ingest(db, WIRE, SAME_TEXT, REWRITE, UNRELATED)
    assert coverage.mark_group_read(db, coverage.group_of(db, rewrite), "2025-08-09T00:00:00Z") == 3
    unread = [r[0] for r in db.execute("SELECT id FROM articles WHERE kind = 'feed' AND read_at IS NULL")]
    assert unread == [peso]


def test_marking_off_story_applies_to_the_copies_and_retrains(db, story_id):
    wire, same, rewrite, peso = ingest(db, WIRE, SAME_TEXT, REWRITE, UNRELATED)
    scoring.rescore_story(db, story_id)  # the model over the whole background, before any mark
    before = story_model.story_state(db, story_id).model.weights
    rescored = scoring.mark_on_story(db, same, False, story_id=story_id)
    assert rescored == db.execute("SELECT count(*) FROM articles").fetchone()[0]
    verdicts = dict(db.execute("SELECT article_id, on_story FROM relevance WHERE story_id = ?", [story_id]).fetchall())
    assert verdicts[wire] == verdicts[same] == verdicts[rewrite] == 0
    after = story_model.story_state(db, story_id).model
    assert after.weights["cartel"] == before["cartel"]  # the seeds' terms are not unlearned
    # Every word of that copy is the story's own (its facets' and seeds'), so none counts against;
    # a report with words of its own marked off retrains the story against them.
    assert not after.against
    scoring.mark_on_story(db, peso, False, story_id=story_id)
    assert story_model.story_state(db, story_id).model.against
    scoring.mark_on_story(db, peso, True, story_id=story_id)
    assert db.execute("SELECT on_story, taught FROM relevance WHERE article_id = ?", [peso]).fetchone() == (1, 1)


def test_threshold_moves_verdicts_but_not_taught_ones(db, story_id):
    wire, peso = ingest(db, WIRE, UNRELATED)
    scoring.mark_on_story(db, peso, True, story_id=story_id, rescore=False)
    scoring.set_threshold(db, story_id, 1.01)
    verdicts = dict(db.execute("SELECT article_id, on_story FROM relevance").fetchall())
    assert verdicts[wire] == 0 and verdicts[peso] == 1


def test_a_revision_keeps_its_group_and_is_rescored(db, story_id):
    wire, same = ingest(db, WIRE, SAME_TEXT)
    revised = ArticleRecord(**{**SAME_TEXT.__dict__, "summary": SAME_TEXT.summary + " Updated with more detail."})
    result = ingest_items(db, [revised])
    assert result.updated_ids == [same]
    assert row(db, same)[:2] == (wire, "text")
    assert db.execute("SELECT count(*) FROM signature_bands WHERE article_id = ?", [same]).fetchone()[0] == dedup.BANDS


def test_analysis_is_undone_with_the_poll_that_failed(db, story_id):
    with pytest.raises(RuntimeError):
        with db.atomic():
            ingest(db, WIRE, REWRITE)
            raise RuntimeError("the poll failed half-way")
    feed_rows = db.execute("SELECT count(*) FROM coverage c JOIN articles a ON a.id = c.article_id WHERE a.kind = 'feed'")
    assert feed_rows.fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM signature_bands").fetchone()[0] == db.execute(
        "SELECT count(*) FROM signature_bands b JOIN articles a ON a.id = b.article_id WHERE a.kind = 'seed'"
    ).fetchone()[0]


VENEZUELA_BOAT = ArticleRecord(
    title="US strike kills 11 on alleged drug boat from Venezuela, Trump says",
    url="https://www.reuters.com/world/venezuela-boat-1",
    summary="The US military struck a vessel it said carried drugs from Venezuela across the Caribbean.",
    source="Reuters",
)
VENEZUELA_BOAT_AGAIN = ArticleRecord(
    title="Hegseth says US military killed 6 on another Venezuelan drug boat in Caribbean",
    url="https://apnews.com/article/venezuela-boat-2",
    summary="The strike on a vessel from Venezuela was the latest in the Caribbean campaign.",
    source="AP",
)
MEXICO_ONLY = ArticleRecord(
    title="Mexican army kills 13 suspected cartel gunmen in Michoacán clash",
    url="https://apnews.com/article/michoacan-clash",
    summary="Soldiers came under fire near Apatzingán and returned fire, the defence ministry said.",
    source="AP",
)


def score_of(db, article_id):
    return db.execute("SELECT score FROM relevance WHERE article_id = ?", [article_id]).fetchone()[0]


def test_an_item_with_only_one_side_of_the_story_is_off_story(db, story_id):
    wire, mexico_only = ingest(db, WIRE, MEXICO_ONLY)
    assert row(db, wire)[4] == 1 and row(db, mexico_only)[4] == 0
    assert any(reason.startswith("nothing on") for reason in json.loads(row(db, mexico_only)[5]))


def test_teaching_off_story_lowers_a_similar_item_but_not_the_story(db, story_id):
    wire, boat, again = ingest(db, WIRE, VENEZUELA_BOAT, VENEZUELA_BOAT_AGAIN)
    wire_before, again_before = score_of(db, wire), score_of(db, again)
    scoring.mark_on_story(db, boat, False, story_id=story_id)
    assert score_of(db, again) < again_before
    assert score_of(db, wire) == wire_before


def test_a_short_seed_is_on_the_story_by_definition(tmp_path):
    (tmp_path / "long.txt").write_text(STORY.parent.joinpath("001_ce59b28268057df5.txt").read_text())
    (tmp_path / "short.txt").write_text("Quiet Morning\n\nThe weather was mild.")
    (tmp_path / "story.toml").write_text(
        '[story]\nname = "local"\ntitle = "US military action against Mexican drug cartels"\n'
        'seeds = ["long.txt", "short.txt"]\n'
    )
    db = open_db(tmp_path / "story.db")
    story_id = ensure_story(db, load_story(tmp_path / "story.toml"))
    rows = db.execute(
        "SELECT a.title, r.on_story, r.reasons FROM relevance r JOIN articles a ON a.id = r.article_id"
        " WHERE a.kind = 'seed'"
    ).fetchall()
    assert len(rows) == 2 and all(on for _, on, _ in rows)
    assert all("a seed of the story" in json.loads(reasons) for *_, reasons in rows)
    scoring.rescore_story(db, story_id)
    assert db.execute("SELECT min(on_story) FROM relevance").fetchone() == (1,)
    assert {row.title for row in coverage.story_feed(db, story_id, show="on")} >= {"Quiet Morning"}


AGGREGATOR_COPY = ArticleRecord(
    title="Mexico's president says US military will not come into Mexico to fight cartels - AP News",
    url="https://news.google.com/rss/articles/CBMiexample",
    summary="",
    source="Google News",
)


def test_an_aggregator_item_with_the_same_headline_joins_the_report_s_group(db, story_id):
    wire, copy = ingest(db, WIRE, AGGREGATOR_COPY)
    assert row(db, copy)[0] == row(db, wire)[0]
    assert row(db, copy)[1] == "near"


def test_a_short_shared_headline_is_not_a_copy(db, story_id):
    first, second = ingest(
        db,
        ArticleRecord(title="Live updates", url="https://a.example/1", summary="Markets open higher on jobs data."),
        ArticleRecord(title="Live updates", url="https://b.example/2", summary="A storm reaches the coast of Texas."),
    )
    assert row(db, first)[0] != row(db, second)[0]


def test_the_headline_migration_fills_in_stored_articles(tmp_path):
    path = tmp_path / "old.db"
    old = open_db(path)
    ensure_story(old, load_story(STORY))
    (wire,) = ingest(old, WIRE)
    # Back to the file as m004 left it: no headline_hash, the migration not yet applied.
    old.execute("DROP INDEX fingerprints_by_headline")
    old.execute("ALTER TABLE fingerprints DROP COLUMN headline_hash")
    old.execute("DELETE FROM _sqlite_migrations WHERE name = 'm005_headline_hash'")
    old.conn.commit()
    old.conn.close()
    db = open_db(path)
    assert db.execute("SELECT headline_hash FROM fingerprints WHERE article_id = ?", [wire]).fetchone()[0]
    (copy,) = ingest(db, AGGREGATOR_COPY)
    assert row(db, copy)[0] == row(db, wire)[0]
    db.conn.close()


FESTIVALS = ArticleRecord(
    title="Mexican festivals in Chicago canceled amid Trump plans to deploy troops",
    url="https://www.nbcnews.com/news/chicago-mexican-festivals-canceled", source="NBC News",
    published_at="2025-09-05T20:00:00Z",
)
FESTIVALS_LATER = ArticleRecord(
    title="Chicago's Mexican festivals called off as Trump plans to deploy troops to the city",
    url="https://www.cbsnews.com/chicago/news/mexican-festivals-called-off", source="CBS News",
    published_at="2025-09-06T10:00:00Z",
)


def test_a_report_like_one_marked_off_arrives_off_the_story_with_the_mark_in_its_reasons(db, story_id):
    """Two outlets on the same off-story event, a day apart, as in Google News' top stories
    (the first is in bench/data/real_dev_top.jsonl): with the first marked off, the second
    arrives off too."""
    first, = ingest(db, FESTIVALS)
    assert row(db, first)[4] == 1  # Trump, troops, Mexican: every facet of the story file
    scoring.mark_on_story(db, first, False, story_id=story_id)
    second, = ingest(db, FESTIVALS_LATER)
    on_story, reasons = row(db, second)[4:6]
    assert on_story == 0
    assert any(reason.startswith("like a report marked off the story") for reason in json.loads(reasons))
