"""Bad input through the web chat JSON API: a clear answer each time, never a 500, nothing lost or doubled.

A refused message (4xx JSON with a code) must not reach Rasa; an accepted one
reaches it exactly once (counted in Rasa's tracker store); either way the
conversation goes on normally afterwards.
"""

from __future__ import annotations

import secrets

import pytest
import requests

from channels import copy
from tests.bad_input.conftest import tracker_turns

TEXTS_THE_ASSISTANT_MUST_ANSWER = {
    "emojis": "😀🚗💥🙏🏻👍🏽",
    "control characters": "hola\x00\x07\x1b[31m\u200b\u202e que tal",
    "sql": "'; DROP TABLE users; -- 1' OR '1'='1",
    "html": '<script>alert("x")</script><img src=x onerror=alert(1)> <b>hola</b>',
    "lone surrogate-like text": "hola \ufffd\ufffd chau",
}


def _assert_clear_refusal(response: requests.Response, code: str) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == code


def _assert_real_answer(response: requests.Response) -> list[dict]:
    assert response.status_code == 200, (response.status_code, response.text[:300])
    messages = response.json()["messages"]
    texts = [message.get("text", "") for message in messages if message.get("type") == "text"]
    assert texts and all(text.strip() for text in texts), messages
    assert copy.APOLOGY not in texts, "the assistant failed behind the gateway"
    return messages


@pytest.mark.parametrize("kind", sorted(TEXTS_THE_ASSISTANT_MUST_ANSWER))
def test_odd_text_gets_an_answer_and_reaches_rasa_once(gateway, stack, kind):
    sender = gateway.web_sender()
    text = TEXTS_THE_ASSISTANT_MUST_ANSWER[kind]
    delivery_id = "odd-" + secrets.token_urlsafe(12)
    _assert_real_answer(gateway.web(sender, text, id=delivery_id))
    assert len(tracker_turns(stack, sender)) == 1
    # The same delivery retried by the browser is not answered twice.
    again = gateway.web(sender, text, id=delivery_id)
    assert again.status_code == 200 and again.json().get("duplicate") is True
    assert len(tracker_turns(stack, sender)) == 1
    _assert_real_answer(gateway.web(sender, "hola"))
    assert len(tracker_turns(stack, sender)) == 2


def test_ten_thousand_characters_are_refused_clearly_and_the_chat_goes_on(gateway, stack):
    sender = gateway.web_sender()
    _assert_clear_refusal(gateway.web(sender, "me chocaron " * 834), "message_too_long")  # 10,008 characters
    assert tracker_turns(stack, sender) == []
    _assert_real_answer(gateway.web(sender, "hola"))
    assert tracker_turns(stack, sender) == ["hola"]


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_message_is_refused_clearly(gateway, stack, text):
    sender = gateway.web_sender()
    _assert_clear_refusal(gateway.web(sender, text), "empty_message")
    assert tracker_turns(stack, sender) == []


@pytest.mark.parametrize(
    "body",
    [
        b'{"sender": "web:xxxxxxxxxxxxxxxxxxxxxxxx", "message": "hola"',  # cut short
        b"{sender: web, message: hola}",
        b"null",
        b"[]",
        b'{"sender": "web:xxxxxxxxxxxxxxxxxxxxxxxx", "message": "\xff\xfe hola \xc3\x28"}',  # invalid UTF-8
        b"\xff\xfe\xfd",
    ],
)
def test_broken_json_and_invalid_utf8_are_bad_requests(gateway, body):
    response = requests.post(
        gateway.url + "/webchat/messages", data=body, headers={"Content-Type": "application/json"}, timeout=30
    )
    assert response.status_code == 400, (response.status_code, response.text[:300])
    assert response.json()["error"]["code"] == "invalid_json"


@pytest.mark.parametrize(
    "body, code",
    [
        ({"sender": "web:short", "message": "hola"}, "invalid_sender"),
        ({"sender": "web:'; DROP TABLE users; --xxxxxxxxxxx", "message": "hola"}, "invalid_sender"),
        ({"sender": "telegram:12345678901234567890123", "message": "hola"}, "invalid_sender"),
        ({"message": "hola"}, "invalid_sender"),
        ({"sender": None, "message": ["hola"]}, "invalid_sender"),
    ],
)
def test_bad_sender_is_refused(gateway, body, code):
    _assert_clear_refusal(requests.post(gateway.url + "/webchat/messages", json=body, timeout=30), code)


def test_message_of_the_wrong_type_is_refused(gateway):
    sender = gateway.web_sender()
    for message in (None, 42, ["hola"], {"text": "hola"}):
        _assert_clear_refusal(gateway.web(sender, message), "empty_message")  # type: ignore[arg-type]


def test_oversized_attachment_gets_a_clear_answer(gateway, stack):
    sender = gateway.web_sender()
    big = b"\xff\xd8\xff\xe0" + b"0" * (10 * 1024 * 1024 + 10)  # a JPEG header, just over the 10 MB limit
    response = requests.post(
        gateway.url + "/webchat/uploads",
        data={"sender": sender},
        files={"file": ("choque.jpg", big, "image/jpeg")},
        timeout=60,
    )
    messages = _assert_real_answer(response)
    assert any(message.get("text") for message in messages)
    # Far over the limit: refused by the gateway itself before reading it all, still as JSON.
    huge = b"0" * (12 * 1024 * 1024)
    response = requests.post(
        gateway.url + "/webchat/uploads",
        data={"sender": sender},
        files={"file": ("choque.jpg", huge, "image/jpeg")},
        timeout=60,
    )
    assert response.status_code == 413, (response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith("application/json")
    _assert_real_answer(gateway.web(sender, "hola"))


def test_unsupported_attachment_type_gets_a_clear_answer(gateway):
    sender = gateway.web_sender()
    response = requests.post(
        gateway.url + "/webchat/uploads",
        data={"sender": sender},
        files={"file": ("virus.exe", b"MZ\x90\x00" * 100, "application/x-msdownload")},
        timeout=60,
    )
    _assert_real_answer(response)


def test_bad_location_is_refused(gateway):
    sender = gateway.web_sender()
    for latitude, longitude in ((999, 0), ("-34.6", "-58.4"), (float("nan"), 0), (True, False)):
        response = requests.post(
            gateway.url + "/webchat/locations",
            data=f'{{"sender": "{sender}", "latitude": {str(latitude).lower()}, "longitude": {str(longitude).lower()}}}'
            if isinstance(latitude, float)
            else None,
            json=None
            if isinstance(latitude, float)
            else {"sender": sender, "latitude": latitude, "longitude": longitude},
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
        assert 400 <= response.status_code < 500, (latitude, longitude, response.status_code, response.text[:200])
