"""Requests to talk to a person, and when to expect the contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Optional

from sqlalchemy.orm import Session

from miaval_api.services import accounts, clock, office_hours
from miaval_api.settings import Settings
from models import HandoffRequest


@dataclass(frozen=True)
class Expectation:
    """When the customer will be answered: within the desk's answer time, or from the next opening (local time)."""

    expected_contact: str  # within_answer_time | next_business_day
    office_open: bool
    answer_from: Optional[datetime]  # local; None when answered within the answer time
    answer_in_days: Optional[int]  # local days from today to answer_from (0 today, 1 tomorrow)
    answer_within_minutes: int  # Aval's answer time while open (broker.office_hours.answer_within_minutes)


def expectation(when: datetime) -> Expectation:
    """What to tell a customer who asks for a person at ``when``, by Aval's office hours."""
    hours = office_hours.from_portfolio()
    minutes = int(hours.answer_within.total_seconds() // 60)
    is_open = hours.is_open(when)
    if is_open and hours.is_open(when + hours.answer_within):
        return Expectation("within_answer_time", True, None, None, minutes)
    local = when.astimezone(hours.zone)
    opening = hours.next_opening(local)
    return Expectation("next_business_day", is_open, opening, (opening.date() - local.date()).days, minutes)


def create(
    session: Session, settings: Settings, sender_id: str, reason: str, context: dict[str, Any]
) -> tuple[HandoffRequest, Expectation]:
    """Record a request for a person (it waits, open, for the console); the identity need not be verified."""
    accounts.check_sender_id(sender_id)
    user = accounts.find_user(session, settings, sender_id)
    now = clock.now()
    expected = expectation(now)
    request = HandoffRequest(
        sender_id=sender_id,
        user_id=user.id if user else None,
        reason=reason,
        context=context,
        expected_contact=expected.expected_contact,
        status="open",
        created_at=now,
    )
    session.add(request)
    session.flush()
    return request, expected
