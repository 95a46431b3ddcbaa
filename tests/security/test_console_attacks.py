"""Attacks on the staff console: stolen or kept session cookies, the sign-in lockout used as a weapon,
a reused form, claim news sent to whoever linked a profile last.

Each test drives a real console process (gunicorn) over HTTP on a fresh demo database.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Iterator

import pytest
import requests
from sqlalchemy import select

from launcher.secrets import new_secret
from launcher.services import start_console
from miaval_api.services import clock
from models import ChatIdentity, Claim, ClientProfile, Policy, StaffAuditEntry, StaffMember, User, UserClientLink
from tests.console.arrange import chat_of, handoff, laura, outbox
from tests.console.stack import EXECUTIVE, PASSWORDS, SUPERVISOR, ConsoleStack, Staff, console_stack, signed_in

SECRET = new_secret()
LIMITS = {
    "CONSOLE_SECRET_KEY": SECRET,
    "CONSOLE_MAX_FAILURES_PER_ACCOUNT": "3",
    "CONSOLE_MAX_FAILURES_PER_ADDRESS": "6",
    "CONSOLE_TRUSTED_PROXIES": "1",
    "CONSOLE_SESSION_IDLE_MINUTES": "30",
    "CONSOLE_SESSION_HOURS": "1",
}


@pytest.fixture(scope="module")
def console(tmp_path_factory) -> Iterator[ConsoleStack]:
    """A console behind one trusted proxy (its X-Forwarded-For names the client), with small limits."""
    yield from console_stack(tmp_path_factory.mktemp("console-attacks"), "sqlite", LIMITS)


def later_console(stack: ConsoleStack, tmp_path, minutes: int):
    """The same console (same key, same database) whose clock runs ``minutes`` ahead."""
    env = {**LIMITS, "MIAVAL_CLOCK_OFFSET_SECONDS": str(minutes * 60), "TRACKER_STORE_URL": stack.tracker_url,
           **stack.tracker_keys}  # fmt: skip
    return start_console(stack.database_url, log_dir=tmp_path / f"log-{minutes}", extra_env=env)


def kept_cookies(staff: Staff) -> dict[str, str]:
    """What a thief (or the browser's history) keeps of a signed-in session."""
    return requests.utils.dict_from_cookiejar(staff.http.cookies)


def replay(url: str, cookies: dict[str, str], token: str) -> Staff:
    """A browser holding a copy of an old session's cookie and its CSRF token."""
    thief = Staff(url)
    thief.http.cookies.update(cookies)
    thief.token = token
    return thief


def claim_status(stack: ConsoleStack, number: str) -> str:
    with stack.session() as session:
        return session.scalars(select(Claim.status).where(Claim.number == number)).one()


def minutes_to_wait(page: str) -> int:
    found = re.search(r"Probá de nuevo en (\d+) minutos", page)
    assert found, page
    return int(found.group(1))


def from_address(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


# -- sessions ---------------------------------------------------------------------------


@pytest.mark.attack
def test_a_cookie_kept_after_sign_out_changes_nothing(console) -> None:
    valeria = signed_in(console.url, EXECUTIVE)
    valeria.get("/denuncias/SIN-000098")
    cookies, token = kept_cookies(valeria), valeria.token
    before = claim_status(console, "SIN-000098")
    assert valeria.post("/salir").status_code == 302
    thief = replay(console.url, cookies, token)
    assert thief.get("/cola/").status_code == 302
    changed = thief.post("/denuncias/SIN-000098/estado", {"status": "rejected", "note": "", "nonce": "n-" + token[:8]})
    assert changed.status_code == 302 and changed.headers["Location"].endswith("/entrar")
    assert claim_status(console, "SIN-000098") == before


@pytest.mark.attack
def test_a_cookie_of_a_deactivated_account_ends_even_if_it_is_turned_on_again(console) -> None:
    valeria = signed_in(console.url, EXECUTIVE)
    cookies, token = kept_cookies(valeria), valeria.token
    hernan = signed_in(console.url, SUPERVISOR)
    with console.session() as session:
        valeria_id = session.scalars(select(StaffMember.id).where(StaffMember.email == EXECUTIVE)).one()
    assert hernan.post(f"/equipo/{valeria_id}/activa", {"active": "0"}).status_code == 302
    assert hernan.post(f"/equipo/{valeria_id}/activa", {"active": "1"}).status_code == 302
    assert replay(console.url, cookies, token).get("/cola/").status_code == 302
    assert signed_in(console.url, EXECUTIVE).get("/cola/").status_code == 200  # she signs in again


@pytest.mark.attack
def test_an_idle_session_and_an_old_one_end(console, tmp_path) -> None:
    idle = signed_in(console.url, EXECUTIVE)
    busy = signed_in(console.url, EXECUTIVE)
    idle_cookies, busy_cookies = kept_cookies(idle), kept_cookies(busy)
    at_40 = later_console(console, tmp_path, 40)
    try:
        # 40 minutes without a request (idle limit 30): over. The other was used at minute 20 (below).
        assert replay(at_40.url, idle_cookies, "").get("/cola/").status_code == 302
    finally:
        at_40.stop()
    at_20 = later_console(console, tmp_path, 20)
    at_45 = later_console(console, tmp_path, 45)
    at_70 = later_console(console, tmp_path, 70)
    try:
        assert replay(at_20.url, busy_cookies, "").get("/cola/").status_code == 200
        assert replay(at_45.url, busy_cookies, "").get("/cola/").status_code == 200  # 25 minutes idle: not yet
        # 70 minutes after sign-in, used 20 minutes ago: the absolute lifetime (1 hour) ends it.
        assert replay(at_70.url, busy_cookies, "").get("/cola/").status_code == 302
    finally:
        for process in (at_20, at_45, at_70):
            process.stop()


@pytest.mark.attack
def test_the_cookie_is_secure_when_the_console_is_served_over_https(console, tmp_path) -> None:
    env = {**LIMITS, "CONSOLE_PUBLIC_URL": "https://consola.aval.example", "TRACKER_STORE_URL": console.tracker_url,
           **console.tracker_keys}  # fmt: skip
    https = start_console(console.database_url, log_dir=tmp_path / "log-https", extra_env=env)
    try:
        # The sign-in form's session cookie (it holds the CSRF token) already travels only over HTTPS.
        cookie = Staff(https.url).get("/entrar").headers["Set-Cookie"]
        assert cookie.startswith("aval_console=") and "; Secure" in cookie
    finally:
        https.stop()


# -- the sign-in lockout -----------------------------------------------------------------


@pytest.mark.attack
def test_an_outsider_cannot_lock_a_staff_member_out(console) -> None:
    """Anyone who knows Valeria's e-mail can get it wrong from their address: only they wait."""
    outsider = Staff(console.url)
    outsider.get("/entrar", headers=from_address("203.0.113.9"))
    for _ in range(4):
        wrong = outsider.post("/entrar", {"email": EXECUTIVE, "password": "adivino-" + secrets.token_hex(4)},
                              headers=from_address("203.0.113.9"))  # fmt: skip
    assert wrong.status_code == 429
    right_there = outsider.post("/entrar", {"email": EXECUTIVE, "password": PASSWORDS[EXECUTIVE]},
                                headers=from_address("203.0.113.9"))  # fmt: skip
    assert right_there.status_code == 429  # the outsider's address waits, even with the right password
    valeria = Staff(console.url)
    valeria.get("/entrar", headers=from_address("198.51.100.7"))
    response = valeria.post("/entrar", {"email": EXECUTIVE, "password": PASSWORDS[EXECUTIVE]},
                            headers=from_address("198.51.100.7"))  # fmt: skip
    assert response.status_code == 302
    # And she is told her account got wrong passwords meanwhile.
    home = valeria.get(response.headers["Location"].replace(console.url, ""))
    assert "contraseñas equivocadas con tu cuenta" in home.text


@pytest.mark.attack
def test_a_forged_forwarded_address_does_not_escape_the_address_limit(console) -> None:
    """Only the trusted proxy's entry counts: an address the client wrote in X-Forwarded-For is ignored."""
    guesser = Staff(console.url)
    guesser.get("/entrar", headers=from_address("192.0.2.50"))
    statuses = []
    for attempt in range(8):
        forged = f"10.0.{attempt}.1, 192.0.2.50"  # the client's own entry, then the proxy's
        response = guesser.post("/entrar", {"email": f"nadie{attempt}@aval.example", "password": "x" * 12},
                                headers={"X-Forwarded-For": forged})  # fmt: skip
        statuses.append(response.status_code)
    assert statuses[-1] == 429, statuses


@pytest.mark.attack
def test_the_lock_at_one_address_grows_with_each_round(console, tmp_path) -> None:
    address = "203.0.113.77"
    guesser = Staff(console.url)
    guesser.get("/entrar", headers=from_address(address))
    for _ in range(3):
        guesser.post("/entrar", {"email": SUPERVISOR, "password": "no-" + secrets.token_hex(4)},
                     headers=from_address(address))  # fmt: skip
    first = guesser.post("/entrar", {"email": SUPERVISOR, "password": "no"}, headers=from_address(address))
    assert first.status_code == 429 and minutes_to_wait(first.text) in (15, 16)
    at_16 = later_console(console, tmp_path, 16)
    try:
        other = Staff(at_16.url)
        other.get("/entrar", headers=from_address(address))
        for _ in range(3):
            response = other.post("/entrar", {"email": SUPERVISOR, "password": "no-" + secrets.token_hex(4)},
                                  headers=from_address(address))  # fmt: skip
        assert response.status_code == 401
        second = other.post("/entrar", {"email": SUPERVISOR, "password": "no"}, headers=from_address(address))
        assert second.status_code == 429 and minutes_to_wait(second.text) in (30, 31)
    finally:
        at_16.stop()


# -- reused forms --------------------------------------------------------------------------


@pytest.mark.attack
def test_a_reused_reply_nonce_says_already_sent_and_is_audited_once(console) -> None:
    handoff_id, sender_id = handoff(console)
    valeria = signed_in(console.url, EXECUTIVE)
    valeria.post(f"/cola/{handoff_id}/tomar")
    nonce = valeria.nonce(f"/cola/{handoff_id}")
    first = valeria.post(f"/cola/{handoff_id}/responder", {"text": "Hola Laura, ya lo veo.", "nonce": nonce})
    assert "Mensaje enviado." in valeria.get(first.headers["Location"].replace(console.url, "")).text
    again = valeria.post(f"/cola/{handoff_id}/responder", {"text": "Otro texto", "nonce": nonce})
    page = valeria.get(again.headers["Location"].replace(console.url, "")).text
    assert "ya se había enviado" in page and "Mensaje enviado." not in page
    assert [row.text for row in outbox(console, sender_id) if row.kind == "staff_reply"] == ["Hola Laura, ya lo veo."]
    with console.session() as session:
        replies = session.scalars(
            select(StaffAuditEntry).where(
                StaffAuditEntry.action == "handoff_reply", StaffAuditEntry.target == f"handoff:{handoff_id}"
            )
        ).all()
    assert len(replies) == 1


# -- claim news ------------------------------------------------------------------------------


@pytest.mark.attack
def test_news_of_a_claim_aval_loaded_go_to_the_insured_not_to_an_intermediary(console) -> None:
    """Sofía (an accountant) linked Laura's profile by document and chatted last: the news still go to Laura."""
    with console.session(write=True) as session:
        insured_chat = chat_of(session, laura(session), "whatsapp")
        sofia = session.scalars(select(User).where(User.email == "sofia.martinez@estudiomartinez.example")).one()
        claim = session.scalars(select(Claim).where(Claim.number == "SIN-000123")).one()
        client = session.scalars(
            select(ClientProfile).join(Policy, Policy.client_id == ClientProfile.id).where(Policy.id == claim.policy_id)
        ).one()
        assert claim.reported_by_user_id is None
        session.add(UserClientLink(user_id=sofia.id, client_id=client.id, linked_by="manual", created_at=clock.now()))
        sofias_chat = f"telegram:{secrets.randbelow(10**9)}"
        session.add(ChatIdentity(sender_id=sofias_chat, channel="telegram", user_id=sofia.id,
                                 last_used_at=clock.now() + timedelta(minutes=5)))  # fmt: skip
    valeria = signed_in(console.url, EXECUTIVE)
    nonce = valeria.nonce("/denuncias/SIN-000123")
    changed = valeria.post("/denuncias/SIN-000123/estado", {"status": "approved", "note": "", "nonce": nonce})
    assert changed.status_code == 302
    assert [row.kind for row in outbox(console, sofias_chat)] == []
    assert [row.kind for row in outbox(console, insured_chat)] == ["claim_update"]
