"""Bad input through Telegram's webhook (with the right secret): never a 500, one answer per update.

Replies are what the gateway sent to the fake Bot API; what reached the
assistant is read from Rasa's tracker store (sender ``telegram:<chat id>``).
"""

from __future__ import annotations

import time

import pytest
import requests

from channels import copy
from tests.bad_input.conftest import tracker_turns
from tests.channels.conftest import unique_chat_id

ODD_TEXTS = {
    "ten thousand characters": "me chocaron el auto " * 500,
    "emojis": "😀🚗💥🙏🏻👍🏽",
    "control characters": "hola\x00\x07\x1b[31m\u200b\u202e que tal",
    "sql": "'; DROP TABLE users; -- 1' OR '1'='1",
    "html": '<script>alert("x")</script><b>hola</b>',
}


def _texts(fake_telegram, chat_id: int) -> list[str]:
    return fake_telegram.texts_to(chat_id)


@pytest.mark.parametrize("kind", sorted(ODD_TEXTS))
def test_odd_text_is_answered_once(gateway, fake_telegram, stack, kind):
    chat_id = unique_chat_id()
    update = gateway.text_update(chat_id, ODD_TEXTS[kind])
    response = gateway.telegram(update)
    assert response.status_code == 200, (response.status_code, response.text[:300])
    texts = _texts(fake_telegram, chat_id)
    assert texts and all(0 < len(text) <= 4096 for text in texts)
    assert copy.APOLOGY not in texts
    assert len(tracker_turns(stack, f"telegram:{chat_id}")) == 1
    # Telegram redelivers the same update when unsure: handled once.
    assert gateway.telegram(update).status_code == 200
    assert _texts(fake_telegram, chat_id) == texts
    assert len(tracker_turns(stack, f"telegram:{chat_id}")) == 1


@pytest.mark.parametrize(
    "body",
    [
        b'{"update_id": 1, "message": {',
        b"not json at all",
        b'{"update_id": "1"}',
        b'{"update_id": 7, "message": {"text": "\xff\xfe\xc3\x28"}}',
        b"\xff\xfe\xfd",
        b"[]",
    ],
)
def test_broken_json_and_invalid_utf8_are_bad_requests(gateway, body):
    response = requests.post(
        gateway.url + "/telegram/webhook",
        data=body,
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": gateway.telegram_secret},
        timeout=60,
    )
    assert response.status_code == 400, (response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith("application/json")


def test_update_with_a_message_of_the_wrong_shape_is_not_a_500(gateway, fake_telegram):
    chat_id = unique_chat_id()
    update = gateway.text_update(chat_id, "hola")
    update["message"]["chat"] = "not an object"
    response = gateway.telegram(update)
    assert response.status_code in (200, 400), (response.status_code, response.text[:300])


def test_oversized_document_is_refused_clearly_without_downloading(gateway, fake_telegram, stack):
    chat_id = unique_chat_id()
    update = {
        "update_id": gateway.next_update_id(),
        "message": {
            "message_id": gateway.next_update_id(),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Prueba"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Prueba"},
            "document": {
                "file_id": "huge-file",
                "file_unique_id": "huge-file-u",
                "file_name": "choque.mp4",
                "mime_type": "video/mp4",
                "file_size": 45 * 1024 * 1024,
            },
        },
    }
    response = gateway.telegram(update)
    assert response.status_code == 200, (response.status_code, response.text[:300])
    texts = _texts(fake_telegram, chat_id)
    assert texts and copy.APOLOGY not in texts
    assert all(call.fields.get("file_id") != "huge-file" for call in fake_telegram.calls_to("getFile"))
    assert tracker_turns(stack, f"telegram:{chat_id}"), "the assistant was not told about the refused file"
