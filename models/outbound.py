"""Messages Aval sends to a customer without being asked: an executive's reply, news of a claim.

The staff console writes them (one row each, keyed so that a retried click is
one message); the channel gateway delivers them on the customer's channel and
records the outcome. A row is the outbox of a transactional-outbox pattern:
nothing is lost when a channel is down, nothing is sent twice.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

# What the customer reads is in ``text``; ``kind`` says what the gateway does besides sending it:
#   takeover      an executive took the conversation: the assistant goes quiet in it
#   staff_reply   an executive's message in a conversation they took
#   handback      the executive handed the conversation back to the assistant
#   claim_update  a claim's status changed or an executive added a note for the customer
#   handoff_reply an answer to a request for a person made earlier (not a live takeover)
#   renewal_reminder, claim_followup, payment_reminder  Aval reaches out first (miaval_api/services/reminders.py)
REMINDER_KINDS = ("renewal_reminder", "claim_followup", "payment_reminder")
KINDS = ("takeover", "staff_reply", "handback", "claim_update", "handoff_reply", *REMINDER_KINDS)
# What the customer did not ask for: stopped by "no quiero recibir más novedades", at most one a day for reminders.
UNASKED_KINDS = ("claim_update", *REMINDER_KINDS)
# pending → delivered | failed (gave up after retries) | opted_out (the customer stopped news)
STATUSES = ("pending", "delivered", "failed", "opted_out")


class OutboundMessage(Base):
    """One message for one conversation (``sender_id``), delivered at most once."""

    __tablename__ = "outbound_messages"
    # At most one reminder per customer per local day, even with two schedulers at once (NULL: not a reminder).
    __table_args__ = (UniqueConstraint("user_id", "reminder_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    sender_id: Mapped[str] = mapped_column(String(200), index=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    # The staff member who wrote or caused it (plain id: the console's own table).
    staff_id: Mapped[Optional[int]] = mapped_column(Integer)
    staff_name: Mapped[Optional[str]] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[Optional[str]] = mapped_column(String(200))
    # How it reached the customer: "telegram", "whatsapp", "whatsapp_template", "webchat", "email".
    delivered_via: Mapped[Optional[str]] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    delivered_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # The courier (channels/courier.py) that claims a row leases it until then; after a failure the next try
    # waits until then (back-off). A pending row whose time has come (or None) is free to claim.
    available_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime, index=True)
    # When the channel accepted the text: a retry after that only finishes the tracker's part (never resends).
    sent_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # When the news went by e-mail (web chat; WhatsApp outside its 24-hour window without a template).
    emailed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # A reminder's buttons, ``[{"title", "payload"}]`` (each channel shows them its way), and what it is about
    # (a policy or claim number: the console lists reminders by it).
    buttons: Mapped[Optional[list[dict[str, str]]]] = mapped_column(JSON)
    subject: Mapped[Optional[str]] = mapped_column(String(40))
    reminder_day: Mapped[Optional[date]] = mapped_column(Date)
