"""The claim receipt and the certificate speak Spanish and never print an empty value."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from miaval_api.services.pdf import insured_item_text, third_party_text
from tests.api.claim_data import draft, key

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
