"""How long the word diff of two revisions takes (store.text.worddiff), on news-like text.

    python bench/diff.py              # 5,000 words; 7 runs each, the median
    python bench/diff.py --words 20000 --runs 5

An article of real sentences from `bench/data/` (the labelled news items), in paragraphs of
three to six sentences, then:

- a few edits: a word changed, a figure corrected, a sentence added, one removed, the last
  paragraph rewritten (what an outlet's update usually is);
- fully rewritten: another article of the same length from other sentences;
- folding the few-edits diff (what the diff screen shows).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from newsgen import _SENTENCE, Corpus  # noqa: E402

from storywatch.store.text.worddiff import diff_words, fold, summary  # noqa: E402


def article(sentences: list[str], words: int, rng: random.Random) -> str:
    """Paragraphs of three to six sentences until the text has `words` words."""
    paragraphs, count = [], 0
    while count < words:
        paragraph = " ".join(rng.choice(sentences) for _ in range(rng.randint(3, 6)))
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(paragraphs)


def edited(text: str, rng: random.Random, sentences: list[str]) -> str:
    """A few edits as an update makes them."""
    paragraphs = text.split("\n\n")
    for _ in range(3):  # a word changed here and there
        p = rng.randrange(len(paragraphs))
        words = paragraphs[p].split(" ")
        words[rng.randrange(len(words))] = "reportedly"
        paragraphs[p] = " ".join(words)
    p = rng.randrange(len(paragraphs))
    paragraphs[p] = paragraphs[p] + " " + rng.choice(sentences)  # a sentence added
    p = rng.randrange(len(paragraphs))
    parts = _SENTENCE.split(paragraphs[p])
    if len(parts) > 1:
        del parts[rng.randrange(len(parts))]  # a sentence removed
        paragraphs[p] = " ".join(parts)
    paragraphs[-1] = " ".join(rng.choice(sentences) for _ in range(4))  # the last paragraph rewritten
    return "\n\n".join(paragraphs)


def timed(runs: int, old: str, new: str, then=None) -> tuple[float, object]:
    """Median milliseconds of `runs` diffs (and of `then` over the result, when given)."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = diff_words(old, new)
        if then is not None:
            result = then(result)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(11)
    corpus = Corpus()
    sentences = corpus.sentences[True] + corpus.sentences[False]
    old = article(sentences, args.words, rng)
    new = edited(old, rng, sentences)
    rewritten = article(sentences, args.words, random.Random(12))
    print(f"article: {len(old.split()):,} words, {len(old):,} characters; median of {args.runs} runs")
    ms, runs = timed(args.runs, old, new)
    added, removed = summary(runs)
    print(f"  a few edits:      {ms:8.1f} ms  (+{added} / -{removed} words, {len(runs)} runs)")
    ms, runs = timed(args.runs, old, rewritten)
    added, removed = summary(runs)
    print(f"  fully rewritten:  {ms:8.1f} ms  (+{added} / -{removed} words, {len(runs)} runs)")
    ms, folded = timed(args.runs, old, new, fold)
    print(f"  a few edits, folded: {ms:5.1f} ms  ({len(folded)} pieces shown)")


if __name__ == "__main__":
    main()
