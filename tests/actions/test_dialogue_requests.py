"""Requests the conversation must never drop (issue 10, items 1, 2, 3 and 5), against a real API.

A request in the first message or in the middle of a form, data typed with
nothing asked, switching accounts and correcting the e-mail while the code is
awaited, and what a broker's customers ask beyond the help section.
"""

from __future__ import annotations

from datetime import date, timedelta

from api_client import MiAvalClient
from bot.actions.account import ValidateDeleteAccountForm
from bot.actions.broker_requests import ActionAskPayment, ActionPolicyRenewal, ActionQuoteRequest, quote_reason
from bot.actions.claim.form import ValidateClaimForm
from bot.actions.core import ActionGreet, ActionHumanHandoff, ActionSessionStart
from bot.actions.forms import ActionLeaveForm
from bot.actions.identity import ValidateSignInForm
from bot.actions.interruptions import ActionOfferLeaveForm, ActionServeInterruption
from bot.actions.loose_values import ActionReadLooseValue
from bot.actions.profiles import ValidateLinkProfileForm
from bot.actions.sign_out import SIGNED_OUT_MARKER, ActionSwitchAccount
from tests.actions.dialogue_support import (
    LAURA,
    SOFIA,
    api_rows,
    assert_told_when_a_person_answers,
    load_tracker,
    message,
    new_identity,
    responses,
    run,
    sign_in,
    slots_of,
)
from tests.conftest import latest_code

FORM_COMPLAINTS = {"utter_explain_email", "utter_explain_code", "utter_explain_document_number"}


def handoff_reasons(api_env, identity: str) -> list[str]:
    """The reasons of the handoff requests the API recorded for ``identity``, oldest first."""
    rows = api_rows(
        api_env.database_url, "SELECT reason FROM handoff_requests WHERE sender_id = ? ORDER BY id", identity
    )
    return [reason for (reason,) in rows]


def event_kinds(events: list[dict]) -> list[str]:
    return [event["event"] for event in events]


# -- item 1: a request in the first message, or in the middle of a form ----------------------


def test_the_session_starts_with_hello_and_the_notice_once_per_chat(api_env):
    identity = new_identity("whatsapp")
    _, messages = run(ActionSessionStart(), load_tracker("new_conversation", identity))
    assert responses(messages) == ["utter_greet", "utter_privacy_notice"]

    # A later session of the same chat (its earlier events hold the notice): hello only.
    earlier = load_tracker("new_conversation", identity)
    earlier.events.append({"event": "slot", "name": "privacy_notice_shown", "value": True})
    events, messages = run(ActionSessionStart(), earlier)
    assert responses(messages) == ["utter_greet"]
    assert slots_of(events)["privacy_notice_shown"] is True


def test_a_verified_user_is_greeted_by_name_without_the_notice(api_env):
    identity = new_identity("telegram")
    sign_in(api_env.url, api_env.token, api_env.outbox_dir, identity, LAURA)
    _, messages = run(ActionSessionStart(), load_tracker("new_conversation", identity))
    assert responses(messages) == ["utter_greet_name"]
    assert messages[0]["user_name"] == "Laura Gómez"


def test_a_greeting_as_first_message_of_the_session_only_adds_the_menu(api_env):
    tracker = load_tracker("request", new_identity(), intent="greet", text="hola", slots={"privacy_notice_shown": True})
    _, messages = run(ActionGreet(), tracker)
    assert responses(messages) == ["utter_menu"]


def test_asked_for_the_email_a_quote_request_is_served_not_complained_about(api_env):
    identity = new_identity()
    tracker = load_tracker(
        "in_form", identity, intent="quote_request", text="quiero cotizar un seguro para mi casa", entities=[]
    )
    events, messages = run(ValidateSignInForm(), tracker)
    assert not FORM_COMPLAINTS & set(responses(messages)), messages
    assert event_kinds(events) == ["action_execution_rejected", "followup"]
    assert events[1]["name"] == "action_serve_interruption"

    events, messages = run(ActionServeInterruption(), tracker)
    assert responses(messages)[0] == "utter_quote_intro"
    assert_told_when_a_person_answers(api_env.database_url, identity, responses(messages)[1])
    assert handoff_reasons(api_env, identity) == ["quote"]


def test_back_in_the_form_after_serving_the_request_the_form_only_asks_again(api_env):
    # Rasa calls the validation action again when the form resumes: the request is not served twice.
    tracker = load_tracker("in_form", new_identity(), intent="quote_request", text="quiero cotizar un seguro")
    tracker.events += [
        {"event": "action", "name": "action_serve_interruption"},
        {"event": "action", "name": "sign_in_form"},
    ]
    events, messages = run(ValidateSignInForm(), tracker)
    assert messages == [] and "followup" not in event_kinds(events)


def test_asked_for_the_email_an_email_is_still_an_answer(api_env):
    identity = new_identity()
    tracker = load_tracker(
        "in_form",
        identity,
        intent="inform",
        text=LAURA,
        entities=[{"entity": "email", "value": LAURA}],
        candidates={"email": LAURA},
    )
    events, messages = run(ValidateSignInForm(), tracker)
    assert slots_of(events)["email"] == LAURA
    assert responses(messages) == ["utter_code_sent"]


def test_a_request_that_needs_sign_in_waits_for_it_inside_the_sign_in(api_env):
    tracker = load_tracker("in_form", new_identity(), intent="list_policies", text="y mis polizas?")
    events, _ = run(ValidateSignInForm(), tracker)
    assert (events[-1]["event"], events[-1]["name"]) == ("followup", "action_serve_interruption")

    events, messages = run(ActionServeInterruption(), tracker)
    assert responses(messages) == ["utter_sign_in_pending_request"]
    assert slots_of(events) == {"pending_request": "list_policies"}


def test_a_request_with_its_own_flow_in_another_form_asks_whether_to_leave_then_goes_on_with_it(api_env):
    identity = new_identity()
    sign_in(api_env.url, api_env.token, api_env.outbox_dir, identity, SOFIA)
    slots = {"requested_slot": "link_policy_number", "document_number": "30709876542", "verified": True}
    tracker = load_tracker(
        "in_form", identity, slots=slots, intent="claim_status", text="como va mi denuncia?",
        active_loop="link_profile_form",
    )  # fmt: skip
    events, messages = run(ValidateLinkProfileForm(), tracker)
    assert messages == []
    assert events[-1]["name"] == "action_offer_leave_form"

    events, messages = run(ActionOfferLeaveForm(), tracker)
    assert responses(messages) == ["utter_ask_leave_form"]
    assert slots_of(events) == {"interrupted_request": "claim_status"}

    # "Sí, dejarlo": the form is left and the request follows, as if just said.
    left = load_tracker(
        "in_form", identity, slots={**slots, "interrupted_request": "claim_status"}, intent="stop",
        text="/stop", active_loop="link_profile_form",
    )  # fmt: skip
    offered = [{"event": "action", "name": "action_offer_leave_form"}, {"event": "action", "name": "action_listen"}]
    left.events[-1:-1] = offered
    events, messages = run(ActionLeaveForm(), left)
    assert "utter_form_left" not in responses(messages)
    assert slots_of(events)["document_number"] is None
    assert (events[-2]["event"], events[-2]["name"]) == ("action", "action_listen")
    assert events[-1]["event"] == "user" and events[-1]["parse_data"]["intent"]["name"] == "claim_status"


def test_a_plain_stop_leaves_the_form_and_says_so(api_env):
    tracker = load_tracker(
        "in_form", new_identity(), slots={"interrupted_request": "claim_status"}, intent="stop", text="dejalo"
    )
    events, messages = run(ActionLeaveForm(), tracker)
    assert responses(messages) == ["utter_form_left"]
    assert event_kinds(events).count("user") == 0


def test_a_short_answer_the_form_read_is_not_taken_for_another_request(api_env):
    identity = new_identity()
    sign_in(api_env.url, api_env.token, api_env.outbox_dir, identity, LAURA)
    slots = {
        "requested_slot": "claim_third_party_done", "claim_policy": "AU-1048576", "claim_policy_line": "auto",
        "claim_type": "collision", "claim_third_party": True, "claim_third_party_name": "Juan Pérez",
        "claim_third_party_plate": "AB123CD", "verified": True,
    }  # fmt: skip
    tracker = load_tracker(
        "in_form", identity, slots=slots, intent="useful_phones", text="Pampa Seguros", active_loop="claim_form"
    )
    tracker.latest_message["intent"]["confidence"] = 0.99
    events, _ = run(ValidateClaimForm(), tracker)
    assert "followup" not in event_kinds(events)
    assert slots_of(events)["claim_third_party_insurer"] == "Pampa"

    tracker = load_tracker(
        "in_form", identity, slots=slots, intent="list_policies", text="quiero ver mis polizas",
        active_loop="claim_form",
    )  # fmt: skip
    tracker.latest_message["intent"]["confidence"] = 0.99
    events, _ = run(ValidateClaimForm(), tracker)
    assert [event["name"] for event in events if event["event"] == "followup"] == ["action_offer_leave_form"]


def test_a_low_confidence_guess_is_not_taken_for_another_request(api_env):
    tracker = load_tracker("in_form", new_identity(), text="laura arroba gmail", intent="quote_request")
    tracker.latest_message["intent"]["confidence"] = 0.4
    events, messages = run(ValidateSignInForm(), tracker)
    assert "followup" not in event_kinds(events)


# -- item 2: data typed out of context --------------------------------------------------------


def test_an_email_out_of_context_starts_the_sign_in_with_it(api_env):
    tracker = load_tracker(
        "request", new_identity(), intent="inform", text="Laura.Gomez@example.com",
        entities=[{"entity": "email", "value": "Laura.Gomez@example.com"}],
    )  # fmt: skip
    events, messages = run(ActionReadLooseValue(), tracker)
    assert slots_of(events) == {"email": LAURA, "pending_request": "sign_in"}
    assert messages == []  # the sign-in form sends the code and says so


def test_an_email_out_of_context_when_signed_in_offers_to_switch(api_env):
    identity = new_identity()
    sign_in(api_env.url, api_env.token, api_env.outbox_dir, identity, LAURA)
    other = "otra@example.com"
    said = [{"entity": "email", "value": other}]
    tracker = load_tracker("request", identity, intent="inform", text=other, entities=said)
    events, messages = run(ActionReadLooseValue(), tracker)
    assert responses(messages) == ["utter_email_other_account"]
    assert message(messages, "utter_email_other_account")["email"] == other
    assert slots_of(events)["pending_request"] is None

    said = [{"entity": "email", "value": LAURA}]
    same = load_tracker("request", identity, intent="inform", text=LAURA, entities=said)
    _, messages = run(ActionReadLooseValue(), same)
    assert responses(messages) == ["utter_email_already_signed_in"]


def test_a_policy_number_out_of_context_asks_what_to_do_with_it(api_env):
    tracker = load_tracker(
        "request", new_identity(), intent="inform", text="AU-1048576",
        entities=[{"entity": "policy_number", "value": "AU-1048576"}],
    )  # fmt: skip
    events, messages = run(ActionReadLooseValue(), tracker)
    assert responses(messages) == ["utter_loose_policy_number"]
    assert messages[0]["policy_number"] == "AU-1048576"
    assert slots_of(events)["policy_number"] == "AU-1048576"


def test_a_cuit_out_of_context_offers_linking_and_keeps_it_for_the_form(api_env):
    tracker = load_tracker(
        "request", new_identity(), intent="inform", text="30-70987654-2",
        entities=[{"entity": "document_number", "value": "30-70987654-2"}],
    )  # fmt: skip
    events, messages = run(ActionReadLooseValue(), tracker)
    assert responses(messages) == ["utter_loose_document_number"]
    assert slots_of(events)["document_number"] == "30-70987654-2"


def test_a_code_with_none_pending_is_explained_kindly(api_env):
    tracker = load_tracker(
        "request", new_identity(), intent="inform", text="482913", entities=[{"entity": "code", "value": "482913"}]
    )
    _, messages = run(ActionReadLooseValue(), tracker)
    assert responses(messages) == ["utter_loose_code"]

    identity = new_identity()
    sign_in(api_env.url, api_env.token, api_env.outbox_dir, identity, LAURA)
    tracker = load_tracker(
        "request", identity, intent="inform", text="482913", entities=[{"entity": "code", "value": "482913"}]
    )
    _, messages = run(ActionReadLooseValue(), tracker)
    assert responses(messages) == ["utter_loose_code_signed_in"]


# -- item 3: switch account, correct the e-mail while the code is awaited ----------------------


def test_switching_account_signs_out_and_asks_for_the_other_email(api_env):
    identity = new_identity("telegram")
    sign_in(api_env.url, api_env.token, api_env.outbox_dir, identity, LAURA)
    slots = {"verified": True, "user_name": "Laura Gómez", "privacy_notice_shown": True}
    tracker = load_tracker("request", identity, slots=slots, intent="switch_account")
    events, messages = run(ActionSwitchAccount(), tracker)
    assert MiAvalClient(api_env.url, api_env.token).whoami(identity) is None
    assert responses(messages) == ["utter_switching_account"]
    assert messages[0]["custom"] == SIGNED_OUT_MARKER
    assert slots_of(events)["pending_request"] == "sign_in"
    assert slots_of(events)["user_name"] is None


def test_a_new_email_instead_of_the_code_restarts_verification_with_it(api_env):
    identity = new_identity("whatsapp")
    client = MiAvalClient(api_env.url, api_env.token)
    client.start_verification(identity, "laura.gomez@exmaple.com")  # the typo
    slots = {"requested_slot": "code", "email": "laura.gomez@exmaple.com"}
    tracker = load_tracker(
        "in_form", identity, slots=slots, intent="inform", text=LAURA,
        entities=[{"entity": "email", "value": LAURA}], candidates={"code": LAURA},
    )  # fmt: skip
    events, messages = run(ValidateSignInForm(), tracker)
    assert "utter_wrong_code" not in responses(messages) and "utter_explain_code" not in responses(messages)
    assert responses(messages) == ["utter_code_sent"]
    assert slots_of(events)["email"] == LAURA and slots_of(events)["code"] is None
    code = latest_code(api_env.outbox_dir, LAURA)
    assert client.confirm_verification(identity, code).user.email == LAURA


def test_asking_for_another_email_inside_the_sign_in_asks_for_it_again(api_env):
    tracker = load_tracker(
        "in_form", new_identity(), slots={"requested_slot": "code", "email": LAURA}, intent="switch_account",
        text="me equivoque de mail",
    )  # fmt: skip
    events, _ = run(ValidateSignInForm(), tracker)
    assert events[-1]["name"] == "action_serve_interruption"
    events, _ = run(ActionServeInterruption(), tracker)
    assert slots_of(events) == {"email": None, "email_masked": None, "code": None}


# -- item 5: payments, renewals, quotes, English -----------------------------------------------


def test_payment_shows_the_insurer_and_premium_of_each_policy_in_force(api_env):
    identity = new_identity()
    sign_in(api_env.url, api_env.token, api_env.outbox_dir, identity, LAURA)
    _, messages = run(ActionAskPayment(), load_tracker("request", identity, intent="ask_payment"))
    assert responses(messages) == ["utter_payment_policies", "utter_payment_ask_executive"]
    lines = messages[0]["policies"]
    assert "AU-1048576" in lines and "Río de la Plata Seguros" in lines and "$ 58.900,00" in lines
    assert "AU-0524288" not in lines  # expired: nothing to pay


def test_payment_unverified_explains_and_offers_the_coupon_through_aval(api_env):
    identity = new_identity()
    _, messages = run(ActionAskPayment(), load_tracker("request", identity, intent="ask_payment"))
    assert responses(messages) == ["utter_payment_how"]
    # The coupon button asks for a person: the handoff is recorded as a payment request.
    tracker = load_tracker("request", identity, intent="human_handoff", text="/human_handoff")
    tracker.events[-1:-1] = [
        {"event": "user", "text": "como pago la cuota?", "parse_data": {"intent": {"name": "ask_payment"}}},
        {"event": "action", "name": "action_ask_payment"},
        {"event": "action", "name": "action_listen"},
    ]
    tracker.events[-1]["parse_data"] = {"intent": {"name": "human_handoff"}}
    run(ActionHumanHandoff(), tracker)
    assert handoff_reasons(api_env, identity) == ["payment"]


def test_renewal_shows_the_real_expiry_dates_and_insurers(api_env):
    identity = new_identity()
    sign_in(api_env.url, api_env.token, api_env.outbox_dir, identity, LAURA)
    _, messages = run(ActionPolicyRenewal(), load_tracker("request", identity, intent="policy_renewal"))
    assert responses(messages) == ["utter_renewal_dates", "utter_renewal_how"]
    policy = MiAvalClient(api_env.url, api_env.token).get_policy(identity, "AU-1048576")
    line = next(line for line in messages[0]["policies"].splitlines() if "AU-1048576" in line)
    assert policy.end_date.strftime("%d/%m/%Y") in line and "Río de la Plata Seguros" in line
    assert policy.end_date > date.today() + timedelta(days=30)
    expired = next(line for line in messages[0]["policies"].splitlines() if "AU-0524288" in line)
    assert "venció" in expired


def test_renewal_unverified_offers_sign_in_or_an_executive(api_env):
    _, messages = run(ActionPolicyRenewal(), load_tracker("request", new_identity(), intent="policy_renewal"))
    assert responses(messages) == ["utter_renewal_sign_in"]


def test_a_quote_is_recorded_for_an_executive_as_quote_or_policy_change(api_env):
    identity = new_identity()
    text = "quiero agregar a mi hijo como conductor del auto"
    _, messages = run(ActionQuoteRequest(), load_tracker("request", identity, intent="quote_request", text=text))
    assert responses(messages)[0] == "utter_quote_intro"
    assert_told_when_a_person_answers(api_env.database_url, identity, responses(messages)[1])
    assert handoff_reasons(api_env, identity) == ["policy_change"]
    assert quote_reason("quiero cotizar un seguro para mi casa") == "quote"
    assert quote_reason("me mude, hay que cambiar la direccion de la poliza") == "policy_change"


def test_a_confirmation_answered_with_another_request_confirms_nothing_and_serves_it(api_env):
    slots = {"requested_slot": "confirm_delete", "verified": True}
    tracker = load_tracker(
        "in_form", new_identity(), slots=slots, intent="list_policies", text="mejor mostrame mis polizas",
        active_loop="delete_account_form",
    )  # fmt: skip
    events, messages = run(ValidateDeleteAccountForm(), tracker)
    assert messages == []
    assert "confirm_delete" not in slots_of(events)
    assert slots_of(events) == {"interrupted_request": "list_policies"}
    assert (events[-1]["event"], events[-1]["name"]) == ("followup", "action_leave_form")

    tracker.slots["interrupted_request"] = "list_policies"
    events, messages = run(ActionLeaveForm(), tracker)
    assert responses(messages) == ["utter_nothing_changed"]
    assert [event["event"] for event in events if event["event"] == "active_loop"] == ["active_loop"]
    assert events[-1]["event"] == "user" and events[-1]["parse_data"]["intent"]["name"] == "list_policies"
