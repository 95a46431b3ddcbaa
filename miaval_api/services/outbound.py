"""The outbox of messages Aval sends unasked (``models.OutboundMessage``): written by the staff console,
delivered by the channel gateway."""

from __future__ import annotations

from typing import Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from miaval_api.services import clock
from models import OutboundMessage
from models.outbound import KINDS


def queued(session: Session, key: str) -> bool:
    """Whether a message with this ``key`` is already in the outbox (a form sent twice)."""
    return session.execute(select(OutboundMessage.id).where(OutboundMessage.key == key)).first() is not None


def enqueue(
    session: Session,
    *,
    key: str,
    sender_id: str,
    kind: str,
    text: str,
    user_id: Optional[int] = None,
    staff_id: Optional[int] = None,
    staff_name: Optional[str] = None,
) -> OutboundMessage:
    """Queue one message for ``sender_id``; the same ``key`` again returns the first row (a retried click
    is one message). The caller commits."""
    if kind not in KINDS:
        raise ValueError(f"unknown outbound kind {kind!r}")
    existing = session.execute(select(OutboundMessage).where(OutboundMessage.key == key)).scalar_one_or_none()
    if existing is not None:
        return existing
    message = OutboundMessage(
        key=key,
        sender_id=sender_id,
        user_id=user_id,
        kind=kind,
        text=text,
        staff_id=staff_id,
        staff_name=staff_name,
        status="pending",
        attempts=0,
        created_at=clock.now(),
    )
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:  # a concurrent retry of the same click won the race
        return session.execute(select(OutboundMessage).where(OutboundMessage.key == key)).scalar_one()
    return message

