"""The sealed conversation store on PostgreSQL (the production profile's dialect), on a throw-away database.

Rasa keeps a web chat conversation there, sealed; after a restart of Rasa it
resumes (still signed in); deleting the account erases it. Checked through SQL.
"""

from __future__ import annotations

from typing import Iterator

import psycopg
import pytest
import requests

from conversation_store.sealing import row_key
from launcher.secrets import TRACKER_SECRETS, HopSecrets, new_secret
from launcher.services import ServiceProcess, start_actions, start_gateway, start_rasa
from tests.channels.conversation import sign_in
from tests.conftest import SHARED_API_LIMITS, DemoApi, start_demo_api
from tests.conversations import user_texts
from tests.postgres import create_database, drop_database

pytestmark = pytest.mark.timeout(900)

EMAIL = "laura.gomez@example.com"


class PostgresStack:
    def __init__(self, api: DemoApi, actions: ServiceProcess, tracker_env: dict[str, str], base, hops: HopSecrets):
        self.api, self.actions, self.tracker_env, self.base, self.hops = api, actions, tracker_env, base, hops
        self.rasa = self.gateway = None
        # The gateway's key for web chat ids, kept across its restarts (as var/secrets.env keeps it).
        self.gateway_env = {"WEBCHAT_SENDER_KEY": new_secret()}

    def start_rasa(self) -> None:
        if self.gateway:
            self.gateway.stop()
        if self.rasa:
            self.rasa.stop()
        log = self.base / "log"
        self.rasa = start_rasa(
            self.actions.url, self.base / "unused.db", self.hops, log_dir=log, extra_env=self.tracker_env
        )
        self.gateway = start_gateway(
            self.rasa.url, self.api.url, self.api.token, self.api.database_url, self.hops, log_dir=log,
            extra_env=self.gateway_env,
        )

    def stop(self) -> None:
        for service in (self.gateway, self.rasa, self.actions, self.api.process):
            if service:
                service.stop()


@pytest.fixture()
def postgres_stack(tmp_path) -> Iterator[tuple[PostgresStack, str]]:
    name, url = create_database("miaval_tracker")
    stack = None
    try:
        api = start_demo_api(tmp_path, {**SHARED_API_LIMITS, "TRACKER_STORE_URL": url})
        tracker_env = {"TRACKER_STORE_URL": url, **{key: api.tracker_env[key] for key in TRACKER_SECRETS}}
        hops = HopSecrets.generate()
        actions = start_actions(api.url, api.token, hops, log_dir=tmp_path / "log")
        stack = PostgresStack(api, actions, tracker_env, tmp_path, hops)
        stack.start_rasa()
        yield stack, url
    finally:
        if stack:
            stack.stop()
        drop_database(name, wait_seconds=10)


def _web(stack: PostgresStack, sender: str, text: str) -> list[str]:
    response = requests.post(stack.gateway.url + "/webchat/messages", json={"sender": sender, "message": text},
                             timeout=60)  # fmt: skip
    assert response.status_code == 200, response.text
    return [message.get("text") or "" for message in response.json()["messages"]]


def _rows(url: str) -> list[tuple[str, str]]:
    with psycopg.connect(url) as connection:
        return connection.execute("SELECT sender_id, coalesce(data, '') FROM events ORDER BY id").fetchall()


def test_sealed_store_on_postgresql_resumes_and_erases(postgres_stack):
    stack, url = postgres_stack
    sender = requests.post(stack.gateway.url + "/webchat/sessions", timeout=10).json()["sender"]
    sign_in(lambda text: _web(stack, sender, text), stack.api.outbox_dir, EMAIL)
    assert "AU-1048576" in "\n".join(_web(stack, sender, "que seguros tengo?"))

    stored = _rows(url)
    assert {key for key, _ in stored} == {row_key(stack.tracker_env["TRACKER_SENDER_KEY"], sender)}
    assert not any(sender in data or "laura" in data.lower() or "seguros" in data for _, data in stored)
    assert user_texts(stack.tracker_env, sender)[-1] == "que seguros tengo?"

    stack.start_rasa()  # a new Rasa process, the same store and keys: still signed in
    assert "AU-1048576" in "\n".join(_web(stack, sender, "que seguros tengo?"))

    assert "seguro que querés borrar" in "\n".join(_web(stack, sender, "quiero borrar mi cuenta")).lower()
    assert "borré tu cuenta" in "\n".join(_web(stack, sender, "sí"))
    assert user_texts(stack.tracker_env, sender) == []
    assert _web(stack, sender, "hola"), "the conversation does not go on after the erasure"
    assert user_texts(stack.tracker_env, sender) == ["hola"]
