"""The people behind the bot, end to end: every part is a real process on ONE database and ONE conversation store.

The gateway, Rasa (with the trained model), the action server and the API of the shared ``stack``; the staff
console (gunicorn) and the courier (``python -m channels.courier``) started here on the stack's database and
its conversation store; Debian's Chromium for the customer's web chat and for the executive's console;
Telegram's Bot API and Twilio are the fakes of tests/channels/servers.py. The assertions are on what reached
the customer's channel (the widget's page, the fake servers' received calls) and on what the console shows.
"""

# ruff: noqa: F811 - the fixtures imported below are parameters of the tests
from __future__ import annotations

import json
import secrets
from typing import Any, Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from launcher.services import ServiceProcess, prepare_console, start_console, start_courier
from models import HandoffRequest
from tests.channels.conftest import (  # noqa: F401 - fixtures
    TELEGRAM_TOKEN,
    TWILIO_SID,
    WHATSAPP_FROM,
    fake_telegram,
    fake_twilio,
    gateway,
    unique_chat_id,
    unique_whatsapp,
)
from tests.channels.conversation import sign_in as chat_sign_in
from tests.channels.test_webchat import browser  # noqa: F401 - fixture
from tests.channels.test_whatsapp import twiml_messages
from tests.console.stack import EXECUTIVE, PASSWORDS, wait_for

WIDGET = "#miaval-webchat"
LAURA = "laura.gomez@example.com"
ANSWER = "Hola, soy Valeria, ¿en qué te ayudo?"
HANDBACK = (
    "Gracias por escribirnos. Te dejo de nuevo con el asistente de Mi Aval: si necesitás a una persona otra vez, "
    "escribí «hablar con una persona»."
)
TAKEOVER = "¡Hola! Soy una persona del equipo de Aval: ya leí lo que charlaste con el asistente y sigo yo por acá."
SIGNATURE = "Valeria, de Aval"


@pytest.fixture(scope="module")
def console_on_stack(stack, tmp_path_factory) -> Iterator[ServiceProcess]:
    """The staff console on the stack's database, reading the conversation store Rasa writes."""
    prepare_console(stack.database_url, PASSWORDS)
    process = start_console(
        stack.database_url, log_dir=tmp_path_factory.mktemp("console-e2e-log"), extra_env=dict(stack.tracker_env)
    )
    yield process
    process.stop()


@pytest.fixture(scope="module")
def courier(stack, fake_twilio, fake_telegram, tmp_path_factory) -> Iterator[ServiceProcess]:
    """The courier as the launcher runs it, polling the stack's outbox often."""
    env = {
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_BASE_URL": fake_telegram.url + "/bot",
        "TELEGRAM_BASE_FILE_URL": fake_telegram.url + "/file/bot",
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_AUTH_TOKEN": fake_twilio.auth_token,
        "TWILIO_WHATSAPP_FROM": WHATSAPP_FROM,
        "TWILIO_API_BASE_URL": fake_twilio.url,
        "COURIER_POLL_SECONDS": "0.2",
    }
    process = start_courier(
        stack.rasa_url, stack.api_url, stack.api_token, stack.database_url, stack.hops,
        log_dir=tmp_path_factory.mktemp("courier-e2e-log"), extra_env=env, name="courier-e2e",
    )  # fmt: skip
    yield process
    process.stop()


def staff_page(browser: Browser, url: str, email: str) -> Page:
    """A second browser context: the executive signed in to the console."""
    page = browser.new_context(locale="es-AR", viewport={"width": 1280, "height": 800}).new_page()
    page.goto(url + "/entrar")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Contraseña").fill(PASSWORDS[email])
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("heading", name="Cola de atención")).to_be_visible()
    return page


def write(page: Page, text: str) -> None:
    """The customer types in the widget and sends; returns once the gateway answered (typing dot gone)."""
    page.locator(f"{WIDGET} input[type=text]").fill(text)
    page.locator(f"{WIDGET} button.send").click()
    expect(page.locator(f"{WIDGET} .msg.user").last).to_have_text(text)
    expect(page.locator(f"{WIDGET} .typing")).to_have_count(0, timeout=60_000)


def bot_texts(page: Page) -> list[str]:
    return page.locator(f"{WIDGET} .msg.bot").all_inner_texts()


def staff_texts(page: Page) -> list[str]:
    """What people at Aval wrote, as the widget shows it: each bubble's name, then its text."""
    return [
        f"{bubble.locator('.who').inner_text()} | {bubble.inner_text().split(chr(10), 1)[-1]}"
        for bubble in page.locator(f"{WIDGET} .msg.staff").all()
    ]


def reloaded(page: Page) -> bool:
    """Reload the page (the console renders on the server); True once it loaded."""
    page.reload()
    return True


def handoff_of(database_url: str, sender_id: str) -> HandoffRequest:
    engine = create_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            found = session.scalars(select(HandoffRequest).where(HandoffRequest.sender_id == sender_id)).all()
    finally:
        engine.dispose()
    assert len(found) == 1, f"{len(found)} requests for a person from this chat"
    return found[0]


def test_an_executive_takes_a_web_chat_answers_and_hands_it_back(
    stack,
    gateway,
    courier,
    console_on_stack,
    browser,
) -> None:
    customer = browser.new_context(locale="es-AR")
    customer.add_init_script("localStorage.setItem('miaval.webchat.open', 'true')")
    staff = staff_page(browser, console_on_stack.url, EXECUTIVE)
    try:
        chat = customer.new_page()
        chat.goto(gateway.url + "/")
        write(chat, "quiero hablar con una persona")
        told = bot_texts(chat)
        assert told, "the assistant said nothing to the request for a person"
        sender = json.loads(chat.evaluate("localStorage.getItem('miaval.webchat.sender')"))["id"]
        request = handoff_of(stack.database_url, sender)
        assert request.status == "open"

        # The queue lists it; its page shows the conversation as Rasa stored it.
        staff.reload()
        staff.get_by_role("link", name=f"Pedido {request.id}", exact=True).click()
        transcript = staff.locator("ol.transcript")
        expect(transcript.locator("li.customer").last).to_contain_text("quiero hablar con una persona")
        expect(transcript.locator("li.assistant").last).to_contain_text(told[-1][:40])
        expect(staff.get_by_text("Los últimos mensajes que el asistente adjuntó")).to_have_count(0)  # Rasa's store

        staff.get_by_role("button", name="Tomar la conversación").click()
        expect(staff.get_by_role("status").filter(has_text="Tomaste la conversación")).to_be_visible()
        staff.get_by_label("Tu respuesta").fill(ANSWER)
        staff.get_by_role("button", name="Enviar").click()
        expect(staff.get_by_role("status").filter(has_text="Mensaje enviado")).to_be_visible()

        # The widget shows who took the chat, then the answer (delivered by the courier, fetched by the widget),
        # each in a person's bubble headed by their name; the console's transcript shows the greeting too.
        expect(chat.locator(f"{WIDGET} .msg.staff").last).to_contain_text(ANSWER, timeout=30_000)
        assert staff_texts(chat) == [f"{SIGNATURE} | {TAKEOVER}", f"{SIGNATURE} | {ANSWER}"]
        shown = bot_texts(chat)
        assert shown == told  # none of it in the assistant's bubbles
        staff.reload()
        expect(transcript.locator("li.staff", has_text=TAKEOVER)).to_have_count(1)

        # Paused: the customer's message reaches the executive, the assistant says nothing.
        again = "tengo una duda con la cuota del auto"
        write(chat, again)
        assert bot_texts(chat) == shown
        wait_for(lambda: reloaded(staff) and transcript.locator("li.customer", has_text=again).count() > 0, 20)
        expect(transcript.locator("li.customer").last).to_contain_text(again)
        expect(transcript.locator("li.staff").last).to_contain_text(ANSWER)
        assert bot_texts(chat) == shown  # still nothing from the assistant

        staff.get_by_role("button", name="Devolver al asistente").click()
        expect(staff.get_by_role("status").filter(has_text="Devolviste la conversación")).to_be_visible()
        expect(chat.locator(f"{WIDGET} .msg.staff")).to_have_count(3, timeout=30_000)
        assert staff_texts(chat)[-1] == f"{SIGNATURE} | {HANDBACK}"

        before = len(bot_texts(chat))
        write(chat, "hola")
        answers = bot_texts(chat)[before:]
        assert answers, "the assistant stayed quiet after the handback"
        assert ANSWER not in answers
        assert handoff_of(stack.database_url, sender).status == "closed"
    finally:
        customer.close()
        staff.context.close()


def telegram_sender(gateway, fake_telegram) -> tuple[int, Callable[[str], list[str]]]:
    chat_id = unique_chat_id()

    def send(text: str) -> list[str]:
        before = len(fake_telegram.texts_to(chat_id))
        assert gateway.telegram(gateway.text_update(chat_id, text)).status_code == 200
        return fake_telegram.texts_to(chat_id)[before:]

    return chat_id, send


def whatsapp_sender(gateway) -> tuple[str, Callable[[str], list[str]]]:
    sender = unique_whatsapp()

    def send(text: str) -> list[str]:
        response = gateway.whatsapp(gateway.whatsapp_form(sender, text))
        assert response.status_code == 200
        return [message["body"] for message in twiml_messages(response.text)]

    return sender, send


def change_claim(page: Page, number: str, status: str, note: str) -> None:
    """In the claims inbox: open the claim, pick the status, write the note, save."""
    page.get_by_role("link", name="Denuncias").click()
    page.get_by_role("link", name=number).click()
    page.get_by_label("Estado", exact=True).select_option(status)
    page.get_by_label("Nota para el cliente (opcional)").fill(note)
    page.get_by_role("button", name="Guardar y avisar").click()
    expect(page.get_by_role("status").filter(has_text="le avisamos al cliente")).to_be_visible()


def test_a_claims_new_status_reaches_telegram_and_whatsapp(
    stack,
    gateway,
    courier,
    console_on_stack,
    browser,
    fake_telegram,
    fake_twilio,
) -> None:
    staff = staff_page(browser, console_on_stack.url, EXECUTIVE)
    try:
        # Laura signs in on Telegram: her latest chat is the one that hears of her claim.
        chat_id, send = telegram_sender(gateway, fake_telegram)
        chat_sign_in(send, stack.outbox_dir, LAURA)
        note = f"El inspector pasa el jueves a las 10 ({secrets.token_hex(3)})."
        change_claim(staff, "SIN-000123", "inspection_scheduled", note)
        news = wait_for(lambda: [text for text in fake_telegram.texts_to(chat_id) if "SIN-000123" in text], 30)
        assert news == [f"Novedades de tu denuncia SIN-000123: está con la inspección coordinada. {note}"]

        # Then she writes from WhatsApp (inside the 24-hour window): the next news go there, and only there.
        sender, send = whatsapp_sender(gateway)
        chat_sign_in(send, stack.outbox_dir, LAURA)
        before = len(fake_twilio.messages_to(sender))
        note = f"Aprobamos la reparación del techo ({secrets.token_hex(3)})."
        change_claim(staff, "SIN-000123", "approved", note)
        sent: list[dict[str, Any]] = wait_for(lambda: fake_twilio.messages_to(sender)[before:], 30)
        assert [message.get("Body") for message in sent] == [
            f"Novedades de tu denuncia SIN-000123: está aprobada. {note}"
        ]
        assert [text for text in fake_telegram.texts_to(chat_id) if "SIN-000123" in text] == news
    finally:
        staff.context.close()
