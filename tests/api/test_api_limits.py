"""Limits on codes and links that move with time, against an API whose clock the test moves (tests/api/inprocess.py).

The attacks themselves are in tests/security/test_codes_and_linking.py.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from email.header import decode_header, make_header

import pytest

from miaval_api.services import clock
from tests.api.inprocess import InProcessApi
from tests.api.server_fixtures import Api, body_text, code_in

CARLOS = "carlos.benitez@example.com"


def chat() -> str:
    return f"web:{uuid.uuid4().hex}"


def ask_code(api: Api, sender: str, email: str):
    return api.post("/v1/verifications", json={"chat_identity": sender, "email": email})


def enter_code(api: Api, sender: str, code: str):
    return api.post("/v1/verifications/confirm", json={"chat_identity": sender, "code": code})


def fresh_code(api: Api, sender: str, email: str) -> str:
    before = len(api.server.smtp.to(email))
    answer = ask_code(api, sender, email)
    assert answer.status_code == 202, answer.text
    return code_in(api.server.smtp.wait_for(email, before + 1))


def lock(api: Api, email: str) -> None:
    """Ten wrong codes for ``email`` from strangers' chats: the day's cap."""
    for _ in range(2):
        sender = chat()
        code = fresh_code(api, sender, email)
        for _ in range(5):
            enter_code(api, sender, f"{(int(code) + 1) % 10**6:06d}")


def to_next_local_day(server: InProcessApi) -> None:
    _start, end = clock.day_window(server.settings)
    clock.advance(end - clock.now() + timedelta(seconds=1))


@pytest.fixture
def api(inprocess_api, contract) -> Api:
    return Api(inprocess_api, contract)


def test_the_lockout_ends_at_the_next_local_midnight(api, inprocess_api):
    lock(api, CARLOS)
    refused = ask_code(api, chat(), CARLOS)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "address_locked"
    _start, end = clock.day_window(inprocess_api.settings)
    assert abs(int(refused.headers["Retry-After"]) - (end - clock.now()).total_seconds()) < 5
    to_next_local_day(inprocess_api)
    sender = chat()
    assert enter_code(api, sender, fresh_code(api, sender, CARLOS)).status_code == 200


def test_the_owners_verified_chat_still_signs_in_during_a_lockout(api):
    owner, _ = api.verify(CARLOS)
    lock(api, CARLOS)
    assert ask_code(api, chat(), CARLOS).json()["error"]["code"] == "address_locked"
    clock.advance(timedelta(minutes=2))  # past the resend interval of the owner's chat
    assert enter_code(api, owner, fresh_code(api, owner, CARLOS)).status_code == 200


def test_the_tenth_wrong_code_answers_locked_not_wrong_code(api):
    sender = chat()
    code = fresh_code(api, sender, CARLOS)
    for _ in range(5):
        enter_code(api, sender, f"{(int(code) + 1) % 10**6:06d}")
    other = chat()
    code = fresh_code(api, other, CARLOS)
    answers = [enter_code(api, other, f"{(int(code) + 1) % 10**6:06d}").json()["error"] for _ in range(5)]
    assert [a["code"] for a in answers] == ["wrong_code"] * 4 + ["address_locked"]


def test_sends_per_chat_are_capped_per_hour_then_free_again(api):
    sender = chat()
    for n in range(5):
        assert ask_code(api, sender, f"p{n}-{uuid.uuid4().hex[:6]}@example.net").status_code == 202
        clock.advance(timedelta(seconds=61))  # past the resend interval
    sixth = ask_code(api, sender, f"p5-{uuid.uuid4().hex[:6]}@example.net")
    assert sixth.status_code == 429 and sixth.json()["error"]["code"] == "resend_limited"
    clock.advance(timedelta(hours=1))
    assert ask_code(api, sender, f"p6-{uuid.uuid4().hex[:6]}@example.net").status_code == 202


def test_link_tries_come_back_after_the_window(api):
    sender = api.new_user()
    for _ in range(5):
        assert (
            api.post("/v1/me/clients", sender, json={"document_number": "30111222", "policy_number": "X-1"}).status_code
            == 400
        )
    body = {"document_number": "23456789", "policy_number": "01-0567890-1"}
    assert api.post("/v1/me/clients", sender, json=body).status_code == 429
    clock.advance(timedelta(hours=24, seconds=1))
    assert api.post("/v1/me/clients", sender, json=body).status_code == 201


def test_the_client_is_told_when_someone_else_links_their_profile(api, smtp):
    ana = "ana.rodriguez@example.com"
    before = len(smtp.to(ana))
    accountant = f"contador-{uuid.uuid4().hex[:6]}@example.net"
    sender, _ = api.verify(accountant)
    answer = api.post("/v1/me/clients", sender, json={"document_number": "38765432", "policy_number": "0099-112233"})
    assert answer.status_code == 201
    notice = smtp.wait_for(ana, before + 1)
    subject = str(make_header(decode_header(notice["Subject"])))
    text = body_text(notice)
    assert "vinculó" in subject and "pedí hablar con una persona" in text
    assert accountant not in text and accountant[:1] + "***" in text  # the account, masked
    assert "38765432" not in text and "0099-112233" not in text


def test_no_notice_when_the_client_has_no_email(api, smtp):
    sender = api.new_user()
    before = len(smtp.messages)
    body = {"document_number": "23456789", "policy_number": "01-0567890-1"}
    assert api.post("/v1/me/clients", sender, json=body).status_code == 201
    assert len(smtp.messages) == before
