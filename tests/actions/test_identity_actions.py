"""Session start, the sign-in gate and the sign-in form against a real Mi Aval API."""

from __future__ import annotations

import re

from api_client import MiAvalClient
from bot.actions import backend
from bot.actions.core import ActionGreet, ActionSessionStart
from bot.actions.forms import ActionExplainRequestedSlot, ActionLeaveForm
from bot.actions.identity import ActionRequireSignIn, ActionSignInComplete, ValidateSignInForm
from tests.actions.dialogue_support import (
    DOMAIN,
    LAURA,
    SOFIA,
    load_tracker,
    message,
    new_identity,
    responses,
    run,
    sign_in,
    slots_of,
)
from tests.conftest import latest_code


def test_session_start_asks_the_api_and_ignores_stale_slots(api_env):
    identity = new_identity()
    stale = load_tracker("new_conversation", identity, slots={"verified": True, "user_name": "Alguien"})
    events, _ = run(ActionSessionStart(), stale)
    assert events[0]["event"] == "session_started"
    assert slots_of(events)["verified"] is False
    assert slots_of(events)["user_name"] is None
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")

    sign_in(api_env.url, api_env.token, api_env.outbox_dir, identity, LAURA)
    events, _ = run(ActionSessionStart(), load_tracker("new_conversation", identity))
    assert slots_of(events)["verified"] is True
    assert slots_of(events)["user_name"] == "Laura Gómez"
    assert slots_of(events)["privacy_notice_shown"] is True


def test_session_start_keeps_a_half_reported_claim(api_env):
    identity = new_identity()
    draft = {"claim_policy": "AU-1048576", "claim_type": "collision", "claim_place": "Av. Rivadavia 5000"}
    events, _ = run(ActionSessionStart(), load_tracker("new_conversation", identity, slots=draft))
    assert {name: value for name, value in slots_of(events).items() if name in draft} == draft
    assert "claim_description" not in slots_of(events)  # only what was said travels


def test_first_greeting_shows_the_privacy_notice_once(api_env):
    identity = new_identity("telegram")
    events, messages = run(ActionGreet(), load_tracker("new_conversation", identity))
    assert responses(messages) == ["utter_greet", "utter_privacy_notice", "utter_menu"]
    assert slots_of(events) == {"privacy_notice_shown": True}
    notice = DOMAIN["responses"]["utter_privacy_notice"][0]["text"]
    for words in ("Aval", "25.326", "acceso", "rectificación", "supresión", "AAIP"):
        assert words in notice

    _, messages = run(ActionGreet(), load_tracker("new_conversation", identity, slots={"privacy_notice_shown": True}))
    assert responses(messages) == ["utter_greet", "utter_menu"]


def test_the_gate_remembers_the_request_of_an_unverified_user(api_env):
    events, messages = run(ActionRequireSignIn(), load_tracker("request", new_identity(), intent="list_policies"))
    assert slots_of(events)["pending_request"] == "list_policies"
    assert responses(messages) == ["utter_privacy_notice", "utter_sign_in_first"]
    assert slots_of(events)["privacy_notice_shown"] is True

    seen = {"privacy_notice_shown": True}
    tracker = load_tracker("request", new_identity(), intent="delete_account", slots=seen)
    events, messages = run(ActionRequireSignIn(), tracker)
    assert slots_of(events)["pending_request"] == "delete_account"
    assert responses(messages) == ["utter_sign_in_first"]


def test_the_gate_lets_a_verified_user_through(api_env):
    identity = new_identity()
    sign_in(api_env.url, api_env.token, api_env.outbox_dir, identity, SOFIA)
    events, messages = run(ActionRequireSignIn(), load_tracker("request", identity, intent="request_certificate"))
    assert slots_of(events)["pending_request"] is None
    assert slots_of(events)["user_name"] == "Sofía Martínez"
    assert messages == []
    _, messages = run(ActionRequireSignIn(), load_tracker("request", identity, intent="sign_in"))
    assert responses(messages) == ["utter_already_signed_in"]


def test_sign_in_form_email_then_wrong_code_then_right_code(api_env):
    identity = new_identity("whatsapp")
    form = ValidateSignInForm()

    events, messages = run(form, load_tracker("in_form", identity, candidates={"email": "Laura.Gomez@example.com"}))
    slots = slots_of(events)
    assert slots["email"] == LAURA
    sent = message(messages, "utter_code_sent")
    assert sent["email_masked"] == slots["email_masked"]
    assert "laura.gomez" not in sent["email_masked"]  # only the masked address is shown
    assert sent["minutes"] == 10

    code = latest_code(api_env.outbox_dir, LAURA)
    wrong = "000000" if code != "000000" else "111111"
    in_code = {"requested_slot": "code", "email": LAURA}
    events, messages = run(form, load_tracker("in_form", identity, slots=in_code, candidates={"code": wrong}))
    assert slots_of(events)["code"] is None
    assert message(messages, "utter_wrong_code")["attempts_left"] == 4
    assert slots_of(events)["form_failures"] == {"code": 1}

    events, messages = run(
        form,
        load_tracker("in_form", identity, slots={**in_code, "form_failures": {"code": 1}}, candidates={"code": code}),
    )
    slots = slots_of(events)
    assert slots["code"] == "accepted"
    assert slots["verified"] is True
    assert slots["user_name"] == "Laura Gómez"
    assert slots["form_failures"] is None
    assert code not in str(events)  # the secret never stays in a slot

    # Laura's e-mail is also her son Martín's: his profile is linked too.
    assert MiAvalClient(api_env.url, api_env.token).whoami(identity).name == "Laura Gómez"
    assert "Martín Gómez" in set(slots["new_links"]) | {
        c.name for c in MiAvalClient(api_env.url, api_env.token).list_clients(identity)
    }


def test_sign_in_complete_welcomes_by_name_and_hands_back_the_request(api_env):
    identity = new_identity()
    slots = {"user_name": "Laura Gómez", "new_links": ["Laura Gómez", "Martín Gómez"], "new_account": False,
             "pending_request": "list_policies", "email": LAURA, "code": "accepted"}
    events, messages = run(ActionSignInComplete(), load_tracker("request", identity, slots=slots))
    assert responses(messages) == ["utter_signed_in_name", "utter_profiles_linked_automatically"]
    assert messages[0]["user_name"] == "Laura Gómez"
    assert messages[1]["profiles"].splitlines() == ["• Laura Gómez", "• Martín Gómez"]
    after = slots_of(events)
    assert after["pending_request"] == "list_policies"
    assert after["email"] is None and after["code"] is None

    signed_in_only = load_tracker("request", identity, slots={**slots, "pending_request": "sign_in"})
    events, _ = run(ActionSignInComplete(), signed_in_only)
    assert slots_of(events)["pending_request"] is None


def test_a_new_account_without_profiles_is_told_how_to_link_one(api_env):
    identity = new_identity()
    email = f"nuevo.{identity[-6:]}@example.com"
    sign_in(api_env.url, api_env.token, api_env.outbox_dir, identity, email)
    slots = {"user_name": None, "new_links": [], "new_account": True, "pending_request": "sign_in"}
    _, messages = run(ActionSignInComplete(), load_tracker("request", identity, slots=slots))
    assert responses(messages) == ["utter_signed_in", "utter_account_created", "utter_no_profiles_yet"]


def test_a_bad_email_is_explained_and_the_second_failure_offers_a_way_out(api_env):
    identity = new_identity()
    form = ValidateSignInForm()
    events, messages = run(form, load_tracker("in_form", identity, candidates={"email": "laura arroba gmail"}))
    assert slots_of(events)["email"] is None
    assert responses(messages) == ["utter_explain_email"]
    failures = slots_of(events)["form_failures"]
    events, messages = run(
        form, load_tracker("in_form", identity, slots={"form_failures": failures}, candidates={"email": "no tengo"})
    )
    assert responses(messages) == ["utter_explain_email", "utter_offer_continue_or_leave"]
    assert slots_of(events)["form_failures"] == {"email": 2}


def test_asking_for_a_new_code_too_soon_says_when(api_env):
    identity = new_identity()
    form = ValidateSignInForm()
    run(form, load_tracker("in_form", identity, candidates={"email": SOFIA}))
    in_code = {"requested_slot": "code", "email": SOFIA}
    events, messages = run(form, load_tracker("in_form", identity, slots=in_code, candidates={"code": "resend"}))
    assert slots_of(events)["code"] is None
    # The API allows one code a minute per chat: the singular response, never "1 minutos".
    limited = message(messages, "utter_resend_limited_one_minute")
    assert limited["minutes"] == 1
    assert "form_failures" not in slots_of(events)  # not the user's fault


def test_a_code_without_a_pending_verification_starts_again_from_the_email(api_env):
    events, messages = run(
        ValidateSignInForm(),
        load_tracker("in_form", new_identity(), slots={"requested_slot": "code"}, candidates={"code": "123456"}),
    )
    assert responses(messages) == ["utter_verification_missing"]
    assert slots_of(events)["email"] is None


def test_a_code_that_is_not_six_digits_is_explained(api_env):
    events, messages = run(
        ValidateSignInForm(),
        load_tracker("in_form", new_identity(), slots={"requested_slot": "code"}, candidates={"code": "12ab"}),
    )
    assert responses(messages) == ["utter_explain_code"]
    assert slots_of(events)["code"] is None


def test_an_answer_nobody_understood_is_explained_and_counted(api_env):
    tracker = load_tracker("in_form", new_identity(), slots={"requested_slot": "code", "form_failures": {"code": 1}})
    events, messages = run(ActionExplainRequestedSlot(), tracker)
    assert responses(messages) == ["utter_explain_code", "utter_offer_continue_or_leave"]
    assert slots_of(events)["form_failures"] == {"code": 2}


def test_stop_leaves_the_form_and_forgets_what_it_gathered(api_env):
    tracker = load_tracker("in_form", new_identity(), slots={"email": LAURA, "pending_request": "list_policies"})
    events, messages = run(ActionLeaveForm(), tracker)
    assert responses(messages) == ["utter_form_left"]
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    slots = slots_of(events)
    assert slots["email"] is None and slots["code"] is None and slots["pending_request"] is None


def test_the_api_down_is_said_plainly(monkeypatch):
    from launcher.services import free_port

    monkeypatch.setenv("MIAVAL_API_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("MIAVAL_API_TOKEN", "x")
    backend.reset_api()
    try:
        events, messages = run(ActionRequireSignIn(), load_tracker("request", new_identity(), intent="list_policies"))
    finally:
        backend.reset_api()
    assert responses(messages) == ["utter_backend_down"]
    assert {"event": "followup", "name": "action_listen", "timestamp": None} in events


def test_codes_never_reach_a_handoff_context(api_env):
    from bot.actions.core import handoff_context

    tracker = load_tracker("in_form", new_identity())
    tracker.events.append(
        {"event": "user", "text": "el codigo es 482913", "parse_data": {"intent": {"name": "inform"}, "entities": []}}
    )
    context = handoff_context(tracker)
    assert not re.search(r"\d{6}", str(context))
    assert context["active_form"] == "sign_in_form"


def test_a_new_session_stays_paused_while_an_executive_has_the_conversation(api_env):
    identity = new_identity("telegram")
    taken = load_tracker("new_conversation", identity)
    taken.events.extend([{"event": "pause", "timestamp": 1.0}, {"event": "bot", "text": "Hola, soy Ana."}])
    events, _ = run(ActionSessionStart(), taken)
    assert [event["event"] for event in events][-2:] == ["pause", "action"]

    handed_back = load_tracker("new_conversation", identity)
    handed_back.events.extend([{"event": "pause"}, {"event": "resume"}])
    events, _ = run(ActionSessionStart(), handed_back)
    assert "pause" not in [event["event"] for event in events]


def test_an_email_in_the_message_that_starts_the_sign_in_is_used_and_not_asked(api_env):
    opening = load_tracker(
        "request", new_identity(), intent="sign_in", text="quiero ingresar, mi mail es laura.gomez@example.com",
        entities=[{"entity": "email", "value": "laura.gomez@example.com"}],
    )  # fmt: skip
    events, messages = run(ValidateSignInForm(), opening)
    assert slots_of(events)["email"] == LAURA
    assert responses(messages) == ["utter_code_sent"]  # the code goes out at once: the next message is the code
    plain = load_tracker("request", new_identity(), intent="sign_in", text="quiero ingresar")
    events, messages = run(ValidateSignInForm(), plain)
    assert "email" not in slots_of(events) and messages == []
