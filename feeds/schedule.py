"""When to poll a feed next: pure arithmetic, so the backoff rules test without a clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime


def poll_delay(
    *,
    ok: bool,
    failures: int,
    poll_interval: float,
    max_backoff: float,
    retry_after: float | None = None,
) -> float:
    """Seconds until the next poll.

    A healthy feed waits `poll_interval`. A failing one waits `poll_interval * 2**failures`
    (`failures` counts this failure too, so the first failure already doubles the wait), never
    more than `max_backoff`, so a dead feed costs little but is still retried a few times a day.
    A server's Retry-After is honoured when it asks for longer, up to `max_backoff`.
    """
    if ok:
        return poll_interval
    exponent = min(max(failures, 0), 64)  # 2**64 intervals is beyond any cap already
    delay = min(max_backoff, poll_interval * 2**exponent)
    if retry_after is not None and retry_after > delay:
        delay = min(retry_after, max(max_backoff, poll_interval))
    return max(delay, 0.0)


def next_poll_at(now: datetime, delay: float) -> datetime:
    return now + timedelta(seconds=delay)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds a Retry-After header asks us to wait (delta-seconds or an HTTP date); None if
    absent or unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max((when - now).total_seconds(), 0.0)
