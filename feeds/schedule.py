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


# A report's page is re-checked often while it is young, when outlets update and correct it
# most, then less and less; after a week it is history and never fetched again. Over its life a
# report costs about 26 fetches (6 in the first hour, 4 by 3 h, 5 by 12 h, 6 by 2 days, 5 by a week),
# and a 304 costs a few hundred bytes. The poller checks pages after each feed round (15 min by
# default), so the first step is in practice one round.
PAGE_SCHEDULE = (  # (the report younger than this many seconds, is checked again after this many)
    (3600.0, 600.0),  # first hour: every 10 min
    (3 * 3600.0, 1800.0),  # to 3 h: every 30 min
    (12 * 3600.0, 2 * 3600.0),  # to 12 h: every 2 h
    (2 * 86400.0, 6 * 3600.0),  # to 2 days: every 6 h
    (7 * 86400.0, 86400.0),  # to a week: daily
)
PAGE_MAX_AGE = PAGE_SCHEDULE[-1][0]  # older reports' pages are never fetched
PAGE_RETRY = 600.0  # a failed page waits this long, doubled per failure in a row ...
PAGE_MAX_RETRY = 6 * 3600.0  # ... up to this
PAGE_MAX_FAILURES = 8  # after this many failures in a row (about a day of retries) the page is given up


def page_check_delay(age: float, *, ok: bool = True, failures: int = 0) -> float | None:
    """Seconds until a report's page is fetched again, or None for never.

    `age` is the report's age in seconds now; `failures` counts consecutive failures, this
    one included. A success follows `PAGE_SCHEDULE`; a failure backs off exponentially from
    `PAGE_RETRY` to `PAGE_MAX_RETRY` and gives up after `PAGE_MAX_FAILURES`. Neither goes past
    `PAGE_MAX_AGE`.
    """
    if age >= PAGE_MAX_AGE:
        return None
    if not ok:
        if failures >= PAGE_MAX_FAILURES:
            return None
        delay = min(PAGE_MAX_RETRY, PAGE_RETRY * 2 ** max(min(failures, 32) - 1, 0))
    else:
        delay = next(step for younger_than, step in PAGE_SCHEDULE if max(age, 0.0) < younger_than)
    return delay if age + delay <= PAGE_MAX_AGE else None
