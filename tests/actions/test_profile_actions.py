"""Client profiles as Sofía, an accountant who links her clients: link, list, unlink, limits."""

from __future__ import annotations

import pytest

from api_client import MiAvalClient
from bot.actions.profiles import (
    ActionAskClientId,
    ActionAskConfirmUnlink,
    ActionLinkProfile,
    ActionListProfiles,
    ActionUnlinkProfile,
    ValidateLinkProfileForm,
    ValidateUnlinkProfileForm,
)
from tests.actions.dialogue_support import SOFIA, load_tracker, message, new_identity, responses, run, sign_in, slots_of


@pytest.fixture(scope="module")
def sofia(dialogue_api) -> str:
    identity = new_identity("telegram")
    sign_in(dialogue_api.url, dialogue_api.token, dialogue_api.outbox_dir, identity, SOFIA)
    return identity


def link(identity: str, document: str, policy: str):
    tracker = load_tracker(
        "request", identity, intent="inform", slots={"document_number": document, "link_policy_number": policy}
    )
    return run(ActionLinkProfile(), tracker)


def validate(form, identity: str, slot: str, value, **slots):
    tracker = load_tracker("in_form", identity, slots={"requested_slot": slot, **slots}, candidates={slot: value})
    return run(form, tracker)


@pytest.mark.parametrize(
    "typed, kept",
    [("31.245.877", "31245877"), ("27-31245877-8", "27312458778"), ("30 70987654 2", "30709876542")],
)
def test_documents_in_any_usual_format_are_accepted(api_env, typed, kept):
    events, messages = validate(ValidateLinkProfileForm(), new_identity(), "document_number", typed)
    assert slots_of(events)["document_number"] == kept
    assert messages == []


@pytest.mark.parametrize("typed", ["123", "27-31245877-9", "mi dni"])
def test_invalid_documents_are_explained(api_env, typed):
    events, messages = validate(ValidateLinkProfileForm(), new_identity(), "document_number", typed)
    assert slots_of(events)["document_number"] is None
    assert responses(messages) == ["utter_explain_document_number"]


def test_sofia_links_her_clients_and_lists_them(api_env, sofia):
    _, messages = run(ActionListProfiles(), load_tracker("request", sofia, intent="list_client_profiles"))
    assert responses(messages) == ["utter_no_profiles_yet"]

    events, messages = link(sofia, "17654321", "lt 5521907")
    assert message(messages, "utter_profile_linked")["client_name"] == "Carlos Benítez"
    assert slots_of(events)["document_number"] is None and slots_of(events)["link_policy_number"] is None
    _, messages = link(sofia, "30709876542", "COM-440021")
    assert message(messages, "utter_profile_linked")["client_name"] == "Panadería La Espiga S.R.L."

    _, messages = link(sofia, "20176543214", "LT 5521907")
    assert responses(messages) == ["utter_already_linked"]

    _, messages = run(ActionListProfiles(), load_tracker("request", sofia, intent="list_client_profiles"))
    assert responses(messages) == ["utter_profiles_list", "utter_profiles_actions"]
    assert messages[0]["profiles"].splitlines() == ["• Carlos Benítez", "• Panadería La Espiga S.R.L."]
    for button in messages[0]["buttons"]:
        assert button["payload"].startswith('/list_policies{"client_id":"')
        assert len(button["payload"].encode()) <= 64


def test_a_failed_link_never_says_which_half_was_wrong(api_env, sofia):
    _, wrong_policy = link(sofia, "38765432", "LT 5521907")  # Ana's DNI, Carlos's policy
    _, wrong_document = link(sofia, "38765431", "0099-112233")  # Ana's policy, someone else's DNI
    assert responses(wrong_policy) == responses(wrong_document) == ["utter_link_failed"]


def test_too_many_failed_links_say_when_to_try_again(api_env):
    identity = new_identity()
    sign_in(api_env.url, api_env.token, api_env.outbox_dir, identity, f"prueba.{identity[-6:]}@example.com")
    seen = []
    for _ in range(6):
        _, messages = link(identity, "38765432", "AU-1048576")
        seen.append(responses(messages)[0])
    assert seen[0] == "utter_link_failed"
    assert seen[-1] in ("utter_link_attempts_exceeded_hours", "utter_link_attempts_exceeded_minutes")
    last = messages[0]
    assert last.get("hours", 0) >= 1 or last.get("minutes", 0) >= 1


def test_unlink_chooses_confirms_and_keeps_the_client(api_env, sofia):
    _, messages = run(ActionAskClientId(), load_tracker("in_form", sofia, slots={"requested_slot": "client_id"}))
    assert responses(messages) == ["utter_choose_profile_to_unlink"]
    buttons = {button["title"]: button["payload"] for button in messages[0]["buttons"]}
    assert set(buttons) == {"Carlos Benítez", "Panadería La Espiga S.R.L."}

    form = ValidateUnlinkProfileForm()
    events, messages = validate(form, sofia, "client_id", "juan")
    assert responses(messages) == ["utter_explain_client_id"]
    events, _ = validate(form, sofia, "client_id", "la espiga")
    espiga_id = slots_of(events)["client_id"]
    assert buttons["Panadería La Espiga S.R.L."] == '/inform{"client_id":"' + espiga_id + '"}'

    _, messages = run(ActionAskConfirmUnlink(), load_tracker("in_form", sofia, slots={"client_id": espiga_id}))
    assert message(messages, "utter_confirm_unlink")["client_name"] == "Panadería La Espiga S.R.L."

    kept = {"client_id": espiga_id, "confirm_unlink": False}
    _, messages = run(ActionUnlinkProfile(), load_tracker("request", sofia, slots=kept))
    assert responses(messages) == ["utter_nothing_changed"]
    client = MiAvalClient(api_env.url, api_env.token)
    assert len(client.list_clients(sofia)) == 2

    confirmed = load_tracker("request", sofia, slots={**kept, "confirm_unlink": True})
    events, messages = run(ActionUnlinkProfile(), confirmed)
    assert message(messages, "utter_profile_unlinked")["client_name"] == "Panadería La Espiga S.R.L."
    assert [c.name for c in client.list_clients(sofia)] == ["Carlos Benítez"]
    assert slots_of(events)["client_id"] is None
    # The client was not deleted: it can be linked again.
    _, messages = link(sofia, "30709876542", "COM-440021")
    assert responses(messages) == ["utter_profile_linked"]


def test_signing_in_again_does_not_call_manual_links_automatic(api_env, sofia):
    from bot.actions.identity import ValidateSignInForm
    from tests.conftest import latest_code

    assert MiAvalClient(api_env.url, api_env.token).list_clients(sofia)  # linked by hand above
    identity = new_identity("whatsapp")
    run(ValidateSignInForm(), load_tracker("in_form", identity, candidates={"email": SOFIA}))
    code = latest_code(api_env.outbox_dir, SOFIA)
    slots = {"requested_slot": "code", "email": SOFIA}
    events, _ = run(ValidateSignInForm(), load_tracker("in_form", identity, slots=slots, candidates={"code": code}))
    assert slots_of(events)["code"] == "accepted"
    assert slots_of(events)["new_links"] == []


def entity(name: str, value: str) -> dict:
    return {"entity": name, "value": value, "confidence_entity": 0.99}


def test_the_opening_message_fills_both_slots_and_nothing_is_asked(api_env):
    """ "quiero vincular el dni 31.245.877 póliza AU-1048576": read at the form's activation, validated."""
    tracker = load_tracker(
        "request", new_identity(), intent="link_client_profile",
        text="quiero vincular el dni 31.245.877 poliza AU-1048576",
        entities=[entity("document_number", "31.245.877"), entity("policy_number", "AU-1048576")],
    )  # fmt: skip
    events, messages = run(ValidateLinkProfileForm(), tracker)
    assert slots_of(events) == {"document_number": "31245877", "link_policy_number": "AU-1048576"}
    assert messages == []


def test_an_invalid_document_in_the_opening_message_is_explained_and_the_policy_kept(api_env):
    tracker = load_tracker(
        "request", new_identity(), intent="link_client_profile", text="vincular dni 123 poliza AU-1048576",
        entities=[entity("document_number", "123"), entity("policy_number", "AU-1048576")],
    )  # fmt: skip
    events, messages = run(ValidateLinkProfileForm(), tracker)
    slots = slots_of(events)
    assert (slots["document_number"], slots["link_policy_number"]) == (None, "AU-1048576")
    assert responses(messages) == ["utter_explain_document_number"]


def test_the_answer_to_the_document_that_also_gives_the_policy_fills_both(api_env):
    tracker = load_tracker(
        "in_form", new_identity(), slots={"requested_slot": "document_number"}, intent="inform",
        text="30709876542 y la poliza es COM-440021", candidates={"document_number": "30709876542"},
        entities=[entity("document_number", "30709876542"), entity("policy_number", "COM-440021")],
    )  # fmt: skip
    events, _ = run(ValidateLinkProfileForm(), tracker)
    assert slots_of(events) == {"document_number": "30709876542", "link_policy_number": "COM-440021"}


def test_a_message_without_the_values_leaves_them_to_be_asked(api_env):
    tracker = load_tracker("request", new_identity(), intent="link_client_profile", text="quiero vincular un cliente")
    events, messages = run(ValidateLinkProfileForm(), tracker)
    assert slots_of(events) == {} and messages == []


@pytest.mark.parametrize(
    ("said", "named"),
    [("saca a carlos de mi cuenta", "Carlos Benítez"), ("desvincula la panaderia", "Panadería La Espiga S.R.L."),
     ("quiero desvincular a Carlos Benítez", "Carlos Benítez"), ("sacá a juan", None),
     ("desvincular un cliente", None)],
)  # fmt: skip
def test_the_client_named_in_the_opening_message_is_not_asked(api_env, sofia, said, named):
    clients = {client.id: client.name for client in MiAvalClient(api_env.url, api_env.token).list_clients(sofia)}
    assert set(clients.values()) == {"Carlos Benítez", "Panadería La Espiga S.R.L."}
    tracker = load_tracker("request", sofia, intent="unlink_client_profile", text=said)
    events, messages = run(ValidateUnlinkProfileForm(), tracker)
    chosen = slots_of(events).get("client_id")
    assert (clients[int(chosen)] if chosen else None) == named
    assert messages == []


def test_a_document_and_a_policy_typed_with_nothing_asked_start_the_linking_that_takes_both(api_env):
    """Classified as ``inform`` (data typed out of the blue), the pair is the linking's data, not a question."""
    from bot.actions.loose_values import ActionReadLooseValue

    said = [entity("document_number", "17.654.321"), entity("policy_number", "LT 5521907")]
    text = "quiero vincular el dni 17.654.321 poliza LT 5521907"
    verified = {"verified": True}
    signed_in = load_tracker("request", new_identity(), intent="inform", text=text, entities=said, slots=verified)
    events, messages = run(ActionReadLooseValue(), signed_in)
    assert messages == [] and {"event": "followup", "name": "link_profile_form", "timestamp": None} in events
    form_events, _ = run(ValidateLinkProfileForm(), signed_in)
    assert slots_of(form_events) == {"document_number": "17654321", "link_policy_number": "LT 5521907"}
    not_signed_in = load_tracker("request", new_identity(), intent="inform", text=text, entities=said)
    events, messages = run(ActionReadLooseValue(), not_signed_in)
    assert responses(messages) == ["utter_loose_policy_number"]  # asks what to do, as a lone policy number
