"""The claims inbox over HTTP: every field and file; a status change (with a note) reaches the customer's chat."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from miaval_api.services import clock
from models import Claim, ClaimAttachment, Upload
from tests.console.arrange import chat_of, laura, outbox
from tests.console.stack import EXECUTIVE, signed_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _attach(console, number: str) -> str:
    with console.session(write=True) as session:
        claim = session.scalars(select(Claim).where(Claim.number == number)).one()
        upload_id = "up-" + hashlib.sha256(number.encode() + clock.now().isoformat().encode()).hexdigest()[:20]
        session.add(
            Upload(
                id=upload_id, user_id=None, filename="techo.png", content_type="image/png", size=len(PNG),
                sha256=hashlib.sha256(PNG).hexdigest(), content=PNG, created_at=clock.now(),
            )
        )  # fmt: skip
        session.flush()
        session.add(ClaimAttachment(claim_id=claim.id, upload_id=upload_id, created_at=clock.now()))
        claim.latitude, claim.longitude = -34.6037, -58.3816
    return upload_id


def test_the_inbox_lists_every_claim_and_the_page_shows_its_fields_files_and_place(console) -> None:
    upload_id = _attach(console, "SIN-000123")
    valeria = signed_in(console.url, EXECUTIVE)
    inbox = valeria.get("/denuncias/").text
    assert "SIN-000123" in inbox and "SIN-000098" in inbox
    page = valeria.get("/denuncias/SIN-000123").text
    assert "Filtración desde el departamento de arriba" in page and "En análisis" in page
    assert "openstreetmap.org/?mlat=-34.6037&amp;mlon=-58.3816" in page
    download = valeria.get(f"/denuncias/SIN-000123/adjuntos/{upload_id}")
    assert download.status_code == 200 and download.content == PNG
    assert download.headers["Content-Type"] == "image/png"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert valeria.get("/denuncias/SIN-000098/adjuntos/" + upload_id).status_code == 404  # not that claim's file
    receipt = valeria.get("/denuncias/SIN-000123/constancia")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF-")


def test_a_status_change_with_a_note_goes_to_the_customers_most_recent_chat(console) -> None:
    with console.session(write=True) as session:
        chat_of(session, laura(session), "whatsapp")
    with console.session(write=True) as session:
        newest = chat_of(session, laura(session), "telegram")
    valeria = signed_in(console.url, EXECUTIVE)
    nonce = valeria.nonce("/denuncias/SIN-000123")
    note = "El inspector te visita el jueves a las 10."
    for _ in range(2):  # a double click is one message
        response = valeria.post(
            "/denuncias/SIN-000123/estado", {"status": "inspection_scheduled", "note": note, "nonce": nonce}
        )
        assert response.status_code == 302
    with console.session() as session:
        assert session.scalars(select(Claim.status).where(Claim.number == "SIN-000123")).one() == "inspection_scheduled"
    [update] = [row for row in outbox(console, newest) if row.kind == "claim_update"]
    assert update.text == (
        "Novedades de tu denuncia SIN-000123: está con la inspección coordinada. "
        "El inspector te visita el jueves a las 10."
    )
    assert update.staff_name == "Valeria Sosa"

    valeria.post("/denuncias/SIN-000123/estado", {"status": "approved", "note": "", "nonce": valeria.nonce(
        "/denuncias/SIN-000123")})  # fmt: skip
    assert outbox(console, newest)[-1].text == "Novedades de tu denuncia SIN-000123: está aprobada."


def test_an_unknown_status_changes_nothing(console) -> None:
    valeria = signed_in(console.url, EXECUTIVE)
    with console.session() as session:
        before = session.scalars(select(Claim.status).where(Claim.number == "SIN-000098")).one()
    valeria.post("/denuncias/SIN-000098/estado", {"status": "lost", "note": "", "nonce": "n"})
    valeria.post("/denuncias/SIN-000098/estado", {"status": "approved", "note": "x" * 501, "nonce": "n2"})
    with console.session() as session:
        assert session.scalars(select(Claim.status).where(Claim.number == "SIN-000098")).one() == before
