"""The claim receipt and the certificate speak Spanish and never print an empty value."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader

from insurance_rules import ARGENTINA
from miaval_api.services.pdf import insured_item_text, third_party_text
from tests.api.claim_data import draft, key
from tests.api.server_fixtures import body_text

CLAIMS = "/v1/me/claims"


def test_the_receipt_names_the_third_partys_data_in_spanish(api, backend, laura):
    before = len(backend.smtp.to("laura.gomez@example.com"))
    claim = api.post(CLAIMS, laura, json=draft(), headers=key()).json()["claim"]
    message = backend.smtp.wait_for_subject("laura.gomez@example.com", claim["number"], after=before)
    [attachment] = [part for part in message.walk() if part.get_content_type() == "application/pdf"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(attachment.get_payload(decode=True))).pages)
    flat = " ".join(text.split())
    assert "Nombre: Juan Pérez" in flat and "Patente: AB123CD" in flat and "Aseguradora: Pampa Seguros" in flat
    assert not re.search(r"\b(name|plate|insurer|document):", flat), flat


def test_third_party_text_skips_what_was_not_given():
    assert third_party_text({"name": "Juan Pérez", "plate": "", "insurer": None}) == "Nombre: Juan Pérez"
    assert third_party_text({}) == ""


@pytest.mark.parametrize(
    "item, expected",
    [
        (
            {"vehicle": {"make": "Honda", "model": "Wave", "year": 2021, "plate": "A123BCD"}},
            "Honda Wave 2021, dominio A123BCD",
        ),
        ({"vehicle": {"make": "Honda", "model": "Wave"}}, "Honda Wave"),
        ({"vehicle": {"plate": "A123BCD"}}, "Dominio A123BCD"),
        ({"address": "Av. Corrientes 1234, CABA"}, "Av. Corrientes 1234, CABA"),
        ({"floor": "3"}, ""),
    ],
)
def test_the_insured_item_is_whole_or_absent(item, expected):
    assert insured_item_text(item) == expected


def _receipt(api, backend, identity, address, **fields):
    """Report a claim; its JSON, the receipt e-mail's text and the PDF's text (whitespace collapsed)."""
    before = len(backend.smtp.to(address))
    answer = api.post(CLAIMS, identity, json=draft(**fields), headers=key())
    assert answer.status_code == 201, answer.text
    claim = answer.json()["claim"]
    message = backend.smtp.wait_for_subject(address, claim["number"], after=before)
    [attachment] = [part for part in message.walk() if part.get_content_type() == "application/pdf"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(attachment.get_payload(decode=True))).pages)
    body = body_text(message)
    return claim, " ".join(body.split()), " ".join(text.split())


def test_a_report_for_someone_else_names_the_item_the_reporter_and_the_insurers_claims_desk(api, backend, laura):
    # Laura reports for her son Martín's motorcycle (his profile shares her e-mail address).
    claim, email, receipt = _receipt(
        api, backend, laura, "laura.gomez@example.com", policy="01-0234567-8", type="theft",
        third_party_involved=None, third_party=None, injured_people=None, police_report="Comisaría 7, acta 1234",
    )
    assert "Asegurado Martín Gómez" in receipt
    assert "Denunciado por Laura Gómez (laura.gomez@example.com)" in receipt
    assert "Bien asegurado Honda Wave 110 2022, dominio A123BCD" in receipt
    insurer = claim["insurer"]
    assert insurer["claims_phone"] and insurer["claims_email"]
    contact = f"teléfono {insurer['claims_phone']}, e-mail {insurer['claims_email']}"
    assert contact in receipt and contact in email
    # A theft of a vehicle: the police report, the title and the keys; and the next steps.
    for text in (receipt, email):
        assert "denuncia policial, título del vehículo, cédula, todas las llaves" in text
        assert "Próximos pasos: la aseguradora analiza la denuncia" in text
    assert "Honda Wave 110 2022, dominio A123BCD" in email and "en nombre del asegurado, Martín Gómez" in email


def test_her_own_report_names_no_reporter_and_asks_for_the_papers_of_a_crash(api, backend, laura):
    _, email, receipt = _receipt(api, backend, laura, "laura.gomez@example.com")
    assert "Asegurado Laura Gómez" in receipt and "Denunciado por" not in receipt
    assert "en nombre del asegurado" not in email
    assert "registro de conducir y cédula del vehículo, denuncia de tránsito" in receipt
    assert "denuncia policial, título" not in receipt


def test_a_home_theft_asks_for_the_police_report_and_proof_of_what_was_stolen(api, backend, laura):
    _, _, receipt = _receipt(
        api, backend, laura, "laura.gomez@example.com", policy="HOG-778899", type="theft",
        third_party_involved=None, third_party=None, injured_people=None, police_report="Comisaría 12",
        damaged_items="Una notebook",
    )
    assert "Bien asegurado Av. Directorio 2890, piso 3 B, CABA" in receipt
    assert "denuncia policial y facturas, fotos o cualquier comprobante de lo robado" in receipt


def test_a_time_that_was_not_given_is_printed_as_approximate(api, backend, laura):
    # "ayer" (no hour): the assistant sends noon with occurred_time_known false.
    yesterday_noon = datetime.now(ARGENTINA).replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=1)
    claim, _, receipt = _receipt(
        api, backend, laura, "laura.gomez@example.com",
        occurred_at=yesterday_noon.isoformat(), occurred_time_known=False,
    )
    assert claim["occurred_time_known"] is False
    assert f"Ocurrido {yesterday_noon:%d/%m/%Y}, hora aproximada" in receipt
    assert "12:00" not in receipt.split("Ocurrido ")[1].split("Lugar")[0]
    known, _, receipt_known = _receipt(
        api, backend, laura, "laura.gomez@example.com", occurred_at=yesterday_noon.isoformat()
    )
    assert known["occurred_time_known"] is True
    assert f"Ocurrido {yesterday_noon:%d/%m/%Y} 12:00" in receipt_known and "hora aproximada" not in receipt_known


def test_the_driver_the_witnesses_and_the_third_partys_contact_are_kept_and_printed(api, backend, laura):
    third = {"name": "Juan Pérez", "document": "28123456", "phone": "11 5555-1234", "plate": "AB123CD",
             "insurer": "Pampa Seguros", "policy": "PS-99887"}
    claim, _, receipt = _receipt(
        api, backend, laura, "laura.gomez@example.com", third_party=third, driver="Martín Gómez, mi hijo",
        witnesses="Un vecino, Pedro (11 4444-5555)", vehicle_drivable=False,
    )
    assert claim["driver"] == "Martín Gómez, mi hijo" and claim["vehicle_drivable"] is False
    assert claim["witnesses"] == "Un vecino, Pedro (11 4444-5555)" and claim["third_party"] == third
    for expected in ("Conductor Martín Gómez, mi hijo", "Testigos Un vecino, Pedro (11 4444-5555)",
                     "Puede circular No", "Documento: 28123456", "Teléfono: 11 5555-1234",
                     "Póliza: PS-99887"):
        assert expected in receipt, expected
