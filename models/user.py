"""Mi Aval accounts and the chat identities tied to them."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

ROLES = ("client", "intermediary")


class User(Base):
    """A Mi Aval account: one e-mail, verified or not, acting as a client or an intermediary."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[Optional[str]] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="client")
    email_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The customer asked to stop news (claim updates); an executive's live replies still reach them.
    news_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)


class ChatIdentity(Base):
    """A conversation on one channel (the Rasa sender id, e.g. ``telegram:123``) tied to an account."""

    __tablename__ = "chat_identities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the chat last acted for the account (updated at most hourly): idle chats must sign in again.
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
