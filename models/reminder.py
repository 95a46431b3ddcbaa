"""What Aval reminds customers of unasked: instalments due, and which kinds of reminder a supervisor paused.

The reminders themselves are outbox rows (``models.outbound``, kinds ``renewal_reminder``,
``claim_followup`` and ``payment_reminder``) whose key is their natural key, so that a
scheduler run twice, or two schedulers at once, write one row (``miaval_api/services/reminders.py``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

# due: not paid yet (a reminder goes before its due date); paid.
INSTALMENT_STATES = ("due", "paid")


class Instalment(Base):
    """One instalment of a policy's premium, as the portfolio system knows it."""

    __tablename__ = "instalments"
    __table_args__ = (UniqueConstraint("policy_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, ... within the policy's term
    due_date: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    state: Mapped[str] = mapped_column(String(10), default="due")


class ReminderPause(Base):
    """A kind of reminder a supervisor paused: the scheduler writes none of it until it is resumed."""

    __tablename__ = "reminder_pauses"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    paused_by: Mapped[Optional[int]] = mapped_column(Integer)  # the console's staff id
    paused_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
