"""Requests to talk to a person, and when to expect the contact."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from miaval_api.services import accounts, clock
from miaval_api.settings import Settings
from models import HandoffRequest

OPENING_HOUR, CLOSING_HOUR = 9, 18  # Aval's desk, Monday to Friday, Argentine time


def expected_contact(local: datetime) -> str:
    """``within_2_hours`` during office hours, ``next_business_day`` outside them."""
    if local.weekday() < 5 and OPENING_HOUR <= local.hour < CLOSING_HOUR - 2:
        return "within_2_hours"
    return "next_business_day"


def create(
    session: Session, settings: Settings, sender_id: str, reason: str, context: dict[str, Any]
) -> HandoffRequest:
    """Record a request for a person; the identity need not be verified."""
    accounts.check_sender_id(sender_id)
    user = accounts.find_user(session, settings, sender_id)
    now = clock.now()
    request = HandoffRequest(
        sender_id=sender_id,
        user_id=user.id if user else None,
        reason=reason,
        context=context,
        expected_contact=expected_contact(now.astimezone(clock.local_zone(settings))),
        status="open",
        created_at=now,
    )
    session.add(request)
    session.flush()
    return request
