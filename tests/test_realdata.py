"""bench/realdata.py's pure helpers: an item's key and its plain text."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _realdata():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import realdata
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return realdata


def test_an_item_is_known_by_its_link_without_query_or_trailing_slash():
    realdata = _realdata()
    a = realdata._key({"link": "https://www.Reuters.com/world/americas/story-2026-08-05/?utm=x"})
    b = realdata._key({"link": "https://www.reuters.com/world/americas/story-2026-08-05"})
    assert a == b == "www.reuters.com/world/americas/story-2026-08-05"
    assert realdata._key({"id": "guid-1", "title": "T"}) == "guid-1"


def test_summaries_lose_their_markup_and_entities():
    realdata = _realdata()
    assert realdata.plain('<img src="x"/><br/>US strikes &amp; <b>cartels</b>\n now') == "US strikes & cartels now"


def test_the_keyword_filter_is_the_issues_regex():
    realdata = _realdata()
    assert realdata.KEYWORDS.search("Mexico's SHEINBAUM rejects")
    assert not realdata.KEYWORDS.search("US strike on an alleged drug boat kills 3")
