"""An append-only record of what changed who may see what: links, unlinks, claims, deletions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

ACTIONS = ("link", "unlink", "claim", "delete_account", "forget_identity")


class AuditEntry(Base):
    """One audited event. Plain ids, no foreign keys: entries outlive the account they name."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[Optional[int]] = mapped_column(Integer, index=True)
    client_id: Mapped[Optional[int]] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
