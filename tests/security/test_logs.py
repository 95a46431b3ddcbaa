"""Secrets and personal data never reach a log.

Real conversations go through the gateway on every channel (WhatsApp through
the fake Twilio, with a photo and a reply by Twilio's REST API; Telegram through
the fake Bot API with a bot token; the web chat), each signing in with an
e-mailed code. Then every log file of every service of that stack is read for
the tokens, the keys, the codes sent, the e-mail addresses and the phone numbers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from launcher.outbox import code_in_email
from tests import media
from tests.channels.conftest import (  # noqa: F401 - fixtures
    TELEGRAM_TOKEN,
    fake_telegram,
    fake_twilio,
    gateway,
    slow_gateway,
    unique_chat_id,
    unique_whatsapp,
)
from tests.channels.conversation import sign_in
from tests.channels.test_whatsapp import twiml_messages

ON_WHATSAPP = "laura.gomez@example.com"
ON_TELEGRAM = "sofia.martinez@estudiomartinez.example"
ON_WEB = "carlos.benitez@example.com"
# Typed in Rasa's intent syntax on every channel: Rasa once logged such text whole ("Failed to parse arguments").
TYPED_DNI, TYPED_MAIL, TYPED_PHONE = "30123456", "pepe.ataque@example.net", "1155550123"
TYPED = "/inform{mi dni es " + TYPED_DNI + ", mail " + TYPED_MAIL + ", cel " + TYPED_PHONE + "}"


def _codes_sent(outbox: Path, addresses: tuple[str, ...]) -> set[str]:
    codes = set()
    for path in outbox.glob("*.eml"):
        for address in addresses:
            code = code_in_email(path.read_bytes(), address)
            if code:
                codes.add(code)
    return codes


def _log_files(*services) -> list[Path]:
    """Every log file in the log folders of these services."""
    folders = {service.log_path.parent for service in services}
    return sorted(path for folder in folders for path in folder.glob("*.log"))


@pytest.fixture(scope="module")
def conversations(stack, gateway, slow_gateway, fake_twilio, fake_telegram) -> dict[str, str]:  # noqa: F811
    """Sign in on every channel and do a little; the phone number of the WhatsApp user."""
    phone = unique_whatsapp()
    fake_twilio.media["log-test-photo"] = ("image/jpeg", media.JPEG)

    def whatsapp(text: str) -> list[str]:
        response = gateway.whatsapp(gateway.whatsapp_form(phone, text))
        assert response.status_code == 200
        return [message["body"] for message in twiml_messages(response.text)]

    sign_in(whatsapp, stack.outbox_dir, ON_WHATSAPP)
    whatsapp("que seguros tengo?")
    whatsapp(TYPED)
    photo = gateway.whatsapp_form(
        phone, "", NumMedia="1", MediaUrl0=fake_twilio.url + "/media/log-test-photo", MediaContentType0="image/jpeg"
    )
    assert gateway.whatsapp(photo).status_code == 200

    late_phone = unique_whatsapp()  # answered through Twilio's REST API (the twilio library logs its calls)
    assert slow_gateway.whatsapp(slow_gateway.whatsapp_form(late_phone, "hola")).status_code == 200
    assert fake_twilio.wait_for(late_phone), "no reply went through Twilio's REST API"

    chat_id = unique_chat_id()

    def telegram(text: str) -> list[str]:
        before = len(fake_telegram.texts_to(chat_id))
        assert gateway.telegram(gateway.text_update(chat_id, text)).status_code == 200
        return fake_telegram.texts_to(chat_id)[before:]

    sign_in(telegram, stack.outbox_dir, ON_TELEGRAM)
    telegram("que seguros tengo?")
    telegram(TYPED)

    web_sender = gateway.web_sender()

    def web(text: str) -> list[str]:
        response = gateway.web(web_sender, text)
        assert response.status_code == 200
        return [message.get("text", "") for message in response.json()["messages"]]

    sign_in(web, stack.outbox_dir, ON_WEB)
    web("que seguros tengo?")
    web(TYPED)
    return {"phone": phone, "late_phone": late_phone}


@pytest.fixture(scope="module")
def logs(stack, gateway, slow_gateway, conversations) -> dict[Path, str]:  # noqa: F811
    files = _log_files(stack.api.process, stack.actions, stack.rasa, gateway.process, slow_gateway.process)
    assert len(files) >= 5, files
    return {path: path.read_text(errors="replace") for path in files}


def _found(logs: dict[Path, str], needles: dict[str, str]) -> list[str]:
    return [
        f"{what} in {path.parent.name}/{path.name}"
        for what, needle in needles.items()
        for path, text in logs.items()
        if needle in text
    ]


@pytest.mark.attack
def test_no_token_or_key_is_logged(stack, gateway, fake_twilio, logs):  # noqa: F811
    """Whoever reads the logs must not get the bot, the Twilio account, the API or any key."""
    needles = {
        "the Telegram bot token": TELEGRAM_TOKEN,
        "the bot token's secret part": TELEGRAM_TOKEN.split(":", 1)[1],
        "the Twilio auth token": fake_twilio.auth_token,
        "the Mi Aval API token": stack.api_token,
        "the Telegram webhook secret": gateway.telegram_secret,
    }
    for name in ("MIAVAL_SECRET_KEY", "LOG_HASH_KEY"):
        for service in (stack.api.process, gateway.process):
            if service.env.get(name):
                needles[name] = service.env[name]
    assert _found(logs, needles) == []


# Regression guards: today's code already keeps these out (so they are not counted as attacks).


def test_no_code_is_logged(stack, logs):
    """The one-time codes e-mailed during the conversations appear in no log."""
    codes = _codes_sent(stack.outbox_dir, (ON_WHATSAPP, ON_TELEGRAM, ON_WEB))
    assert len(codes) >= 3
    assert _found(logs, {f"code {code}": code for code in codes}) == []


def test_no_email_address_or_phone_number_is_logged(conversations, logs):
    """Nobody learns from the logs who talked to the assistant."""
    needles = {address: address for address in (ON_WHATSAPP, ON_TELEGRAM, ON_WEB)}
    for key in ("phone", "late_phone"):
        needles[key] = conversations[key].removeprefix("whatsapp:+")
    assert _found(logs, needles) == []


def test_no_message_text_is_logged(logs):
    """What people write stays out of the logs."""
    assert _found(logs, {"a message": "que seguros tengo?"}) == []


@pytest.mark.attack
def test_personal_data_typed_as_an_intent_is_not_logged(logs):
    """A DNI, an e-mail and a phone typed as ``/inform{…}`` on every channel reach no log of any process."""
    needles = {"a typed DNI": TYPED_DNI, "a typed e-mail": TYPED_MAIL, "a typed phone": TYPED_PHONE}
    needles["the typed text"] = TYPED[:20]
    assert _found(logs, needles) == []
