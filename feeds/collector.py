"""Python's cyclic garbage collector, set for a poll's allocations (issue 13).

A cold poll makes millions of short-lived containers (parsed entries, terms, rows, tuples) and
almost no reference cycles. At the default threshold the young generation is collected every
700 new containers: in a cold poll of 300 local feeds that was 560 collections and 7.4% of the
poller's CPU (`gc.callbacks`), each one walking the objects the analysis keeps (the gazetteer,
the caches) while they were still young. Every 50,000 containers it was 2 collections and 1%.
The price is at most that many containers' worth of cyclic garbage (a few MB) waiting longer.
"""

from __future__ import annotations

import gc

YOUNG_ALLOCATIONS = 50_000  # new containers between two collections of the youngest generation


def collect_less() -> None:
    """Collect the youngest generation every `YOUNG_ALLOCATIONS` allocations: for the whole
    process, from the first poll on, and never lowered (a process that set a higher threshold,
    or switched the collector off with 0, keeps its own)."""
    young, *older = gc.get_threshold()
    if 0 < young < YOUNG_ALLOCATIONS:
        gc.set_threshold(YOUNG_ALLOCATIONS, *older)
