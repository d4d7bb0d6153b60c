"""When to poll a feed next: pure arithmetic, so the backoff rules test without a clock."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

WEEK = 7 * 86400.0  # how far back a feed's publishing is counted, as Miniflux does
JITTER = 0.1  # a healthy feed's delay is moved by up to this fraction, so feeds drift out of lockstep


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


def publishing_gap(published: Iterable[datetime | None], now: datetime) -> float | None:
    """The mean gap in seconds between a feed's entries over the last week: how often it publishes.

    Miniflux's entry-frequency scheduler divides a week by the entries of the last week; a feed
    document often holds fewer (a wire keeps its last 50 items, a few hours), so the span is
    the week or, when the oldest item is younger, the time since that item. None when no item
    has a date (no history to go on); `inf` when none is from the last week (a quiet feed).
    Dates in the future count as now.
    """
    ages = [max((now - when).total_seconds(), 0.0) for when in published if when is not None]
    if not ages:
        return None
    recent = sum(1 for age in ages if age <= WEEK)
    if not recent:
        return math.inf
    return min(max(ages), WEEK) / recent


def jittered(delay: float, seed: object, *, low: float, high: float, spread: float = JITTER) -> float:
    """`delay` moved by up to +-`spread` of itself, the same for the same `seed`, within [low, high].

    A move that would cross a bound goes the other way instead, so feeds at the floor or the
    ceiling are spread too rather than piling up on the bound.
    """
    if high <= low:
        return low
    change = random.Random(str(seed)).uniform(-spread, spread)
    moved = delay * (1 + change)
    if not low <= moved <= high:
        moved = delay * (1 - change)
    return min(max(moved, low), high)


def healthy_delay(
    *,
    gap: float | None,
    previous: float | None,
    poll_interval: float,
    floor: float,
    ceiling: float,
    ttl: float | None = None,
    max_age: float | None = None,
    seed: object = 0,
) -> tuple[float, float]:
    """(the feed's interval, the seconds until its next poll) after a successful poll.

    The interval is how often the feed publishes (`gap`, see `publishing_gap`) between `floor`
    and `ceiling`; with no dates to go on it stays `previous` (a 304 brings no items), or is
    `poll_interval` for a feed never measured. The delay is the interval with jitter (seeded by
    `seed`), raised to the feed's own RSS ttl or Cache-Control max-age, never past `ceiling`.
    A `poll_interval` below `floor` is an explicit override (a demo, a test): every feed then
    waits exactly that, whatever it publishes or asks.
    """
    if poll_interval < floor:
        return poll_interval, poll_interval
    ceiling = max(ceiling, floor)
    interval = gap if gap is not None else previous if previous is not None else poll_interval
    interval = min(max(interval, floor), ceiling)
    delay = jittered(interval, seed, low=floor, high=ceiling)
    asked = max(ttl or 0.0, max_age or 0.0)
    return interval, max(delay, min(asked, ceiling))


def freshness(
    now: datetime,
    cache_control: str | None,
    expires: str | None = None,
    date: str | None = None,
    age: str | None = None,
) -> float | None:
    """Seconds the server says its answer stays fresh: Cache-Control max-age less the Age a
    cache already held it, else Expires counted from the response's Date; None if it says
    nothing (or no-cache / no-store: ask every time). An unreadable Expires means already
    expired (0), as HTTP says; without a Date header Expires counts from `now`."""
    directives = {}
    for part in (cache_control or "").split(","):
        name, _, value = part.strip().partition("=")
        directives[name.strip().lower()] = value.strip().strip('"')
    if "no-store" in directives or "no-cache" in directives:
        return None
    already = float(age) if (age or "").strip().isdigit() else 0.0
    if "max-age" in directives:
        value = directives["max-age"]
        return max(float(value) - already, 0.0) if value.isdigit() else None
    if not (expires or "").strip():
        return None
    when = _http_date(expires)
    if when is None:
        return 0.0
    base = _http_date(date) or now
    return max((when - base).total_seconds() - already, 0.0)


def _http_date(value: str | None) -> datetime | None:
    try:
        when = parsedate_to_datetime((value or "").strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


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
