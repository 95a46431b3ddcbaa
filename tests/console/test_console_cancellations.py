"""Cancellations over HTTP: the insured's written confirmation (a PDF or an image, judged by its bytes, not too
big) must be on file before the cancellation is marked done."""

from __future__ import annotations

from sqlalchemy import select

from models import CancellationRequest, Policy
from tests import media
from tests.console.arrange import cancellation
from tests.console.stack import EXECUTIVE, signed_in

PDF = media.PDF


def _state(console, cancellation_id: int) -> tuple[str, str]:
    with console.session() as session:
        request = session.get(CancellationRequest, cancellation_id)
        return request.status, session.get(Policy, request.policy_id).status


def test_marking_done_without_the_written_confirmation_is_refused(console) -> None:
    cancellation_id = cancellation(console, "AU-1048576")
    valeria = signed_in(console.url, EXECUTIVE)
    page = valeria.get(f"/bajas/{cancellation_id}").text
    assert "laura.gomez@example.com" in page and "AU-1048576" in page
    response = valeria.post(f"/bajas/{cancellation_id}/hecha")
    assert response.status_code == 409
    assert "confirmación escrita" in response.text
    assert _state(console, cancellation_id) == ("requested", "active")


def test_the_confirmation_must_be_a_pdf_or_an_image_and_not_too_big(console) -> None:
    cancellation_id = cancellation(console, "AU-1048576")
    valeria = signed_in(console.url, EXECUTIVE)
    files = {
        "a text file named .pdf": ("carta.pdf", b"Yo, Laura, confirmo la baja.", "application/pdf"),
        "an HTML page": ("carta.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
        "an empty file": ("carta.pdf", b"", "application/pdf"),
    }
    for upload in files.values():
        valeria.post(f"/bajas/{cancellation_id}/confirmacion", files={"confirmation": upload})
        assert _state(console, cancellation_id) == ("requested", "active")
    too_big = PDF + b"0" * (5 * 1024 * 1024)
    valeria.post(f"/bajas/{cancellation_id}/confirmacion", files={"confirmation": ("carta.pdf", too_big, "x")})
    assert _state(console, cancellation_id) == ("requested", "active")
    assert valeria.post(f"/bajas/{cancellation_id}/hecha").status_code == 409


def test_with_the_confirmation_on_file_the_cancellation_is_done(console) -> None:
    cancellation_id = cancellation(console, "AU-1048576")
    valeria = signed_in(console.url, EXECUTIVE)
    response = valeria.post(
        f"/bajas/{cancellation_id}/confirmacion", files={"confirmation": ("../../carta firmada.pdf", PDF, "text/html")}
    )
    assert response.status_code == 302
    with console.session() as session:
        request = session.get(CancellationRequest, cancellation_id)
        assert (request.status, request.confirmation_content_type, request.confirmation_filename) == (
            "confirmed", "application/pdf", f"confirmacion-{cancellation_id}.pdf",
        )  # fmt: skip
        assert request.confirmed_by is not None
    download = valeria.get(f"/bajas/{cancellation_id}/confirmacion")
    assert download.content == PDF and download.headers["Content-Type"] == "application/pdf"
    assert valeria.post(f"/bajas/{cancellation_id}/hecha").status_code == 302
    assert _state(console, cancellation_id) == ("done", "cancelled")
    with console.session() as session:
        request = session.scalars(select(CancellationRequest).where(CancellationRequest.id == cancellation_id)).one()
        assert request.done_by == request.confirmed_by and request.done_at is not None
