"""Whether PyStemmer (compiled Snowball) stems every word as the pure-Python snowballstemmer does,
so that relevance can use the faster one without a single facet key changing.

    python bench/stemmer_same.py [WORDLIST ...]   # e.g. /usr/share/dict/american-english-huge

Words: every word (as `dedup.words` splits them, and as written) of every text in bench/data,
the word lists given, and their common inflections (-s, -es, -ed, -ing, -ly, -ies...). Prints
how many were compared and every word the two stem differently; exits 1 if there is one.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUFFIXES = ("", "s", "es", "ed", "ing", "ly", "ies", "ied", "er", "est", "ness", "ment", "ation", "ize", "ise", "'s")


def bench_words() -> set[str]:
    from storywatch.store.text.dedup import words

    found: set[str] = set()
    for path in sorted((ROOT / "bench" / "data").glob("*.jsonl")):
        for line in path.read_text().splitlines():
            for value in json.loads(line).values():
                if isinstance(value, str):
                    found.update(words(value))
                    found.update(re.findall(r"[^\W\d_]+", value.lower()))
    return found


def main() -> None:
    import Stemmer
    from snowballstemmer.english_stemmer import EnglishStemmer

    found = bench_words()
    for name in sys.argv[1:]:
        found.update(word.strip().lower() for word in Path(name).read_text(errors="replace").splitlines() if word.strip())
    found |= {word + suffix for word in list(found) for suffix in SUFFIXES}
    pure, compiled = EnglishStemmer(), Stemmer.Stemmer("english")
    differ = [(word, a, b) for word in sorted(found) if (a := pure.stemWord(word)) != (b := compiled.stemWord(word))]
    print(f"{len(found):,} words compared, {len(differ)} stemmed differently")
    for word, a, b in differ[:50]:
        print(f"  {word!r}: snowballstemmer {a!r}, PyStemmer {b!r}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
