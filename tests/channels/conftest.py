"""Fixtures of the channel tests: the gateway (under gunicorn) in front of the real stack, fake Telegram and Twilio.

The gateway runs with the real python-telegram-bot and twilio libraries,
pointed at the fake servers on loopback (base_url settings).
"""

from __future__ import annotations

import itertools
import secrets
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests
from twilio.request_validator import RequestValidator

from launcher.services import ServiceProcess, free_port, start_gateway
from tests.channels.servers import FakeTelegram, FakeTwilio

TELEGRAM_TOKEN = "123456789:TEST-token_for-the-fake-api"
TWILIO_SID = "AC" + "0123456789abcdef" * 2
WHATSAPP_FROM = "whatsapp:+14155238886"


class ChannelGateway:
    """A running gateway plus helpers that speak each channel's webhook format."""

    def __init__(self, process: ServiceProcess, twilio_token: str, telegram_secret: str, twilio: FakeTwilio):
        self.process = process
        self.url = process.url
        self.twilio_token = twilio_token
        self.telegram_secret = telegram_secret
        self.twilio = twilio
        self._ids = itertools.count(int(time.time() * 1000) % 10**9)

    # -- WhatsApp ----------------------------------------------------------

    def whatsapp_form(self, sender: str, body: str = "", **extra: str) -> dict[str, str]:
        form = {
            "MessageSid": f"SM{secrets.token_hex(16)}",
            "AccountSid": TWILIO_SID,
            "From": sender,
            "To": WHATSAPP_FROM,
            "Body": body,
            "NumMedia": "0",
        }
        form.update(extra)
        return form

    def whatsapp(self, form: dict[str, str], signature: str | None = None) -> requests.Response:
        """POST a webhook signed the way Twilio signs it (unless a signature is given)."""
        url = self.url + "/whatsapp/webhook"
        if signature is None:
            signature = RequestValidator(self.twilio_token).compute_signature(url, form)
        return requests.post(url, data=form, headers={"X-Twilio-Signature": signature}, timeout=30)

    # -- Telegram ----------------------------------------------------------

    def next_update_id(self) -> int:
        return next(self._ids)

    def telegram(self, update: dict[str, Any], secret: str | None = None) -> requests.Response:
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.telegram_secret if secret is None else secret}
        return requests.post(self.url + "/telegram/webhook", json=update, headers=headers, timeout=60)

    def text_update(self, chat_id: int, text: str, update_id: int | None = None) -> dict[str, Any]:
        """An update as the Bot API documents it: a private text message."""
        return {
            "update_id": update_id or self.next_update_id(),
            "message": {
                "message_id": self.next_update_id(),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private", "first_name": "Prueba"},
                "from": {"id": chat_id, "is_bot": False, "first_name": "Prueba", "language_code": "es"},
                "text": text,
            },
        }

    # -- web chat ----------------------------------------------------------

    def web_sender(self) -> str:
        response = requests.post(self.url + "/webchat/sessions", timeout=10)
        response.raise_for_status()
        return response.json()["sender"]

    def web(self, sender: str, message: str, **extra: Any) -> requests.Response:
        body = {"sender": sender, "message": message, **extra}
        return requests.post(self.url + "/webchat/messages", json=body, timeout=60)


def gateway_env(twilio: FakeTwilio, telegram: FakeTelegram, twilio_token: str, secret: str) -> dict[str, str]:
    return {
        # Every test comes from 127.0.0.1: the per-address limits are tried by tests/security with their own gateway.
        "WEBCHAT_SESSIONS_PER_ADDRESS_PER_MINUTE": "100000",
        "WEBCHAT_REQUESTS_PER_ADDRESS_PER_MINUTE": "100000",
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_AUTH_TOKEN": twilio_token,
        "TWILIO_WHATSAPP_FROM": WHATSAPP_FROM,
        "TWILIO_API_BASE_URL": twilio.url,
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": secret,
        "TELEGRAM_BASE_URL": telegram.url + "/bot",
        "TELEGRAM_BASE_FILE_URL": telegram.url + "/file/bot",
    }


@pytest.fixture(scope="session")
def fake_twilio() -> Iterator[FakeTwilio]:
    server = FakeTwilio(TWILIO_SID, secrets.token_hex(16))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fake_telegram() -> Iterator[FakeTelegram]:
    server = FakeTelegram(TELEGRAM_TOKEN)
    yield server
    server.stop()


def _start(stack, fake_twilio, fake_telegram, log_dir: Path, **overrides: str) -> ChannelGateway:
    secret = secrets.token_urlsafe(24)
    rasa_url = overrides.pop("RASA_URL", stack.rasa_url)
    env = gateway_env(fake_twilio, fake_telegram, fake_twilio.auth_token, secret)
    env.update(overrides)
    process = start_gateway(
        rasa_url,
        stack.api_url,
        stack.api_token,
        stack.database_url,
        stack.hops,
        log_dir=log_dir,
        extra_env=env,
    )
    return ChannelGateway(process, fake_twilio.auth_token, secret, fake_twilio)


@pytest.fixture(scope="session")
def gateway(stack, fake_twilio, fake_telegram, tmp_path_factory) -> Iterator[ChannelGateway]:
    """The gateway in front of the real Rasa and API."""
    started = _start(stack, fake_twilio, fake_telegram, tmp_path_factory.mktemp("gateway-log"))
    yield started
    started.process.stop()


@pytest.fixture(scope="module")
def unlimited_gateway(stack, fake_twilio, fake_telegram, tmp_path_factory) -> Iterator[ChannelGateway]:
    """A gateway without the per-sender rate limit: a test types faster than a person (the benchmark's setting)."""
    started = _start(
        stack, fake_twilio, fake_telegram, tmp_path_factory.mktemp("unlimited-gateway-log"),
        GATEWAY_RATE_LIMIT_PER_MINUTE="1000000",
    )  # fmt: skip
    yield started
    started.process.stop()


@pytest.fixture(scope="session")
def slow_gateway(stack, fake_twilio, fake_telegram, tmp_path_factory) -> Iterator[ChannelGateway]:
    """A gateway whose WhatsApp reply budget is spent at once: every answer goes through Twilio's REST API."""
    started = _start(
        stack, fake_twilio, fake_telegram, tmp_path_factory.mktemp("slow-gateway-log"), WHATSAPP_REPLY_BUDGET="0.001"
    )
    yield started
    started.process.stop()


@pytest.fixture(scope="session")
def gateway_without_rasa(stack, fake_twilio, fake_telegram, tmp_path_factory) -> Iterator[ChannelGateway]:
    """A gateway whose Rasa is down (a port nobody listens on)."""
    dead_rasa = f"http://127.0.0.1:{free_port()}"
    started = _start(
        stack, fake_twilio, fake_telegram, tmp_path_factory.mktemp("no-rasa-log"), RASA_URL=dead_rasa, RASA_TIMEOUT="2"
    )
    yield started
    started.process.stop()


def unique_chat_id() -> int:
    return 10**9 + secrets.randbelow(10**9)


def unique_whatsapp() -> str:
    return "whatsapp:+54911" + "".join(str(secrets.randbelow(10)) for _ in range(8))

