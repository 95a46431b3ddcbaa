"""Attacks with files: a polyglot that starts like a PDF and holds a page with a script, markup under an
image's magic bytes, a script named as the file, and a cancellation "confirmed" by any file starting with
``%PDF-``. The API and the staff console are real processes; the files are judged by real parsers."""

from __future__ import annotations

import re
import secrets
from email.message import EmailMessage
from typing import Iterator

import pytest
import requests
from sqlalchemy import select

from models import CancellationRequest
from tests import media
from tests.api.chat_sessions import LAURA, verify
from tests.console.arrange import cancellation
from tests.console.stack import EXECUTIVE, ConsoleStack, console_stack, signed_in

POLYGLOT = b"%PDF-1.4\n<html><body><script>fetch('/equipo/').then(r => r.text()).then(alert)</script></body></html>"
SCRIPTED_PDF = media.PDF + b"\n<html><script>alert(document.cookie)</script></html>\n"
SVG_AS_PNG = b"\x89PNG\r\n\x1a\n<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"
BROKEN_JPEG = b"\xff\xd8\xff\xe0" + b"7" * 3000


@pytest.fixture(scope="module")
def laura(demo_api) -> str:
    sender = f"whatsapp:+54911{secrets.randbelow(10**8):08d}"
    verify(demo_api.url, demo_api.token, demo_api.outbox_dir, sender, LAURA)
    return sender


def upload(demo_api, sender: str, content: bytes, name: str, content_type: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {demo_api.token}", "X-Chat-Identity": sender,
               "Content-Type": content_type, "X-Filename": name}  # fmt: skip
    return requests.post(demo_api.url + "/v1/me/uploads", data=content, headers=headers, timeout=30)


@pytest.mark.attack
@pytest.mark.parametrize(
    "content, name, content_type",
    [
        (POLYGLOT, "poly.html", "application/pdf"),
        (SCRIPTED_PDF, "informe.pdf", "application/pdf"),
        (SVG_AS_PNG, "foto.svg", "image/png"),
        (BROKEN_JPEG, "choque.jpg", "image/jpeg"),
    ],
    ids=["polyglot-pdf-html", "pdf-with-a-page-inside", "svg-behind-png-bytes", "jpeg-that-does-not-decode"],
)
def test_a_file_that_is_not_what_its_bytes_claim_is_refused(demo_api, laura, content, name, content_type) -> None:
    response = upload(demo_api, laura, content, name, content_type)
    assert response.status_code == 415, response.text[:300]
    assert response.json()["error"]["code"] == "unsupported_type"


@pytest.mark.attack
def test_a_real_file_is_kept_under_a_name_the_server_chose(demo_api, laura) -> None:
    """A genuine photo named like a page keeps no trace of that name: it is served as foto-….jpg."""
    for content, name, extension in ((media.JPEG, "poly.html", ".jpg"), (media.PDF, "<script>.svg", ".pdf")):
        response = upload(demo_api, laura, content, name, "application/octet-stream")
        assert response.status_code == 201, response.text[:300]
        kept = response.json()["upload"]["filename"]
        assert re.fullmatch(r"(foto|documento)-[0-9a-f]{8}" + re.escape(extension), kept), kept


# -- the cancellation's written confirmation ----------------------------------------------------


@pytest.fixture(scope="module")
def console(tmp_path_factory) -> Iterator[ConsoleStack]:
    yield from console_stack(tmp_path_factory.mktemp("console-uploads"), "sqlite")


def confirmation_state(console: ConsoleStack, cancellation_id: int) -> tuple[str, str | None, str | None]:
    with console.session() as session:
        row = session.scalars(select(CancellationRequest).where(CancellationRequest.id == cancellation_id)).one()
        return row.status, row.confirmation_content_type, row.confirmation_filename


def email_from(sender: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"Laura Gómez <{sender}>"
    message["To"] = "contacto@aval.example"
    message["Subject"] = "Baja de la póliza AU-1048576"
    message.set_content("Confirmo que quiero dar de baja la póliza AU-1048576. Laura Gómez, DNI en el archivo.")
    return bytes(message)


@pytest.mark.attack
def test_any_file_starting_with_pdf_does_not_confirm_a_cancellation(console) -> None:
    cancellation_id = cancellation(console, "AU-1048576")
    valeria = signed_in(console.url, EXECUTIVE)
    for content in (b"%PDF-1.7 esto no es un PDF", POLYGLOT, SCRIPTED_PDF, BROKEN_JPEG):
        valeria.post(f"/bajas/{cancellation_id}/confirmacion", files={"confirmation": ("carta.pdf", content, "x")})
        assert confirmation_state(console, cancellation_id)[0] == "requested"
    assert valeria.post(f"/bajas/{cancellation_id}/hecha").status_code == 409


@pytest.mark.attack
def test_an_email_confirms_only_when_it_comes_from_the_insureds_address(console) -> None:
    cancellation_id = cancellation(console, "AU-1048576")
    valeria = signed_in(console.url, EXECUTIVE)
    stranger = email_from("otra.persona@example.net")
    valeria.post(f"/bajas/{cancellation_id}/confirmacion", files={"confirmation": ("baja.eml", stranger, "x")})
    assert confirmation_state(console, cancellation_id)[0] == "requested"
    insured = email_from("laura.gomez@example.com")
    valeria.post(f"/bajas/{cancellation_id}/confirmacion", files={"confirmation": ("baja.eml", insured, "x")})
    assert confirmation_state(console, cancellation_id) == (
        "confirmed", "message/rfc822", f"confirmacion-{cancellation_id}.eml",
    )  # fmt: skip
