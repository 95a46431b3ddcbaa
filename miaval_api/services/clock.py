"""Dates as the business sees them: Argentine local days."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from miaval_api.settings import Settings


def now() -> datetime:
    """The current instant in UTC."""
    return datetime.now(timezone.utc)


def local_zone(settings: Settings) -> ZoneInfo:
    """The business time zone (Buenos Aires)."""
    return ZoneInfo(settings.timezone)


def today(settings: Settings) -> date:
    """Today's date in Argentina: validity is judged by it."""
    return datetime.now(local_zone(settings)).date()
