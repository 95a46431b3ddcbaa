"""Coverage certificates and download links."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.api.claim_data import draft, key


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_certificate_names_the_policy(api, laura):
    answer = api.get("/v1/me/policies/AU-1048576/certificate", laura)
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/pdf"
    text = pdf_text(answer.content)
    assert "AU-1048576" in text and "Laura Gómez" in text and "Río de la Plata Seguros" in text
    assert "AC123BD" in text and "Certificado de cobertura" in text


def test_certificate_of_a_policy_with_a_space(api, laura):
    sender = api.new_user()
    api.post("/v1/me/clients", sender, json={"document_number": "17654321", "policy_number": "LT 5521907"})
    answer = api.get("/v1/me/policies/LT%205521907/certificate", sender)
    assert answer.status_code == 200 and "LT 5521907" in pdf_text(answer.content)


def test_no_certificate_for_a_policy_not_in_force(api, laura):
    answer = api.get("/v1/me/policies/AU-0524288/certificate", laura)
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "policy_not_in_force"


def test_document_links(api, laura):
    link = api.post("/v1/me/documents", laura, json={"kind": "certificate", "ref": "HOG-778899"})
    assert link.status_code == 201
    body = link.json()
    fetched = api.get(f"/v1/documents/{body['token']}")
    assert fetched.status_code == 200 and body["filename"] in fetched.headers["Content-Disposition"]
    assert "HOG-778899" in pdf_text(fetched.content)

    claim = api.post("/v1/me/claims", laura, json=draft(), headers=key()).json()["claim"]
    receipt = api.post("/v1/me/documents", laura, json={"kind": "claim_receipt", "ref": claim["number"]}).json()
    assert claim["number"] in pdf_text(api.get(f"/v1/documents/{receipt['token']}").content)

    tampered = api.get(f"/v1/documents/{body['token'][:-2]}xx")
    assert tampered.status_code == 404
    assert api.post("/v1/me/documents", laura, json={"kind": "certificate", "ref": "AU-0524288"}).status_code == 409
    assert api.post("/v1/me/documents", laura, json={"kind": "certificate", "ref": "CON-3344"}).status_code == 404


def test_document_links_expire(backend, contract, smtp, laura):
    from tests.api.server_fixtures import Api

    short = backend.variant(DOCUMENT_LINK_TTL_SECONDS="1")
    try:
        api = Api(
            type(backend)(backend.name, short.url, backend.database_url, backend.env, smtp, backend.workdir, short),
            contract,
        )
        token = api.post("/v1/me/documents", laura, json={"kind": "certificate", "ref": "HOG-778899"}).json()["token"]
        import time

        time.sleep(2.1)
        gone = api.get(f"/v1/documents/{token}")
        assert gone.status_code == 410 and gone.json()["error"]["code"] == "link_expired"
    finally:
        short.stop()
