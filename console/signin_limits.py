"""Wrong staff passwords, counted by keyed hashes only (``failed_attempts``).

An account waits only at the address that got its password wrong (account *and* client address), so an
outsider who knows a staff e-mail shuts out only themselves; each further lock there doubles the wait. A
client address also waits after many wrong passwords for any accounts. The staff member is told, at
their next sign-in, how many wrong passwords their account got meanwhile (from any address).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy.orm import Session

from console.settings import Settings
from miaval_api.services import clock, limits

ACCOUNT, PAIR, ADDRESS = "staff_account", "staff_acct_addr", "staff_address"
# The doubling stops here (a wait of window * 2**MAX_DOUBLINGS at most) and past failures count a day.
MAX_DOUBLINGS = 5
MEMORY = timedelta(days=1)


def _pair(email: str, address: str) -> str:
    return f"{email}\n{address}"


def retry_after(session: Session, settings: Settings, email: str, address: str) -> Optional[int]:
    """Seconds until this account may be tried again from this address; None when it may now."""
    window = timedelta(seconds=settings.failure_window_seconds)
    limit = settings.max_failures_per_account
    now = clock.now()
    waits = []
    pair_failures = limits.failures_since(session, settings, PAIR, _pair(email, address), now - MEMORY)
    if len(pair_failures) >= limit:
        # The n-th lock at this address (every `limit` failures) waits window * 2**(n-1).
        locks = len(pair_failures) // limit
        wait = window * 2 ** min(locks - 1, MAX_DOUBLINGS)
        until = pair_failures[locks * limit - 1] + wait
        if until > now:
            waits.append(limits.seconds_until(until))
    address_failures = limits.failures_since(session, settings, ADDRESS, address, now - window)
    waits.append(limits.window_retry_after(address_failures, settings.max_failures_per_address, window))
    found = [wait for wait in waits if wait is not None]
    return max(found) if found else None


def record_failure(session: Session, settings: Settings, email: str, address: str) -> None:
    """Count one wrong password against the account, the account at this address, and the address."""
    limits.record_failure(session, settings, ACCOUNT, email)  # type: ignore[arg-type]
    limits.record_failure(session, settings, PAIR, _pair(email, address))  # type: ignore[arg-type]
    limits.record_failure(session, settings, ADDRESS, address)  # type: ignore[arg-type]


def failures_for(session: Session, settings: Settings, email: str, since: Optional[datetime]) -> int:
    """Wrong passwords for this account (from any address) after ``since`` (the last day when None)."""
    start = since if since is not None else clock.now() - MEMORY
    return len(limits.failures_since(session, settings, ACCOUNT, email, start))  # type: ignore[arg-type]
