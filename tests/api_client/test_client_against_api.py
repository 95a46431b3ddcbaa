"""api_client against the real, running Mi Aval API: every method, typed results, one exception per failure."""

from __future__ import annotations

import io
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from pypdf import PdfReader

from api_client import (
    BackendUnavailable,
    ClaimDraft,
    Conflict,
    InvalidRequest,
    MiAvalClient,
    NotFound,
    NotVerified,
    RateLimited,
)
from tests import media
from tests.api.server_fixtures import TOKEN, code_in, free_port

JPEG = media.JPEG


@pytest.fixture
def client(backend) -> MiAvalClient:
    return MiAvalClient(backend.url, TOKEN, timeout=10)


def verify(client: MiAvalClient, smtp, email: str) -> tuple[str, object]:
    identity = f"telegram:{uuid.uuid4().int % 10**12}"
    before = len(smtp.to(email))
    started = client.start_verification(identity, email)
    assert started.expires_in_seconds == 600 and "***" in started.email_masked
    result = client.confirm_verification(identity, code_in(smtp.wait_for(email, before + 1)))
    return identity, result


def new_identity(client, smtp) -> str:
    return verify(client, smtp, f"cliente-{uuid.uuid4().hex[:8]}@example.net")[0]


def test_health_and_insurers(client):
    assert client.health() is True
    insurers = {i.code: i for i in client.list_insurers()}
    assert insurers["COR"].claims_phone == "0800-555-0333" and insurers["COR"].name == "Cordillera Seguros"


def test_unreachable_api_is_backend_unavailable():
    dead = MiAvalClient(f"http://127.0.0.1:{free_port()}", TOKEN, timeout=1, retries=1, backoff=0.01)
    assert dead.health() is False
    with pytest.raises(BackendUnavailable):
        dead.list_insurers()


def test_verification_and_identity(client, smtp):
    assert client.whoami("telegram:1") is None
    identity, result = verify(client, smtp, "laura.gomez@example.com")
    assert result.new_account is False and result.user.email == "laura.gomez@example.com"
    assert sorted(c.name for c in result.linked_clients) == ["Laura Gómez", "Martín Gómez"]
    assert {c.linked_by for c in result.linked_clients} == {"auto"}
    assert client.whoami(identity).id == result.user.id
    client.forget_identity(identity)
    assert client.whoami(identity) is None


def test_wrong_code_and_bad_email(client, smtp):
    identity, email = f"web:{uuid.uuid4().hex}", f"x{uuid.uuid4().hex[:6]}@example.net"
    client.start_verification(identity, email)
    code = code_in(smtp.wait_for(email, 1))
    with pytest.raises(InvalidRequest) as wrong:
        client.confirm_verification(identity, f"{(int(code) + 1) % 10**6:06d}")
    assert wrong.value.code == "wrong_code" and wrong.value.details["attempts_left"] == 4
    with pytest.raises(RateLimited) as limited:
        client.start_verification(identity, email)
    assert limited.value.code == "resend_limited" and limited.value.retry_after > 0
    with pytest.raises(InvalidRequest) as bad:
        client.start_verification(f"web:{uuid.uuid4().hex}", "no es un mail")
    assert bad.value.code == "invalid_email"
    with pytest.raises(NotVerified):
        client.list_clients("web:nobody")


def test_linking_policies_and_certificate(client, smtp):
    identity = new_identity(client, smtp)
    jorge = client.link_client(identity, "23.456.789", "01-0567890-1")
    assert jorge.name == "Jorge Pereyra" and jorge.linked_by == "manual"
    with pytest.raises(Conflict) as again:
        client.link_client(identity, "23456789", "01-0567890-1")
    assert again.value.code == "already_linked"
    with pytest.raises(InvalidRequest) as failed:
        client.link_client(identity, "31245877", "AU-0524288")
    assert failed.value.code == "link_failed"
    carlos = client.link_client(identity, "20-17654321-4", "LT 5521907")
    assert [c.name for c in client.list_clients(identity)] == ["Carlos Benítez", "Jorge Pereyra"]

    policies = client.list_policies(identity, client_id=carlos.id)
    assert {p.number for p in policies} == {"LT 5521907", "VI-300412"}
    lt = client.get_policy(identity, "LT 5521907")
    assert lt.plate == "AB987CD" and lt.is_vehicle and lt.in_force and lt.insurer.code == "LIT"
    assert lt.start_date < datetime.now().date() < lt.end_date
    pdf = client.certificate_pdf(identity, "LT 5521907")
    assert "LT 5521907" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)

    link = client.document_link(identity, "certificate", "01-0567890-1")
    assert link.expires_at > datetime.now(timezone.utc)
    document = client.fetch_document(link.token)
    assert document.filename == link.filename and document.content.startswith(b"%PDF")

    removed = client.unlink_client(identity, carlos.id)
    assert removed.name == "Carlos Benítez"
    with pytest.raises(NotFound):
        client.get_policy(identity, "LT 5521907")
    with pytest.raises(NotFound):
        client.unlink_client(identity, carlos.id)


def test_claims_uploads_and_attachments(client, smtp):
    identity = new_identity(client, smtp)
    client.link_client(identity, "20-23456789-7", "01-0567890-1")
    upload = client.upload(identity, "choque trasero.jpg", "image/jpeg", JPEG)
    assert upload.content_type == "image/jpeg" and re.fullmatch(r"foto-[0-9a-f]{8}\.jpg", upload.filename)
    with pytest.raises(InvalidRequest) as unsupported:
        client.upload(identity, "nota.txt", "text/plain", b"hola")
    assert unsupported.value.code == "unsupported_type"

    draft = ClaimDraft(
        policy_number="01-0567890-1",
        type="collision",
        occurred_at=datetime.now(timezone.utc) - timedelta(days=4),
        place="Av. Colón 1200, Córdoba",
        description="Choque en una esquina",
        latitude=-31.41,
        longitude=-64.19,
        third_party_involved=False,
        upload_ids=[upload.id],
    )
    key = uuid.uuid4().hex
    claim = client.create_claim(identity, draft, key)
    assert claim.reported_late is True and claim.client_name == "Jorge Pereyra"
    assert [a.filename for a in claim.attachments] == [upload.filename]  # the name the server chose
    assert client.create_claim(identity, draft, key).number == claim.number
    assert [c.number for c in client.list_claims(identity)] == [claim.number]
    assert client.get_claim(identity, claim.number).status == "received"

    second = client.upload(identity, "denuncia.pdf", "application/pdf", media.PDF)
    attachment = client.attach_upload(identity, claim.number, second.id)
    assert client.attach_upload(identity, claim.number, second.id).id == attachment.id
    assert len(client.get_claim(identity, claim.number).attachments) == 2

    receipt = client.document_link(identity, "claim_receipt", claim.number)
    assert claim.number in receipt.filename

    future = ClaimDraft(**{**draft.__dict__, "occurred_at": datetime.now(timezone.utc) + timedelta(days=1)})
    with pytest.raises(InvalidRequest) as refused:
        client.create_claim(identity, future, uuid.uuid4().hex)
    assert refused.value.code == "occurred_in_future"
    with pytest.raises(NotFound):
        client.get_claim(identity, "SIN-000123")


def test_link_attempts_are_rate_limited(client, smtp):
    identity = new_identity(client, smtp)
    for _ in range(5):
        with pytest.raises(InvalidRequest):
            client.link_client(identity, "23456789", "HOG-778899")
    with pytest.raises(RateLimited) as limited:
        client.link_client(identity, "23456789", "01-0567890-1")
    assert limited.value.code == "link_attempts_exceeded" and limited.value.retry_after > 3600


def test_handoff_and_account_deletion(client, smtp):
    handoff = client.request_handoff("web:visitante", "quiere hablar con alguien", {"intent": "human_handoff"})
    assert handoff.id > 0 and handoff.expected_contact
    identity = new_identity(client, smtp)
    client.link_client(identity, "38765432", "0099-112233")
    deleted = client.delete_account(identity)
    assert (deleted.unlinked_clients, deleted.forgotten_identities) == (1, 1)
    assert client.whoami(identity) is None


def test_cancellation_requests_and_news(client, smtp):
    identity = new_identity(client, smtp)
    client.link_client(identity, "38765432", "0099-112233")
    first = client.request_cancellation(identity, "AP-77001", "not_needed")
    assert (first.policy_number, first.status, first.reason, first.created) == (
        "AP-77001",
        "requested",
        "not_needed",
        True,
    )
    again = client.request_cancellation(identity, "AP-77001")
    assert (again.id, again.created) == (first.id, False)
    with pytest.raises(NotFound):
        client.request_cancellation(identity, "HOG-778899")
    with pytest.raises(NotVerified):
        client.request_cancellation("web:sin-sesion", "AP-77001")
    assert client.set_news(identity, opt_out=True) is True
    assert client.set_news(identity, opt_out=False) is False
    with pytest.raises(NotVerified):
        client.set_news("web:sin-sesion", opt_out=True)
