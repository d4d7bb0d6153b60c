"""bench/teaching.py's pure helpers: the random user's draw, what the marks taught, what moved."""

from __future__ import annotations

from bench_scripts import bench_module


def _teaching():
    return bench_module("teaching")


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


def _teaching_live():
    return bench_module("teaching_live")


def _report(n, title, on_story, day):
    return {"id": f"live:{n}", "title": title, "summary": "", "url": f"http://127.0.0.1/live/{n}", "source": "bench",
            "published_at": None, "first_seen_at": f"2025-12-{day:02d}T10:00:00Z", "on_story": on_story}


def test_the_reading_user_marks_the_mistakes_they_can_see_in_arrival_order(tmp_path):
    """bench/teaching_live.py's user, on a real store: a reader of the story's view marks only
    reports shown wrongly on it, up to their budget, in the order the reports came; the verdicts
    counted are those the reports had as they arrived (a marked one, wrong, stays counted wrong)."""
    live = _teaching_live()
    reports = [
        _report(1, "Mexican festivals in Chicago canceled amid Trump plans to deploy troops", False, 17),
        _report(2, "Chicago's Mexican festivals called off as Trump plans to deploy troops to the city", False, 18),
        _report(3, "Mexico's peso rallies as inflation cools", False, 19),
    ]
    arrived, marked = live.follow(reports, tmp_path / "none.db", 0, sees_misses=False)
    assert arrived == {"live:1": True, "live:2": True, "live:3": False} and marked == []
    arrived, marked = live.follow(reports, tmp_path / "one.db", 1, sees_misses=False)
    assert [m["id"] for m in marked] == ["live:1"]  # the first mistake met, and no more: the budget is one
    assert arrived == {"live:1": True, "live:2": False, "live:3": False}  # the mark held the second off
    assert live.figures(reports, arrived).endswith("(tp 0, fp 1, fn 0)")  # the marked one, as it arrived


def test_the_new_story_is_the_bundled_seeds_and_title_with_no_facets():
    """`--story new` stands for a story a user makes with `storywatch new` from the same seeds."""
    from storywatch.store.story import load_story

    real_quality = bench_module("real_quality")
    bundled = load_story(real_quality.STORY)
    made = load_story(real_quality.story_path("new"))
    assert bundled.facets and not made.facets
    assert (made.name, made.title, made.threshold) == (bundled.name, bundled.title, bundled.threshold)
    assert sorted(seed.path.read_text(encoding="utf-8") for seed in made.seeds) == sorted(seed.path.read_text(encoding="utf-8") for seed in bundled.seeds)
