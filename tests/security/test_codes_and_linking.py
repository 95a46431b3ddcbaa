# ruff: noqa: F811 - the fixtures imported below are parameters of the tests
"""Attacks on one-time codes and manual linking: guessing, starving the owner of codes, fresh tries.

Each test is one attack against an API of its own (a fresh copy of the demo
database, the default limits), over real HTTP, with a clock the test moves.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from email.header import decode_header, make_header
from email.message import Message

import pytest

from miaval_api.services import clock
from tests.api.inprocess import demo_database, inprocess_api  # noqa: F401 - fixtures
from tests.api.server_fixtures import Api, body_text, code_in, contract, smtp  # noqa: F401 - fixtures

LAURA = "laura.gomez@example.com"
JORGE_DNI, JORGE_POLICY = "23456789", "01-0567890-1"


def chat() -> str:
    return f"telegram:{uuid.uuid4().int % 10**12}"


def ask_code(api: Api, sender: str, email: str):
    return api.post("/v1/verifications", json={"chat_identity": sender, "email": email})


def enter_code(api: Api, sender: str, code: str):
    return api.post("/v1/verifications/confirm", json={"chat_identity": sender, "code": code})


def link(api: Api, sender: str, document: str, policy: str):
    return api.post("/v1/me/clients", sender, json={"document_number": document, "policy_number": policy})


def subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"] or "")))


def mails_about(smtp, email: str, text: str) -> list[Message]:
    return [message for message in smtp.to(email) if text in subject(message)]


def guess_wrong(api: Api, email: str, guesses: int) -> None:
    """Spend ``guesses`` wrong codes on ``email``, from as many strangers' chats as it takes (5 tries a code)."""
    while guesses > 0:
        sender = chat()
        before = len(api.server.smtp.to(email))
        assert ask_code(api, sender, email).status_code == 202
        code = code_in(api.server.smtp.wait_for(email, before + 1))
        for _ in range(min(guesses, 5)):
            assert enter_code(api, sender, f"{(int(code) + 1) % 10**6:06d}").status_code in (400, 429)
            guesses -= 1


@pytest.fixture
def api(inprocess_api, contract) -> Api:  # noqa: F811 - the fixture of this module
    return Api(inprocess_api, contract)


@pytest.mark.attack
def test_guessing_past_the_daily_cap_is_refused_even_with_the_right_code(api, smtp):
    # A stranger's chat holds a real code for Laura's address (as if one guess will hit) ...
    holder = chat()
    before = len(smtp.to(LAURA))
    assert ask_code(api, holder, LAURA).status_code == 202
    right = code_in(smtp.wait_for(LAURA, before + 1))
    # ... after ten wrong codes for her address today, from other chats ...
    guess_wrong(api, LAURA, 10)
    # ... the right code no longer opens the account, and no new code is sent.
    refused = enter_code(api, holder, right)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "address_locked"
    assert api.get("/v1/me", holder).status_code == 401
    again = ask_code(api, chat(), LAURA)
    assert again.status_code == 429 and again.json()["error"]["code"] == "address_locked"


@pytest.mark.attack
def test_a_stranger_asking_many_codes_cannot_stop_lauras_verified_chat(api, smtp):
    laura_chat, _ = api.verify(LAURA)
    clock.advance(timedelta(minutes=2))  # past the resend interval of her own chat
    strangers = [ask_code(api, chat(), LAURA).status_code for _ in range(12)]
    assert 429 in strangers  # the stranger did exhaust the address's sends
    before = len(smtp.to(LAURA))
    own = ask_code(api, laura_chat, LAURA)
    assert own.status_code == 202, own.text
    code = code_in(smtp.wait_for(LAURA, before + 1))
    assert enter_code(api, laura_chat, code).status_code == 200


@pytest.mark.attack
def test_a_fresh_email_account_on_the_same_chat_gets_no_fresh_link_tries(api):
    sender, _ = api.verify(f"primera-{uuid.uuid4().hex[:8]}@example.net")
    for _ in range(5):
        assert link(api, sender, JORGE_DNI, "AU-1048576").status_code == 400
    clock.advance(timedelta(minutes=2))  # past the resend interval: the chat may ask a code again
    api.verify(f"segunda-{uuid.uuid4().hex[:8]}@example.net", sender)  # same chat, new account
    refused = link(api, sender, JORGE_DNI, JORGE_POLICY)  # right this time
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "link_attempts_exceeded"
    assert api.get("/v1/me/clients", sender).json()["clients"] == []


@pytest.mark.attack
def test_many_chats_trying_the_same_document_are_stopped(api):
    for policy in ("AU-1048576", "HOG-778899", "NO-SUCH-1", "NO-SUCH-2", "NO-SUCH-3"):
        assert link(api, api.new_user(), JORGE_DNI, policy).status_code == 400
    sixth = api.new_user()
    # The CUIL that holds the DNI is the same document.
    refused = link(api, sixth, "20-23456789-7", JORGE_POLICY)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "link_attempts_exceeded"
    assert api.get("/v1/me/clients", sixth).json()["clients"] == []


@pytest.mark.attack
def test_the_owner_is_told_of_the_lockout_once_and_without_a_code(api, smtp):
    carlos = "carlos.benitez@example.com"
    codes_before = len(mails_about(smtp, carlos, "Tu código"))
    notices_before = len(mails_about(smtp, carlos, "Pausamos"))
    guess_wrong(api, carlos, 10)
    notice = wait_for_notice(smtp, carlos, notices_before)
    text = body_text(notice)
    assert "hasta mañana" in text and "nadie entró a tu cuenta" in text
    codes = [code_in(message) for message in mails_about(smtp, carlos, "Tu código")[codes_before:]]
    assert len(codes) == 2 and not any(code in text or code in subject(notice) for code in codes)
    # More guesses (refused) do not send the notice again.
    holder = chat()
    assert ask_code(api, holder, carlos).status_code == 429
    assert enter_code(api, holder, "123456").status_code == 404
    assert len(mails_about(smtp, carlos, "Pausamos")) == notices_before + 1


def wait_for_notice(smtp, email: str, before: int) -> Message:
    """The next lockout notice (sent in the background): wait for it a little."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if found := mails_about(smtp, email, "Pausamos")[before:]:
            return found[0]
        time.sleep(0.02)
    raise AssertionError("no lockout notice arrived")
