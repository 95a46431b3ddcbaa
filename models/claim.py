"""Claims (loss reports), the files users upload and the attachments that tie them to claims."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from insurance_rules import CLAIM_TYPES
from models.base import Base, UTCDateTime, utcnow
from models.policy import Policy
from models.user import User

TYPES = CLAIM_TYPES
# inspection_scheduled: the insurer arranged an inspection (set by an executive in the staff console).
STATUSES = ("received", "under_review", "inspection_scheduled", "approved", "rejected", "paid", "closed")
NUMBER_PREFIX = "SIN-"


def claim_number(seq: int) -> str:
    """The public number of the ``seq``-th claim: SIN-000123."""
    return f"{NUMBER_PREFIX}{seq:06d}"


class Claim(Base):
    """A loss reported on a policy."""

    __tablename__ = "claims"
    # A retried request (same account, same key) must never make a second claim, even concurrently.
    __table_args__ = (UniqueConstraint("reported_by_user_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"), index=True)
    type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="received")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[Optional[str]] = mapped_column(Text)
    latitude: Mapped[Optional[float]] = mapped_column(Float)
    longitude: Mapped[Optional[float]] = mapped_column(Float)
    description: Mapped[Optional[str]] = mapped_column(Text)
    third_party_involved: Mapped[Optional[bool]] = mapped_column(Boolean)
    third_party: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
    injured_people: Mapped[Optional[bool]] = mapped_column(Boolean)
    police_report: Mapped[Optional[str]] = mapped_column(Text)
    damaged_items: Mapped[Optional[str]] = mapped_column(Text)
    driver: Mapped[Optional[str]] = mapped_column(Text)  # who was driving the insured vehicle
    witnesses: Mapped[Optional[str]] = mapped_column(Text)
    vehicle_drivable: Mapped[Optional[bool]] = mapped_column(Boolean)
    # False when only the day (or its part: "anoche") was said: occurred_at's time is an estimate.
    occurred_time_known: Mapped[bool] = mapped_column(Boolean, default=True)
    reported_late: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reported_by_user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    idempotency_key: Mapped[Optional[str]] = mapped_column(String(200))
    request_hash: Mapped[Optional[str]] = mapped_column(String(64))
    receipt_sha256: Mapped[Optional[str]] = mapped_column(String(64))

    policy: Mapped[Policy] = relationship(lazy="raise")
    reported_by: Mapped[Optional[User]] = relationship(lazy="raise")
    attachments: Mapped[list[ClaimAttachment]] = relationship(
        lazy="raise", order_by="ClaimAttachment.id", back_populates="claim"
    )


class Upload(Base):
    """A photo or PDF a user sent in the chat, kept until it is attached to a claim."""

    __tablename__ = "uploads"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClaimAttachment(Base):
    """An upload attached to a claim (attaching the same upload twice keeps one)."""

    __tablename__ = "claim_attachments"
    __table_args__ = (UniqueConstraint("claim_id", "upload_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    upload_id: Mapped[str] = mapped_column(ForeignKey("uploads.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    claim: Mapped[Claim] = relationship(lazy="raise", back_populates="attachments")
    upload: Mapped[Upload] = relationship(lazy="raise")
