"""The bundled story: its seed articles and story file, shipped as package data."""

from pathlib import Path

BUNDLED_STORY_FILE = Path(__file__).with_name("story.toml")
BUNDLED_STORY_NAME = "us-mexico-cartels"
