"""The courier delivers the outbox (what the console writes) to Telegram and WhatsApp customers, once.

Real gateway, Rasa, action server and API; Telegram's Bot API and Twilio are
the fakes of tests/channels/servers.py. The courier runs in this process
(``run_once``, a movable clock) except where two courier processes race.
"""

from __future__ import annotations

import json
import time

from channels import copy
from launcher.services import start_courier
from tests.channels.conftest import unique_chat_id, unique_whatsapp
from tests.channels.outbox_support import (
    TEMPLATE_SID,
    MovableClock,
    add_row,
    make_courier,
    new_user,
    news_mails,
    row,
    tracker_events,
)

NEWS = "Tu siniestro SIN-000042 pasó a «en revisión». Te avisamos cuando haya novedades."


def test_claim_update_reaches_a_telegram_customer(stack, fake_twilio, fake_telegram):
    chat_id = unique_chat_id()
    user_id, _ = new_user(stack.database_url)
    row_id = add_row(stack.database_url, f"telegram:{chat_id}", "claim_update", NEWS, user_id=user_id)
    courier = make_courier(stack, fake_twilio, fake_telegram)
    courier.run_once()
    assert fake_telegram.texts_to(chat_id) == [NEWS]
    delivered = row(stack.database_url, row_id)
    assert (delivered.status, delivered.delivered_via, delivered.attempts) == ("delivered", "telegram", 1)
    courier.run_once()  # nothing left: not sent again
    assert fake_telegram.texts_to(chat_id) == [NEWS]


def test_opted_out_customer_gets_nothing(stack, fake_twilio, fake_telegram):
    chat_id = unique_chat_id()
    user_id, _ = new_user(stack.database_url, opted_out=True)
    row_id = add_row(stack.database_url, f"telegram:{chat_id}", "claim_update", NEWS, user_id=user_id)
    make_courier(stack, fake_twilio, fake_telegram).run_once()
    assert row(stack.database_url, row_id).status == "opted_out"
    assert fake_telegram.calls_to("sendMessage", chat_id) == []


def test_whatsapp_inside_the_window_is_a_free_form_message(stack, gateway, fake_twilio, fake_telegram):
    sender = unique_whatsapp()
    assert gateway.whatsapp(gateway.whatsapp_form(sender, "hola")).status_code == 200  # the customer wrote
    before = len(fake_twilio.messages_to(sender))
    row_id = add_row(stack.database_url, sender, "claim_update", NEWS)
    make_courier(stack, fake_twilio, fake_telegram, TWILIO_NEWS_TEMPLATE_SID=TEMPLATE_SID).run_once()
    sent = fake_twilio.messages_to(sender)[before:]
    assert [message.get("Body") for message in sent] == [NEWS]
    assert "ContentSid" not in sent[0]
    assert row(stack.database_url, row_id).delivered_via == "whatsapp"


def test_whatsapp_outside_the_window_is_the_template_with_the_news(stack, gateway, fake_twilio, fake_telegram):
    sender = unique_whatsapp()
    assert gateway.whatsapp(gateway.whatsapp_form(sender, "hola")).status_code == 200
    before = len(fake_twilio.messages_to(sender))
    row_id = add_row(stack.database_url, sender, "claim_update", NEWS)
    clock = MovableClock()
    clock.advance(hours=25)  # a day and an hour after the customer's last message
    make_courier(stack, fake_twilio, fake_telegram, clock, TWILIO_NEWS_TEMPLATE_SID=TEMPLATE_SID).run_once()
    sent = fake_twilio.messages_to(sender)[before:]
    assert len(sent) == 1
    assert sent[0]["ContentSid"] == TEMPLATE_SID
    assert json.loads(sent[0]["ContentVariables"]) == {"1": NEWS}
    assert "Body" not in sent[0]
    assert row(stack.database_url, row_id).delivered_via == "whatsapp_template"


def test_whatsapp_without_template_waits_and_the_news_go_by_email(stack, fake_twilio, fake_telegram):
    sender = unique_whatsapp()  # never wrote: no window
    user_id, email = new_user(stack.database_url)
    row_id = add_row(stack.database_url, sender, "claim_update", NEWS, user_id=user_id)
    courier = make_courier(stack, fake_twilio, fake_telegram)
    courier.run_once()
    waiting = row(stack.database_url, row_id)
    assert (waiting.status, waiting.attempts, waiting.sent_at) == ("pending", 0, None)
    assert waiting.emailed_at is not None
    assert fake_twilio.messages_to(sender) == []
    mails = news_mails(stack.outbox_dir, email)
    assert len(mails) == 1 and NEWS in mails[0]
    courier.run_once()  # not due again yet; and never a second e-mail
    assert len(news_mails(stack.outbox_dir, email)) == 1
    assert fake_twilio.messages_to(sender) == []


def test_waiting_whatsapp_news_go_when_the_customer_writes(stack, gateway, fake_twilio, fake_telegram):
    sender = unique_whatsapp()
    row_id = add_row(stack.database_url, sender, "claim_update", NEWS)
    courier = make_courier(stack, fake_twilio, fake_telegram)
    courier.run_once()
    assert row(stack.database_url, row_id).status == "pending"
    assert gateway.whatsapp(gateway.whatsapp_form(sender, "hola")).status_code == 200  # the window opens
    courier.run_once()
    assert [message.get("Body") for message in fake_twilio.messages_to(sender)] == [NEWS]
    assert row(stack.database_url, row_id).delivered_via == "whatsapp"


def test_a_channel_failure_is_retried_and_delivered_once(stack, fake_twilio, fake_telegram):
    chat_id = unique_chat_id()
    row_id = add_row(stack.database_url, f"telegram:{chat_id}", "claim_update", NEWS)
    clock = MovableClock()
    courier = make_courier(stack, fake_twilio, fake_telegram, clock, COURIER_RETRY_SECONDS="60")
    fake_telegram.failures["sendMessage"] = 1
    courier.run_once()
    failed_once = row(stack.database_url, row_id)
    assert (failed_once.status, failed_once.attempts) == ("pending", 1)
    assert fake_telegram.texts_to(chat_id) == []
    courier.run_once()  # the back-off has not passed
    assert row(stack.database_url, row_id).attempts == 1
    clock.advance(seconds=61)
    courier.run_once()
    assert fake_telegram.texts_to(chat_id) == [NEWS]
    assert row(stack.database_url, row_id).status == "delivered"


def test_a_message_the_channel_keeps_refusing_ends_failed(stack, fake_twilio, fake_telegram):
    sender = unique_whatsapp()
    row_id = add_row(stack.database_url, sender, "handoff_reply", "Hola, te escribimos de Aval.")
    clock = MovableClock()
    courier = make_courier(stack, fake_twilio, fake_telegram, clock, COURIER_MAX_ATTEMPTS="2",
                           COURIER_RETRY_SECONDS="1", TWILIO_NEWS_TEMPLATE_SID=TEMPLATE_SID)  # fmt: skip
    fake_twilio.failures = 5
    try:
        courier.run_once()
        clock.advance(seconds=2)
        courier.run_once()
        gone = row(stack.database_url, row_id)
        assert (gone.status, gone.attempts) == ("failed", 2)
        assert "503" in (gone.last_error or "")
        clock.advance(seconds=60)
        courier.run_once()
        assert row(stack.database_url, row_id).attempts == 2
    finally:
        fake_twilio.failures = 0
    assert fake_twilio.messages_to(sender) == []


def test_takeover_pauses_the_assistant_until_handback(stack, gateway, fake_twilio, fake_telegram):
    chat_id = unique_chat_id()
    sender = f"telegram:{chat_id}"
    assert gateway.telegram(gateway.text_update(chat_id, "hola")).status_code == 200
    assert fake_telegram.texts_to(chat_id)  # the assistant answers
    courier = make_courier(stack, fake_twilio, fake_telegram)
    taken = "¡Hola! Soy una persona del equipo de Aval y sigo yo con tu consulta."
    add_row(stack.database_url, sender, "takeover", taken, staff_name="Ana Ruiz")
    courier.run_once()
    assert fake_telegram.texts_to(chat_id)[-1] == f"Ana, de Aval: {taken}"  # a person, by their first name
    count = len(fake_telegram.texts_to(chat_id))
    greeting = [event for event in tracker_events(stack, sender) if event["event"] == "bot" and event["text"] == taken]
    assert [event["metadata"]["from_staff"] for event in greeting] == ["Ana Ruiz"]  # the console's transcript

    # Paused: the customer's message reaches the conversation, the assistant says nothing (no apology either).
    assert gateway.telegram(gateway.text_update(chat_id, "quiero saber de mi siniestro")).status_code == 200
    assert len(fake_telegram.texts_to(chat_id)) == count
    events = tracker_events(stack, sender)
    assert any(event["event"] == "pause" for event in events)
    assert events[-1]["event"] == "user" and events[-1]["text"] == "quiero saber de mi siniestro"

    reply = "Ya lo estoy mirando: el perito va el jueves."
    add_row(stack.database_url, sender, "staff_reply", reply, staff_name="Ana Ruiz")
    courier.run_once()
    assert fake_telegram.texts_to(chat_id)[-1] == f"Ana, de Aval: {reply}"
    staff = [event for event in tracker_events(stack, sender) if event["event"] == "bot" and event["text"] == reply]
    assert len(staff) == 1 and staff[0]["metadata"]["from_staff"] == "Ana Ruiz"

    back = "Te dejo con el asistente de Mi Aval. ¡Gracias!"
    add_row(stack.database_url, sender, "handback", back, staff_name="Ana Ruiz")
    courier.run_once()
    assert fake_telegram.texts_to(chat_id)[-1] == f"Ana, de Aval: {back}"
    events = tracker_events(stack, sender)
    assert events[-1]["event"] == "resume"
    assert (events[-2]["event"], events[-2]["text"]) == ("bot", back)
    count = len(fake_telegram.texts_to(chat_id))
    assert gateway.telegram(gateway.text_update(chat_id, "hola")).status_code == 200
    answers = fake_telegram.texts_to(chat_id)[count:]
    assert answers and copy.APOLOGY not in answers  # the assistant speaks again


def test_on_whatsapp_a_persons_message_is_headed_by_their_name_and_aval_news_are_not(
    stack, gateway, fake_twilio, fake_telegram
):
    sender = unique_whatsapp()
    assert gateway.whatsapp(gateway.whatsapp_form(sender, "hola")).status_code == 200  # inside the window
    before = len(fake_twilio.messages_to(sender))
    add_row(stack.database_url, sender, "takeover", "¡Hola! Sigo yo por acá.", staff_name="Valeria Sosa")
    add_row(stack.database_url, sender, "staff_reply", "Ya vi tu póliza.", staff_name="Valeria Sosa")
    add_row(stack.database_url, sender, "claim_update", NEWS, staff_name="Valeria Sosa")
    courier = make_courier(stack, fake_twilio, fake_telegram)
    courier.run_once()
    assert [message.get("Body") for message in fake_twilio.messages_to(sender)[before:]] == [
        "Valeria, de Aval: ¡Hola! Sigo yo por acá.",
        "Valeria, de Aval: Ya vi tu póliza.",
        NEWS,
    ]


def test_a_conversations_messages_go_in_order(stack, fake_twilio, fake_telegram):
    chat_id = unique_chat_id()
    clock = MovableClock()
    courier = make_courier(stack, fake_twilio, fake_telegram, clock, COURIER_RETRY_SECONDS="30")
    texts = [f"Mensaje {index} de Aval." for index in range(3)]
    for text in texts:
        add_row(stack.database_url, f"telegram:{chat_id}", "handoff_reply", text)
    fake_telegram.failures["sendMessage"] = 1  # the first one fails: the later ones wait for it
    courier.run_once()
    assert fake_telegram.texts_to(chat_id) == []
    clock.advance(seconds=31)
    courier.run_once()
    assert fake_telegram.texts_to(chat_id) == texts


def test_two_couriers_deliver_each_message_once(stack, fake_twilio, fake_telegram, tmp_path):
    chats = [unique_chat_id() for _ in range(12)]
    from tests.channels.conftest import TELEGRAM_TOKEN, TWILIO_SID, WHATSAPP_FROM

    env = {
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_BASE_URL": fake_telegram.url + "/bot",
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_AUTH_TOKEN": fake_twilio.auth_token,
        "TWILIO_WHATSAPP_FROM": WHATSAPP_FROM,
        "TWILIO_API_BASE_URL": fake_twilio.url,
        "COURIER_POLL_SECONDS": "0.1",
    }
    couriers = [
        start_courier(stack.rasa_url, stack.api_url, stack.api_token, stack.database_url, stack.hops,
                      log_dir=tmp_path, extra_env=env, name=f"courier-{index}")  # fmt: skip
        for index in range(2)
    ]
    try:
        # Both polling before the messages are written, so that they compete for every row (a courier that starts
        # while the other has already sent everything proves nothing).
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all("courier started" in c.log_path.read_text() for c in couriers):
            time.sleep(0.1)
        assert all("courier started" in courier.log_path.read_text() for courier in couriers)
        ids = [add_row(stack.database_url, f"telegram:{chat}", "handoff_reply", f"Hola {chat}") for chat in chats]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(row(stack.database_url, i).status == "pending" for i in ids):
            time.sleep(0.2)
        assert all(courier.alive() for courier in couriers)
    finally:
        for courier in couriers:
            courier.stop()
    for chat in chats:
        assert fake_telegram.texts_to(chat) == [f"Hola {chat}"]
    assert {row(stack.database_url, i).status for i in ids} == {"delivered"}
    logs = [courier.log_path.read_text() for courier in couriers]
    assert all(str(chat) not in "".join(logs) for chat in chats)  # no chat id in the logs
