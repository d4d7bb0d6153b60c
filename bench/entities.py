"""How well and how fast the entity extractor reads news text.

    python bench/entities.py                 # held-out part: the figures we report
    python bench/entities.py --split dev     # the part the rules were tuned on
    python bench/entities.py --errors        # also list every missed and spurious span
    python bench/entities.py --sweep         # only the length sweep: us/char at 1k ... 200k characters

The sample is bench/data/entities.jsonl: news-like paragraphs written and marked up by hand,
inline as [[PER:Claudia Sheinbaum]], [[ORG:Pentagon]], [[LOC:Sinaloa]]. Guidelines: no titles
("President"), no leading "the", no possessive "'s"; nationalities, events, laws and products are
not entities; "U.S." before a noun is a place; a wire's name in its own dateline ("MEXICO CITY
(Reuters) -") is its byline, not a mention (three dev marks removed for it in session 10). Scores are span-exact (start, end and type must all
match). Speed is words (whitespace tokens) per second over the whole sample plus the bundled
seeds, median of several passes; memory is what importing and warming the extractor adds.
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DATA = Path(__file__).resolve().parent / "data" / "entities.jsonl"
MARK = re.compile(r"\[\[(PER|ORG|LOC):(.+?)\]\]")
LABELS = ("PER", "ORG", "LOC")


def parse_marked(marked: str) -> tuple[str, set[tuple[int, int, str]]]:
    """Inline markup to plain text and gold spans (start, end, label)."""
    text, spans, position = [], set(), 0
    length = 0
    for match in MARK.finditer(marked):
        before = marked[position : match.start()]
        text.append(before)
        length += len(before)
        name = match.group(2)
        spans.add((length, length + len(name), match.group(1)))
        text.append(name)
        length += len(name)
        position = match.end()
    text.append(marked[position:])
    return "".join(text), spans


def load(split: str) -> list[tuple[str, set]]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [parse_marked(row["marked"]) for row in rows if split == "all" or row["split"] == split]


def score(pairs: list[tuple[set, set]]) -> dict[str, tuple[float, float, float, int]]:
    counts = {label: [0, 0, 0] for label in LABELS}  # true positives, predicted, gold
    for gold, predicted in pairs:
        for label in LABELS:
            g = {s for s in gold if s[2] == label}
            p = {s for s in predicted if s[2] == label}
            counts[label][0] += len(g & p)
            counts[label][1] += len(p)
            counts[label][2] += len(g)
    counts["micro"] = [sum(counts[label][i] for label in LABELS) for i in range(3)]
    result = {}
    for label, (tp, predicted, gold) in counts.items():
        precision = tp / predicted if predicted else 0.0
        recall = tp / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[label] = (precision, recall, f1, gold)
    return result


def _index_speed(corpus: list[str]) -> float:
    """Milliseconds per article for store.entities.index_articles on a real SQLite file."""
    import tempfile

    from storywatch.store import entities
    from storywatch.store.db import open_db
    from storywatch.store.ingest import ingest_items
    from storywatch.store.records import ArticleRecord

    with tempfile.TemporaryDirectory() as folder:
        db = open_db(Path(folder) / "bench.db")
        records = [
            ArticleRecord(title=text.split(".")[0][:100], url=f"https://bench.test/{n}", body=text)
            for n, text in enumerate(corpus)
        ]
        ids = ingest_items(db, records).new_ids
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            with db.atomic():
                entities.index_articles(db, ids)
            timings.append(time.perf_counter() - started)
        db.close()
    return statistics.median(timings) * 1000 / len(ids)


SWEEP = (1_000, 5_000, 50_000, 200_000)


def sweep_text(length: int) -> str:
    """`length` characters of real news: bench/data/real_dev.jsonl's summaries, joined as paragraphs."""
    rows = [json.loads(line) for line in (DATA.parent / "real_dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    text = "\n\n".join(row["summary"] for row in rows if row.get("summary"))
    return text[:length]


def length_sweep(passes: int) -> list[tuple[int, float]]:
    """CPU microseconds per character at each length in SWEEP, median of `passes`: flat if linear."""
    from storywatch.store.text.extract import extract

    extract("President Claudia Sheinbaum spoke.")
    results = []
    for length in SWEEP:
        text = sweep_text(length)
        timings = []
        for _ in range(passes if length < 100_000 else max(1, passes // 2)):
            started = time.process_time()  # CPU time: other work on a shared machine counts less
            extract(text)
            timings.append(time.process_time() - started)
        results.append((length, statistics.median(timings) * 1e6 / length))
    return results


def print_sweep(passes: int) -> None:
    for length, per_char in length_sweep(passes):
        print(f"length {length:>7,} chars: {per_char:.3f} us/char, {per_char * length / 1000:.1f} ms per text")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("heldout", "dev", "all"), default="heldout")
    parser.add_argument("--errors", action="store_true", help="list missed and spurious spans")
    parser.add_argument("--passes", type=int, default=7)
    parser.add_argument("--sweep", action="store_true", help="only the length sweep")
    args = parser.parse_args()
    if args.sweep:
        print_sweep(args.passes)
        return

    sample = load(args.split)
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]

    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    from storywatch.store.text.extract import extract

    extract(sample[0][0])  # the gazetteer loads on first use
    traced, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    pairs = []
    for text, gold in sample:
        predicted = {(s.start, s.end, s.label) for s in extract(text)}
        pairs.append((gold, predicted))
        if args.errors:
            for start, end, label in sorted(gold - predicted):
                print(f"  missed   {label} {text[start:end]!r}")
            for start, end, label in sorted(predicted - gold):
                print(f"  spurious {label} {text[start:end]!r}")

    startup = subprocess.run(
        [sys.executable, "-c", "import time; t = time.perf_counter(); from storywatch.store.text.extract import extract;"
         " extract('President Claudia Sheinbaum spoke.'); print((time.perf_counter() - t) * 1000)"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    startup_ms = float(startup.stdout.strip())

    corpus = [text for text, _ in load("all")] + seeds
    words = sum(len(text.split()) for text in corpus)
    repeat = max(1, 100_000 // words)
    timings = []
    for _ in range(args.passes):
        started = time.perf_counter()
        for _ in range(repeat):
            for text in corpus:
                extract(text)
        timings.append(time.perf_counter() - started)
    speed = words * repeat / statistics.median(timings)

    index_ms = _index_speed(corpus)

    print(f"entity extractor: rules; sample split {args.split!r}, {len(sample)} paragraphs")
    print(f"{'type':<6} {'precision':>9} {'recall':>7} {'F1':>6} {'gold':>5}")
    for label, (precision, recall, f1, gold) in score(pairs).items():
        print(f"{label:<6} {precision:>9.3f} {recall:>7.3f} {f1:>6.3f} {gold:>5}")
    print(f"speed: {speed:,.0f} words/s (median of {args.passes} passes over {words * repeat:,} words)")
    print(
        f"memory: {traced / 1e6:.1f} MB held after warm-up (peak {peak / 1e6:.1f} MB, traced), "
        f"RSS +{(rss_after - rss_before) / 1024:.1f} MB"
    )
    print(f"start-up: import + first call {startup_ms:.0f} ms in a fresh interpreter (gazetteer loads then)")
    print(f"indexing at ingest: {index_ms:.2f} ms per article (extract + link + write, median of 5 re-indexings)")
    print_sweep(args.passes)


if __name__ == "__main__":
    main()
