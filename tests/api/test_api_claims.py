"""Claims: idempotent creation (also under concurrent retries), rules, receipts and attachments."""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests
from pypdf import PdfReader

from tests.api.claim_data import JPEG, PDF, PNG, WEBP, draft, key
from tests.api.server_fixtures import TOKEN

CLAIMS = "/v1/me/claims"


def claim_count(api, sender) -> int:
    return len(api.get(CLAIMS, sender).json()["claims"])


def test_create_then_replay_gives_the_same_claim(api, laura):
    before = api.get(CLAIMS, laura).json()["claims"]
    headers = key()
    first = api.post(CLAIMS, laura, json=draft(), headers=headers)
    assert first.status_code == 201, first.text
    claim = first.json()["claim"]
    assert re.fullmatch(r"SIN-\d{6}", claim["number"])
    assert int(claim["number"][4:]) > 123  # continues the demo's sequence
    assert claim["policy_number"] == "AU-1048576" and claim["status"] == "received"
    assert claim["insurer"]["code"] == "RPS" and claim["reported_late"] is False
    # The very same request again (a retry): same body, same key.
    again = api.post(CLAIMS, laura, data=first.request.body, headers={**headers, "Content-Type": "application/json"})
    assert again.status_code == 200 and again.json()["claim"]["number"] == claim["number"]
    assert len(api.get(CLAIMS, laura).json()["claims"]) == len(before) + 1
    shown = api.get(f"{CLAIMS}/{claim['number']}", laura).json()["claim"]
    assert shown["number"] == claim["number"] and shown["place"] == "Av. Rivadavia 5000, CABA"


def test_concurrent_retries_make_one_claim(api, backend, laura):
    before = claim_count(api, laura)
    body = draft(policy="HOG-778899", type="water_damage")
    headers = {"Authorization": f"Bearer {TOKEN}", "X-Chat-Identity": laura, **key()}

    def post(_):
        return requests.post(backend.url + CLAIMS, json=body, headers=headers, timeout=30)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(post, range(8)))
    assert sorted({a.status_code for a in answers}) in ([200, 201], [201])
    assert [a.status_code for a in answers].count(201) == 1
    assert len({a.json()["claim"]["number"] for a in answers}) == 1
    assert claim_count(api, laura) == before + 1


def test_concurrent_different_claims_get_distinct_numbers(api, backend, laura):
    headers = {"Authorization": f"Bearer {TOKEN}", "X-Chat-Identity": laura}

    def post(_):
        return requests.post(backend.url + CLAIMS, json=draft(), headers={**headers, **key()}, timeout=30)

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(post, range(6)))
    assert [a.status_code for a in answers] == [201] * 6
    assert len({a.json()["claim"]["number"] for a in answers}) == 6


def test_same_key_for_a_different_claim_is_refused(api, laura):
    headers = key()
    assert api.post(CLAIMS, laura, json=draft(), headers=headers).status_code == 201
    other = api.post(CLAIMS, laura, json=draft(description="Otra cosa"), headers=headers)
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"


def test_rules(api, laura):
    before = claim_count(api, laura)
    future = api.post(CLAIMS, laura, json=draft(days_ago=-1), headers=key())
    assert future.status_code == 422 and future.json()["error"]["code"] == "occurred_in_future"
    expired = api.post(CLAIMS, laura, json=draft(policy="AU-0524288"), headers=key())
    assert expired.status_code == 409 and expired.json()["error"]["code"] == "policy_not_in_force"
    missing_key = api.post(CLAIMS, laura, json=draft())
    assert missing_key.status_code == 400 and missing_key.json()["error"]["code"] == "idempotency_key_required"
    bad_date = api.post(CLAIMS, laura, json=draft(occurred_at="ayer a la tarde"), headers=key())
    assert bad_date.status_code == 422 and bad_date.json()["error"]["code"] == "invalid_claim"
    unknown_upload = api.post(CLAIMS, laura, json=draft(upload_ids=["nope"]), headers=key())
    assert unknown_upload.status_code == 422
    assert claim_count(api, laura) == before


def test_late_report_is_marked(api, laura):
    late = api.post(CLAIMS, laura, json=draft(days_ago=5), headers=key()).json()["claim"]
    assert late["reported_late"] is True
    on_time = api.post(CLAIMS, laura, json=draft(days_ago=2.5), headers=key()).json()["claim"]
    assert on_time["reported_late"] is False


def test_receipt_is_emailed_as_pdf_with_timestamp_and_hash(api, backend, laura):
    # Both backends e-mail the same sink and number their claims alike: look only at newer messages.
    before = len(backend.smtp.to("laura.gomez@example.com"))
    claim = api.post(CLAIMS, laura, json=draft(), headers=key()).json()["claim"]
    message = backend.smtp.wait_for_subject("laura.gomez@example.com", claim["number"], after=before)
    pdfs = [part for part in message.walk() if part.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdfs[0].get_payload(decode=True))).pages)
    flat = re.sub(r"\s", "", text)
    assert claim["number"] in text and "AU-1048576" in text and "Recibida" in text
    assert re.fullmatch(r"[0-9a-f]{64}", claim["receipt_sha256"]) and claim["receipt_sha256"] in flat, flat[
        flat.find("Recibida") :
    ][:200]


def test_uploads_and_attachments(api, laura):
    kinds = {}
    for content, expected in (
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (WEBP, "image/webp"),
        (PDF, "application/pdf"),
    ):
        answer = api.post(
            "/v1/me/uploads",
            laura,
            data=content,
            headers={"Content-Type": "application/octet-stream", "X-Filename": "foto%20choque.bin"},
        )
        assert answer.status_code == 201, answer.text
        upload = answer.json()["upload"]
        assert upload["content_type"] == expected and upload["size"] == len(content)
        assert re.fullmatch(r"(foto|documento)-[0-9a-f]{8}" + {"image/jpeg": r"\.jpg", "image/png": r"\.png",
                            "image/webp": r"\.webp", "application/pdf": r"\.pdf"}[expected], upload["filename"])
        kinds[expected] = upload["id"]
    text = api.post("/v1/me/uploads", laura, data=b"hola, no soy una foto", headers={"Content-Type": "image/jpeg"})
    assert text.status_code == 415 and text.json()["error"]["code"] == "unsupported_type"
    huge = api.post(
        "/v1/me/uploads", laura, data=JPEG + b"\x00" * (10 * 1024 * 1024), headers={"Content-Type": "image/jpeg"}
    )
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "too_large"

    created = api.post(CLAIMS, laura, json=draft(upload_ids=[kinds["image/jpeg"]]), headers=key()).json()["claim"]
    assert [a["content_type"] for a in created["attachments"]] == ["image/jpeg"]
    path = f"{CLAIMS}/{created['number']}/attachments"
    first = api.post(path, laura, json={"upload_id": kinds["application/pdf"]})
    assert first.status_code == 201
    second = api.post(path, laura, json={"upload_id": kinds["application/pdf"]})
    assert second.status_code in (200, 201) and second.json()["attachment"]["id"] == first.json()["attachment"]["id"]
    shown = api.get(f"{CLAIMS}/{created['number']}", laura).json()["claim"]
    assert sorted(a["content_type"] for a in shown["attachments"]) == ["application/pdf", "image/jpeg"]
    assert api.post(path, laura, json={"upload_id": "unknown"}).status_code == 404


def test_demo_claims_and_status(api, laura):
    claims = {c["number"]: c for c in api.get(CLAIMS, laura).json()["claims"]}
    assert claims["SIN-000123"]["status"] == "under_review"
    assert claims["SIN-000098"]["status"] == "paid" and claims["SIN-000098"]["client_name"] == "Martín Gómez"
    assert api.get(f"{CLAIMS}/sin-000123", laura).json()["claim"]["policy_number"] == "HOG-778899"
    assert api.get(f"{CLAIMS}/SIN-999999", laura).status_code == 404


def test_hash_is_of_the_content(api, laura):
    claim = api.post(CLAIMS, laura, json=draft(description=f"Granizo {uuid.uuid4().hex}"), headers=key()).json()[
        "claim"
    ]
    other = api.post(CLAIMS, laura, json=draft(description=f"Granizo {uuid.uuid4().hex}"), headers=key()).json()[
        "claim"
    ]
    assert claim["receipt_sha256"] != other["receipt_sha256"]
    assert claim["receipt_sha256"] != hashlib.sha256(b"").hexdigest()


def test_a_loss_from_while_the_policy_was_in_force_is_accepted_after_it_expired(api, laura):
    # AU-0524288 ran from 730 to 365 days ago and has expired since: the day of the loss decides.
    during = api.post(CLAIMS, laura, json=draft(policy="AU-0524288", days_ago=400), headers=key())
    assert during.status_code == 201, during.text
    assert during.json()["claim"]["policy_number"] == "AU-0524288" and during.json()["claim"]["reported_late"] is True
    after = api.post(CLAIMS, laura, json=draft(policy="AU-0524288", days_ago=300), headers=key())
    assert after.status_code == 409 and after.json()["error"]["code"] == "policy_not_in_force"
    before_start = api.post(CLAIMS, laura, json=draft(policy="AU-0524288", days_ago=800), headers=key())
    assert before_start.status_code == 409 and before_start.json()["error"]["code"] == "policy_not_in_force"
