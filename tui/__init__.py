"""The Textual app and the command line: the only part of storywatch that imports textual."""

__version__ = "0.1.0"  # the one place the version is written; pyproject.toml reads it from here
