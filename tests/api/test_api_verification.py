"""Verifying a chat identity by an e-mailed one-time code, over HTTP against the running API."""

from __future__ import annotations

import time
import uuid

from tests.api.server_fixtures import Api, body_text, code_in


def new_sender() -> str:
    return f"web:{uuid.uuid4().hex}"


def new_email() -> str:
    return f"persona-{uuid.uuid4().hex[:10]}@example.net"


def start(api: Api, sender: str, email: str):
    return api.post("/v1/verifications", json={"chat_identity": sender, "email": email})


def confirm(api: Api, sender: str, code: str):
    return api.post("/v1/verifications/confirm", json={"chat_identity": sender, "code": code})


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_right_code_creates_the_account_and_ties_the_identity(api, backend):
    sender, email = new_sender(), new_email()
    assert api.get("/v1/me", sender).json()["error"]["code"] == "not_verified"
    started = start(api, sender, email)
    assert started.status_code == 202
    assert started.json()["expires_in_seconds"] == 600
    assert started.json()["email_masked"].endswith("@example.net") and email not in started.text
    message = backend.smtp.wait_for(email, 1)
    text = body_text(message)
    assert "Tu código" in text and "ignorá" in text  # Spanish, voseo
    done = confirm(api, sender, code_in(message))
    assert done.status_code == 200
    body = done.json()
    assert body["new_account"] is True and body["linked_clients"] == []
    assert body["user"]["email"] == email and body["user"]["email_verified"] is True
    assert api.get("/v1/me", sender).json()["user"]["id"] == body["user"]["id"]
    # The code was consumed: it does not work twice.
    assert confirm(api, sender, code_in(message)).json()["error"]["code"] == "no_pending_verification"


def test_wrong_code_counts_down_then_too_many_attempts(api, backend):
    sender, email = new_sender(), new_email()
    assert start(api, sender, email).status_code == 202
    code = code_in(backend.smtp.wait_for(email, 1))
    lefts = []
    for _ in range(4):
        answer = confirm(api, sender, wrong(code))
        assert answer.status_code == 400 and answer.json()["error"]["code"] == "wrong_code"
        lefts.append(answer.json()["error"]["details"]["attempts_left"])
    assert lefts == [4, 3, 2, 1]
    last = confirm(api, sender, wrong(code))  # the fifth wrong try spends the last one
    assert last.status_code == 429 and last.json()["error"]["code"] == "too_many_attempts"
    # Even the right code is refused once the tries are spent.
    refused = confirm(api, sender, code)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "too_many_attempts"
    assert api.get("/v1/me", sender).status_code == 401


def test_expired_code_is_refused(backend, contract, smtp):
    short = backend.variant(VERIFICATION_CODE_TTL_SECONDS="1")
    try:
        backend_short = type(backend)(
            backend.name, short.url, backend.database_url, backend.env, smtp, backend.workdir, short
        )
        api = Api(backend_short, contract)
        sender, email = new_sender(), new_email()
        assert start(api, sender, email).json()["expires_in_seconds"] == 1
        code = code_in(smtp.wait_for(email, 1))
        time.sleep(1.5)
        answer = confirm(api, sender, code)
        assert answer.status_code == 410 and answer.json()["error"]["code"] == "code_expired"
        assert api.get("/v1/me", sender).status_code == 401
    finally:
        short.stop()


def test_resend_is_limited(api, backend):
    sender, email = new_sender(), new_email()
    assert start(api, sender, email).status_code == 202
    again = start(api, sender, email)
    assert again.status_code == 429 and again.json()["error"]["code"] == "resend_limited"
    assert 0 < int(again.json()["error"]["details"]["retry_after"]) <= 60
    assert int(again.headers["Retry-After"]) > 0
    assert len(backend.smtp.to(email)) == 1


def test_a_corrected_address_gets_its_code_at_once_and_replaces_the_first(api, backend):
    sender, typo, email = new_sender(), new_email(), new_email()
    assert start(api, sender, typo).status_code == 202
    assert start(api, sender, email).status_code == 202  # the same chat, another address: no wait
    assert start(api, sender, email).status_code == 429  # that address again: the interval holds
    first = code_in(backend.smtp.wait_for(typo, 1))
    second = code_in(backend.smtp.wait_for(email, 1))
    assert confirm(api, sender, first).status_code != 200  # the code to the typo no longer counts
    assert confirm(api, sender, second).status_code == 200
    assert api.get("/v1/me", sender).json()["user"]["email"] == email


def test_sends_per_address_are_limited_per_hour(api, backend):
    email = new_email()
    for _ in range(10):
        assert start(api, new_sender(), email).status_code == 202
    eleventh = start(api, new_sender(), email)
    assert eleventh.status_code == 429 and eleventh.json()["error"]["code"] == "resend_limited"
    assert len(backend.smtp.to(email)) == 10


def test_invalid_email_and_missing_verification(api):
    bad = start(api, new_sender(), "not-an-address")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_email"
    none = confirm(api, new_sender(), "123456")
    assert none.status_code == 404 and none.json()["error"]["code"] == "no_pending_verification"


def test_registering_with_carlos_email_links_carlos(api):
    sender, confirmed = api.verify("carlos.benitez@example.com")
    assert [c["name"] for c in confirmed["linked_clients"]] == ["Carlos Benítez"]
    assert confirmed["user"]["email_verified"] is True
    clients = api.get("/v1/me/clients", sender).json()["clients"]
    assert [(c["name"], c["linked_by"]) for c in clients] == [("Carlos Benítez", "auto")]
    numbers = {p["number"] for p in api.get("/v1/me/policies", sender).json()["policies"]}
    assert numbers == {"LT 5521907", "VI-300412"}


def test_codes_and_addresses_never_reach_the_logs(api, backend):
    sender, email = new_sender(), new_email()
    start(api, sender, email)
    code = code_in(backend.smtp.wait_for(email, 1))
    confirm(api, sender, wrong(code))
    logs = backend.server.logs()
    assert code not in logs and email not in logs and sender not in logs


def test_signing_out_forgets_the_identity(api):
    sender = api.new_user()
    assert api.get("/v1/me", sender).status_code == 200
    from urllib.parse import quote

    assert api.delete(f"/v1/chat-identities/{quote(sender, safe='')}").status_code == 204
    assert api.get("/v1/me", sender).json()["error"]["code"] == "not_verified"
    assert api.delete(f"/v1/chat-identities/{quote(sender, safe='')}").status_code == 204


def test_without_smtp_codes_go_to_the_outbox_and_the_log_names_no_one(backend, contract, smtp, tmp_path):
    outbox = tmp_path / "outbox"
    server = backend.variant(SMTP_HOST="", OUTBOX_DIR=str(outbox))
    try:
        api = Api(
            type(backend)(backend.name, server.url, backend.database_url, backend.env, smtp, backend.workdir, server),
            contract,
        )
        sender, email = new_sender(), new_email()
        assert start(api, sender, email).status_code == 202
        files = list(outbox.glob("*.eml"))
        assert len(files) == 1
        import email as email_lib

        code = code_in(email_lib.message_from_bytes(files[0].read_bytes()))
        assert confirm(api, sender, code).status_code == 200
        logs = server.logs()
        assert "outbox" in logs and email not in logs and code not in logs
    finally:
        server.stop()
