"""Rasa restarted in the middle of a claim form: the conversation picks up where it was.

The tracker store is persistent (sealed, at TRACKER_STORE_URL), so after a restart the
customer's next answer fills the question they were asked, and the report
completes without signing in or starting over.
"""

from __future__ import annotations

import pytest

from benchmarks.conversation import form_answer, normalized
from tests.faults.chat import Chat, auto_claims, claim_number, claims_of

pytestmark = pytest.mark.timeout(900)


def test_form_resumes_after_rasa_restart(fault_stack):
    chat = Chat(fault_stack.rasa_client(), fault_stack.outbox_dir)
    chat.sign_in()
    before = auto_claims(claims_of(fault_stack.api.url, fault_stack.token, chat.sender))
    question = chat.answer_form(chat.start_claim(), turns=2)
    assert not claim_number(question), chat.transcript()
    asked = normalized(question.messages[-1].text)

    fault_stack.restart_rasa()
    chat.rasa = fault_stack.rasa_client()

    resumed = chat.say(form_answer(question))
    assert resumed.messages, chat.transcript()
    assert normalized(resumed.messages[-1].text) != asked, f"the answered question was asked again\n{chat.transcript()}"
    assert "mail" not in normalized(resumed.text), f"the customer was asked to sign in again\n{chat.transcript()}"

    done = chat.answer_until_confirmation(resumed)
    number = claim_number(chat.confirm(done))
    assert number, f"the report did not complete after the restart\n{chat.transcript()}"
    claims = auto_claims(claims_of(fault_stack.api.url, fault_stack.token, chat.sender))
    assert len(claims) == len(before) + 1
    assert number in {claim["number"] for claim in claims}
