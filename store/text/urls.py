"""Canonical article URLs, so one article reached through two links is stored once."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query parameters that say how a reader arrived, never which article it is.
TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_", "oly_", "__hs", "_hs")
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "twclid", "igshid",
        "mkt_tok", "cmpid", "cmp", "ito", "icid", "ncid", "ocid", "sr_share", "smid",
        "rss", "ref", "ref_src", "referrer", "source", "src", "via", "share", "at_medium",
        "at_campaign", "taid", "cid", "s_cid", "wt.mc_id", "xtor", "guccounter",
        "guce_referrer", "guce_referrer_sig", "spm", "_ga", "_gl", "ved", "ei", "usg",
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


def is_web_url(url: str) -> bool:
    """An absolute http(s) URL with a host that urllib can take apart (port in range, IPv6
    host closed), with no whitespace or control characters in it."""
    if not url or any(char.isspace() or ord(char) < 32 or 127 <= ord(char) < 160 for char in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError when out of range
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


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
