"""Rasa replicas share their replay nonces (Redis in the production profile).

The attacker on the host captures one request the gateway signed for Laura
("show my policies") and sends it again, within the minute the signature is
good for, to another Rasa replica. Each replica is the channel Rasa builds
from credentials.yml (``GatewayInput.from_credentials``) in its own process,
with the production profile's ``SHARED_STATE_URL``.
"""

from __future__ import annotations

import json
import secrets
import subprocess

import pytest

from launcher.paths import RASA_BIN, ROOT
from launcher.services import base_env

REDIS_URL = "redis://127.0.0.1:6379/0"

# One Rasa replica: its channel from credentials, fed the captured request; prints what it made of it.
REPLICA = """
import sys
from bot.gateway_channel import GatewayInput
from hop_auth.signing import HopRefused, verify
channel = GatewayInput.from_credentials({"secret": sys.argv[1]})
headers = dict(item.split("=", 1) for item in sys.argv[3:])
try:
    verify(channel.secret, headers, sys.argv[2].encode(), channel.nonces)
    print("accepted")
except HopRefused as refused:
    print("refused", refused.reason)
"""

SIGN = """
import json, sys
from hop_auth.signing import sign_message
signed = sign_message(sys.argv[1], "whatsapp:+5491155550101", "que seguros tengo?")
print(json.dumps({"body": signed.body.decode(), "headers": dict(signed.headers)}))
"""


def run_in_rasa_env(script: str, *args: str) -> str:
    env = base_env({"SHARED_STATE_URL": REDIS_URL})
    completed = subprocess.run(
        [str(RASA_BIN / "python"), "-c", script, *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout.strip().splitlines()[-1]


@pytest.mark.attack
def test_a_request_replayed_to_another_replica_is_refused():
    secret = secrets.token_urlsafe(32)
    captured = json.loads(run_in_rasa_env(SIGN, secret))
    headers = [f"{name}={value}" for name, value in captured["headers"].items()]
    assert run_in_rasa_env(REPLICA, secret, captured["body"], *headers) == "accepted"  # the gateway's own delivery
    assert run_in_rasa_env(REPLICA, secret, captured["body"], *headers).startswith("refused")  # the replay
