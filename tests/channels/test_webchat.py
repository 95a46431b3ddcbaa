"""The web chat: its JSON API over HTTP, and the widget driven in headless Chromium (Playwright)."""

from __future__ import annotations

import re
import time

import pytest
import requests
from playwright.sync_api import Page, expect, sync_playwright

from channels import copy
from tests.conftest import latest_code

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, gateway) -> Page:
    context = browser.new_context(locale="es-AR")
    opened = context.new_page()
    opened.goto(gateway.url + "/")
    yield opened
    context.close()


def say(page: Page, text: str) -> None:
    before = page.locator("#miaval-webchat .msg.bot").count()
    page.locator("#miaval-webchat input[type=text]").fill(text)
    page.locator("#miaval-webchat button.send").click()
    expect(page.locator("#miaval-webchat .msg.bot")).not_to_have_count(before, timeout=30_000)
    expect(page.locator("#miaval-webchat .typing")).to_have_count(0, timeout=30_000)


def bot_texts(page: Page) -> list[str]:
    return page.locator("#miaval-webchat .msg.bot").all_inner_texts()


# -- JSON API ------------------------------------------------------------------


def test_session_ids_are_random_web_ids(gateway):
    first, second = gateway.web_sender(), gateway.web_sender()
    assert re.fullmatch(r"web:[A-Za-z0-9_-]{22,64}", first)
    assert first != second


def test_messages_are_answered_as_json(gateway):
    response = gateway.web(gateway.web_sender(), "hola")
    assert response.status_code == 200
    messages = response.json()["messages"]
    assert messages and all(message["type"] in ("text", "image", "document") for message in messages)
    assert copy.APOLOGY not in [message.get("text") for message in messages]


@pytest.mark.parametrize(
    "body",
    [
        ({"sender": "telegram:123", "message": "hola"}, "invalid_sender"),
        ({"sender": "web:short", "message": "hola"}, "invalid_sender"),
        ({"sender": "web:" + "a" * 54, "message": "hola"}, "invalid_sender"),  # well-formed, never issued
        ({"sender": "ISSUED", "message": ""}, "empty_message"),
        ({"sender": "ISSUED", "message": "x" * 2001}, "message_too_long"),
        ({"sender": "ISSUED", "message": "hola", "id": "no spaces allowed"}, "invalid_id"),
    ],
)
def test_bad_requests_get_a_clear_400(gateway, body):
    body, code = body
    if body["sender"] == "ISSUED":
        body = {**body, "sender": gateway.web_sender()}
    response = requests.post(gateway.url + "/webchat/messages", json=body, timeout=10)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_a_retried_delivery_id_is_answered_once(gateway):
    sender = gateway.web_sender()
    first = gateway.web(sender, "hola", id="delivery-0001").json()
    again = gateway.web(sender, "hola", id="delivery-0001").json()
    assert first["messages"]
    assert again == {"messages": [], "duplicate": True}


def test_unknown_document_token_is_404(gateway):
    assert requests.get(gateway.url + "/files/not-a-real-token-123", timeout=10).status_code in (404, 410)


# -- the widget ------------------------------------------------------------------


def test_widget_answers_and_the_conversation_survives_a_reload(page):
    say(page, "hola")
    sender = page.evaluate("JSON.parse(localStorage.getItem('miaval.webchat.sender')).id")
    assert sender.startswith("web:")
    count = page.locator("#miaval-webchat .msg").count()
    page.reload()
    expect(page.locator("#miaval-webchat .msg")).to_have_count(count)
    assert page.evaluate("JSON.parse(localStorage.getItem('miaval.webchat.sender')).id") == sender


def test_widget_with_an_id_the_gateway_no_longer_accepts_starts_a_new_conversation(browser, gateway):
    """An id kept from before the gateway's key changed (or typed into localStorage) is refused by the gateway;
    the widget forgets it, gets a new one and sends the message again: the customer sees an answer."""
    forged = "web:" + "f" * 54
    context = browser.new_context(locale="es-AR")
    context.add_init_script(
        "localStorage.setItem('miaval.webchat.sender', JSON.stringify({id: '" + forged + "', usedAt: Date.now()}));"
        "localStorage.setItem('miaval.webchat.open', 'true');"
    )
    page = context.new_page()
    try:
        page.goto(gateway.url + "/")
        say(page, "hola")
        assert "No pude conectarme" not in "\n".join(bot_texts(page))
        kept = page.evaluate("JSON.parse(localStorage.getItem('miaval.webchat.sender')).id")
        assert kept != forged and re.fullmatch(r"web:[A-Za-z0-9_-]{54}", kept)
        assert page.locator("#miaval-webchat .msg.user").count() == 1  # said once, sent twice
    finally:
        context.close()


def test_widget_never_interprets_message_html(page):
    page.evaluate("window.__xss = 0")
    say(page, '<img src=x onerror="window.__xss=1"> mirá https://example.com/ayuda?x=1 <b>negrita</b>')
    bubble = page.locator("#miaval-webchat .msg.user").last
    expect(bubble).to_contain_text('<img src=x onerror="window.__xss=1">')
    assert bubble.locator("img").count() == 0 and bubble.locator("b").count() == 0
    link = bubble.locator("a")
    expect(link).to_have_attribute("href", "https://example.com/ayuda?x=1")
    expect(link).to_have_attribute("rel", re.compile("noopener"))
    time.sleep(0.3)
    assert page.evaluate("window.__xss") == 0


def test_widget_fits_a_phone(browser, gateway):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.goto(gateway.url + "/")
    box = phone.locator("#miaval-webchat .panel").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    say(phone, "hola")
    context.close()


# -- a whole conversation (needs the trained assistant) ---------------------------


def test_sign_in_and_list_policies_in_the_widget(page, stack):
    say(page, "quiero ingresar a mi cuenta")
    say(page, "laura.gomez@example.com")
    deadline = time.monotonic() + 20
    code = None
    while code is None and time.monotonic() < deadline:
        code = latest_code(stack.outbox_dir, "laura.gomez@example.com")
        time.sleep(0.2)
    assert code, "no verification e-mail in the outbox"
    say(page, code)
    say(page, "que seguros tengo?")
    everything = "\n".join(bot_texts(page))
    assert "AU-1048576" in everything and "HOG-778899" in everything
    # Client names are marked *like this* for WhatsApp; the widget shows them in bold, without asterisks.
    assert page.locator("strong", has_text="Martín Gómez").count() >= 1
    assert "*Martín Gómez*" not in everything
