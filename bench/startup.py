"""Where a warm `storywatch fetch --once` process spends its time (issue 13: start-up counts).

Serves N feeds from 127.0.0.1 as bench/poll.py does, makes a database polled once (so every
feed answers 304), then times a ladder of processes, each doing one step more than the last,
in turns, many times over:

  python        `python -c pass`: the interpreter and site (the floor)
  cli           + import storywatch's command line (click)
  imports       + every module a warm fetch loads (config, fetcher, store, poller)
  open          + the config read, the database opened, the story file read and checked
  fetch         the whole command: `storywatch --db X fetch --once`, start to exit

Each rung's median minus the one below is that step's cost (exit included: a process that
loads more takes longer to end). Prints wall and CPU medians. Run it under bench/turns.py to
compare two versions in turns:

    python bench/startup.py [--feeds 100] [--runs 15] [--bytecode-cache DIR]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from poll import CONFIG_PER_HOST, Server, process_env, storywatch_db  # noqa: E402

from storywatch.feeds.fetch import FetchSettings  # noqa: E402

IMPORTS = ("storywatch.tui.config", "storywatch.feeds.fetch", "storywatch.store.db", "storywatch.store.story",
           "storywatch.feeds.poller")
OPEN = (
    "import sys\n"
    "from storywatch.tui.cli import Context, _configured_fetch\n"
    "_configured_fetch(None)\n"
    "db, story = Context(db_arg=__import__('pathlib').Path(sys.argv[1]), story_arg='').open()\n"
    "import storywatch.feeds.poller\n"
    "db.close()\n"
)


def ladder(db: Path) -> dict[str, list[str]]:
    binary = shutil.which("storywatch", path=str(Path(sys.executable).parent)) or shutil.which("storywatch")
    return {
        "python": [sys.executable, "-c", "pass"],
        "cli": [sys.executable, "-c", "import storywatch.tui.cli"],
        "imports": [sys.executable, "-c", "import storywatch.tui.cli, " + ", ".join(IMPORTS)],
        "open": [sys.executable, "-c", OPEN, str(db)],
        "fetch": [binary, "--db", str(db), "fetch", "--once"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--runs", type=int, default=15, help="processes of each rung, in turns (default 15)")
    parser.add_argument("--bytecode-cache", type=Path, default=None, metavar="DIR",
                        help="keep compiled modules in DIR (PYTHONPYCACHEPREFIX), as an installed package has them")
    args = parser.parse_args()
    settings = FetchSettings()
    per_host = min(settings.network_concurrency, CONFIG_PER_HOST)
    sites = -(-settings.network_concurrency // per_host)
    with tempfile.TemporaryDirectory() as folder, Server(args.feeds, 0.0, sites) as server:
        home = Path(folder)
        db = storywatch_db(home, server.urls())
        db.close()
        env = process_env(home, settings.concurrency, per_host, args.bytecode_cache)
        rungs = ladder(home / "bench.db")
        subprocess.run(rungs["fetch"], env=env, capture_output=True, check=True)  # warm: every feed answers 304
        wall: dict[str, list[float]] = {name: [] for name in rungs}
        cpu: dict[str, list[float]] = {name: [] for name in rungs}
        for run in range(args.runs):
            order = list(rungs) if run % 2 == 0 else list(reversed(rungs))
            for name in order:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                done = subprocess.run(rungs[name], env=env, capture_output=True, text=True)
                wall[name].append(time.perf_counter() - started)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[name].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
                if done.returncode != 0 or (name == "fetch" and f"({args.feeds} not modified)" not in done.stdout):
                    raise SystemExit(f"{name} failed: {done.stdout.strip()} {done.stderr.strip()[-2000:]}")
    print(f"warm `storywatch fetch --once`, {args.feeds} feeds all 304, medians of {args.runs} processes per rung:")
    print(f"{'rung':<10}{'wall ms':>9}{'step':>8}{'CPU ms':>9}{'step':>8}")
    below_wall = below_cpu = 0.0
    for name in rungs:
        median_wall, median_cpu = statistics.median(wall[name]) * 1000, statistics.median(cpu[name]) * 1000
        print(f"{name:<10}{median_wall:9.0f}{median_wall - below_wall:+8.0f}{median_cpu:9.0f}{median_cpu - below_cpu:+8.0f}")
        below_wall, below_cpu = median_wall, median_cpu


if __name__ == "__main__":
    main()
