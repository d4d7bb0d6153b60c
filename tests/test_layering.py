"""The design card's boundaries, checked: data flows feeds -> store -> tui, all under one
`storywatch` namespace, the pure text work apart from the SQL, and a command line that loads
nothing heavy to answer `--help`."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("feeds", "seeds", "store", "tui")  # the design card's folders, installed as storywatch.<folder>


def imported_modules(folder: str) -> dict[str, set[str]]:
    """Every absolute module name each file under `folder` imports."""
    found = {}
    for path in (ROOT / folder).rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def reaches(names: set[str], forbidden: tuple[str, ...]) -> set[str]:
    return {name for name in names if any(name == f or name.startswith(f + ".") for f in forbidden)}


def run_python(code: str) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter outside the source tree, so only the installed package counts."""
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT.parent, capture_output=True, text=True)


def test_store_imports_neither_feeds_nor_tui_nor_textual():
    for path, names in imported_modules("store").items():
        assert not reaches(names, ("storywatch.feeds", "storywatch.tui", "textual")), path


def test_feeds_imports_neither_tui_nor_textual():
    for path, names in imported_modules("feeds").items():
        assert not reaches(names, ("storywatch.tui", "textual")), path


@pytest.mark.parametrize("folder", ["feeds", "seeds", "store", "tui", "tests", "bench"])
def test_every_import_goes_through_the_namespace(folder):
    """`import store` would find another distribution's package, or none once installed."""
    for path, names in imported_modules(folder).items():
        assert not reaches(names, FOLDERS), (path, reaches(names, FOLDERS))


def test_the_pure_text_work_imports_no_database_code():
    for path, names in imported_modules("store/text").items():
        assert not reaches(names, ("sqlite3", "sqlite_utils", "storywatch.store.db")), path
        # Within the store, the text package may only use itself and the plain helpers.
        store_modules = reaches(names, ("storywatch.store",)) - reaches(names, ("storywatch.store.text",))
        assert store_modules <= {"storywatch.store.times"}, (path, store_modules)
    work = (
        "from storywatch.store.text import extract, relevance\n"
        "extract.extract('President Claudia Sheinbaum spoke in Mexico City.')\n"
        "relevance.item_terms('US strikes on cartels', 'Troops', '', ())\n"
    )
    assert modules_loaded_by(["storywatch.store.text"], ("sqlite3", "_sqlite3", "sqlite_utils"), then=work) == []


def test_store_and_feeds_load_without_textual():
    assert modules_loaded_by(["storywatch.store", "storywatch.feeds"], ("textual", "storywatch.tui")) == []


def test_the_full_text_extractor_loads_only_when_a_page_is_extracted():
    # trafilatura costs about 100 ms and 60 MB installed: importing the fetcher must not load it.
    assert modules_loaded_by(["storywatch.feeds", "storywatch.store"], ("trafilatura", "lxml")) == []


def modules_loaded_by(packages: list[str], watched: tuple[str, ...], then: str = "") -> list[str]:
    """Import every module of `packages` in a fresh interpreter, run `then`, and list the
    loaded modules that are (or are inside) one of `watched`."""
    result = run_python(
        "import importlib, pkgutil, sys\n"
        f"for name in {packages!r}:\n"
        "    package = importlib.import_module(name)\n"
        "    for module in pkgutil.walk_packages(package.__path__, name + '.'):\n"
        "        importlib.import_module(module.name)\n"
        f"{then}"
        f"print(sorted(m for m in sys.modules if m in {watched!r} or m.startswith(tuple(w + '.' for w in {watched!r}))))\n"
    )
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.strip())


HELP_ARGS = [
    ["--help"],
    ["--version"],
    ["dashboard", "--help"],
    ["demo", "--help"],
    ["fetch", "--help"],
    ["feeds", "--help"],
    ["feeds", "add", "--help"],
    ["feeds", "list", "--help"],
    ["feeds", "remove", "--help"],
    ["feeds", "import", "--help"],
    ["feeds", "export", "--help"],
    ["config", "--help"],
    ["export", "--help"],
    ["new", "--help"],
    ["stories", "--help"],
]


@pytest.mark.parametrize("args", HELP_ARGS)
def test_help_and_version_load_nothing_heavy(args):
    """`--help` answers at once: nothing of the store, the fetcher, textual or their libraries."""
    result = run_python(
        "import sys\n"
        "from storywatch.tui.cli import main\n"
        f"sys.argv = ['storywatch', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "heavy = ('storywatch.store', 'storywatch.feeds', 'textual', 'sqlite3', 'sqlite_utils', 'httpx',"
        " 'feedparser', 'platformdirs')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)), file=sys.stderr)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "[]"
    assert "storywatch" in result.stdout


def test_the_help_list_names_every_subcommand():
    """A new command must join HELP_ARGS, so its `--help` is checked too."""
    from storywatch.tui.cli import cli

    def walk(group, prefix):
        for name, command in group.commands.items():
            yield [*prefix, name]
            if hasattr(command, "commands"):
                yield from walk(command, [*prefix, name])

    covered = {tuple(args[:-1]) for args in HELP_ARGS if args[-1] == "--help"}
    assert {tuple(path) for path in walk(cli, [])} <= covered


def test_the_package_ships_every_folder_under_the_namespace():
    """pyproject maps each design-card folder to storywatch.<folder> and lists every subpackage."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert config["package-dir"] == {f"storywatch.{folder}": folder for folder in FOLDERS}
    on_disk = {
        "storywatch." + ".".join(init.parent.relative_to(ROOT).parts)
        for folder in FOLDERS
        for init in (ROOT / folder).rglob("__init__.py")
    }
    assert set(config["packages"]) == on_disk
    assert all(name.startswith("storywatch.") for name in config["packages"])
    assert config["package-data"] == {
        "storywatch.seeds": ["*.toml", "*.txt"],
        "storywatch.store.text": ["*.txt.gz"],  # the everyday-word list (store/text/common_words.py)
        "storywatch.tui": ["*.tcss"],
        "storywatch.tui.demo": ["*.toml", "seeds/*.toml", "seeds/*.txt"],
    }
