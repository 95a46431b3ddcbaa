"""Webhook deliveries already handled, so that a channel's retries are dropped."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, UTCDateTime, utcnow


class ProcessedDelivery(Base):
    """One delivery (a Telegram update_id, a Twilio MessageSid...) seen on one channel."""

    __tablename__ = "processed_deliveries"
    __table_args__ = (UniqueConstraint("channel", "delivery_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    delivery_id: Mapped[str] = mapped_column(String(200))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def mark_delivery_seen(session: Session, channel: str, delivery_id: str) -> bool:
    """Record a delivery; True the first time, False for a retry. Safe under concurrent retries.

    The caller commits. The insert runs in a savepoint so that a duplicate does
    not spoil the caller's transaction.
    """
    try:
        with session.begin_nested():
            session.execute(
                insert(ProcessedDelivery).values(channel=channel, delivery_id=delivery_id, seen_at=utcnow())
            )
    except IntegrityError:
        return False
    return True


def delivery_seen(session: Session, channel: str, delivery_id: str) -> bool:
    """Whether this delivery was already recorded."""
    query = select(ProcessedDelivery.id).where(
        ProcessedDelivery.channel == channel, ProcessedDelivery.delivery_id == delivery_id
    )
    return session.execute(query).first() is not None
