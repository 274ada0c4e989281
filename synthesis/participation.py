"""Declared territories and participation: whether a participant's place lies in the territory a consultation
declares (:func:`read_declared`, :func:`in_territory`), the territory each contribution counts in
(:func:`place_key`), and how each territory took part against its population (:func:`participation_report`,
:func:`representation_index`). Places are read by :func:`synthesis.territory.locate`."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from schemas import RunSettings
from synthesis.records import Contribution, submission_key
from synthesis.territory import (
    ABROAD,
    ABROAD_TERRITORY,
    AMBIGUOUS_NAME,
    COMMUNE_NAME,
    DEPARTEMENT_NAME,
    GUESSED,
    INSEE,
    INVALID,
    MISSING,
    NO_POPULATION,
    OUTSIDE_DEPARTEMENTS,
    REGION_NAME,
    UNKNOWN_TERRITORY,
    WORD_NAME,
    Location,
    locate,
    location_by_name,
    location_by_name_and_number,
    normalise_postcode,
)
from synthesis.territory_tables import (
    ARRONDISSEMENTS,
    COLLECTIVITES,
    FORMER_REGIONS,
    collectivite_communes,
    commune_population,
    departement_of_commune,
    departement_population,
    departements,
    departements_by_name,
    fold_name,
    postcode_table,
    region_of,
    regions,
)


@dataclass(frozen=True)
class Declared:
    """A declared territory read: its communes (INSEE), départements, régions (``R<code>``), and the codes
    that name none of them."""

    communes: frozenset[str]
    departements: frozenset[str]
    regions: frozenset[str]
    unknown: tuple[str, ...]


# "INSEE 13100", "insee:13100", "COG 13100"; "CP 13100", "code postal 13100": the code's kind said
_DECLARED_KIND = re.compile(r"(insee|cog|code insee|cp|code postal)\s*[:=]?\s*(\d[\dab]\d{3})", re.IGNORECASE)


def _declared_as_postcodes(codes: Sequence[str]) -> bool:
    """Whether a declared territory's codes that are both an INSEE code and another place's postcode
    ("13100": Aix-en-Provence's postcode, Saint-Rémy-de-Provence's INSEE code) are read as postcodes: unless
    the territory's other five-digit codes are INSEE codes only (a list copied from the COG), as participants
    give postcodes (the importers read "code postal" and "authorZipCode" columns) and a French official naming
    a place by five digits names its postcode."""
    population, postcodes = commune_population(), postcode_table()
    kinds = {
        (code in population, code in postcodes)
        for raw in codes
        if len(code := raw.strip().upper()) == 5 and code not in ARRONDISSEMENTS
    }
    return not ((True, False) in kinds and (False, True) not in kinds)


@lru_cache(maxsize=64)
def _declared(codes: tuple[str, ...]) -> Declared:
    communes: set[str] = set()
    deps: set[str] = set()
    regs: set[str] = set()
    unknown: list[str] = []
    population, postcodes = commune_population(), postcode_table()
    as_postcodes = _declared_as_postcodes(codes)
    for raw in codes:
        code = raw.strip().upper()
        if (kind := _DECLARED_KIND.fullmatch(raw.strip())) is not None:
            code = kind[2].upper()
            insee = kind[1].casefold() in ("insee", "cog", "code insee")
            target = (population if insee else postcodes) if code not in ARRONDISSEMENTS else ARRONDISSEMENTS
            if code not in target:
                unknown.append(raw)
            elif code in ARRONDISSEMENTS:
                communes.update(c for c in population if c.startswith(ARRONDISSEMENTS[code]))
            else:
                communes.update((code,) if insee else postcodes[code])
        elif code.startswith("R") and code[1:] in regions():
            regs.add(code)
        elif code in departements():
            deps.add(code)
        elif code in COLLECTIVITES:  # "988": New Caledonia's communes
            communes.update(collectivite_communes(code))
        elif code in ARRONDISSEMENTS:
            communes.update(c for c in population if c.startswith(ARRONDISSEMENTS[code]))
        elif code in population and not (as_postcodes and code in postcodes):
            communes.add(code)  # 2,995 INSEE codes are also some other place's postcode
        elif (cp := normalise_postcode(code)) in postcodes:
            communes.update(postcodes[cp or ""])
        elif (named := location_by_name(raw)).status == COMMUNE_NAME:
            communes.update(named.communes)
        elif named.status == DEPARTEMENT_NAME and named.departement:
            deps.add(named.departement)
        elif named.status == OUTSIDE_DEPARTEMENTS and named.communes:  # "Nouvelle-Calédonie", "Nouméa"
            communes.update(named.communes)
        elif named.status == REGION_NAME and (former := FORMER_REGIONS.get(fold_name(raw))) is not None:
            deps.update(former.split())  # "Alsace": the Bas-Rhin and the Haut-Rhin, not all of the Grand Est
        elif named.status == REGION_NAME:
            regs.add(f"R{named.region}")
        elif (
            named.status == WORD_NAME
            and fold_name(raw) not in departements_by_name()  # "Vienne": the Isère's city or the 86?
            and (own := location_by_name(raw, departement="")).status == COMMUNE_NAME
        ):
            communes.update(own.communes)  # an official declaring "Sens" or "Mer" names the commune
        elif (written := location_by_name_and_number(raw)) is not None and written.status == COMMUNE_NAME:
            communes.update(written.communes)  # "Nancy (54)", "Paris 15e", "Saint-Denis (93)"
        elif written is not None and written.status == DEPARTEMENT_NAME and written.departement:
            deps.add(written.departement)  # "Gironde (33)"
        else:
            unknown.append(raw)
    return Declared(frozenset(communes), frozenset(deps), frozenset(regs), tuple(unknown))


def read_declared(declared: Iterable[str]) -> Declared:
    """The declared territory: département codes, régions written ``R<code>``, INSEE commune codes (Paris,
    Lyon, Marseille's own codes meaning their arrondissements), postcodes or a commune's name borne in one
    département: a city that declares "54000" or "75056" holds its participants of 54000 or 75011. A code
    that is both a postcode and another commune's INSEE code ("13100") is read as
    :func:`_declared_as_postcodes` says, or as its prefix says ("INSEE 13100", "CP 13100")."""
    return _declared(tuple(sorted(set(declared))))


def in_territory(location: Location, declared: Iterable[str]) -> bool | None:
    """Whether a location lies in the declared territory (:func:`read_declared`); None when unknown. A
    postcode covering several communes is inside if any is."""
    scope = read_declared(declared)
    if location.status in (MISSING, INVALID, AMBIGUOUS_NAME, WORD_NAME) or not (
        scope.communes or scope.departements or scope.regions
    ):
        return None  # no postcode, or a territory naming no place known: nobody can be said outside it
    if scope.communes & set(location.communes) or scope.departements & set(location.departements):
        return True
    if location.status == REGION_NAME and f"R{location.region}" not in scope.regions:
        inside = scope.departements | {departement_of_commune(c) for c in scope.communes}
        if any(region_of(d) == location.region for d in inside):
            return None  # "Bretagne" for a consultation of Rennes: maybe in it, maybe not
    if location.region and f"R{location.region}" in scope.regions:
        return True
    if location.status == GUESSED and any(
        code.startswith(location.departement or "#") for code in scope.communes
    ):
        return None  # a CEDEX code in the right département: cannot tell which commune
    return False


def place_key(location: Location) -> str:
    """The territory a contribution counts in within a theme's distribution: its département, else its
    collectivité d'outre-mer (:data:`COLLECTIVITES`), else :data:`ABROAD_TERRITORY` for a participant living
    outside France, else :data:`UNKNOWN_TERRITORY` (no place, or none usable)."""
    if location.departement or location.collectivite:
        return location.departement or location.collectivite or UNKNOWN_TERRITORY
    return ABROAD_TERRITORY if location.status == ABROAD else UNKNOWN_TERRITORY


def representation_index(
    part: Mapping[str, int], whole: Mapping[str, int], min_count: int = 1
) -> dict[str, float]:
    """Share of each territory in ``part`` divided by its share in ``whole`` (1 = as in the whole).

    Territories with fewer than ``min_count`` contributions in ``whole`` are left out (too few to compare).
    """
    n_part, n_whole = sum(part.values()), sum(whole.values())
    if not n_part or not n_whole:
        return {}
    return {
        t: round((part.get(t, 0) / n_part) / (w / n_whole), 4)
        for t, w in sorted(whole.items())
        if w >= min_count
    }


def participation(
    counts: Mapping[str, int],
    population: Mapping[str, int],
    *,
    over: float = 2.0,
    under: float = 0.5,
    min_expected: float = 5.0,
) -> list[dict[str, object]]:
    """Participation per 10,000 inhabitants for each territory of ``population`` and a flag.

    ``flag`` is ``absent`` (no participant although ``min_expected`` were expected at the overall rate),
    ``over``/``under`` (index = territory rate / overall rate at least ``over`` or at most ``under``, with at
    least ``min_expected`` participants expected, so small territories are not flagged by chance), or None.
    ``population`` may be the INSEE table or any territory → population mapping given with the consultation.
    """
    located = sum(counts.get(t, 0) for t in population)
    total_pop = sum(population.values())
    rows: list[dict[str, object]] = []
    if not total_pop:
        return rows
    overall = located / total_pop
    for t in sorted(population):
        n, pop = counts.get(t, 0), population[t]
        expected = overall * pop
        index = (n / expected) if expected else None
        flag = None
        if index is not None and expected >= min_expected:
            flag = "absent" if n == 0 else "over" if index >= over else "under" if index <= under else None
        rows.append(
            {
                "territory": t,
                "contributions": n,
                "population": pop,
                "per_10000": round(10_000 * n / pop, 4) if pop else None,
                "index": None if index is None else round(index, 4),
                "flag": flag,
            }
        )
    return rows


def _participants(contributions: Sequence[Contribution]) -> list[Contribution]:
    """One contribution per author (the first), and per submission without author (as
    :func:`synthesis.records.anonymous_participants` counts them)."""
    seen: set[object] = set()
    out = []
    for c in contributions:
        key = c.author_ref if c.author_ref is not None else submission_key(c) if c.created_at else id(c)
        if key not in seen:
            out.append(c)
            seen.add(key)
    return out


def _population_level(population: Mapping[str, int]) -> str:
    """Which level a population mapping's keys are at: ``R``+région, département, postcode or commune."""
    keys = sorted(population)[:200]
    if keys and all(k.startswith("R") for k in keys):
        return "region"
    if sum(len(k) == 5 for k in keys) <= len(keys) / 2:
        return "departement"
    postcodes = postcode_table()
    return "postcode" if sum(k in postcodes for k in keys) > len(keys) / 2 else "commune"


def declared_population(declared: Iterable[str]) -> tuple[str, dict[str, int]]:
    """The level and INSEE populations (PMUN) of a declared territory (:func:`read_declared`): its communes'
    where it is declared by communes or postcodes only (a city's consultation compares its own communes, not
    the 100 départements, 66 of them "absent"), else its départements' (those of its régions too)."""
    scope = read_declared(declared)
    if scope.communes and not (scope.departements or scope.regions):
        pop = commune_population()
        return "commune", {c: pop[c] for c in sorted(scope.communes) if c in pop}
    deps = set(scope.departements) | {departement_of_commune(c) for c in scope.communes}
    deps |= {d for d, v in departements().items() if f"R{v['region_code']}" in scope.regions}
    pop = departement_population()
    return "departement", {d: pop[d] for d in sorted(deps) if d in pop}


def territory_key(loc: Location, level: str) -> str | None:
    """The territory a location counts in at ``level``; the most populous commune for a shared postcode. A
    commune's name borne by several communes names none of them ("Paris": any of its 20 arrondissements, not
    the most populous one), so it counts at the département level and above only."""
    if level == "departement":
        return loc.departement
    if level == "region":
        return f"R{loc.region}" if loc.region else None
    if level == "postcode":
        return loc.postcode if loc.communes else None
    if loc.status in (COMMUNE_NAME, INSEE) and len(loc.communes) > 1:
        return None
    pop = commune_population()
    return max(loc.communes, key=lambda c: (pop.get(c, 0), c)) if loc.communes else None


def participation_report(
    contributions: Sequence[Contribution],
    settings: RunSettings,
    population: Mapping[str, int] | None = None,
) -> dict[str, object]:
    """Participants per territory against a reference population: the one given, else the INSEE PMUN of the
    declared territory (:func:`declared_population`), else of every département."""
    given = dict(population or settings.reference_population)
    if given:
        level = _population_level(given)
        scope = read_declared(settings.territory)  # "54000" declares the communes its postcode covers
        inside = set(settings.territory) | scope.communes | scope.departements | scope.regions
        scoped = {k: v for k, v in given.items() if k in inside or f"R{k}" in inside}
        population = scoped or given
    else:
        level, population = declared_population(settings.territory)
        if not population:
            level, population = "departement", departement_population()
    locs = [locate(c.zipcode) for c in _participants(contributions)]
    counts = Counter(k for k in (territory_key(loc, level) for loc in locs) if k is not None)
    rows = participation(counts, population)
    status = Counter(loc.status for loc in locs)
    # located, but where the reference population has no row (Mayotte, or outside the declared territory)
    status[NO_POPULATION] = sum(k for t, k in counts.items() if t not in population)
    return {
        "level": level,
        "participants": len(locs),
        "located": sum(counts.get(k, 0) for k in population),
        "location_status": dict(sorted((k, v) for k, v in status.items() if v)),
        "rows": rows,
        "declared_unknown": list(read_declared(settings.territory).unknown),
        "absent": [r["territory"] for r in rows if r["flag"] == "absent"],
        "over_represented": [r["territory"] for r in rows if r["flag"] == "over"],
        "under_represented": [r["territory"] for r in rows if r["flag"] == "under"],
    }
