"""The story's memory: SQLite schema, ingest, story logic and the queries the dashboard reads.

Only this package speaks SQL, and only its top-level modules do: the pure text algorithms live
in `store.text`. It never imports `feeds` or `tui`: the fetcher hands it plain records (see
`store.records`) and the dashboard reads through `store.queries`.
"""

import importlib.util
import sys


def _defer_date_parser() -> None:
    """Load dateutil's parser at its first use, not when sqlite-utils is imported (here, in
    the package's init: every store module imports sqlite-utils, and `tui.config` reads
    `store.tags` before anything opens the database).

    sqlite-utils imports it for its command line's date conversions, which storywatch never
    calls: with its time zones it was about 10 ms of every command's start. The module is bound
    on its package up front, so `from dateutil import parser` takes it as it is; any attribute
    read from it loads it then, in full (an import of it, as the fulltext extra's date finder
    makes, under that import's lock)."""
    if "dateutil.parser" in sys.modules:
        return
    try:
        import dateutil

        spec = importlib.util.find_spec("dateutil.parser")
    except ImportError:
        return
    if spec is None or spec.loader is None:
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["dateutil.parser"] = module
    dateutil.parser = module
    spec.loader.exec_module(module)


class _WithoutArrayLibraries:
    """Has sqlite-utils imported without numpy and pandas where they are installed (a data
    scientist's environment, or one that runs Datasette beside it): it imports both, if it can,
    to give their number types a column type, which storywatch never hands it, and they were
    most of every command's start there (numpy alone about 250 ms of CPU, bench/startup.py).

    A finder on `sys.meta_path` until `sqlite_utils.db` is imported, by whichever store module
    comes first (the pure `store.text` never does): it wraps that module's loader so their
    import fails while the module runs (a failed import is what sqlite-utils allows for); the
    block is lifted at once, and any later import of them works."""

    hidden = ("numpy", "pandas")

    def find_spec(self, name, path=None, target=None):
        if name != "sqlite_utils.db":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _LoaderWithout(spec.loader, [m for m in self.hidden if m not in sys.modules])
        return spec


class _LoaderWithout:
    """A module's loader, with some modules' import made to fail while the module runs."""

    def __init__(self, loader, hidden: list[str]) -> None:
        self._loader, self._hidden = loader, hidden

    def __getattr__(self, name):  # get_source, get_code ...: the wrapped loader's
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        for name in self._hidden:
            sys.modules[name] = None
        try:
            self._loader.exec_module(module)
        finally:
            for name in self._hidden:
                if name in sys.modules and sys.modules[name] is None:
                    del sys.modules[name]


_defer_date_parser()
if "sqlite_utils.db" not in sys.modules:
    sys.meta_path.insert(0, _WithoutArrayLibraries())
