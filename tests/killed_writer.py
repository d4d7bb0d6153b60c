"""A writer in its own process, killed with SIGKILL mid-write: what a crash or an OOM kill does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def killed_writer(script: str, path: Path) -> Iterator[subprocess.Popen]:
    """Run `script` (Python; it prints "ready" once it has begun) on the database at `path` in
    another process; the block waits for what it needs, and the process is SIGKILLed when it ends."""
    writer = subprocess.Popen([sys.executable, "-c", script, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready"
        yield writer
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        writer.kill()
        writer.wait()
        writer.stdout.close()
