"""The Mi Aval API goes down while a customer reports a crash.

The customer is told (not left in silence, not a stack trace), the draft is
kept, and once the API is back the same report goes through: exactly one
claim, with what the customer told before the outage.
"""

from __future__ import annotations

import pytest

from benchmarks.transports import APOLOGY_MARKERS
from tests.faults.chat import Chat, auto_claims, claim_number, claims_of

pytestmark = pytest.mark.timeout(600)


def test_claim_survives_api_outage_and_is_filed_once(fault_stack):
    chat = Chat(fault_stack.rasa_client(), fault_stack.outbox_dir)
    chat.sign_in()
    before = auto_claims(claims_of(fault_stack.api.url, fault_stack.token, chat.sender))
    confirmation = chat.answer_until_confirmation(chat.start_claim())
    port = fault_stack.api.port

    fault_stack.api.stop()
    try:
        during = chat.confirm(confirmation)
    finally:
        fault_stack.restart_api(port)
    assert during.messages, f"the customer was left in silence while the API was down\n{chat.transcript()}"
    assert not claim_number(during), f"a claim number was given while the API was down\n{chat.transcript()}"
    told = during.text.lower()
    assert any(marker in told for marker in APOLOGY_MARKERS) or "sistema" in told or "guard" in told, (
        f"the customer was not told the system is down\n{chat.transcript()}"
    )

    # The API is back: the customer tries again (confirming or taking the retry the assistant offers).
    after = chat.confirm(during)
    if not claim_number(after):
        after = chat.confirm(after)
    number = claim_number(after)
    assert number, f"the kept draft was not filed once the API came back\n{chat.transcript()}"

    claims = auto_claims(claims_of(fault_stack.api.url, fault_stack.token, chat.sender))
    new = [claim for claim in claims if claim["number"] not in {old["number"] for old in before}]
    assert [claim["number"] for claim in new] == [number], f"expected exactly one new claim, got {new}"
    assert new[0]["type"] == "collision"
    assert new[0]["place"] and "rivadavia" in new[0]["place"].lower(), new[0]

    # Saying yes again must not file it twice.
    chat.say("si")
    again = auto_claims(claims_of(fault_stack.api.url, fault_stack.token, chat.sender))
    assert len(again) == len(before) + 1
