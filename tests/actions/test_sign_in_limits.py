"""Sign-in when codes expire or run out of tries, against an API with short limits."""

from __future__ import annotations

import time
import uuid

import pytest

from bot.actions import backend
from bot.actions.identity import ValidateSignInForm
from tests.actions.dialogue_support import SOFIA, load_tracker, message, new_identity, responses, run, slots_of
from tests.conftest import latest_code, start_demo_api

CODE_TTL_SECONDS = 2


@pytest.fixture(scope="module")
def strict_api(tmp_path_factory):
    """An API whose codes last two seconds and allow two tries, with no wait between codes; 4 wrong codes lock."""
    limits = {
        "VERIFICATION_CODE_TTL_SECONDS": str(CODE_TTL_SECONDS),
        "VERIFICATION_MAX_ATTEMPTS": "2",
        "VERIFICATION_RESEND_INTERVAL_SECONDS": "0",
        "VERIFICATION_MAX_FAILURES_PER_DAY": "4",
    }
    api = start_demo_api(tmp_path_factory.mktemp("strict-api"), limits)
    yield api
    api.process.stop()


@pytest.fixture()
def strict_env(strict_api, monkeypatch):
    monkeypatch.setenv("MIAVAL_API_URL", strict_api.url)
    monkeypatch.setenv("MIAVAL_API_TOKEN", strict_api.token)
    backend.reset_api()
    yield strict_api.outbox_dir
    backend.reset_api()


def send_code(identity: str) -> None:
    events, messages = run(ValidateSignInForm(), load_tracker("in_form", identity, candidates={"email": SOFIA}))
    assert responses(messages) == ["utter_code_sent_one_minute"]  # a 2-second code: "1 minuto"


def try_code(identity: str, code: str):
    slots = {"requested_slot": "code", "email": SOFIA}
    tracker = load_tracker("in_form", identity, slots=slots, candidates={"code": code})
    return run(ValidateSignInForm(), tracker)


def test_an_expired_code_offers_a_new_one_which_works(strict_env):
    identity = new_identity()
    send_code(identity)
    old = latest_code(strict_env, SOFIA)
    time.sleep(CODE_TTL_SECONDS + 1)
    events, messages = try_code(identity, old)
    assert responses(messages) == ["utter_code_expired"]
    assert message(messages, "utter_code_expired")  # its buttons ask for a new code (/sign_in)
    assert "form_failures" not in slots_of(events)

    events, messages = try_code(identity, "resend")  # the "Mandame otro" button
    assert responses(messages) == ["utter_code_sent_one_minute"]  # a 2-second code: "1 minuto"
    assert slots_of(events)["code"] is None
    events, _ = try_code(identity, latest_code(strict_env, SOFIA))
    assert slots_of(events)["code"] == "accepted"


def test_too_many_wrong_codes_offer_a_new_one(strict_env):
    identity = new_identity()
    send_code(identity)
    right = latest_code(strict_env, SOFIA)
    wrong = "000000" if right != "000000" else "111111"
    _, messages = try_code(identity, wrong)
    assert responses(messages) == ["utter_wrong_code_last_attempt"]
    _, messages = try_code(identity, wrong)
    assert responses(messages) == ["utter_code_attempts_exceeded"]
    _, messages = try_code(identity, right)  # too late: the code is spent
    assert responses(messages) == ["utter_code_attempts_exceeded"]


def test_an_address_locked_by_wrong_codes_is_said_and_the_email_asked_again(strict_env):
    email = f"bloqueada-{uuid.uuid4().hex[:8]}@example.net"

    def enter(identity: str, code: str):
        slots = {"requested_slot": "code", "email": email}
        return run(ValidateSignInForm(), load_tracker("in_form", identity, slots=slots, candidates={"code": code}))

    for _ in range(2):  # two codes, two wrong tries each: the day's four
        identity = new_identity()
        events, messages = run(ValidateSignInForm(), load_tracker("in_form", identity, candidates={"email": email}))
        assert responses(messages) == ["utter_code_sent_one_minute"]  # a 2-second code: "1 minuto"
        wrong = "000000" if latest_code(strict_env, email) != "000000" else "111111"
        _, messages = enter(identity, wrong)
        assert responses(messages) == ["utter_wrong_code_last_attempt"]
        events, messages = enter(identity, wrong)
    assert responses(messages) == ["utter_address_locked"]
    assert slots_of(events)["email"] is None and slots_of(events)["code"] is None
    # Asking a new code for that address, from another chat, is refused the same way.
    events, messages = run(ValidateSignInForm(), load_tracker("in_form", new_identity(), candidates={"email": email}))
    assert responses(messages) == ["utter_address_locked"]
    assert slots_of(events)["email"] is None
