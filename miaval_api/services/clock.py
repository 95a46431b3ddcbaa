"""Dates as the business sees them: Argentine local days; and a clock tests may move.

Every rule that depends on time (code expiry, send and failure windows,
lockouts, idle sessions) asks :func:`now`, so a test can move time instead of
sleeping: in-process with :func:`advance`, or in a served API with
``MIAVAL_CLOCK_OFFSET_SECONDS`` (set once by the app factory, :func:`set_offset`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from miaval_api.settings import Settings

_offset = timedelta(0)


def now() -> datetime:
    """The current instant in UTC (moved by :func:`advance` in tests)."""
    return datetime.now(timezone.utc) + _offset


def advance(delta: timedelta) -> None:
    """Move this process's clock forward by ``delta`` (tests only)."""
    global _offset
    _offset += delta


def set_offset(offset: timedelta) -> None:
    """Move this process's clock by ``offset`` from the real one (the app factory sets it from the settings)."""
    global _offset
    _offset = offset


def reset() -> None:
    """Put this process's clock back to the real time (tests only)."""
    global _offset
    _offset = timedelta(0)


def local_zone(settings: Settings) -> ZoneInfo:
    """The business time zone (Buenos Aires)."""
    return ZoneInfo(settings.timezone)


def today(settings: Settings) -> date:
    """Today's date in Argentina: validity is judged by it."""
    return now().astimezone(local_zone(settings)).date()


def day_window(settings: Settings) -> tuple[datetime, datetime]:
    """The local day we are in, as UTC instants: (its midnight, the next midnight)."""
    zone = local_zone(settings)
    start = datetime.combine(today(settings), time(0), zone)
    return start.astimezone(timezone.utc), (start + timedelta(days=1)).astimezone(timezone.utc)
