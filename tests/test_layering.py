"""The design card's boundaries, checked: data flows feeds -> store -> tui."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_top_levels(package: str) -> dict[str, set[str]]:
    found = {}
    for path in (ROOT / package).rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_store_imports_neither_feeds_nor_tui_nor_textual():
    for path, names in imported_top_levels("store").items():
        assert not names & {"feeds", "tui", "textual"}, path


def test_feeds_imports_neither_tui_nor_textual():
    for path, names in imported_top_levels("feeds").items():
        assert not names & {"tui", "textual"}, path


def test_store_and_feeds_load_without_textual():
    code = (
        "import pkgutil, importlib, sys, store, feeds\n"
        "for package in (store, feeds):\n"
        "    for module in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):\n"
        "        importlib.import_module(module.name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'tui'))\n"
        "print(loaded)\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_cli_starts_without_textual_for_headless_commands():
    code = (
        "import sys\n"
        "from tui.cli import main\n"
        "sys.argv = ['storywatch', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert 'textual' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
