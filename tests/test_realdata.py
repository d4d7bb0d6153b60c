"""bench/realdata.py's pure helpers: an item's key and its plain text; and the real sets it made."""

from __future__ import annotations

import json
from pathlib import Path

from bench_scripts import bench_module

ROOT = Path(__file__).resolve().parents[1]


def _realdata():
    return bench_module("realdata")


def test_an_item_is_known_by_its_link_without_query_or_trailing_slash():
    realdata = _realdata()
    a = realdata._key({"link": "https://www.Reuters.com/world/americas/story-2026-08-05/?utm=x"})
    b = realdata._key({"link": "https://www.reuters.com/world/americas/story-2026-08-05"})
    assert a == b == "www.reuters.com/world/americas/story-2026-08-05"
    assert realdata._key({"id": "guid-1", "title": "T"}) == "guid-1"


def test_a_link_wrapped_in_an_archive_redirect_is_the_outlet_s_own():
    """nyt-world publishes each item's link behind archive.is ("/o/KEY/URL")."""
    realdata = _realdata()
    own = "https://www.nytimes.com/2025/10/22/world/americas/strike-pacific.html"
    wrapped = {"link": "https://archive.is/o/N6yE6/" + own}
    assert realdata._link(wrapped) == own
    assert realdata._key(wrapped) == realdata.link_key(own) == "www.nytimes.com/2025/10/22/world/americas/strike-pacific.html"


def test_summaries_lose_their_markup_and_entities():
    realdata = _realdata()
    assert realdata.plain('<img src="x"/><br/>US strikes &amp; <b>cartels</b>\n now') == "US strikes & cartels now"


def test_the_keyword_filter_is_the_issues_regex():
    realdata = _realdata()
    assert realdata.KEYWORDS.search("Mexico's SHEINBAUM rejects")
    assert not realdata.KEYWORDS.search("US strike on an alleged drug boat kills 3")


def _row(feed, seen, url):
    return {"feed": feed, "first_seen_at": seen, "url": url, "title": "T", "summary": ""}


def test_a_window_keeps_one_feeds_days_inclusive_and_leaves_out_known_links():
    realdata = _realdata()
    rows = [
        _row("reuters-direct", "2026-06-30T23:59:59Z", "https://www.reuters.com/a"),
        _row("reuters-direct", "2026-07-01T00:00:01Z", "https://www.reuters.com/b"),
        _row("reuters-direct", "2026-07-22T23:59:00Z", "https://www.reuters.com/c/"),
        _row("reuters-direct", "2026-07-23T00:00:00Z", "https://www.reuters.com/d"),
        _row("ap-news", "2026-07-05T10:00:00Z", "https://apnews.com/e"),
        _row("reuters-direct", "2026-07-05T10:00:00Z", "https://www.Reuters.com/known?x=1"),
        {"provenance": True, "feed": "reuters-direct"},
    ]
    known = {realdata.link_key("https://www.reuters.com/known")}
    kept = realdata.window(rows, "reuters-direct", "2026-07-01", "2026-07-22", known)
    assert [r["url"] for r in kept] == ["https://www.reuters.com/b", "https://www.reuters.com/c/"]


def test_off_story_kinds_go_by_the_first_rule_that_matches_and_mexican_crime_needs_mexico():
    realdata = _realdata()
    assert realdata.off_kind("Mexico v England World Cup match delayed", "") == "world-cup"
    assert realdata.off_kind("Gunmen kill six in Sinaloa bar", "") == "other-mexico-crime"
    assert realdata.off_kind("Gunmen kill six in a bar", "") == "other"
    assert realdata.off_kind("US military is conducting fresh strikes on Iran", "") == "other-military"
    assert realdata.off_kind("Quiet day", "Venezuela's oil output rose") == "venezuela"


def test_top_stories_are_read_once_each_from_the_snapshots_in_utc(tmp_path, monkeypatch):
    """Each poll's Markdown file ("- Headline - Outlet", named at UTC+2): a headline counts once,
    at its first poll, without the outlet's tail; files outside the days asked for are left out."""
    import subprocess

    work = tmp_path / "work"
    for name, lines in {
        "news/2025/09/01/01-30.md": ["- Early poll, the day before in UTC - AP"],
        "news/2025/09/02/12-00.md": ["- US strike on alleged drug boat kills 3 - ABC News", "- Markets rally - Reuters"],
        "news/2025/09/02/13-00.md": ["- US strike on alleged drug boat kills 3 - CBS News", "- A - B - Outlet"],
        "news/2025/09/04/12-00.md": ["- Too late - AP"],
    }.items():
        path = work / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# Top News Headlines\n\n_Updated: x_\n\n" + "\n".join(lines), encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q", str(work)], check=True)
    subprocess.run([*git, "-C", str(work), "add", "."], check=True)
    subprocess.run([*git, "-C", str(work), "commit", "-qm", "polls"], check=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(tmp_path / "o+r" / "repo")], check=True)
    realdata = _realdata()
    monkeypatch.setattr(realdata, "MIRRORS", tmp_path)
    rows = list(realdata.extract_top_stories(realdata.Source("top", "o/r", "news", "news.google.com"),
                                             "2025-09-01", "2025-09-03"))
    assert [(row["title"], row["source"], row["first_seen_at"]) for row in rows] == [
        ("US strike on alleged drug boat kills 3", "ABC News", "2025-09-02T10:00:00Z"),
        ("Markets rally", "Reuters", "2025-09-02T10:00:00Z"),
        ("A - B", "Outlet", "2025-09-02T11:00:00Z"),
    ]


def test_the_real_sets_share_no_report_and_every_report_is_labelled():
    """A report in a tuned-on set and a held-out one would let tuning reach the held-out figure:
    each set was made leaving out what the others hold (bench/data/REAL_DATA.md), and stays so."""
    seen: dict[str, str] = {}
    for path in sorted((ROOT / "bench" / "data").glob("real_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            assert isinstance(row["on_story"], bool) and row["kind"] and row["split"], (path.name, row["id"])
            assert seen.setdefault(row["id"], path.name) == path.name, (row["id"], seen[row["id"]], path.name)
    assert len(seen) > 60_000  # every set was read


def test_kappa_is_one_for_the_same_calls_and_zero_for_chance_agreement():
    agreement = bench_module("agreement")
    calls = [True, True, False, False]
    assert agreement.kappa(calls, calls) == 1.0
    assert agreement.kappa(calls, [True, False, True, False]) == 0.0
    assert round(agreement.kappa([True, False, False, False], [True, True, False, False]), 3) == 0.5


def test_the_third_labellers_calls_are_each_a_net_headline_of_its_set():
    """bench/agreement.py compares each call with its set's label: a title its set does not hold
    (a set rebuilt, a title edited) would fail there with a KeyError, so fail here first."""
    agreement = bench_module("agreement")
    net = _realdata().NET
    calls = [json.loads(line) for line in (ROOT / "bench/data/agreement.jsonl").read_text(encoding="utf-8").splitlines()]
    labels = {name: agreement.set_labels(name) for name in {call["set"] for call in calls}}
    assert all(call["title"] in labels[call["set"]] and net.search(call["title"]) for call in calls)
    assert len({(call["set"], call["title"]) for call in calls}) == len(calls) == 1755
