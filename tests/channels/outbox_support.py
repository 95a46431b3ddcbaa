"""Helpers of the courier tests: write outbox rows as the console does, read them back, read Rasa's tracker."""

from __future__ import annotations

import email
import secrets
from datetime import datetime, timedelta, timezone
from email import policy
from pathlib import Path
from typing import Any, Callable, Optional

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from channels.courier import Courier
from channels.settings import Settings
from conversation_store import rows
from conversation_store.sealing import Sealer, row_key
from miaval_api.services.outbound import enqueue
from models import OutboundMessage, User
from tests.channels.conftest import TELEGRAM_TOKEN, TWILIO_SID, WHATSAPP_FROM

TEMPLATE_SID = "HX" + "0123456789abcdef" * 2


def add_row(database_url: str, sender_id: str, kind: str, text: str, **extra: Any) -> int:
    """One outbox row through ``miaval_api.services.outbound.enqueue`` (what the console calls); its id."""
    engine = create_engine(database_url)
    with Session(engine) as session:
        row = enqueue(session, key=secrets.token_hex(12), sender_id=sender_id, kind=kind, text=text, **extra)
        session.commit()
        row_id = row.id
    engine.dispose()
    return row_id


def row(database_url: str, row_id: int) -> OutboundMessage:
    engine = create_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        found = session.get(OutboundMessage, row_id)
    engine.dispose()
    assert found is not None
    return found


def new_user(database_url: str, *, opted_out: bool = False, verified: bool = True) -> tuple[int, str]:
    """A customer account (id, e-mail) as the verification flow leaves it."""
    email = f"cliente-{secrets.token_hex(5)}@example.com"
    engine = create_engine(database_url)
    with Session(engine) as session:
        user = User(email=email, name="Cliente de prueba", email_verified=verified, news_opt_out=opted_out)
        session.add(user)
        session.commit()
        user_id = user.id
    engine.dispose()
    return user_id, email


def courier_settings(stack, fake_twilio, fake_telegram, **overrides: str) -> Settings:
    """The courier's settings pointed at the stack and the fake channels (what the launcher gives it)."""
    environ = {
        "RASA_URL": stack.rasa_url,
        "RASA_CHANNEL_SECRET": stack.hops.rasa_channel_secret,
        "MIAVAL_API_URL": stack.api_url,
        "MIAVAL_API_TOKEN": stack.api_token,
        "DATABASE_URL": stack.database_url,
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_AUTH_TOKEN": fake_twilio.auth_token,
        "TWILIO_WHATSAPP_FROM": WHATSAPP_FROM,
        "TWILIO_API_BASE_URL": fake_twilio.url,
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_BASE_URL": fake_telegram.url + "/bot",
        "TELEGRAM_BASE_FILE_URL": fake_telegram.url + "/file/bot",
        **overrides,
    }
    return Settings.from_env(environ)


class MovableClock:
    """The courier's clock, moved by the test instead of sleeping."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(timezone.utc) + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


def make_courier(stack, fake_twilio, fake_telegram, clock: Optional[Callable[[], datetime]] = None,
                 **overrides: str) -> Courier:  # fmt: skip
    settings = courier_settings(stack, fake_twilio, fake_telegram, **overrides)
    return Courier(settings, clock=clock) if clock else Courier(settings)


def tracker_events(stack, sender_id: str) -> list[dict[str, Any]]:
    """The conversation's events as Rasa stored them (unsealed with the store's keys), oldest first."""
    env = stack.tracker_env
    sealer = Sealer(env["TRACKER_ENCRYPTION_KEYS"].split(","))
    engine = create_engine(env["TRACKER_STORE_URL"])
    key = row_key(env["TRACKER_SENDER_KEY"], sender_id)
    with engine.connect() as connection:
        stored = connection.execute(
            select(rows.events.c.data).where(rows.events.c.sender_id == key).order_by(rows.events.c.id)
        ).scalars().all()
    engine.dispose()
    return [sealer.unseal(data) for data in stored]


def news_mails(outbox_dir: Path, address: str) -> list[str]:
    """The bodies of the news e-mails to ``address`` in the API's e-mail outbox folder."""
    bodies = []
    for path in sorted(Path(outbox_dir).glob("*-news-*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if address.lower() in str(message["To"]).lower():
            bodies.append(message.get_body(("plain",)).get_content())
    return bodies
