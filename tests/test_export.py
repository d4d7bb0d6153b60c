"""The export: which reports it holds and in what order (store), and each format keeping every
field inert where it is read (Markdown rendered to HTML, CSV opened as cells, JSON parsed)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from tui_helpers import article, make_story

from storywatch.store.db import open_db
from storywatch.store.export import ExportError, export_text, since_to_iso, tagged_reports
from storywatch.store.ingest import ingest_items
from storywatch.store.text.clean import clean_line
from storywatch.store.text.export_formats import (
    CSV_COLUMNS,
    Copy,
    ExportedReport,
    csv_cell,
    md_escape,
    md_link,
    to_csv,
    to_json,
    to_markdown,
)
from storywatch.store.times import now_iso

COPY_TEXT = "Drone strikes hit three cartel drug labs in Sinaloa overnight, Mexican officials said on Tuesday."

HOSTILE_TITLE = (
    '=HYPERLINK("http://127.0.0.1:9/x") \x1b[2J\x1b]52;c;aGVsbG8=\x07 [b]bold[/b] [link=http://x]y[/link]'
    " [click](javascript:alert(1)) *em* _em_ **strong** `code` <script>alert(1)</script> ~~gone~~"
    " z\u200bero\u202ewidth | a | b | &lt;i&gt; \\*not em\\* <http://127.0.0.1:9/auto> ##"
)
HOSTILE_SOURCE = "-@Outlet ![img](http://127.0.0.1:9/x.png) # heading?"
HOSTILE_TAG = "+1 [b]tag[/b] \x1b[31m`x`_y_"
HOSTILE_LINK = "javascript:alert(1)//[x](http://127.0.0.1:9/y)"


def tag(db, article_id: int, name: str) -> None:
    """What the tag keys will write (they are built elsewhere): one row per article and tag."""
    with db.atomic():
        db.execute("INSERT OR IGNORE INTO tags (article_id, tag, tagged_at) VALUES (?, ?, ?)", [article_id, name, now_iso()])


def stored_id(db, url: str) -> int:
    return db.execute("SELECT id FROM articles WHERE url = ?", [url]).fetchone()[0]


@pytest.fixture
def story_db(tmp_path):
    """Three reports 5, 3 and 1 hours old; the 3-hour one was run by a second outlet too."""
    db = open_db(make_story(tmp_path))
    ingest_items(db, [
        article(1, title="Pentagon readies drone plans", source="Wire A", hours_ago=5),
        article(2, title="US strikes hit cartel labs", summary=COPY_TEXT, source="Wire B", hours_ago=3),
        article(3, title="Sheinbaum rejects foreign troops", source="Wire C", hours_ago=1),
    ])
    ingest_items(db, [article(4, title="US strikes hit cartel labs, officials say", summary=COPY_TEXT,
                              source="Wire D", url="http://127.0.0.1:9/copy/4", hours_ago=2.5)])
    yield db
    db.close()


def ids(db) -> dict[int, int]:
    return {n: stored_id(db, url) for n, url in
            [(1, "http://127.0.0.1:9/story/1"), (2, "http://127.0.0.1:9/story/2"),
             (3, "http://127.0.0.1:9/story/3"), (4, "http://127.0.0.1:9/copy/4")]}


# -- which reports ----------------------------------------------------------------------------


def test_every_tagged_report_in_time_order_with_the_outlets_that_ran_it(story_db):
    n = ids(story_db)
    tag(story_db, n[3], "troops")
    tag(story_db, n[1], "plans")
    tag(story_db, n[4], "strikes")  # the second outlet's copy: the report carries it
    tag(story_db, n[2], "strikes")
    tag(story_db, n[2], "labs")
    reports = tagged_reports(story_db)
    assert [report.title for report in reports] == [
        "Pentagon readies drone plans", "US strikes hit cartel labs", "Sheinbaum rejects foreign troops"]
    labs = reports[1]
    assert (labs.id, labs.outlet, labs.link) == (n[2], "Wire B", "http://127.0.0.1:9/story/2")
    assert labs.tags == ("labs", "strikes")  # every copy's tags, once each, sorted
    assert [(copy.outlet, copy.link) for copy in labs.also_ran] == [("Wire D", "http://127.0.0.1:9/copy/4")]
    assert reports[0].also_ran == ()
    assert [report.time for report in reports] == sorted(report.time for report in reports)


def test_untagged_reports_stay_out_and_a_tag_narrows(story_db):
    n = ids(story_db)
    assert tagged_reports(story_db) == []
    tag(story_db, n[4], "strikes")  # only the copy is tagged
    tag(story_db, n[3], "troops")
    assert [r.title for r in tagged_reports(story_db, tag="strikes")] == ["US strikes hit cartel labs"]
    assert [r.title for r in tagged_reports(story_db, tag="troops")] == ["Sheinbaum rejects foreign troops"]
    assert tagged_reports(story_db, tag="nothing") == []
    assert len(tagged_reports(story_db)) == 2


def test_since_keeps_the_reports_from_then_on(story_db):
    n = ids(story_db)
    for number in (1, 2, 3):
        tag(story_db, n[number], "watch")
    assert [r.title for r in tagged_reports(story_db, since=since_to_iso("4h"))] == [
        "US strikes hit cartel labs", "Sheinbaum rejects foreign troops"]
    assert [r.title for r in tagged_reports(story_db, since=since_to_iso("90m"))] == ["Sheinbaum rejects foreign troops"]
    assert len(tagged_reports(story_db, since=since_to_iso("2000-01-01"))) == 3
    assert tagged_reports(story_db, since=since_to_iso("1d"), tag="other") == []


def test_since_reads_ages_dates_and_times():
    now = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
    assert since_to_iso("24h", now) == "2026-11-20T12:00:00Z"
    assert since_to_iso("7d", now) == "2026-11-14T12:00:00Z"
    assert since_to_iso("2w", now) == "2026-11-07T12:00:00Z"
    assert since_to_iso("30m", now) == "2026-11-21T11:30:00Z"
    assert since_to_iso("2026-11-20") == "2026-11-20T00:00:00Z"
    assert since_to_iso("2026-11-20T08:00Z") == "2026-11-20T08:00:00Z"
    assert since_to_iso("2026-11-20T08:00+02:00") == "2026-11-20T06:00:00Z"
    for wrong in ("yesterday", "24", "h", "2026-13-01", "\x1b[2J"):
        with pytest.raises(ExportError, match="no time"):
            since_to_iso(wrong, now)


# -- the formats ------------------------------------------------------------------------------


REPORTS = [
    ExportedReport(7, "2026-11-20T08:00:00Z", "Pentagon readies drone plans", "Wire A",
                   "https://127.0.0.1:9/a?x=1&y=2", ("plans",), ()),
    ExportedReport(9, "2026-11-21T07:30:00Z", "US strikes hit cartel labs", "Wire B", "http://127.0.0.1:9/b",
                   ("labs", "strikes"), (Copy("Wire D", "http://127.0.0.1:9/d", "2026-11-21T08:00:00Z"),)),
]


def test_the_markdown_dossier_has_each_field_in_time_order():
    text = to_markdown(REPORTS, story_title="Cartel strikes", exported_at="2026-11-22T10:00:00Z")
    assert text.startswith("# Cartel strikes\n\nDossier of 2 reports (every tagged report), exported 2026-11-22 10:00 UTC")
    first, second = text.split("\n## ")[1:]
    assert first.splitlines()[:6] == [
        "Pentagon readies drone plans", "", "- **Time:** 2026-11-20 08:00 UTC", "- **Outlet:** Wire A",
        "- **Link:** <https://127.0.0.1:9/a?x=1&y=2>", "- **Tags:** plans"]
    assert "- **Also ran it:** no other outlet" in first
    assert second.splitlines()[2:8] == [
        "- **Time:** 2026-11-21 07:30 UTC", "- **Outlet:** Wire B", "- **Link:** <http://127.0.0.1:9/b>",
        "- **Tags:** labs, strikes", "- **Also ran it (1):**", "  - Wire D, 2026-11-21 08:00 UTC: <http://127.0.0.1:9/d>"]
    html = Html.of(text)
    assert html.links == ["https://127.0.0.1:9/a?x=1&y=2", "http://127.0.0.1:9/b", "http://127.0.0.1:9/d"]
    assert html.texts("h2") == ["Pentagon readies drone plans", "US strikes hit cartel labs"]
    narrowed = to_markdown([], story_title="S", exported_at="2026-11-22T10:00:00Z", tag="labs", since="2026-11-01T00:00:00Z")
    assert "0 reports (tagged labs, since 2026-11-01 00:00 UTC)" in narrowed and "No report carries this tag." in narrowed


def test_json_and_csv_carry_the_same_fields_in_the_same_order():
    parsed = json.loads(to_json(REPORTS))
    assert [report["title"] for report in parsed] == ["Pentagon readies drone plans", "US strikes hit cartel labs"]
    assert parsed[1] == {
        "time": "2026-11-21T07:30:00Z", "title": "US strikes hit cartel labs", "outlet": "Wire B",
        "link": "http://127.0.0.1:9/b", "tags": ["labs", "strikes"],
        "also_ran": [{"outlet": "Wire D", "link": "http://127.0.0.1:9/d", "time": "2026-11-21T08:00:00Z"}],
    }
    rows = list(csv.reader(io.StringIO(to_csv(REPORTS), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS == ("time", "title", "outlet", "link", "tags", "also_ran")
    assert rows[1] == ["2026-11-20T08:00:00Z", "Pentagon readies drone plans", "Wire A",
                       "https://127.0.0.1:9/a?x=1&y=2", "plans", ""]
    assert rows[2] == ["2026-11-21T07:30:00Z", "US strikes hit cartel labs", "Wire B", "http://127.0.0.1:9/b",
                       "labs; strikes", "Wire D <http://127.0.0.1:9/d>"]
    assert list(parsed[0]) == list(CSV_COLUMNS)  # the same fields, in the same order


def test_export_text_reads_the_store_in_each_format(story_db):
    n = ids(story_db)
    tag(story_db, n[2], "labs")
    for fmt, check in (("md", "## US strikes hit cartel labs"), ("json", '"title": "US strikes hit cartel labs"'),
                       ("csv", ",US strikes hit cartel labs,")):
        text, count = export_text(story_db, fmt, story_title="T", tag="labs")
        assert count == 1 and check in text
    with pytest.raises(ValueError, match="unknown export format"):
        export_text(story_db, "xml", story_title="T")


# -- hostile text -----------------------------------------------------------------------------


class Html(HTMLParser):
    """The HTML a Markdown renderer makes: every element, every link, each element's text."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[str] = []
        self.links: list[str] = []
        self._open: list[tuple[str, list[str]]] = []
        self.text: dict[str, list[str]] = {}

    @classmethod
    def of(cls, markdown: str) -> "Html":
        parser = cls()
        parser.feed(MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown))
        return parser

    def handle_starttag(self, tag, attrs):
        self.elements.append(tag)
        if tag == "a":
            self.links.append(dict(attrs)["href"])
        self._open.append((tag, []))

    def handle_endtag(self, tag):
        name, parts = self._open.pop()
        self.text.setdefault(name, []).append("".join(parts))
        if self._open:
            self._open[-1][1].extend(parts)

    def handle_data(self, data):
        if self._open:
            self._open[-1][1].append(data)

    def texts(self, tag: str) -> list[str]:
        return self.text.get(tag, [])


HOSTILE = [
    ExportedReport(1, "2026-11-20T08:00:00Z", HOSTILE_TITLE, HOSTILE_SOURCE, HOSTILE_LINK, (HOSTILE_TAG, "- dash"),
                   (Copy(HOSTILE_SOURCE, "http://127.0.0.1:9/ok space", "2026-11-20T09:00:00Z"),
                    Copy("1. Numbered", "http://127.0.0.1:9/fine", "2026-11-20T10:00:00Z"))),
    ExportedReport(2, "2026-11-21T08:00:00Z", "- starts a list", "+ also", "http://127.0.0.1:9/x\x1b[2J", (), ()),
    ExportedReport(3, "2026-11-22T08:00:00Z", "1. ordered", "=1+1", "https://127.0.0.1:9/<script>", (), ()),
]


def test_hostile_fields_render_as_exactly_their_text_in_markdown():
    text = to_markdown(HOSTILE, story_title="[b]Story[/b] *x* \x1b[2J", exported_at="2026-11-22T10:00:00Z",
                       tag=HOSTILE_TAG)
    assert "\x1b" not in text and "\x07" not in text and "\u200b" not in text and "\u202e" not in text
    html = Html.of(text)
    # The only link is the one well-formed http URL; javascript:, a space, an escape, a "<" stay text.
    assert html.links == ["http://127.0.0.1:9/fine"]
    assert not {"em", "del", "code", "img", "script", "table", "ol", "h3", "hr"} & set(html.elements)
    assert html.texts("strong") == ["Time:", "Outlet:", "Link:", "Tags:", "Also ran it (2):"] + [
        "Time:", "Outlet:", "Link:", "Tags:", "Also ran it:"] * 2
    assert html.texts("h1") == [clean_line("[b]Story[/b] *x* \x1b[2J")]
    assert html.texts("h2") == [clean_line(HOSTILE_TITLE), "- starts a list", "1. ordered"]
    assert html.elements.count("ul") == 3 + 1  # one per report, and the also-ran list
    items = html.texts("li")
    assert f"Outlet: {clean_line(HOSTILE_SOURCE)}" in items
    assert f"Tags: {clean_line(HOSTILE_TAG)}, - dash" in items
    assert f"Link: {clean_line(HOSTILE_LINK)}" in items
    assert "Link: http://127.0.0.1:9/x[2J" not in items and "Link: http://127.0.0.1:9/x" in items
    assert "Outlet: =1+1" in items and "Outlet: + also" in items
    assert f"{clean_line(HOSTILE_SOURCE)}, 2026-11-20 09:00 UTC: http://127.0.0.1:9/ok space" in items


def test_markdown_escaping_keeps_the_text_and_only_safe_links():
    for text in ("a_b_c", "**x**", "\\*x\\*", "[x](y)", "<b>", "&amp;", "1. x", "- x", "+ x", "# x", "x ##", "`x`",
                 "~~x~~", "| a |", "![i](y)"):
        assert Html.of(f"- {md_escape(text)}").texts("li") == [text], text
    assert md_link("https://127.0.0.1:9/a_b*c") == "<https://127.0.0.1:9/a_b*c>"
    for unsafe in ("javascript:alert(1)", "http://", "http://a b", "http://x>y", "ftp://127.0.0.1/x", "http://[::1",
                   "data:text/html,<script>", " http://127.0.0.1/"):
        assert not md_link(unsafe).startswith("<"), unsafe
    assert md_link(None) == md_link("") == "none"


def test_hostile_csv_cells_are_neutralised_and_clean():
    text = to_csv(HOSTILE)
    assert "\x1b" not in text and "\x07" not in text and "\u200b" not in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 4 and all(len(row) == len(CSV_COLUMNS) for row in rows)
    first, second, third = (dict(zip(CSV_COLUMNS, row)) for row in rows[1:])
    assert first["title"] == "'" + clean_line(HOSTILE_TITLE)
    assert first["outlet"] == "'" + clean_line(HOSTILE_SOURCE)
    assert first["tags"] == "'" + clean_line(HOSTILE_TAG) + "; - dash"
    assert second["title"] == "'- starts a list" and second["outlet"] == "'+ also"
    assert second["link"] == "http://127.0.0.1:9/x"
    assert third["outlet"] == "'=1+1" and third["title"] == "1. ordered"
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row), row
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)" and csv_cell("\t=1") == "'=1" and csv_cell(" -2") == "'-2"
    assert csv_cell("plain") == "plain" and csv_cell(None) == ""


def test_hostile_json_round_trips_clean():
    text = to_json(HOSTILE)
    assert "\x1b" not in text and "\\u001b" not in text and "\u200b" not in text and "\\u200b" not in text
    parsed = json.loads(text)
    assert parsed[0]["title"] == clean_line(HOSTILE_TITLE)
    assert parsed[0]["tags"] == [clean_line(HOSTILE_TAG), "- dash"]
    assert parsed[0]["link"] == HOSTILE_LINK  # kept as it is (no control in it): JSON quotes it whole
    assert parsed[1]["link"] == "http://127.0.0.1:9/x"
    assert parsed[0]["also_ran"][0] == {"outlet": clean_line(HOSTILE_SOURCE), "link": "http://127.0.0.1:9/ok space",
                                        "time": "2026-11-20T09:00:00Z"}


def test_hostile_text_stored_in_the_database_stays_inert_in_every_format(story_db):
    """Whatever wrote the file (an older storywatch, a user with sqlite3), the export cleans."""
    n = ids(story_db)
    with story_db.atomic():
        story_db.execute("UPDATE articles SET title = ?, source = ?, url = ? WHERE id = ?",
                         [HOSTILE_TITLE, HOSTILE_SOURCE, HOSTILE_LINK, n[2]])
    tag(story_db, n[2], HOSTILE_TAG)
    md, _ = export_text(story_db, "md", story_title="T")
    assert Html.of(md).texts("h2") == [clean_line(HOSTILE_TITLE)] and Html.of(md).links == ["http://127.0.0.1:9/copy/4"]
    parsed = json.loads(export_text(story_db, "json", story_title="T")[0])
    assert parsed[0]["title"] == clean_line(HOSTILE_TITLE) and parsed[0]["tags"] == [clean_line(HOSTILE_TAG)]
    row = list(csv.reader(io.StringIO(export_text(story_db, "csv", story_title="T")[0], newline="")))[1]
    assert row[1] == "'" + clean_line(HOSTILE_TITLE) and row[4] == "'" + clean_line(HOSTILE_TAG)
    for fmt in ("md", "json", "csv"):
        assert "\x1b" not in export_text(story_db, fmt, story_title="T")[0]
