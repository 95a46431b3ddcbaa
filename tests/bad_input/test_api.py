"""Bad input straight to the Mi Aval API, on SQLite and on PostgreSQL: 4xx JSON or stored verbatim, never a 500.

What customers type ends up in claim fields (description, place): emojis,
control characters (NUL included: PostgreSQL refuses it in text), SQL- and
HTML-looking text must be stored and read back unchanged, exactly once per
Idempotency-Key; what is too long is refused and leaves nothing behind.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests

from launcher.outbox import latest_code
from launcher.services import prepare_database, start_api
from tests.postgres import create_database, drop_database

LAURA = "laura.gomez@example.com"
AUTO_POLICY = "AU-1048576"
API_ENV = {
    "VERIFICATION_RESEND_INTERVAL_SECONDS": "0",
    "VERIFICATION_SENDS_PER_HOUR": "1000",
    "VERIFICATION_SENDS_PER_ADDRESS_PER_HOUR": "1000",
    "VERIFICATION_MAX_FAILURES_PER_DAY": "1000",
}

ODD_TEXTS = {
    "emojis": "😀🚗💥🙏🏻👍🏽 " * 10,
    "control characters": "me chocaron\x00 de\x07 atras\x1b[31m\u200b\u202e en un semaforo\r\n\t.",
    "sql": "'; DROP TABLE claims; -- 1' OR '1'='1 \" UNION SELECT * FROM users --",
    "html": '<script>alert("x")</script><img src=x onerror=alert(1)> & &amp; </div>',
    "long but allowed": "me chocaron de atras. " * 200,  # 4,400 characters: within the contract's 5,000
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api(request, tmp_path_factory):
    """An API with Laura signed in from one chat identity, on each database the product supports."""
    base = tmp_path_factory.mktemp(f"bad-input-api-{request.param}")
    pg_name = None
    if request.param == "sqlite":
        database_url = f"sqlite:///{base / 'miaval.db'}"
    else:
        pg_name, database_url = create_database("miaval_bad_input")
    token = secrets.token_urlsafe(24)
    process = None
    try:
        prepare_database(database_url)
        process = start_api(database_url, token, base / "outbox", log_dir=base / "log", extra_env=API_ENV)
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        identity = "web:badinput" + secrets.token_urlsafe(16)
        started = session.post(f"{process.url}/v1/verifications", json={"chat_identity": identity, "email": LAURA})
        assert started.status_code == 202, started.text
        code = latest_code(base / "outbox", LAURA)
        confirmed = session.post(
            f"{process.url}/v1/verifications/confirm", json={"chat_identity": identity, "code": code}
        )
        assert confirmed.status_code == 200, confirmed.text
        session.headers["X-Chat-Identity"] = identity
        yield process, session
    finally:
        if process is not None:
            process.stop()
        if pg_name:
            drop_database(pg_name)


def _draft(description: str, place: str = "Av. Rivadavia 5000, CABA") -> dict:
    occurred = datetime.now(timezone.utc) - timedelta(hours=3)
    return {
        "policy_number": AUTO_POLICY,
        "type": "collision",
        "occurred_at": occurred.isoformat(),
        "place": place,
        "description": description,
    }


def _claim_numbers(process, session) -> list[str]:
    response = session.get(f"{process.url}/v1/me/claims")
    assert response.status_code == 200, response.text
    return [claim["number"] for claim in response.json()["claims"]]


def _assert_json_4xx(response: requests.Response) -> dict:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()["error"]


@pytest.mark.parametrize("kind", sorted(ODD_TEXTS))
def test_odd_text_is_stored_verbatim_exactly_once(api, kind):
    process, session = api
    before = _claim_numbers(process, session)
    key = str(uuid.uuid4())
    text = ODD_TEXTS[kind]
    draft = _draft(text, place=text[:500])
    first = session.post(f"{process.url}/v1/me/claims", json=draft, headers={"Idempotency-Key": key})
    if "\x00" in text and first.status_code == 422:
        # PostgreSQL cannot store NUL in text: a clear refusal is acceptable there, and it must leave nothing.
        assert first.json()["error"]["code"], first.text
        assert _claim_numbers(process, session) == before
        return
    assert first.status_code == 201, (first.status_code, first.text[:300])
    claim = first.json()["claim"]
    replay = session.post(f"{process.url}/v1/me/claims", json=draft, headers={"Idempotency-Key": key})
    assert replay.status_code == 200 and replay.json()["claim"]["number"] == claim["number"]
    after = _claim_numbers(process, session)
    assert sorted(after) == sorted([*before, claim["number"]])
    read = session.get(f"{process.url}/v1/me/claims/{claim['number']}").json()["claim"]
    # Verbatim, except that a NUL (which PostgreSQL cannot store in text, and means nothing) may be dropped.
    assert read["description"] in (text, text.replace("\x00", ""))
    assert read["place"] in (text[:500], text[:500].replace("\x00", ""))


def test_ten_thousand_characters_are_refused_and_leave_nothing(api):
    process, session = api
    before = _claim_numbers(process, session)
    response = session.post(
        f"{process.url}/v1/me/claims", json=_draft("x" * 10_000), headers={"Idempotency-Key": str(uuid.uuid4())}
    )
    _assert_json_4xx(response)
    assert _claim_numbers(process, session) == before


@pytest.mark.parametrize(
    "email",
    ["", "a" * 10_000 + "@example.com", "😀@🚗.com", "x'; DROP TABLE users;--@example.com", "<b>@x.com", "a\x00@b.com"],
)
def test_odd_email_is_refused_clearly(api, email):
    process, session = api
    response = session.post(
        f"{process.url}/v1/verifications", json={"chat_identity": "web:odd" + secrets.token_urlsafe(16), "email": email}
    )
    _assert_json_4xx(response)
    # The users table is still there and Laura is still Laura.
    me = session.get(f"{process.url}/v1/me")
    assert me.status_code == 200 and me.json()["user"]["email"] == LAURA


@pytest.mark.parametrize(
    "identity", ["web:" + "a" * 10_000, "web:x'; DROP TABLE chat_identities;--", "web:\u202e😀", "", "nope"]
)
def test_odd_chat_identity_header_is_refused_clearly(api, identity):
    process, session = api
    try:
        response = requests.get(
            f"{process.url}/v1/me",
            timeout=10,
            headers={"Authorization": session.headers["Authorization"], "X-Chat-Identity": identity.encode("utf-8")},
        )
    except requests.ConnectionError:
        pytest.fail("the API dropped the connection instead of answering")
    if len(identity) > 8000:  # gunicorn refuses headers over 8 KB before the app: 431, a plain-text 4xx
        assert response.status_code in (400, 431)
        return
    _assert_json_4xx(response)


@pytest.mark.parametrize(
    "body", [b'{"chat_identity": "web:x", "email": ', b'{"email": "\xff\xfe"}', b"\xc3\x28", b"[]", b"NaN"]
)
def test_broken_json_and_invalid_utf8_are_bad_requests(api, body):
    process, session = api
    response = session.post(f"{process.url}/v1/verifications", data=body, headers={"Content-Type": "application/json"})
    assert _assert_json_4xx(response)["code"] in ("invalid_json", "invalid_request")


def test_oversized_upload_is_refused_and_leaves_nothing(api):
    process, session = api
    big = b"\xff\xd8\xff\xe0" + b"0" * (10 * 1024 * 1024 + 1)
    response = session.post(
        f"{process.url}/v1/me/uploads", data=big, headers={"Content-Type": "image/jpeg", "X-Filename": "choque.jpg"}
    )
    assert response.status_code == 413
    assert _assert_json_4xx(response)["code"] == "too_large"
    # Odd file names are kept as data, never as paths.
    small = session.post(
        f"{process.url}/v1/me/uploads",
        data=b"\xff\xd8\xff\xe0" + b"0" * 100,
        headers={"Content-Type": "image/jpeg", "X-Filename": "../../etc/passwd<script>.jpg"},
    )
    assert small.status_code in (201, 415, 422), small.text[:300]
