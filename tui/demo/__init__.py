"""`storywatch demo`: a made-up story that develops while you watch, served from 127.0.0.1.

`script` holds the story as data and turns it into feeds (pure functions of the script's
clock), `server` serves those feeds, `session` puts a server, a temporary database and the
demo story together. Nothing here touches the user's database or settings.
"""

from pathlib import Path

DEMO_DIR = Path(__file__).parent
STORY_FILE = DEMO_DIR / "seeds" / "story.toml"
SCRIPT_FILE = DEMO_DIR / "script.toml"
