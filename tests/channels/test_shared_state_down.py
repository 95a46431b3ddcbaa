"""The gateway with its Redis gone (SHARED_STATE_URL pointing where nothing listens): an apology, never silence."""

from __future__ import annotations

import pytest
import requests

from channels import copy
from launcher.services import free_port
from shared_state import StateUnavailable
from shared_state.redis_state import RedisState
from tests.channels.conftest import _start


@pytest.fixture(scope="module")
def gateway_without_redis(stack, fake_twilio, fake_telegram, tmp_path_factory):
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    started = _start(
        stack, fake_twilio, fake_telegram, tmp_path_factory.mktemp("no-redis-log"), SHARED_STATE_URL=dead_redis
    )
    yield started
    started.process.stop()


def test_a_message_gets_an_apology_when_the_shared_state_is_down(gateway_without_redis):
    url = gateway_without_redis.url
    sender = requests.post(url + "/webchat/sessions", timeout=10).json()["sender"]
    response = requests.post(url + "/webchat/messages", json={"sender": sender, "message": "hola"}, timeout=30)
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["messages"]] == [copy.APOLOGY]


@pytest.mark.parametrize(
    "call",
    [
        lambda state: state.put("a", "b", 1),
        lambda state: state.get("a"),
        lambda state: state.delete("a"),
        lambda state: state.add_once("a", 1),
        lambda state: state.hit("a", 1.0, 60, 5),
    ],
)
def test_every_redis_failure_reads_as_state_unavailable(call):
    state = RedisState.from_url(f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(StateUnavailable):
        call(state)
