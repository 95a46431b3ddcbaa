"""Failures counted against a limit, and the lockouts whose owner was told.

Keys are keyed hashes (HMAC under the server secret) of what is counted: an
e-mail address, a chat identity, an account id or a document number never
appears in clear here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

# What a failure is counted against.
FAILURE_KINDS = ("code_address", "link_chat", "link_user", "link_document")


class FailedAttempt(Base):
    """One failed try (a wrong code, a failed link), counted against one key of one kind."""

    __tablename__ = "failed_attempts"
    __table_args__ = (Index("ix_failed_attempts_kind_key_failed_at", "kind", "key_hmac", "failed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    key_hmac: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LockoutNotice(Base):
    """A lockout whose owner was told by e-mail: one row per key and lockout, so the e-mail goes once."""

    __tablename__ = "lockout_notices"
    __table_args__ = (UniqueConstraint("kind", "key_hmac", "locked_until"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    key_hmac: Mapped[str] = mapped_column(String(64))
    locked_until: Mapped[datetime] = mapped_column(UTCDateTime)
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
