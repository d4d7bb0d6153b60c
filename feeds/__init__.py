"""The outside world as plain dataclasses: fetching, parsing and polling feeds.

httpx imports its own command line on import (rich, pygments, click: about 40 ms, a tenth of a
warm `storywatch fetch --once`) unless that import fails, which httpx allows for: `httpx.main`
becomes a stub. Storywatch never runs httpx's command line, so the first import of httpx here
goes without it; the block is lifted at once, and any later import of `httpx._main` works.
"""

import sys

if "httpx" not in sys.modules:
    sys.modules["httpx._main"] = None  # an import of it fails: see above
    try:
        import httpx  # noqa: F401
    except ImportError:
        pass  # an httpx that no longer allows for it: imported as usual below, by its users
    finally:
        if "httpx._main" in sys.modules and sys.modules["httpx._main"] is None:
            del sys.modules["httpx._main"]
