"""The garbage collector is set for a poll's allocations in the poller and in its workers."""

from __future__ import annotations

import gc

import pytest
from feedserver import item, rss

from storywatch.feeds.collector import YOUNG_ALLOCATIONS, collect_less
from storywatch.feeds.fetch import FetchSettings
from storywatch.feeds.poller import poll_due
from storywatch.feeds.pool import ParsePool
from storywatch.store.feeds import add_feed


@pytest.fixture
def threshold():
    """The process's thresholds, put back after the test: they are global."""
    before = gc.get_threshold()
    yield before
    gc.set_threshold(*before)


def test_the_young_generation_is_collected_less_often_and_the_older_ones_as_before(threshold):
    gc.set_threshold(700, 10, 10)
    collect_less()
    assert gc.get_threshold() == (YOUNG_ALLOCATIONS, 10, 10)


@pytest.mark.parametrize("own", [0, YOUNG_ALLOCATIONS * 2])
def test_a_process_that_chose_its_own_threshold_keeps_it(threshold, own):
    gc.set_threshold(own, 10, 10)
    collect_less()
    assert gc.get_threshold()[0] == own


async def test_a_poll_sets_the_collector_of_the_process_that_stores(threshold, feed_server, db):
    gc.set_threshold(700, 10, 10)
    add_feed(db, feed_server.route("/world.xml", rss([item(n) for n in range(3)])))
    report = await poll_due(db, settings=FetchSettings(total_timeout=5))
    assert report.ok == 1
    assert gc.get_threshold()[0] == YOUNG_ALLOCATIONS


def test_the_workers_collect_as_seldom_as_the_poller():
    pool = ParsePool(workers=1, start_from=1)
    pool.start()
    try:
        assert pool.running
        thresholds = pool._executor.submit(gc.get_threshold).result(timeout=60)
    finally:
        pool.close()
    assert thresholds[0] == YOUNG_ALLOCATIONS
