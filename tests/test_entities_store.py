"""Entities in the database: merging rules, indexing at ingest and the sidebar's queries."""

from __future__ import annotations

import pytest

from storywatch import seeds
from storywatch.store import entities
from storywatch.store.entities import canonical_name, entity_key, same_person, surname_key
from storywatch.store.entity_queries import (
    articles_naming,
    entity_detail,
    entity_ids_named,
    on_story_condition,
    top_entities,
    top_entities_overall,
)
from storywatch.store.ingest import ingest_items
from storywatch.store.records import ArticleRecord
from storywatch.store.story import ensure_story, load_story

# --- the rules on their own ------------------------------------------------------------------


def test_places_and_organisations_go_by_their_canonical_name():
    assert canonical_name("place", "U.S.") == canonical_name("place", "US") == "United States"
    assert canonical_name("place", "United States") == "United States"
    assert canonical_name("org", "the Pentagon") == "Pentagon"
    assert canonical_name("org", "CJNG") == "Jalisco New Generation Cartel"
    # the country before a body the gazetteer knows is no part of its name
    assert canonical_name("org", "U.S. Coast Guard") == canonical_name("org", "Coast Guard") == "Coast Guard"
    assert canonical_name("org", "US Southern Command") == canonical_name("org", "SOUTHCOM") == "Southern Command"
    assert canonical_name("org", "American Airlines") == "American Airlines"  # not a body it knows
    assert canonical_name("person", "Mexico's") == "Mexico"  # a person keeps its own words


def test_people_are_compared_without_middle_initials_and_suffixes():
    assert entity_key("person", "Donald J. Trump") == entity_key("person", "Donald Trump")
    assert surname_key("person", "Donald Trump Jr.") == "trump"
    assert surname_key("place", "Mexico") is None
    assert same_person("Sheinbaum", "Claudia Sheinbaum")
    assert same_person("García Harfuch", "Omar García Harfuch")
    assert not same_person("Eric Trump", "Donald Trump")
    assert not same_person("Claudia", "Claudia Sheinbaum")


# --- in the database -------------------------------------------------------------------------


def add(db, title, body, url, published_at="2026-08-09T10:00:00Z", summary=""):
    result = ingest_items(
        db, [ArticleRecord(title=title, url=url, summary=summary, body=body, published_at=published_at)]
    )
    return (result.new_ids + result.updated_ids)[0]


def names_of(db, kind):
    return {row[0] for row in db.execute("SELECT name FROM entities WHERE kind = ?", [kind])}


def aliases_of(db, name):
    rows = db.execute(
        "SELECT a.alias FROM entity_aliases a JOIN entities e ON e.id = a.entity_id WHERE e.name = ?", [name]
    )
    return {row[0] for row in rows}


def filed_under(db, article_id, text):
    """The entities (kind:name) an article's mentions written `text` are filed under."""
    return {row[0] for row in db.execute(
        "SELECT e.kind || ':' || e.name FROM mentions m JOIN entities e ON e.id = m.entity_id"
        " WHERE m.article_id = ? AND m.text = ?", [article_id, text])}


def set_on_story(db, article_id, on_story):
    """Mark an article as the story engine would, whatever columns its table has."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'relevance'").fetchone():
        db.execute("CREATE TABLE relevance (article_id INTEGER PRIMARY KEY, on_story INTEGER NOT NULL)")
    if not db.execute("SELECT 1 FROM stories").fetchone():
        db.execute("INSERT INTO stories (id, name, title, created_at) VALUES (1, 't', 'T', '2026-08-09T00:00:00Z')")
    columns = db.execute("PRAGMA table_info(relevance)").fetchall()
    values = {"article_id": article_id, "on_story": on_story, "story_id": 1, "score": float(on_story)}
    row = {}
    for _, name, kind, notnull, default, _ in columns:
        if name in values:
            row[name] = values[name]
        elif notnull and default is None:
            row[name] = "" if "TEXT" in kind.upper() else 0
    db.execute("DELETE FROM relevance WHERE article_id = ?", [article_id])
    marks = ", ".join("?" * len(row))
    db.execute(f"INSERT INTO relevance ({', '.join(row)}) VALUES ({marks})", list(row.values()))


def test_one_person_many_names(db):
    add(db, "Trump weighs strikes", "President Donald Trump met aides. Trump said little.", "https://n.test/1")
    add(db, "Cartels", "President Trump and Donald Trump's aides spoke. Later Trump left.", "https://n.test/2")
    people = names_of(db, "person")
    assert "Donald Trump" in people and "Trump" not in people
    assert "Donald Trump" in aliases_of(db, "Donald Trump")
    linked = db.execute(
        "SELECT e.name, count(*) FROM mentions m JOIN entities e ON e.id = m.entity_id WHERE m.text = 'Trump' GROUP BY e.name"
    ).fetchall()
    assert linked == [("Donald Trump", 3)]  # "Trump" alone, in both reports, is the person named in full


def test_surname_first_then_full_name_becomes_one_person(db):
    first = add(db, "Mexico answers", "Sheinbaum said on Tuesday that she rejected any incursion.", "https://n.test/a")
    add(db, "Mexico", "Mexican President Claudia Sheinbaum spoke in Mexico City.", "https://n.test/b")
    assert "Claudia Sheinbaum" in names_of(db, "person")
    assert "Sheinbaum" not in names_of(db, "person")
    (entity_id,) = entity_ids_named(db, "Sheinbaum")
    assert {a.id for a in articles_naming(db, entity_id)} >= {first}


def test_a_person_named_in_full_keeps_the_name_when_a_headline_glues_a_word_or_a_name_in_front(db):
    """Twelve weeks of top-story headlines listed Trump's 1,497 mentions as "Xi Jinping-Donald
    Trump" and Marjorie Taylor Greene's as "Lawmaker Marjorie Taylor Greene": a longer name
    ending with one known in full had renamed it (bench/data/real_dev_top.jsonl)."""
    add(db, "Donald Trump meets aides", "", "https://n.test/t1")
    add(db, "Marjorie Taylor Greene speaks", "", "https://n.test/k1")
    add(db, "Xi Jinping meets Li Qiang", "", "https://n.test/x1")
    add(db, "Sheinbaum answers", "", "https://n.test/s1")
    glued = add(db, "Top aides brief Lawmaker Marjorie Taylor Greene", "", "https://n.test/k2")
    summit = add(db, "China emerges as US rival at Xi Jinping-Donald Trump summit", "", "https://n.test/t2")
    tail = add(db, "Experts weigh Donald Trump-Xi Jinping summit", "", "https://n.test/x2")
    add(db, "Mexico", "Mexican President Claudia Sheinbaum spoke.", "https://n.test/s2")
    people = names_of(db, "person")
    assert {"Donald Trump", "Marjorie Taylor Greene", "Xi Jinping", "Claudia Sheinbaum"} <= people
    assert not {"Lawmaker Marjorie Taylor Greene", "Xi Jinping-Donald Trump", "Donald Trump-Xi Jinping", "Sheinbaum"} & people
    assert filed_under(db, glued, "Lawmaker Marjorie Taylor Greene") == {"person:Marjorie Taylor Greene"}
    assert filed_under(db, summit, "Xi Jinping") == {"person:Xi Jinping"}  # two names, split at the hyphen
    assert filed_under(db, summit, "Donald Trump") == {"person:Donald Trump"}
    assert filed_under(db, tail, "Donald Trump-Xi Jinping") == {"person:Xi Jinping"}


def test_a_person_an_older_linker_renamed_by_a_glued_name_takes_their_name_back(db):
    """m017's repair, on rows as the linker before it left them."""
    trump = add(db, "Donald Trump meets aides", "", "https://n.test/r1")
    add(db, "Fraud case", "Donald Trump settled. The Trump U case ended.", "https://n.test/r4")
    machado = add(db, "María Corina Machado speaks", "Corina Machado said more.", "https://n.test/r2")
    kirk = add(db, "Charlie Kirk rally held", "", "https://n.test/r3")
    with db.atomic():
        db.execute("UPDATE mentions SET entity_id = (SELECT id FROM entities WHERE name = 'Donald Trump')"
                   " WHERE text = 'Trump U'")  # as the top stories' store had it: Trump University
        db.execute("UPDATE entities SET name = 'Xi Jinping-Donald Trump', key = 'xi jinping donald trump'"
                   " WHERE name = 'Donald Trump'")
        db.execute("UPDATE entities SET name = 'Alleged Charlie Kirk', key = 'alleged charlie kirk' WHERE name = 'Charlie Kirk'")
        db.execute("INSERT INTO entities (kind, name, key, surname) VALUES ('person', 'Charlie Kirk', 'charlie kirk', 'kirk')")
        assert entities.repair_names_glued_in_front(db) == 1
        assert entities.repair_names_glued_in_front(db) == 0  # once is all: "Trump U" is no tail of "Donald Trump"
    assert filed_under(db, trump, "Donald Trump") == {"person:Donald Trump"}
    assert filed_under(db, machado, "María Corina Machado") == {"person:María Corina Machado"}  # first names before
    assert filed_under(db, kirk, "Charlie Kirk") == {"person:Alleged Charlie Kirk"}  # the name is another's: left


def test_a_gang_an_older_extractor_filed_without_its_number_is_read_again(db):
    """m020's repair, on rows as the extractor before it left them: "Barrio 18" filed as "Barrio"."""
    gang = add(db, "US designates Barrio 18 as terrorists", "Barrio 18 leaders were charged.", "https://n.test/g1")
    other = add(db, "Pentagon weighs cartel strikes", "", "https://n.test/g2")
    with db.atomic():
        db.execute("UPDATE entities SET name = 'Barrio', key = 'barrio' WHERE name = 'Barrio 18'")
        db.execute("UPDATE mentions SET text = 'Barrio' WHERE text = 'Barrio 18'")
        db.execute("UPDATE entity_aliases SET alias = 'Barrio', key = 'barrio' WHERE key = 'barrio 18'")
        assert entities.repair_numbered_names(db) == 1  # the gang's article alone is read again
    assert filed_under(db, gang, "Barrio 18") == {"org:Barrio 18"}
    assert db.execute("SELECT count(*) FROM entities WHERE name = 'Barrio'").fetchone()[0] == 0
    assert filed_under(db, other, "Pentagon") == {"org:Pentagon"}


def reports_naming(db, name: str) -> int:
    """How many articles mention the entity of this name."""
    return db.execute(
        "SELECT count(DISTINCT m.article_id) FROM mentions m JOIN entities e ON e.id = m.entity_id WHERE e.name = ?", [name]
    ).fetchone()[0]


def test_an_outlet_naming_itself_is_no_mention_but_another_outlet_naming_it_is(db):
    """A wire names itself in most of its reports ("told Reuters"): counted, it led the
    sidebar's organisations on a month of its own coverage."""
    for source, url in (("reuters.com", "https://www.reuters.com/world/a"), ("Reuters", "https://news.test/b")):
        ingest_items(db, [ArticleRecord(
            title="Pentagon weighs cartel strikes", url=url, source=source,
            body="WASHINGTON (Reuters) - The Pentagon is weighing strikes, officials told Reuters on Tuesday.",
        )])
    assert reports_naming(db, "Reuters") == 0 and reports_naming(db, "Pentagon") == 2
    ingest_items(db, [ArticleRecord(
        title="Pentagon answers", url="https://apnews.test/c", source="apnews.com",
        body="The Pentagon denied a report by Reuters on Wednesday.",
    )])
    assert reports_naming(db, "Reuters") == 1


def test_a_feed_named_for_its_outlet_s_site_is_that_outlet(db):
    """A feed titled "Reuters (Direct)" links to reuters.com: its reports naming Reuters name
    themselves. A Google News item is another outlet's report: Google in it is news."""
    ingest_items(db, [
        ArticleRecord(title="Pentagon weighs cartel strikes", url="https://www.reuters.com/world/a",
                      source="Reuters (Direct)", summary="Officials told Reuters the Pentagon is weighing strikes."),
        ArticleRecord(title="Google fined over search deals", url="https://news.google.com/rss/articles/CBMi1",
                      source="Reuters", summary="Google was fined on Tuesday, a court in Brussels said."),
    ])
    assert reports_naming(db, "Reuters") == 0
    assert reports_naming(db, "Google") == 1


def test_reports_an_older_version_filed_under_their_own_outlet_are_read_again(db):
    """m027's repair: a report of a feed titled "Reuters (Direct)" that names Reuters, filed
    before the site's name counted as the outlet's. A report naming another outlet keeps it."""
    ingest_items(db, [
        ArticleRecord(title="Pentagon weighs cartel strikes", url="https://www.reuters.com/world/a",
                      source="Wire (Direct)", summary="Officials told Reuters the Pentagon is weighing strikes."),
        ArticleRecord(title="Pentagon answers", url="https://apnews.com/b", source="AP News (Direct)",
                      summary="The Pentagon denied a report by Reuters on Wednesday."),
    ])
    assert reports_naming(db, "Reuters") == 2
    with db.atomic():
        db.execute("UPDATE articles SET source = 'Reuters (Direct)' WHERE source = 'Wire (Direct)'")  # as it is titled now
        assert entities.repair_own_outlet_mentions(db) == 1
    assert reports_naming(db, "Reuters") == 1 and reports_naming(db, "Pentagon") == 2


def test_a_surname_alone_is_the_person_the_same_article_names_in_full(db):
    """In a month of Venezuela coverage, "Rodriguez" is Jorge Rodriguez in December and Delcy
    Rodriguez in January: a report naming her in full means her by the surname too, however
    often he was named before. (The gazetteer also knows Rodriguez, Rizal: no place here.)"""
    for n in range(3):
        add(db, "Assembly", f"National Assembly President Jorge Rodriguez spoke. Rodriguez said {n}.", f"https://n.test/j{n}")
    delcy = add(db, "Venezuela", "Interim President Delcy Rodriguez spoke in Caracas. Rodriguez said talks would go on.",
                "https://n.test/d")
    assert filed_under(db, delcy, "Rodriguez") == {"person:Delcy Rodriguez"}
    assert "Rodriguez" not in names_of(db, "place")


def test_a_town_no_one_is_named_after_stays_a_place(db):
    add(db, "Storm", "The storm reached Rodriguez on Monday, officials said.", "https://n.test/r3")
    assert "Rodriguez" in names_of(db, "place")


def test_a_surname_read_as_an_organisation_before_the_person_was_named_joins_the_person_after(db):
    """"Maduro" opening headlines was read as an organisation before any report named Nicolas
    Maduro in full; once he is, the next "Maduro" is he, not that early organisation."""
    early = add(db, "Venezuela", "", "https://n.test/m1", summary="Pressure on Maduro grew on Monday.")
    add(db, "Venezuela", "Venezuelan President Nicolas Maduro spoke in Caracas.", "https://n.test/m2")
    later = add(db, "Venezuela", "", "https://n.test/m3", summary="Sanctions on Maduro widened on Friday.")
    assert filed_under(db, early, "Maduro") == {"org:Maduro"}  # what was read then stays
    assert filed_under(db, later, "Maduro") == {"person:Nicolas Maduro"}


def test_a_nickname_given_with_a_full_name_is_that_person_with_or_without_its_quotes(db):
    """Wire copy names a cartel leader once in full with his nickname, then by the nickname:
    without quotes "El Mayo" reads like "El Paso", a place."""
    add(db, "Sinaloa cartel", 'Ismael "El Mayo" Zambada pleaded guilty in New York.', "https://n.test/z1")
    bare = add(db, "Sentenced", "", "https://n.test/z2", summary="El Mayo was sentenced on Tuesday.")
    quoted = add(db, "Cartel", "", "https://n.test/z3", summary='Prosecutors said "El Mayo" ran the cartel.')
    assert filed_under(db, bare, "El Mayo") == {'person:Ismael "El Mayo" Zambada'}
    assert filed_under(db, quoted, "El Mayo") == {'person:Ismael "El Mayo" Zambada'}
    assert "El Mayo" not in names_of(db, "place")
    town = add(db, "Border", "", "https://n.test/z4", summary="The mayor of El Paso spoke on Tuesday.")
    assert filed_under(db, town, "El Paso") == {"place:El Paso"}  # no one goes by it


def test_of_two_people_of_one_surname_a_surname_alone_is_the_one_mentioned_most_up_to_a_cap(db):
    """Which Garcia a bare "Garcia" is goes by mentions, counted up to MENTIONS_COUNTED: past
    it (a leading name in a store kept for months) counting walked every mention each time,
    and the one first seen wins."""
    def person(name):
        return db.execute("SELECT id FROM entities WHERE name = ?", [name]).fetchone()[0]

    def mention(entity_id, times):
        filler = db.execute("SELECT min(id) FROM articles").fetchone()[0]
        db.conn.executemany(
            "INSERT INTO mentions (article_id, entity_id, field, char_start, char_end, text) VALUES (?, ?, 'body', ?, ?, 'x')",
            [(filler, entity_id, i, i + 1) for i in range(times)],
        )

    for first, url in (("Ana", "https://n.test/g1"), ("Luis", "https://n.test/g2")):
        add(db, "Talks", f"Foreign Minister {first} Garcia and Senator {first} Lopez spoke on Monday.", url)
    mention(person("Luis Lopez"), 3)
    mention(person("Ana Garcia"), entities.MENTIONS_COUNTED)
    mention(person("Luis Garcia"), entities.MENTIONS_COUNTED + 3)
    bare = add(db, "Talks", "", "https://n.test/g3", summary="Talks will go on, Garcia said on Wednesday, and Lopez agreed.")
    assert filed_under(db, bare, "Lopez") == {"person:Luis Lopez"}  # mentioned most
    assert filed_under(db, bare, "Garcia") == {"person:Ana Garcia"}  # both past the cap: the first seen


def test_a_holiday_is_no_organisation(db):
    add(db, "Holidays", "", "https://n.test/h", summary="Sales rose before Christmas as shoppers returned.")
    assert "Christmas" not in names_of(db, "org") | names_of(db, "person") | names_of(db, "place")


@pytest.mark.parametrize(
    "named, later, mention, person",
    [
        # a surname opening a headline has no title or first name to say it is a person
        ("Mexican President Claudia Sheinbaum spoke in Mexico City.", "Analysts said Sheinbaum faces pressure.",
         "Sheinbaum", "Claudia Sheinbaum"),
        # "Delcy Rodriguez" with no title reads like "Real Madrid" (a word, then a town's name)
        ("Interim President Delcy Rodriguez spoke in Caracas.", "Talks with Delcy Rodriguez resumed on Monday.",
         "Delcy Rodriguez", "Delcy Rodriguez"),
    ],
)
def test_a_name_read_as_an_organisation_is_the_person_named_in_full(db, named, later, mention, person):
    add(db, "News", named, "https://n.test/c")
    headline = add(db, "More news", "", "https://n.test/d", summary=later)
    assert filed_under(db, headline, mention) == {f"person:{person}"}
    assert mention not in names_of(db, "org")


def test_places_and_the_pentagon(db):
    add(db, "US", "Officials in the U.S. and in the United States met. US troops wait.", "https://n.test/p")
    add(db, "Pentagon", "The Pentagon said the Pentagon's plans were ready.", "https://n.test/q")
    assert "United States" in names_of(db, "place")
    assert not names_of(db, "place") & {"U.S.", "US"}
    assert "U.S." in aliases_of(db, "United States")  # "US" compares equal to it
    assert entity_ids_named(db, "US") == entity_ids_named(db, "United States") != []
    assert "Pentagon" in names_of(db, "org")


def test_reindexing_an_updated_article_replaces_its_mentions(db):
    article = add(db, "Early", "Officials in Sinaloa met.", "https://n.test/u")
    add(db, "Early", "Officials in Sonora met.", "https://n.test/u", published_at="2026-08-09T10:00:00Z")
    names = {row[0] for row in db.execute("SELECT text FROM mentions WHERE article_id = ?", [article])}
    assert names == {"Sonora"}
    assert "Sinaloa" not in names_of(db, "place")  # nobody mentions it any more


def test_indexing_joins_the_callers_transaction(db):
    with pytest.raises(RuntimeError):
        with db.atomic():
            add(db, "Gone", "Claudia Sheinbaum spoke in Sinaloa.", "https://n.test/g")
            raise RuntimeError("the poll failed")
    assert db.execute("SELECT count(*) FROM mentions").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM entities").fetchone() == (0,)


def test_story_aliases_override_the_rules(db):
    add(db, "El Mayo", "Ismael Zambada was arrested. El Mayo denied it. Zambada waited.", "https://n.test/m")
    entities.apply_story_aliases(db, {"Ismael Zambada": ["El Mayo"]})
    (entity_id,) = entity_ids_named(db, "El Mayo")
    assert entity_ids_named(db, "Ismael Zambada") == [entity_id]
    detail = entity_detail(db, entity_id)
    assert detail.name == "Ismael Zambada" and "El Mayo" in detail.aliases
    # New articles follow the table too.
    add(db, "Again", "Later, El Mayo appeared in court in Texas.", "https://n.test/m2")
    assert entity_ids_named(db, "El Mayo") == [entity_id]


def test_bad_text_makes_no_entities(db):
    add(db, "READ MORE", "", "https://n.test/empty")
    add(db, "SHARE", "<p>&nbsp;</p><script>x()</script> Read more. Share this. Subscribe!", "https://n.test/html")
    assert db.execute("SELECT count(*) FROM entities").fetchone() == (0,)


# --- the sidebar's queries -------------------------------------------------------------------


def test_bundled_story_top_entities(db):
    ensure_story(db, load_story(seeds.BUNDLED_STORY_FILE))
    grouped = top_entities(db, per_kind=5)
    assert set(grouped) == {"person", "org", "place"}
    assert grouped["person"][0].name == "Donald Trump"
    assert {"Claudia Sheinbaum", "Donald Trump"} <= {e.name for e in grouped["person"]}
    assert {"United States", "Mexico"} <= {e.name for e in grouped["place"]}
    assert "Pentagon" in {e.name for e in grouped["org"]}
    overall = top_entities_overall(db, 15)
    assert [e.mentions for e in overall] == sorted((e.mentions for e in overall), reverse=True)


def test_top_entities_count_only_on_story_articles(db):
    on = add(db, "On", "Sheinbaum spoke in Sinaloa. Sinaloa was calm.", "https://n.test/on")
    off = add(db, "Off", "Taylor Swift sang in London. London cheered. London slept.", "https://n.test/off")
    set_on_story(db, on, 1)
    set_on_story(db, off, 0)
    names = {e.name for kind in top_entities(db).values() for e in kind}
    assert "Sinaloa" in names and "London" not in names
    assert "relevance" in on_story_condition(db)


def test_entity_detail_for_the_sidebar(db):
    ensure_story(db, load_story(seeds.BUNDLED_STORY_FILE))
    new = add(
        db, "Harfuch", "Security Minister Omar García Harfuch met Claudia Sheinbaum. García Harfuch spoke.",
        "https://n.test/h", published_at="2026-08-10T08:00:00Z",
    )
    add(db, "Again", "García Harfuch visited Culiacán with Claudia Sheinbaum.", "https://n.test/h2",
        published_at="2026-08-11T08:00:00Z")
    (harfuch,) = entity_ids_named(db, "Omar García Harfuch")
    detail = entity_detail(db, harfuch)
    assert detail.kind == "person" and detail.aliases == ["García Harfuch"]
    assert detail.new_since_seeds and detail.first_article_id == new
    assert detail.per_day == [("2026-08-10", 2), ("2026-08-11", 1)]
    assert detail.articles == 2 and detail.mentions == 3
    assert detail.appears_with[0].name == "Claudia Sheinbaum"
    (sheinbaum,) = entity_ids_named(db, "Claudia Sheinbaum")
    assert not entity_detail(db, sheinbaum).new_since_seeds
    assert entity_detail(db, 10_000) is None


def test_filtering_the_feed_by_entity_uses_the_index(db):
    ensure_story(db, load_story(seeds.BUNDLED_STORY_FILE))
    (trump,) = entity_ids_named(db, "Trump")
    rows = articles_naming(db, trump, limit=3)
    assert len(rows) == 3
    assert [(r.sort_at, r.id) for r in rows] == sorted(((r.sort_at, r.id) for r in rows), reverse=True)
    rest = articles_naming(db, trump, before=(rows[-1].sort_at, rows[-1].id))
    assert {r.id for r in rest}.isdisjoint({r.id for r in rows}) and len(rest) == 2
    plan = " ".join(
        str(row[-1])
        for row in db.execute(
            "EXPLAIN QUERY PLAN SELECT a.id FROM articles a WHERE a.id IN"
            " (SELECT article_id FROM mentions WHERE entity_id = ?) ORDER BY a.sort_at DESC, a.id DESC",
            [trump],
        )
    )
    assert "mentions_by_entity" in plan
    assert "SCAN mentions" not in plan


def test_a_headline_s_first_word_is_the_person_who_goes_by_that_surname_or_no_name(db):
    """Rule 9. Twelve weeks of top stories opened 867 headlines with a bare "Trump" that the
    extractor could not tell from "Stocks rally" (bench/data/real_dev_top.jsonl)."""
    add(db, "Briefing", "President Donald Trump spoke. Trump said more.", "https://n.test/h1")
    add(db, "Speaker", "Speaker Mike Johnson spoke. Johnson said so.", "https://n.test/h2")
    add(db, "Chicago", "Mayor Brandon Johnson spoke. Johnson said no.", "https://n.test/h3")
    add(db, "Fires", "The Marshall Fire burned.", "https://n.test/h4")
    orders = add(db, "Trump orders strikes on drug cartels", "", "https://n.test/h5")
    stocks = add(db, "Stocks rally as markets rise", "", "https://n.test/h6")
    fire = add(db, "Fire crews contain the blaze", "", "https://n.test/h7")
    assert filed_under(db, orders, "Trump") == {"person:Donald Trump"}
    assert filed_under(db, stocks, "Stocks") == set() and filed_under(db, fire, "Fire") == set()
    johnson = add(db, "Johnson blames Democrats for shutdown", "", "https://n.test/h8")
    assert filed_under(db, johnson, "Johnson") == set()  # two go by Johnson, neither mentioned twice as often
    add(db, "Speaker again", "Speaker Mike Johnson spoke. Johnson said so. Johnson left.", "https://n.test/h9")
    add(db, "Speaker more", "Speaker Mike Johnson spoke. Johnson said so.", "https://n.test/h10")
    again = add(db, "Johnson warns of a long shutdown", "", "https://n.test/h11")
    assert filed_under(db, again, "Johnson") == {"person:Mike Johnson"}  # now he is


def test_an_agency_an_older_extractor_read_in_parts_is_read_again(db):
    """m023's repair, on rows as the extractor before it left them: "US Drug Enforcement
    Administration" filed as a person "Enforcement". An article that mentions a part of such a
    name ("Sinaloa" of "Sinaloa Cartel") without writing the name is left as it is."""
    agency = add(db, "Maduro arrives in New York", "He was escorted through a US Drug Enforcement Administration facility.",
                 "https://n.test/d1")
    place = add(db, "Troops deployed in Sinaloa", "Soldiers patrolled Culiacan on Monday.", "https://n.test/d2")
    with db.atomic():
        db.execute("UPDATE entities SET kind = 'person', name = 'Enforcement', key = 'enforcement', surname = 'enforcement'"
                   " WHERE name = 'Drug Enforcement Administration'")
        db.execute("UPDATE mentions SET text = 'Enforcement' WHERE text = 'Drug Enforcement Administration'")
        assert entities.repair_split_names(db) == 1  # the agency's article alone is read again
    assert filed_under(db, agency, "Drug Enforcement Administration") == {"org:Drug Enforcement Administration"}
    assert db.execute("SELECT count(*) FROM entities WHERE name = 'Enforcement'").fetchone()[0] == 0
    assert filed_under(db, place, "Sinaloa") == {"place:Sinaloa"}


def test_places_an_older_extractor_made_firms_are_read_again(db):
    """m026's repair, on rows as the extractor before it left them: "Pacific" (from "the Eastern
    Pacific") and "South Pacific" filed as organisations. An article whose firms are firms is
    left as it is."""
    strike = add(db, "Strike", "A strike in the Eastern Pacific killed two men on Monday.", "https://n.test/p1")
    islands = add(db, "Islands", "Storms hit the South Pacific on Monday.", "https://n.test/p2")
    firm = add(db, "Jobs", "British Telecom said on Monday it would cut jobs.", "https://n.test/p3")
    with db.atomic():
        db.execute("UPDATE entities SET kind = 'org' WHERE name IN ('Pacific', 'South Pacific')")
        assert entities.repair_places_read_as_firms(db) == 2  # the British Telecom article is not read again
    assert filed_under(db, strike, "Pacific") == {"place:Pacific"}
    assert filed_under(db, islands, "South Pacific") == {"place:South Pacific"}
    assert db.execute("SELECT count(*) FROM entities WHERE kind = 'org' AND name LIKE '%Pacific'").fetchone()[0] == 0
    assert filed_under(db, firm, "British Telecom") == {"org:British Telecom"}


def test_reports_misread_past_initials_or_a_consent_notice_are_read_again(db):
    """m028's repair, on rows as the extractor before it left them: "One" of France 24's notice
    ("One of your browser extensions ..."), "One" after "told NBC." and "NS" of a ticker
    ("IOC.NS") filed as organisations. A report that names a firm "One" is left as it is."""
    notice = ("To display this content from YouTube, you must enable advertisement tracking and audience"
              " measurement. One of your browser extensions seems to be blocking the video player from loading."
              " To watch this content, you may need to disable it on this site.")
    video = add(db, "Talks", f'"We will talk," Trump said. {notice} Maduro said no.', "https://n.test/c1")
    initials = add(db, "Raid", '"We will fix it," Trump told NBC. One of the men was killed.', "https://n.test/c2")
    ticker = add(db, "Refiners", "Indian Oil Corp (IOC.NS) , opens new tab , cut runs on Monday.", "https://n.test/c3")
    other = add(db, "Charity", "The group One said on Monday it would give more.", "https://n.test/c4")
    with db.atomic():
        for article_id, name, text in ((video, "One", f'"We will talk," Trump said. {notice}'),
                                       (initials, "One", '"We will fix it," Trump told NBC. One'),
                                       (ticker, "NS", "Indian Oil Corp (IOC.NS")):
            found = db.execute("SELECT id FROM entities WHERE kind = 'org' AND name = ?", [name]).fetchone()
            entity_id = found[0] if found else db.execute(
                "INSERT INTO entities (kind, name, key) VALUES ('org', ?, ?)", [name, name.lower()]).lastrowid
            start = text.index(name, len(text) - len(notice) if article_id == video else 0)
            db.execute("INSERT INTO mentions (article_id, entity_id, field, char_start, char_end, text)"
                       " VALUES (?, ?, 'body', ?, ?, ?)", [article_id, entity_id, start, start + len(name), name])
            assert filed_under(db, article_id, name) == {f"org:{name}"}
        before = filed_under(db, other, "One")
        assert entities.repair_misread_sentence_starts(db) == 3  # the charity's report is not read again
    assert filed_under(db, video, "One") == filed_under(db, initials, "One") == filed_under(db, ticker, "NS") == set()
    assert filed_under(db, initials, "NBC") == {"org:NBC News"} and filed_under(db, ticker, "Indian Oil Corp")
    assert filed_under(db, other, "One") == before


def test_acronyms_an_older_extractor_made_people_are_read_again(db):
    """m029's repair, on rows as the extractor before it left them: "WHO" who said something
    filed as a person. A report whose people are real names is left as it is."""
    who = add(db, "Outbreak", "WHO said on Monday that cases had doubled.", "https://n.test/a1")
    other = add(db, "Talks", "Sheinbaum said on Monday that talks would go on.", "https://n.test/a2")
    as_read = filed_under(db, who, "WHO")
    assert len(as_read) == 1 and next(iter(as_read)).startswith("org:")
    with db.atomic():
        db.execute("UPDATE entities SET kind = 'person', name = 'WHO', key = 'who' WHERE id IN"
                   " (SELECT entity_id FROM mentions WHERE article_id = ? AND text = 'WHO')", [who])
        assert filed_under(db, who, "WHO") == {"person:WHO"}
        before = filed_under(db, other, "Sheinbaum")
        assert entities.repair_acronyms_read_as_people(db) == 1
    assert filed_under(db, who, "WHO") == as_read
    assert filed_under(db, other, "Sheinbaum") == before


def test_people_an_older_extractor_made_of_everyday_words_are_read_again(db):
    """m024's repair, on rows as the extractor before it left them: "Embattled Petro" and
    "Waffle House" filed as people. An article whose people are real names is left as it is."""
    petro = add(db, "Sanctions", "Embattled Petro faces US sanctions over drug policy.", "https://n.test/w1")
    waffle = add(db, "Shooting", "Waffle House shooting leaves two dead.", "https://n.test/w2")
    other = add(db, "Talks", "Claudia Sheinbaum said on Monday that talks would go on.", "https://n.test/w3")
    assert filed_under(db, petro, "Petro") == {"person:Petro"}
    with db.atomic():
        for old, new, start in (("Petro", "Embattled Petro", 0), ("Waffle House", "Waffle House", 0)):
            entity_id = db.execute("SELECT entity_id FROM mentions WHERE text = ?", [old]).fetchone()[0]
            db.execute("UPDATE entities SET kind = 'person', name = ?, key = lower(?) WHERE id = ?", [new, new, entity_id])
            db.execute("UPDATE mentions SET text = ?, char_start = ? WHERE text = ?", [new, start, old])
        assert entities.repair_everyday_names(db) == 2  # the Sheinbaum article is not read again
    assert filed_under(db, petro, "Petro") == {"person:Petro"}
    assert filed_under(db, waffle, "Waffle House") == {"org:Waffle House"}
    assert db.execute("SELECT count(*) FROM entities WHERE name = 'Embattled Petro'").fetchone()[0] == 0
    assert filed_under(db, other, "Claudia Sheinbaum") == {"person:Claudia Sheinbaum"}
