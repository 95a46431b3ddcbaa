"""Attacks on a shared computer after "Borrar conversación" in the web widget (issue #12).

The next person at the computer must find nothing of the conversation: not in
the page, not in the browser's storage, not by writing to the old session.
Real processes (API, Rasa, actions, gateway) and Debian's Chromium.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route, expect

from tests.channels.conftest import fake_telegram, fake_twilio, gateway  # noqa: F401 - fixtures
from tests.channels.test_webchat import bot_texts, say
from tests.security.test_sessions import (  # noqa: F401 - fixtures
    LAURA,
    LAURAS_POLICIES,
    browser,
    page,
    storage_text,
    widget_sign_in,
)

WIDGET = "#miaval-webchat"


def clear_conversation(tab: Page) -> None:
    """Press "Borrar conversación" and confirm, as a person would."""
    tab.locator(f"{WIDGET} button", has_text="Borrar conversación").click()
    tab.locator(f"{WIDGET} button", has_text="Sí, borrar").click()


def sender_id(tab: Page) -> str | None:
    """The conversation id the widget keeps in localStorage, if any."""
    return tab.evaluate("(s => s && JSON.parse(s).id)(localStorage.getItem('miaval.webchat.sender'))")


@pytest.mark.attack
def test_after_clearing_the_next_person_finds_nothing_of_the_conversation(page, stack):  # noqa: F811
    code = widget_sign_in(page, stack.outbox_dir)
    old_sender = sender_id(page)
    clear_conversation(page)
    stored = storage_text(page, "localStorage") + storage_text(page, "sessionStorage")
    for secret in (code, LAURA, old_sender, *LAURAS_POLICIES, "que seguros tengo"):
        assert secret not in stored, f"the browser still keeps {secret!r} after clearing"
    shown = page.locator(WIDGET).inner_text()
    assert not any(secret in shown for secret in (code, LAURA, *LAURAS_POLICIES))
    # Writing again starts a new conversation, not signed in.
    say(page, "que seguros tengo?")
    assert sender_id(page) not in (None, old_sender)
    assert not any(number in "\n".join(bot_texts(page)) for number in LAURAS_POLICIES)
    page.reload()
    assert not any(number in page.locator(WIDGET).inner_text() for number in LAURAS_POLICIES)


@pytest.mark.attack
def test_an_answer_still_on_its_way_does_not_come_back_after_clearing(page, stack):  # noqa: F811
    widget_sign_in(page, stack.outbox_dir)
    held: list[Route] = []
    page.route("**/webchat/messages", lambda route: held.append(route))
    page.locator(f"{WIDGET} input[type=text]").fill("que seguros tengo?")
    page.locator(f"{WIDGET} button.send").click()
    expect(page.locator(f"{WIDGET} .typing")).to_be_visible()
    clear_conversation(page)
    with page.expect_response("**/webchat/messages") as answered:
        held[0].continue_()
    page.unroute("**/webchat/messages")
    assert answered.value.ok
    assert any(number in answered.value.text() for number in LAURAS_POLICIES), "the answer should list them"
    # Answers are handled in order: once the next one is shown, the held one has been dealt with.
    say(page, "gracias")
    shown = page.locator(WIDGET).inner_text() + storage_text(page, "sessionStorage")
    assert not any(number in shown for number in LAURAS_POLICIES)
