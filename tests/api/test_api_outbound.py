"""News from the outbox by e-mail (``POST /v1/outbound/{id}/email``): to the verified address, once."""

from __future__ import annotations

import secrets
import uuid

from sqlalchemy import create_engine, update
from sqlalchemy.orm import Session

from miaval_api.services.outbound import enqueue
from models import User
from tests.api.server_fixtures import body_text

NEWS = "Tu siniestro SIN-000042 pasó a «inspección agendada»: el perito va el jueves a las 10."


def outbound_row(database_url: str, user_id: int | None) -> int:
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with Session(engine) as session:
        row = enqueue(session, key=secrets.token_hex(8), sender_id="web:" + "a" * 30, kind="claim_update",
                      text=NEWS, user_id=user_id)  # fmt: skip
        session.commit()
        row_id = row.id
    engine.dispose()
    return row_id


def opt_out(database_url: str, user_id: int) -> None:
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with Session(engine) as session:
        session.execute(update(User).where(User.id == user_id).values(news_opt_out=True))
        session.commit()
    engine.dispose()


def test_news_go_once_to_the_verified_address(api, backend):
    address = f"noticias-{uuid.uuid4().hex[:8]}@example.net"
    _, confirmed = api.verify(address)
    row_id = outbound_row(backend.database_url, confirmed["user"]["id"])
    before = len(backend.smtp.to(address))
    first = api.post(f"/v1/outbound/{row_id}/email")
    assert (first.status_code, first.json()) == (200, {"emailed": True})
    mail = backend.smtp.wait_for_subject(address, "Novedades de Mi Aval", after=before)
    assert NEWS in body_text(mail)
    again = api.post(f"/v1/outbound/{row_id}/email")
    assert (again.status_code, again.json()) == (200, {"emailed": False})
    assert len(backend.smtp.to(address)) == before + 1


def test_no_news_by_email_for_a_customer_who_stopped_them_or_nobody(api, backend):
    address = f"sin-noticias-{uuid.uuid4().hex[:8]}@example.net"
    _, confirmed = api.verify(address)
    opt_out(backend.database_url, confirmed["user"]["id"])
    stopped = outbound_row(backend.database_url, confirmed["user"]["id"])
    assert api.post(f"/v1/outbound/{stopped}/email").json() == {"emailed": False}
    nobody = outbound_row(backend.database_url, None)
    assert api.post(f"/v1/outbound/{nobody}/email").json() == {"emailed": False}
    assert api.post("/v1/outbound/999999/email").status_code == 404
    assert [message["Subject"] for message in backend.smtp.to(address)][-1] != "Novedades de Mi Aval"


def test_only_the_service_token_may_send_news(api, backend):
    row_id = outbound_row(backend.database_url, None)
    answer = api.http.post(api.url + f"/v1/outbound/{row_id}/email", headers={"Authorization": "Bearer wrong"})
    assert answer.status_code == 401
