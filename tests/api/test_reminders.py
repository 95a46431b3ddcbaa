"""The reminder scheduler (miaval_api/services/reminders.py) on a real database (SQLite and PostgreSQL), its clock
set by each test: what is due, when it may go, to whom and through which chat, once."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Iterator
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import select

from miaval_api import demo
from miaval_api.cli import ALEMBIC_INI
from miaval_api.db import Database
from miaval_api.services import reminders
from miaval_api.settings import Settings
from models import (
    ChatIdentity,
    Claim,
    ClaimAttachment,
    ClientProfile,
    Instalment,
    Insurer,
    OutboundMessage,
    Policy,
    Upload,
    User,
    UserClientLink,
)
from models.policy import policy_key
from tests.postgres import create_database, drop_database

BA = ZoneInfo("America/Argentina/Buenos_Aires")
MONDAY = date(2027, 3, 1)  # a working Monday; 2027-03-07 is a Sunday, 2027-03-24 a national holiday


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """An instant in Buenos Aires time."""
    return datetime.combine(day, time(hour, minute), BA)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path: Path) -> Iterator[Database]:
    """A migrated database with the demo portfolio loaded on MONDAY."""
    if request.param == "sqlite":
        url, name = f"sqlite:///{tmp_path / 'reminders.db'}", None
    else:
        name, url = create_database("miaval_reminders")
    config = Config(str(ALEMBIC_INI))
    config.attributes["database_url"] = url
    command.upgrade(config, "head")
    database = Database(Settings(database_url=url).database_url, 4)
    with database.session(write=True) as session:
        demo.load(session, settings(url), today=MONDAY)
    yield database
    database.engine.dispose()
    if name:
        drop_database(name)


def settings(url: str = "sqlite://") -> Settings:
    return Settings(database_url=url, api_token="t", secret_key="k")


class Customer:
    """A verified customer of their own, with a chat, for one test."""

    def __init__(self, db: Database, chats: tuple[str, ...] = ("telegram",), verified: bool = True):
        self.db = db
        tag = uuid.uuid4().hex[:8]
        with db.session(write=True) as session:
            user = User(email=f"cliente-{tag}@example.net", email_verified=verified, role="client")
            client = ClientProfile(kind="person", name="Cliente de prueba", email=user.email)
            session.add_all([user, client])
            session.flush()
            session.add(UserClientLink(user_id=user.id, client_id=client.id, linked_by="auto"))
            self.senders = []
            for index, channel in enumerate(chats):
                address = f"{int(tag, 16)}{index}" if channel == "telegram" else f"+54911{int(tag, 16) % 10**8:08d}"
                sender_id = f"{channel}:{address}"
                session.add(ChatIdentity(sender_id=sender_id, channel=channel, user_id=user.id,
                                         last_used_at=at(MONDAY, 8) - timedelta(days=10 - index)))  # fmt: skip
                self.senders.append(sender_id)
            self.user_id, self.client_id = user.id, client.id
            self.insurer_id = session.scalar(select(Insurer.id).where(Insurer.code == "RPS"))
        self.tag = tag

    def policy(self, ends_in: int, *, line: str = "auto", status: str = "active") -> str:
        number = f"AU-{self.tag[:6]}{ends_in % 100:02d}".upper()
        with self.db.session(write=True) as session:
            session.add(Policy(
                number=number, number_key=policy_key(number), client_id=self.client_id, insurer_id=self.insurer_id,
                line=line, status=status, start_date=MONDAY - timedelta(365 - ends_in),
                end_date=MONDAY + timedelta(ends_in), coverage="Terceros completo", monthly_premium=Decimal("41200"),
                insured_item={"vehicle": {"make": "Toyota", "model": "Etios", "year": 2017, "plate": "AB987CD"}},
            ))  # fmt: skip
        return number

    def instalment(self, number: str, due_in: int, state: str = "due") -> None:
        with self.db.session(write=True) as session:
            policy_id = session.scalar(select(Policy.id).where(Policy.number == number))
            session.add(Instalment(policy_id=policy_id, number=4, due_date=MONDAY + timedelta(due_in),
                                   amount=Decimal("41200.50"), state=state))  # fmt: skip

    def claim(self, number: str, kind: str, reported: datetime, *, with_file: bool = False) -> str:
        with self.db.session(write=True) as session:
            policy_id = session.scalar(select(Policy.id).where(Policy.number == number))
            seq = 500000 + int(self.tag[:4], 16)
            claim = Claim(seq=seq, number=f"SIN-{seq:06d}", policy_id=policy_id, type=kind, status="received",
                          occurred_at=reported - timedelta(hours=5), created_at=reported,
                          reported_by_user_id=self.user_id)  # fmt: skip
            session.add(claim)
            session.flush()
            if with_file:
                upload = Upload(id=uuid.uuid4().hex, user_id=self.user_id, filename="foto.jpg",
                                content_type="image/jpeg", size=3, sha256="0" * 64, content=b"abc")  # fmt: skip
                session.add(upload)
                session.flush()
                session.add(ClaimAttachment(claim_id=claim.id, upload_id=upload.id))
            return claim.number

    def rows(self) -> list[OutboundMessage]:
        with self.db.session() as session:
            query = select(OutboundMessage).where(OutboundMessage.user_id == self.user_id).order_by(OutboundMessage.id)
            return list(session.scalars(query))

    def set(self, **values) -> None:
        with self.db.session(write=True) as session:
            user = session.get(User, self.user_id)
            for name, value in values.items():
                setattr(user, name, value)


def run(db: Database, now: datetime) -> reminders.Scheduled:
    return reminders.schedule(db, settings(), now)


def test_a_renewal_30_15_and_3_days_before_each_once_with_its_buttons(db):
    customer = Customer(db)
    number = customer.policy(ends_in=30)
    run(db, at(MONDAY))
    run(db, at(MONDAY, 15))  # a later run the same day writes nothing again
    run(db, at(MONDAY + timedelta(1)))  # 29 days left: still the 30-day milestone, already sent
    [renewal] = customer.rows()
    assert (renewal.kind, renewal.subject, renewal.status) == ("renewal_reminder", number, "pending")
    assert renewal.sender_id == customer.senders[0]
    expiry = (MONDAY + timedelta(30)).strftime("%d/%m/%Y")
    item = "Toyota Etios 2017 (AB987CD)"
    assert f"tu póliza {number} de Río de la Plata Seguros ({item}) vence el {expiry}" in renewal.text
    assert [button["title"] for button in renewal.buttons] == [
        "Quiero renovar", "Quiero cambiar algo", "Hablar con un ejecutivo"]  # fmt: skip
    payloads = [button["payload"] for button in renewal.buttons]
    assert json.loads(payloads[0].removeprefix("/reminder_reply")) == {"choice": "renew", "policy_number": number}
    assert all(len(payload.encode()) <= 64 for payload in payloads)  # Telegram's callback_data
    run(db, at(MONDAY + timedelta(15)))
    run(db, at(MONDAY + timedelta(27)))  # 3 days left, but a Sunday: it waits
    run(db, at(MONDAY + timedelta(28)))
    run(db, at(MONDAY + timedelta(29)))
    assert [row.reminder_day for row in customer.rows()] == [MONDAY, MONDAY + timedelta(15), MONDAY + timedelta(28)]
    assert len({row.key for row in customer.rows()}) == 3
    run(db, at(MONDAY + timedelta(31)))  # expired: nothing more
    assert len(customer.rows()) == 3


def test_a_milestone_missed_on_a_quiet_day_goes_on_the_next_allowed_one_and_only_the_latest(db):
    customer = Customer(db)
    customer.policy(ends_in=17)  # the 30-day milestone was never sent (the scheduler did not run)
    run(db, at(MONDAY))
    run(db, at(MONDAY + timedelta(2)))  # 15 days left: the 15-day one
    assert [row.key.split(":")[3] for row in customer.rows()] == ["30", "15"]
    late = Customer(db)
    late.policy(ends_in=10)
    run(db, at(MONDAY))
    assert [row.key.split(":")[3] for row in late.rows()] == ["15"]


def test_a_claim_without_its_file_is_followed_up_after_2_and_5_days(db):
    thief, crash, complete = Customer(db), Customer(db), Customer(db)
    theft = thief.claim(thief.policy(ends_in=200), "theft", at(MONDAY - timedelta(2), 18))
    collision = crash.claim(crash.policy(ends_in=200), "collision", at(MONDAY - timedelta(2), 11))
    complete.claim(complete.policy(ends_in=200), "collision", at(MONDAY - timedelta(2), 11), with_file=True)
    run(db, at(MONDAY, 9))
    [police] = thief.rows()
    assert police.kind == "claim_followup" and police.subject == theft
    assert "le falta la denuncia policial" in police.text and theft in police.text
    assert json.loads(police.buttons[0]["payload"].removeprefix("/add_claim_photos")) == {"claim_number": theft}
    [photos] = crash.rows()
    assert "le faltan las fotos de los daños" in photos.text and collision in photos.text
    assert complete.rows() == []  # it has its file
    run(db, at(MONDAY + timedelta(1)))
    run(db, at(MONDAY + timedelta(3)))
    assert len(thief.rows()) == 2 and thief.rows()[1].key.split(":")[2] == "5"
    run(db, at(MONDAY + timedelta(20)))
    assert len(thief.rows()) == 2


def test_an_instalment_due_in_3_days_says_how_much_when_and_to_whom_it_is_paid(db):
    customer = Customer(db)
    number = customer.policy(ends_in=200)
    customer.instalment(number, due_in=3)
    run(db, at(MONDAY - timedelta(1)))  # a Sunday: nothing
    assert customer.rows() == []
    run(db, at(MONDAY))
    [payment] = customer.rows()
    assert payment.kind == "payment_reminder"
    due = (MONDAY + timedelta(3)).strftime("%d/%m/%Y")
    assert f"la cuota 4 de tu póliza {number}" in payment.text
    assert f"de $ 41.200,50, vence el {due}" in payment.text
    assert "Se le paga a Río de la Plata Seguros" in payment.text
    assert "http" not in payment.text  # no invented payment links
    paid = Customer(db)
    paid.instalment(paid.policy(ends_in=200), due_in=3, state="paid")
    run(db, at(MONDAY, 11))
    assert paid.rows() == []


@pytest.mark.parametrize(
    ("when", "why"),
    [
        (at(MONDAY, 8, 59), "before 9"),
        (at(MONDAY, 21, 0), "from 21"),
        (at(MONDAY + timedelta(6), 12), "a Sunday"),
        (at(date(2027, 3, 24), 12), "a national holiday"),
    ],
)
def test_nothing_is_written_in_quiet_hours_and_it_waits_for_the_next_allowed_run(db, when, why):
    customer = Customer(db)
    customer.policy(ends_in=30)  # expires on 2027-03-31
    result = run(db, when)
    assert result.quiet and customer.rows() == [], why
    run(db, at(date(2027, 3, 25) if when.date() == date(2027, 3, 24) else MONDAY + timedelta(8)))
    if when.date() == date(2027, 3, 24):  # Maundy Thursday is a holiday too; Saturday the 27th is not
        assert customer.rows() == []
        run(db, at(date(2027, 3, 27), 9))
    assert len(customer.rows()) == 1


def test_at_most_one_reminder_a_day_the_most_urgent_first(db):
    customer = Customer(db)
    renewal = customer.policy(ends_in=14)
    other = customer.policy(ends_in=200)
    customer.instalment(other, due_in=2)
    run(db, at(MONDAY))
    [first] = customer.rows()
    assert (first.kind, first.subject) == ("payment_reminder", other)  # due in 2 days, before the expiry in 14
    run(db, at(MONDAY, 20, 59))
    assert len(customer.rows()) == 1
    run(db, at(MONDAY + timedelta(1), 9))
    assert [(row.kind, row.subject) for row in customer.rows()][1] == ("renewal_reminder", renewal)


def test_a_claim_update_that_day_counts_as_its_one_message(db):
    customer = Customer(db)
    customer.policy(ends_in=30)
    with db.session(write=True) as session:
        session.add(OutboundMessage(key=uuid.uuid4().hex, sender_id=customer.senders[0], user_id=customer.user_id,
                                    kind="claim_update", text="Tu siniestro pasó a «en análisis».",
                                    created_at=at(MONDAY, 9, 30)))  # fmt: skip
    run(db, at(MONDAY, 10))
    assert [row.kind for row in customer.rows()] == ["claim_update"]


def test_no_reminder_for_a_customer_who_stopped_news_or_is_not_verified(db):
    stopped, unverified = Customer(db), Customer(db, verified=False)
    stopped.set(news_opt_out=True)
    stopped.policy(ends_in=3)
    unverified.policy(ends_in=3)
    result = run(db, at(MONDAY))
    assert stopped.rows() == [] and unverified.rows() == []
    assert result.skipped.get("opted_out", 0) >= 1


def test_a_paused_kind_is_not_written_until_resumed(db):
    customer = Customer(db)
    customer.policy(ends_in=3)
    with db.session(write=True) as session:
        reminders.pause(session, "renewal_reminder", staff_id=1)
    run(db, at(MONDAY))
    assert customer.rows() == []
    with db.session(write=True) as session:
        reminders.resume(session, "renewal_reminder")
    run(db, at(MONDAY, 11))
    assert [row.kind for row in customer.rows()] == ["renewal_reminder"]


def test_the_most_recently_used_chat_or_the_email_without_one(db):
    two_chats = Customer(db, chats=("telegram", "whatsapp"))  # WhatsApp used last
    two_chats.policy(ends_in=3)
    no_chat = Customer(db, chats=())
    no_chat.policy(ends_in=3)
    run(db, at(MONDAY))
    assert two_chats.rows()[0].sender_id == two_chats.senders[1]
    assert no_chat.rows()[0].sender_id == f"email:{no_chat.user_id}"


def test_two_schedulers_at_once_write_each_reminder_once(db):
    customers = [Customer(db) for _ in range(6)]
    for index, customer in enumerate(customers):
        customer.policy(ends_in=3 + index)
        customer.instalment(customer.policy(ends_in=150), due_in=1)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def scheduler() -> None:
        try:
            start.wait()
            run(db, at(MONDAY))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert [len(customer.rows()) for customer in customers] == [1] * 6  # one a day each, never two
    assert all(customer.rows()[0].kind == "payment_reminder" for customer in customers)


def test_the_demo_portfolio_has_instalments_and_the_api_lists_them(api, laura_session):
    answer = api.get("/v1/me/policies/AU-1048576/instalments", laura_session["sender"])
    assert answer.status_code == 200
    body = answer.json()
    assert body["policy_number"] == "AU-1048576"
    assert [(item["number"], item["state"]) for item in body["instalments"]] == [(7, "paid"), (8, "due"), (9, "due")]
    assert all(item["amount"] == 58900.0 for item in body["instalments"])
    other = api.get("/v1/me/policies/COM-440021/instalments", laura_session["sender"])
    assert other.status_code == 404  # not one of her clients'
