"""What the event broker publishes (conversation_store.sealing.EventSealer): sealed with the store's keys."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet, InvalidToken

from conversation_store.sealing import EventSealer, row_key

EVENT = {"sender_id": "whatsapp:+5491155550101", "event": "user", "text": "choqué con el auto", "timestamp": 1.5}


def test_a_sealed_event_is_a_fernet_token_of_the_event_under_the_conversations_row_key():
    key = Fernet.generate_key()
    sealer = EventSealer([key.decode()], "sender-key")
    body = sealer.seal(EVENT)
    with pytest.raises(ValueError):
        json.loads(body)
    published = {**EVENT, "sender_id": row_key("sender-key", EVENT["sender_id"])}
    assert json.loads(Fernet(key).decrypt(body)) == published
    assert sealer.open(body) == published


def test_an_event_sealed_before_a_key_rotation_still_opens_and_a_stranger_key_opens_none():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    body = EventSealer([old], "sender-key").seal(EVENT)
    assert EventSealer([new, old], "sender-key").open(body)["text"] == EVENT["text"]
    with pytest.raises(InvalidToken):
        EventSealer([new], "sender-key").open(body)


def test_an_event_without_a_sender_is_sealed_as_it_is():
    sealer = EventSealer([Fernet.generate_key().decode()], "sender-key")
    assert sealer.open(sealer.seal({"event": "action", "name": "action_listen"})) == {
        "event": "action", "name": "action_listen",
    }  # fmt: skip
