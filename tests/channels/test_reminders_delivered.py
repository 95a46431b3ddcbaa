"""Reminders Aval sends first reach a Telegram and a WhatsApp customer, with their buttons, and the answer is a task.

The scheduler (miaval_api/services/reminders.py) writes the reminder at an instant the test sets (a Monday
morning years ahead, so that nothing of the demo portfolio is due then); the courier, its clock moved to
that instant, delivers it through the fake Bot API and Twilio servers; the customer answers through the real
gateway, Rasa, the action server and the API, which records a task for an executive with the policy attached.
"""

from __future__ import annotations

import json
import secrets
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Iterator
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from miaval_api.db import Database
from miaval_api.services import reminders
from miaval_api.settings import Settings
from models import (
    ChatIdentity,
    Claim,
    ClaimAttachment,
    ClientProfile,
    HandoffRequest,
    Insurer,
    OutboundMessage,
    Policy,
    User,
    UserClientLink,
)
from models.policy import policy_key
from tests import media
from tests.channels.conftest import _start, unique_chat_id, unique_whatsapp
from tests.channels.outbox_support import TEMPLATE_SID, MovableClock, add_row, make_courier, new_user, news_mails, row
from tests.channels.test_webchat import browser, say  # noqa: F401 - fixture

MORNING = datetime(2030, 3, 12, 10, 0, tzinfo=ZoneInfo("America/Argentina/Buenos_Aires"))  # a working Tuesday
REDIS = "redis://127.0.0.1:6379/0"
WIDGET = "#miaval-webchat"


def customer(database_url: str, sender_id: str, expires_in: int = 30) -> tuple[int, str]:
    """A verified customer whose last used chat is ``sender_id``, with a policy expiring ``expires_in`` days after
    MORNING; (user id, policy number)."""
    tag = secrets.token_hex(4).upper()
    number = f"AU-{tag}"
    engine = create_engine(database_url)
    with Session(engine) as session:
        user = User(email=f"renueva-{tag.lower()}@example.com", name="Cliente", email_verified=True)
        client = ClientProfile(kind="person", name="Cliente Renueva", email=user.email)
        session.add_all([user, client])
        session.flush()
        session.add(UserClientLink(user_id=user.id, client_id=client.id, linked_by="auto"))
        session.add(ChatIdentity(sender_id=sender_id, channel=sender_id.split(":")[0], user_id=user.id,
                                 last_used_at=datetime.now(timezone.utc)))  # fmt: skip
        end = MORNING.date() + timedelta(expires_in)
        session.add(Policy(
            number=number, number_key=policy_key(number), client_id=client.id,
            insurer_id=session.scalar(select(Insurer.id).where(Insurer.code == "PAM")), line="auto", status="active",
            start_date=date.today() - timedelta(30), end_date=end, coverage="Terceros completo",
            monthly_premium=Decimal("30000"),
            insured_item={"vehicle": {"make": "Fiat", "model": "Cronos", "year": 2022, "plate": "AF123GH"}},
        ))  # fmt: skip
        session.commit()
        user_id = user.id
    engine.dispose()
    return user_id, number


def schedule(database_url: str) -> reminders.Scheduled:
    database = Database(database_url, 2)
    try:
        return reminders.schedule(database, Settings(database_url=database_url), MORNING)
    finally:
        database.engine.dispose()


def reminder_of(database_url: str, user_id: int):
    engine = create_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        rows = session.scalars(select(OutboundMessage).where(
            OutboundMessage.user_id == user_id)).all()  # fmt: skip
    engine.dispose()
    return rows


def tasks_of(database_url: str, sender_id: str) -> list[HandoffRequest]:
    engine = create_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        found = session.scalars(select(HandoffRequest).where(HandoffRequest.sender_id == sender_id)).all()
    engine.dispose()
    return list(found)


def wait_for_task(database_url: str, sender_id: str, timeout: float = 30) -> list[HandoffRequest]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = tasks_of(database_url, sender_id)
        if found:
            return found
        time.sleep(0.2)
    return []


def courier_clock() -> MovableClock:
    clock = MovableClock()
    clock.offset = MORNING - datetime.now(timezone.utc)
    return clock


@pytest.fixture(scope="module")
def shared_gateway(stack, fake_twilio, fake_telegram, tmp_path_factory) -> Iterator[Any]:
    """A gateway keeping its state in Redis, as the production profile does: the courier offers options there."""
    started = _start(stack, fake_twilio, fake_telegram, tmp_path_factory.mktemp("shared-gateway"),
                     SHARED_STATE_URL=REDIS)  # fmt: skip
    yield started
    started.process.stop()


def test_a_telegram_customer_gets_the_renewal_reminder_and_answers_it(stack, gateway, fake_twilio, fake_telegram):
    chat_id = unique_chat_id()
    sender = f"telegram:{chat_id}"
    user_id, number = customer(stack.database_url, sender)
    assert schedule(stack.database_url).written.get("renewal_reminder", 0) >= 1
    [reminder] = reminder_of(stack.database_url, user_id)
    make_courier(stack, fake_twilio, fake_telegram, courier_clock()).run_once()
    [sent] = fake_telegram.calls_to("sendMessage", chat_id)
    item = "Fiat Cronos 2022 (AF123GH)"
    assert f"tu póliza {number} de Pampa Seguros ({item}) vence el 11/04/2030" in sent.fields["text"]
    keyboard = sent.fields["reply_markup"]["inline_keyboard"]
    titles = [line[0]["text"] for line in keyboard]
    assert titles == ["Quiero renovar", "Quiero cambiar algo", "Hablar con un ejecutivo"]
    assert row(stack.database_url, reminder.id).status == "delivered"
    # The customer presses "Quiero renovar": the callback's data is the button's payload.
    update_id = gateway.next_update_id()
    callback = {
        "update_id": update_id,
        "callback_query": {
            "id": f"cb{update_id}", "from": {"id": chat_id, "is_bot": False, "first_name": "Cliente"},
            "chat_instance": "1", "data": keyboard[0][0]["callback_data"],
            "message": {"message_id": 7, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
                        "text": sent.fields["text"]},
        },
    }  # fmt: skip
    assert gateway.telegram(callback).status_code == 200
    [task] = wait_for_task(stack.database_url, sender)
    assert (task.reason, task.context["policy_number"], task.user_id) == ("renewal", number, user_id)
    confirmation = f"querés renovar la póliza {number}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(confirmation in text for text in fake_telegram.texts_to(chat_id)):
        time.sleep(0.2)
    assert any(confirmation in text for text in fake_telegram.texts_to(chat_id)[1:])


def test_a_whatsapp_customer_outside_the_window_gets_the_renewal_template_and_answers_with_a_number(
    stack, shared_gateway, fake_twilio, fake_telegram
):
    sender = unique_whatsapp()
    assert shared_gateway.whatsapp(shared_gateway.whatsapp_form(sender, "hola")).status_code == 200  # years ago
    user_id, number = customer(stack.database_url, sender)
    schedule(stack.database_url)
    [reminder] = reminder_of(stack.database_url, user_id)
    before = len(fake_twilio.messages_to(sender))
    courier = make_courier(stack, fake_twilio, fake_telegram, courier_clock(), SHARED_STATE_URL=REDIS,
                           TWILIO_RENEWAL_TEMPLATE_SID=TEMPLATE_SID)  # fmt: skip
    courier.run_once()
    [sent] = fake_twilio.messages_to(sender)[before:]
    assert sent["ContentSid"] == TEMPLATE_SID and "Body" not in sent
    variable = json.loads(sent["ContentVariables"])["1"]
    assert "\n" not in variable and number in variable
    assert "1. Quiero renovar 2. Quiero cambiar algo 3. Hablar con un ejecutivo" in variable
    assert row(stack.database_url, reminder.id).delivered_via == "whatsapp_template"
    # The customer answers "2" (Quiero cambiar algo).
    assert shared_gateway.whatsapp(shared_gateway.whatsapp_form(sender, "2")).status_code == 200
    [task] = wait_for_task(stack.database_url, sender)
    assert (task.reason, task.context["policy_number"], task.context["choice"]) == ("policy_change", number, "change")


def test_whatsapp_without_the_kinds_template_waits_even_with_a_news_template(stack, gateway, fake_twilio,
                                                                              fake_telegram):  # fmt: skip
    sender = unique_whatsapp()
    assert gateway.whatsapp(gateway.whatsapp_form(sender, "hola")).status_code == 200
    user_id, _ = customer(stack.database_url, sender)
    schedule(stack.database_url)
    [reminder] = reminder_of(stack.database_url, user_id)
    before = len(fake_twilio.messages_to(sender))
    make_courier(stack, fake_twilio, fake_telegram, courier_clock(), TWILIO_NEWS_TEMPLATE_SID=TEMPLATE_SID).run_once()
    assert fake_twilio.messages_to(sender)[before:] == []
    waiting = row(stack.database_url, reminder.id)
    assert (waiting.status, waiting.sent_at) == ("pending", None)


def test_whatsapp_inside_the_window_gets_the_reminder_with_numbered_options(stack, gateway, fake_twilio,
                                                                            fake_telegram):  # fmt: skip
    sender = unique_whatsapp()
    assert gateway.whatsapp(gateway.whatsapp_form(sender, "hola")).status_code == 200  # the window is open
    before = len(fake_twilio.messages_to(sender))
    row_id = add_row(stack.database_url, sender, "payment_reminder", "La cuota 3 vence el 07/03/2030.")
    engine = create_engine(stack.database_url)
    with Session(engine) as session:
        session.get(OutboundMessage, row_id).buttons = [
            {"title": "Pedir el cupón a Aval", "payload": '/reminder_reply{"choice":"coupon","policy_number":"X-1"}'},
            {"title": "Ver mis pólizas", "payload": "/list_policies"},
        ]
        session.commit()
    engine.dispose()
    make_courier(stack, fake_twilio, fake_telegram).run_once()
    [sent] = fake_twilio.messages_to(sender)[before:]
    assert sent["Body"] == "La cuota 3 vence el 07/03/2030.\n\n1. Pedir el cupón a Aval\n2. Ver mis pólizas"
    assert row(stack.database_url, row_id).delivered_via == "whatsapp"


def test_a_customer_who_stopped_news_after_the_reminder_was_written_gets_nothing(stack, fake_twilio, fake_telegram):
    chat_id = unique_chat_id()
    user_id, _ = customer(stack.database_url, f"telegram:{chat_id}")
    schedule(stack.database_url)
    [reminder] = reminder_of(stack.database_url, user_id)
    engine = create_engine(stack.database_url)
    with Session(engine) as session:
        session.get(User, user_id).news_opt_out = True
        session.commit()
    engine.dispose()
    make_courier(stack, fake_twilio, fake_telegram, courier_clock()).run_once()
    assert row(stack.database_url, reminder.id).status == "opted_out"
    assert fake_telegram.calls_to("sendMessage", chat_id) == []


def test_a_typed_payload_naming_someone_elses_policy_records_no_task_with_it(stack, gateway, fake_telegram):
    chat_id = unique_chat_id()
    sender = f"telegram:{chat_id}"
    customer(stack.database_url, sender)
    forged = '/reminder_reply{"choice":"renew","policy_number":"COM-440021"}'  # Panadería La Espiga's policy
    assert gateway.telegram(gateway.text_update(chat_id, forged)).status_code == 200
    # Typed, not a button the gateway offered: read as words (tests/security/test_typed_intents.py), answered.
    assert fake_telegram.texts_to(chat_id)
    assert tasks_of(stack.database_url, sender) == []


def test_a_claim_follow_up_on_telegram_leads_the_missing_photo_into_that_claim(stack, gateway, fake_twilio,
                                                                             fake_telegram):  # fmt: skip
    chat_id = unique_chat_id()
    sender = f"telegram:{chat_id}"
    user_id, number = customer(stack.database_url, sender, expires_in=200)
    engine = create_engine(stack.database_url)
    with Session(engine) as session:
        seq = 700000 + secrets.randbelow(200000)
        reported = MORNING - timedelta(days=2, hours=1)
        claim = Claim(seq=seq, number=f"SIN-{seq:06d}", type="collision", status="received", reported_late=False,
                      policy_id=session.scalar(select(Policy.id).where(Policy.number == number)),
                      occurred_at=reported - timedelta(hours=3), created_at=reported, reported_by_user_id=user_id)
        session.add(claim)  # fmt: skip
        session.commit()
        claim_id, claim_number = claim.id, claim.number
    schedule(stack.database_url)
    [reminder] = reminder_of(stack.database_url, user_id)
    assert (reminder.kind, reminder.subject) == ("claim_followup", claim_number)
    make_courier(stack, fake_twilio, fake_telegram, courier_clock()).run_once()
    [sent] = fake_telegram.calls_to("sendMessage", chat_id)
    item = "Fiat Cronos 2022 (AF123GH)"
    assert f"a tu denuncia {claim_number} ({item}) todavía le faltan las fotos" in sent.fields["text"]
    [[button]] = sent.fields["reply_markup"]["inline_keyboard"]
    assert button["text"] == "Mandar las fotos"
    update_id = gateway.next_update_id()
    assert gateway.telegram({"update_id": update_id, "callback_query": {
        "id": f"cb{update_id}", "from": {"id": chat_id, "is_bot": False, "first_name": "Cliente"},
        "chat_instance": "1", "data": button["callback_data"],
        "message": {"message_id": 8, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
                    "text": sent.fields["text"]},
    }}).status_code == 200  # fmt: skip
    fake_telegram.files[f"photo{chat_id}"] = media.JPEG
    assert gateway.telegram({"update_id": gateway.next_update_id(), "message": {
        "message_id": 9, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
        "photo": [{"file_id": f"photo{chat_id}", "file_unique_id": "p", "width": 800, "height": 600,
                   "file_size": len(media.JPEG)}],
    }}).status_code == 200  # fmt: skip
    deadline = time.monotonic() + 30
    attached: list[ClaimAttachment] = []
    while time.monotonic() < deadline and not attached:
        with Session(engine) as session:
            attached = list(session.scalars(select(ClaimAttachment).where(ClaimAttachment.claim_id == claim_id)))
        time.sleep(0.2)
    engine.dispose()
    assert len(attached) == 1, fake_telegram.texts_to(chat_id)


def test_the_web_chat_shows_a_reminders_buttons_and_it_also_goes_by_email(stack, gateway, fake_twilio,
                                                                          fake_telegram):  # fmt: skip
    sender = gateway.web_sender()
    user_id, address = new_user(stack.database_url)
    buttons = [{"title": "Pedir el cupón a Aval", "payload": '/reminder_reply{"choice":"coupon","policy_number":"X"}'}]
    row_id = add_row(stack.database_url, sender, "payment_reminder", "La cuota 3 vence el 07/03/2030.",
                     user_id=user_id)  # fmt: skip
    engine = create_engine(stack.database_url)
    with Session(engine) as session:
        session.get(OutboundMessage, row_id).buttons = buttons
        session.commit()
    engine.dispose()
    make_courier(stack, fake_twilio, fake_telegram).run_once()
    answer = requests.post(gateway.url + "/webchat/updates", json={"sender": sender}, timeout=10).json()
    [message] = answer["messages"]
    assert (message["text"], message["buttons"]) == ("La cuota 3 vence el 07/03/2030.", buttons)
    assert any("La cuota 3 vence el 07/03/2030." in body for body in news_mails(stack.outbox_dir, address))


def test_the_widget_shows_the_renewal_reminder_and_its_button_makes_the_task(
    stack, gateway, fake_twilio, fake_telegram, browser  # noqa: F811
):
    context = browser.new_context(locale="es-AR")
    context.add_init_script("localStorage.setItem('miaval.webchat.open', 'true')")
    try:
        page = context.new_page()
        page.goto(gateway.url + "/")
        say(page, "hola")
        sender = json.loads(page.evaluate("localStorage.getItem('miaval.webchat.sender')"))["id"]
        user_id, number = customer(stack.database_url, sender)
        schedule(stack.database_url)
        [reminder] = reminder_of(stack.database_url, user_id)
        make_courier(stack, fake_twilio, fake_telegram, courier_clock()).run_once()
        bubble = page.locator(f"{WIDGET} .msg.bot", has_text=f"tu póliza {number}")
        expect(bubble).to_be_visible(timeout=15_000)
        page.locator(WIDGET).get_by_role("button", name="Hablar con un ejecutivo").last.click()
        [task] = wait_for_task(stack.database_url, sender)
        assert (task.reason, task.context["policy_number"], task.context["choice"]) == ("renewal", number, "agent")
        expect(page.locator(f"{WIDGET} .msg.bot", has_text=f"querés hablar de la póliza {number}")).to_be_visible()
        assert row(stack.database_url, reminder.id).delivered_via == "webchat"
    finally:
        context.close()
