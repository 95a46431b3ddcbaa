"""Fuzzing the gateway's web chat API with schemathesis against its own document, channels/webchat_openapi.yaml:
every operation, every check, positive and negative data; no request may get a 500 or an answer the
document does not describe.

The gateway runs with a key fixed here, so the document's ``sender`` can be narrowed to one id it issued
(any other id is refused, as test_webchat_attacks.py checks); its Rasa is a port nobody listens on (every
message gets the apology), and the per-address limits are lifted (every request comes from 127.0.0.1).
Bounded for a 2-core machine: a fixed seed, a few examples per operation, a deadline per example.
"""

from __future__ import annotations

import copy
import time
from datetime import timedelta
from pathlib import Path
from typing import Iterator

import pytest
import requests
import schemathesis
import yaml
from hypothesis import HealthCheck, settings

from channels import web_senders
from launcher.secrets import HopSecrets, new_secret
from launcher.services import ServiceProcess, free_port, start_gateway

SPEC = Path(__file__).resolve().parents[2] / "channels" / "webchat_openapi.yaml"
KEY = new_secret()
ISSUED = web_senders.issue(KEY)
FUZZ = settings(
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=15),
    suppress_health_check=list(HealthCheck),
)


def _document() -> dict:
    document = copy.deepcopy(yaml.safe_load(SPEC.read_text()))
    document["components"]["schemas"]["IssuedSender"] = {"type": "string", "enum": [ISSUED]}
    return document


schema = schemathesis.openapi.from_dict(_document())
schema.config.update(request_timeout=15)


@pytest.fixture(scope="module")
def fuzzed_gateway(demo_api, tmp_path_factory) -> Iterator[ServiceProcess]:
    env = {
        "WEBCHAT_SENDER_KEY": KEY,
        "WEBCHAT_SESSIONS_PER_ADDRESS_PER_MINUTE": "100000",
        "WEBCHAT_REQUESTS_PER_ADDRESS_PER_MINUTE": "100000",
        "GATEWAY_RATE_LIMIT_PER_MINUTE": "100000",
        "RASA_TIMEOUT": "2",
    }
    process = start_gateway(
        f"http://127.0.0.1:{free_port()}", demo_api.url, demo_api.token, demo_api.database_url, HopSecrets.generate(),
        log_dir=tmp_path_factory.mktemp("webchat-fuzz-log"), extra_env=env,
    )  # fmt: skip
    yield process
    process.stop()


@pytest.fixture(scope="module")
def http(request: pytest.FixtureRequest) -> Iterator[requests.Session]:
    session, counted, started = requests.Session(), [0], time.monotonic()
    session.hooks["response"].append(lambda *args, **kwargs: counted.__setitem__(0, counted[0] + 1))
    yield session
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            elapsed = time.monotonic() - started
            reporter.write_line(f"\nschemathesis (web chat): {counted[0]} requests in {elapsed:.0f} s")


@schema.parametrize()
@FUZZ
def test_the_web_chat_api_keeps_its_document(case: schemathesis.Case, fuzzed_gateway, http) -> None:
    case.call_and_validate(base_url=fuzzed_gateway.url, session=http)
