"""Aval's office hours, the one rule for when a person answers (in-process: a pure rule)."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from miaval_api.services import handoffs, office_hours

BA = ZoneInfo("America/Argentina/Buenos_Aires")
HOURS = office_hours.from_portfolio()


def test_the_hours_are_the_portfolios_broker_section():
    assert (HOURS.opens, HOURS.closes, HOURS.zone.key) == (time(9), time(18), "America/Argentina/Buenos_Aires")


@pytest.mark.parametrize(
    ("local", "is_open"),
    [
        (datetime(2027, 3, 10, 8, 59), False),
        (datetime(2027, 3, 10, 9, 0), True),
        (datetime(2027, 3, 10, 17, 59), True),
        (datetime(2027, 3, 10, 18, 0), False),
        (datetime(2027, 3, 13, 11, 0), False),  # Saturday
        (datetime(2027, 3, 24, 11, 0), False),  # Wednesday 24 March: national holiday
        (datetime(2027, 7, 9, 11, 0), False),  # Friday 9 July: Independence Day
        (datetime(2027, 2, 8, 11, 0), False),  # Carnival Monday (movable)
        (datetime(2026, 12, 7, 11, 0), False),  # a bridge day set by decree, before 8 December
        (datetime(2027, 2, 10, 11, 0), True),  # the Wednesday after Carnival
    ],
)
def test_open_on_working_days_from_9_to_18(local, is_open):
    assert HOURS.is_open(local.replace(tzinfo=BA)) is is_open


def test_an_instant_in_utc_is_judged_in_buenos_aires():
    # 11:30 UTC is 8:30 in Buenos Aires: still closed.
    assert HOURS.is_open(datetime(2027, 3, 10, 11, 30, tzinfo=ZoneInfo("UTC"))) is False


@pytest.mark.parametrize(
    ("local", "opening", "days"),
    [
        (datetime(2027, 3, 10, 7, 0), datetime(2027, 3, 10, 9, 0), 0),  # before opening: today
        (datetime(2027, 3, 10, 16, 30), datetime(2027, 3, 11, 9, 0), 1),  # open, but less than 2 hours left
        (datetime(2027, 12, 24, 19, 0), datetime(2027, 12, 27, 9, 0), 3),  # Christmas on Saturday, then Sunday
        (datetime(2026, 12, 31, 20, 0), datetime(2027, 1, 4, 9, 0), 4),  # New Year on Friday, then the weekend
        (datetime(2027, 2, 5, 19, 0), datetime(2027, 2, 10, 9, 0), 5),  # the weekend, then Carnival Monday and Tuesday
        (datetime(2026, 12, 4, 19, 0), datetime(2026, 12, 9, 9, 0), 5),  # the weekend, a bridge day, 8 December
    ],
)
def test_outside_the_desks_hours_the_next_opening_is_told(local, opening, days):
    expected = handoffs.expectation(local.replace(tzinfo=BA))
    assert expected.expected_contact == "next_business_day"
    assert (expected.answer_from, expected.answer_in_days) == (opening.replace(tzinfo=BA), days)


def test_with_two_hours_left_the_answer_comes_within_them():
    expected = handoffs.expectation(datetime(2027, 3, 10, 15, 59, tzinfo=BA))
    assert (expected.expected_contact, expected.office_open, expected.answer_from) == ("within_answer_time", True, None)
