"""How much memory compression bombs cost the fetcher, fetched 1, 8 and 16 at once.

Issue 9 measured 181 MB peak RSS for one gzip bomb, 631 MB for 8 at the default concurrency
and 1.08 GB for 16, because the size cap was checked only after a network chunk had been
inflated. The goal: 8 bombs at once stay under 100 MB.

A separate process serves the bombs from the test feed server on 127.0.0.1: each is 1 GB of
zeros gzipped to about 1 MB, sent whole with a Content-Length, as a hostile static file would
be. For each concurrency N a fresh child process fetches N bombs at once with the default
FetchSettings (10 MB cap, concurrency N) and reports its own peak RSS (ru_maxrss); the figure
printed is the median over --runs children. `--streamed` sends each bomb in small pieces as
it is compressed, so the N responses interleave (a fetcher that held each one's decoded bytes
up to its cap would hold N times the cap). A child with N = 0 fetches nothing and shows the
interpreter's own share.

    python bench/bombs.py [--concurrency 0,1,8,16] [--runs 3] [--gigabytes 1] [--streamed]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import resource
import statistics
import subprocess
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the test feed server (storywatch itself comes installed)

from feedserver import FeedServer  # noqa: E402


def bomb(gigabytes: float) -> bytes:
    """`gigabytes` GB of zeros as one gzip member, compressed a megabyte at a time."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    return b"".join([*(compressor.compress(zeros) for _ in range(int(gigabytes * 1024))), compressor.flush()])


def serve(gigabytes: float, ready, stop) -> None:
    """The server process: /bomb.gz sent whole, /streamed.gz compressed as it is sent."""
    with FeedServer() as server:
        server.route("/bomb.gz", bomb(gigabytes), headers={"Content-Encoding": "gzip"})
        server.route("/streamed.gz", bytes(1024 * 1024), repeat=int(gigabytes * 1024), gzip=True)
        ready.send(server.port)
        stop.wait()


async def fetch_bombs(url: str, count: int) -> list[str]:
    """Fetch `count` bombs at once; each should end as "response too large"."""
    from storywatch.feeds.fetch import FetchError, FetchSettings, fetch_feed, make_client

    settings = FetchSettings(concurrency=max(1, count))
    async with make_client(settings) as client:

        async def one(number: int) -> str:
            try:
                fetched = await fetch_feed(client, f"{url}?n={number}", settings=settings)
            except FetchError as error:
                return str(error)
            return f"fetched {len(fetched.body)} bytes"

        return list(await asyncio.gather(*(one(number) for number in range(count))))


def child(url: str, count: int) -> None:
    import storywatch.feeds.fetch  # noqa: F401 - the baseline (N = 0) includes the imports

    outcomes = asyncio.run(fetch_bombs(url, count))
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(json.dumps({"peak_kb": peak_kb, "outcomes": sorted(set(outcomes))}))


def one_child(url: str, count: int) -> tuple[float, list[str]]:
    """Peak RSS in MB of a fresh process that fetched `count` bombs at once, and how they ended."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", url, str(count)], capture_output=True, text=True, check=True
    )
    answer = json.loads(done.stdout)
    return answer["peak_kb"] / 1024, answer["outcomes"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", default="0,1,8,16", help="comma-separated numbers of bombs fetched at once")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--gigabytes", type=float, default=1.0, help="zeros in each bomb")
    parser.add_argument("--streamed", action="store_true", help="send each bomb in small pieces")
    parser.add_argument("--child", nargs=2, metavar=("URL", "COUNT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return

    receive_port, send_port = multiprocessing.Pipe(duplex=False)
    stop = multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(args.gigabytes, send_port, stop), daemon=True)
    server.start()
    try:
        port = receive_port.recv()
        url = f"http://127.0.0.1:{port}/{'streamed' if args.streamed else 'bomb'}.gz"
        how = "streamed in small pieces" if args.streamed else "sent whole"
        print(f"gzip bombs of {args.gigabytes:g} GB of zeros, {how}; peak RSS, median of {args.runs} runs")
        for count in (int(text) for text in args.concurrency.split(",")):
            runs = [one_child(url, count) for _ in range(args.runs)]
            peaks = [peak for peak, _ in runs]
            outcomes = sorted({outcome for _, ended in runs for outcome in ended})
            print(
                f"{count:3d} at once: {statistics.median(peaks):7.1f} MB"
                f"  (runs: {', '.join(f'{peak:.1f}' for peak in peaks)})  {'; '.join(outcomes) or 'baseline'}"
            )
    finally:
        stop.set()
        server.join(timeout=10)


if __name__ == "__main__":
    main()
