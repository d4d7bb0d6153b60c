"""Does a change to the entity extractor change what it finds? Old and new read the same texts.

    mkdir -p /tmp/old/storywatch && git archive <commit> | tar -x -C /tmp/old/storywatch
    python bench/entities_diff.py --old /tmp/old

The texts: every title and summary of bench/data/*.jsonl, each article's title and summary read
as one document (as store.entities.article_mentions does), the hand-marked sample, the seeds and
bench/entities.py's length-sweep texts. The old version runs in a child interpreter with
PYTHONPATH on the old copy; prints every text whose spans differ, with the spans on each side.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def texts() -> list[str]:
    sys.path.insert(0, str(HERE))
    from entities import SWEEP, load, sweep_text

    found = [text for text, _ in load("all")]
    for path in sorted((HERE / "data").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            title, summary = row.get("title") or "", row.get("summary") or ""
            found += [title, summary, f"{title}\n\n{summary}"]
    found += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    found += [sweep_text(length) for length in SWEEP]
    return [text for text in found if text.strip()]


def spans_of_all() -> list[list[tuple[int, int, str]]]:
    from storywatch.store.text.extract import extract

    return [[(s.start, s.end, s.label) for s in extract(text)] for text in texts()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, help="folder holding storywatch/ of the old version")
    parser.add_argument("--dump", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump:
        json.dump(spans_of_all(), sys.stdout)
        return
    env = dict(os.environ, PYTHONPATH=str(args.old))
    child = subprocess.run([sys.executable, __file__, "--dump"], env=env, capture_output=True, text=True, check=True)
    old = [[tuple(span) for span in spans] for spans in json.loads(child.stdout)]
    new = spans_of_all()
    all_texts = texts()
    changed = 0
    for text, before, after in zip(all_texts, old, new, strict=True):
        if before == after:
            continue
        changed += 1
        print(f"--- text {changed}: {text[:80]!r}")
        for start, end, label in sorted(set(before) - set(after)):
            print(f"  old only {label} {text[start:end]!r}  ({text[max(0, start - 30):end + 30]!r})")
        for start, end, label in sorted(set(after) - set(before)):
            print(f"  new only {label} {text[start:end]!r}  ({text[max(0, start - 30):end + 30]!r})")
    spans = sum(len(s) for s in new)
    print(f"{len(all_texts):,} texts, {spans:,} spans now; {changed} texts differ")


if __name__ == "__main__":
    main()
