"""Requests to cancel a policy: the assistant records them, only an executive carries them out,
and only with the insured's written confirmation."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from models.base import Base, UTCDateTime, utcnow

# requested (the customer asked) → confirmed (the insured's signed letter or e-mail is on file)
# → done (the executive cancelled it with the insurer); or withdrawn (the customer changed their mind)
STATUSES = ("requested", "confirmed", "done", "withdrawn")


class CancellationRequest(Base):
    """Who asked (the account and chat), for which policy, and the confirmation an executive recorded."""

    __tablename__ = "cancellation_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    sender_id: Mapped[Optional[str]] = mapped_column(String(200))
    reason: Mapped[Optional[str]] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="requested", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The insured's written confirmation, as the executive uploaded it (a signed letter or the e-mail).
    confirmation_filename: Mapped[Optional[str]] = mapped_column(String(200))
    confirmation_content_type: Mapped[Optional[str]] = mapped_column(String(80))
    confirmation: Mapped[Optional[bytes]] = deferred(mapped_column(LargeBinary))
    confirmed_by: Mapped[Optional[int]] = mapped_column(Integer)  # staff id (the console's table)
    confirmed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    done_by: Mapped[Optional[int]] = mapped_column(Integer)
    done_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
