"""Participant-origin flags and per-theme breakdowns (issue 5). Flags describe; they never remove.

Per question (:func:`annotate_origin`): campaigns among kept contributions (``synthesis.duplicates``), each
member's flags and 1/N weight, and each theme's :class:`schemas.OriginBreakdown`. Per consultation
(:func:`annotate_consultation`): submission bursts, participation per 10,000 inhabitants, absent or strongly
over/under-represented territories, channels, and each theme's territory index against the whole consultation.

Counting rules: a contribution without author counts as one distinct (unknown) author and weighs 1; an author
with N kept answers to a question weighs 1/N on each, so an author's weights sum to 1 per question.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from datetime import time as dt_time
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from schemas import Campaign, CampaignMember, Cluster, QuestionReport, Report, RunSettings
from schemas.report import CampaignVariant, OriginBreakdown
from synthesis import territory
from synthesis.duplicates import EXACT, CampaignDetector, CampaignGroup
from synthesis.prepare import dedup_key, fold_letters
from synthesis.records import AuthorType, Contribution, anonymous_participants, submission_key
from synthesis.shingles import without_question

VERY_ACTIVE = "very_active_author"
OUTSIDE_TERRITORY = "outside_territory"
UNKNOWN = "inconnu"
BURST_MADS = 5.0  # an hour is a burst above median + 5 robust standard deviations
BURST_MIN = 10  # ... and with at least this many submissions
_TYPE_FLAGS = {
    AuthorType.ORGANISATION: ("organisation",),
    AuthorType.ORGANISATION_PROFIT: ("organisation", "organisation:for_profit"),
    AuthorType.ORGANISATION_NONPROFIT: ("organisation", "organisation:non_profit"),
    AuthorType.ELECTED_OR_INSTITUTION: ("elected_or_institution",),
}


def campaign_flag(campaign_id: str) -> str:
    return f"campaign:{campaign_id}"


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


_NUMERIC_DAY_MONTH = re.compile(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d")  # "03/12/2019": day or month first?


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


def _read_time(value: str | None, doubtful: bool = False) -> tuple[datetime, bool] | None:
    """:func:`parse_time`'s date-time and whether the value gave a time of day; a time zone's name after it
    (``UTC``, ``GMT``, ``CET``, ``CEST``, perhaps with an offset: ``UTC+1``) gives its offset."""
    if not value or (doubtful and either_way(value)):
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
    """Every time at 00:00:00 as written: days that a spreadsheet's date cells wrote as date-times
    ("2019-02-06T00:00:00"), no time of day, which would put each day's submissions in one midnight hour."""
    return bool(times) and all(t.replace(tzinfo=None).time() == dt_time() for t in times)


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


def author_weights(items: Sequence[Contribution]) -> list[float]:
    """1/N per contribution, N = its author's contributions in ``items``; 1 without author."""
    n = Counter(c.author_ref for c in items if c.author_ref is not None)
    return [1.0 / n[c.author_ref] if c.author_ref is not None else 1.0 for c in items]


def distinct_authors(items: Iterable[Contribution]) -> tuple[int, int]:
    """(distinct authors, contributions without author); the contributions without author count as their
    submissions (:func:`synthesis.records.anonymous_participants`): an anonymous Grand Débat row pasting one
    text into five questions is one author, not five."""
    items = list(items)
    unknown = sum(1 for c in items if c.author_ref is None)
    known = len({c.author_ref for c in items if c.author_ref is not None})
    return known + anonymous_participants(items), unknown


def word_diff(template: str, text: str, max_chars: int = 200) -> str:
    """A short word-level diff of ``text`` against ``template``: ``-removed`` / ``+added`` fragments in the
    texts' own words, compared as copies are (``dedup_key``: case, accents and punctuation aside), so that a
    variant's diff shows the words it changed, not « -«taxe» +«Taxe» » beside them."""
    a = [w for w in template.split() if dedup_key(w)]
    b = [w for w in text.split() if dedup_key(w)]
    keys_a, keys_b = [dedup_key(w) for w in a], [dedup_key(w) for w in b]
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=keys_a, b=keys_b, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            parts.append("-«" + " ".join(a[i1:i2]) + "»")
        if op in ("replace", "insert"):
            parts.append("+«" + " ".join(b[j1:j2]) + "»")
    out = " ".join(parts) or "="
    return out if len(out) <= max_chars else out[: max_chars - 1] + "…"


def densest_window(timestamps: Sequence[float], width: float = 3600.0) -> tuple[int, int]:
    """Start (index in sorted ``timestamps``) of the densest ``width``-second window starts, and its count."""
    t = np.sort(np.asarray(timestamps, dtype=float))
    if not len(t):
        return -1, 0
    ends = np.searchsorted(t, t + width, side="left")
    counts = ends - np.arange(len(t))
    best = int(np.argmax(counts))
    return best, int(counts[best])


def _set_times(campaign: Campaign, members: Sequence[Contribution], doubtful: bool = False) -> Campaign:
    """First and last timestamps of a campaign and its densest one-hour window (when times of day are
    known: :func:`parse_clock`); ``doubtful``: see :func:`parse_time`."""
    times = sorted(
        (t for t in (parse_time(c.created_at, doubtful) for c in members) if t is not None), key=instant
    )
    campaign.first_seen = campaign.last_seen = campaign.densest_hour = None
    campaign.densest_hour_count = 0
    if times:
        campaign.first_seen, campaign.last_seen = times[0].isoformat(), times[-1].isoformat()
    clocks = sorted(
        (t for t in (parse_clock(c.created_at, doubtful) for c in members) if t is not None), key=instant
    )
    if clocks and not days_only(clocks):
        start, count = densest_window([(instant(t) - instant(clocks[0])).total_seconds() for t in clocks])
        campaign.densest_hour, campaign.densest_hour_count = clocks[start].isoformat(), count
    return campaign


def build_campaign(
    campaign_id: str,
    group: CampaignGroup,
    kept: Sequence[Contribution],
    vectors: np.ndarray | None,
    cluster_of: Mapping[str, str],
) -> Campaign:
    """The report entry of one detected group (see :class:`schemas.Campaign`)."""
    members = [kept[i] for i in group.members]
    template = kept[group.template].text
    t_vec = vectors[group.template] if vectors is not None else None
    variants: dict[str, list[int]] = {}
    for pos, i in enumerate(group.members):
        variants.setdefault(dedup_key(kept[i].text), []).append(pos)
    diffs = {
        k: (None if group.kinds[p[0]] == EXACT else word_diff(template, kept[group.members[p[0]]].text))
        for k, p in variants.items()
    }
    entries = []
    for i in group.members:
        c = kept[i]
        sim = None if t_vec is None or vectors is None else round(float(vectors[i] @ t_vec), 6)
        entries.append(
            CampaignMember(
                contribution_id=c.contribution_id,
                source_id=c.source_id,
                similarity=sim,
                diff=diffs[dedup_key(c.text)],
            )
        )
    n_authors, unknown = distinct_authors(members)
    themes = Counter(cluster_of[c.contribution_id] for c in members if c.contribution_id in cluster_of)
    variant_list = sorted(
        (
            CampaignVariant(
                text=kept[group.members[p[0]]].text,
                count=len(p),
                kind=group.kinds[p[0]],
                diff=diffs[k],
                contribution_ids=[members[q].contribution_id for q in p],
            )
            for k, p in variants.items()
        ),
        key=lambda v: (v.kind != EXACT, -v.count, v.contribution_ids[0]),
    )
    campaign = Campaign(
        campaign_id=campaign_id,
        size=len(members),
        distinct_authors=n_authors,
        authors_unknown=unknown,
        template=template,
        members=entries,
        kind=group.kind,
        cluster_ids=[k for k, _ in sorted(themes.items(), key=lambda kv: (-kv[1], kv[0]))],
        variants=variant_list,
    )
    return _set_times(campaign, members)


def campaign_texts(kept: Sequence[Contribution]) -> list[str]:
    """The texts campaigns are looked for in: each answer without the words of its question that it quotes
    (``synthesis.shingles.without_question``)."""
    return [without_question(c.text, c.question_text) for c in kept]


def fit_detector(texts: Sequence[str], vectors: np.ndarray | None, settings: RunSettings) -> CampaignDetector:
    """The campaign detector of one question, fitted on its kept texts (and their vectors, when given)."""
    return CampaignDetector(
        min_size=settings.campaign_min_size,
        min_words=settings.campaign_min_words,
        near_threshold=settings.campaign_near_threshold,
        semantic_threshold=settings.campaign_semantic_threshold,
        random_state=settings.random_state,
    ).fit(list(texts), vectors)


def copies_across_questions(
    kept_by_question: Mapping[str, Sequence[Contribution]], settings: RunSettings
) -> dict[str, str]:
    """Contribution id → ``x<k>`` for each text copied into several questions (issue 5).

    A text (one ``dedup_key``, of ``campaign_min_words`` words at least) posted in two questions or more by
    ``campaign_min_size`` distinct authors in all is one campaign even where each question holds too few of
    its copies to show one: the same comment under ten Decidim debates, two Grand Débat questions with four
    copies each. Ids ``x1``, ``x2``… go by decreasing number of copies, ties by the copied text's key: never
    by the order of the questions, which the pipeline (every question) and :func:`annotate_consultation`
    (questions in order of their first kept answer) do not share, so that both give a text the same id.
    """
    by_key: dict[str, list[Contribution]] = {}
    for kept in kept_by_question.values():
        for c in kept:
            key = dedup_key(without_question(c.text, c.question_text))
            if len(key.split()) >= settings.campaign_min_words:
                by_key.setdefault(key, []).append(c)
    groups = sorted(
        (
            (key, copies)
            for key, copies in by_key.items()
            if len({c.question_id for c in copies}) > 1
            and distinct_authors(copies)[0] >= settings.campaign_min_size
        ),
        key=lambda kc: (-len(kc[1]), kc[0]),
    )
    return {c.contribution_id: f"x{k + 1}" for k, (_, copies) in enumerate(groups) for c in copies}


def _question_groups(
    kept: Sequence[Contribution],
    detector: CampaignDetector,
    settings: RunSettings,
    across: Mapping[str, str],
) -> list[CampaignGroup]:
    """The detector's groups written by ``campaign_min_size`` distinct authors or holding a text copied into
    other questions (:func:`copies_across_questions`), and the rest of those copies as exact groups."""
    groups = [
        g
        for g in detector.groups_
        if distinct_authors(kept[i] for i in g.members)[0] >= settings.campaign_min_size
        or any(kept[i].contribution_id in across for i in g.members)
    ]
    taken = {i for g in groups for i in g.members}
    rest: dict[str, list[int]] = {}
    for i, c in enumerate(kept):
        if i not in taken and c.contribution_id in across:
            rest.setdefault(across[c.contribution_id], []).append(i)
    groups += [CampaignGroup(tuple(m), (EXACT,) * len(m), m[0]) for m in rest.values()]
    return sorted(groups, key=lambda g: (-len(g.members), g.members[0]))


def detect_campaigns(
    question_id: str,
    kept: Sequence[Contribution],
    vectors: np.ndarray | None,
    settings: RunSettings,
    cluster_of: Mapping[str, str] | None = None,
    detector: CampaignDetector | None = None,
    across: Mapping[str, str] | None = None,
) -> tuple[list[Campaign], CampaignDetector]:
    """Campaigns among the kept contributions of one question, ids ``<question_id>-c<k>`` largest first.

    A group of copies is a campaign when ``campaign_min_size`` distinct authors wrote it (each contribution
    without author counting as one): one author pasting a text six times is a very active author, not a
    campaign of six participants. ``across`` (:func:`copies_across_questions`) adds the copies of texts
    posted into other questions too, however few here; each campaign names them in ``across_questions``.

    ``detector``: one already fitted by :func:`fit_detector` on these texts and vectors (in a worker process,
    see ``synthesis.background``); fitted here otherwise.
    """
    usable = vectors if vectors is not None and len(vectors) == len(kept) and len(kept) else None
    detector = detector or fit_detector(campaign_texts(kept), usable, settings)
    across = across or {}
    campaigns = []
    for k, g in enumerate(_question_groups(kept, detector, settings, across)):
        campaign = build_campaign(f"{question_id}-c{k + 1}", g, kept, usable, cluster_of or {})
        shared = Counter(x for i in g.members if (x := across.get(kept[i].contribution_id)))
        campaign.across_questions = [x for x, _ in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))]
        campaigns.append(campaign)
    return campaigns, detector


def all_clusters(clusters: Iterable[Cluster]) -> Iterable[Cluster]:
    """Every theme of ``clusters`` and, after each, its sub-themes (at any depth)."""
    for cl in clusters:
        yield cl
        yield from all_clusters(cl.subclusters)


def member_flags(
    c: Contribution, n_answers: int, settings: RunSettings, campaign_id: str | None
) -> list[str]:
    """The short stable flag codes of one contribution (see the module docstring)."""
    flags = [campaign_flag(campaign_id)] if campaign_id else []
    flags += _TYPE_FLAGS.get(c.author_type, ())
    if c.author_ref is not None and n_answers > settings.active_author_threshold:
        flags.append(VERY_ACTIVE)
    if (
        settings.territory
        and territory.in_territory(territory.locate(c.zipcode), settings.territory) is False
    ):
        flags.append(OUTSIDE_TERRITORY)
    return flags


def _shares(counts: Mapping[str, int], total: int) -> dict[str, float]:
    return {k: round(v / total, 4) for k, v in sorted(counts.items())} if total else {}


def breakdown(
    members: Sequence[Contribution],
    weights: Mapping[str, float],
    campaign_of: Mapping[str, str],
    settings: RunSettings,
) -> OriginBreakdown:
    """Who speaks in one theme: sizes three ways, with and without campaigns, types, territories (by
    :func:`synthesis.territory.place_key`: département, collectivité d'outre-mer, abroad or unknown), channels."""
    n = len(members)
    free = [c for c in members if c.contribution_id not in campaign_of]
    camp_counts = Counter(campaign_of[c.contribution_id] for c in members if c.contribution_id in campaign_of)
    types = Counter(c.author_type.value for c in members)
    places = Counter(territory.place_key(territory.locate(c.zipcode)) for c in members)
    outside = None
    if settings.territory:
        outside = sum(1 for c in members if OUTSIDE_TERRITORY in member_flags(c, 0, settings, None))
    authors, unknown = distinct_authors(members)
    return OriginBreakdown(
        contributions=n,
        distinct_authors=authors,
        authors_unknown=unknown,
        weighted=round(sum(weights[c.contribution_id] for c in members), 6),
        without_campaigns=len(free),
        weighted_without_campaigns=round(sum(weights[c.contribution_id] for c in free), 6),
        campaigns_counted_once=len(free) + len(camp_counts),
        author_types=dict(sorted(types.items())),
        author_type_shares=_shares(types, n),
        territories=dict(sorted(places.items())),
        territory_shares=_shares(places, n),
        channels=dict(sorted(Counter(c.channel or UNKNOWN for c in members).items())),
        campaigns=[
            {"campaign_id": k, "count": v}
            for k, v in sorted(camp_counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        outside_territory=outside,
    )


def annotate_origin(
    question: QuestionReport,
    items: Sequence[Contribution],
    kept: Sequence[Contribution],
    vectors: np.ndarray,
    settings: RunSettings,
    detector: CampaignDetector | None = None,
    across: Mapping[str, str] | None = None,
) -> None:
    """Add campaigns, member flags and weights, and each theme's origin breakdown to ``question`` (in place).

    ``items`` are all the question's contributions, ``kept`` those clustered (rows of ``vectors``).
    Campaigns are looked for among ``kept`` only: excluded texts (« RAS ») are not copies of anything.
    ``detector`` and ``across``: see :func:`detect_campaigns`.
    """
    cluster_of = {m.contribution_id: cl.cluster_id for cl in question.clusters for m in cl.members}
    campaigns, detector = detect_campaigns(
        question.question_id, kept, vectors, settings, cluster_of, detector, across
    )
    question.campaigns = campaigns
    campaign_of, weights, n_answers = _annotate_placed(question, kept, settings)
    very_active = [a for a, k in n_answers.items() if k > settings.active_author_threshold]
    authors, without_author = distinct_authors(kept)
    # an answer that only quotes the question is no short answer either (its text, the question, is long)
    quoted = {
        i
        for g in detector.short_repeats_
        if not without_question(kept[g[0]].text, question.question_text)
        for i in g
    }
    short = sorted((g for g in detector.short_repeats_ if g[0] not in quoted), key=lambda g: (-len(g), g[0]))
    question.origin = {
        "campaigns": len(campaigns),
        "in_campaigns": len(campaign_of),
        "kept": len(kept),
        "excluded": len(items) - len(kept),
        "distinct_authors": authors,
        "without_author": without_author,
        "weighted": round(sum(weights.values()), 6),
        "very_active_authors": len(very_active),
        "very_active_contributions": sum(n_answers[a] for a in very_active),
        "author_types": dict(sorted(Counter(c.author_type.value for c in kept).items())),
        "channels": dict(sorted(Counter(c.channel or UNKNOWN for c in kept).items())),
        # "given word for word by several people": one author repeating "Oui" is not several people
        "repeated_short_answers": [
            {"text": kept[g[0]].text, "count": len(g), "distinct_authors": a}
            for g, a in ((g, distinct_authors(kept[i] for i in g)[0]) for g in short)
            if a > 1
        ][:10],
    }


def _annotate_placed(
    question: QuestionReport, kept: Sequence[Contribution], settings: RunSettings
) -> tuple[dict[str, str], dict[str, float], Counter[str]]:
    """Each member's and « non classée » item's flags and 1/N weight, and each theme's breakdown, from the
    question's kept contributions and its campaigns; returns (campaign of, weights, answers per author)."""
    campaign_of = {m.contribution_id: cp.campaign_id for cp in question.campaigns for m in cp.members}
    weights = dict(zip((c.contribution_id for c in kept), author_weights(kept), strict=True))
    n_answers = Counter(c.author_ref for c in kept if c.author_ref is not None)
    by_id = {c.contribution_id: c for c in kept}
    flags = {
        c.contribution_id: member_flags(
            c, n_answers[c.author_ref or ""], settings, campaign_of.get(c.contribution_id)
        )
        for c in kept
    }
    for cl in all_clusters(question.clusters):
        for m in cl.members:
            m.flags, m.weight = flags[m.contribution_id], round(weights[m.contribution_id], 6)
        cl.origin = breakdown([by_id[m.contribution_id] for m in cl.members], weights, campaign_of, settings)
    for item in question.noise:
        item.flags, item.weight = flags[item.contribution_id], round(weights[item.contribution_id], 6)
    return campaign_of, weights, n_answers


def refresh_origin(report: Report, contributions: Sequence[Contribution], settings: RunSettings) -> None:
    """Recount, once a reviewer changed which theme holds which contribution (merge, split, move), what the
    origin findings derive from the themes: each theme's and sub-theme's breakdown and territory index, each
    member's and « non classée » item's flags and weight (a moved contribution keeps its own), and the themes
    each campaign is found in. The campaigns, found on the texts, and the counts of each question and of the
    consultation do not depend on the themes and stay as they are (in place)."""
    by_id = {c.contribution_id: c for c in contributions}
    for q in report.questions:
        placed = [m.contribution_id for cl in q.clusters for m in cl.members]
        _annotate_placed(q, [by_id[i] for i in placed + [n.contribution_id for n in q.noise]], settings)
        cluster_of = {m.contribution_id: cl.cluster_id for cl in q.clusters for m in cl.members}
        for cp in q.campaigns:
            themes = Counter(
                cluster_of[m.contribution_id] for m in cp.members if m.contribution_id in cluster_of
            )
            cp.cluster_ids = [k for k, _ in sorted(themes.items(), key=lambda kv: (-kv[1], kv[0]))]
    _territory_indices(report, by_id)


def _territory_indices(report: Report, by_id: Mapping[str, Contribution]) -> None:
    """Each theme's territory index against the territories of every kept contribution (in place)."""
    kept_ids = [m.contribution_id for q in report.questions for cl in q.clusters for m in cl.members]
    kept_ids += [n.contribution_id for q in report.questions for n in q.noise]
    whole = Counter(territory.place_key(territory.locate(by_id[i].zipcode)) for i in kept_ids)
    for q in report.questions:
        for cl in all_clusters(q.clusters):
            if cl.origin is not None:
                cl.origin.territory_index = territory.representation_index(
                    cl.origin.territories, whole, min_count=5
                )


def submission_times(
    contributions: Iterable[Contribution], in_campaign: set[str], doubtful: bool = False
) -> tuple[list[datetime], list[datetime], int, bool]:
    """The local time (:func:`wall_clock`) of each submission (:func:`submission_key`) with a time of day
    (:func:`parse_clock`, ``doubtful`` as there), of those with a contribution in a campaign, how many
    submissions have none, and whether some time was converted to Paris time (written with an offset, as
    Polis's UTC times)."""
    times: dict[tuple[str, int, str, str], datetime] = {}
    campaign: set[tuple[str, int, str, str]] = set()
    undated: set[tuple[str, int, str, str]] = set()
    written: list[datetime] = []  # as written, for :func:`days_only`
    zoned = False
    for c in contributions:
        key = submission_key(c)
        if (t := parse_clock(c.created_at, doubtful)) is None:
            undated.add(key)
            continue
        zoned = zoned or t.tzinfo is not None
        written.append(t)
        times[key] = wall_clock(t)
        if c.contribution_id in in_campaign:
            campaign.add(key)
    if days_only(written):
        return [], [], len(undated | set(times)), False
    kept = list(times.values())
    return kept, [t for k, t in times.items() if k in campaign], len(undated - set(times)), zoned


def bursts(timestamps: Iterable[datetime], campaign_times: Iterable[datetime] = ()) -> dict[str, object]:
    """Hours with submissions far above the consultation's hourly baseline (median and MAD, robust).

    ``timestamps`` are naive local times (:func:`wall_clock`), one per submission
    (:func:`submission_times`), ``campaign_times`` those of submissions with a campaign member. Every hour
    of each day with a submission counts, empty ones too (``hours``); days without any do not: one date
    mistyped decades away ("2091") made every hour between empty, the baseline 0 and each busy hour a
    burst. An hour is a burst when its count exceeds ``median + BURST_MADS *
    1.4826 * MAD`` (MAD floored at 1) and ``BURST_MIN``. Each burst says how many of its submissions share
    one second (``same_second``, at ``second``): hundreds at one second are an import's or a script's stamp,
    not people posting one by one. Only where the times give seconds: in a file whose every time is at
    ``:00`` ("06/02/2019 14:30"), the submissions of one minute would all "share a second".
    """
    timestamps = list(timestamps)
    hours = Counter(t.replace(minute=0, second=0, microsecond=0) for t in timestamps)
    if not hours:
        return {"hours": 0, "baseline": None, "bursts": []}
    day_index = {day: i for i, day in enumerate(sorted({h.date() for h in hours}))}
    span = 24 * len(day_index)
    counts = np.zeros(span)
    for h, k in hours.items():
        counts[24 * day_index[h.date()] + h.hour] = k
    median = float(np.median(counts))
    mad = max(float(np.median(np.abs(counts - median))), 1.0)
    limit = median + BURST_MADS * 1.4826 * mad
    in_campaigns = Counter(t.replace(minute=0, second=0, microsecond=0) for t in campaign_times)
    busiest: dict[datetime, tuple[int, datetime]] = {}  # hour -> (submissions at its busiest second, second)
    for t, k in sorted(Counter(t.replace(microsecond=0) for t in timestamps).items()):
        h = t.replace(minute=0, second=0)
        busiest[h] = max(busiest.get(h, (0, t)), (k, t), key=lambda kt: kt[0])
    seconds = any(t.second or t.microsecond for t in timestamps)  # else minutes: no second is shared
    found = [
        {
            "hour": h.isoformat(),
            "count": k,
            "in_campaigns": in_campaigns.get(h, 0),
            **({"same_second": busiest[h][0], "second": busiest[h][1].isoformat()} if seconds else {}),
        }
        for h, k in sorted(hours.items())
        if k > limit and k >= BURST_MIN
    ]
    return {"hours": span, "baseline": median, "threshold": round(limit, 3), "bursts": found}


def campaign_count(questions: Iterable[QuestionReport]) -> int:
    """The consultation's campaigns: one per campaign of one question, and one per set of texts copied into
    several questions (:func:`copies_across_questions`), however many questions hold a part of it: campaigns
    sharing a copied text are one, whichever order or share of its texts each holds (one question's
    campaign of texts x1 and x2, another's of x2 and x1, a third's of x1 alone)."""
    root: dict[str, str] = {}

    def find(x: str) -> str:
        while root.setdefault(x, x) != x:
            x = root[x]
        return x

    alone = 0
    for c in (c for q in questions for c in q.campaigns):
        if not c.across_questions:
            alone += 1
            continue
        first = find(c.across_questions[0])
        for x in c.across_questions[1:]:
            root[find(x)] = first
    return alone + len({find(x) for x in list(root)})


def campaigns_across_questions(
    report: Report, kept_by_question: Mapping[str, Sequence[Contribution]], across: Mapping[str, str]
) -> list[dict[str, object]]:
    """Each text copied into several questions (``across``, :func:`copies_across_questions`): its template,
    copies, distinct authors, copies per question and the per-question campaigns that hold them."""
    copies: dict[str, list[Contribution]] = {}
    for kept in kept_by_question.values():
        for c in kept:
            if c.contribution_id in across:
                copies.setdefault(across[c.contribution_id], []).append(c)
    out: list[dict[str, object]] = []
    for x, members in sorted(copies.items(), key=lambda kv: int(kv[0][1:])):
        authors, unknown = distinct_authors(members)
        out.append(
            {
                "id": x,
                "template": members[0].text,
                "size": len(members),
                "distinct_authors": authors,
                "authors_unknown": unknown,
                "questions": dict(Counter(c.question_id for c in members)),
                "campaign_ids": [
                    cp.campaign_id for q in report.questions for cp in q.campaigns if x in cp.across_questions
                ],
            }
        )
    return out


def annotate_consultation(
    report: Report,
    contributions: Sequence[Contribution],
    settings: RunSettings,
    population: Mapping[str, int] | None = None,
    across: Mapping[str, str] | None = None,
) -> None:
    """Consultation-wide origin findings in ``report.origin`` and each theme's territory index (in place).

    ``across``: the texts copied into several questions, as the pipeline found them for the questions'
    campaigns (:func:`copies_across_questions`); found here when not given."""
    by_id = {c.contribution_id: c for c in contributions}
    kept_set = {m.contribution_id for q in report.questions for cl in q.clusters for m in cl.members}
    kept_set |= {n.contribution_id for q in report.questions for n in q.noise}
    kept_by_question: dict[str, list[Contribution]] = {}
    for c in contributions:  # in the pipeline's order (synthesis.pipeline.group_by_question)
        if c.contribution_id in kept_set:
            kept_by_question.setdefault(c.question_id, []).append(c)
    _territory_indices(report, by_id)
    in_campaign = {m.contribution_id for q in report.questions for cp in q.campaigns for m in cp.members}
    # dates that only read month first ("12/25/2019"): those reading either way are not read day first
    doubtful = doubtful_order(c.created_at for c in contributions)
    if doubtful:
        for q in report.questions:
            for cp in q.campaigns:
                _set_times(cp, [by_id[m.contribution_id] for m in cp.members], doubtful)
    times, campaign_times, undated, zoned = submission_times(contributions, in_campaign, doubtful)
    authors, without_author = distinct_authors(contributions)
    report.origin = {
        "contributions": len(contributions),
        "distinct_authors": authors,
        "without_author": without_author,
        "in_campaigns": len(in_campaign),
        "campaigns": campaign_count(report.questions),
        "author_types": dict(sorted(Counter(c.author_type.value for c in contributions).items())),
        "channels": dict(sorted(Counter(c.channel or UNKNOWN for c in contributions).items())),
        "campaigns_across_questions": campaigns_across_questions(
            report,
            kept_by_question,
            copies_across_questions(kept_by_question, settings) if across is None else across,
        ),
        "bursts": {
            **bursts(times, campaign_times),
            "undated": undated,
            **({"time_zone": LOCAL_TIME_ZONE} if zoned else {}),
            **({"order_doubtful": True} if doubtful else {}),
            **({"order_unconfirmed": True} if unconfirmed_order(c.created_at for c in contributions) else {}),
        },
        "participation": territory.participation_report(contributions, settings, population),
        "attribution": "Base officielle des codes postaux, La Poste (ODbL); Source : Insee, Code officiel "
        "géographique 2025 et populations légales (Licence Ouverte 2.0)",
    }
