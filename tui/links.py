"""A report's link, opened in the browser or copied: shared by the story list and the reading view."""

from __future__ import annotations

from textual.app import App

from storywatch.store.text.clean import clean_line
from storywatch.store.text.urls import link_problem, shown_url

URL_SHOWN = 200  # characters of a URL a notification shows


def open_link(app: App, url: str | None, kind: str = "feed") -> bool:
    """Hand an http(s) link to the user's browser; anything else is refused with the reason.

    Returns True when the browser was asked to open it.
    """
    if not url:
        app.notify(_no_link(kind), severity="warning", timeout=3, markup=False)
        return False
    problem = link_problem(url)
    if problem is not None:
        app.notify(f"Not opened: {problem}: {shown_url(url, URL_SHOWN)}", severity="warning", markup=False)
        return False
    app.notify(f"Opening {url[:URL_SHOWN]}", timeout=2, markup=False)
    app.run_worker(lambda: _launch(app, url), thread=True, group="browser", exit_on_error=False)
    return True


def _launch(app: App, url: str) -> None:
    """webbrowser looks for a browser (running `xdg-settings`) and may wait for a console one to
    exit: a thread, never the UI's."""
    import webbrowser

    try:
        webbrowser.get()
    except webbrowser.Error:
        app.call_from_thread(
            app.notify, "No web browser found: set BROWSER to the command that opens one.",
            severity="error", markup=False,
        )
        return
    app.open_url(url)


def copy_link(app: App, url: str | None, kind: str = "feed") -> str | None:
    """Copy the link (OSC 52, through Textual's clipboard) with anything unprintable removed, so
    pasting it into a shell cannot run anything; returns what was copied."""
    text = clean_line(url, 8000)
    if not text:
        app.notify(_no_link(kind), severity="warning", timeout=3, markup=False)
        return None
    app.copy_to_clipboard(text)
    note = "" if text == url else " (control characters removed)"
    app.notify(f"Copied {text[:URL_SHOWN]}{note}", timeout=3, markup=False)
    return text


def _no_link(kind: str) -> str:
    return "This seed has no link (its story file gives no url)." if kind == "seed" else "This report has no link."
