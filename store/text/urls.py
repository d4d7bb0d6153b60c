"""Canonical article URLs, so one article reached through two links is stored once."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query parameters that say how a reader arrived and never which page it is: click ids and
# campaign tags of ad, mail and analytics tools, drawn from the lists that strip them in browsers
# (Firefox's query stripping, Brave's query filter, ClearURLs' global rules) and kept to the names
# no site uses for anything else. Short or common names (cid, src, source, ref, share, rss, via,
# ei, ocid, icid, cmp, spm, ...) name the article on some sites, so they are never dropped.
# The packages that ship a list (detrack, courlan, the ClearURLs ports) drop some of those too.
TRACKING_PREFIXES = ("utm_", "hsa_")  # Google Analytics campaign tags; HubSpot ad tags
TRACKING_PARAMETERS = frozenset(
    {
        # ad click ids: Google, Microsoft, Yandex, Meta, X, TikTok, Instagram
        "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "_openstat",
        "fbclid", "twclid", "ttclid", "igshid",
        # analytics cross-domain linkers and campaign tags: Google, Adobe, Webtrends, AT Internet, Matomo
        "_ga", "_gl", "s_cid", "wt.mc_id", "xtor",
        "pk_campaign", "pk_kwd", "pk_keyword", "pk_source", "pk_medium", "pk_content",
        "mtm_campaign", "mtm_kwd", "mtm_keyword", "mtm_source", "mtm_medium", "mtm_content", "mtm_cid",
        # newsletter and marketing mail: Mailchimp, HubSpot, Marketo, Omeda, Vero, Wicked Reports, MailerLite
        "mc_cid", "mc_eid", "_hsenc", "_hsmi", "__hsfp", "__hssc", "__hstc", "hsctatracking",
        "mkt_tok", "oly_anon_id", "oly_enc_id", "__s", "vero_conv", "vero_id", "wickedid",
        "ml_subscriber", "ml_subscriber_hash",
        # Yahoo's consent redirect
        "guccounter", "guce_referrer", "guce_referrer_sig",
    }
)


# Host labels that name a variant of the same site: the desktop, mobile and AMP pages of one
# article are one article.
VARIANT_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
# Query parameters that only ask for the AMP rendering.
AMP_PARAMETERS = frozenset({"amp", "outputtype", "usqp"})
# Redirectors whose real target is a query parameter: (host pattern, path pattern, parameters).
REDIRECTORS = (
    (re.compile(r"(^|\.)news\.google\.[a-z.]+$"), re.compile(r"^/(news/)?(rss/)?(url|articles/.*)$"), ("url", "q")),
    (re.compile(r"(^|\.)google\.[a-z.]+$"), re.compile(r"^/url$"), ("url", "q")),
    (re.compile(r"(^|\.)bing\.com$"), re.compile(r"^/news/apiclick\.aspx$"), ("url",)),
    (re.compile(r"(^|\.)facebook\.com$"), re.compile(r"^/l\.php$"), ("u",)),
    (re.compile(r"(^|\.)out\.reddit\.com$"), re.compile(r"^/.*$"), ("url",)),
)
_AMP_CACHE = re.compile(r"^[a-z0-9-]+\.cdn\.ampproject\.org$")
_AMP_PATH = re.compile(r"(/amp)+/?$|/amp(?=/)", re.IGNORECASE)


def redirect_target(url: str) -> str:
    """The article a news-aggregator or AMP-cache link points to, or the URL itself."""
    for _ in range(3):  # a redirector wrapping a redirector, but not forever
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        target = None
        if _AMP_CACHE.match(host):
            match = re.match(r"^/[a-z]/(s/)?(.+)$", parts.path)
            if match:
                target = ("https://" if match.group(1) else "http://") + match.group(2)
                if parts.query:
                    target += "?" + parts.query
        for host_pattern, path_pattern, names in REDIRECTORS:
            if target is None and host_pattern.search(host) and path_pattern.match(parts.path):
                query = dict((k.lower(), v) for k, v in parse_qsl(parts.query, keep_blank_values=True))
                for name in names:
                    value = query.get(name, "").strip()
                    if value.lower().startswith(("http://", "https://")):
                        target = value
                        break
        if target is None:
            return url
        url = target
    return url


def is_tracking_parameter(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


# Whitespace (`str.isspace`, which is what `\s` matches in a str pattern) and the C0 and C1 controls.
_NOT_IN_WEB_URL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


def is_web_url(url: str) -> bool:
    """An absolute http(s) URL with a host that urllib can take apart (port in range, IPv6
    host closed), with no whitespace or control characters in it."""
    if not url or _NOT_IN_WEB_URL.search(url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError when out of range
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


@lru_cache(maxsize=1024)
def joined(base: str, uri: str) -> str:
    """`urllib.parse.urljoin`, remembered: an item's link is joined against its feed's URL two
    or three times on its way in (as its guid, its link, the record's link), 10 us each."""
    return urljoin(base, uri)


def link_problem(url: str | None) -> str | None:
    """Why a stored link may not go to a web browser, or None when it may: only an absolute
    http(s) URL with a host and nothing that does not print (a `javascript:` or `file:` link, or
    one carrying escapes or bidi marks, is someone else's instruction, not a page)."""
    if not url:
        return "it has no link"
    if any(char.isspace() or not char.isprintable() for char in url):
        return "its link holds spaces or control characters"
    scheme = url.partition(":")[0].lower()
    if scheme not in ("http", "https") or not url.lower().startswith(scheme + "://"):
        return "only http(s) links open in the browser"
    if not is_web_url(url):
        return "its link has no host, or a port out of range"
    return None


@lru_cache(maxsize=4096)  # every poll of a feed lists most of its items again: ~20 us each, a pure function
def canonical_url(url: str) -> str:
    """The article's identity as a URL: the target of an aggregator's redirect link, lower-case
    host without www./m./amp., no tracking or AMP parameters, no fragment, sorted query,
    https, no default port, no /amp suffix and no trailing slash on the path.

    Returns "" for anything that is not an http(s) URL, or not one urllib can read.
    """
    try:
        return _canonical_url(url)
    except ValueError:  # a port out of range, an unclosed IPv6 host, a host IDNA cannot encode
        return ""


def _canonical_url(url: str) -> str:
    url = redirect_target((url or "").strip())
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_parameter(k) and k.lower() not in AMP_PARAMETERS
    ]
    host = parts.hostname.lower().rstrip(".")
    for prefix in VARIANT_HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = _AMP_PATH.sub("", parts.path).rstrip("/") or "/"
    rebuilt = urlunsplit(("https", host, path, urlencode(query), ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


class FeedUrlError(ValueError):
    """A feed URL that cannot be followed; the message says why and shows the URL inert."""


def shown_url(url: str, max_length: int = 300) -> str:
    """A URL as a message may show it: as typed when every character prints, else spelled out
    with its escapes (`'\\n'`, `'\\x1b'`), so a terminal never acts on it."""
    url = url[:max_length]
    return url if url.isprintable() else repr(url)


def feed_url(url: str) -> str:
    """The one spelling of a feed URL a user gives: http(s) with a host, scheme and host in lower
    case, no default port, no empty fragment or query, "/" for an empty path; path and query
    as given (they are case-sensitive). Raises FeedUrlError for anything else, or for a URL
    holding whitespace, controls or other characters that do not print, which no feed URL needs
    and a terminal may act on.
    """
    text = url.strip(" ")
    if any(char.isspace() or not char.isprintable() for char in text):
        raise FeedUrlError(f"a URL cannot hold spaces or control characters: {shown_url(text)}")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:  # "http://[::1", a port that is not a number
        raise FeedUrlError(f"not a valid URL: {shown_url(text)}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not text.lower().startswith(scheme + "://"):
        raise FeedUrlError(f"not an http(s) URL: {shown_url(text)}")
    host = parts.hostname or ""
    if not host:
        raise FeedUrlError(f"no host in the URL: {shown_url(text)}")
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address keeps its brackets
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = (userinfo + "@" if userinfo else "") + host
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        netloc += f":{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, parts.fragment))
