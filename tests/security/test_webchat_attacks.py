"""Attacks on the web chat's API: conversation ids it never issued, fresh ids to dodge the per-chat limit,
unlimited polling, and odd payloads meant to crash it (a 500) or to make it read 9 MiB.

The gateway here runs behind one trusted proxy (its X-Forwarded-For names the client) with the default
per-address limits, in front of the real API; its Rasa is a port nobody listens on, since every attack is
refused (or counted) before a message would reach the assistant.
"""

from __future__ import annotations

import json
import secrets
from typing import Any, Iterator

import pytest
import requests

from channels import web_senders
from launcher.secrets import HopSecrets, new_secret
from launcher.services import ServiceProcess, free_port, start_gateway

KEY = new_secret()


@pytest.fixture(scope="module")
def gateway(demo_api, tmp_path_factory) -> Iterator[ServiceProcess]:
    env = {"GATEWAY_TRUSTED_PROXIES": "1", "WEBCHAT_SENDER_KEY": KEY, "RASA_TIMEOUT": "2"}
    process = start_gateway(
        f"http://127.0.0.1:{free_port()}", demo_api.url, demo_api.token, demo_api.database_url, HopSecrets.generate(),
        log_dir=tmp_path_factory.mktemp("webchat-attacks-log"), extra_env=env,
    )  # fmt: skip
    yield process
    process.stop()


def client(address: str) -> dict[str, str]:
    """Headers of a browser at ``address``, as the trusted proxy forwards it."""
    return {"X-Forwarded-For": address}


def new_sender(gateway: ServiceProcess, address: str) -> requests.Response:
    return requests.post(gateway.url + "/webchat/sessions", headers=client(address), timeout=10)


def post(gateway: ServiceProcess, path: str, body: Any, address: str, **kwargs: Any) -> requests.Response:
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    headers = {"Content-Type": "application/json", **client(address)}
    return requests.post(gateway.url + path, data=data, headers=headers, timeout=30, **kwargs)


def with_sender(sender: str, rest: str) -> str:
    """A JSON body written by hand (what json.dumps would never write): the sender, then ``rest``."""
    return '{"sender": "' + sender + '", ' + rest + "}"


def refused(response: requests.Response, status: int, code: str) -> None:
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.json()["error"]["code"] == code


# -- conversation ids ----------------------------------------------------------------------


@pytest.mark.attack
def test_a_well_formed_id_the_gateway_never_issued_is_refused(gateway) -> None:
    address = "203.0.113.10"
    for forged in ("web:" + "a" * 54, "web:" + secrets.token_urlsafe(40)[:54], "web:" + secrets.token_urlsafe(24)):
        refused(post(gateway, "/webchat/messages", {"sender": forged, "message": "hola"}, address), 400,
                "invalid_sender")  # fmt: skip
        refused(post(gateway, "/webchat/updates", {"sender": forged}, address), 400, "invalid_sender")
    upload = requests.post(gateway.url + "/webchat/uploads", data={"sender": "web:" + "b" * 54},
                           files={"file": ("a.jpg", b"\xff\xd8\xff", "image/jpeg")}, headers=client(address),
                           timeout=10)  # fmt: skip
    refused(upload, 400, "invalid_sender")


@pytest.mark.attack
def test_an_id_signed_with_another_key_or_retouched_is_refused(gateway) -> None:
    address = "203.0.113.11"
    other_gateways = web_senders.issue(new_secret())
    issued = new_sender(gateway, address).json()["sender"]
    retouched = issued[:-1] + ("A" if issued[-1] != "A" else "B")
    for sender in (other_gateways, retouched, issued.upper()):
        refused(post(gateway, "/webchat/updates", {"sender": sender}, address), 400, "invalid_sender")
    assert post(gateway, "/webchat/updates", {"sender": issued}, address).status_code == 200


# -- limits per client address --------------------------------------------------------------


@pytest.mark.attack
def test_fresh_ids_from_one_address_stop_at_its_limit(gateway) -> None:
    """20 fresh ids for 20 messages: after 5 new conversations in a minute, that address waits."""
    address = "198.51.100.20"
    statuses = [new_sender(gateway, address).status_code for _ in range(20)]
    assert statuses[:5] == [201] * 5 and set(statuses[5:]) == {429}, statuses
    # Another customer, at another address, still starts a conversation.
    assert new_sender(gateway, "198.51.100.21").status_code == 201


@pytest.mark.attack
def test_polling_for_updates_is_limited_per_address(gateway) -> None:
    address = "198.51.100.30"
    sender = new_sender(gateway, address).json()["sender"]
    statuses = [post(gateway, "/webchat/updates", {"sender": sender}, address).status_code for _ in range(125)]
    assert statuses.count(200) == 119 and statuses[-1] == 429, statuses  # 120 a minute, the session included
    limited = post(gateway, "/webchat/updates", {"sender": sender}, address)
    refused(limited, 429, "rate_limited")
    assert limited.headers["Retry-After"] == "60"


@pytest.mark.attack
def test_a_forwarded_address_the_client_wrote_itself_does_not_escape_the_limit(gateway) -> None:
    """Only the trusted proxy's entry counts: the client's own X-Forwarded-For entries are ignored."""
    statuses = [
        new_sender(gateway, f"10.9.{attempt}.1, 198.51.100.40").status_code for attempt in range(8)
    ]
    assert statuses[-1] == 429, statuses


# -- odd payloads -----------------------------------------------------------------------------


@pytest.mark.attack
@pytest.mark.parametrize(
    "make_body, code",
    [
        (lambda sender: "[" * 30_000 + "]" * 30_000, "invalid_json"),  # RecursionError once
        (lambda sender: "[" * 50_000 + "]" * 50_000, "too_large"),
        (lambda sender: with_sender(sender, '"message": ' + "[" * 40 + "]" * 40), "invalid_json"),
        (lambda sender: with_sender(sender, f'"after": {10**30}'), "invalid_json"),  # OverflowError once
        (lambda sender: with_sender(sender, '"after": 1e999'), "invalid_json"),
        (lambda sender: with_sender(sender, '"after": NaN'), "invalid_json"),
        (lambda sender: with_sender(sender, '"message": "' + "x" * (9 * 1024 * 1024) + '"'), "too_large"),
    ],
    ids=["deep-array", "deeper-array", "nested-message", "huge-cursor", "infinite-cursor", "nan-cursor", "9-mib"],
)
def test_odd_payloads_get_a_clear_400_never_a_500(gateway, make_body, code) -> None:
    address = "192.0.2." + str(secrets.randbelow(200) + 1)
    sender = new_sender(gateway, address).json()["sender"]
    for path in ("/webchat/messages", "/webchat/updates", "/webchat/locations"):
        response = post(gateway, path, make_body(sender), address)
        refused(response, 400, code)
        assert "bytes" in response.json()["error"]["message"] or code != "too_large"
    assert post(gateway, "/webchat/updates", {"sender": sender, "after": 0}, address).status_code == 200
