"""Satisfaction: "¿Te sirvió?" after a certificate is sent (once a day, never in a form), and the answer."""

from __future__ import annotations

import time

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.claim.submission import ActionSubmitClaim
from bot.actions.core import ActionSessionStart
from bot.actions.policies import ActionSendCertificate
from bot.actions.satisfaction import ActionRecordSatisfaction, ask_if_due
from tests.actions.dialogue_support import (
    LAURA,
    all_responses,
    load_tracker,
    new_identity,
    responses,
    run,
    sign_in,
    slots_of,
)

DAY = 24 * 3600


@pytest.fixture(scope="module")
def laura(dialogue_api) -> str:
    identity = new_identity()
    sign_in(dialogue_api.url, dialogue_api.token, dialogue_api.outbox_dir, identity, LAURA)
    return identity


def certificate(identity: str, **slots):
    return load_tracker("request", identity, intent="request_certificate", slots={"policy_number": "HOG-778899",
                                                                                 **slots})  # fmt: skip


def test_a_sent_certificate_asks_whether_it_helped_once_a_day(api_env, laura):
    events, messages = run(ActionSendCertificate(), certificate(laura))
    assert responses(messages) == ["utter_certificate_ready", "utter_ask_satisfaction"]
    asked_at = slots_of(events)["satisfaction_asked_at"]
    assert slots_of(events)["satisfaction_flow"] == "certificate" and abs(asked_at - time.time()) < 60

    _, again = run(ActionSendCertificate(), certificate(laura, satisfaction_asked_at=time.time() - DAY + 600))
    assert responses(again) == ["utter_certificate_ready"]
    _, next_day = run(ActionSendCertificate(), certificate(laura, satisfaction_asked_at=time.time() - DAY - 600))
    assert responses(next_day) == ["utter_certificate_ready", "utter_ask_satisfaction"]


def test_never_during_a_form():
    dispatcher = CollectingDispatcher()
    tracker = load_tracker("in_form", new_identity(), active_loop="claim_form")
    assert ask_if_due(dispatcher, tracker, "certificate", now=time.time()) == []
    assert dispatcher.messages == []


@pytest.mark.parametrize(("helpful", "answer"), [("yes", "utter_satisfaction_thanks"),
                                                  ("no", "utter_satisfaction_sorry")])  # fmt: skip
def test_the_answer_is_thanked_and_the_question_closed(helpful, answer):
    tracker = load_tracker("request", new_identity("whatsapp"), intent="rate_help", slots={
        "satisfaction_flow": "claim"}, entities=[{"entity": "helpful", "value": helpful}])  # fmt: skip
    events, messages = run(ActionRecordSatisfaction(), tracker)
    assert responses(messages) == [answer]
    assert slots_of(events) == {"satisfaction_flow": None}


def test_the_buttons_say_yes_and_no_with_the_intent_and_entity_the_answer_reads():
    buttons = all_responses()["utter_ask_satisfaction"][0]["buttons"]
    assert [button["payload"] for button in buttons] == ['/rate_help{"helpful": "yes"}', '/rate_help{"helpful": "no"}']


def test_a_new_session_remembers_when_it_was_asked(api_env):
    asked = time.time() - 3600
    tracker = load_tracker("request", new_identity(), slots={"satisfaction_asked_at": asked, "satisfaction_flow": "x"})
    events, _ = run(ActionSessionStart(), tracker)
    carried = slots_of(events)
    assert carried["satisfaction_asked_at"] == asked and "satisfaction_flow" not in carried


def test_a_filed_claim_asks_whether_it_helped(laura, api_env):
    from tests.actions.test_claims import confirmed_draft

    message = {"text": "sí", "intent": {"name": "affirm", "confidence": 1.0}, "entities": []}
    # The form has just ended (its rule: claim_form, active_loop null, action_submit_claim).
    done = Tracker(laura, confirmed_draft(), message, [], False, None, {}, "claim_form")
    events, messages = run(ActionSubmitClaim(), done)
    assert responses(messages)[0] == "utter_claim_created" and responses(messages)[-1] == "utter_ask_satisfaction"
    assert slots_of(events)["satisfaction_flow"] == "claim"
