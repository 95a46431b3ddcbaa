"""Fixtures of the action tests: a real Mi Aval API of their own, and the environment actions read."""

from __future__ import annotations

import pytest

from bot.actions import backend
from tests.conftest import DemoApi, start_demo_api


@pytest.fixture(scope="module")
def dialogue_api(tmp_path_factory) -> DemoApi:
    """A Mi Aval API over a fresh demo database for one test module (they change accounts and links)."""
    api = start_demo_api(tmp_path_factory.mktemp("dialogue-api"))
    yield api
    api.process.stop()


@pytest.fixture()
def api_env(dialogue_api, monkeypatch) -> DemoApi:
    """Point the actions' shared API client at ``dialogue_api``."""
    monkeypatch.setenv("MIAVAL_API_URL", dialogue_api.url)
    monkeypatch.setenv("MIAVAL_API_TOKEN", dialogue_api.token)
    backend.reset_api()
    yield dialogue_api
    backend.reset_api()
