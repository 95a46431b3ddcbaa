"""Bad input against the real gateway (in front of the session `stack`) and against its own Mi Aval API.

The gateway and the fake Telegram/Twilio servers are the channel tests' own
fixtures (imported, so there is one way to start them); `tracker_turns` reads
Rasa's tracker store (through tests/conversations.py) to prove a message
reached the assistant exactly once or not at all.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest

from launcher.services import ServiceProcess, prepare_database, start_api
from tests.channels.conftest import fake_telegram, fake_twilio, gateway  # noqa: F401 - fixtures used here too
from tests.conftest import Stack
from tests.conversations import user_texts


def tracker_turns(stack: Stack, sender: str) -> list[str]:
    """The texts of the user messages Rasa stored for a sender, in order."""
    return user_texts(stack.tracker_env, sender)


@dataclass
class OwnApi:
    url: str
    token: str
    outbox_dir: Path
    process: ServiceProcess

    def headers(self, identity: str | None = None, **extra: str) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}", **extra}
        if identity:
            headers["X-Chat-Identity"] = identity
        return headers


@pytest.fixture(scope="module")
def own_api(tmp_path_factory) -> OwnApi:
    """An API on its own demo database: these tests sign in and upload without disturbing other suites."""
    base = tmp_path_factory.mktemp("bad-input-api")
    database_url = f"sqlite:///{base / 'miaval.db'}"
    token = secrets.token_urlsafe(24)
    prepare_database(database_url)
    process = start_api(
        database_url, token, base / "outbox", log_dir=base / "log",
        extra_env={
            "VERIFICATION_RESEND_INTERVAL_SECONDS": "0",
            "VERIFICATION_SENDS_PER_HOUR": "1000",
            "VERIFICATION_SENDS_PER_ADDRESS_PER_HOUR": "1000",
            "VERIFICATION_MAX_FAILURES_PER_DAY": "1000",
        },
    )  # fmt: skip
    yield OwnApi(process.url, token, base / "outbox", process)
    process.stop()
