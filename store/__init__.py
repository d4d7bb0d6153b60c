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


_defer_date_parser()
