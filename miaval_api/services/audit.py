"""Writing the audit log (ids and counts only: no personal data)."""

from __future__ import annotations

from typing import Any, Optional

from sqlalchemy.orm import Session

from models import AuditEntry, utcnow


def record(
    session: Session, action: str, user_id: Optional[int], client_id: Optional[int] = None, **detail: Any
) -> None:
    """Add one audit entry to the caller's transaction."""
    session.add(AuditEntry(at=utcnow(), action=action, user_id=user_id, client_id=client_id, detail=detail))
