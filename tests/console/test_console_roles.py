"""Who may do what (console/access.py), tried over HTTP for every role and every page and action; a producer
never sees another producer's clients; every refusal is audited."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import ClientProfile, HandoffRequest, Insurer, Policy, Producer, StaffAuditEntry, StaffMember
from tests.console.arrange import cancellation, handoff, outbox
from tests.console.stack import EXECUTIVE, PRODUCER, SUPERVISOR, TRAINER, Staff, signed_in

PAGES = {
    "/cola/": {"executive", "supervisor"},
    "/cola/tareas": {"executive", "supervisor"},
    "/denuncias/": {"executive", "supervisor"},
    "/denuncias/SIN-000123": {"executive", "supervisor"},
    "/denuncias/SIN-000123/constancia": {"executive", "supervisor"},
    "/bajas/": {"executive", "supervisor"},
    "/recordatorios/": {"executive", "supervisor"},
    "/reportes/": {"producer", "supervisor"},
    "/reportes/polizas.csv": {"producer", "supervisor"},
    "/equipo/": {"supervisor"},
    "/equipo/auditoria": {"supervisor"},
    "/revision/": {"trainer", "supervisor"},
    "/tablero/": {"supervisor"},
    "/tablero/conversaciones.csv": {"supervisor"},
}
EMAILS = {"executive": EXECUTIVE, "supervisor": SUPERVISOR, "producer": PRODUCER, "trainer": TRAINER}
OTHER_PRODUCER_PASSWORD = "lucia-clave-de-prueba"


@pytest.mark.parametrize("role", ["executive", "supervisor", "producer", "trainer"])
def test_each_role_reaches_exactly_its_pages(console, role: str) -> None:
    staff = signed_in(console.url, EMAILS[role])
    for path, roles in PAGES.items():
        expected = 200 if role in roles else 403
        assert staff.get(path).status_code == expected, (role, path)


def test_a_producer_can_do_nothing_on_the_queue_claims_cancellations_or_staff(console) -> None:
    handoff_id, sender_id = handoff(console)
    cancellation_id = cancellation(console, "HOG-778899")
    roberto = signed_in(console.url, PRODUCER)
    nonce = "n"
    attempts = [
        (f"/cola/{handoff_id}/tomar", {}),
        (f"/cola/{handoff_id}/responder", {"text": "hola", "nonce": nonce}),
        (f"/cola/{handoff_id}/devolver", {}),
        ("/denuncias/SIN-000123/estado", {"status": "paid", "note": "", "nonce": nonce}),
        (f"/bajas/{cancellation_id}/hecha", {}),
        ("/equipo/", {"name": "Intruso", "email": "intruso@aval.example", "role": "supervisor",
                      "password": "una-clave-muy-larga"}),
    ]  # fmt: skip
    for path, data in attempts:
        assert roberto.post(path, data).status_code == 403, path
    assert roberto.get(f"/cola/{handoff_id}").status_code == 403
    with console.session() as session:
        assert session.get(HandoffRequest, handoff_id).status == "open"
        assert session.scalars(select(StaffMember).where(StaffMember.email == "intruso@aval.example")).first() is None
        producer_id = session.scalars(select(StaffMember.id).where(StaffMember.email == PRODUCER)).one()
        refused = session.scalars(
            select(StaffAuditEntry).where(
                StaffAuditEntry.staff_id == producer_id, StaffAuditEntry.action == "forbidden"
            )
        ).all()
    assert outbox(console, sender_id) == []
    assert len(refused) >= len(attempts) + 1


def test_an_executive_cannot_create_staff(console) -> None:
    valeria = signed_in(console.url, EXECUTIVE)
    data = {"name": "Otro", "email": "otro@aval.example", "role": "supervisor", "password": "una-clave-muy-larga"}
    assert valeria.post("/equipo/", data).status_code == 403
    with console.session() as session:
        assert session.scalars(select(StaffMember).where(StaffMember.email == "otro@aval.example")).first() is None


def _second_producer(console) -> int:
    """Lucía, another producer, with a client and a policy of her own expiring in 20 days."""
    with console.session(write=True) as session:
        producer = Producer(key="lucia", name="Lucía Fernández", license="PAS 99887")
        session.add(producer)
        session.flush()
        client = ClientProfile(kind="person", name="Cliente De Lucía", dni="40111222", producer_id=producer.id)
        session.add(client)
        session.flush()
        insurer = session.scalars(select(Insurer).order_by(Insurer.id)).first()
        session.add(
            Policy(
                number="LUC-0001", number_key="LUC0001", client_id=client.id, insurer_id=insurer.id, line="home",
                status="active", start_date=date.today() - timedelta(days=345),
                end_date=date.today() + timedelta(days=20), coverage="Integral", monthly_premium=Decimal("100"),
                insured_item={},
            )
        )  # fmt: skip
        return producer.id


def test_a_producer_sees_only_their_own_clients_and_a_supervisor_any_producers(console) -> None:
    lucia_id = _second_producer(console)
    hernan = signed_in(console.url, SUPERVISOR)
    created = hernan.post("/equipo/", {
        "name": "Lucía Fernández", "email": "lucia@pas.example", "role": "producer", "producer_id": str(lucia_id),
        "password": OTHER_PRODUCER_PASSWORD,
    })  # fmt: skip
    assert created.status_code == 302
    with console.session() as session:
        roberto_id = session.scalars(select(Producer.id).where(Producer.key == "roberto")).one()

    roberto = signed_in(console.url, PRODUCER)
    for path in ("/reportes/", f"/reportes/?productor={lucia_id}", f"/reportes/polizas.csv?productor={lucia_id}",
                 f"/reportes/denuncias.csv?productor={lucia_id}"):  # fmt: skip
        text = roberto.get(path).text
        assert "LUC-0001" not in text and "Cliente De Lucía" not in text, path
    roberto_csv = roberto.get("/reportes/polizas.csv").text
    assert "COM-440021" in roberto_csv and "Panadería La Espiga" in roberto_csv
    assert "Laura Gómez" not in roberto_csv  # a client no producer placed

    lucia = Staff(console.url)
    assert lucia.sign_in("lucia@pas.example", OTHER_PRODUCER_PASSWORD).status_code == 302
    page = lucia.get(f"/reportes/?productor={roberto_id}").text
    assert "LUC-0001" in page and "Cliente De Lucía" in page and "En los próximos 30 días (1)" in page
    assert "COM-440021" not in page and "Panadería La Espiga" not in page
    lines = lucia.get("/reportes/polizas.csv").text.splitlines()
    assert len(lines) == 2 and lines[1].startswith("Cliente De Lucía,LUC-0001,")

    assert "LUC-0001" in hernan.get(f"/reportes/?productor={lucia_id}").text
    assert "COM-440021" in hernan.get(f"/reportes/polizas.csv?productor={roberto_id}").text


def test_a_deactivated_account_is_signed_out_and_cannot_sign_in(console) -> None:
    hernan = signed_in(console.url, SUPERVISOR)
    hernan.post("/equipo/", {"name": "Paula Temporal", "email": "paula@aval.example", "role": "executive",
                             "password": "clave-temporal-larga"})  # fmt: skip
    paula = Staff(console.url)
    assert paula.sign_in("paula@aval.example", "clave-temporal-larga").status_code == 302
    with console.session() as session:
        paula_id = session.scalars(select(StaffMember.id).where(StaffMember.email == "paula@aval.example")).one()
    assert signed_in(console.url, EXECUTIVE).post(f"/equipo/{paula_id}/activa", {"active": "0"}).status_code == 403
    assert paula.get("/cola/").status_code == 200
    assert hernan.post(f"/equipo/{paula_id}/activa", {"active": "0"}).status_code == 302
    assert paula.get("/cola/").status_code == 302  # her session ended
    assert Staff(console.url).sign_in("paula@aval.example", "clave-temporal-larga").status_code == 401
