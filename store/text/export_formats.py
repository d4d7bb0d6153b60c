"""Tagged reports written out as Markdown, JSON or CSV: pure functions, no database.

Every field came from someone else (a feed's title, outlet and link; a tag the user typed),
so each format keeps it inert where it will be read: Markdown escapes what would make a
link, emphasis, heading, list or HTML; CSV puts `'` before a cell a spreadsheet would run as
a formula; all three strip terminal escapes and control characters, so printing the file in
a terminal is harmless too.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from storywatch.store.text.clean import clean_line

FORMATS = ("md", "json", "csv")  # what `--format` accepts, and the files' extensions

CSV_COLUMNS = ("time", "title", "outlet", "link", "tags", "also_ran")


@dataclass(frozen=True)
class Copy:
    """Another outlet's copy of a report."""

    outlet: str | None
    link: str | None
    time: str


@dataclass(frozen=True)
class ExportedReport:
    """One report (a coverage group, by its first article) as the export writes it."""

    id: int
    time: str  # UTC ISO 8601, the story feed's order
    title: str
    outlet: str | None
    link: str | None
    tags: tuple[str, ...]
    also_ran: tuple[Copy, ...]  # the group's other members, earliest first


def _field(text: str | None, max_length: int = 2000) -> str:
    """One inert line: escapes and controls gone, whitespace folded (newlines too)."""
    return clean_line(text, max_length)


# -- Markdown -------------------------------------------------------------------------------

# Inline metacharacters, escaped wherever they are: links and images ([ ] ( )), emphasis and
# strikethrough (* _ ~), code (`), raw HTML and autolinks (< >), tables (|), headings (#), and
# the backslash itself, so a title's own backslash cannot undo an escape.
_MD_INLINE = re.compile(r"([\\`*_\[\]()<>#|~])")
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")  # "&lt;" would be read as "<"
_MD_BULLET_START = re.compile(r"^([-+=])")  # a list item or a setext underline
_MD_ORDERED_START = re.compile(r"^(\d+)\.")  # an ordered list item ("1)" is escaped above)
_URL_UNSAFE = re.compile(r"[\s<>\\`\"]")


def md_escape(text: str | None) -> str:
    """Untrusted text as Markdown that renders as exactly that text, on one line."""
    line = _MD_ENTITY.sub(r"\\&", _MD_INLINE.sub(r"\\\1", _field(text)))
    return _MD_ORDERED_START.sub(r"\1\\.", _MD_BULLET_START.sub(r"\\\1", line))


def md_link(url: str | None) -> str:
    """An http(s) link as an autolink `<url>`; anything else (javascript:, spaces, no host) as plain text."""
    if not _field(url):
        return "none"
    if _field(url) == url and not _URL_UNSAFE.search(url):
        try:
            parts = urlsplit(url)
        except ValueError:  # "http://[::1" and the like
            return md_escape(url)
        if parts.scheme.lower() in ("http", "https") and parts.hostname:
            return f"<{url}>"
    return md_escape(url)


def _md_time(time: str) -> str:
    """`2026-11-21T07:30:00Z` as `2026-11-21 07:30 UTC`; anything else escaped as it is."""
    if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", time or ""):
        return f"{time[:10]} {time[11:16]} UTC"
    return md_escape(time)


def to_markdown(
    reports: list[ExportedReport],
    *,
    story_title: str,
    exported_at: str,
    tag: str | None = None,
    since: str | None = None,
) -> str:
    """A dossier: one section per report in time order, with its outlet, time, link, tags
    and the other outlets that ran it."""
    chosen = f"tagged {md_escape(tag)}" if tag else "every tagged report"
    if since:
        chosen += f", since {_md_time(since)}"
    lines = [
        f"# {md_escape(story_title) or 'Story'}",
        "",
        f"Dossier of {len(reports)} report{'' if len(reports) == 1 else 's'} ({chosen}),"
        f" exported {_md_time(exported_at)} by storywatch.",
        "",
    ]
    if not reports:
        lines += ["No report carries a tag yet." if not tag else "No report carries this tag.", ""]
    for report in reports:
        lines += [
            f"## {md_escape(report.title) or '(untitled)'}",
            "",
            f"- **Time:** {_md_time(report.time)}",
            f"- **Outlet:** {md_escape(report.outlet) or 'unknown'}",
            f"- **Link:** {md_link(report.link)}",
            f"- **Tags:** {', '.join(md_escape(tag) for tag in report.tags) or 'none'}",
        ]
        if report.also_ran:
            lines.append(f"- **Also ran it ({len(report.also_ran)}):**")
            for copy in report.also_ran:
                lines.append(f"  - {md_escape(copy.outlet) or 'unknown'}, {_md_time(copy.time)}: {md_link(copy.link)}")
        else:
            lines.append("- **Also ran it:** no other outlet")
        lines.append("")
    return "\n".join(lines)


# -- JSON -----------------------------------------------------------------------------------


def report_dict(report: ExportedReport) -> dict:
    """The fields every format shares, each cleaned to one inert line."""
    return {
        "time": _field(report.time),
        "title": _field(report.title),
        "outlet": _field(report.outlet) or None,
        "link": _field(report.link) or None,
        "tags": [_field(tag, 200) for tag in report.tags],
        "also_ran": [
            {"outlet": _field(copy.outlet) or None, "link": _field(copy.link) or None, "time": _field(copy.time)}
            for copy in report.also_ran
        ],
    }


def to_json(reports: list[ExportedReport]) -> str:
    """A JSON list of reports in time order; readable text (ensure_ascii off), controls stripped."""
    return json.dumps([report_dict(report) for report in reports], ensure_ascii=False, indent=2) + "\n"


# -- CSV ------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str | None) -> str:
    """A cell a spreadsheet shows as text: one clean line, and a `'` before anything it would
    run as a formula (=, +, -, @; tab and CR for the parsers that skip them first)."""
    cell = _field(text)
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def to_csv(reports: list[ExportedReport]) -> str:
    """One row per report in time order. `tags` are joined with "; "; `also_ran` lists each
    other outlet as "Outlet <link>", joined with "; " (JSON keeps them apart exactly)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for report in reports:
        fields = report_dict(report)
        also_ran = "; ".join(
            " ".join(part for part in (copy["outlet"], f"<{copy['link']}>" if copy["link"] else "") if part)
            for copy in fields["also_ran"]
        )
        row = (fields["time"], fields["title"], fields["outlet"], fields["link"], "; ".join(fields["tags"]), also_ran)
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


def render(fmt: str, reports: list[ExportedReport], **markdown_header) -> str:
    """The export in format `fmt` (one of FORMATS); the Markdown header's fields go to to_markdown."""
    if fmt == "md":
        return to_markdown(reports, **markdown_header)
    if fmt == "json":
        return to_json(reports)
    if fmt == "csv":
        return to_csv(reports)
    raise ValueError(f"unknown export format {fmt!r}: give one of {', '.join(FORMATS)}")
