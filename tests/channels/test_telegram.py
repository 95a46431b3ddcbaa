"""Telegram over HTTP: the real python-telegram-bot, its replies captured by the fake Bot API."""

from __future__ import annotations

import subprocess
import sys
import time

from channels import copy
from launcher.services import ROOT, base_env
from tests import media
from tests.channels.conftest import TELEGRAM_TOKEN, unique_chat_id


def test_text_update_is_answered_through_the_bot_api(gateway, fake_telegram):
    chat_id = unique_chat_id()
    response = gateway.telegram(gateway.text_update(chat_id, "hola"))
    assert response.status_code == 200
    texts = fake_telegram.texts_to(chat_id)
    assert texts and all(0 < len(text) <= 4096 for text in texts)
    assert copy.APOLOGY not in texts


def test_wrong_or_missing_secret_is_refused_and_reaches_nothing(gateway, fake_telegram):
    chat_id = unique_chat_id()
    update = gateway.text_update(chat_id, "hola")
    assert gateway.telegram(update, secret="wrong").status_code == 403
    assert gateway.telegram(update, secret="").status_code == 403
    assert fake_telegram.calls_to("sendMessage", chat_id) == []
    # Not recorded as seen either: the genuine delivery of the same update is answered.
    assert gateway.telegram(update).status_code == 200
    assert fake_telegram.texts_to(chat_id)


def test_retried_update_gets_one_reply(gateway, fake_telegram):
    chat_id = unique_chat_id()
    update = gateway.text_update(chat_id, "hola")
    assert gateway.telegram(update).status_code == 200
    first = len(fake_telegram.calls_to("sendMessage", chat_id))
    assert gateway.telegram(update).status_code == 200
    assert first > 0
    assert len(fake_telegram.calls_to("sendMessage", chat_id)) == first


def test_not_an_update_is_a_bad_request(gateway):
    assert gateway.telegram({"hello": "world"}).status_code == 400


def test_button_press_is_answered_and_acknowledged(gateway, fake_telegram):
    chat_id = unique_chat_id()
    update_id = gateway.next_update_id()
    callback = {
        "update_id": update_id,
        "callback_query": {
            "id": f"cb{update_id}",
            "from": {"id": chat_id, "is_bot": False, "first_name": "Prueba"},
            "chat_instance": "1",
            "data": "/greet",
            "message": {
                "message_id": 5,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": "Elegí una opción:",
            },
        },
    }
    assert gateway.telegram(callback).status_code == 200
    answered = [call.fields["callback_query_id"] for call in fake_telegram.calls_to("answerCallbackQuery")]
    assert f"cb{update_id}" in answered
    assert fake_telegram.texts_to(chat_id)


def test_photo_is_downloaded_and_handed_to_the_assistant(gateway, fake_telegram):
    chat_id = unique_chat_id()
    fake_telegram.files[f"photo{chat_id}"] = media.JPEG
    update = {
        "update_id": gateway.next_update_id(),
        "message": {
            "message_id": 7,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "photo": [
                {"file_id": f"small{chat_id}", "file_unique_id": "s", "width": 90, "height": 90, "file_size": 900},
                {"file_id": f"photo{chat_id}", "file_unique_id": "b", "width": 800, "height": 600, "file_size": 5004},
            ],
        },
    }
    assert gateway.telegram(update).status_code == 200
    asked = [call.fields["file_id"] for call in fake_telegram.calls_to("getFile")]
    assert f"photo{chat_id}" in asked and f"small{chat_id}" not in asked
    assert fake_telegram.texts_to(chat_id)


def test_rasa_down_gives_a_spanish_apology(gateway_without_rasa, fake_telegram):
    chat_id = unique_chat_id()
    assert gateway_without_rasa.telegram(gateway_without_rasa.text_update(chat_id, "hola")).status_code == 200
    assert fake_telegram.texts_to(chat_id) == [copy.APOLOGY]


def test_polling_mode_answers_without_a_webhook(stack, fake_telegram, tmp_path):
    chat_id = unique_chat_id()
    update_id = 900_000_000 + chat_id % 1_000_000
    fake_telegram.updates.append(
        {
            "update_id": update_id,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": "hola",
            },
        }
    )
    env = base_env(
        {
            "RASA_URL": stack.rasa_url,
            "RASA_CHANNEL_SECRET": stack.hops.rasa_channel_secret,
            "MIAVAL_API_URL": stack.api_url,
            "MIAVAL_API_TOKEN": stack.api_token,
            "DATABASE_URL": stack.database_url,
            "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
            "TELEGRAM_BASE_URL": fake_telegram.url + "/bot",
            "TELEGRAM_BASE_FILE_URL": fake_telegram.url + "/file/bot",
        }
    )
    with open(tmp_path / "polling.log", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "channels.telegram_polling"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            calls = fake_telegram.wait_for("sendMessage", chat_id, timeout=60)
        finally:
            process.terminate()
            process.wait(timeout=15)
    assert calls, (tmp_path / "polling.log").read_text()
    assert fake_telegram.calls_to("deleteWebhook")


def test_certificate_arrives_as_a_file(gateway, fake_telegram, stack):
    from tests.channels.conversation import sign_in

    chat_id = unique_chat_id()

    def send(text: str) -> list[str]:
        before = len(fake_telegram.texts_to(chat_id))
        assert gateway.telegram(gateway.text_update(chat_id, text)).status_code == 200
        return fake_telegram.texts_to(chat_id)[before:]

    sign_in(send, stack.outbox_dir, "laura.gomez@example.com")
    send("mandame el certificado de cobertura del auto AU-1048576")
    documents = fake_telegram.calls_to("sendDocument", chat_id)
    assert documents, "\n".join(fake_telegram.texts_to(chat_id))
    filename, content = next(iter(documents[-1].files.values()))
    assert content.startswith(b"%PDF") and filename.endswith(".pdf")


def test_signing_out_on_telegram_asks_to_sign_in_again(gateway, fake_telegram, stack):
    from tests.channels.conversation import sign_in

    chat_id = unique_chat_id()

    def send(text: str) -> list[str]:
        before = len(fake_telegram.texts_to(chat_id))
        assert gateway.telegram(gateway.text_update(chat_id, text)).status_code == 200
        return fake_telegram.texts_to(chat_id)[before:]

    sign_in(send, stack.outbox_dir, "laura.gomez@example.com")
    assert "AU-1048576" in "\n".join(send("que seguros tengo?"))
    assert "cerré tu sesión" in "\n".join(send("cerra sesion porfa"))
    after = "\n".join(send("que seguros tengo?"))
    assert "AU-1048576" not in after and "e-mail" in after


def test_a_voice_note_is_answered_kindly_and_never_downloaded(gateway, fake_telegram):
    chat_id = unique_chat_id()
    for index, key in enumerate(("voice", "audio")):
        update = {
            "update_id": gateway.next_update_id(),
            "message": {
                "message_id": 30 + index,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                key: {"file_id": f"{key}{chat_id}", "file_unique_id": key, "duration": 4, "mime_type": "audio/ogg"},
            },
        }
        assert gateway.telegram(update).status_code == 200
    assert fake_telegram.texts_to(chat_id) == [copy.VOICE_NOTE, copy.VOICE_NOTE]
    assert "no puedo escuchar audios" in copy.VOICE_NOTE.lower()
    assert not [call for call in fake_telegram.calls_to("getFile") if str(chat_id) in call.fields["file_id"]]
