"""Recordatorios: staff see each reminder with its state; only supervisors pause and resume a kind, and a paused
kind is not written by the scheduler (real console over HTTP, SQLite and PostgreSQL)."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from sqlalchemy import select

from miaval_api.services import reminders
from miaval_api.settings import Settings
from models import Instalment, OutboundMessage, Policy, ReminderPause, StaffAuditEntry, User
from tests.channels.test_webchat import browser  # noqa: F401 - fixture
from tests.channels.test_webchat_a11y import violations
from tests.console.stack import EXECUTIVE, PRODUCER, SUPERVISOR, signed_in
from tests.console.test_console_browser import sign_in

TUESDAY_MORNING = datetime(2031, 3, 4, 10, 0, tzinfo=ZoneInfo("America/Argentina/Buenos_Aires"))


def test_staff_see_each_reminder_and_its_state_producers_do_not(console) -> None:
    subject = f"AU-{secrets.token_hex(3).upper()}"
    with console.session(write=True) as session:
        laura = session.scalars(select(User).where(User.email == "laura.gomez@example.com")).one()
        session.add(OutboundMessage(
            key=secrets.token_hex(8), sender_id="telegram:4242", user_id=laura.id, kind="renewal_reminder",
            text="Tu póliza vence pronto.", subject=subject, status="failed", last_error="telegram refused: Forbidden",
            created_at=datetime(2031, 2, 3, 10, 0, tzinfo=ZoneInfo("America/Argentina/Buenos_Aires")),
        ))  # fmt: skip
    page = signed_in(console.url, EXECUTIVE).get("/recordatorios/")
    assert page.status_code == 200
    row = page.text[page.text.index(subject) :].split("</tr>")[0]
    assert "laura.gomez@example.com" in row and "Telegram" in row and "No se pudo enviar" in row
    assert "Pausar" not in page.text  # an executive sees, a supervisor pauses
    assert signed_in(console.url, PRODUCER).get("/recordatorios/").status_code == 403


def test_only_a_supervisor_pauses_a_kind_and_the_scheduler_respects_it(console) -> None:
    executive, supervisor = signed_in(console.url, EXECUTIVE), signed_in(console.url, SUPERVISOR)
    assert executive.post("/recordatorios/payment_reminder/pausa").status_code == 403
    assert supervisor.post("/recordatorios/nada/pausa").status_code == 404
    with console.session() as session:
        assert session.get(ReminderPause, "payment_reminder") is None
    assert supervisor.post("/recordatorios/payment_reminder/pausa").status_code in (200, 302)
    with console.session() as session:
        assert session.get(ReminderPause, "payment_reminder") is not None
        actions = session.scalars(select(StaffAuditEntry.action).where(StaffAuditEntry.target == "payment_reminder"))
        assert "reminder_pause" in list(actions)
    assert "Reanudar · Cuotas por vencer" in supervisor.get("/recordatorios/").text
    with console.session(write=True) as session:  # Laura's instalment due in 2 days: a reminder unless paused
        policy_id = session.scalars(select(Policy.id).where(Policy.number == "HOG-778899")).one()
        session.add(Instalment(policy_id=policy_id, number=90, due_date=date(2031, 3, 6), amount=Decimal("21400"),
                               state="due"))  # fmt: skip
    settings = Settings(database_url=console.database_url)
    paused = reminders.schedule(console.database, settings, TUESDAY_MORNING)
    assert "payment_reminder" not in paused.written and paused.skipped.get("paused", 0) >= 1
    assert supervisor.post("/recordatorios/payment_reminder/reanudar").status_code in (200, 302)
    with console.session() as session:
        assert session.get(ReminderPause, "payment_reminder") is None
    resumed = reminders.schedule(console.database, settings, TUESDAY_MORNING)
    assert resumed.written.get("payment_reminder") == 1


def test_a_supervisor_pauses_renewals_in_the_browser_and_the_page_meets_wcag(
    browser, sqlite_console  # noqa: F811
) -> None:
    with sqlite_console.session(write=True) as session:
        laura = session.scalars(select(User).where(User.email == "laura.gomez@example.com")).one()
        session.add(OutboundMessage(
            key=secrets.token_hex(8), sender_id="whatsapp:+5491155550101", user_id=laura.id, kind="payment_reminder",
            text="La cuota vence pronto.", subject="HOG-778899", status="delivered", created_at=TUESDAY_MORNING,
        ))  # fmt: skip
    page = sign_in(browser, sqlite_console.url, SUPERVISOR)
    page.get_by_role("link", name="Recordatorios").click()
    expect(page.get_by_role("cell", name="HOG-778899").first).to_be_visible()
    assert violations(page) == []
    page.get_by_role("button", name="Pausar · Renovaciones").click()
    expect(page.get_by_role("button", name="Reanudar · Renovaciones")).to_be_visible()
    assert violations(page) == []
    with sqlite_console.session() as session:
        assert session.get(ReminderPause, "renewal_reminder") is not None
    page.get_by_role("button", name="Reanudar · Renovaciones").click()
    expect(page.get_by_role("button", name="Pausar · Renovaciones")).to_be_visible()
    page.context.close()
