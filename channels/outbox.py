"""The courier's side of the outbox (``models.OutboundMessage``): claim a row, record how its delivery went.

A row is claimed by one atomic ``UPDATE ... WHERE status = 'pending' AND
available_at <= now``: whichever courier's update changes the row has it (on
SQLite and on PostgreSQL alike, with any number of couriers), and keeps it
until its lease runs out. A conversation's messages go in the order they were
written: a row waits while an older one for the same sender is still pending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.engine import Engine, Row
from sqlalchemy.orm import Session, aliased

from channels.replies import Button
from models import OutboundMessage, User


@dataclass(frozen=True)
class Claimed:
    """A row this courier holds until ``lease_until``: what it needs to deliver it."""

    id: int
    sender_id: str
    kind: str
    text: str
    user_id: Optional[int]
    staff_name: Optional[str]
    attempts: int
    created_at: datetime
    sent_at: Optional[datetime]
    emailed_at: Optional[datetime]
    buttons: tuple[Button, ...] = ()


def _due(now: datetime):
    older = aliased(OutboundMessage)
    blocked = exists().where(
        older.sender_id == OutboundMessage.sender_id, older.status == "pending", older.id < OutboundMessage.id
    )
    return and_(
        OutboundMessage.status == "pending",
        or_(OutboundMessage.available_at.is_(None), OutboundMessage.available_at <= now),
        ~blocked,
    )


def buttons_of(stored: Optional[list[dict[str, str]]]) -> tuple[Button, ...]:
    """A row's buttons (a reminder's), as the channels render them."""
    return tuple(Button(item["title"], item["payload"]) for item in stored or ())


def shown_in_webchat(engine: Engine, sender_id: str, after: int, limit: int = 50) -> list[Row]:
    """``(id, text, kind, staff_name, buttons)`` of the messages for this web chat sent after row ``after``, oldest
    first."""
    with Session(engine) as session:
        rows = session.execute(
            select(
                OutboundMessage.id, OutboundMessage.text, OutboundMessage.kind, OutboundMessage.staff_name,
                OutboundMessage.buttons,
            )  # fmt: skip
            .where(
                OutboundMessage.sender_id == sender_id,
                OutboundMessage.id > after,
                OutboundMessage.sent_at.is_not(None),
                OutboundMessage.status.in_(("pending", "delivered")),
            )
            .order_by(OutboundMessage.id)
            .limit(limit)
        )
        return list(rows)


def offered_in_outbox(engine: Engine, sender_id: str, payload: str, recent: int = 20) -> bool:
    """Whether one of the last ``recent`` messages Aval sent this chat (a reminder) had a button with exactly this
    payload: the gateway then lets it reach Rasa as an intent (channels/assistant.py)."""
    with Session(engine) as session:
        stored = session.scalars(
            select(OutboundMessage.buttons)
            .where(
                OutboundMessage.sender_id == sender_id,
                OutboundMessage.buttons.is_not(None),
                OutboundMessage.sent_at.is_not(None),
            )
            .order_by(OutboundMessage.id.desc())
            .limit(recent)
        )
        return any(button.get("payload") == payload for buttons in stored for button in buttons or [])


class Outbox:
    """Claims and settles outbox rows in the product database."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def claim_next(self, now: datetime, lease: timedelta, batch: int = 20) -> Optional[Claimed]:
        """The oldest due row, now leased to this caller (its attempt counted); None when nothing is due."""
        with Session(self.engine) as session:
            candidates = session.execute(
                select(OutboundMessage.id).where(_due(now)).order_by(OutboundMessage.id).limit(batch)
            ).scalars().all()
            for row_id in candidates:
                won = session.execute(
                    update(OutboundMessage)
                    .where(OutboundMessage.id == row_id, _due(now))
                    .values(available_at=now + lease, attempts=OutboundMessage.attempts + 1)
                    .execution_options(synchronize_session=False)
                ).rowcount
                session.commit()
                if won == 1:
                    row = session.get(OutboundMessage, row_id, populate_existing=True)
                    assert row is not None
                    return Claimed(
                        id=row.id, sender_id=row.sender_id, kind=row.kind, text=row.text, user_id=row.user_id,
                        staff_name=row.staff_name, attempts=row.attempts, created_at=row.created_at,
                        sent_at=row.sent_at, emailed_at=row.emailed_at,
                        buttons=buttons_of(row.buttons),
                    )  # fmt: skip
        return None

    def wake(self, sender_id: str, now: datetime, lease: timedelta) -> int:
        """The customer wrote (a WhatsApp window opened): their waiting rows are due now; how many.

        Only rows waiting longer than a lease are touched: a row a courier holds right now is left to it.
        """
        with Session(self.engine) as session:
            woken = session.execute(
                update(OutboundMessage)
                .where(
                    OutboundMessage.sender_id == sender_id,
                    OutboundMessage.status == "pending",
                    OutboundMessage.available_at > now + lease,
                )
                .values(available_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
            session.commit()
        return woken

    def user(self, user_id: Optional[int]) -> Optional[User]:
        """The customer's account (opt-out, verified e-mail), if the row names one."""
        if user_id is None:
            return None
        with Session(self.engine, expire_on_commit=False) as session:
            return session.get(User, user_id)

    def _set(self, row_id: int, **values) -> None:
        with Session(self.engine) as session:
            session.execute(
                update(OutboundMessage)
                .where(OutboundMessage.id == row_id)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            session.commit()

    def sent(self, row_id: int, via: str, now: datetime) -> None:
        """The channel accepted the text: a retry only finishes the conversation's part."""
        self._set(row_id, sent_at=now, delivered_via=via)

    def delivered(self, row_id: int, now: datetime) -> None:
        """All done."""
        self._set(row_id, status="delivered", delivered_at=now, available_at=None, last_error=None)

    def opted_out(self, row_id: int) -> None:
        """The customer stopped news: nothing was sent."""
        self._set(row_id, status="opted_out", available_at=None)

    def retry_at(self, row_id: int, when: datetime, error: str) -> None:
        """Try again at ``when`` (back-off)."""
        self._set(row_id, available_at=when, last_error=error[:200])

    def wait_until(self, row_id: int, when: datetime, reason: str) -> None:
        """Not a failure (WhatsApp waits for the customer to write): look again at ``when``, no attempt spent."""
        self._set(row_id, available_at=when, last_error=reason[:200], attempts=OutboundMessage.attempts - 1)

    def failed(self, row_id: int, error: str) -> None:
        """Given up: the console shows it as not delivered."""
        self._set(row_id, status="failed", available_at=None, last_error=error[:200])
