"""Signing out of a chat ("cerrar sesión"), against a real API."""

from __future__ import annotations

import pytest

from api_client import MiAvalClient, NotFound
from bot.actions.sign_out import SIGNED_OUT_MARKER, ActionSignOut
from tests.actions.dialogue_support import LAURA, load_tracker, new_identity, responses, run, sign_in, slots_of
from tests.conftest import latest_code


def test_signing_out_unties_the_chat_and_forgets_the_half_done_form(api_env):
    identity = new_identity("telegram")
    sign_in(api_env.url, api_env.token, api_env.outbox_dir, identity, LAURA)
    client = MiAvalClient(api_env.url, api_env.token)
    assert client.whoami(identity) is not None
    slots = {
        "verified": True,
        "user_name": "Laura Gómez",
        "requested_slot": "link_policy_number",
        "document_number": "31245877",
        "pending_request": "link_client_profile",
        "privacy_notice_shown": True,
    }
    tracker = load_tracker("in_form", identity, slots=slots, intent="sign_out", active_loop="link_profile_form")

    events, messages = run(ActionSignOut(), tracker)

    assert client.whoami(identity) is None
    assert responses(messages) == ["utter_signed_out"]
    assert messages[0]["custom"] == SIGNED_OUT_MARKER
    assert [event.get("name") for event in events if event["event"] == "active_loop"] == [None]
    cleared = slots_of(events)
    assert cleared["verified"] is False
    for slot in ("user_name", "requested_slot", "document_number", "pending_request"):
        assert cleared[slot] is None, slot
    assert "privacy_notice_shown" not in cleared  # about the chat, not the person


def test_signing_out_a_chat_that_was_not_signed_in_says_so_and_still_drops_a_pending_code(api_env):
    identity = new_identity("whatsapp")
    client = MiAvalClient(api_env.url, api_env.token)
    client.start_verification(identity, LAURA)  # asked for a code, never typed it

    events, messages = run(ActionSignOut(), load_tracker("request", identity, intent="sign_out"))

    assert responses(messages) == ["utter_sign_out_not_signed_in"]
    assert messages[0]["custom"] == SIGNED_OUT_MARKER
    assert slots_of(events)["verified"] is False
    # The code mailed before the sign-out no longer ties this chat.
    with pytest.raises(NotFound):
        client.confirm_verification(identity, latest_code(api_env.outbox_dir, LAURA))
    assert client.whoami(identity) is None
