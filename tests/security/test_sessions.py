"""Attacks on sessions: an idle chat, a signed-out chat, a Telegram group, what the web widget leaves behind.

Each test is one attack through real processes (API, Rasa, actions, gateway,
Chromium); it passes when the attack is refused.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from launcher.services import start_telegram_polling
from tests.api.chat_sessions import LAURA, api_call, api_days_later, policies_of, verify
from tests.channels.conftest import (  # noqa: F401 - fixtures
    TELEGRAM_TOKEN,
    fake_telegram,
    fake_twilio,
    gateway,
)
from tests.channels.conversation import sign_in
from tests.channels.test_webchat import CHROMIUM_ARGS, bot_texts, say
from tests.conftest import latest_code, start_demo_api
from tests.conversations import stored_events

LAURAS_POLICIES = ("AU-1048576", "HOG-778899")


# -- helpers -------------------------------------------------------------------------


def rasa_turns(stack, sender: str) -> int:
    """How many events Rasa's (sealed) tracker store holds for ``sender``."""
    return len(stored_events(stack.tracker_env, sender))


def group_update(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    """A text message in a Telegram supergroup, from one of its members."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "supergroup", "title": "Familia Gómez"},
            "from": {"id": 5550101, "is_bot": False, "first_name": "Laura"},
            "text": text,
        },
    }


def group_chat_id() -> int:
    return -(10**12 + secrets.randbelow(10**9))


# -- idle chats ------------------------------------------------------------------------


@pytest.mark.attack
def test_a_chat_idle_past_the_limit_cannot_list_policies(tmp_path):
    api = start_demo_api(tmp_path, {"CHAT_SESSION_IDLE_DAYS": "30"})
    sender = "whatsapp:+5491155550101"
    try:
        verify(api.url, api.token, api.outbox_dir, sender, LAURA)
        assert policies_of(api.url, api.token, sender).status_code == 200
    finally:
        api.process.stop()
    later = api_days_later(api, 31, tmp_path / "log-later")
    try:
        answer = policies_of(later.url, api.token, sender)
        assert answer.status_code == 401 and answer.json()["error"]["code"] == "not_verified"
        # Forgotten, not only hidden: even the clock going back would not bring it back.
        assert api_call(later.url, api.token, "GET", "/v1/me", sender).status_code == 401
    finally:
        later.stop()


# -- signing out -----------------------------------------------------------------------


@pytest.mark.attack
def test_a_signed_out_chat_cannot_list_policies(gateway, stack):  # noqa: F811
    sender = gateway.web_sender()

    def send(text: str) -> list[str]:
        answer = gateway.web(sender, text)
        assert answer.status_code == 200
        return [message.get("text", "") for message in answer.json()["messages"]]

    sign_in(send, stack.outbox_dir, LAURA)
    assert all(number in "\n".join(send("que seguros tengo?")) for number in LAURAS_POLICIES)

    signed_out = gateway.web(sender, "cerrar sesión")
    assert signed_out.status_code == 200 and signed_out.json().get("signed_out") is True

    after = "\n".join(send("que seguros tengo?"))
    assert not any(number in after for number in LAURAS_POLICIES)
    assert policies_of(stack.api_url, stack.api_token, sender).status_code == 401


# -- Telegram groups ----------------------------------------------------------------------


@pytest.mark.attack
def test_a_telegram_group_message_gets_no_policies_and_no_rasa_turn(gateway, fake_telegram, stack):  # noqa: F811
    chat_id = group_chat_id()
    sender = f"telegram:{chat_id}"
    # One member verified the group's chat (as anyone could in a group where the bot answers).
    verify(stack.api_url, stack.api_token, stack.outbox_dir, sender, LAURA)

    answer = gateway.telegram(group_update(gateway.next_update_id(), chat_id, "que seguros tengo?"))
    assert answer.status_code == 200
    said = "\n".join(fake_telegram.texts_to(chat_id))
    assert not any(number in said for number in LAURAS_POLICIES)
    assert rasa_turns(stack, sender) == 0
    assert fake_telegram.calls_to("leaveChat", chat_id), "the bot stays in the group"


@pytest.mark.attack
def test_a_telegram_group_message_by_polling_gets_no_policies_and_no_rasa_turn(
    stack, fake_telegram, tmp_path  # noqa: F811
):
    chat_id = group_chat_id()
    sender = f"telegram:{chat_id}"
    verify(stack.api_url, stack.api_token, stack.outbox_dir, sender, LAURA)
    fake_telegram.updates.append(group_update(800_000_000 + secrets.randbelow(10**8), chat_id, "que seguros tengo?"))
    telegram = {
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_BASE_URL": fake_telegram.url + "/bot",
        "TELEGRAM_BASE_FILE_URL": fake_telegram.url + "/file/bot",
    }
    process = start_telegram_polling(
        stack.rasa_url, stack.api_url, stack.api_token, stack.database_url, stack.hops, log_dir=tmp_path,
        extra_env=telegram,
    )  # fmt: skip
    try:
        # Handled once the bot either answered the group or left it.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (
            fake_telegram.calls_to("leaveChat", chat_id) or fake_telegram.calls_to("sendMessage", chat_id)
        ):
            time.sleep(0.1)
        time.sleep(0.5)  # a reply after the first call would come right away
    finally:
        process.terminate()
        process.wait(timeout=15)
    said = "\n".join(fake_telegram.texts_to(chat_id))
    assert not any(number in said for number in LAURAS_POLICIES), (tmp_path / "telegram-polling.log").read_text()
    assert rasa_turns(stack, sender) == 0
    assert fake_telegram.calls_to("leaveChat", chat_id), (tmp_path / "telegram-polling.log").read_text()


# -- what the web widget leaves in the host page --------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, gateway) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(locale="es-AR")
    opened = context.new_page()
    opened.goto(gateway.url + "/")
    yield opened
    context.close()


def storage_text(page: Page, kind: str) -> str:
    """Every key and value of the page's localStorage or sessionStorage, as one text."""
    return page.evaluate(
        f"""() => {{
            const store = window.{kind};
            const parts = [];
            for (let i = 0; i < store.length; i++) {{ const key = store.key(i); parts.push(key, store.getItem(key)); }}
            return parts.join("\\n");
        }}"""
    )


def widget_sign_in(page: Page, outbox: Path) -> str:
    """Sign in as Laura in the widget and list her policies; the code used."""
    previous = latest_code(outbox, LAURA)
    say(page, "quiero ingresar a mi cuenta")
    say(page, LAURA)
    deadline = time.monotonic() + 20
    code = None
    while time.monotonic() < deadline and code in (None, previous):
        code = latest_code(outbox, LAURA)
        time.sleep(0.2)
    assert code and code != previous, "no verification e-mail in the outbox"
    say(page, code)
    say(page, "que seguros tengo?")
    assert all(number in "\n".join(bot_texts(page)) for number in LAURAS_POLICIES)
    return code


@pytest.mark.attack
def test_the_widget_leaves_no_message_code_or_email_in_local_storage(page, stack):
    code = widget_sign_in(page, stack.outbox_dir)
    kept = storage_text(page, "localStorage")
    for secret in (code, LAURA, "que seguros tengo", *LAURAS_POLICIES, "Laura"):
        assert secret not in kept, f"localStorage keeps {secret!r}"
    # The conversation id is kept (the chat stays signed in across visits), with when it was last used.
    assert "web:" in kept


@pytest.mark.attack
def test_signing_out_in_the_widget_forgets_the_history_and_the_session(page, stack, gateway):  # noqa: F811
    code = widget_sign_in(page, stack.outbox_dir)
    old_sender = page.evaluate("JSON.parse(localStorage.getItem('miaval.webchat.sender')).id")
    say(page, "cerrar sesión")
    stored = storage_text(page, "localStorage") + storage_text(page, "sessionStorage")
    for secret in (code, LAURA, old_sender, *LAURAS_POLICIES):
        assert secret not in stored, f"the browser still keeps {secret!r} after signing out"
    assert not any(number in "\n".join(bot_texts(page)) for number in LAURAS_POLICIES)
    # The next message starts a new, not signed-in conversation.
    say(page, "que seguros tengo?")
    new_sender = page.evaluate("JSON.parse(localStorage.getItem('miaval.webchat.sender')).id")
    assert new_sender != old_sender
    assert not any(number in "\n".join(bot_texts(page)) for number in LAURAS_POLICIES)
    page.reload()
    assert code not in "\n".join(bot_texts(page))
