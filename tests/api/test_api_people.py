"""What the customer asks of Aval's people: cancelling a policy, stopping news, a person outside office hours."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from models import CancellationRequest, User
from tests.api.server_fixtures import Api

BUENOS_AIRES = ZoneInfo("America/Argentina/Buenos_Aires")


@contextmanager
def variant_api(backend, contract, **settings: str) -> Iterator[Api]:
    """Another API process on the same database with other settings, checked against the contract."""
    server = backend.variant(**settings)
    try:
        yield Api(
            type(backend)(
                backend.name, server.url, backend.database_url, backend.env, backend.smtp, backend.workdir, server
            ),
            contract,
        )
    finally:
        server.stop()


def rows(backend, model, *where):
    engine = create_engine(backend.database_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with Session(engine) as session:
            return list(session.scalars(select(model).where(*where)))
    finally:
        engine.dispose()


def ana_user(api: Api) -> str:
    """A new verified account with Ana Rodríguez linked (policies 0099-112233 and AP-77001)."""
    sender = api.new_user()
    linked = api.post("/v1/me/clients", sender, json={"document_number": "38765432", "policy_number": "0099-112233"})
    assert linked.status_code == 201, linked.text
    return sender


def cancel(api: Api, sender: str, number: str, reason=None):
    body = {"chat_identity": sender, "policy_number": number}
    if reason is not None:
        body["reason"] = reason
    return api.post("/v1/cancellation-requests", json=body)


# -- cancellation requests ---------------------------------------------------------


def test_a_cancellation_request_is_recorded_once_per_policy(api, backend):
    sender = ana_user(api)
    first = cancel(api, sender, "AP 77001", "price")
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["created"] is True
    assert body["cancellation_request"]["policy_number"] == "AP-77001"
    assert body["cancellation_request"]["status"] == "requested"
    again = cancel(api, sender, "ap-77001")
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert again.json()["cancellation_request"]["id"] == body["cancellation_request"]["id"]
    stored = rows(backend, CancellationRequest, CancellationRequest.id == body["cancellation_request"]["id"])
    assert [(r.reason, r.sender_id, r.status) for r in stored] == [("price", sender, "requested")]
    user_id = stored[0].user_id
    assert len(rows(backend, CancellationRequest, CancellationRequest.user_id == user_id)) == 1


def test_a_policy_the_user_may_not_see_is_refused(api, backend, laura):
    stranger = api.new_user()
    for sender, number in ((stranger, "HOG-778899"), (laura, "0099-112233"), (laura, "NO-SUCH-1")):
        refused = cancel(api, sender, number)
        assert refused.status_code == 404, (sender, number, refused.text)
        assert refused.json()["error"]["code"] == "not_found"
    assert rows(backend, CancellationRequest, CancellationRequest.sender_id == stranger) == []


def test_an_unverified_chat_cannot_ask_to_cancel(api):
    refused = cancel(api, "whatsapp:+5491100000077", "HOG-778899")
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "not_verified"


def test_a_reason_outside_the_offered_ones_is_refused(api):
    sender = ana_user(api)
    refused = cancel(api, sender, "AP-77001", "mi DNI es 38765432")
    assert refused.status_code == 422


def test_new_cancellation_requests_are_limited_per_account(backend, contract):
    with variant_api(backend, contract, CANCELLATION_REQUESTS_PER_DAY="1") as limited:
        sender = ana_user(limited)
        assert cancel(limited, sender, "AP-77001").status_code == 201
        # Asking again for the open one is not a new request: still answered.
        assert cancel(limited, sender, "AP-77001").status_code == 200
        refused = cancel(limited, sender, "0099-112233")
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "too_many_requests"
        assert int(refused.headers["Retry-After"]) > 0


# -- news ----------------------------------------------------------------------------


def test_news_can_be_stopped_and_resumed(api, backend):
    sender = api.new_user()
    email = api.get("/v1/me", sender).json()["user"]["email"]
    stopped = api.call("PUT", "/v1/me/news", sender, json={"opt_out": True})
    assert stopped.status_code == 200 and stopped.json() == {"news": {"opt_out": True}}
    assert [u.news_opt_out for u in rows(backend, User, User.email == email)] == [True]
    resumed = api.call("PUT", "/v1/me/news", sender, json={"opt_out": False})
    assert resumed.json() == {"news": {"opt_out": False}}
    assert [u.news_opt_out for u in rows(backend, User, User.email == email)] == [False]


def test_news_setting_needs_a_verified_chat_and_a_boolean(api):
    unverified = api.call("PUT", "/v1/me/news", "telegram:55500011", json={"opt_out": True})
    assert unverified.status_code == 401
    sender = api.new_user()
    assert api.call("PUT", "/v1/me/news", sender, json={"opt_out": "sí"}).status_code == 422


# -- a person, outside office hours ------------------------------------------------------


def offset_to(local: datetime) -> str:
    """MIAVAL_CLOCK_OFFSET_SECONDS that puts the API's clock at ``local`` (Buenos Aires)."""
    return str(int((local.replace(tzinfo=BUENOS_AIRES) - datetime.now(timezone.utc)).total_seconds()))


@pytest.mark.parametrize(
    ("local", "answer_from", "days"),
    [
        (datetime(2027, 3, 6, 11, 0), "2027-03-08T09:00:00-03:00", 2),  # Saturday → Monday
        (datetime(2027, 3, 9, 20, 30), "2027-03-10T09:00:00-03:00", 1),  # Tuesday night → Wednesday
        # Before 24 March, then Holy Thursday and Good Friday (movable), then the weekend.
        (datetime(2027, 3, 23, 17, 0), "2027-03-29T09:00:00-03:00", 6),
    ],
)
def test_outside_office_hours_the_customer_learns_when(backend, contract, local, answer_from, days):
    with variant_api(backend, contract, MIAVAL_CLOCK_OFFSET_SECONDS=offset_to(local)) as later:
        answer = later.post(
            "/v1/handoffs",
            json={"chat_identity": "web:visit-after-hours", "reason": "human_handoff", "context": {"intent": "x"}},
        )
    assert answer.status_code == 201
    handoff = answer.json()["handoff"]
    assert handoff["expected_contact"] == "next_business_day"
    assert handoff["answer_from"] == answer_from
    assert handoff["answer_in_days"] == days


def test_inside_office_hours_within_avals_answer_time(backend, contract):
    with variant_api(backend, contract, MIAVAL_CLOCK_OFFSET_SECONDS=offset_to(datetime(2027, 3, 10, 10, 0))) as now:
        answer = now.post("/v1/handoffs", json={"chat_identity": "web:visit-in-hours", "reason": "human_handoff"})
    handoff = answer.json()["handoff"]
    assert (handoff["expected_contact"], handoff["office_open"], handoff["answer_from"]) == (
        "within_answer_time",
        True,
        None,
    )
    portfolio = Path(__file__).resolve().parents[2] / "demo" / "portfolio.yml"
    broker = yaml.safe_load(portfolio.read_text(encoding="utf-8"))["broker"]
    assert handoff["answer_within_minutes"] == broker["office_hours"]["answer_within_minutes"]


def test_deleting_the_account_keeps_the_request_without_the_chat(api, backend):
    sender = ana_user(api)
    created = cancel(api, sender, "AP-77001", "other").json()["cancellation_request"]
    assert api.delete("/v1/me", sender).status_code == 200
    stored = rows(backend, CancellationRequest, CancellationRequest.id == created["id"])
    assert [(r.sender_id, r.user_id, r.reason, r.status) for r in stored] == [(None, None, "other", "requested")]
