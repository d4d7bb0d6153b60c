"""What an export holds: the tagged reports, in time order, as plain records.

A report is a coverage group (shown by its first article, as the story feed shows it); it
carries every tag any of its copies carries, so tagging one outlet's copy tags the report.
With no tag asked for, every tagged report is exported; `tag` narrows to one tag and `since`
to reports from that time on. Reading only: this works on a read-only database.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from sqlite_utils import Database

from storywatch.store.coverage import group_members
from storywatch.store.errors import UserError
from storywatch.store.tags import tag_name
from storywatch.store.text.clean import clean_line
from storywatch.store.text.export_formats import Copy, ExportedReport, render
from storywatch.store.times import now_iso, to_iso, utc_now


class ExportError(UserError):
    """An export option the user got wrong (a `--since` that is no time)."""


_AGE = re.compile(r"(\d{1,6})\s*([mhdw])", re.IGNORECASE)
_AGE_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def since_to_iso(text: str, now: datetime | None = None) -> str:
    """`--since` as the database's UTC ISO time: an age ("90m", "24h", "7d", "2w") counts back
    from now; an ISO date ("2026-11-20", midnight UTC) or date and time ("2026-11-20T08:00",
    UTC unless it names an offset) is taken as it is."""
    value = text.strip()
    age = _AGE.fullmatch(value)
    if age:
        moment = (now or utc_now()) - timedelta(**{_AGE_UNITS[age.group(2).lower()]: int(age.group(1))})
        return to_iso(moment)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ExportError(
            f"--since {clean_line(text, 80)!r} is no time: give an age (24h, 7d) or an ISO date or time"
            " (2026-11-20, 2026-11-20T08:00Z)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return to_iso(moment)


def tagged_reports(db: Database, *, tag: str | None = None, since: str | None = None) -> list[ExportedReport]:
    """Every report with a tag on any of its copies (only `tag`, when given), earliest first;
    `since` (UTC ISO) keeps the reports from then on. Tags are the user's few hand-made
    marks, so reading them all is cheap; each group is then read by its index."""
    if tag is not None:
        tag = tag_name(tag)  # the spelling tags are stored in, whatever the user typed around it
    where, params = ("WHERE t.tag = :tag", {"tag": tag}) if tag is not None else ("", {})
    group_ids = [
        row[0]
        for row in db.execute(
            f"SELECT DISTINCT coalesce(c.group_id, t.article_id) FROM tags t"
            f" LEFT JOIN coverage c ON c.article_id = t.article_id {where}",
            params,
        ).fetchall()
    ]
    reports = [report for report in (_report(db, group_id) for group_id in group_ids) if report is not None]
    if since is not None:
        reports = [report for report in reports if report.time >= since]
    return sorted(reports, key=lambda report: (report.time, report.id))


def export_text(
    db: Database, fmt: str, *, story_title: str, tag: str | None = None, since: str | None = None
) -> tuple[str, int]:
    """The export as text in format `fmt` (md, json or csv) and how many reports it holds."""
    reports = tagged_reports(db, tag=tag, since=since)
    text = render(fmt, reports, story_title=story_title, exported_at=now_iso(), tag=tag, since=since)
    return text, len(reports)


def _report(db: Database, group_id: int) -> ExportedReport | None:
    members = group_members(db, group_id)
    head = next((member for member in members if member.id == group_id), None)
    if head is None:
        return None
    tags = [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT tag FROM tags WHERE article_id = :g"
            " OR article_id IN (SELECT article_id FROM coverage WHERE group_id = :g) ORDER BY tag",
            {"g": group_id},
        ).fetchall()
    ]
    return ExportedReport(
        id=head.id,
        time=head.sort_at,
        title=head.title,
        outlet=head.source,
        link=head.url,
        tags=tuple(tags),
        also_ran=tuple(Copy(m.source, m.url, m.sort_at) for m in members if m.id != group_id),
    )
