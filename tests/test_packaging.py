"""The wheel a user installs (pip, pipx and uv all install it) holds every package of the source
tree, the bundled story's seeds and the styles, and names the `storywatch` command."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOP_LEVEL = ("feeds", "seeds", "store", "tui")  # the design card's folders that are installed


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    # From a copy without build leftovers (setuptools would ship an old build/lib's files).
    source = tmp_path_factory.mktemp("source") / "storywatch"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv", "venv", "build", "*.egg-info", "__pycache__", ".*cache"))
    # No build isolation: setuptools comes from the test extra, so this builds offline.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("storywatch-*.whl")
    with zipfile.ZipFile(path) as archive:
        yield archive


def _source_packages() -> set[str]:
    return {
        "storywatch." + ".".join(init.parent.relative_to(ROOT).parts)
        for top in TOP_LEVEL
        for init in (ROOT / top).rglob("__init__.py")
        if "__pycache__" not in init.parts
    }


def test_every_package_of_the_source_tree_is_in_the_wheel(wheel):
    names = set(wheel.namelist())
    shipped = {
        name.rsplit("/", 1)[0].replace("/", ".") for name in names if name.endswith("/__init__.py")
    }
    assert _source_packages() <= shipped, sorted(_source_packages() - shipped)
    assert {name.split("/", 1)[0] for name in names if not name.startswith("storywatch-")} == {"storywatch"}


def test_the_bundled_story_and_the_styles_ship_inside_the_package(wheel):
    names = set(wheel.namelist())
    seeds = sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))
    assert seeds and all(f"storywatch/seeds/{name}" in names for name in seeds)
    assert "storywatch/seeds/story.toml" in names
    styles = [p.relative_to(ROOT).as_posix() for p in (ROOT / "tui").rglob("*.tcss")]
    assert styles and all(f"storywatch/{style}" in names for style in styles)
    data = [
        p.relative_to(ROOT).as_posix()
        for top in TOP_LEVEL
        for p in (ROOT / top).rglob("*")
        if p.suffix in (".toml", ".txt", ".json", ".tcss") and "__pycache__" not in p.parts
    ]
    assert all(f"storywatch/{name}" in names for name in data), sorted(
        name for name in data if f"storywatch/{name}" not in names
    )


def test_the_wheel_names_the_storywatch_command(wheel):
    (entry_points,) = [name for name in wheel.namelist() if name.endswith(".dist-info/entry_points.txt")]
    text = wheel.read(entry_points).decode()
    assert "[console_scripts]" in text
    assert "storywatch = storywatch.tui.cli:main" in text
