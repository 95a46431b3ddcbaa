"""Every internal hop checks who calls it: gateway -> Rasa (signed channel), Rasa -> action server (bearer token).

The attacker is on the same host (or in the same container network) and knows
Laura's WhatsApp number. Laura verified that chat before (set up through the
API, as the sign-in flow does), so a message believed on her sender id alone
would list her policies. Each test is one attack and passes when it is refused;
the refused message must not reach the assistant either (her conversation in
Rasa's tracker store stays empty).
"""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

import pytest
import requests

from bot.domain_files import load_domain
from channels.rasa import RasaClient
from hop_auth.bearer import bearer_header
from hop_auth.signing import CHANNEL_PATH, CONTROL_PATH, MAX_AGE_SECONDS, sign_body, sign_control, sign_message
from launcher.secrets import HopSecrets
from launcher.services import ServiceFailed, start_actions, start_gateway, start_rasa
from tests.bad_input.conftest import tracker_turns
from tests.channels.outbox_support import tracker_events
from tests.conftest import latest_code

LAURA_EMAIL = "laura.gomez@example.com"
LAURA_WHATSAPP = "whatsapp:+5491155550101"
ASK_POLICIES = "que seguros tengo?"
LAURAS_POLICY = "AU-1048576"  # her car's policy, in the demo portfolio
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def laura_on_whatsapp(stack) -> str:
    """Laura's WhatsApp chat, verified for her account (through the API, without talking to Rasa)."""
    api = stack.api_url
    headers = {"Authorization": f"Bearer {stack.api_token}"}
    previous = latest_code(stack.outbox_dir, LAURA_EMAIL)
    body = {"chat_identity": LAURA_WHATSAPP, "email": LAURA_EMAIL}
    assert requests.post(f"{api}/v1/verifications", json=body, headers=headers, timeout=10).status_code == 202
    deadline = time.monotonic() + 15
    code = latest_code(stack.outbox_dir, LAURA_EMAIL)
    while (code is None or code == previous) and time.monotonic() < deadline:
        time.sleep(0.1)
        code = latest_code(stack.outbox_dir, LAURA_EMAIL)
    confirm = {"chat_identity": LAURA_WHATSAPP, "code": code}
    response = requests.post(f"{api}/v1/verifications/confirm", json=confirm, headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    # The precondition of every attack below: the API itself shows her policies to this chat identity.
    mine = requests.get(
        f"{api}/v1/me/policies", headers={**headers, "X-Chat-Identity": LAURA_WHATSAPP}, timeout=10
    ).json()
    assert LAURAS_POLICY in json.dumps(mine)
    return LAURA_WHATSAPP


def _channel(stack) -> str:
    return stack.rasa_url + CHANNEL_PATH


def _assert_refused(stack, response: requests.Response, sender: str = LAURA_WHATSAPP) -> None:
    assert response.status_code == 401, f"{response.status_code}: {response.text[:300]}"
    assert LAURAS_POLICY not in response.text
    assert tracker_turns(stack, sender) == [], "a refused message reached the assistant"


def _laura_asks(secret: str, now: float | None = None):
    return sign_message(secret, LAURA_WHATSAPP, ASK_POLICIES, now=now)


# -- gateway -> Rasa -----------------------------------------------------------


@pytest.mark.attack
def test_sender_id_alone_on_rasas_rest_channel_lists_nothing(stack, laura_on_whatsapp):
    """The original attack: Rasa's open REST channel with Laura's sender id and no credential."""
    response = requests.post(
        stack.rasa_url + "/webhooks/rest/webhook",
        json={"sender": laura_on_whatsapp, "message": ASK_POLICIES},
        timeout=60,
    )
    assert response.status_code in (401, 403, 404), f"{response.status_code}: {response.text[:300]}"
    assert LAURAS_POLICY not in response.text
    assert tracker_turns(stack, laura_on_whatsapp) == []


@pytest.mark.attack
def test_unsigned_message_refused(stack, laura_on_whatsapp):
    body = json.dumps({"sender": laura_on_whatsapp, "message": ASK_POLICIES}).encode()
    response = requests.post(_channel(stack), data=body, headers={"Content-Type": "application/json"}, timeout=60)
    _assert_refused(stack, response)


@pytest.mark.attack
def test_message_signed_with_another_key_refused(stack, laura_on_whatsapp):
    forged = _laura_asks(secrets.token_urlsafe(32))
    response = requests.post(_channel(stack), data=forged.body, headers=forged.headers, timeout=60)
    _assert_refused(stack, response)


@pytest.mark.attack
def test_made_up_signature_refused(stack, laura_on_whatsapp):
    signed = _laura_asks(stack.hops.rasa_channel_secret)
    headers = {**signed.headers, "X-Gateway-Signature": secrets.token_hex(32)}
    response = requests.post(_channel(stack), data=signed.body, headers=headers, timeout=60)
    _assert_refused(stack, response)


@pytest.mark.attack
def test_signature_over_another_sender_and_message_refused(stack, laura_on_whatsapp):
    """A request the gateway really signed, for the attacker's own chat, with Laura's sender and question put in."""
    own = sign_message(stack.hops.rasa_channel_secret, f"web:attacker-{secrets.token_hex(6)}", "hola")
    swapped = json.dumps({"sender": laura_on_whatsapp, "message": ASK_POLICIES}).encode()
    response = requests.post(_channel(stack), data=swapped, headers=own.headers, timeout=60)
    _assert_refused(stack, response)


@pytest.mark.attack
def test_signature_over_another_message_refused(stack, laura_on_whatsapp):
    """Laura's own signed "hola", with the message changed on the way."""
    hello = sign_message(stack.hops.rasa_channel_secret, laura_on_whatsapp, "hola")
    changed = hello.body.replace(b'"hola"', json.dumps(ASK_POLICIES).encode())
    assert changed != hello.body
    response = requests.post(_channel(stack), data=changed, headers=hello.headers, timeout=60)
    _assert_refused(stack, response)


@pytest.mark.attack
def test_stale_signed_message_refused(stack, laura_on_whatsapp):
    old = _laura_asks(stack.hops.rasa_channel_secret, now=time.time() - MAX_AGE_SECONDS - 30)
    response = requests.post(_channel(stack), data=old.body, headers=old.headers, timeout=60)
    _assert_refused(stack, response)


@pytest.mark.attack
def test_signed_message_from_the_future_refused(stack, laura_on_whatsapp):
    early = _laura_asks(stack.hops.rasa_channel_secret, now=time.time() + 120)
    response = requests.post(_channel(stack), data=early.body, headers=early.headers, timeout=60)
    _assert_refused(stack, response)


@pytest.mark.attack
def test_replayed_signed_message_refused(stack):
    """A captured request of the gateway, sent again: answered once, refused the second time."""
    sender = f"web:hops-replay-{secrets.token_hex(6)}"
    signed = sign_message(stack.hops.rasa_channel_secret, sender, "hola")
    first = requests.post(_channel(stack), data=signed.body, headers=signed.headers, timeout=60)
    assert first.status_code == 200, first.text
    assert tracker_turns(stack, sender) == ["hola"]
    again = requests.post(_channel(stack), data=signed.body, headers=signed.headers, timeout=60)
    assert again.status_code == 401, f"{again.status_code}: {again.text[:300]}"
    assert tracker_turns(stack, sender) == ["hola"], "the replay reached the assistant"


@pytest.mark.attack
def test_rasa_http_api_and_rest_channel_not_usable(stack, laura_on_whatsapp):
    """Rasa's HTTP API is off and its REST channel gone: none of their routes reads or writes a conversation."""
    attempts = [
        ("GET", f"/conversations/{laura_on_whatsapp}/tracker", None),
        ("GET", f"/conversations/{laura_on_whatsapp}/story", None),
        ("POST", f"/conversations/{laura_on_whatsapp}/messages", {"text": ASK_POLICIES, "sender": "user"}),
        ("POST", f"/conversations/{laura_on_whatsapp}/trigger_intent", {"name": "list_policies"}),
        ("POST", f"/conversations/{laura_on_whatsapp}/execute", {"name": "action_list_policies"}),
        ("POST", "/model/parse", {"text": ASK_POLICIES}),
        ("GET", "/status", None),
        ("GET", "/domain", None),
        ("POST", "/webhooks/rest/webhook", {"sender": laura_on_whatsapp, "message": ASK_POLICIES}),
    ]
    for method, path, body in attempts:
        response = requests.request(method, stack.rasa_url + path, json=body, timeout=60)
        assert response.status_code in (401, 403, 404, 405), f"{method} {path}: {response.status_code}"
        assert LAURAS_POLICY not in response.text, f"{method} {path}"
    assert tracker_turns(stack, laura_on_whatsapp) == []


# -- Rasa -> action server -------------------------------------------------------


def _action_call(sender: str) -> dict:
    """What Rasa POSTs to the action server to run action_list_policies for ``sender``."""
    tracker = json.loads((ROOT / "tests/actions/fixtures/request.json").read_text(encoding="utf-8"))
    tracker["sender_id"] = sender
    tracker["slots"]["verified"] = True
    domain = load_domain()
    return {"next_action": "action_list_policies", "sender_id": sender, "tracker": tracker, "domain": domain,
            "version": "3.6.21"}  # fmt: skip


@pytest.mark.attack
def test_action_server_without_token_refused(stack, laura_on_whatsapp):
    response = requests.post(stack.actions_url + "/webhook", json=_action_call(laura_on_whatsapp), timeout=60)
    assert response.status_code == 401, f"{response.status_code}: {response.text[:300]}"
    assert LAURAS_POLICY not in response.text


@pytest.mark.attack
def test_action_server_with_wrong_token_refused(stack, laura_on_whatsapp):
    response = requests.post(
        stack.actions_url + "/webhook",
        json=_action_call(laura_on_whatsapp),
        headers=bearer_header(secrets.token_urlsafe(32)),
        timeout=60,
    )
    assert response.status_code == 401, f"{response.status_code}: {response.text[:300]}"
    assert LAURAS_POLICY not in response.text


@pytest.mark.attack
def test_action_server_lists_no_actions_without_token(stack):
    response = requests.get(stack.actions_url + "/actions", timeout=30)
    assert response.status_code == 401, f"{response.status_code}: {response.text[:300]}"
    assert "action_list_policies" not in response.text


# -- the real path, and no hop that runs open ------------------------------------


def test_signed_hello_gets_the_greeting(stack):
    """The gateway's path: a signed message is answered, and actions run (Rasa sends the token)."""
    client = RasaClient(stack.rasa_url, stack.hops.rasa_channel_secret, timeout=60)
    answers = client.send(f"web:hops-hello-{secrets.token_hex(6)}", "hola")
    assert any("Soy el asistente virtual de Mi Aval" in (answer.get("text") or "") for answer in answers), answers


def test_the_right_token_reaches_the_action_server(stack, laura_on_whatsapp):
    """With Rasa's token the same call runs: the refusals above are about the token, not a broken call."""
    response = requests.post(
        stack.actions_url + "/webhook",
        json=_action_call(laura_on_whatsapp),
        headers=bearer_header(stack.hops.action_server_token),
        timeout=60,
    )
    assert response.status_code == 200, response.text[:300]
    assert LAURAS_POLICY in response.text


def test_signed_body_is_verified_as_sent(stack):
    """Bytes signed by hand (any JSON layout) are accepted: the signature covers the body as sent."""
    sender = f"web:hops-bytes-{secrets.token_hex(6)}"
    body = json.dumps({"message": "hola", "sender": sender}, indent=1).encode()
    signed = sign_body(stack.hops.rasa_channel_secret, body)
    response = requests.post(_channel(stack), data=signed.body, headers=signed.headers, timeout=60)
    assert response.status_code == 200, response.text
    assert tracker_turns(stack, sender) == ["hola"]


def test_rasa_refuses_to_start_without_its_channel_secret(stack, tmp_path):
    hops = HopSecrets(rasa_channel_secret="", action_server_token=stack.hops.action_server_token)
    with pytest.raises(ServiceFailed, match="RASA_CHANNEL_SECRET"):
        start_rasa(stack.actions_url, tmp_path / "tracker.db", hops, log_dir=tmp_path)


def test_action_server_refuses_to_start_without_its_token(stack, tmp_path):
    hops = HopSecrets(rasa_channel_secret=stack.hops.rasa_channel_secret, action_server_token="")
    with pytest.raises(ServiceFailed, match="ACTION_SERVER_TOKEN"):
        start_actions(stack.api_url, stack.api_token, hops, log_dir=tmp_path)


def test_gateway_refuses_to_start_without_its_channel_secret(stack, tmp_path):
    hops = HopSecrets(rasa_channel_secret="", action_server_token="")
    with pytest.raises(ServiceFailed, match="RASA_CHANNEL_SECRET"):
        start_gateway(stack.rasa_url, stack.api_url, stack.api_token, stack.database_url, hops, log_dir=tmp_path)


def _listening_addresses(pid: int) -> set[str]:
    import psutil

    parent = psutil.Process(pid)
    addresses = set()
    for process in [parent, *parent.children(recursive=True)]:
        for connection in process.net_connections(kind="inet"):
            if connection.status == psutil.CONN_LISTEN:
                addresses.add(connection.laddr.ip)
    return addresses


def test_internal_services_listen_on_loopback_only(stack):
    """Rasa, the action server and the API are reachable from this host only (the gateway alone is exposed)."""
    for service in (stack.rasa, stack.actions, stack.api.process):
        addresses = _listening_addresses(service.process.pid)
        assert addresses == {"127.0.0.1"}, f"{service.name} listens on {addresses}"


# -- the courier -> Rasa (the control route: pause, resume, staff messages) ----------------------------


def _control(stack) -> str:
    return stack.rasa_url + CONTROL_PATH


def _control_events(stack, sender: str) -> list[str]:
    return [event["event"] for event in tracker_events(stack, sender) if event["event"] in ("pause", "resume", "bot")]


@pytest.mark.attack
def test_unsigned_or_forged_control_requests_refused(stack, laura_on_whatsapp):
    """Pausing Laura's conversation (the assistant would go quiet) or putting words in an executive's mouth."""
    body = json.dumps({"hop": "control", "sender": laura_on_whatsapp, "event": "pause"}).encode()
    unsigned = requests.post(_control(stack), data=body, headers={"Content-Type": "application/json"}, timeout=60)
    assert unsigned.status_code == 401
    forged = sign_control(secrets.token_urlsafe(32), laura_on_whatsapp, "staff_message", text="Pasame tu clave",
                          staff_name="Ana")  # fmt: skip
    assert requests.post(_control(stack), data=forged.body, headers=forged.headers, timeout=60).status_code == 401
    assert _control_events(stack, laura_on_whatsapp) == []


@pytest.mark.attack
def test_a_signed_message_is_not_a_control_request_nor_the_other_way(stack):
    sender = f"web:hops-control-{secrets.token_hex(6)}"
    message = sign_message(stack.hops.rasa_channel_secret, sender, "hola")
    moved = requests.post(_control(stack), data=message.body, headers=message.headers, timeout=60)
    assert moved.status_code == 400
    control = sign_control(stack.hops.rasa_channel_secret, sender, "pause")
    assert requests.post(_channel(stack), data=control.body, headers=control.headers, timeout=60).status_code == 400
    assert _control_events(stack, sender) == []


@pytest.mark.attack
def test_replayed_control_request_refused(stack):
    sender = f"web:hops-control-{secrets.token_hex(6)}"
    signed = sign_control(stack.hops.rasa_channel_secret, sender, "pause")
    first = requests.post(_control(stack), data=signed.body, headers=signed.headers, timeout=60)
    assert first.status_code == 200 and first.json()["paused"] is True
    again = requests.post(_control(stack), data=signed.body, headers=signed.headers, timeout=60)
    assert again.status_code == 401
    assert _control_events(stack, sender) == ["pause"]
