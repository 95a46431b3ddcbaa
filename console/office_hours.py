"""Aval's office hours (``broker.office_hours`` in demo/portfolio.yml): open now? when next?"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

PORTFOLIO = Path(__file__).resolve().parent.parent / "demo" / "portfolio.yml"
WEEKDAYS = {"lunes a viernes": (0, 1, 2, 3, 4), "lunes a sábado": (0, 1, 2, 3, 4, 5)}


@dataclass(frozen=True)
class OfficeHours:
    """Open on ``days`` (Monday = 0) from ``opens`` to ``closes``, local time in ``zone``."""

    days: tuple[int, ...]
    opens: time
    closes: time
    zone: ZoneInfo

    def is_open(self, instant: datetime) -> bool:
        """Whether the desk is attended at ``instant`` (national holidays are not known here)."""
        local = instant.astimezone(self.zone)
        return local.weekday() in self.days and self.opens <= local.time() < self.closes

    def next_opening(self, instant: datetime) -> datetime:
        """When the desk is attended next from ``instant`` (``instant`` itself if it is open), local time."""
        local = instant.astimezone(self.zone)
        if self.is_open(local):
            return local
        day = local.date()
        for offset in range(8):
            candidate = datetime.combine(day + timedelta(days=offset), self.opens, self.zone)
            if candidate.weekday() in self.days and candidate > local:
                return candidate
        raise ValueError("office hours with no open day")


@functools.lru_cache(maxsize=1)
def office_hours(path: Path = PORTFOLIO) -> OfficeHours:
    """The office hours the portfolio file states."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["broker"]["office_hours"]
    return OfficeHours(
        days=WEEKDAYS[data["days"]],
        opens=time.fromisoformat(data["open"]),
        closes=time.fromisoformat(data["close"]),
        zone=ZoneInfo(data["timezone"]),
    )
