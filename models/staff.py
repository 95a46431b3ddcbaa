"""Aval's staff (the console's accounts), the producers (PAS) whose clients they see, and what staff did."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

# executive: handoffs, claims, cancellations, tasks; supervisor: all that, staff and the audit;
# producer: only the reports on their own clients; trainer: the review queue (console/access.py).
ROLES = ("executive", "supervisor", "producer", "trainer")


class Producer(Base):
    """A Productor Asesor de Seguros working under Aval; client profiles name the producer who placed them."""

    __tablename__ = "producers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    license: Mapped[Optional[str]] = mapped_column(String(40))
    email: Mapped[Optional[str]] = mapped_column(String(254))


class StaffMember(Base):
    """A person at Aval (or a producer) who signs in to the console."""

    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)  # lower case
    role: Mapped[str] = mapped_column(String(20))
    producer_id: Mapped[Optional[int]] = mapped_column(ForeignKey("producers.id", ondelete="SET NULL"), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaffSession(Base):
    """One signed-in console session, kept on the server: the cookie holds only a random token whose
    SHA-256 is ``id``. Ended by sign-out, deactivation or a password change (``revoked_at``), and by its
    idle and absolute lifetimes (console/sessions.py)."""

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class StaffAuditEntry(Base):
    """One thing a staff member did (or tried): who, what, on what, when. Plain ids: entries outlive rows."""

    __tablename__ = "staff_audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    staff_id: Mapped[Optional[int]] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[Optional[str]] = mapped_column(String(80))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
