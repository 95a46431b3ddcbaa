"""Requests to cancel a policy, as the assistant records them for Aval's executives.

Only the verified user's own policies (through their linked clients) may be
named. Asking again for a policy whose request is still open returns that
request instead of a second one, and each account may open only a few new
requests a day (``CANCELLATION_REQUESTS_PER_DAY``) (a chat cannot flood the executives' queue).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from miaval_api.errors import ApiError
from miaval_api.services import access, accounts, audit, clock
from miaval_api.settings import Settings
from models import CancellationRequest, Policy

OPEN_STATUSES = ("requested", "confirmed")  # an executive still has to act on these
REASONS = ("moved_or_sold", "price", "not_needed", "other")  # why, as the assistant's buttons offer it
WINDOW = timedelta(hours=24)


class TooManyCancellations(ApiError):
    status = 429
    code = "too_many_requests"
    message = "Too many cancellation requests today; an executive will contact the user about the open ones."


@dataclass(frozen=True)
class Recorded:
    """The request, and whether this call created it (False: it was already open)."""

    request: CancellationRequest
    policy: Policy
    created: bool


def request_cancellation(
    session: Session, settings: Settings, sender_id: Optional[str], policy_number: str, reason: Optional[str]
) -> Recorded:
    """Record that the verified user behind ``sender_id`` asks to cancel one of their policies."""
    user = accounts.resolve_user(session, settings, sender_id)
    policy = access.visible_policy(session, user.id, policy_number)
    # Serialise requests for the same policy (PostgreSQL; SQLite's writers already take the lock up front).
    session.execute(select(Policy.id).where(Policy.id == policy.id).with_for_update())
    existing = session.scalars(
        select(CancellationRequest)
        .where(
            CancellationRequest.policy_id == policy.id,
            CancellationRequest.user_id == user.id,
            CancellationRequest.status.in_(OPEN_STATUSES),
        )
        .order_by(CancellationRequest.id)
    ).first()
    if existing is not None:
        if reason and not existing.reason:
            existing.reason = reason
        return Recorded(existing, policy, created=False)
    now = clock.now()
    recent = session.scalar(
        select(func.count())
        .select_from(CancellationRequest)
        .where(CancellationRequest.user_id == user.id, CancellationRequest.created_at > now - WINDOW)
    )
    if (recent or 0) >= settings.cancellation_requests_per_day:
        raise TooManyCancellations(retry_after=int(WINDOW.total_seconds()))
    request = CancellationRequest(
        policy_id=policy.id, user_id=user.id, sender_id=sender_id, reason=reason, status="requested", created_at=now
    )
    session.add(request)
    session.flush()
    audit.record(session, "request_cancellation", user.id, policy.client_id, cancellation_request=request.id)
    return Recorded(request, policy, created=True)
