"""Failures counted against limits, keyed by keyed hashes: wrong codes per address, failed links per chat,
account and document.

A key is an HMAC under the server secret, so the table never holds an e-mail
address, a chat identity or a document number in clear.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from miaval_api.services import clock
from miaval_api.settings import Settings
from models import FailedAttempt, LockoutNotice


def key(settings: Settings, kind: str, value: str) -> str:
    """The keyed hash that stands for ``value`` in the counters of ``kind``."""
    return hmac.new(settings.secret, f"{kind}\x1f{value}".encode(), hashlib.sha256).hexdigest()


def record_failure(session: Session, settings: Settings, kind: str, value: str) -> None:
    """Count one failure against ``value``."""
    session.add(FailedAttempt(kind=kind, key_hmac=key(settings, kind, value), failed_at=clock.now()))


def failures_since(session: Session, settings: Settings, kind: str, value: str, since: datetime) -> list[datetime]:
    """When each failure against ``value`` after ``since`` happened, oldest first."""
    return list(
        session.scalars(
            select(FailedAttempt.failed_at)
            .where(
                FailedAttempt.kind == kind,
                FailedAttempt.key_hmac == key(settings, kind, value),
                FailedAttempt.failed_at > since,
            )
            .order_by(FailedAttempt.failed_at)
        )
    )


def count_since(session: Session, settings: Settings, kind: str, value: str, since: datetime) -> int:
    """How many failures against ``value`` happened after ``since``."""
    return (
        session.scalar(
            select(func.count())
            .select_from(FailedAttempt)
            .where(
                FailedAttempt.kind == kind,
                FailedAttempt.key_hmac == key(settings, kind, value),
                FailedAttempt.failed_at > since,
            )
        )
        or 0
    )


def seconds_until(when: datetime) -> int:
    """Whole seconds (at least 1) from now until ``when``: a Retry-After."""
    return max(int((when - clock.now()).total_seconds()) + 1, 1)


def window_retry_after(failures: list[datetime], limit: int, window: timedelta) -> Optional[int]:
    """Seconds until a rolling window of ``window`` holds fewer than ``limit`` of ``failures``; None when it does."""
    if len(failures) < limit:
        return None
    return seconds_until(failures[len(failures) - limit] + window)


def claim_notice(session: Session, settings: Settings, kind: str, value: str, locked_until: datetime) -> bool:
    """Note that the owner is told about this lockout; True only the first time (the caller then tells them).

    Commits: the note must outlive the request, and only one of concurrent callers may win it.
    """
    session.add(LockoutNotice(kind=kind, key_hmac=key(settings, kind, value), locked_until=locked_until))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True
