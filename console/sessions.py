"""Console sessions kept on the server (``staff_sessions``): the cookie holds a random token, the database
its SHA-256. A session ends at sign-out, when the account is turned off or its password changes, after
``CONSOLE_SESSION_IDLE_MINUTES`` without a request and ``CONSOLE_SESSION_HOURS`` after sign-in."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Optional

from sqlalchemy import update
from sqlalchemy.orm import Session

from console.settings import Settings
from miaval_api.services import clock
from models import StaffMember, StaffSession

# last_seen_at is written at most this often (a page's every request need not write).
TOUCH_EVERY = timedelta(seconds=30)


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, staff_id: int) -> str:
    """A new session for ``staff_id``; the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    session.add(StaffSession(id=_key(token), staff_id=staff_id, created_at=now, last_seen_at=now))
    return token


def staff_of(session: Session, settings: Settings, token: object) -> Optional[StaffMember]:
    """The active staff member whose live session ``token`` is; None (and the session ended) otherwise."""
    if not isinstance(token, str) or not token:
        return None
    row = session.get(StaffSession, _key(token))
    if row is None or row.revoked_at is not None:
        return None
    now = clock.now()
    idle = now - row.last_seen_at > timedelta(minutes=settings.session_idle_minutes)
    too_old = now - row.created_at > timedelta(hours=settings.session_hours)
    staff = session.get(StaffMember, row.staff_id)
    if idle or too_old or staff is None or not staff.active:
        row.revoked_at = now
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
    return staff


def end(session: Session, token: object) -> None:
    """Sign-out: the session ends for good, whoever still holds its cookie."""
    if isinstance(token, str) and token:
        row = session.get(StaffSession, _key(token))
        if row is not None and row.revoked_at is None:
            row.revoked_at = clock.now()


def end_all(session: Session, staff_id: int) -> None:
    """Every open session of ``staff_id`` ends (the account was turned off or its password changed)."""
    session.execute(
        update(StaffSession)
        .where(StaffSession.staff_id == staff_id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )
