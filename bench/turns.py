"""Run one bench command under two versions of storywatch in turns (old, new, old, new ...), so
both see the same machine: a before/after comparison on a shared box.

The old version is a copy of the tree at some commit, laid out so that `storywatch` imports
from it (PYTHONPATH wins over the editable install):

    mkdir -p /tmp/old/storywatch && git archive <commit> | tar -x -C /tmp/old/storywatch
    python bench/turns.py --old /tmp/old --turns 3 -- bench/poll.py --feeds 100 --runs 1
    python bench/turns.py --old /tmp/old --turns 3 -- bench/ingest.py --sizes 1000,10000 --fresh --db {db}

`{db}` in the command becomes a database file of each version's own under /tmp. The bench
script itself is this tree's in both turns; only the storywatch it imports differs. Prints
each run's output, labelled.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="folder holding storywatch/ of the old version")
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- script and its arguments")
    args = parser.parse_args()
    command = [part for part in args.command if part != "--"]
    if not (args.old / "storywatch" / "store").is_dir():
        raise SystemExit(f"{args.old}/storywatch/store is not there: see this script's docstring")
    with tempfile.TemporaryDirectory() as folder:
        for turn in range(args.turns):
            for name in ("old", "new"):
                env = dict(os.environ)
                if name == "old":
                    env["PYTHONPATH"] = str(args.old)
                else:
                    env.pop("PYTHONPATH", None)
                db = Path(folder) / name / "bench.db"
                db.parent.mkdir(exist_ok=True)
                line = [sys.executable, *(part.replace("{db}", str(db)) for part in command)]
                print(f"== turn {turn + 1} {name}", flush=True)
                done = subprocess.run(line, env=env, text=True, capture_output=True)
                print(done.stdout.rstrip(), flush=True)
                if done.returncode:
                    raise SystemExit(f"{name} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


if __name__ == "__main__":
    main()
