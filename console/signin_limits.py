"""Wrong passwords counted per account (e-mail) and per client address, keyed hashes only (``failed_attempts``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Optional

from sqlalchemy.orm import Session

from console.settings import Settings
from miaval_api.services import clock, limits

ACCOUNT, ADDRESS = "staff_account", "staff_address"


def retry_after(session: Session, settings: Settings, email: str, address: str) -> Optional[int]:
    """Seconds until this account and this address may try again; None when both may now."""
    window = timedelta(seconds=settings.failure_window_seconds)
    since = clock.now() - window
    waits = [
        limits.window_retry_after(limits.failures_since(session, settings, kind, value, since), limit, window)
        for kind, value, limit in (
            (ACCOUNT, email, settings.max_failures_per_account),
            (ADDRESS, address, settings.max_failures_per_address),
        )
    ]
    found = [wait for wait in waits if wait is not None]
    return max(found) if found else None


def record_failure(session: Session, settings: Settings, email: str, address: str) -> None:
    """Count one wrong password against the account and the address."""
    limits.record_failure(session, settings, ACCOUNT, email)  # type: ignore[arg-type]
    limits.record_failure(session, settings, ADDRESS, address)  # type: ignore[arg-type]
