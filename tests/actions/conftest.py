"""Fixtures of the action tests: a real Mi Aval API of their own, and the environment actions read."""

from __future__ import annotations

import secrets

import pytest

from bot.actions import backend
from launcher.services import prepare_database, start_api
from tests.conftest import DemoApi


@pytest.fixture(scope="module")
def dialogue_api(tmp_path_factory) -> DemoApi:
    """A Mi Aval API over a fresh demo database for one test module (they change accounts and links)."""
    base = tmp_path_factory.mktemp("dialogue-api")
    database_url = f"sqlite:///{base / 'miaval.db'}"
    outbox = base / "outbox"
    token = secrets.token_urlsafe(24)
    prepare_database(database_url)
    process = start_api(database_url, token, outbox, log_dir=base / "log")
    yield DemoApi(url=process.url, token=token, database_url=database_url, outbox_dir=outbox, process=process)
    process.stop()


@pytest.fixture()
def api_env(dialogue_api, monkeypatch) -> DemoApi:
    """Point the actions' shared API client at ``dialogue_api``."""
    monkeypatch.setenv("MIAVAL_API_URL", dialogue_api.url)
    monkeypatch.setenv("MIAVAL_API_TOKEN", dialogue_api.token)
    backend.reset_api()
    yield dialogue_api
    backend.reset_api()
