"""Aval's office hours: the one place that says when a person at Aval answers.

The hours come from the ``broker`` section of the portfolio (``office_hours``:
open, close, time zone; Monday to Friday), which is also what the assistant's
copy says (a test checks both agree). National holidays close the desk: the
``holidays`` package's Argentine calendar, with the movable ones (Carnival,
Easter, the days moved to a Monday) and the bridge days set by decree; a new
year's decree arrives with the package's next release. How soon a person
answers while the desk is open (``answer_within_minutes``) is Aval's setting in
the same section: the assistant tells the customer that, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import yaml

from miaval_api.demo import DEFAULT_FILE

# Filled in at import for the years in sight, so the request threads only read it (later years are added as asked).
NATIONAL_HOLIDAYS = holidays.country_holidays("AR", years=range(2020, 2041))
WORKDAYS = range(0, 5)  # Monday to Friday


@dataclass(frozen=True)
class OfficeHours:
    """When the desk is open: local opening and closing time, in ``zone``, on working days; how soon it answers."""

    opens: time
    closes: time
    zone: ZoneInfo
    answer_within: timedelta = timedelta(hours=2)

    def is_working_day(self, day: date) -> bool:
        """A weekday that is not a national holiday."""
        return day.weekday() in WORKDAYS and day not in NATIONAL_HOLIDAYS

    def is_open(self, when: datetime) -> bool:
        """Whether a person is at the desk at the instant ``when`` (any time zone)."""
        local = when.astimezone(self.zone)
        return self.is_working_day(local.date()) and self.opens <= local.time() < self.closes

    def next_opening(self, when: datetime) -> datetime:
        """The first opening (local time) after ``when``; ``when`` itself is not open."""
        local = when.astimezone(self.zone)
        day = local.date()
        if local.time() >= self.opens:
            day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return datetime.combine(day, self.opens, self.zone)


@lru_cache(maxsize=4)
def from_portfolio(path: Path = DEFAULT_FILE) -> OfficeHours:
    """Aval's office hours as the ``broker`` section of the portfolio states them."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["broker"]["office_hours"]
    return OfficeHours(
        opens=time.fromisoformat(data["open"]),
        closes=time.fromisoformat(data["close"]),
        zone=ZoneInfo(data["timezone"]),
        answer_within=timedelta(minutes=int(data["answer_within_minutes"])),
    )
