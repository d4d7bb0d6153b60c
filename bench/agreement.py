"""How far two labellers reading the same rules agree: the ceiling a relevance figure can claim.

    python bench/agreement.py

bench/data/agreement.jsonl holds a third labeller's calls (session 30: a helper session given only
LABELS.md's definition, borderline rules, kinds and known conflicts, never the sets' labels or the
engine's output) on every distinct headline the broad net (`realdata.NET`) catches in three tuning
weeks: dev-week-jan12 and dev-week-nov (labelled by the bench's author) and dev-week-dec15 (by the
second labeller). Each headline's label in its set (the majority over its rows) is compared with the
third labeller's call: agreement on which headlines are on the story, as P and R of the third
labeller against the set's labels, and Cohen's kappa over the net's headlines. Headlines outside
the net were not labelled again (the weeks' labels put 2 of them on, both in dev-week-dec15). The disagreements are listed.
"""

from __future__ import annotations

import json
from collections import defaultdict

from real_quality import DATA, SETS, prf, read


def set_labels(name: str) -> dict[str, bool]:
    """Each title of a set and whether most of its rows are on the story."""
    rows: dict[str, list[bool]] = defaultdict(list)
    for item in read(dict(SETS)[name]):
        rows[item["title"]].append(item["on_story"])
    return {title: sum(ons) * 2 > len(ons) for title, ons in rows.items()}


def kappa(first: list[bool], second: list[bool]) -> float:
    """Cohen's kappa of two yes/no labellings of the same items."""
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second)) / n
    p_first, p_second = sum(first) / n, sum(second) / n
    expected = p_first * p_second + (1 - p_first) * (1 - p_second)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def main() -> None:
    calls = [json.loads(line) for line in (DATA / "agreement.jsonl").read_text(encoding="utf-8").splitlines()]
    labels = {name: set_labels(name) for name in sorted({call["set"] for call in calls})}
    print("Agreement of a third labeller with the sets' labels (bench/data/agreement.jsonl)")
    disagreements = []
    for name in [*labels, None]:
        chosen = [call for call in calls if name is None or call["set"] == name]
        theirs = [labels[call["set"]][call["title"]] for call in chosen]
        ours = [call["on_story"] for call in chosen]
        both = sum(a and b for a, b in zip(theirs, ours))
        p, r, f1 = prf(both, sum(ours) - both, sum(theirs) - both)
        print(
            f"  {name or 'all three':<16} {len(chosen):>5} net headlines, on: set {sum(theirs):>3}, third {sum(ours):>3},"
            f" both {both:>3}   P {p:.3f}  R {r:.3f}  F1 {f1:.3f}  kappa {kappa(theirs, ours):.3f}"
        )
        if name is None:
            disagreements = [(call, on) for call, on in zip(chosen, theirs) if on != call["on_story"]]
    print(f"\ndisagreements ({len(disagreements)}):")
    for call, on in disagreements:
        side = "set on, third off" if on else f"third on ({call['kind']}), set off"
        print(f"  {call['set']:<16} {side:<34} {call['title'][:90]}")


if __name__ == "__main__":
    main()
