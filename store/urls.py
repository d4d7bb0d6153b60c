"""Canonical article URLs, so one article reached through two links is stored once."""

from __future__ import annotations

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


def is_tracking_parameter(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The article's identity as a URL: lower-case host, no tracking parameters, no fragment,
    sorted query, https, no default port and no trailing slash on the path.

    Returns "" for anything that is not an http(s) URL.
    """
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_parameter(k)]
    host = parts.hostname.lower().rstrip(".")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = parts.path.rstrip("/") or "/"
    rebuilt = urlunsplit(("https", host, path, urlencode(query), ""))
    return canonicalize_url(rebuilt, keep_fragments=False)
