"""Shared fixtures: real services on free ports, with a fresh demo database.

Standard library and `launcher` only: this file is loaded by both test
environments (the app's Python 3.11 and Rasa's Python 3.10).

- `demo_api`: the Mi Aval API over a fresh SQLite database holding the demo
  portfolio, e-mail written to an outbox folder.
- `stack`: `demo_api` plus the action server and the Rasa server with the
  trained model (`make train` first), with their own hop secrets (`stack.hops`:
  the gateway channel's HMAC key, the action server's bearer token).

Tests that change the demo people's data in a way others would notice
(deleting Laura's account, say) start their own API instead.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest

from launcher.outbox import latest_code  # noqa: F401 - tests import it from here
from launcher.secrets import HopSecrets, tracker_secrets
from launcher.services import ServiceProcess, prepare_database, start_actions, start_api, start_rasa

# Many tests sign in as the same demo people from different chats; the limits on
# code resends and wrong codes are tested on their own (tests/api) and relaxed here so that
# tests do not wait for each other.
SHARED_API_LIMITS = {
    "VERIFICATION_RESEND_INTERVAL_SECONDS": "1",
    "VERIFICATION_SENDS_PER_HOUR": "1000",
    "VERIFICATION_SENDS_PER_ADDRESS_PER_HOUR": "1000",
    "VERIFICATION_MAX_FAILURES_PER_DAY": "1000",
}


@dataclass
class DemoApi:
    url: str
    token: str
    database_url: str
    outbox_dir: Path
    process: ServiceProcess
    # The conversation store Rasa will use beside this API (the API erases from it): URL and keys.
    tracker_db: Path
    tracker_env: dict[str, str]


@dataclass
class Stack:
    api: DemoApi
    actions: ServiceProcess
    rasa: ServiceProcess
    hops: HopSecrets

    @property
    def tracker_db(self) -> Path:
        return self.api.tracker_db

    @property
    def tracker_env(self) -> dict[str, str]:
        return self.api.tracker_env

    @property
    def api_url(self) -> str:
        return self.api.url

    @property
    def api_token(self) -> str:
        return self.api.token

    @property
    def database_url(self) -> str:
        return self.api.database_url

    @property
    def outbox_dir(self) -> Path:
        return self.api.outbox_dir

    @property
    def actions_url(self) -> str:
        return self.actions.url

    @property
    def rasa_url(self) -> str:
        return self.rasa.url


def start_demo_api(base: Path, extra_env: Optional[dict[str, str]] = None) -> DemoApi:
    """A Mi Aval API over a fresh SQLite database with the demo portfolio, under ``base``.

    It erases conversations from a SQLite conversation store under ``base`` too
    (``tracker_env``: what Rasa needs to use that store).
    """
    database_url = f"sqlite:///{base / 'miaval.db'}"
    outbox = base / "outbox"
    token = secrets.token_urlsafe(24)
    tracker_db = base / "tracker.db"
    tracker_env = {"TRACKER_STORE_URL": f"sqlite:///{tracker_db}", **tracker_secrets()}
    env = {name: tracker_env[name] for name in ("TRACKER_STORE_URL", "TRACKER_SENDER_KEY")}
    env.update(extra_env or {})
    prepare_database(database_url)
    process = start_api(database_url, token, outbox, log_dir=base / "log", extra_env=env)
    return DemoApi(process.url, token, database_url, outbox, process, tracker_db, tracker_env)


@pytest.fixture(scope="session")
def demo_api(tmp_path_factory) -> DemoApi:
    api = start_demo_api(tmp_path_factory.mktemp("demo-api"), SHARED_API_LIMITS)
    yield api
    api.process.stop()


@pytest.fixture(scope="session")
def stack(demo_api, tmp_path_factory) -> Stack:
    base = tmp_path_factory.mktemp("stack")
    hops = HopSecrets.generate()
    actions = start_actions(demo_api.url, demo_api.token, hops, log_dir=base / "log")
    try:
        rasa = start_rasa(
            actions.url, demo_api.tracker_db, hops, log_dir=base / "log", extra_env=demo_api.tracker_env
        )
    except Exception:
        actions.stop()
        raise
    yield Stack(api=demo_api, actions=actions, rasa=rasa, hops=hops)
    rasa.stop()
    actions.stop()
