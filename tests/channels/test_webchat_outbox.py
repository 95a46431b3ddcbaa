"""The web chat shows what Aval's staff write: live while the widget is open, and at the next visit.

Real Chromium (Debian's), real gateway, Rasa and API; the outbox rows are
written with ``miaval_api.services.outbound.enqueue`` as the console does, and
delivered by the courier (in this process).
"""

from __future__ import annotations

import json

import requests
from playwright.sync_api import expect

from tests.channels.outbox_support import add_row, make_courier, new_user, news_mails, row, tracker_events
from tests.channels.test_webchat import browser, say  # noqa: F401 - fixture

WIDGET = "#miaval-webchat"


def test_updates_answer_only_the_conversations_own_messages(stack, gateway, fake_twilio, fake_telegram):
    mine, other = gateway.web_sender(), gateway.web_sender()
    row_id = add_row(stack.database_url, mine, "handoff_reply", "Hola, te escribe Aval por tu consulta.")
    before = requests.post(gateway.url + "/webchat/updates", json={"sender": mine}, timeout=10).json()
    assert before == {"messages": [], "cursor": 0}  # not delivered yet
    make_courier(stack, fake_twilio, fake_telegram).run_once()
    assert row(stack.database_url, row_id).delivered_via == "webchat"
    answer = requests.post(gateway.url + "/webchat/updates", json={"sender": mine}, timeout=10).json()
    assert [message["text"] for message in answer["messages"]] == ["Hola, te escribe Aval por tu consulta."]
    assert answer["cursor"] == row_id
    again = requests.post(gateway.url + "/webchat/updates", json={"sender": mine, "after": row_id}, timeout=10)
    assert again.json() == {"messages": [], "cursor": row_id}
    theirs = requests.post(gateway.url + "/webchat/updates", json={"sender": other}, timeout=10).json()
    assert theirs["messages"] == []
    for body in ({"sender": "telegram:1"}, {"sender": mine, "after": -1}, {"sender": mine, "after": "x"}):
        assert requests.post(gateway.url + "/webchat/updates", json=body, timeout=10).status_code == 400


def test_widget_shows_a_staff_reply_live_and_claim_news_at_the_next_visit(
    stack, gateway, fake_twilio, fake_telegram, browser  # noqa: F811
):
    context = browser.new_context(locale="es-AR")
    context.add_init_script("localStorage.setItem('miaval.webchat.open', 'true')")
    try:
        page = context.new_page()
        page.goto(gateway.url + "/")
        say(page, "hola")
        sender = json.loads(page.evaluate("localStorage.getItem('miaval.webchat.sender')"))["id"]
        courier = make_courier(stack, fake_twilio, fake_telegram)

        reply = "Hola, soy Ana de Aval: ya vi tu consulta y te respondo por acá."
        add_row(stack.database_url, sender, "staff_reply", reply, staff_name="Ana")
        courier.run_once()
        expect(page.locator(f"{WIDGET} .msg.bot").last).to_have_text(reply, timeout=15_000)
        staff = [event for event in tracker_events(stack, sender) if event.get("text") == reply]
        assert [event["metadata"]["from_staff"] for event in staff] == ["Ana"]
        page.close()

        # The widget is closed; the claim's news wait for the next visit (and go by e-mail).
        user_id, email = new_user(stack.database_url)
        news = "Tu siniestro SIN-000077 fue aprobado. Te contactamos para el pago."
        row_id = add_row(stack.database_url, sender, "claim_update", news, user_id=user_id)
        courier.run_once()
        assert row(stack.database_url, row_id).emailed_at is not None
        assert [news in body for body in news_mails(stack.outbox_dir, email)] == [True]

        later = context.new_page()  # a new tab: the history of the old one is gone, the conversation is not
        later.goto(gateway.url + "/")
        expect(later.locator(f"{WIDGET} .msg.bot").last).to_have_text(news, timeout=15_000)
        assert later.locator(f"{WIDGET} .msg.bot", has_text=reply).count() == 0  # shown once, not again
    finally:
        context.close()
