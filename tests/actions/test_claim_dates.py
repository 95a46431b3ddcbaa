"""The date parser of claims, against fixed reference moments in Argentina's time zone."""

from datetime import datetime, timedelta

import pytest

from bot.actions.claim.dates import OccurrenceInFuture, find_occurrence, parse_occurrence
from insurance_rules import ARGENTINA

# Wednesday 13 November 2024, 15:30 in Buenos Aires.
NOW = datetime(2024, 11, 13, 15, 30, tzinfo=ARGENTINA)
# Saturday 16 November 2024, 08:10.
SATURDAY_MORNING = datetime(2024, 11, 16, 8, 10, tzinfo=ARGENTINA)


def at(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2024) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ARGENTINA)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ayer a las 7 de la tarde", at(12, 19)),
        ("ayer a las 19", at(12, 19)),
        ("ayer a las 19:30", at(12, 19, 30)),
        ("Ayer 19hs", at(12, 19)),
        ("ayer a las 7 pm", at(12, 19)),
        ("ayer a las 10 de la noche", at(12, 22)),
        ("ayer a las 12 de la noche", at(12, 0)),
        ("ayer a las 9 de la mañana", at(12, 9)),
        ("anteayer a las 8", at(11, 8)),
        ("el sábado a las 15", at(9, 15)),
        ("el sabado", at(9, 12)),
        ("el martes", at(12, 12)),
        ("hace dos horas", at(13, 13, 30)),
        ("hace 2 hs", at(13, 13, 30)),
        ("hace media hora", at(13, 15)),
        ("hace 3 dias", at(10, 15, 30)),
        ("hoy a la mañana", at(13, 9)),
        ("hoy a las 10", at(13, 10)),
        ("anoche", at(12, 21)),
        ("anoche tipo 11", at(12, 23)),
        ("el 3/11", at(3, 12)),
        ("3/11 a las 10", at(3, 10)),
        ("el 3 de noviembre a las 18:15", at(3, 18, 15)),
        ("20/12", at(20, 12, month=12, year=2023)),
        ("10/10/2023", at(10, 12, month=10, year=2023)),
    ],
)
def test_understands_how_customers_say_when(text, expected):
    assert parse_occurrence(text, NOW).when == expected


def test_times_are_in_argentina_whatever_zone_now_comes_in():
    now_utc = NOW.astimezone(ARGENTINA).replace(tzinfo=None)  # naive is refused
    with pytest.raises(ValueError):
        parse_occurrence("ayer", now_utc)
    from datetime import timezone

    found = parse_occurrence("ayer a las 19", NOW.astimezone(timezone.utc))
    assert found.when.utcoffset() == timedelta(hours=-3)
    assert found.when == at(12, 19)


def test_only_the_day_is_not_a_known_time():
    assert parse_occurrence("ayer", NOW).time_known is False
    assert parse_occurrence("ayer a las 19", NOW).time_known is True


def test_found_inside_a_descriptive_message_without_reading_the_address_as_a_time():
    text = "ayer a las 19 me chocaron de atrás en Av. Rivadavia 5000 con el gol"
    assert find_occurrence(text, NOW).when == at(12, 19)


def test_a_message_that_says_no_moment_gives_none():
    assert find_occurrence("me chocaron de atrás en Av. Rivadavia 5000 con el gol", NOW) is None
    assert parse_occurrence("no me acuerdo", NOW) is None


@pytest.mark.parametrize("text", ["mañana", "hoy a las 20", "hoy a la noche", "el 20/11/2024", "mañana a las 10"])
def test_the_future_is_rejected(text):
    with pytest.raises(OccurrenceInFuture):
        parse_occurrence(text, NOW)


def test_today_without_time_is_never_after_now():
    found = parse_occurrence("hoy", SATURDAY_MORNING)
    assert found.when <= SATURDAY_MORNING
    assert found.when.date() == SATURDAY_MORNING.date()


def test_part_of_the_day_that_already_began_means_a_moment_ago():
    found = parse_occurrence("hoy a la mañana", SATURDAY_MORNING)
    assert found.when == at(16, 8, 10)


def test_weekday_said_on_that_same_weekday_means_a_week_ago():
    assert parse_occurrence("el sábado", SATURDAY_MORNING).when == at(9, 12)


def test_a_few_minutes_ahead_is_clock_skew_not_future():
    assert parse_occurrence("hoy a las 15:33", NOW).when == at(13, 15, 33)


@pytest.mark.parametrize(
    ("text", "hour"), [("hoy a la mañana choque contra un poste", 9), ("hoy a las 20 me chocaron", 20)]
)
def test_before_dawn_today_is_the_day_that_just_ended(text, hour):
    one_am = datetime(2024, 11, 14, 1, 40, tzinfo=ARGENTINA)
    found = find_occurrence(text, one_am)
    assert (found.when.day, found.when.hour) == (13, hour)


def test_after_dawn_a_time_later_today_is_still_the_future():
    with pytest.raises(OccurrenceInFuture):
        find_occurrence("hoy a las 20 me chocaron", datetime(2024, 11, 14, 7, 0, tzinfo=ARGENTINA))
