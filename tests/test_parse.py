"""Parsing fetched bytes into plain records: formats, HTML to text, dates, and bad documents."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from feedserver import atom, item, rdf, rss
from hypothesis import given, settings
from hypothesis import strategies as st

from storywatch.feeds.opml import OpmlError, OpmlFeed, read_opml, write_opml
from storywatch.feeds.parse import ParseError, html_to_text, parse_feed

FEED_URL = "http://127.0.0.1:8000/feeds/world.xml"


def _parse(document: str, content_type: str = "application/xml") -> object:
    return parse_feed(document.encode("utf-8"), url=FEED_URL, content_type=content_type)


@pytest.mark.parametrize(
    ("build", "version"),
    [(rss, "rss20"), (atom, "atom10"), (rdf, "rss10"), (lambda items, **kw: rss(items, version="0.91", **kw), "rss091")],
)
def test_every_format_gives_the_same_records(build, version):
    items = [item(1, author="Ana Ruiz"), item(2)]
    parsed = _parse(build(items, title="World news", link="https://news.example/world"))
    assert parsed.version.startswith(version[:5])
    assert parsed.title == "World news"
    assert parsed.site_url == "https://news.example/world"
    assert [record.title for record in parsed.items] == ["Story update 1", "Story update 2"]
    first = parsed.items[0]
    assert first.url == "https://news.example/story/1"
    assert first.summary == "Paragraph one of update 1.\n\nParagraph two."
    assert first.source == "World news"
    assert not parsed.malformed


def test_rss_fields_dates_guid_and_item_source():
    published = datetime(2025, 6, 3, 12, 30, tzinfo=timezone(timedelta(hours=-6)))
    document = rss(
        [item(7, published=published, source="Agencia Uno", content="<p>The <b>full</b> text.</p><p>More.</p>")],
        title="Outlet",
    )
    record = _parse(document).items[0]
    assert record.published_at == "2025-06-03T18:30:00Z"  # converted to UTC
    assert record.guid == "urn:storywatch-test:7"
    assert record.source == "Agencia Uno"  # the item's own <source> wins over the feed title
    assert record.body == "The full text.\n\nMore."


def test_atom_updated_date_is_used_when_published_is_missing():
    document = atom([item(3)]).replace("<published>2025-06-01T12:03:00Z</published>", "")
    assert _parse(document).items[0].published_at == "2025-06-01T12:03:00Z"


def test_relative_links_are_made_absolute_and_other_schemes_dropped():
    document = rss([item(1, link="/story/1?id=4"), item(2, link="javascript:alert(1)")])
    first, second = _parse(document).items
    assert first.url == "http://127.0.0.1:8000/story/1?id=4"
    assert second.url == ""


def test_the_declared_encoding_is_honoured():
    document = rss([item(1, title="Mañana en Tijuana")]).replace('encoding="utf-8"', 'encoding="iso-8859-1"')
    parsed = parse_feed(document.encode("iso-8859-1"), url=FEED_URL, content_type="application/rss+xml")
    assert parsed.items[0].title == "Mañana en Tijuana"


def test_a_valid_feed_with_no_items_is_not_an_error():
    parsed = _parse(rss([], title="Quiet desk"))
    assert parsed.items == []
    assert parsed.title == "Quiet desk"


@pytest.mark.parametrize("body", [b"", b"   \n\t  "])
def test_an_empty_body_is_an_error(body):
    with pytest.raises(ParseError, match="^empty response"):
        parse_feed(body, url=FEED_URL)


def test_an_html_page_is_not_a_feed():
    page = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body><p>Hello</p></body></html>"
    with pytest.raises(ParseError, match="^not a feed: got text/html page$"):
        parse_feed(page, url=FEED_URL, content_type="text/html; charset=utf-8")
    with pytest.raises(ParseError, match="^not a feed: got text/html page$"):
        parse_feed(page, url=FEED_URL, content_type="")  # sniffed from the body


def test_a_feed_served_as_text_html_still_parses():
    parsed = _parse(rss([item(1)]), content_type="text/html")
    assert [record.title for record in parsed.items] == ["Story update 1"]


def test_malformed_xml_without_items_is_an_error():
    with pytest.raises(ParseError, match="^malformed feed: "):
        parse_feed(b'<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title></chan', url=FEED_URL)


def test_malformed_xml_with_items_keeps_the_items():
    broken = rss([item(1), item(2)]).replace("</channel></rss>", "<oops></channel>")
    parsed = _parse(broken)
    assert parsed.malformed
    assert [record.title for record in parsed.items] == ["Story update 1", "Story update 2"]


def test_plain_text_is_not_a_feed():
    with pytest.raises(ParseError):
        parse_feed(b"just some words, no markup at all", url=FEED_URL, content_type="text/plain")


def test_a_body_that_looks_like_a_path_is_never_opened(tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_text(rss([item(1, title="read from disk")]))
    # feedparser given bytes would open this path itself; we hand it a stream instead.
    with pytest.raises(ParseError):
        parse_feed(str(secret).encode(), url=FEED_URL)


def test_hostile_text_arrives_as_literal_text():
    title = "[bold red]Breaking[/] [link=https://evil.example]click[/link] \x1b[31mred\x1b[0m"
    summary = "<script>alert('x')</script><style>p{}</style><p>[blink]kept literally[/blink] &amp; fine</p>"
    record = _parse(rss([item(1, title=title, summary=summary)])).items[0]
    assert "[bold red]Breaking[/]" in record.title
    assert "[link=https://evil.example]click[/link]" in record.title
    assert record.summary == "[blink]kept literally[/blink] & fine"


def test_html_to_text_keeps_paragraphs_and_lines():
    html = "<h2>Title</h2><p>One\n  two</p><ul><li>a</li><li>b</li></ul>x<br>y<div><div>deep</div></div>"
    assert html_to_text(html) == "Title\n\nOne two\n\na\nb\n\nx\ny\n\ndeep"


def test_html_to_text_decodes_entities_and_drops_scripts():
    assert html_to_text("Tom &amp; Jerry &lt;3 <script>var x = '<p>';</script>&nbsp;!") == "Tom & Jerry <3 !"


def test_html_to_text_survives_very_deep_nesting():
    html = "<div>" * 5000 + "bottom" + "</div>" * 5000
    assert html_to_text(html) == "bottom"


def test_html_to_text_leaves_plain_text_alone():
    assert html_to_text("  no markup   here ") == "no markup here"
    assert html_to_text("") == ""


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Co")) | st.sampled_from("<>/&;pbr \n"), max_size=300))
def test_html_to_text_never_fails_and_never_leaks_break_marks(text):
    result = html_to_text(text)
    assert result == result.strip()
    assert "\ue000" not in result and "\ue001" not in result
    assert "\n\n\n" not in result


# -- OPML feed lists -----------------------------------------------------------------------------


def test_opml_round_trips_titles_and_urls():
    feeds = [OpmlFeed("https://news.example/world.rss", 'World & "Americas"'), OpmlFeed("http://b.example/feed", None)]
    assert read_opml(write_opml(feeds).encode()) == [
        OpmlFeed("https://news.example/world.rss", 'World & "Americas"'),
        OpmlFeed("http://b.example/feed", "http://b.example/feed"),
    ]


def test_opml_folders_are_kept_and_non_feeds_skipped():
    document = b"""<?xml version="1.0"?><opml version="1.0"><head/><body>
      <outline text="News"><outline text="A" xmlUrl="https://a.example/rss"/>
        <outline text="Dup" xmlUrl="https://a.example/rss"/><outline text="Local" xmlUrl="file:///etc/passwd"/></outline>
      <outline text="Just a link" htmlUrl="https://c.example/"/><outline XMLURL="https://d.example/atom"/>
    </body></opml>"""
    assert read_opml(document) == [OpmlFeed("https://a.example/rss", "A", ("News",)), OpmlFeed("https://d.example/atom", None)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<opml><body><outline", "^not valid XML"),
        (b"<rss version='2.0'/>", r"^not an OPML file \(root element is <rss>\)$"),
        (b'<!DOCTYPE x [<!ENTITY a "aaaa">]><opml><body/></opml>', "DOCTYPE"),
    ],
)
def test_bad_opml_is_a_clear_error(data, message):
    with pytest.raises(OpmlError, match=message):
        read_opml(data)
