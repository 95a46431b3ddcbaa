"""A policy in force, judged on the calendar of Buenos Aires."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

ARGENTINA = ZoneInfo("America/Argentina/Buenos_Aires")
# Statuses under which a policy covered the days of its validity (a cancelled one may not have).
_COVERING_STATUSES = ("active", "expired")


def local_date(moment: datetime) -> date:
    """The day ``moment`` falls on in Buenos Aires (a naive moment is taken as Buenos Aires time)."""
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(ARGENTINA).date()


def in_force_on(status: str, start: date, end: date, day: date) -> bool:
    """In force on ``day``: active, and the day lies within its validity (used with today's date)."""
    return status == "active" and start <= day <= end


def covered_on(status: str, start: date, end: date, day: date) -> bool:
    """The policy covered ``day`` (the day of a loss): in force then, even if it has expired since."""
    return status in _COVERING_STATUSES and start <= day <= end


# Ley 17.418 art. 58: the insured's actions lapse a year after the obligation is due. The chat offers an
# expired policy for a claim during that year after its end; whether it covered the loss's day is covered_on's.
CLAIM_WINDOW_AFTER_END = timedelta(days=365)


def may_still_claim(status: str, end: date, today: date) -> bool:
    """An expired policy may still take a claim for a loss from its validity, for a year after its end."""
    return status == "expired" and today - end < CLAIM_WINDOW_AFTER_END
