"""Policies: list, details and certificate, as Laura (who also sees her son Martín's policy)."""

from __future__ import annotations

import pytest

from api_client import MiAvalClient
from bot.actions.policies import ActionListPolicies, ActionPolicyDetails, ActionSendCertificate
from tests.actions.dialogue_support import LAURA, load_tracker, message, new_identity, responses, run, sign_in, slots_of


@pytest.fixture(scope="module")
def laura(dialogue_api) -> str:
    """One chat identity verified as Laura for the whole module (codes per address are limited)."""
    identity = new_identity()
    sign_in(dialogue_api.url, dialogue_api.token, dialogue_api.outbox_dir, identity, LAURA)
    return identity


def ask(identity: str, intent: str, **slots) -> object:
    return load_tracker("request", identity, intent=intent, slots=slots)


def test_policies_are_grouped_by_client_and_insurer_in_force_first_expired_marked(api_env, laura):
    events, messages = run(ActionListPolicies(), ask(laura, "list_policies"))
    assert responses(messages)[0] == "utter_policies_intro"
    groups = {(m["client_name"], m["insurer_name"]): m["policies"].splitlines() for m in messages[1:]}
    assert set(groups) == {
        ("Laura Gómez", "Río de la Plata Seguros"),
        ("Laura Gómez", "Pampa Seguros"),
        ("Martín Gómez", "Cordillera Seguros"),
    }
    rps = groups[("Laura Gómez", "Río de la Plata Seguros")]
    assert rps[0].startswith("• AU-1048576:") and "vigente hasta" in rps[0]
    assert rps[1].startswith("• AU-0524288:") and "vencida" in rps[1] and "JKL432" in rps[1]
    assert "01-0234567-8" in groups[("Martín Gómez", "Cordillera Seguros")][0]
    assert slots_of(events)["client_id"] is None


def test_the_policies_of_one_client_profile(api_env, laura):
    martin = next(c for c in MiAvalClient(api_env.url, api_env.token).list_clients(laura) if c.name == "Martín Gómez")
    _, messages = run(ActionListPolicies(), ask(laura, "list_policies", client_id=str(martin.id)))
    assert [m.get("client_name") for m in messages[1:]] == ["Martín Gómez"]


def test_details_by_number_as_typed_show_coverage_validity_premium_and_offer_the_certificate(api_env, laura):
    events, messages = run(ActionPolicyDetails(), ask(laura, "policy_details", policy_number="au 1048576"))
    details = message(messages, "utter_policy_details_in_force")
    assert details["number"] == "AU-1048576"
    assert details["coverage"].startswith("Todo riesgo")
    assert "AC123BD" in details["item"]
    assert message(messages, "utter_policy_premium")["premium"] == "$ 58.900,00"
    offer = message(messages, "utter_offer_certificate")
    assert offer["buttons"][0]["payload"] == '/request_certificate{"policy_number":"AU-1048576"}'
    assert slots_of(events)["policy_number"] is None


def test_details_by_plate_find_the_expired_policy(api_env, laura):
    _, messages = run(ActionPolicyDetails(), ask(laura, "policy_details", license_plate="jkl 432"))
    assert responses(messages) == ["utter_policy_details_expired"]
    assert messages[0]["number"] == "AU-0524288"


def test_a_policy_of_someone_else_is_not_found_and_a_choice_is_offered(api_env, laura):
    _, messages = run(ActionPolicyDetails(), ask(laura, "policy_details", policy_number="LT 5521907"))
    assert responses(messages) == ["utter_policy_not_found", "utter_choose_policy_details"]
    payloads = [button["payload"] for button in messages[1]["buttons"]]
    assert len(payloads) == 4 and not any("5521907" in p for p in payloads)
    assert all(len(p.encode()) <= 64 for p in payloads)


def test_a_certificate_without_a_policy_offers_only_policies_in_force(api_env, laura):
    _, messages = run(ActionSendCertificate(), ask(laura, "request_certificate"))
    assert responses(messages) == ["utter_choose_policy_certificate"]
    payloads = {button["payload"] for button in messages[0]["buttons"]}
    assert payloads == {
        '/request_certificate{"policy_number":"AU-1048576"}',
        '/request_certificate{"policy_number":"HOG-778899"}',
        '/request_certificate{"policy_number":"01-0234567-8"}',
    }


def test_a_certificate_is_sent_as_a_document_the_channels_can_fetch(api_env, laura):
    _, messages = run(ActionSendCertificate(), ask(laura, "request_certificate", policy_number="HOG-778899"))
    sent = message(messages, "utter_certificate_ready")
    document = sent["custom"]["document"]
    assert document["content_type"] == "application/pdf"
    fetched = MiAvalClient(api_env.url, api_env.token).fetch_document(document["token"])
    assert fetched.content.startswith(b"%PDF")


def test_no_certificate_for_an_expired_policy(api_env, laura):
    _, messages = run(ActionSendCertificate(), ask(laura, "request_certificate", license_plate="JKL432"))
    assert responses(messages) == ["utter_certificate_not_in_force", "utter_choose_policy_certificate"]
    assert messages[0]["policy_number"] == "AU-0524288"


def test_an_unverified_user_is_sent_to_sign_in(api_env):
    events, messages = run(ActionListPolicies(), ask(new_identity(), "list_policies"))
    assert responses(messages) == ["utter_sign_in_needed"]
