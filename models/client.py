"""Client profiles as the portfolio system knows them, and their links to Mi Aval accounts."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

KINDS = ("person", "company")
LINK_METHODS = ("auto", "manual")


class ClientProfile(Base):
    """A person or company holding policies. Never deleted by anything a user does."""

    __tablename__ = "client_profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    dni: Mapped[Optional[str]] = mapped_column(String(8), index=True)  # digits only
    cuit: Mapped[Optional[str]] = mapped_column(String(11), index=True)  # 11 digits, no dashes
    email: Mapped[Optional[str]] = mapped_column(String(254), index=True)  # lower case
    phone: Mapped[Optional[str]] = mapped_column(String(32))
    # The producer (PAS) who placed this client, if any: their reports show only their clients.
    producer_id: Mapped[Optional[int]] = mapped_column(ForeignKey("producers.id", ondelete="SET NULL"), index=True)


class UserClientLink(Base):
    """An account may see and act on a client profile: linked automatically by e-mail or manually."""

    __tablename__ = "user_client_links"
    __table_args__ = (UniqueConstraint("user_id", "client_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client_profiles.id", ondelete="CASCADE"), index=True)
    linked_by: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
