"""The diff view (`d`), driven headlessly on a real database whose reports were edited through
the real ingest path: marks and counts, stepping through revisions, a report never edited,
hostile text, and the way in from the reading view."""

from __future__ import annotations

import pytest
from tui_helpers import STORY_NAME, article, make_story, shown_titles, wait_until

from storywatch.store.db import open_db
from storywatch.store.ingest import ingest_items
from storywatch.tui.app import StorywatchApp
from storywatch.tui.screens.article import ArticleScreen
from storywatch.tui.screens.diff import DiffScreen
from storywatch.tui.screens.help import key_groups
from storywatch.tui.screens.story import StoryScreen
from storywatch.tui.widgets.story_feed import StoryFeed

SIZE = (100, 30)
FILLER = " ".join(["The operation followed weeks of surveillance of the compound, officials said."] * 8)
BODY = f"Drones struck three labs in Sinaloa overnight.\n\n{FILLER}\n\nOfficials gave no figure for the dead."
SINALOA = "Pentagon drone strikes on Sinaloa cartel labs went on for a second night, Hegseth told reporters."
HOSTILE = "[b]bold[/b] [link=http://x]link[/link] \x1b[2J\x1b]52;c;aGk=\x07[/]"


@pytest.fixture
def db_path(tmp_path):
    db_path = make_story(tmp_path)
    db = open_db(db_path)
    polls = [
        ("2026-03-04T09:00:00Z", "US strikes cartel labs", BODY),
        ("2026-03-04T10:30:00Z", "US drone strikes hit cartel labs", BODY.replace("three labs", "four labs")),
        ("2026-03-04T12:15:00Z", "US drone strikes hit cartel labs",
         BODY.replace("three labs", "four labs").replace("gave no figure for the dead", "said twelve died")),
    ]
    for seen_at, title, body in polls:
        ingest_items(db, [article(1, title=title, body=body, summary="")], seen_at=seen_at)
    ingest_items(db, [article(2, title="Sheinbaum rejects US troops", body="Mexican President Claudia Sheinbaum said US troops will not operate in Mexico after the US military strike on the cartels.")],
                 seen_at="2026-03-04T08:00:00Z")
    ingest_items(db, [article(3, title="Strike report with odd text", body=f"Plain words. {SINALOA}")],
                 seen_at="2026-03-04T08:00:00Z")
    ingest_items(db, [article(3, title=f"Strike report {HOSTILE}", body=f"Plain words. {SINALOA} {HOSTILE}")],
                 seen_at="2026-03-04T09:00:00Z")
    long_old = "\n\n".join(f"Paragraph {n} says the strike on the cartel hit {n} labs." for n in range(40))
    ingest_items(db, [article(4, title="Long report on Sinaloa strikes", body=long_old)], seen_at="2026-03-04T08:00:00Z")
    ingest_items(db, [article(4, title="Long report on Sinaloa strikes", body=long_old.replace(" labs.", " sites."))],
                 seen_at="2026-03-04T09:00:00Z")
    db.close()
    return db_path


async def open_diff(pilot, title_start: str) -> DiffScreen:
    """`d` on the first report whose title starts so; waits for the diff to be drawn."""
    app = pilot.app
    assert await wait_until(pilot, lambda: isinstance(app.screen, StoryScreen) and len(shown_titles(app)) >= 5)
    titles = shown_titles(app)
    app.screen.query_one(StoryFeed).move_cursor(row=next(i for i, t in enumerate(titles) if t.startswith(title_start)))
    await pilot.press("d")
    assert isinstance(app.screen, DiffScreen)
    await drawn(pilot)
    return app.screen


async def drawn(pilot) -> None:
    screen = pilot.app.screen
    assert await wait_until(pilot, lambda: "comparing" not in shown(screen, "summary"))
    await pilot.pause()


def shown(screen, name: str) -> str:
    return screen.query_one(f"#diff-{name}").visual.plain


async def test_d_shows_the_latest_change_with_marks_and_counts(db_path):
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_diff(pilot, "US drone strikes")
        assert shown(screen, "pair").startswith("revision 2 of 3 · seen ")
        assert "→ revision 3 · seen " in shown(screen, "pair")
        assert "[-gave no figure for the dead-]{+said twelve died+}" in shown(screen, "text")
        assert shown(screen, "summary") == "+3 / -6 words"
        assert shown(screen, "title-label") == "Headline (unchanged)"
        assert shown(screen, "title") == "US drone strikes hit cartel labs"
        # The unchanged middle is folded, with some context kept before the change.
        assert "words unchanged …" in shown(screen, "text")
        assert FILLER not in shown(screen, "text")
        assert "officials said.\n\nOfficials [-gave" in shown(screen, "text")
        # Marked by colour as well: the insertion and the deletion are styled differently.
        text = screen.query_one("#diff-text").visual
        styles = {str(span.style) for span in text.spans}
        assert any("strike" in style for style in styles)
        await pilot.press("escape")
        assert isinstance(app.screen, StoryScreen)


async def test_stepping_to_the_earlier_pair_and_back(db_path):
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_diff(pilot, "US drone strikes")
        await pilot.press("left")
        await drawn(pilot)
        assert shown(screen, "pair").startswith("revision 1 of 3")
        assert shown(screen, "title-label") == "Headline"
        assert shown(screen, "title") == "US {+drone +}strikes {+hit +}cartel labs"
        assert "[-three-]{+four+} labs" in shown(screen, "text")
        assert "twelve" not in shown(screen, "text")
        assert shown(screen, "summary") == "+1 / -1 words"  # in the text: the headline's two words are shown above it
        await pilot.press("left_square_bracket")  # no pair before the first: it stays
        await pilot.pause()
        assert shown(screen, "pair").startswith("revision 1 of 3")
        await pilot.press("right_square_bracket")
        await drawn(pilot)
        assert shown(screen, "pair").startswith("revision 2 of 3")
        await pilot.press("q")
        assert isinstance(app.screen, StoryScreen)


async def test_a_report_with_one_revision_says_so(db_path):
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_diff(pilot, "Sheinbaum rejects")
        assert shown(screen, "pair").startswith("Only one revision: this report has not changed since it was first seen")
        assert not screen.query_one("#diff-text").display
        await pilot.press("left", "right")
        assert app.screen is screen
        await pilot.press("escape")
        assert isinstance(app.screen, StoryScreen)


async def test_hostile_text_in_a_revision_stays_inert(db_path):
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_diff(pilot, "Strike report")
        title, text = shown(screen, "title"), shown(screen, "text")
        assert "[b]bold[/b] [link=http://x]link[/link]" in title
        assert "{+ [b]bold[/b] [link=http://x]link[/link]" in text
        for part in (title, text):
            assert "\x1b" not in part and "\x07" not in part
        for name in ("title", "text"):
            spans = screen.query_one(f"#diff-{name}").visual.spans
            assert not any("link" in str(span.style) or str(span.style) == "bold" for span in spans)


async def test_the_reading_view_reaches_the_diff(db_path):
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: len(shown_titles(app)) >= 5)
        titles = shown_titles(app)
        app.screen.query_one(StoryFeed).move_cursor(row=titles.index("US drone strikes hit cartel labs"))
        await pilot.press("enter")
        assert isinstance(app.screen, ArticleScreen)
        assert "3 revisions (d: the changes)" in app.screen.query_one("#article-meta").visual.plain
        await pilot.press("d")
        assert isinstance(app.screen, DiffScreen)
        await drawn(pilot)
        assert "{+said twelve died+}" in shown(app.screen, "text")
        await pilot.press("escape")
        assert isinstance(app.screen, ArticleScreen)


async def test_help_lists_d_on_the_story_and_in_the_reading_view(db_path):
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: len(shown_titles(app)) >= 5)

        def keys_for(description: str) -> list[str]:
            return [key for group in key_groups(app.screen) for entry in group.entries
                    if entry.description == description for key in entry.keys]

        assert "d" in keys_for("Changes")
        await pilot.press("enter")
        assert isinstance(app.screen, ArticleScreen)
        assert "d" in keys_for("Changes")


async def test_a_long_diff_scrolls_with_the_usual_keys(db_path):
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_diff(pilot, "Long report")
        view = screen.query_one("#diff-view")
        assert shown(screen, "summary") == "+40 / -40 words"
        assert view.max_scroll_y > 0
        await pilot.press("pagedown")
        assert await wait_until(pilot, lambda: view.scroll_y > 0)
        await pilot.press("end")
        assert await wait_until(pilot, lambda: view.scroll_y == view.max_scroll_y)
        await pilot.press("home")
        assert await wait_until(pilot, lambda: view.scroll_y == 0)
        await pilot.press("j", "j")
        assert await wait_until(pilot, lambda: view.scroll_y == 2)
        await pilot.press("space")
        assert await wait_until(pilot, lambda: view.scroll_y > 2)


async def test_z_unfolds_the_unchanged_text_and_folds_it_again(db_path):
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_diff(pilot, "US drone strikes")
        assert FILLER not in shown(screen, "text")
        await pilot.press("z")
        assert await wait_until(pilot, lambda: FILLER in shown(screen, "text"))
        assert "unchanged …" not in shown(screen, "text")
        assert "[-gave no figure for the dead-]{+said twelve died+}" in shown(screen, "text")
        await pilot.press("left")  # the next pair keeps the choice
        await drawn(pilot)
        assert shown(screen, "pair").startswith("revision 1 of 3") and FILLER in shown(screen, "text")
        await pilot.press("z")
        assert await wait_until(pilot, lambda: "words unchanged …" in shown(screen, "text"))


async def test_the_classifiers_verdict_shows_with_the_pair(db_path):
    db = open_db(db_path)
    have = {row[1] for row in db.execute("PRAGMA table_info(revisions)").fetchall()}
    for column, kind in (("kind", "TEXT"), ("changes", "TEXT"), ("same_as", "INTEGER")):
        if column not in have:  # as migration m008 adds them
            db.execute(f"ALTER TABLE revisions ADD COLUMN {column} {kind}")
    db.execute("UPDATE revisions SET kind = 'return', same_as = 1, changes = '[b]figure[/b] changed'"
               " WHERE revision = 3 AND title = 'US drone strikes hit cartel labs'")
    db.conn.commit()
    db.close()
    app = StorywatchApp(db_path, STORY_NAME, fetch=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_diff(pilot, "US drone strikes")
        assert shown(screen, "pair").endswith("  ·  back to revision 1  ·  [b]figure[/b] changed")
