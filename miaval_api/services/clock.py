"""The API's clock, and dates as the business sees them: Argentine local days.

Every rule that depends on time reads ``now()`` here. The clock can be moved
forward (``MIAVAL_CLOCK_OFFSET_SECONDS``, set once when the app starts) so
that tests see "a month later" without waiting for it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from miaval_api.settings import Settings

_offset = timedelta(0)


def set_offset(offset: timedelta) -> None:
    """Move this process's clock by ``offset`` from the real one (the app factory sets it from the settings)."""
    global _offset
    _offset = offset


def now() -> datetime:
    """The current instant in UTC."""
    return datetime.now(timezone.utc) + _offset


def local_zone(settings: Settings) -> ZoneInfo:
    """The business time zone (Buenos Aires)."""
    return ZoneInfo(settings.timezone)


def today(settings: Settings) -> date:
    """Today's date in Argentina: validity is judged by it."""
    return now().astimezone(local_zone(settings)).date()
