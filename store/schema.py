"""The schema, built only by migrations so every user's file can be upgraded in place.

Tables are named for what they hold and documented in the README; add a new migration at the
end of this module for every change, never edit an applied one.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("storywatch")


def run_script(db: Database, script: str) -> None:
    """Run several statements inside the migration's transaction.

    `executescript` would commit first and break the migration's atomicity.
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement!r}")


@migrations()
def m001_foundation(db: Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            created_at TEXT NOT NULL
        );

        CREATE TABLE feeds (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            title TEXT,
            site_url TEXT,
            added_at TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            last_polled_at TEXT,
            last_success_at TEXT,
            last_status INTEGER,
            last_error TEXT,
            last_error_at TEXT,
            failure_count INTEGER NOT NULL DEFAULT 0,
            next_poll_at TEXT
        );

        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('seed', 'feed')),
            story_id INTEGER REFERENCES stories(id),
            url TEXT,
            canonical_url TEXT UNIQUE,
            guid TEXT,
            title TEXT NOT NULL,
            source TEXT,
            author TEXT,
            summary TEXT,
            body TEXT,
            published_at TEXT,
            first_seen_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            sort_at TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            revision_count INTEGER NOT NULL DEFAULT 1,
            read_at TEXT
        );
        CREATE INDEX articles_by_sort_at ON articles (sort_at DESC, id DESC);
        CREATE INDEX articles_by_guid ON articles (guid);
        CREATE INDEX articles_by_story ON articles (story_id) WHERE story_id IS NOT NULL;

        CREATE TABLE feed_articles (
            feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            guid TEXT,
            first_seen_at TEXT NOT NULL,
            PRIMARY KEY (feed_id, article_id)
        );
        CREATE INDEX feed_articles_by_article ON feed_articles (article_id);
        CREATE INDEX feed_articles_by_guid ON feed_articles (feed_id, guid);

        CREATE TABLE revisions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            revision INTEGER NOT NULL,
            seen_at TEXT NOT NULL,
            title TEXT NOT NULL,
            summary TEXT,
            body TEXT,
            content_hash TEXT NOT NULL,
            UNIQUE (article_id, revision)
        );

        CREATE TABLE tags (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            tag TEXT NOT NULL,
            tagged_at TEXT NOT NULL,
            PRIMARY KEY (article_id, tag)
        );
        CREATE INDEX tags_by_tag ON tags (tag);
        """
    )


@migrations()
def m002_story_engine(db: Database) -> None:
    """Relevance to the story, text fingerprints for finding copies, and coverage groups."""
    run_script(
        db,
        """
        ALTER TABLE stories ADD COLUMN threshold REAL NOT NULL DEFAULT 0.5;

        CREATE TABLE relevance (
            story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            score REAL NOT NULL,
            on_story INTEGER NOT NULL,
            taught INTEGER,
            taught_at TEXT,
            reasons TEXT NOT NULL DEFAULT '[]',
            scored_at TEXT NOT NULL,
            PRIMARY KEY (story_id, article_id)
        );
        CREATE INDEX relevance_by_article ON relevance (article_id);
        CREATE INDEX relevance_on_story ON relevance (story_id, on_story);
        CREATE INDEX relevance_taught ON relevance (story_id, taught_at) WHERE taught IS NOT NULL;

        CREATE TABLE term_counts (
            term TEXT PRIMARY KEY,
            articles INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE fingerprints (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            text_hash TEXT NOT NULL,
            signature BLOB NOT NULL
        );
        CREATE INDEX fingerprints_by_text_hash ON fingerprints (text_hash);

        CREATE TABLE signature_bands (
            band INTEGER NOT NULL,
            key INTEGER NOT NULL,
            article_id INTEGER NOT NULL,
            PRIMARY KEY (band, key, article_id)
        ) WITHOUT ROWID;

        CREATE TABLE coverage (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            group_id INTEGER NOT NULL,
            duplicate_of INTEGER,
            match TEXT NOT NULL CHECK (match IN ('first', 'text', 'near', 'seed')),
            similarity REAL,
            seed_id INTEGER
        );
        CREATE INDEX coverage_by_group ON coverage (group_id, article_id);
        """
    )


@migrations()
def m003_entities(db: Database) -> None:
    """People, organisations and places named in articles, the names they go by, and where."""
    run_script(
        db,
        """
        CREATE TABLE entities (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('person', 'org', 'place')),
            name TEXT NOT NULL,
            key TEXT NOT NULL,
            surname TEXT,
            UNIQUE (kind, key)
        );
        CREATE INDEX entities_by_surname ON entities (surname) WHERE surname IS NOT NULL;

        CREATE TABLE entity_aliases (
            entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
            alias TEXT NOT NULL,
            key TEXT NOT NULL,
            PRIMARY KEY (entity_id, key)
        );
        CREATE INDEX entity_aliases_by_key ON entity_aliases (key);

        CREATE TABLE story_aliases (
            key TEXT PRIMARY KEY,
            alias TEXT NOT NULL,
            canonical TEXT NOT NULL
        );

        CREATE TABLE mentions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
            field TEXT NOT NULL CHECK (field IN ('title', 'summary', 'body')),
            char_start INTEGER NOT NULL,
            char_end INTEGER NOT NULL,
            text TEXT NOT NULL
        );
        CREATE INDEX mentions_by_entity ON mentions (entity_id, article_id);
        CREATE INDEX mentions_by_article ON mentions (article_id, entity_id);
        """
    )


@migrations()
def m004_story_facets(db: Database) -> None:
    """What a story is about at once (who acts, what they do, to whom), as its file declares."""
    run_script(
        db,
        """
        CREATE TABLE story_facets (
            id INTEGER PRIMARY KEY,
            story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            facet TEXT NOT NULL,
            phrase TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'evidence' CHECK (kind IN ('evidence', 'unless'))
        );
        CREATE INDEX story_facets_by_story ON story_facets (story_id, id);
        """
    )


@migrations()
def m005_headline_hash(db: Database) -> None:
    """The same headline as another report's: an aggregator's copy with no summary."""
    from storywatch.store.text.dedup import headline_hash

    run_script(
        db,
        """
        ALTER TABLE fingerprints ADD COLUMN headline_hash TEXT;
        CREATE INDEX fingerprints_by_headline ON fingerprints (headline_hash) WHERE headline_hash IS NOT NULL;
        """
    )
    last_id = 0
    while rows := db.execute(
        "SELECT f.article_id, a.title FROM fingerprints f JOIN articles a ON a.id = f.article_id"
        " WHERE f.article_id > ? ORDER BY f.article_id LIMIT 10000",
        [last_id],
    ).fetchall():
        db.conn.executemany(
            "UPDATE fingerprints SET headline_hash = ? WHERE article_id = ?",
            [(found, article_id) for article_id, title in rows if (found := headline_hash(title or ""))],
        )
        last_id = rows[-1][0]


@migrations()
def m006_pending_rescore(db: Database) -> None:
    """Where a rescore for a changed story definition got to, so an interrupted one resumes."""
    run_script(db, "ALTER TABLE stories ADD COLUMN rescore_from INTEGER;")


@migrations()
def m007_search(db: Database) -> None:
    """Full-text search over every stored article, kept current by triggers; and an index by
    source, so the filter screen lists the outlets and filters by one without a scan.

    `articles_fts` is an external-content FTS5 table (the text lives once, in `articles`).
    The update trigger fires only when the searched columns change, not on read marks.
    """
    run_script(
        db,
        """
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, summary, body, source,
            content = 'articles', content_rowid = 'id',
            tokenize = 'porter unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts (rowid, title, summary, body, source)
            VALUES (new.id, new.title, new.summary, new.body, new.source);
        END;
        CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, summary, body, source)
            VALUES ('delete', old.id, old.title, old.summary, old.body, old.source);
        END;
        CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, summary, body, source ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, summary, body, source)
            VALUES ('delete', old.id, old.title, old.summary, old.body, old.source);
            INSERT INTO articles_fts (rowid, title, summary, body, source)
            VALUES (new.id, new.title, new.summary, new.body, new.source);
        END;
        INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
        CREATE INDEX articles_by_source ON articles (source, sort_at DESC, id DESC) WHERE source IS NOT NULL;
        """
    )


@migrations()
def m008_revision_kinds(db: Database) -> None:
    """What each stored version is to a reader (a first version, an edit, a minor change, a
    return to an earlier one), so an aggregator's suffix swaps and flip-flops stop counting
    as updates. Existing versions are classified in order, and each article's
    `revision_count` counts its first version and its edits only."""
    from storywatch.store.text.edits import COUNTED, Version, classify, edit_key

    run_script(
        db,
        """
        ALTER TABLE revisions ADD COLUMN kind TEXT CHECK (kind IN ('first', 'edit', 'minor', 'return'));
        ALTER TABLE revisions ADD COLUMN changes TEXT;
        ALTER TABLE revisions ADD COLUMN same_as INTEGER;
        """
    )
    last_id = 0
    while articles := db.execute(
        "SELECT id, source FROM articles WHERE id > ? AND id IN (SELECT article_id FROM revisions)"
        " ORDER BY id LIMIT 500",
        [last_id],
    ).fetchall():
        sources = dict(articles)
        marks = ", ".join("?" for _ in sources)
        versions: dict[int, list] = {}
        for row in db.execute(
            f"SELECT article_id, id, revision, title, summary, body FROM revisions WHERE article_id IN ({marks})"
            " ORDER BY article_id, revision",
            list(sources),
        ):
            versions.setdefault(row[0], []).append(row[1:])
        updates, counts = [], []
        for article_id, rows in versions.items():
            keys: list[tuple[int, str]] = []
            previous, counted = None, 0
            for row_id, revision, title, summary, body in rows:
                source = sources[article_id]
                new = Version(title, summary or "", body or "")
                key = edit_key(title, summary, body, source)
                verdict = classify(keys, key, new, previous, source)
                updates.append((verdict.kind, verdict.changes or None, verdict.same_as, row_id))
                counted += verdict.kind in COUNTED
                keys.append((revision, key))
                previous = new
            counts.append((counted, article_id))
        db.conn.executemany("UPDATE revisions SET kind = ?, changes = ?, same_as = ? WHERE id = ?", updates)
        db.conn.executemany("UPDATE articles SET revision_count = ? WHERE id = ?", counts)
        last_id = articles[-1][0]


@migrations()
def m009_novelty(db: Database) -> None:
    """What each on-story report adds: its new sentences, and the units of meaning (stems of
    content words, numbers, names, hashed) its story already knows, so the next report is
    judged against them without reading the stored texts again.

    A database with a story already stored
    learns what its seeds and on-story reports say; no development is marked for the past.
    """
    run_script(
        db,
        """
        CREATE TABLE developments (
            id INTEGER PRIMARY KEY,
            story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            field TEXT NOT NULL CHECK (field IN ('title', 'summary', 'body')),
            char_start INTEGER NOT NULL,
            char_end INTEGER NOT NULL,
            sentence TEXT NOT NULL,
            score REAL NOT NULL,
            found_at TEXT NOT NULL
        );
        CREATE INDEX developments_by_article ON developments (article_id, story_id);
        CREATE INDEX developments_by_story ON developments (story_id, found_at DESC, id DESC);

        CREATE TABLE story_knowledge (
            story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            unit INTEGER NOT NULL,
            PRIMARY KEY (story_id, unit)
        ) WITHOUT ROWID;
        """
    )
    from storywatch.store.novelty import learn

    last_id = 0
    while rows := db.execute(
        "SELECT a.id, r.story_id, a.title, coalesce(a.summary, ''), coalesce(a.body, '') FROM articles a"
        " JOIN relevance r ON r.article_id = a.id AND r.on_story = 1 WHERE a.id > ? ORDER BY a.id LIMIT 2000",
        [last_id],
    ).fetchall():
        for _, story_id, title, summary, body in rows:
            learn(db, story_id, title, summary, body)
        last_id = rows[-1][0]


@migrations()
def m010_page_fetches(db: Database) -> None:
    """Full text: each on-story report's page, when it was last fetched and when it is due again.

    One row per article whose page was tried; `next_check_at` NULL means never again (too old,
    or given up). `text_at` is set once the page's text became the article's body, so a feed
    poll that brings only a teaser again does not overwrite it.
    """
    run_script(
        db,
        """
        CREATE TABLE page_fetches (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            url TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('ok', 'not_modified', 'failed')),
            http_status INTEGER,
            etag TEXT,
            last_modified TEXT,
            fetched_at TEXT NOT NULL,
            next_check_at TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            text_at TEXT
        );
        CREATE INDEX page_fetches_due ON page_fetches (next_check_at) WHERE next_check_at IS NOT NULL;
        """
    )


@migrations()
def m011_feed_schedule(db: Database) -> None:
    """Each feed's own polling rhythm, and the hints behind it, so anyone opening the file sees
    why a feed polls when it does: `poll_interval` the seconds chosen from how often it
    publishes (between the floor and the ceiling), `ttl` what its RSS <ttl> asked, `max_age`
    what the server's Cache-Control max-age (or Expires) asked at its last answer."""
    run_script(
        db,
        """
        ALTER TABLE feeds ADD COLUMN poll_interval REAL;
        ALTER TABLE feeds ADD COLUMN ttl REAL;
        ALTER TABLE feeds ADD COLUMN max_age REAL;
        """
    )


@migrations()
def m012_feed_folders(db: Database) -> None:
    """Feed tags: the folders of an imported OPML list ("Wires/Mexico"), written back on export.

    A feed may carry several (an OPML file may list it in several folders); removing the feed
    removes its tags."""
    run_script(
        db,
        """
        CREATE TABLE feed_tags (
            feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
            tag TEXT NOT NULL,
            PRIMARY KEY (feed_id, tag)
        ) WITHOUT ROWID;
        CREATE INDEX feed_tags_by_tag ON feed_tags (tag);
        """
    )


@migrations()
def m013_ingest_speed(db: Database) -> None:
    """A poll's new feed articles enter the search index together, once per batch, not one by
    one: with SQLite's FTS5 each statement that writes the index flushes it, so an article
    inserted alone was a segment of its own to write and merge (half the cost of storing it).

    Inserting a feed article only queues its id in `search_queue`; the ingest indexes the queue
    in one statement before its transaction commits (`store.ingest`), so readers never see it
    pending. Seeds and any other kind are indexed at once, as before. An article updated or
    deleted while still queued has nothing in the index to remove: the queue entry says so.
    """
    run_script(
        db,
        """
        CREATE TABLE search_queue (article_id INTEGER PRIMARY KEY);
        DROP TRIGGER articles_fts_ai;
        DROP TRIGGER articles_fts_ad;
        DROP TRIGGER articles_fts_au;
        CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles WHEN new.kind IS NOT 'feed' BEGIN
            INSERT INTO articles_fts (rowid, title, summary, body, source)
            VALUES (new.id, new.title, new.summary, new.body, new.source);
        END;
        CREATE TRIGGER articles_search_queue AFTER INSERT ON articles WHEN new.kind IS 'feed' BEGIN
            INSERT INTO search_queue (article_id) VALUES (new.id);
        END;
        CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, summary, body, source)
            SELECT 'delete', old.id, old.title, old.summary, old.body, old.source
            WHERE NOT EXISTS (SELECT 1 FROM search_queue WHERE article_id = old.id);
            DELETE FROM search_queue WHERE article_id = old.id;
        END;
        CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, summary, body, source ON articles
        WHEN NOT EXISTS (SELECT 1 FROM search_queue WHERE article_id = old.id) BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, summary, body, source)
            VALUES ('delete', old.id, old.title, old.summary, old.body, old.source);
            INSERT INTO articles_fts (rowid, title, summary, body, source)
            VALUES (new.id, new.title, new.summary, new.body, new.source);
        END;
        """
    )


@migrations()
def m014_startup(db: Database) -> None:
    """`stories.checked_digest`: a digest of what the story file says that the database must hold
    (title, threshold, aliases, facets, seed names), set once the database was found or made to
    hold it; NULL when a write may have changed it since. A command whose story file still
    gives the same digest skips the check and the modules it needs (issue 13: start-up counts)."""
    db.execute("ALTER TABLE stories ADD COLUMN checked_digest TEXT")


@migrations()
def m015_band_index(db: Database) -> None:
    """`signature_bands` keyed by one integer: the band's key with the band's number in its lowest
    five bits (see `store.grouping.index_keys`), where it was (band, key).

    A poll's band rows land all over this index (the keys are random), so every commit wrote
    nearly all its pages; a row of two integers instead of three makes the index a tenth smaller,
    and a lookup is one `key IN (...)` over the 21 keys. Two band keys that differ only in
    their five lowest bits now meet: one chance in 2^59 for two unrelated items.
    """
    run_script(
        db,
        """
        CREATE TABLE signature_band_keys (
            key INTEGER NOT NULL,
            article_id INTEGER NOT NULL,
            PRIMARY KEY (key, article_id)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO signature_band_keys (key, article_id)
            SELECT (key & -32) | band, article_id FROM signature_bands ORDER BY 1, 2;
        DROP TABLE signature_bands;
        ALTER TABLE signature_band_keys RENAME TO signature_bands;
        """
    )


@migrations()
def m016_rescore_for_facet_rules(db: Database) -> None:
    """Every story's stored verdicts scored again once, by the rules of this version: a word
    made from a facet word's stem no longer shows the facet ("direct" is no "directive"),
    `unless` phrases may name context ("drug + marijuana"), and a title's facets know the
    other senses of news words and the names of its countries. No table changes: the rescore a
    changed story file asks for (`stories.rescore_from`, `scoring.resume_rescore`) runs at the
    next command or in the dashboard, and resumes if cut short."""
    db.execute(
        "UPDATE stories SET rescore_from = 0 WHERE rescore_from IS NULL"
        " AND EXISTS (SELECT 1 FROM articles WHERE kind = 'feed')"
    )


@migrations()
def m017_people_named_in_full_again(db: Database) -> None:
    """A person renamed by a longer name that only ended with theirs, a headline's first word
    or another name glued on in front ("Alleged Charlie Kirk", "Xi Jinping-Donald Trump" for
    Trump), is listed under their own name again (`entities.repair_names_glued_in_front`);
    the linker no longer renames so."""
    from storywatch.store.entities import repair_names_glued_in_front

    repair_names_glued_in_front(db)


@migrations()
def m018_stored_shingles(db: Database) -> None:
    """`fingerprints.shingles`: an article's word pairs, stored with its fingerprint. Checking
    a near-duplicate candidate read the candidate's whole text and shingled it again (0.08 ms
    per new item in a cold poll of 1,000 feeds, growing with the store); its word pairs are
    a few hundred bytes. Rows stored before keep NULL and are checked from their text."""
    db.execute("ALTER TABLE fingerprints ADD COLUMN shingles BLOB")


@migrations()
def m019_rescore_stories_taught_a_facet(db: Database) -> None:
    """A word widens a facet once three reports marked on the story share it, not two
    (`relevance.FACET_MARKS`), and not when the reports marked off the story use it as much:
    a story with two or more such marks is scored again once, so reports let in by two marks'
    shared everyday words ("kill", "order") leave it. No table changes; the rescore runs at the
    next command or in the dashboard (see m016)."""
    db.execute(
        "UPDATE stories SET rescore_from = 0 WHERE rescore_from IS NULL"
        " AND (SELECT count(*) FROM relevance r WHERE r.story_id = stories.id AND r.taught = 1) >= 2"
    )


@migrations()
def m020_numbered_names(db: Database) -> None:
    """The names of articles that name a group by its number ("Barrio 18", "MS-13"), filed
    under the name without it ("Barrio", "MS") before, are read again
    (`entities.repair_numbered_names`); the extractor now reads the number."""
    from storywatch.store.entities import repair_numbered_names

    repair_numbered_names(db)


@migrations()
def m021_facets_named_by_the_title(db: Database) -> None:
    """A story whose file declares no facets reads them from its title, and now names them by
    the title's halves ("nothing on Mexican drug cartels", not "nothing on drug/mexican"): such
    a story is scored again once, so the reasons already stored say it the same way. No table
    changes; the rescore runs at the next command or in the dashboard (see m016)."""
    db.execute(
        "UPDATE stories SET rescore_from = 0 WHERE rescore_from IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM story_facets f WHERE f.story_id = stories.id)"
        " AND EXISTS (SELECT 1 FROM articles WHERE kind = 'feed')"
    )


@migrations()
def m022_facets_held_within_places(db: Database) -> None:
    """A facet can be held `within` some countries or regions (the story file's `within`): its
    places are stored beside its words as `story_facets` rows of kind 'within'."""
    _story_facets_allowing(db, ("evidence", "unless", "within"))


def _story_facets_allowing(db: Database, kinds: tuple[str, ...]) -> None:
    """Copy `story_facets`, every row and its index, into a table whose CHECK allows these kinds:
    SQLite cannot widen a CHECK constraint in place."""
    allowed = ", ".join(f"'{kind}'" for kind in kinds)
    run_script(
        db,
        f"""
        CREATE TABLE story_facets_new (
            id INTEGER PRIMARY KEY,
            story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            facet TEXT NOT NULL,
            phrase TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'evidence' CHECK (kind IN ({allowed}))
        );
        INSERT INTO story_facets_new (id, story_id, facet, phrase, kind)
            SELECT id, story_id, facet, phrase, kind FROM story_facets;
        DROP TABLE story_facets;
        ALTER TABLE story_facets_new RENAME TO story_facets;
        CREATE INDEX story_facets_by_story ON story_facets (story_id, id);
        """
    )


@migrations()
def m023_names_split_at_and(db: Database) -> None:
    """The names of articles that write a known name holding "and" or an everyday word ("US Drug
    Enforcement Administration", "Trinidad and Tobago"), filed in parts before ("Enforcement" as
    a person), are read again (`entities.repair_split_names`); the extractor now keeps them whole."""
    from storywatch.store.entities import repair_split_names

    repair_split_names(db)


@migrations()
def m024_names_of_everyday_words(db: Database) -> None:
    """People an older extractor made of everyday words ("Waffle House") or of a headline's
    opener and a surname ("Embattled Petro") are read again (`entities.repair_everyday_names`):
    the extractor now knows everyday English words (store/text/common_words.py)."""
    from storywatch.store.entities import repair_everyday_names

    repair_everyday_names(db)


@migrations()
def m025_phrases_held_within_places(db: Database) -> None:
    """A facet's phrases can hold only within its places, as its single words do (the story
    file's `only_within`: "drug smuggling" in Japan is another story): stored as `story_facets`
    rows of kind 'only_within'."""
    _story_facets_allowing(db, ("evidence", "unless", "within", "only_within"))


@migrations()
def m026_places_read_as_firms(db: Database) -> None:
    """Organisations an older extractor made of places ("Pacific" from "the Eastern Pacific",
    where the boat strikes are) are read again (`entities.repair_places_read_as_firms`): the
    extractor now reads a compass word or a people's adjective before a known place as part of
    the place."""
    from storywatch.store.entities import repair_places_read_as_firms

    repair_places_read_as_firms(db)


@migrations()
def m027_outlets_named_by_their_site(db: Database) -> None:
    """Reports that name their own outlet, in a feed titled otherwise ("Reuters (Direct)") but
    linking to the outlet's site, are read again (`entities.repair_own_outlet_mentions`): the
    outlet naming itself is no mention."""
    from storywatch.store.entities import repair_own_outlet_mentions

    repair_own_outlet_mentions(db)


@migrations()
def m028_sentence_starts_read_again(db: Database) -> None:
    """Reports where an older extractor read a sentence as running on past initials ("told NBC.
    One of them", "(IOC.NS)") or past an embedded player's consent notice, making a firm of the
    next word ("One", "NS"), are read again (`entities.repair_misread_sentence_starts`)."""
    from storywatch.store.entities import repair_misread_sentence_starts

    repair_misread_sentence_starts(db)


@migrations()
def m029_acronyms_read_as_bodies(db: Database) -> None:
    """People an older extractor made of an acronym that opened a sentence and spoke ("WHO said",
    "UBS says") are read again (`entities.repair_acronyms_read_as_people`): the extractor now
    files them as organisations."""
    from storywatch.store.entities import repair_acronyms_read_as_people

    repair_acronyms_read_as_people(db)
