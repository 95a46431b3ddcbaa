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
from tests.channels.test_webchat_a11y import violations

WIDGET = "#miaval-webchat"


def test_updates_answer_only_the_conversations_own_messages(stack, gateway, fake_twilio, fake_telegram):
    mine, other = gateway.web_sender(), gateway.web_sender()
    text = "Hola, te escribe Aval por tu consulta."
    row_id = add_row(stack.database_url, mine, "handoff_reply", text, staff_name="Ana Ruiz")
    before = requests.post(gateway.url + "/webchat/updates", json={"sender": mine}, timeout=10).json()
    assert before == {"messages": [], "cursor": 0}  # not delivered yet
    make_courier(stack, fake_twilio, fake_telegram).run_once()
    assert row(stack.database_url, row_id).delivered_via == "webchat"
    answer = requests.post(gateway.url + "/webchat/updates", json={"sender": mine}, timeout=10).json()
    assert [(m["text"], m["from_person"]) for m in answer["messages"]] == [
        ("Hola, te escribe Aval por tu consulta.", "Ana, de Aval")
    ]
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

        reply = "Ya vi tu consulta y te respondo por acá."
        add_row(stack.database_url, sender, "staff_reply", reply, staff_name="Ana Ruiz")
        courier.run_once()
        # A person's bubble, not the assistant's: its own class, the name over the text, read with the name.
        bubble = page.locator(f"{WIDGET} .msg.staff").last
        expect(bubble).to_contain_text(reply, timeout=15_000)
        expect(bubble.locator(".who")).to_have_text("Ana, de Aval")
        assert page.locator(f"{WIDGET} .msg.bot", has_text=reply).count() == 0
        expect(page.locator(f"{WIDGET} [aria-live=polite]")).to_contain_text(f"Ana, de Aval: {reply}")
        colours = bubble.evaluate("node => [getComputedStyle(node).backgroundColor, getComputedStyle(node).color]")
        bot_colours = page.locator(f"{WIDGET} .msg.bot").last.evaluate(
            "node => [getComputedStyle(node).backgroundColor, getComputedStyle(node).color]"
        )
        assert colours[0] != bot_colours[0]  # seen at a glance, not only read
        assert violations(page) == []  # its colours and name pass WCAG 2.1 AA like the rest
        staff = [event for event in tracker_events(stack, sender) if event.get("text") == reply]
        assert [event["metadata"]["from_staff"] for event in staff] == ["Ana Ruiz"]
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
