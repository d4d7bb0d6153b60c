"""Rebuild store/text/common_words.txt.gz: the everyday English words the entity extractor
knows, so a headline's capitalised opener is not read as part of a name ("Embattled Petro",
"Inside Putin") and a name made only of everyday words is not taken for a person ("Waffle
House", "Grateful Dead").

Run by hand when the list should change; the product ships the result (about 170 KB):

    apt-get install wamerican        # Debian's SCOWL size-50 American English list
    python bench/build_common_words.py [/usr/share/dict/american-english]

Source: SCOWL (Spell Checker Oriented Word Lists) by Kevin Atkinson, size 50, as Debian's
`wamerican` package ships it; its copyright and permission notice are in
store/text/common_words.py. Kept: the entries written all in lower case (names are written
capitalised there), of three letters or more, without apostrophes.
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

SOURCE = Path("/usr/share/dict/american-english")
OUT = Path(__file__).resolve().parent.parent / "store" / "text" / "common_words.txt.gz"
WORD = re.compile(r"[a-z]{3,}")


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    words = sorted({line for line in source.read_text(encoding="utf-8").split("\n") if WORD.fullmatch(line)})
    data = ("\n".join(words) + "\n").encode("ascii")
    with OUT.open("wb") as out, gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0, filename="") as packed:
        packed.write(data)  # mtime 0 and no name: the same list gives the same bytes
    print(f"{len(words):,} words from {source} -> {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
