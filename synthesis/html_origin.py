"""Origin findings (issue 5) in plain words for the readable report (issue 7): never raw keys or JSON.

Pure helpers: they turn ``Report.origin``, ``QuestionReport.origin``, ``OriginBreakdown`` and flag codes
(their meanings are in ``synthesis.origin`` and ``synthesis.territory``) into small records of French (or
English) text and numbers that the templates lay out. Every text still goes through Jinja's autoescape.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from synthesis import territory, territory_tables
from synthesis.times import wall_clock

Translate = Callable[..., str]
UNKNOWN_KEYS = ("inconnu", "unknown", "")  # territory / channel / author type not stated
TOP_TERRITORIES = 10
TOP_CAMPAIGNS = 5  # a theme's campaigns shown with their template; the others folded, never left out
INDEX_HIGH = 2.0  # a theme's territory share at least twice the consultation's: worth a word
INDEX_LOW = 0.5
# ... read so only where the theme would hold at least this many of the territory's contributions at the
# consultation's share, as the participation flags ask (``synthesis.participation.participation``): 2 contributions of
# a département where 0.84 were expected read "nettement plus présent" in a theme of the sample
INDEX_MIN_EXPECTED = 5.0
_MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
    "en": "January February March April May June July August September October November December".split(),
}
# a fragment ends at a "»" followed by the next fragment or the end, not at the first "»": the words of a
# French answer hold guillemets of their own (« +«la « taxe carbone » aussi» »)
_DIFF = re.compile(r"([-+])«(.*?)(?:»(?= [-+]«|$)|…$)", re.S)


def territory_name(code: str, t: Translate, level: str = "") -> str:
    """``Paris (75)``, ``Île-de-France`` for ``R11``, ``Nancy (54395)`` for a commune, a plain phrase for
    contributions without postcode. At the ``postcode`` level, a code is a postcode: never named after the
    commune whose INSEE code it also is (2,950 of them: the postcode 01100 is Oyonnax's, the INSEE code 01100
    Cheignieu-la-Balme's)."""
    if code in UNKNOWN_KEYS:
        return t("territory.unknown")
    if code == territory.ABROAD_TERRITORY:
        return t("territory.abroad")
    if level == "postcode":
        return t("territory.postcode", code=code)
    if code.startswith("R") and code[1:] in territory_tables.regions():
        return territory_tables.regions()[code[1:]]
    dep = territory_tables.departements().get(code)
    if dep:
        return f"{dep['name']} ({code})"
    if code in territory_tables.COLLECTIVITES:
        return f"{territory_tables.COLLECTIVITES[code]} ({code})"
    if code in territory_tables.commune_names():
        return f"{territory_tables.commune_names()[code]} ({code})"
    return t("territory.commune", code=code) if len(code) == 5 else code


def format_datetime(value: str | None, lang: str, *, time: bool = True, seconds: bool = False) -> str:
    """``1er février 2019 à 11 h 40`` / ``1 February 2019, 11:40`` (with ``seconds``, ``à 11 h 40 min 05 s``
    / ``11:40:05``); the raw value when unreadable. A time written with its offset (Polis's UTC times, a
    Decidim export's "+01:00") is shown in Paris time and says so (``(heure de Paris)`` / ``(Paris time)``):
    "2019-07-01T12:00:00+00:00" is ``1er juillet 2019 à 14 h 00 (heure de Paris)``; one without, as written."""
    if not value:
        return "—"
    try:
        d = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return value
    zone = ""
    if d.tzinfo is not None:
        try:
            d = wall_clock(d)
        except OverflowError:  # "9999-12-31T23:59:59-05:00": beyond any clock, shown as written
            return value
        zone = (" (Paris time)" if lang == "en" else " (heure de Paris)") if time or seconds else ""
    month = _MONTHS.get(lang, _MONTHS["fr"])[d.month - 1]
    if lang == "en":
        day = f"{d.day} {month} {d.year}"
        return f"{day}, {d:%H:%M:%S}{zone}" if seconds else f"{day}, {d:%H:%M}{zone}" if time else day
    day = f"{'1er' if d.day == 1 else d.day} {month} {d.year}"
    clock = f"{d.hour} h {d.minute:02d}" + (f" min {d.second:02d} s" if seconds else "")
    return f"{day} à {clock}{zone}" if time or seconds else day


def parse_diff(diff: str | None) -> list[tuple[str, str]]:
    """``-«a» +«b»`` (see ``synthesis.campaigns.word_diff``) as ``[("-", "a"), ("+", "b")]``; ``=`` → []."""
    return [(m.group(1), m.group(2)) for m in _DIFF.finditer(diff or "")]


@dataclass
class Row:
    """One line of a distribution: a readable name, a count, a share of the total, an optional index."""

    name: str
    count: int
    share: float
    index: float | None = None
    note: str = ""


@dataclass
class Distribution:
    """A distribution ready to show: known rows (largest first), the rest folded, the count not stated."""

    rows: list[Row] = field(default_factory=list)
    more: list[Row] = field(default_factory=list)
    unknown: int = 0
    total: int = 0


def index_note(index: float | None, t: Translate, count: int) -> str:
    """A word on a territory's index in a theme holding ``count`` of its contributions (expected: ``count /
    index``), or "" where the index is near 1 or too few contributions were expected to read it."""
    if not index or count / index < INDEX_MIN_EXPECTED:
        return ""
    if index >= INDEX_HIGH:
        return t("index.high")
    return t("index.low") if index <= INDEX_LOW else ""


def distribution(
    counts: Mapping[str, int],
    name: Callable[[str], str],
    t: Translate,
    *,
    index: Mapping[str, float] | None = None,
    top: int | None = None,
    apart: bool = True,
) -> Distribution:
    """Rows of ``counts`` with readable names; keys meaning "not stated" are counted apart if ``apart``."""
    total = sum(counts.values())
    out = Distribution(total=total)
    unknown = UNKNOWN_KEYS if apart else ()
    known = sorted(((k, v) for k, v in counts.items() if k not in unknown), key=lambda kv: (-kv[1], kv[0]))
    for k, v in known:
        i = index.get(k) if index is not None else None
        row = Row(name(k), v, v / total if total else 0.0, i, index_note(i, t, v))
        (out.rows if top is None or len(out.rows) < top else out.more).append(row)
    out.unknown = sum(v for k, v in counts.items() if k in unknown)
    return out


@dataclass
class Burst:
    day: str
    start: str
    end: str
    count: int
    in_campaigns: int
    same_second: int = 0
    second: str = ""


@dataclass
class Participation:
    """Participation per 10,000 inhabitants, and the territories flagged absent / over / under."""

    level: str
    participants: int
    located: int
    statuses: dict[str, int]
    rate: float | None
    rows: list[dict[str, Any]]
    absent: list[dict[str, Any]]
    over: list[dict[str, Any]]
    under: list[dict[str, Any]]
    declared_unknown: list[str] = field(default_factory=list)


def participation(data: Mapping[str, Any], t: Translate) -> Participation | None:
    """Readable participation (see ``synthesis.participation.participation_report``); None without data."""
    if not data:
        return None
    level = str(data.get("level", "departement"))
    rows = [dict(r, name=territory_name(str(r["territory"]), t, level)) for r in data.get("rows", [])]
    population = sum(int(r.get("population") or 0) for r in rows)
    located = int(data.get("located") or 0)
    return Participation(
        level=level,
        participants=int(data.get("participants") or 0),
        located=located,
        statuses={k: v for k, v in dict(data.get("location_status", {})).items() if k != territory.OK},
        rate=10_000 * located / population if population else None,
        rows=sorted(rows, key=lambda r: -(r.get("per_10000") or 0.0)),
        absent=[r for r in rows if r.get("flag") == "absent"],
        over=sorted((r for r in rows if r.get("flag") == "over"), key=lambda r: -(r.get("index") or 0.0)),
        under=sorted((r for r in rows if r.get("flag") == "under"), key=lambda r: r.get("index") or 0.0),
        declared_unknown=[str(code) for code in data.get("declared_unknown", [])],
    )


def bursts(data: Mapping[str, Any] | None, lang: str) -> list[Burst]:
    """Each burst hour (see ``synthesis.origin.bursts``) as a readable one-hour window."""
    out = []
    for b in (data or {}).get("bursts", []):
        start = datetime.fromisoformat(str(b["hour"]))
        end = (start.hour + 1) % 24
        out.append(
            Burst(
                day=format_datetime(start.isoformat(), lang, time=False),
                start=f"{start.hour} h" if lang == "fr" else f"{start.hour:02d}:00",
                end=f"{end} h" if lang == "fr" else f"{end:02d}:00",
                count=int(b.get("count", 0)),
                in_campaigns=int(b.get("in_campaigns", 0)),
                same_second=int(b.get("same_second", 0)),
                # "the same second": written with its seconds
                second=format_datetime(str(b["second"]), lang, seconds=True) if b.get("second") else "",
            )
        )
    return out


@dataclass
class FlagText:
    """One flag in words; ``campaign_id`` set when the sentence links to a campaign."""

    text: str
    campaign_id: str | None = None


def explain_flags(flags: Sequence[str], t: Translate, threshold: Any) -> list[FlagText]:
    """Sentences for a contribution's flag codes (``campaign:<id>``, ``organisation:for_profit``…)."""
    codes = set(flags)
    out = []
    for f in flags:
        if f.startswith("campaign:"):
            out.append(FlagText(t("flagx.campaign"), f.split(":", 1)[1]))
        elif f == "organisation" and codes & {"organisation:for_profit", "organisation:non_profit"}:
            continue  # the precise kind says it
        elif f == "very_active_author":
            out.append(FlagText(t("flagx.very_active_author", n=threshold if threshold is not None else "?")))
        else:
            text = t("flagx." + f)
            out.append(FlagText(text if text != "flagx." + f else t("flagx.other", code=f)))
    return out


_BADGES = {
    "very_active_author": "flag.very_active",
    "organisation": "flag.organisation",
    "organisation:for_profit": "author.organisation_for_profit",
    "organisation:non_profit": "author.organisation_non_profit",
    "elected_or_institution": "flag.elected_or_institution",
    "outside_territory": "flag.outside_territory",
}


def flag_badges(flags: Sequence[str], t: Translate) -> list[str]:
    """Short labels of flag codes for member lists (``campagne``, ``organisation à but lucratif``…)."""
    codes = set(flags)
    out = []
    for f in flags:
        if f.startswith("campaign:"):
            out.append(t("flag.campaign"))
        elif f == "organisation" and codes & {"organisation:for_profit", "organisation:non_profit"}:
            continue
        else:
            out.append(t(_BADGES[f]) if f in _BADGES else f)
    return out


def weight_text(weight: float | None, t: Translate, num: Callable[..., str]) -> str | None:
    """``1/N`` explained: the author answered N times, each answer counts 1/N (None when the weight is 1)."""
    if weight is None or weight >= 0.9999 or weight <= 0:
        return None
    return t("weight.explained", n=round(1 / weight), w=num(weight, 3))
