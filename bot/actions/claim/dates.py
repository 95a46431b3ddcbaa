"""When did the loss happen? Understand how Argentine customers say it.

Customers write "ayer a las 7 de la tarde", "anoche", "el sábado", "hace dos
horas", "hoy a la mañana" or "el 3/11", often inside a longer message ("ayer a
las 19 me chocaron en Rivadavia 5000"). dateparser understands absolute dates
in Spanish but not the parts of the day ("de la tarde", "a la noche"), nor
"anoche", and it gets lost in a sentence; so this module finds the date and the
time expressions itself, normalises the parts of the day, and asks dateparser
only about absolute dates ("3/11", "3 de noviembre").

Everything happens in Argentina's time zone and relative to an explicit ``now``
(tests pass fixed reference datetimes). A moment in the future is an error
with a name: ``OccurrenceInFuture``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Optional

import dateparser

from insurance_rules import ARGENTINA

# A report written a few minutes "in the future" is a clock skew, not a lie.
FUTURE_TOLERANCE = timedelta(minutes=5)
# Before this hour a customer's "hoy" may still be the day that just ended.
DAWN = time(6)

# When only the part of the day is known, the middle of it stands for the time.
PART_OF_DAY_HOURS = {"madrugada": 4, "manana": 9, "mediodia": 12, "siesta": 14, "tarde": 17, "noche": 21}
# ...and when it begins: "hoy a la mañana" said at 8:00 means a moment ago, not 9:00.
PART_OF_DAY_STARTS = {"madrugada": 0, "manana": 6, "mediodia": 12, "siesta": 13, "tarde": 13, "noche": 19}

WEEKDAYS = {"lunes": 0, "martes": 1, "miercoles": 2, "jueves": 3, "viernes": 4, "sabado": 5, "domingo": 6}

NUMBER_WORDS = {
    "un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "quince": 15, "veinte": 20, "treinta": 30,
    "un par de": 2, "unas": 2, "unos": 2,
}

UNIT_SECONDS = {"minuto": 60, "min": 60, "hora": 3600, "hs": 3600, "dia": 86400, "semana": 604800}

MONTHS = "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre"
_MONTH_ABBR = "ene|feb|mar|abr|may|jun|jul|ago|sep|set|oct|nov|dic"

_NUMBER = r"\d{1,2}|" + "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
_RELATIVE = re.compile(
    rf"\bhace\s+(?P<n>{_NUMBER}|media)?\s*(?P<unit>minutos?|mins?|horas?|hs|dias?|semanas?)\b"
    rf"|\bhace\s+(?P<vague>un\s+rato|un\s+ratito|instantes|un\s+momento)\b"
    rf"|\b(?P<just>recien|recien\s+nomas|ahora|ahorita|en\s+este\s+momento)\b"
)
_NUMERIC_DATE = re.compile(r"\b(?P<d>\d{1,2})[/-](?P<m>\d{1,2})(?:[/-](?P<y>\d{2,4}))?\b")
_WORDED_DATE = re.compile(
    rf"\b(?P<d>\d{{1,2}})\s+(?:de\s+)?(?P<m>{MONTHS}|{_MONTH_ABBR})\.?(?:\s+(?:de\s+|del\s+)?(?P<y>\d{{4}}))?\b"
)
_DAY_WORD = re.compile(r"\b(?P<w>anteayer|antes\s+de\s+ayer|antier|ayer|hoy|anoche|antenoche)\b")
# "mañana" is tomorrow unless it is the morning ("a la mañana", "esta mañana", "de mañana").
_TOMORROW = re.compile(r"(?<!\bla )(?<!\besta )(?<!\bde )(?<!\bpor )(?<!\bsu )\bmanana\b")
_WEEKDAY = re.compile(r"\b(?P<w>" + "|".join(WEEKDAYS) + r")\b(?P<last>\s+pasado)?")
# "a las 19", "a las 7 de la tarde", "19:30", "19 hs", "7 pm", "tipo 8 de la noche".
_CLOCK = re.compile(
    r"(?:\b(?:a\s+las?|tipo|como\s+a\s+las?|cerca\s+de\s+las?|eran\s+las?|a\s+eso\s+de\s+las?)\s+"
    r"(?P<h1>\d{1,2})(?:[:.](?P<m1>\d{2}))?(?:\s*(?:hs|h|hrs|horas)\b)?"
    r"|\b(?P<h2>\d{1,2})[:.](?P<m2>\d{2})\s*(?:hs|h|hrs)?\b"
    r"|\b(?P<h3>\d{1,2})\s*(?:hs|hrs)\b(?:\.)?)"
    r"(?:\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)"
    r"|\s+(?:de\s+la|a\s+la|por\s+la|en\s+la)\s+(?P<part>madrugada|manana|tarde|noche)"
    r"|\s+del\s+(?P<mediodia>mediodia))?"
)
_CLOCK_AMPM_ONLY = re.compile(r"\b(?P<h>\d{1,2})\s*(?P<ampm>am|pm)\b")
_CLOCK_PART_ONLY = re.compile(r"\b(?P<h>\d{1,2})\s+(?:de\s+la)\s+(?P<part>madrugada|manana|tarde|noche)\b")
# A part of the day on its own: "a la mañana", "esta tarde", "al mediodía", "de noche".
_PART_OF_DAY = re.compile(
    r"\b(?:a\s+la|de\s+la|por\s+la|en\s+la|esta|la|de|a)\s+(?P<part>madrugada|manana|tarde|noche|siesta)\b"
    r"|\bal\s+(?P<mediodia>mediodia)\b"
)


class OccurrenceInFuture(ValueError):
    """The moment the user gave is later than now: a loss cannot have happened yet."""

    def __init__(self, when: datetime):
        super().__init__(when.isoformat())
        self.when = when


@dataclass(frozen=True)
class Occurrence:
    """When a loss happened, in Argentina's time zone."""

    when: datetime
    time_known: bool  # False when only the day (or its part) was said


def normalise(text: str) -> str:
    """Lowercase, without accents, with single spaces: how the patterns expect text."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"\s+", " ", text).strip()


def _local(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(ARGENTINA)


def _number(word: Optional[str]) -> Optional[float]:
    if word is None:
        return 1
    if word == "media":
        return 0.5
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def _relative(text: str, now: datetime) -> Optional[datetime]:
    match = _RELATIVE.search(text)
    if not match:
        return None
    if match.group("just"):
        return now
    if match.group("vague"):
        return now - timedelta(minutes=30)
    count = _number(match.group("n"))
    unit = match.group("unit").rstrip("s") or "hs"
    seconds = UNIT_SECONDS.get(unit, UNIT_SECONDS.get(match.group("unit"), 3600))
    if count is None:
        return None
    if match.group("n") == "media" and unit != "hora":
        return None
    return now - timedelta(seconds=count * seconds)


def _absolute_date(text: str, today: date) -> Optional[date]:
    """An absolute day ("3/11", "3 de noviembre de 2023") read by dateparser, never in the future."""
    match = _NUMERIC_DATE.search(text) or _WORDED_DATE.search(text)
    if not match:
        return None
    settings = {
        "RELATIVE_BASE": datetime.combine(today, time(12)),
        "PREFER_DATES_FROM": "past",
        "DATE_ORDER": "DMY",
        "REQUIRE_PARTS": ["day", "month"],
    }
    parsed = dateparser.parse(match.group(0), languages=["es"], settings=settings)
    if parsed is None:
        return None
    day = parsed.date()
    if match.group("y") is None and day > today:
        # "el 20/12" said in January means last December.
        day = day.replace(year=day.year - 1)
    return day


def _day(text: str, today: date) -> tuple[Optional[date], Optional[str]]:
    """The day named in the text and, for "anoche", the part of the day it implies."""
    match = _DAY_WORD.search(text)
    if match:
        word = match.group("w").replace(" ", "")
        if word in ("anteayer", "antesdeayer", "antier"):
            return today - timedelta(days=2), None
        if word == "ayer":
            return today - timedelta(days=1), None
        if word == "anoche":
            return today - timedelta(days=1), "noche"
        if word == "antenoche":
            return today - timedelta(days=2), "noche"
        return today, None
    if _TOMORROW.search(text):
        return today + timedelta(days=1), None
    match = _WEEKDAY.search(text)
    if match:
        # "el sábado" said on a Monday is two days ago; said on a Saturday, a week ago.
        back = (today.weekday() - WEEKDAYS[match.group("w")]) % 7 or 7
        return today - timedelta(days=back), None
    return _absolute_date(text, today), None


def _clock(text: str, implied_part: Optional[str] = None) -> Optional[time]:
    """A time of day, disambiguated by the part of the day said beside it (or implied: "anoche")."""
    match = _CLOCK.search(text)
    if match:
        hour = int(match.group("h1") or match.group("h2") or match.group("h3"))
        minute = int(match.group("m1") or match.group("m2") or 0)
        part = match.group("part") or ("mediodia" if match.group("mediodia") else None)
        ampm = (match.group("ampm") or "").replace(".", "") or None
    else:
        match = _CLOCK_AMPM_ONLY.search(text) or _CLOCK_PART_ONLY.search(text)
        if not match:
            return None
        hour, minute = int(match.group("h")), 0
        groups = match.groupdict()
        part, ampm = groups.get("part"), groups.get("ampm")
    hour = _twenty_four(hour, part or implied_part, ampm)
    if hour is None or minute > 59:
        return None
    return time(hour, minute)


def _twenty_four(hour: int, part: Optional[str], ampm: Optional[str]) -> Optional[int]:
    """19 stays 19; "7 de la tarde" and "7 pm" become 19; "12 de la noche" is midnight."""
    if hour > 23:
        return None
    if ampm == "pm" or part in ("tarde", "noche"):
        if hour == 12 and part == "noche":
            return 0
        if hour < 12 and not (part == "noche" and hour <= 4):
            return hour + 12
    if (ampm == "am" or part in ("manana", "madrugada")) and hour == 12:
        return 0
    return hour


def _part_of_day(text: str) -> Optional[str]:
    # "mañana" alone is tomorrow; only "a la mañana"/"esta mañana" is the morning.
    match = _PART_OF_DAY.search(text)
    if not match:
        return None
    return "mediodia" if match.group("mediodia") else match.group("part")


def find_occurrence(text: str, now: datetime) -> Optional[Occurrence]:
    """Find when the loss happened in a message (possibly a long one); None if it does not say.

    Raises ``OccurrenceInFuture`` when the moment found is later than ``now``.
    """
    now = _local(now)
    clean = normalise(text)
    relative = _relative(clean, now)
    if relative is not None:
        return _checked(Occurrence(when=relative.replace(second=0, microsecond=0), time_known=True), now)

    day, implied_part = _day(clean, now.date())
    part = _part_of_day(clean) or implied_part
    clock = _clock(clean, implied_part)
    if day is None and clock is None and part is None:
        return None
    day = day or now.date()
    try:
        return _on(day, clock, part, now)
    except OccurrenceInFuture:
        if day == now.date() and now.time() < DAWN:  # "hoy a la mañana" said at 1 a.m.: the day that just ended
            return _on(day - timedelta(days=1), clock, part, now)
        raise


def _on(day: date, clock: Optional[time], part: Optional[str], now: datetime) -> Occurrence:
    """The moment said on ``day``: at its clock time, in its part of the day, or the day alone."""
    if clock is None and part is None:
        noon = datetime.combine(day, time(12), ARGENTINA)
        return _checked(Occurrence(when=noon, time_known=False), now, day_only=True)
    if clock is not None:
        return _checked(Occurrence(when=datetime.combine(day, clock, ARGENTINA), time_known=True), now)
    when = datetime.combine(day, time(PART_OF_DAY_HOURS[part]), ARGENTINA)
    begins = datetime.combine(day, time(PART_OF_DAY_STARTS[part]), ARGENTINA)
    if begins <= now < when:
        when = now.replace(second=0, microsecond=0)
    return _checked(Occurrence(when=when, time_known=False), now)


def parse_occurrence(text: str, now: datetime) -> Optional[Occurrence]:
    """Read an answer to "¿cuándo pasó?": the patterns first, then dateparser on the whole answer.

    Raises ``OccurrenceInFuture`` when the answer names a moment later than ``now``.
    """
    found = find_occurrence(text, now)
    if found is not None:
        return found
    now = _local(now)
    settings = {
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "PREFER_DATES_FROM": "past",
        "DATE_ORDER": "DMY",
        "TIMEZONE": str(ARGENTINA),
        "TO_TIMEZONE": str(ARGENTINA),
        "RETURN_AS_TIMEZONE_AWARE": True,
    }
    parsed = dateparser.parse(normalise(text), languages=["es"], settings=settings)
    if parsed is None:
        return None
    return _checked(Occurrence(when=parsed.astimezone(ARGENTINA), time_known=True), now)


def _checked(occurrence: Occurrence, now: datetime, day_only: bool = False) -> Occurrence:
    if day_only:
        # A day without a time is fine as long as the day is not after today.
        if occurrence.when.date() > now.date():
            raise OccurrenceInFuture(occurrence.when)
        if occurrence.when > now:
            return Occurrence(when=now.replace(second=0, microsecond=0), time_known=False)
        return occurrence
    if occurrence.when > now + FUTURE_TOLERANCE:
        raise OccurrenceInFuture(occurrence.when)
    return occurrence
