"""Shared fixtures: a real feed server on 127.0.0.1 and a fresh database file per test."""

from __future__ import annotations

import pytest
from feedserver import FeedServer

from storywatch.store.db import open_db


@pytest.fixture(scope="session")
def _feed_server_session():
    with FeedServer() as server:
        yield server


@pytest.fixture
def feed_server(_feed_server_session) -> FeedServer:
    """The session's feed server, with no routes and no recorded requests left from other tests."""
    _feed_server_session.reset()
    yield _feed_server_session
    _feed_server_session.reset()


@pytest.fixture
def db(tmp_path):
    """A migrated database in a temporary file (WAL does not apply to :memory:)."""
    database = open_db(tmp_path / "storywatch.db")
    yield database
    database.close()


@pytest.fixture(autouse=True)
def _own_config(tmp_path, monkeypatch):
    """Every test gets its own settings file: the user's real one is never read or written."""
    monkeypatch.setenv("STORYWATCH_CONFIG", str(tmp_path / "settings" / "config.toml"))
