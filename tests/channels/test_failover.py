"""The gateway's Rasa client over several replicas: failover when a replica cannot have handled the message,
never when it might still be handling it. Against the real Rasa server of the test stack."""

from __future__ import annotations

import secrets
import socket

import pytest

from channels.rasa import RasaClient, RasaUnavailable
from channels.routing import replica_order
from tests.conversations import user_texts


def sender_homed_on(replica: str, replicas: list[str]) -> str:
    while True:
        sender = "web:" + secrets.token_urlsafe(24)
        if replica_order(sender, replicas)[0] == replica:
            return sender


def closed_port_url() -> str:
    """A URL where nothing listens (a replica that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def refusing_url():
    return closed_port_url()


@pytest.fixture
def silent_url():
    """A replica that takes the connection and never answers (busy, or hung mid-turn)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_a_sender_whose_replica_is_down_is_answered_by_the_next_one(stack, refusing_url):
    replicas = [refusing_url, stack.rasa_url]
    sender = sender_homed_on(refusing_url, replicas)
    client = RasaClient(replicas, stack.hops.rasa_channel_secret, timeout=30)
    assert client.send(sender, "hola")
    assert user_texts(stack.tracker_env, sender) == ["hola"]


def test_a_replica_that_does_not_answer_in_time_is_not_replaced_by_another(stack, silent_url):
    replicas = [silent_url, stack.rasa_url]
    sender = sender_homed_on(silent_url, replicas)
    client = RasaClient(replicas, stack.hops.rasa_channel_secret, timeout=1)
    with pytest.raises(RasaUnavailable):
        client.send(sender, "hola")
    # It may still be working on that turn: the other replica must not run it too.
    assert user_texts(stack.tracker_env, sender) == []


def test_with_every_replica_down_the_gateway_apologizes(refusing_url):
    client = RasaClient([refusing_url, closed_port_url()], "s" * 32, timeout=2)
    with pytest.raises(RasaUnavailable):
        client.send("web:" + secrets.token_urlsafe(24), "hola")
