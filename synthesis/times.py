"""Submission times as consultation exports write them (issue 5): :func:`parse_time` and :func:`parse_clock`
read ISO 8601, French day-first dates, words, spreadsheet serials, epochs and zone names; :func:`instant` and
:func:`wall_clock` put times written with and without an offset on one clock (Paris local time). Split from
``synthesis.origin``, which flags bursts and campaigns' time windows with them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from datetime import time as dt_time
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from synthesis.prepare import fold_letters

# "06/02/2019 23:54:17", "6/2/2019 14h30", "12/03/19", "12.03.2019 à 14:30", "12 mars 2019 à 14 h 30": French
# writes the day first. A time of day follows the date after a space, "T", a comma, "à" (accents folded:
# "a") or " - " (as Drupal's webforms, hence Framaforms, write "12/03/2019 - 14:15"); "14h" is 14:00; a
# fraction of a second ("14:15:37,123") is dropped.
_CLOCK_PART = (
    r"(?:(?:[ T,]|\s*,?\s*a|\s+-\s+)\s*(\d{1,2})\s*"
    r"(?::(\d{2})(?::(\d{2})(?:[.,]\d{1,6})?)?|h\s*(\d{2})?(?:\s*min)?))?"
)
_DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})" + _CLOCK_PART)
_YEAR_FIRST = re.compile(r"(\d{4})([/.-])(\d{1,2})\2(\d{1,2})" + _CLOCK_PART)  # "2019/03/12": never Y/D/M
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        (
            "janvier janv",
            "fevrier fevr fev",
            "mars",
            "avril avr",
            "mai",
            "juin",
            "juillet juil",
            "aout",
            "septembre sept",
            "octobre oct",
            "novembre nov",
            "decembre dec",
        )
    )
    for m in names.split()
}
# English months, as English-language software writes them ("28 Nov 2026", "Nov 28, 2026", "28-Nov-26")
_MONTHS |= {
    m: i + 1
    for i, names in enumerate(
        "january jan|february feb|march mar|april apr|may|june jun|july jul|august aug|september sep sept|"
        "october oct|november nov|december dec".split("|")
    )
    for m in names.split()
}
_WEEKDAY = (
    r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
)
# "28 nov. 2026", "1er février 2019 à 14h", "28-Nov-26" (a spreadsheet's English format), "Sat, 28 Nov 2026"
_WORDS = re.compile(_WEEKDAY + r"(\d{1,2})(?:er)?(?:\s+|-)([a-z]+)\.?(?:\s+|-)(\d{4}|\d{2})" + _CLOCK_PART)
# "Nov 28, 2026", "November 28th, 2026 2:03 PM", "Sat Nov 28 2026 14:03:00" (JavaScript's Date): month first
_MONTH_WORD_FIRST = re.compile(
    _WEEKDAY + r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _CLOCK_PART
)
_CLOCK = re.compile(r"\d[ T]\d{1,2}:?\d{2}")  # ISO 8601's time of day after its date


def _two_digit_year(year: str) -> int:
    """A year as written: "19" is 2019, "98" 1998 (POSIX's pivot, as ``strptime``'s ``%y``)."""
    return int(year) if len(year) == 4 else int(year) + (1900 if int(year) >= 69 else 2000)


# "03/12/2019", "le 03/12/2019": day or month first?
_NUMERIC_DAY_MONTH = re.compile(r"\s*(?:le\s+)?(\d{1,2})[/.-](\d{1,2})[/.-]\d", re.IGNORECASE)


def month_first_only(value: str | None) -> bool:
    """Whether ``value`` is a numeric date that only reads month first ("12/25/2019"): a file holding one
    writes its dates month first, as American software does."""
    m = _NUMERIC_DAY_MONTH.match(value or "")
    return m is not None and int(m[1]) <= 12 < int(m[2]) <= 31


def either_way(value: str | None) -> bool:
    """Whether ``value`` is a numeric date that reads as two days, day first or month first ("03/12/2019":
    3 December or 12 March; "05/05/2019" is one day either way)."""
    m = _NUMERIC_DAY_MONTH.match(value or "")
    return m is not None and int(m[1]) <= 12 and int(m[2]) <= 12 and m[1].lstrip("0") != m[2].lstrip("0")


def day_first_only(value: str | None) -> bool:
    """Whether ``value`` is a numeric date that only reads day first ("25/12/2019")."""
    m = _NUMERIC_DAY_MONTH.match(value or "")
    return m is not None and int(m[2]) <= 12 < int(m[1]) <= 31


def unconfirmed_order(values: Iterable[str | None]) -> bool:
    """Whether the numeric dates of one consultation read day first by the rule only: some read either way
    ("03/12/2019") and none reads one way only ("25/12/2019", "12/25/2019"), every day of the file being at
    most 12. They are read day first, as French writes them, and the report says so rather than guessing
    silently (a file of the first twelve days of a month written month first would be misread)."""
    values = list(values)
    return any(either_way(v) for v in values) and not any(
        day_first_only(v) or month_first_only(v) for v in values
    )


def doubtful_order(values: Iterable[str | None]) -> bool:
    """Whether the dates of one consultation cannot all be read day first: some only read month first
    ("12/25/2019"), so that those reading either way ("03/12/2019") would be silently misread as day first."""
    return any(month_first_only(v) for v in values)


# "2019-01-17 10:38:20 UTC" (as Ruby on Rails, hence Decidim, writes times), "... GMT", "... CET", "... CEST",
# "... UTC+1" or "... GMT+02:00" (as Google Forms writes its timestamps)
_ZONE_NAME = re.compile(
    r"\s*(?:\b(utc|gmt|cet|cest)|(?<=:\d\d)\s(?=[+-]\d{2}:?\d{2}$))(?:\s*([+-])(\d{1,2})(?::?(\d{2}))?)?$",
    re.IGNORECASE,
)
# "(heure normale d’Europe centrale)", "(Central European Standard Time)": the zone's name JavaScript adds
_ZONE_WORDS = re.compile(r"\s*\([^()\d]*\)$")
# "2019-03-12 14:15:37 Europe/Paris": a time zone's IANA name after the time
_ZONE_KEY = re.compile(r"\s+([A-Za-z]+(?:/[A-Za-z_+-]+){1,2})$")
_ZONE_HOURS = {"utc": 0, "gmt": 0, "cet": 1, "cest": 2}
_HALF_DAY = re.compile(r"\s+([ap])\.?m\.?$", re.IGNORECASE)  # "2:15:37 PM", as English software writes it


# A software's zero date, written where no date was stored: the Unix epoch, spreadsheets' days 0 and 1 (Excel's
# "00/01/1900" is 1899-12-31 or 1899-12-30 once converted, day 1 1900-01-01), .NET's and SQL's minimum
ZERO_DATES = frozenset(
    datetime(*ymd) for ymd in ((1970, 1, 1), (1899, 12, 30), (1899, 12, 31), (1900, 1, 1), (1, 1, 1))
)


def _read_dated(value: str | None, doubtful: bool = False) -> tuple[datetime, bool] | None:
    """:func:`_read_time`, a time that no clock can convert (next to year 1 or 9999: "9999-12-31T23:59:59-05:00",
    beyond datetime's range in UTC or Paris time) or a zero date at midnight (:data:`ZERO_DATES`, as written
    or in UTC: "1970-01-01T00:00:00Z", "0") read as no date: not a failed report, nor a submission at the epoch
    that stretches every campaign's time window over 50 years."""
    read = _read_time(value, doubtful)
    if read is None:
        return None
    try:
        utc = instant(read[0])
        wall_clock(read[0])
    except (OverflowError, ValueError):
        return None
    written = read[0].replace(tzinfo=None)
    return None if written in ZERO_DATES or (read[0].tzinfo is not None and utc in ZERO_DATES) else read


# The longest value read as a time ("Sat Nov 28 2026 14:03:00 GMT+0100 (heure normale d'Europe centrale)" has
# 68): a longer one is no date, and the zone patterns, searched from each position, would take a time quadratic
# in its length (0.5 s at 3,000 characters, minutes at the 131,072 a CSV field may hold)
MAX_TIME_CHARS = 120


def _read_time(value: str | None, doubtful: bool = False) -> tuple[datetime, bool] | None:
    """:func:`parse_time`'s date-time and whether the value gave a time of day; a time zone's name after it
    (``UTC``, ``GMT``, ``CET``, ``CEST``, perhaps with an offset: ``UTC+1``) gives its offset."""
    if not value or len(value.strip()) > MAX_TIME_CHARS or (doubtful and either_way(value)):
        return None
    text = _ZONE_WORDS.sub("", value.strip())
    if (key := _ZONE_KEY.search(text)) is not None and key.start() > 0:
        return _read_in_zone(text[: key.start()], key[1], doubtful)
    if (zone := _ZONE_NAME.search(text)) is None or zone.start() == 0:
        return _read_half_day(text, doubtful)
    read = _read_half_day(text[: zone.start()], doubtful)
    if read is None or read[0].tzinfo is not None:
        return read
    name, sign, hours, minutes = zone.groups()
    shift = timedelta(hours=_ZONE_HOURS[(name or "utc").casefold()])  # " +0100": an offset alone
    if sign:
        shift += (-1 if sign == "-" else 1) * timedelta(hours=int(hours), minutes=int(minutes or 0))
    if abs(shift) >= timedelta(hours=24):
        return None
    return read[0].replace(tzinfo=timezone(shift)), read[1]


def _read_in_zone(text: str, key: str, doubtful: bool) -> tuple[datetime, bool] | None:
    """:func:`_read_half_day` of a time written before a time zone's IANA name ("Europe/Paris"), in that zone;
    None when the zone is unknown."""
    try:
        zone = ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    read = _read_half_day(text, doubtful)
    if read is None or read[0].tzinfo is not None:
        return read
    return read[0].replace(tzinfo=zone), read[1]


def _read_half_day(text: str, doubtful: bool) -> tuple[datetime, bool] | None:
    """:func:`_read_written`, with a 12-hour clock's "AM" / "PM" after the time of day ("2:15:37 PM")."""
    if (half := _HALF_DAY.search(text)) is None:
        return _read_written(text, doubtful)
    read = _read_written(text[: half.start()], doubtful)
    if read is None or not read[1] or not 1 <= read[0].hour <= 12:
        return None
    hour = read[0].hour % 12 + (12 if half[1].casefold() == "p" else 0)
    return read[0].replace(hour=hour), True


# a number in a date column: seconds (10 digits) or milliseconds (13) since 1970, perhaps with a fraction
# ("1552400000.123"), or a spreadsheet's date serial ("43536", "43536.59": days since 1899-12-30, as Excel and
# LibreOffice count them, written into a CSV from a date cell formatted as a number)
_EPOCH = re.compile(r"(\d{10}|\d{13})(?:[.,](\d{1,6}))?")
_SERIAL = re.compile(r"(\d{5})(?:[.,](\d+))?")
SERIAL_DAYS = (20_000, 80_000)  # 1954-10-03 to 2119-01-10: a serial outside reads as no date
_SERIAL_EPOCH = datetime(1899, 12, 30)


def _read_number(text: str) -> tuple[datetime, bool] | None:
    """:func:`_read_written` of a number: since 1970 (UTC) or a spreadsheet's date serial (local time, with a
    time of day when it has a fraction); None when it is neither."""
    if (m := _EPOCH.fullmatch(text)) is not None:
        seconds = int(m[1]) / (1000 if len(m[1]) == 13 else 1) + float(f"0.{m[2] or 0}") / (
            1000 if len(m[1]) == 13 else 1
        )
        try:
            moment = datetime.fromtimestamp(int(seconds), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
        return moment.replace(microsecond=round((seconds % 1) * 1_000_000) % 1_000_000), True
    if (m := _SERIAL.fullmatch(text)) is not None and SERIAL_DAYS[0] <= int(m[1]) <= SERIAL_DAYS[1]:
        fraction = float(f"0.{m[2] or 0}")
        moment = _SERIAL_EPOCH + timedelta(days=int(m[1]), seconds=round(fraction * 86_400))
        return moment, bool(fraction)
    return None


def _read_written(text: str, doubtful: bool) -> tuple[datetime, bool] | None:
    if _EPOCH.fullmatch(text) or _SERIAL.fullmatch(text):
        return _read_number(text)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")), _CLOCK.search(text) is not None
    except ValueError:
        pass
    folded = re.sub(r"^le\s+", "", fold_letters(text).casefold())  # "le 12/03/2019 à 14h15"
    if (m := _DAY_FIRST.fullmatch(folded)) is not None:
        day, month, year = int(m[1]), int(m[3]), _two_digit_year(m[4])
        if doubtful and month_first_only(folded):  # a file written month first: this one reads so only
            day, month = month, day
    elif (m := _YEAR_FIRST.fullmatch(folded)) is not None:
        year, month, day = int(m[1]), int(m[3]), int(m[4])
    elif (m := _WORDS.fullmatch(folded)) is not None and m[2] in _MONTHS:
        day, month, year = int(m[1]), _MONTHS[m[2]], _two_digit_year(m[3])
    elif (m := _MONTH_WORD_FIRST.fullmatch(folded)) is not None and m[1] in _MONTHS:
        month, day, year = _MONTHS[m[1]], int(m[2]), int(m[3])
    else:
        return None
    hour, minute, second, h_minute = m.groups()[-4:]
    try:
        moment = datetime(year, month, day, int(hour or 0), int(minute or h_minute or 0), int(second or 0))
    except ValueError:  # "25/12/2019" read month first, "31/02/2019": unreadable, never another date
        return None
    return moment, hour is not None


def parse_time(value: str | None, doubtful: bool = False) -> datetime | None:
    """An ISO 8601 timestamp as written (``Z`` accepted; with its offset when it has one), or a French
    day-first one: "06/02/2019 23:54", "06.02.19" (a two-digit year in 1969-2068), "6 février 2019 à 14 h
    30", "2019/02/06", English months ("28 Nov 2026", "Nov 28, 2026", "28-Nov-26", "Sat, 28 Nov 2026
    14:03:00 +0100" as e-mail writes it, "Sat Nov 28 2026 14:03:00 GMT+0100 (...)" as JavaScript does), seconds
    (10 digits) or milliseconds (13) since 1970, UTC, perhaps with a fraction, as a "timestamp" column holds
    them, or a spreadsheet's date serial (5 digits in :data:`SERIAL_DAYS`, days since 1899-12-30, local time),
    each perhaps followed by a 12-hour clock's "AM" / "PM" and by its time zone's name or a bare offset
    ("2019-01-17 10:38:20 UTC" as Decidim writes times, "2019/01/17 2:15:37 PM GMT+1" as Google Forms does);
    None when unreadable. Day first is the rule: "03/12/2019" is 3 December, never March
    12, and "12/25/2019", which only reads month first, is unreadable, not some other day. Hours are shown and
    binned in Paris time (:func:`wall_clock`): an export's "10:38:00+01:00" is at 10 h 38, not 9 h 38 UTC, and
    a Polis comment's UTC "12:20:00+00:00" of July at 14 h 20. ``doubtful`` (:func:`doubtful_order`: the
    consultation also holds dates that only read month first): each numeric date is read the only way it
    reads ("12/25/2019" month first, "25/12/2019" day first), and one that reads either way
    (:func:`either_way`, "03/12/2019") is unreadable, never guessed."""
    read = _read_dated(value, doubtful)
    return read[0] if read else None


def parse_clock(value: str | None, doubtful: bool = False) -> datetime | None:
    """:func:`parse_time` where ``value`` gives a time of day, else None: a date alone ("2019-02-06") reads
    as midnight, and a day's submissions at 0 h would make a "burst" of each busy day."""
    read = _read_dated(value, doubtful)
    return read[0] if read and read[1] else None


def days_only(times: Sequence[datetime]) -> bool:
    """Every time at 00:00:00 as written, or every one at midnight in Paris time: days that a spreadsheet's
    date cells wrote as date-times ("2019-02-06T00:00:00"), or that an export turned into UTC instants of their
    local midnight ("2019-02-05T23:00:00.000Z", as JavaScript's dates of a day are written), no time of day,
    which would put each day's submissions in one midnight hour."""
    midnight = dt_time()
    return bool(times) and (
        all(t.replace(tzinfo=None).time() == midnight for t in times)
        or all(wall_clock(t).time() == midnight for t in times)
    )


def instant(t: datetime) -> datetime:
    """``t`` as naive UTC, to order and measure times written with different offsets; a naive ``t`` is the
    French local time the export shows (:func:`wall_clock`), so that a file mixing "10:30" and "09:00Z" (11 h
    in Paris) orders them as they happened, not as if the naive time were UTC."""
    zoned = t if t.tzinfo is not None else t.replace(tzinfo=local_zone())
    return zoned.astimezone(UTC).replace(tzinfo=None)


LOCAL_TIME_ZONE = "Europe/Paris"  # the consultation's readers' time: French legal time, summer time included


@cache
def local_zone() -> ZoneInfo:
    """:data:`LOCAL_TIME_ZONE` from the system's zoneinfo database, else the ``tzdata`` package's."""
    return ZoneInfo(LOCAL_TIME_ZONE)


def wall_clock(t: datetime) -> datetime:
    """The French local time of ``t``, naive: a time written with its offset is converted to Paris time
    ("10:38:00+01:00" is 10:38 in January; a Polis comment's UTC "2019-07-01T12:00:00+00:00" is 14:00, summer
    time), one written without is taken as written, the local time the export shows. The night the clocks go
    back, 2 h to 3 h comes twice and its submissions are counted in one local hour (an hour of bursts'
    baseline at most doubled, at night)."""
    return t if t.tzinfo is None else t.astimezone(local_zone()).replace(tzinfo=None)
