"""Timestamps as the database keeps them: UTC, ISO 8601, second precision, sortable as text."""

from __future__ import annotations

from datetime import datetime, timezone

FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def to_iso(moment: datetime) -> str:
    """Naive datetimes are taken to be UTC already."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    # Not strftime: its %Y writes the year 999 as "999", which neither sorts nor parses back.
    return moment.replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def now_iso() -> str:
    return to_iso(utc_now())


def from_iso(text: str) -> datetime:
    if len(text) == 20 and text[10] == "T" and text[19] == "Z" and text.isascii():
        # The stored form, parsed without strptime (a tenth of its cost: the story feed parses one per row).
        return datetime.fromisoformat(text[:19]).replace(tzinfo=timezone.utc)
    return datetime.strptime(text, FORMAT).replace(tzinfo=timezone.utc)


def span_text(seconds: float | None) -> str:
    """A wait between polls for people: "5m", "1h40m", "4h", "5s"; "-" when not known yet."""
    if seconds is None:
        return "-"
    whole = max(round(seconds), 0)
    if whole < 60:
        return f"{whole}s"
    hours, minutes = divmod(round(whole / 60), 60)
    if not hours:
        return f"{minutes}m"
    return f"{hours}h{minutes:02d}m" if minutes else f"{hours}h"
