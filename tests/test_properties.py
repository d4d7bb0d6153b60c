"""Property tests: generated and mangled feeds through parse and ingest.

Feeds come from strangers. Whatever bytes arrive, parse_feed returns records or raises its
ParseError, ingest stores them without raising, and the store stays whole: intact, no dangling
rows, one revision row per counted revision, no control characters kept, and a second poll of
the same feed adds nothing.

Each example gets its own database, copied from one migrated template (a copy costs ~1 ms where
migrating costs ~70 ms). The budget is small and derandomized, so CI sees the same examples.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storywatch.feeds.parse import ParsedFeed, ParseError, parse_feed
from storywatch.store.db import open_db
from storywatch.store.feeds import add_feed
from storywatch.store.ingest import ingest_items, save_poll
from storywatch.store.records import ArticleRecord, PollOutcome
from storywatch.store.story import ensure_story, load_story
from storywatch.store.times import to_iso

FEED_URL = "https://feeds.example/world/rss.xml"
POLLED_AT = "2026-01-02T03:04:05Z"
LATER = "2026-01-02T04:04:05Z"

BUDGET = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- hostile text ---------------------------------------------------------------------------

HOSTILE = [
    "[bold]Bold?[/bold] [/] [link=https://x]link[/link] [@click=app.quit]quit[/]",
    "[red]unclosed [/] and [b][i]nested \\[escaped]",
    "\x1b[31mred\x1b[0m \x1b]8;;https://x\x07osc link\x1b]8;;\x07 \x1b[2J clear \x9b31m",
    "zero\u200bwidth\u200d\ufeffmarks \u202eevil\u202c ok \u2066isolate\u2069 \U000e0041tag",
    "bell\x07 backspace\x08 nul\x00 tab\there \x0bvt \x0cff \r\n crlf \x85nel \u2028ls \u2029ps",
    "C1 \x80\x81\x9f and DEL \x7f",
    "surrogate-ish \ud800 private \ue000\U000f0000",
    "<script>alert(1)</script><b>bold</b> &amp; &lt;tag&gt; &#0; &#x1b; &nbsp; &bogus;",
    "]]> <![CDATA[ nested ]]>",
    "",
    "   ",
    "\n\n\n",
]
# Characters that break terminals, markup or XML, mixed with ordinary text.
NASTY_CHARS = st.sampled_from(
    list("\x00\x01\x07\x08\x0b\x0c\x0d\x1b\x7f\x85\x9b\u200b\u200d\u202e\u2028\ufeff\ufffe[]/<>&\"'\\ \n\t")
)
hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.text(st.one_of(NASTY_CHARS, st.characters(codec="utf-8")), max_size=60),
    st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=4).map(" ".join),
    st.builds(
        lambda s, n: s * n, st.sampled_from(["L", "[/]", "\x1b[1m", "é\u200b", "word "]), st.integers(500, 12_000)
    ),
)

# --- dates and URLs -----------------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(timezone.utc)
)
dates = st.one_of(
    moments.map(format_datetime),  # RFC 822, as RSS wants
    moments.map(lambda moment: moment.isoformat()),  # RFC 3339, as Atom wants
    st.sampled_from(
        [
            "", "yesterday", "Mon, 32 Foo 2025 25:61:61 +9999", "0000-00-00T00:00:00Z", "9999-12-31T23:59:59Z",
            "1970-01-01T00:00:00Z", "Tue, 30 Feb 2025 10:00:00 GMT", "2025-06-01", "-1", "1e308",
            "Sat, 01 Jan 0001 00:00:00 -2359", "2038-01-19T03:14:08+14:00",
        ]
    ),
    st.text(max_size=30),
)
urls = st.one_of(
    st.sampled_from(
        [
            "", "https://news.example/a", "http://NEWS.example:80/a/?utm_source=x&fbclid=1#frag",
            "https://www.news.example/a/amp?utm_medium=rss&id=7", "https://m.news.example/a/",
            "https://news.google.com/rss/articles/x?url=https://news.example/a", "javascript:alert(1)",
            "data:text/html,<b>x</b>", "ftp://news.example/a", "/relative/path", "?q=only", "//news.example/a",
            "http://[::1", "http://[::1]:99999/x", "https://news.example:99999/a", "https://news.example:-1/a",
            "http://", "https://user:pw@news.example/a", "https://xn--nxasmq6b.example/é?q=ü",
            "https://news.example/" + "a" * 3000, "https://news.example/a b\x00c\x1b[1m",
        ]
    ),
    st.builds(
        "{}://{}{}{}".format,
        st.sampled_from(["http", "https", "HTTPS", "file", ""]),
        st.sampled_from(["news.example", "www.news.example", "amp.news.example", "[::1]", "", "a..b", "例え.jp"]),
        st.text(st.sampled_from("/abc%é?&=#[]:@ "), max_size=20),
        st.sampled_from(["", "?utm_campaign=a", "?gclid=1&id=2", "#top", "?a=1&a=2"]),
    ),
)
guids = st.one_of(st.none(), st.sampled_from(["g1", "g2", "urn:x", " g1 ", "g1\x00", ""]), hostile_text)


PLAIN_TITLES = ["US strikes cartel labs", "Troops sent to the border", "Sheinbaum rejects foreign troops"]
# One article reached by several links (tracking parameters, www., AMP), or none.
SHARED_LINKS = ["https://news.example/a", "https://news.example/b", "https://www.news.example/a?utm_source=rss", ""]


@st.composite
def items(draw) -> dict:
    """One item's fields; any may be missing. GUIDs and links come from small pools so that
    duplicates, and one GUID with two links, are common."""
    fields = {}
    for name, strategy in (
        ("title", st.one_of(st.sampled_from(PLAIN_TITLES), hostile_text)),
        ("link", st.one_of(st.sampled_from(SHARED_LINKS), urls)),
        ("guid", st.one_of(st.sampled_from(["g1", "g2"]), guids)),
        ("summary", hostile_text),
        ("content", hostile_text),
        ("author", hostile_text),
        ("published", dates),
        ("updated", dates),
        ("source", hostile_text),
        ("iso", moments.map(to_iso)),  # published_at as the parser hands it to the store
    ):
        if draw(st.integers(0, 3)):  # most fields are there, some are not
            fields[name] = draw(strategy)
    return fields


# --- documents ----------------------------------------------------------------------------------

quoting = st.sampled_from(["escape", "cdata", "raw", "html"])


def _text(value: str, how: str) -> str:
    """Put text into XML as a careless or careful publisher would."""
    if how == "cdata":
        return "<![CDATA[" + value + "]]>"
    if how == "raw":
        return value
    if how == "html":
        return escape("<p>" + value + "</p>")
    return escape(value)


def _element(tag: str, value: str | None, how: str, attributes: str = "") -> str:
    return "" if value is None else f"<{tag}{attributes}>{_text(value, how)}</{tag}>"


def rss(title: str | None, entries: list[dict], how: str) -> str:
    parts = []
    for entry in entries:
        parts.append(
            "<item>"
            + _element("title", entry.get("title"), how)
            + _element("link", entry.get("link"), how)
            + _element("guid", entry.get("guid"), how, ' isPermaLink="false"')
            + _element("description", entry.get("summary"), how)
            + _element("content:encoded", entry.get("content"), how)
            + _element("author", entry.get("author"), how)
            + _element("pubDate", entry.get("published"), how)
            + _element("source", entry.get("source"), how, ' url="https://source.example/"')
            + "</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        + _element("title", title, how)
        + "<link>https://news.example/</link>"
        + "".join(parts)
        + "</channel></rss>\n"
    )


def atom(title: str | None, entries: list[dict], how: str) -> str:
    parts = []
    for entry in entries:
        link = entry.get("link")
        parts.append(
            "<entry>"
            + _element("title", entry.get("title"), how, ' type="html"' if how == "html" else "")
            + (f"<link rel=\"alternate\" href={quoteattr(link)}/>" if link is not None else "")
            + _element("id", entry.get("guid"), how)
            + _element("summary", entry.get("summary"), how, ' type="html"')
            + _element("content", entry.get("content"), how, ' type="html"')
            + (f"<author>{_element('name', entry['author'], how)}</author>" if "author" in entry else "")
            + _element("published", entry.get("published"), how)
            + _element("updated", entry.get("updated"), how)
            + (f"<source>{_element('title', entry['source'], how)}</source>" if "source" in entry else "")
            + "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        + _element("title", title, how)
        + '<link rel="alternate" href="https://news.example/"/><id>urn:feed</id>'
        + "".join(parts)
        + "</feed>\n"
    )


@st.composite
def feed_documents(draw) -> bytes:
    """A whole RSS 2.0 or Atom document, as the publisher's encoder would write it."""
    build = draw(st.sampled_from([rss, atom]))
    title = draw(st.one_of(st.none(), hostile_text))
    document = build(title, draw(st.lists(items(), max_size=8)), draw(quoting))
    return document.encode("utf-8", errors="surrogatepass" if draw(st.booleans()) else "replace")


INSERTS = [b"<", b"</item>", b"]]>", b"&", b"\xff\xfe", b"\xc3", b"<!DOCTYPE x [<!ENTITY a 'b'>]>"]


@st.composite
def mangled_documents(draw) -> bytes:
    """A document hurt on the way: cut short, bytes flipped, NULs inserted, re-encoded or
    mislabelled, a BOM that lies."""
    data = bytearray(draw(feed_documents()))
    for _ in range(draw(st.integers(1, 4))):
        how = draw(st.sampled_from(["truncate", "flip", "nul", "insert", "encode", "bom", "declare", "delete"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if how == "truncate":
            data = data[:at]
        elif how == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif how == "nul":
            data[at:at] = b"\x00" * draw(st.integers(1, 3))
        elif how == "insert":
            data[at:at] = draw(st.sampled_from(INSERTS))
        elif how == "delete":
            data[at : at + draw(st.integers(1, 64))] = b""
        elif how == "encode":
            codec = draw(st.sampled_from(["utf-16", "utf-16-be", "latin-1", "cp1252", "utf-32"]))
            data = bytearray(data.decode("utf-8", errors="replace").encode(codec, errors="replace"))
        elif how == "bom":
            data[0:0] = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]))
        elif how == "declare":
            declared = draw(st.sampled_from([b"utf-16", b"koi8-r", b"bogus", b"ascii"]))
            data = bytearray(bytes(data).replace(b'encoding="utf-8"', b'encoding="' + declared + b'"', 1))
    return bytes(data)


any_document = st.one_of(feed_documents(), mangled_documents())
content_types = st.sampled_from(
    ["", "application/rss+xml", "application/atom+xml; charset=iso-8859-1", "text/html", "text/xml; charset=utf-16"]
)


# --- the store ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A migrated database that knows one story and one feed, copied for every example."""
    folder = tmp_path_factory.mktemp("template")
    (folder / "seed.txt").write_text("US Strikes Cartel Labs In Mexico\n\nUS drones struck cartel labs in Sinaloa.")
    (folder / "story.toml").write_text(
        '[story]\nname = "local"\ntitle = "US strikes on Mexican cartels"\nseeds = ["seed.txt"]\n'
    )
    db = open_db(folder / "storywatch.db")
    ensure_story(db, load_story(folder / "story.toml"))
    add_feed(db, FEED_URL)
    db.close()  # the last connection out folds the WAL into the file, so the file alone is whole
    return folder / "storywatch.db"


class Store:
    """A fresh copy of the template for one example."""

    def __init__(self, template: Path):
        self.folder = tempfile.TemporaryDirectory()
        path = Path(self.folder.name) / "storywatch.db"
        shutil.copy(template, path)
        self.db = open_db(path)
        self.feed_id = self.db.execute("SELECT id FROM feeds").fetchone()[0]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.db.close()
        self.folder.cleanup()

    def counts(self) -> dict[str, int]:
        tables = ("articles", "revisions", "feed_articles", "coverage", "relevance", "mentions", "fingerprints")
        return {table: self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}


# C0 and C1 controls, DEL, and the invisible marks clean_line removes; a newline is allowed in
# the text blocks only.
_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def assert_store_is_whole(db) -> None:
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute(
        "SELECT a.id, a.revision_count, count(r.id) FROM articles a"
        " LEFT JOIN revisions r ON r.article_id = a.id AND r.kind IN ('first', 'edit')"
        " GROUP BY a.id HAVING a.revision_count != count(r.id)"
    ).fetchall() == [], "revision_count must count the first version and the edits"
    assert db.execute(
        "SELECT count(*) FROM revisions WHERE kind IS NULL OR (kind = 'first') != (revision = 1)"
        " OR (kind = 'return') != (same_as IS NOT NULL)"
    ).fetchone() == (0,), "every version says what it is; the first one is first; a return says to which"
    assert db.execute(
        "SELECT article_id FROM revisions GROUP BY article_id HAVING max(revision) != count(*) OR min(revision) != 1"
    ).fetchall() == [], "revisions are numbered 1, 2, ... without gaps"
    for table, lines, blocks in (
        ("articles", ("title", "source", "author", "url", "guid"), ("summary", "body")),
        ("revisions", ("title",), ("summary", "body")),
        ("feeds", ("title", "site_url"), ()),
    ):
        for row in db.execute(f"SELECT {', '.join(lines + blocks)} FROM {table}"):
            for column, value in zip(lines + blocks, row):
                if value is None:
                    continue
                assert not _CONTROLS.search(value), (table, column, value)
                if column in lines:
                    assert "\n" not in value, (table, column, value)
    assert all(title.strip() for (title,) in db.execute("SELECT title FROM articles"))


def parse_or_none(body: bytes, content_type: str = "") -> ParsedFeed | None:
    """parse_feed's whole contract: records, or a one-line ParseError. Anything else escapes."""
    try:
        parsed = parse_feed(body, url=FEED_URL, content_type=content_type)
    except ParseError as error:
        assert str(error) and "\n" not in str(error)
        return None
    assert all(isinstance(item, ArticleRecord) for item in parsed.items)
    for item in parsed.items:
        texts = ("title", "url", "guid", "summary", "body", "author", "source")
        assert all(isinstance(getattr(item, name), str) for name in texts)
        assert item.published_at is None or re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", item.published_at)
        assert item.url == "" or item.url.lower().startswith(("http://", "https://"))
    return parsed


# --- the properties -----------------------------------------------------------------------------


@BUDGET
@given(body=any_document, content_type=content_types)
def test_parse_returns_records_or_its_parse_error(body, content_type):
    """No exception but ParseError leaves parse_feed, whatever the bytes."""
    parse_or_none(body, content_type)


@settings(BUDGET, max_examples=150)
@given(body=any_document)
def test_a_polled_feed_is_stored_whole_and_a_second_poll_adds_nothing(template, body):
    """What parses is stored without an exception, the store stays consistent, and polling the
    same document again changes no row."""
    parsed = parse_or_none(body)
    items = parsed.items if parsed else []
    outcome = PollOutcome(polled_at=POLLED_AT, ok=True, status=200, feed_title=parsed and parsed.title,
                          site_url=parsed and parsed.site_url)
    with Store(template) as store:
        save_poll(store.db, store.feed_id, outcome, items)
        assert_store_is_whole(store.db)
        before = store.counts()
        again = save_poll(store.db, store.feed_id, PollOutcome(polled_at=LATER, ok=True, status=200), items)
        assert (again.new_ids, again.updated_ids) == ([], [])
        assert store.counts() == before
        assert_store_is_whole(store.db)


@settings(BUDGET, max_examples=150)
@given(
    first=st.lists(items(), max_size=6),
    second=st.lists(items(), max_size=6),
    feed_ids=st.lists(st.sampled_from([None, "feed"]), min_size=2, max_size=2),
)
def test_ingest_never_raises_and_revisions_stay_counted(template, first, second, feed_ids):
    """Records straight to ingest, skipping the parser (which tidies some things away): two
    different batches, from a feed or not, then the first again. No exception; every revision
    is counted; a repeated batch adds nothing."""
    def records(entries: list[dict]) -> list[ArticleRecord]:
        return [
            ArticleRecord(
                title=entry.get("title", ""), url=entry.get("link", ""), guid=entry.get("guid") or "",
                summary=entry.get("summary", ""), body=entry.get("content", ""), author=entry.get("author", ""),
                source=entry.get("source", ""), published_at=entry.get("iso"),
            )
            for entry in entries
        ]

    with Store(template) as store:
        feed_of = {None: None, "feed": store.feed_id}
        ingest_items(store.db, records(first), feed_id=feed_of[feed_ids[0]], seen_at=POLLED_AT)
        ingest_items(store.db, records(second), feed_id=feed_of[feed_ids[1]], seen_at=LATER)
        assert_store_is_whole(store.db)
        before = store.counts()
        again = ingest_items(store.db, records(second), feed_id=feed_of[feed_ids[1]], seen_at=LATER)
        assert (again.new_ids, again.updated_ids) == ([], [])
        assert store.counts() == before
        assert_store_is_whole(store.db)


# --- what the properties found, kept as plain regression tests ----------------------------------


def _rss_item(item_xml: str, declaration: bytes = b'<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return declaration + b'<rss version="2.0"><channel><title>T</title>' + item_xml.encode() + b"</channel></rss>"


def test_a_year_before_1000_is_written_with_four_digits():
    """strftime's %Y wrote 999 as "999": a time that neither sorts nor parses back."""
    assert to_iso(datetime(999, 1, 2, 3, 4, 5)) == "0999-01-02T03:04:05Z"
    assert to_iso(datetime(2025, 1, 2, 3, 4, 5, 678, tzinfo=timezone.utc)) == "2025-01-02T03:04:05Z"


@pytest.mark.parametrize("date", ["Tue, 01 Jan 0999 00:00:00 +0000", "Mon, 01 Jan 0001 00:00:00 +0000"])
def test_an_item_dated_before_the_year_1000_has_no_date(date):
    """Such dates are placeholders; year 1 does not even fit a local-time view west of UTC.
    Asking feedparser for updated_parsed after it also raised a DeprecationWarning."""
    parsed = parse_feed(_rss_item(f"<item><title>A</title><guid>g</guid><pubDate>{date}</pubDate></item>"))
    assert parsed.items[0].published_at is None


@pytest.mark.parametrize("link", ["http://[::1]:99999/x", "https://news.example:99999/a", "http://[::1/x"])
def test_a_link_urllib_cannot_read_is_dropped_and_does_not_stop_the_poll(db, link):
    """canonical_url raised ValueError on a port out of range, which failed the whole poll."""
    parsed = parse_feed(_rss_item(f"<item><title>A</title><link>{link}</link><guid>g</guid></item>"), url=FEED_URL)
    assert parsed.items[0].url == ""
    result = ingest_items(db, [ArticleRecord(title="A", url=link, guid="g"), ArticleRecord(title="B", url=link)])
    assert len(result.new_ids) == 1 and result.skipped == 1
    assert db.execute("SELECT url, canonical_url, guid FROM articles").fetchall() == [(link, None, "g")]


def test_one_guid_with_two_links_is_no_new_revision_on_every_poll(db):
    """The second item, found by the first one's GUID, rewrote it; the next poll wrote it back."""
    feed_id = add_feed(db, FEED_URL)
    items = [ArticleRecord(title="One", url="https://n.example/1", guid="g"),
             ArticleRecord(title="Two", url="https://n.example/2", guid="g")]
    for _ in range(3):
        ingest_items(db, items, feed_id=feed_id)
    assert db.execute("SELECT title, revision_count FROM articles").fetchall() == [("One", 1)]
    assert db.execute("SELECT count(*) FROM revisions").fetchone() == (1,)


def test_a_guid_a_feed_gave_one_article_is_not_given_to_another(db):
    """A link-less item made article B with GUID g; an item with a known link and the same GUID
    then tied g to article A too, and the next poll's lookup by g rewrote A with B's text."""
    ingest_items(db, [ArticleRecord(title="Earlier", url="https://news.example/a")])
    feed_id = add_feed(db, FEED_URL)
    batch = [
        ArticleRecord(title="No link", guid="g"),
        ArticleRecord(title="Earlier", url="https://news.example/a", guid="g"),
    ]
    ingest_items(db, batch, feed_id=feed_id)
    again = ingest_items(db, batch, feed_id=feed_id)
    assert (again.new_ids, again.updated_ids) == ([], [])
    rows = db.execute("SELECT title, revision_count FROM articles ORDER BY id").fetchall()
    assert rows == [("Earlier", 1), ("No link", 1)]


@pytest.mark.parametrize(
    "declaration", [b'<?xml version="1.0" encoding="\x00utf-8"?>', b'<?xml version="1.0" encoding="\xf5tf-8"?>']
)
def test_a_broken_encoding_declaration_is_a_parse_error(declaration):
    """feedparser's encoding detection raised ValueError / UnicodeDecodeError on these."""
    with pytest.raises(ParseError, match="unreadable feed"):
        parse_feed(_rss_item("", declaration))
