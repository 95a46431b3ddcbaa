"""Deleting the account and asking for a person, against a real API."""

from __future__ import annotations

from api_client import MiAvalClient
from bot.actions.account import ActionDeleteAccount, ValidateDeleteAccountForm
from bot.actions.core import ActionHumanHandoff
from tests.actions.dialogue_support import (
    assert_told_when_a_person_answers,
    load_tracker,
    new_identity,
    responses,
    run,
    sign_in,
    slots_of,
)


def test_delete_account_only_after_a_yes(api_env):
    identity = new_identity()
    sign_in(api_env.url, api_env.token, api_env.outbox_dir, identity, f"borrar.{identity[-6:]}@example.com")
    client = MiAvalClient(api_env.url, api_env.token)

    _, messages = run(ActionDeleteAccount(), load_tracker("request", identity, slots={"confirm_delete": False}))
    assert responses(messages) == ["utter_account_kept"]
    assert client.whoami(identity) is not None

    events, messages = run(ActionDeleteAccount(), load_tracker("request", identity, slots={"confirm_delete": True}))
    assert responses(messages) == ["utter_account_deleted"]
    assert client.whoami(identity) is None
    assert slots_of(events)["verified"] is False


def test_the_delete_confirmation_wants_yes_or_no(api_env):
    tracker = load_tracker(
        "in_form", new_identity(), slots={"requested_slot": "confirm_delete"}, candidates={"confirm_delete": "quizas"}
    )
    events, messages = run(ValidateDeleteAccountForm(), tracker)
    assert slots_of(events)["confirm_delete"] is None
    assert responses(messages) == ["utter_explain_confirm_delete"]


def test_a_person_is_asked_for_without_signing_in_and_says_when(api_env):
    identity = new_identity("whatsapp")
    _, messages = run(ActionHumanHandoff(), load_tracker("in_form", identity, intent="human_handoff"))
    assert len(messages) == 1
    assert_told_when_a_person_answers(api_env.database_url, identity, responses(messages)[0])


def test_a_confirmation_never_offers_go_on_because_a_yes_would_delete(api_env):
    from bot.actions.forms import ActionExplainRequestedSlot

    slots = {"requested_slot": "confirm_delete", "form_failures": {"confirm_delete": 1}}
    events, messages = run(ActionExplainRequestedSlot(), load_tracker("in_form", new_identity(), slots=slots))
    assert responses(messages) == ["utter_explain_confirm_delete"]
    assert slots_of(events)["form_failures"] == {"confirm_delete": 2}
