"""The fast feed path against feedparser, the reference: the same records field by field, on
every kind of feed the project serves, and feedparser's answer wherever the fast path declines."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from feedserver import atom, item, rdf, rss
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storywatch.feeds.fastparse import Unsupported, read_feed
from storywatch.feeds.parse import ParseError, parse_feed

FEED_URL = "http://127.0.0.1:8000/feeds/world.xml"
XML = "application/xml; charset=utf-8"


def same_as_feedparser(body: bytes | str, *, url: str = FEED_URL, content_type: str = XML, fast: bool = True):
    """Parse both ways and demand equal results; `fast` says the fast path must have read it."""
    body = body.encode("utf-8") if isinstance(body, str) else body
    if fast:
        read_feed(body, url=url, content_type=content_type)  # raises Unsupported if it declined
    else:
        with pytest.raises(Unsupported):
            read_feed(body, url=url, content_type=content_type)
    try:
        reference = parse_feed(body, url=url, content_type=content_type, fast=False)
    except ParseError as error:
        with pytest.raises(ParseError, match=f"^{error}$".replace("(", r"\(").replace(")", r"\)")):
            parse_feed(body, url=url, content_type=content_type)
        return None
    result = parse_feed(body, url=url, content_type=content_type)
    for mine, theirs in zip(result.items, reference.items):
        assert mine == theirs
    assert result == reference
    return result


def test_the_bench_feeds():
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "bench"))
    try:
        import poll
    finally:
        sys.path.remove(str(root / "bench"))
    documents = poll.documents(6)
    for document in documents:
        result = same_as_feedparser(document, url="http://127.0.0.1:41234/feed/3.xml")
        assert len(result.items) == 50 and all(record.url and record.guid for record in result.items)


@pytest.mark.parametrize("build", [rss, atom])
def test_the_test_feeds(build):
    items = [
        item(1, author="Ana Ruiz"),
        item(2, published=datetime(2025, 6, 3, 12, 30, tzinfo=timezone(timedelta(hours=-6))), source="Agencia Uno",
             content="<p>The <b>full</b> text.</p><p>More.</p>"),
        item(3, guid=None, link="/story/3?id=4&amp;b=2"),
        item(4, link="javascript:alert(1)", summary="plain words"),
        item(5, title="Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt; caf\u00e9 \u2014 \u65e5\u672c", summary=None),
    ]
    result = same_as_feedparser(build(items, title="World news", link="https://news.example/world"))
    assert [record.title for record in result.items][:2] == ["Story update 1", "Story update 2"]


def test_links_to_loopback_and_private_hosts_are_kept():
    hosts = ["http://127.0.0.1:9/a", "http://10.0.0.7/b", "http://192.168.1.2:8080/c", "http://[::1]:80/d", "http://localhost/e"]
    for build in (rss, atom):
        result = same_as_feedparser(build([item(n, link=link) for n, link in enumerate(hosts)]))
        assert [record.url for record in result.items] == hosts


def test_hostile_titles_stay_literal():
    title = "[bold red]Breaking[/] [link=https://evil.example]click[/link] \u200b <b>x</b> &amp; [/]"
    for build in (rss, atom):
        result = same_as_feedparser(build([item(1, title=title, summary="<script>alert(1)</script>[b]x[/b]")]))
        assert "[bold red]Breaking[/]" in result.items[0].title


def test_cdata_entities_and_markup_in_titles():
    document = rss([item(1), item(2)]).replace(
        "<title>Story update 1</title>", "<title><![CDATA[A <em>CDATA</em> title & more]]></title>"
    ).replace("<title>Story update 2</title>", "<title>caf&#233; &#x2014; &lt;i&gt;x&lt;/i&gt; &amp;nbsp;</title>")
    result = same_as_feedparser(document)
    assert result.items[0].title == "A CDATA title & more"


def test_dates_in_rfc_822_and_iso_forms():
    forms = ["Tue, 03 Jun 2025 12:30:00 -0600", "Tue, 3 Jun 2025 12:30 GMT", "2025-06-03T12:30:00Z",
             "2025-06-03T12:30:00+02:00", "2025-06-03", "not a date", "Sun, 31 Dec 9999 23:59:59 GMT"]
    for build in (rss, atom):
        same_as_feedparser(build([item(n, published=form) for n, form in enumerate(forms)]))


def test_guids_missing_permalink_or_relative():
    document = rss([item(1, guid=None), item(2, link=None), item(3, link=None, guid="/rel/3")])
    document = document.replace('<guid isPermaLink="false">/rel/3</guid>', "<guid>/rel/3</guid>")
    document = document.replace('<guid isPermaLink="false">urn:storywatch-test:2</guid>', "<guid>https://a.example/2</guid>")
    result = same_as_feedparser(document)
    assert result.items[1].url == "https://a.example/2" and result.items[2].url == "http://127.0.0.1:8000/rel/3"


def test_xml_base_and_relative_links():
    document = atom([item(1, link="rel/1"), item(2, link="/abs/2"), item(3, link="../up/3")])
    document = document.replace("<entry>", '<entry xml:base="http://10.1.2.3/base/dir/">', 1)
    document = document.replace('<feed xmlns="http://www.w3.org/2005/Atom">',
                                '<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://news.example/top/">')
    result = same_as_feedparser(document)
    assert result.items[0].url == "http://10.1.2.3/base/dir/rel/1"
    assert result.items[2].url == "https://news.example/up/3"


def test_atom_authors_and_sources():
    document = atom([item(1, author="Ana Ruiz", source="Wire"), item(2)]).replace(
        "<author><name>Ana Ruiz</name></author>", "<author><name>Ana Ruiz</name><email>ana@news.example</email></author>")
    result = same_as_feedparser(document)
    assert result.items[0].author == "Ana Ruiz (ana@news.example)" and result.items[0].source == "Wire"


def test_rss_with_dublin_core_and_common_extras():
    document = rss([item(1), item(2)]).replace(
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">',
    ).replace("<channel>", '<channel><atom:link href="http://127.0.0.1:8000/feeds/world.xml" rel="self"'
              ' type="application/rss+xml"/><language>en</language><image><url>https://news.example/logo.png</url>'
              "<title>Logo</title><link>https://news.example/</link></image>").replace(
        "</item>", '<dc:creator>Ana Ruiz</dc:creator><category>World</category><comments>/c</comments>'
        '<enclosure url="https://news.example/a.mp3" type="audio/mpeg" length="1"/></item>', 1)
    result = same_as_feedparser(document)
    assert result.items[0].author == "Ana Ruiz"


@pytest.mark.parametrize(
    ("document", "content_type"),
    [
        (rss([item(1, title="Mañana en Tijuana")]).replace('encoding="utf-8"', 'encoding="iso-8859-1"'), "application/rss+xml"),
        (rss([item(1)]).replace('version="2.0"', 'version="0.91"'), XML),
        (rdf([item(1)]), XML),
        (rss([item(1), item(2)]).replace("</channel></rss>", "<oops></channel>"), XML),
        (rss([item(1, title="caf\u00e9")]), "text/xml"),  # read as US-ASCII by RFC 3023, and this is not ASCII
        (rss([item(1)]), "application/xml; charset=windows-1252"),
        (rss([]), XML),
        ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e "entity">]><rss version="2.0"><channel>'
         "<item><title>&e;</title></item></channel></rss>", XML),
        (atom([item(1)]).replace("<summary type=\"html\">", '<summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
                                 ).replace("</summary>", "</div></summary>"), XML),
        (rss([item(1)]).replace("<item>", '<item><media:title xmlns:media="http://search.yahoo.com/mrss/">M</media:title>'), XML),
        (rss([item(1)]).replace("<item>", '<item><x:title xmlns:x="urn:unknown">M</x:title>'), XML),
        (rss([item(1, summary="s")]).replace("</item>", "<description>second</description></item>"), XML),
    ],
)
def test_anything_unusual_is_left_to_feedparser(document, content_type):
    same_as_feedparser(document.encode("iso-8859-1" if "iso-8859-1" in document[:60] else "utf-8"),
                       content_type=content_type, fast=False)


def test_a_real_latin_1_feed_keeps_its_entries():
    document = rss([item(n, title=f"Se\u00f1al {n} \u00bfqu\u00e9?") for n in range(5)])
    body = document.replace('encoding="utf-8"', 'encoding="ISO-8859-1"').encode("iso-8859-1")
    result = same_as_feedparser(body, content_type="text/xml; charset=ISO-8859-1", fast=False)
    assert [record.title for record in result.items] == [f"Se\u00f1al {n} \u00bfqu\u00e9?" for n in range(5)]


@pytest.mark.parametrize(
    ("url", "content_type"), [("", ""), (FEED_URL, ""), (FEED_URL, "text/html"), (FEED_URL, "application/atom+xml"), (FEED_URL, "text/xml")]
)
def test_the_malformed_flag_follows_the_content_type(url, content_type):
    same_as_feedparser(atom([item(1)]), url=url, content_type=content_type)


# -- generated feeds -------------------------------------------------------------------------

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff") | st.sampled_from("<>&;[]/\"' \n\t\u0085\u0080\u00e9"),
    max_size=40,
)
_LINK = st.sampled_from(["https://news.example/a?b=1&c=2", "/rel/x", "rel/y", "http://127.0.0.1:9/z", "", " http://10.0.0.1/w ",
                         "javascript:alert(1)", "mailto:a@b.example", "//cdn.example/p", "#frag"])
_DATE = st.one_of(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc)),
    st.sampled_from(["Mon, 01 Jun 2025 12:00:00 PST", "2025-06-01T12:00:00.123+05:30", "", "yesterday", "2025-13-45"]),
)
_ITEM = st.fixed_dictionaries(
    {},
    optional={
        "title": _TEXT, "link": _LINK, "guid": st.one_of(_TEXT, _LINK), "summary": _TEXT, "content": _TEXT,
        "author": _TEXT, "published": _DATE, "source": _TEXT,
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([rss, atom]), st.lists(_ITEM, min_size=1, max_size=4), _TEXT, _LINK)
def test_generated_feeds_give_feedparsers_records(build, items, title, link):
    document = build(items, title=title, link=link or "https://news.example/")
    same_as_feedparser(document)


def test_which_of_several_titles_wins():
    document = rss([item(1), item(2, title="")]).replace(
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">',
    ).replace("<title>Story update 1</title>", "<title>First</title><dc:title>Second</dc:title>").replace(
        "<title></title>", "<title></title><dc:title>After an empty one</dc:title>"
    ).replace("</channel>", "<title>Feed title after the items</title></channel>")
    result = same_as_feedparser(document)
    assert [record.title for record in result.items] == ["First", "After an empty one"]
    assert result.title == "Feed title after the items"


def test_the_feeds_ttl_is_read_by_the_fast_path_too():
    """The poller waits out a feed's <ttl>: the fast path must not drop what feedparser keeps."""
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        "<link>http://127.0.0.1:8000/</link><ttl> 90 </ttl>"
        "<item><title>One</title><link>http://127.0.0.1:8000/a</link></item></channel></rss>"
    )
    result = same_as_feedparser(body)
    assert result.ttl == 90 * 60
