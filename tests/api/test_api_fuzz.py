"""Fuzzing the running API with schemathesis against its own contract, miaval_api/openapi.yaml.

Every operation, every schemathesis check, positive and negative data, twice:
with the service token and a verified chat identity (Laura's, who has clients,
policies and claims), and without any credential (then every protected
operation must answer 401). Bounded for a 2-core machine: a fixed seed
(derandomize), a few examples per operation and a deadline per example.

One check is refined: schemathesis's "positive data acceptance" wants every
schema-valid request accepted, but three rules cannot be written in a schema
(a CUIT's check digit, a date not in the future, a file whose bytes really are
an image or a PDF). Schema-valid data may be refused for those, by name, and
for nothing else: a generic ``invalid_request`` means the document is looser
than the server.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CheckContext
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.conftest import SHARED_API_LIMITS, DemoApi, latest_code, start_demo_api

SPEC = Path(__file__).resolve().parents[2] / "miaval_api" / "openapi.yaml"
LAURA = "laura.gomez@example.com"
FUZZ = settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=10),
    suppress_health_check=list(HealthCheck),
)


# Refusals of schema-valid data for rules a schema cannot say: (status, error code).
RULES_BEYOND_THE_SCHEMA = {
    (400, "wrong_code"),  # not the code that was e-mailed
    (400, "link_failed"),  # no client holds that document and policy
    (410, "code_expired"),
    (422, "invalid_document"),  # a CUIL/CUIT whose check digit is wrong
    (422, "occurred_in_future"),
    (422, "idempotency_key_reused"),  # the same key sent before with another claim
    (422, "invalid_claim"),  # upload_ids that are not this user's uploads
    (415, "unsupported_type"),  # bytes that are not a JPEG, PNG, WebP or PDF that decodes
}
ACCEPTED = {401, 403, 404, 409, 429}


def valid_data_is_accepted(ctx: CheckContext, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """Schema-valid data is served, or refused only for a rule of RULES_BEYOND_THE_SCHEMA."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    status = response.status_code
    if status < 400 or status in ACCEPTED or status >= 500:  # 5xx: the not_a_server_error check's
        return None
    try:
        code = response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        code = None
    assert (status, code) in RULES_BEYOND_THE_SCHEMA, f"schema-valid request refused: {status} {response.text[:300]}"
    return None


CHECKS = {"excluded_checks": [positive_data_acceptance], "additional_checks": [valid_data_is_accepted]}


class Tally:
    """Requests sent by the fuzzer (a response hook on its HTTP session) and the time they took."""

    def __init__(self) -> None:
        self.requests = 0
        self.started = time.monotonic()
        self.http = requests.Session()
        self.http.hooks["response"].append(self._count)

    def _count(self, response: requests.Response, *args: object, **kwargs: object) -> None:
        self.requests += 1


@pytest.fixture(scope="module")
def fuzzed_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoApi]:
    """An API of its own (the fuzzer deletes and links things), with the send limits relaxed."""
    api = start_demo_api(tmp_path_factory.mktemp("fuzz"), SHARED_API_LIMITS)
    yield api
    api.process.stop()


@pytest.fixture(scope="module")
def tally(request: pytest.FixtureRequest) -> Iterator[Tally]:
    counted = Tally()
    yield counted
    line = f"schemathesis: {counted.requests} requests in {time.monotonic() - counted.started:.0f} s"
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("\n" + line)


def verify_laura(api: DemoApi) -> None:
    """Make LAURA_CHAT a chat verified for Laura (again: the fuzzer may have deleted her account)."""
    headers = {"Authorization": f"Bearer {api.token}"}
    if requests.get(f"{api.url}/v1/me", headers={**headers, "X-Chat-Identity": LAURA_CHAT}, timeout=10).ok:
        return
    body = {"chat_identity": LAURA_CHAT, "email": LAURA}
    started = requests.post(f"{api.url}/v1/verifications", json=body, headers=headers, timeout=10)
    assert started.status_code == 202, started.text
    body = {"chat_identity": LAURA_CHAT, "code": latest_code(api.outbox_dir, LAURA)}
    confirmed = requests.post(f"{api.url}/v1/verifications/confirm", json=body, headers=headers, timeout=10)
    assert confirmed.status_code == 200, confirmed.text


@pytest.fixture
def laura_signed_in(fuzzed_api: DemoApi) -> DemoApi:
    verify_laura(fuzzed_api)
    return fuzzed_api


# The schema is read when the tests are collected, before the API runs: the base URL and the
# token are given per call, the chat identity is fixed here and verified before each test.
LAURA_CHAT = f"telegram:{uuid.uuid4().int % 10**12}"
authenticated = schemathesis.openapi.from_path(SPEC)
authenticated.config.update(parameters={"header.X-Chat-Identity": LAURA_CHAT}, request_timeout=10)
anonymous = schemathesis.openapi.from_path(SPEC)
anonymous.config.update(request_timeout=10)


@authenticated.parametrize()
@FUZZ
def test_authenticated(case: schemathesis.Case, laura_signed_in: DemoApi, tally: Tally) -> None:
    headers = {"Authorization": f"Bearer {laura_signed_in.token}"}
    case.call_and_validate(base_url=laura_signed_in.url, headers=headers, session=tally.http, **CHECKS)


@anonymous.parametrize()
@FUZZ
def test_without_credentials(case: schemathesis.Case, fuzzed_api: DemoApi, tally: Tally) -> None:
    response = case.call_and_validate(base_url=fuzzed_api.url, session=tally.http, **CHECKS)
    documented = case.method.upper() == case.operation.method.upper()
    if documented and case.operation.definition.raw.get("security", None) != []:
        assert response.status_code == 401, f"{case.method} {case.path} answered {response.status_code} unauthenticated"
