"""Each feed's own polling interval: pure arithmetic, tested without a clock."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storywatch.feeds.schedule import WEEK, freshness, healthy_delay, jittered, publishing_gap

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
FLOOR, CEILING, DEFAULT = 300.0, 4 * 3600.0, 900.0


def _every(minutes: float, count: int) -> list[datetime]:
    """`count` items, the newest `minutes` ago, each `minutes` before the next."""
    return [NOW - timedelta(minutes=minutes * (n + 1)) for n in range(count)]


def _interval(gap, previous=None, poll_interval=DEFAULT, **hints) -> float:
    return healthy_delay(gap=gap, previous=previous, poll_interval=poll_interval, floor=FLOOR, ceiling=CEILING, **hints)[0]


def _delay(gap, previous=None, poll_interval=DEFAULT, seed=0, **hints) -> float:
    return healthy_delay(
        gap=gap, previous=previous, poll_interval=poll_interval, floor=FLOOR, ceiling=CEILING, seed=seed, **hints
    )[1]


# -- how often a feed publishes ------------------------------------------------------------------


def test_a_feed_holding_a_whole_week_is_counted_over_the_week_as_miniflux_does():
    # 96 items, one every 3 hours over 12 days: the 56 of the last week count, over the week.
    assert publishing_gap(_every(3 * 60, 96), NOW) == pytest.approx(WEEK / 56) == pytest.approx(3 * 3600)


def test_a_busy_wire_that_keeps_only_its_last_hours_is_measured_over_those_hours():
    # 50 items, one every 6 minutes: the document covers 5 hours, not a week.
    assert publishing_gap(_every(6, 50), NOW) == pytest.approx(6 * 60)


def test_a_feed_silent_for_a_week_is_quiet_and_one_with_no_dates_has_no_history():
    assert publishing_gap(_every(60 * 24 * 10, 5), NOW) == math.inf
    assert publishing_gap([None, None], NOW) is None
    assert publishing_gap([], NOW) is None


def test_dates_in_the_future_count_as_now():
    assert publishing_gap([NOW + timedelta(days=3), NOW - timedelta(hours=2)], NOW) == pytest.approx(3600)


# -- the interval between floor and ceiling ------------------------------------------------------


def test_a_busy_feed_is_polled_as_often_as_it_publishes_but_never_below_the_floor():
    assert _interval(publishing_gap(_every(20, 30), NOW)) == pytest.approx(1200)
    assert _interval(publishing_gap(_every(1, 50), NOW)) == FLOOR


def test_a_quiet_feed_is_polled_at_the_ceiling():
    assert _interval(publishing_gap(_every(60 * 24, 7), NOW)) == CEILING
    assert _interval(math.inf) == CEILING


def test_a_feed_with_no_history_waits_the_poll_interval_or_keeps_its_last_interval():
    assert _interval(None) == DEFAULT
    assert _interval(None, previous=2400.0) == 2400.0  # a 304: nothing new to measure


def test_a_poll_interval_below_the_floor_is_an_override_for_every_feed():
    # A demo polling every 5 s: no adaptation, no hints, no jitter.
    assert healthy_delay(
        gap=math.inf, previous=CEILING, poll_interval=5.0, floor=FLOOR, ceiling=CEILING, ttl=3600, max_age=600
    ) == (5.0, 5.0)


# -- the feed's own hints ------------------------------------------------------------------------


def test_a_ttl_or_max_age_longer_than_the_interval_is_waited_out():
    busy = publishing_gap(_every(1, 50), NOW)
    assert _delay(busy, ttl=3600.0) == 3600.0
    assert _delay(busy, max_age=1800.0) == 1800.0
    assert _delay(busy, ttl=1800.0, max_age=2700.0) == 2700.0


def test_a_hint_never_pushes_past_the_ceiling_nor_pulls_a_feed_sooner():
    assert _delay(None, ttl=10 * 86400.0) == CEILING
    assert _delay(math.inf, max_age=60.0) >= CEILING * 0.9  # a short max-age does not hurry a quiet feed
    assert _interval(None, ttl=10 * 86400.0) == DEFAULT  # the hint moves the next poll, not the feed's rhythm


# -- jitter --------------------------------------------------------------------------------------


def test_jitter_is_the_same_for_the_same_seed_and_differs_between_feeds():
    assert jittered(1000.0, "feed-a", low=FLOOR, high=CEILING) == jittered(1000.0, "feed-a", low=FLOOR, high=CEILING)
    delays = {jittered(1000.0, f"feed-{n}", low=FLOOR, high=CEILING) for n in range(50)}
    assert len(delays) == 50
    assert min(delays) < 950 and max(delays) > 1050  # spread across most of +-10%


@given(
    base=st.floats(min_value=FLOOR, max_value=CEILING),
    seed=st.text(max_size=20),
)
def test_jitter_stays_within_ten_percent_and_within_floor_and_ceiling(base, seed):
    value = jittered(base, seed, low=FLOOR, high=CEILING)
    assert FLOOR <= value <= CEILING
    assert abs(value - base) <= base * 0.1 + 1e-9


def test_feeds_at_the_floor_or_ceiling_are_spread_rather_than_piled_on_the_bound():
    at_floor = [jittered(FLOOR, n, low=FLOOR, high=CEILING) for n in range(40)]
    at_ceiling = [jittered(CEILING, n, low=FLOOR, high=CEILING) for n in range(40)]
    assert len(set(at_floor)) == 40 and all(FLOOR <= d <= FLOOR * 1.1 for d in at_floor)
    assert len(set(at_ceiling)) == 40 and all(CEILING * 0.9 <= d <= CEILING for d in at_ceiling)


# -- what the server says about freshness --------------------------------------------------------


def test_cache_control_max_age_less_what_a_cache_already_held():
    assert freshness(NOW, "public, max-age=1800") == 1800
    assert freshness(NOW, "max-age=1800", age="300") == 1500
    assert freshness(NOW, 'max-age="600", must-revalidate') == 600
    assert freshness(NOW, "max-age=60", age="600") == 0


def test_no_cache_or_nothing_said_is_no_hint():
    assert freshness(NOW, None) is None
    assert freshness(NOW, "no-cache, max-age=600") is None
    assert freshness(NOW, "no-store") is None
    assert freshness(NOW, "max-age=soon") is None


def test_expires_counts_from_the_response_date_and_max_age_wins_over_it():
    expires, date = "Sun, 01 Mar 2026 13:00:00 GMT", "Sun, 01 Mar 2026 12:30:00 GMT"
    assert freshness(NOW, None, expires, date) == 1800
    assert freshness(NOW, None, expires) == 3600  # no Date: from now
    assert freshness(NOW, "max-age=60", expires, date) == 60
    assert freshness(NOW, None, "0") == 0  # an unreadable Expires is already expired
