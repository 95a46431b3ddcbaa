"""A certificate or a cancellation for the policy the request names ("de la casa", "la moto"): nothing asked.

Laura (verified) has in force her Gol (AU-1048576), her home (HOG-778899) and
sees her son Martín's Honda Wave (01-0234567-8): a real API, the demo portfolio.
"""

from __future__ import annotations

import pytest

from bot.actions.cancellations import ActionRequestCancellation
from bot.actions.policies import ActionSendCertificate
from tests.actions.dialogue_support import LAURA, load_tracker, new_identity, responses, run, sign_in


@pytest.fixture(scope="module")
def laura(dialogue_api) -> str:
    identity = new_identity()
    sign_in(dialogue_api.url, dialogue_api.token, dialogue_api.outbox_dir, identity, LAURA)
    return identity


@pytest.mark.parametrize(
    ("said", "number"),
    [
        ("mandame el certificado de la casa", "HOG-778899"),
        ("necesito el certificado de cobertura del auto", "AU-1048576"),
        ("pasame el certificado de la moto de mi hijo", "01-0234567-8"),
    ],
)
def test_the_certificate_of_the_policy_named_is_sent_at_once(api_env, laura, said, number):
    tracker = load_tracker("request", laura, intent="request_certificate", text=said)
    _, messages = run(ActionSendCertificate(), tracker)
    assert responses(messages) == ["utter_certificate_ready", "utter_ask_satisfaction"]  # satisfaction: once a day
    assert messages[0]["policy_number"] == number


def test_a_certificate_request_that_names_nothing_offers_the_policies(api_env, laura):
    tracker = load_tracker("request", laura, intent="request_certificate", text="mandame un certificado")
    _, messages = run(ActionSendCertificate(), tracker)
    assert responses(messages) == ["utter_choose_policy_certificate"]


def test_a_cancellation_of_the_policy_named_goes_straight_to_the_optional_reason(api_env, laura):
    tracker = load_tracker("request", laura, intent="cancel_policy", text="quiero dar de baja el seguro de la casa")
    _, messages = run(ActionRequestCancellation(), tracker)
    assert responses(messages) == ["utter_cancel_ask_reason"]
    assert messages[0]["policy_number"] == "HOG-778899"
    tracker = load_tracker("request", laura, intent="cancel_policy", text="quiero dar de baja un seguro")
    _, messages = run(ActionRequestCancellation(), tracker)
    assert responses(messages) == ["utter_cancel_choose_policy"]
