"""The same article behind different links gets one canonical URL (issue 3.2)."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storywatch.store.text.urls import FeedUrlError, canonical_url, feed_url, redirect_target

ARTICLE = "https://example.com/world/2025/cartels"


@pytest.mark.parametrize(
    "link",
    [
        "https://example.com/world/2025/cartels",
        "http://example.com/world/2025/cartels",
        "https://www.example.com/world/2025/cartels/",
        "https://m.example.com/world/2025/cartels",
        "https://amp.example.com/world/2025/cartels",
        "https://example.com/world/2025/cartels/amp",
        "https://example.com/world/2025/cartels?amp=1",
        "https://EXAMPLE.com:443/world/2025/cartels#comments",
        "https://example.com/world/2025/cartels?utm_source=rss&utm_medium=feed&fbclid=abc",
        "https://www-example-com.cdn.ampproject.org/c/s/www.example.com/world/2025/cartels",
        "https://www.google.com/url?rct=j&sa=t&url=https://www.example.com/world/2025/cartels&ct=ga",
        "https://news.google.com/news/url?url=https%3A%2F%2Fexample.com%2Fworld%2F2025%2Fcartels",
        "https://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=1&url=https%3a%2f%2fwww.example.com%2fworld%2f2025%2fcartels%3futm_source%3dbing&c=1",
        "https://l.facebook.com/l.php?u=https%3A%2F%2Fm.example.com%2Fworld%2F2025%2Fcartels&h=x",
    ],
)
def test_disguises_of_one_article_share_its_canonical_url(link):
    assert canonical_url(link) == ARTICLE


@pytest.mark.parametrize(
    "other",
    [
        "https://example.com/world/2025/cartels-2",
        "https://example.com/world/2025/cartels?id=7",
        "https://example.org/world/2025/cartels",
        "https://example.com/world/2025/amplifier",
        "https://news.example.com/world/2025/cartels",
    ],
)
def test_different_articles_stay_different(other):
    assert canonical_url(other) != ARTICLE


def test_redirect_without_a_target_is_kept_as_it_is():
    link = "https://news.google.com/rss/articles/CBMiXWh0dHBzOi8v?oc=5"
    assert redirect_target(link) == link
    assert canonical_url(link).startswith("https://news.google.com/rss/articles/")


def test_a_redirect_to_a_non_http_target_is_not_followed():
    assert redirect_target("https://www.google.com/url?q=javascript:alert(1)").startswith("https://www.google.com/")


@pytest.mark.parametrize("text", ["", "not a url", "ftp://example.com/a", "javascript:alert(1)", "mailto:a@b.c"])
def test_non_http_links_have_no_canonical_url(text):
    assert canonical_url(text) == ""


@given(st.text(max_size=200))
def test_canonical_url_never_raises_and_is_stable(text):
    once = canonical_url(text)
    assert canonical_url(once) == once if once else True


@pytest.mark.parametrize(
    "name", ["cid", "src", "source", "ref", "share", "rss", "via", "ei", "ocid", "icid", "cmp", "spm", "id", "p"]
)
def test_ambiguous_parameters_are_kept_because_some_sites_name_the_article_by_them(name):
    """Issue 9.4: /view?cid=1001 and /view?cid=1002 are two articles, not one."""
    first = canonical_url(f"https://example.com/view?{name}=1001")
    second = canonical_url(f"https://example.com/view?{name}=1002")
    assert first != second
    assert f"{name}=1001" in first


@pytest.mark.parametrize(
    "query",
    [
        "utm_source=rss&utm_medium=feed&utm_campaign=x&utm_content=y&utm_term=z",
        "fbclid=a&gclid=b&dclid=c&gbraid=d&wbraid=e&msclkid=f&yclid=g&twclid=h&igshid=i",
        "mc_cid=a&mc_eid=b&_hsenc=c&_hsmi=d&mkt_tok=e&oly_anon_id=f&oly_enc_id=g&__s=h&vero_id=i&xtor=RSS-3208",
    ],
)
def test_parameters_that_never_identify_a_page_are_still_dropped(query):
    assert canonical_url(f"https://example.com/view?cid=1001&{query}") == "https://example.com/view?cid=1001"


@pytest.mark.parametrize(
    "spelling",
    [
        "http://host/Feed.xml?A=1",
        "HTTP://Host/Feed.xml?A=1",
        "http://HOST:80/Feed.xml?A=1#",
        "  http://host/Feed.xml?A=1 ",
    ],
)
def test_a_feed_url_has_one_spelling_of_scheme_host_and_port(spelling):
    """Issue 9.7: `HTTP://Host/x` is the feed already followed at `http://host/x`; path and query keep their case."""
    assert feed_url(spelling) == "http://host/Feed.xml?A=1"


@pytest.mark.parametrize(
    "url, kept",
    [
        ("https://host:443", "https://host/"),
        ("http://[::1]:8080/f", "http://[::1]:8080/f"),
        ("https://h:8443/x#top", "https://h:8443/x#top"),
    ],
)
def test_a_feed_url_keeps_what_it_needs(url, kept):
    assert feed_url(url) == kept


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://", "no host"),
        ("http:///feed.xml", "no host"),
        ("http://[::1", "not a valid URL"),
        ("http://host:99999/", "not a valid URL"),
        ("file:///etc/passwd", "not an http(s) URL"),
        ("http:host/feed", "not an http(s) URL"),
        ("http://host/a b", "spaces or control characters"),
        ("http://host/\n\x1b]52;c;aGk=\x07", "spaces or control characters"),
        ("http://host/\u202ecod.exe", "spaces or control characters"),
    ],
)
def test_a_feed_url_that_cannot_be_followed_is_refused_with_the_url_shown_inert(url, reason):
    with pytest.raises(FeedUrlError, match=re.escape(reason)) as refused:
        feed_url(url)
    assert str(refused.value).isprintable()


@given(st.text(max_size=100) | st.from_regex(r"[hH][tT][tT][pP][sS]?://[^/]{0,12}(/.{0,20})?", fullmatch=True))
def test_feed_url_refuses_or_normalises_for_good(text):
    try:
        once = feed_url(text)
    except FeedUrlError as refused:
        assert str(refused).isprintable()
    else:
        assert feed_url(once) == once and once.isprintable()
