"""Every action of staff, recorded: who, what, on what, when (``staff_audit_log``)."""

from __future__ import annotations

from typing import Any, Optional

from sqlalchemy.orm import Session

from miaval_api.services import clock
from models import StaffAuditEntry

ACTIONS = (
    "sign_in", "sign_in_failed", "sign_out", "forbidden",
    "handoff_take", "handoff_reply", "handoff_handback",
    "claim_status", "attachment_download",
    "cancellation_confirm", "cancellation_done", "cancellation_refused", "confirmation_download",
    "report_view", "report_csv", "staff_create", "staff_activate", "staff_deactivate",
    "review_annotate", "review_noise", "review_export",
    "reminder_pause", "reminder_resume",
)  # fmt: skip


def record(
    session: Session, staff_id: Optional[int], action: str, target: Optional[str] = None, **detail: Any
) -> StaffAuditEntry:
    """Note that ``staff_id`` did ``action`` on ``target`` now (in the caller's transaction)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown staff action {action!r}")
    entry = StaffAuditEntry(at=clock.now(), staff_id=staff_id, action=action, target=target, detail=detail)
    session.add(entry)
    return entry
