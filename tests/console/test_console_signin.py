"""Signing in: right and wrong passwords, CSRF refusal, cookie flags, attempts limited per account and address,
sign-out, and the command that creates the first supervisor."""

from __future__ import annotations

import subprocess

import pytest
import requests
from sqlalchemy import select

from launcher.paths import APP_BIN, ROOT
from launcher.services import service_env
from models import StaffAuditEntry, StaffMember
from tests.console.stack import EXECUTIVE, PASSWORDS, PRODUCER, Staff, console_stack, signed_in

LIMITS = {"CONSOLE_MAX_FAILURES_PER_ACCOUNT": "3", "CONSOLE_MAX_FAILURES_PER_ADDRESS": "7"}


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    """A console with small limits, so that the limits are reached in a few tries."""
    yield from console_stack(tmp_path_factory.mktemp("console-limits"), "sqlite", LIMITS)


def test_an_executive_signs_in_to_the_queue_and_a_producer_to_the_reports(limited) -> None:
    executive = Staff(limited.url)
    response = executive.sign_in(EXECUTIVE)
    assert response.status_code == 302 and response.headers["Location"].endswith("/cola/")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert executive.get("/cola/").status_code == 200
    producer = Staff(limited.url)
    assert producer.sign_in(PRODUCER).headers["Location"].endswith("/reportes/")


def test_pages_need_a_signed_in_staff_member(limited) -> None:
    for path in ("/cola/", "/denuncias/", "/bajas/", "/reportes/", "/equipo/", "/cola/tareas", "/equipo/auditoria"):
        response = requests.get(limited.url + path, allow_redirects=False, timeout=10)
        assert response.status_code == 302 and response.headers["Location"].endswith("/entrar"), path


def test_a_form_without_its_csrf_token_is_refused(limited) -> None:
    staff = Staff(limited.url)
    staff.get("/entrar")
    response = staff.post("/entrar", {"email": EXECUTIVE, "password": PASSWORDS[EXECUTIVE]}, csrf=False)
    assert response.status_code == 400
    assert staff.get("/cola/").status_code == 302  # not signed in
    signed = signed_in(limited.url, EXECUTIVE)
    forged = signed.post("/salir", {"csrf_token": "forged"}, csrf=False)
    assert forged.status_code == 400 and signed.get("/cola/").status_code == 200


def test_signing_out_ends_the_session(limited) -> None:
    staff = signed_in(limited.url, EXECUTIVE)
    assert staff.post("/salir").status_code == 302
    assert staff.get("/cola/").status_code == 302


def test_wrong_passwords_are_limited_per_account_and_per_address(limited) -> None:
    staff = Staff(limited.url)
    unknown = staff.post("/entrar", {"email": "nadie@aval.example", "password": "x" * 12})
    wrong = staff.post("/entrar", {"email": EXECUTIVE, "password": "not-her-password"})
    assert unknown.status_code == wrong.status_code == 401
    assert "El e-mail o la contraseña no son correctos." in wrong.text
    for _ in range(2):
        assert staff.post("/entrar", {"email": EXECUTIVE, "password": "not-her-password"}).status_code == 401
    # Three wrong passwords for the account: now even the right one waits.
    locked = staff.post("/entrar", {"email": EXECUTIVE, "password": PASSWORDS[EXECUTIVE]})
    assert locked.status_code == 429 and "demasiados intentos" in locked.text.lower()
    # Another account from the same address still may (4 failures counted against the address so far)...
    assert Staff(limited.url).sign_in(PRODUCER).status_code == 302
    for _ in range(3):
        staff.post("/entrar", {"email": f"otro{_}@aval.example", "password": "x" * 12})
    # ...until the address reaches its own limit (7).
    assert Staff(limited.url).sign_in(PRODUCER).status_code == 429
    with limited.session() as session:
        failed = session.scalars(select(StaffAuditEntry).where(StaffAuditEntry.action == "sign_in_failed")).all()
    assert len(failed) >= 7


def test_create_supervisor_makes_an_account_that_signs_in(tmp_path) -> None:
    for stack in console_stack(tmp_path, "sqlite"):
        env = service_env("console", {"DATABASE_URL": stack.database_url})
        command = [str(APP_BIN / "python"), "-m", "console", "create-supervisor", "--name", "Ana Pérez",
                   "--email", "Ana.Perez@aval.example", "--password-stdin"]  # fmt: skip
        short = subprocess.run(command, cwd=ROOT, env=env, input="corta\n", text=True, capture_output=True)
        assert short.returncode == 1
        done = subprocess.run(
            command, cwd=ROOT, env=env, input="una-clave-bien-larga\n", text=True, capture_output=True
        )
        assert done.returncode == 0, done.stderr
        with stack.session() as session:
            member = session.scalars(select(StaffMember).where(StaffMember.email == "ana.perez@aval.example")).one()
            assert member.role == "supervisor" and member.password_hash.startswith("$argon2id$")
        ana = Staff(stack.url)
        assert ana.sign_in("ana.perez@aval.example", "una-clave-bien-larga").status_code == 302
        assert ana.get("/equipo/").status_code == 200
