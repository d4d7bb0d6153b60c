"""bench/teaching.py's pure helpers: the random user's draw, what the marks taught, what moved."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _teaching():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import teaching
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return teaching


def _items(n):
    return [{"id": f"r{i}", "first_seen_at": f"2026-01-{30 - i:02d}", "on_story": i % 3 == 0} for i in range(n)]


def test_the_random_user_draws_the_same_reports_for_the_same_seed_in_time_order():
    teaching = _teaching()
    items = _items(25)
    drawn = teaching.random_marks(items, 5, seed=3)
    assert drawn == teaching.random_marks(list(reversed(items)), 5, seed=3)
    assert len({i["id"] for i in drawn}) == 5
    assert [i["first_seen_at"] for i in drawn] == sorted(i["first_seen_at"] for i in drawn)
    assert drawn != teaching.random_marks(items, 5, seed=4)
    assert len(teaching.random_marks(items, 40, seed=0)) == 25


def test_learned_words_are_the_new_ones_most_used_by_the_marked_reports_first():
    teaching = _teaching()
    before = {"cartel": 4.0}
    after = {"cartel": 4.0, "boat": 1.0, "wedding": 3.0}
    against = {"tariff": 0.5, "avocado": 2.5}
    on = [frozenset({"boat", "cartel"}), frozenset({"boat", "wedding"})]
    off = [frozenset({"tariff"}), frozenset({"tariff", "avocado"})]
    gained, lost = teaching.learned_terms(before, after, against, on, off)
    assert gained == [("boat", 1.0, 2), ("wedding", 3.0, 1)]
    assert lost == [("tariff", 0.5, 2), ("avocado", 2.5, 1)]
    assert teaching.learned_terms(before, after, against, on, off, limit=1)[0] == [("boat", 1.0, 2)]


def test_the_costliest_words_weigh_most_in_the_reports_all_told():
    teaching = _teaching()
    against = {"trafficking": 1.0, "urban": 2.5, "wife": 0.2}
    reports = [frozenset({"trafficking", "wife"}), frozenset({"trafficking", "cartel"}), frozenset({"trafficking", "urban"})]
    assert teaching.costliest(against, reports) == [("trafficking", 3), ("urban", 1), ("wife", 1)]
    assert teaching.costliest(against, []) == []
