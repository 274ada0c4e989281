"""Postcode → commune(s), département, région; reference populations; representation indices (issue 5).

Tables (``synthesis/data/territoires/``, attribution in its README) are read lazily, once per process.

Choices, documented here because they change figures:

- **A postcode is not a commune**: :func:`locate` returns every commune the postcode covers, or those of them
  the name written beside it names ("01200 Eloise": Haute-Savoie's, not the Ain's; :func:`_named_among`).
- **Two départements** (16 postcodes, e.g. ``01200`` Ain/Haute-Savoie): the participant is counted in the
  département holding most of the postcode's population (INSEE PMUN) and the location is marked ``ambiguous``;
  never split into fractions, so counts stay whole and conserved.
- **Département from the INSEE code**, never from the postcode prefix (27 communes differ); Corsica's
  ``20xxx`` thus gives ``2A``/``2B``.
- **Not in the table** (CEDEX codes such as ``92081``, or a new code): a rough guess from the prefix (2
  digits, 3 for ``97``), status ``guessed``; ``20xxx`` guesses ``2A`` for ``200``/``201``, else ``2B``. A name
  written beside it must be a commune's of that département (:func:`_named_in`): "10115 Berlin" is ``invalid``,
  never the Aube; "20999 Ajaccio" is ``2A``.
- **4 digits** (a spreadsheet dropped the leading zero): zero-padded, when that makes a postcode of the table
  (or a ``CEDEX`` code): "7501" is a typo, not Ardèche's 07501. **Invalid** (letters that name no commune,
  wrong length, ``00000``, an unknown prefix): status ``invalid``, no territory. **Not given** ("NC",
  "Non communiqué", "-", "Aucun", "Je préfère ne pas le dire", a mask "XXXXX", "France" alone): status
  ``missing``, as an empty cell.
- **A commune's name instead of a postcode** ("Nancy", "Vandoeuvre-les-Nancy", "St-Max"; accents, case,
  hyphens and "St"/"Ste" aside): its commune when one commune bears the name, or several all in one
  département (status ``commune_name``); Paris, Lyon and Marseille as their arrondissements. A name borne in
  several départements ("Saint-Denis") locates nobody: status ``ambiguous_name``; with its département's
  number or name ("Saint-Denis (93)", "Nancy (Meurthe-et-Moselle)") it is read in that département, and an
  arrondissement written with its number ("Paris 15e", "Lyon 3e", "Marseille 8e arrondissement") is that
  arrondissement. A name alone is not read where it more likely means something else (:func:`_by_name`): a
  foreign country's or city's name ("Belgique", "Genève", "1000 Bruxelles", "Lausanne (Suisse)", "B-1000
  Bruxelles", "Étranger": status ``abroad``,
  outside any declared territory; "Suisse", also a commune: ``word_name``, not located), a common word
  ("Mer", "Campagne": ``word_name``); a département's name or number ("Gironde", "33") is that département
  (``departement_name``), a région's name ("Bretagne", or a former one: "Alsace") that région
  (``region_name``: inside a declared territory of that région's départements or communes is then unknown).
- **An INSEE code** where the participant's column says so ("code INSEE", "code commune", "codgeo": the
  importer writes the cell "INSEE 13100"): that commune, never the postcode of the same digits (13100 is
  Saint-Rémy-de-Provence's INSEE code, Aix-en-Provence's postcode): status ``insee``.
- **A foreign country from a country column**: the importer writes the cell "PAYS Suisse" (a "Pays" or
  "Country" column beside the postcode's, ``synthesis.ingest.generic``): status ``abroad``, whatever the
  postcode reads in France ("1000" of Brussels is no lost zero of the Ain's 01000).
- **A declared territory** (:func:`read_declared`): a five-digit code that is both a postcode and another
  commune's INSEE code ("13100") is read as a postcode, as participants give theirs, unless the territory's
  other five-digit codes are INSEE codes only; "INSEE 13100" or "CP 13100" say which.
- **Overseas**: DROM (971–974, 976) are départements; the COMs (975, 977, 978, 984, 986–989: :data:`COLLECTIVITES`)
  have no département: status ``outside_departements``, their communes' INSEE-like codes in ``communes`` and the
  collectivité's code in ``collectivite``, from a postcode ("98800", one not in the table by its first three
  digits: "98400"), a collectivité's name ("Nouvelle-Calédonie", "Polynésie française") or one of its communes'
  ("Nouméa", "Papeete": names the La Poste table gives, as it does Mayotte's, absent from the population table).
  **Monaco** (``98000``, ``980xx``; "Monaco") is a foreign country with French postcodes: ``abroad``.
- **Free text is not searched for a place** ("j'habite à Lille depuis 10 ans": ``invalid``): a sentence may
  name several places, or one the participant left. An address is read by its last line, where its postcode
  and commune's name agree ("BP 123 54000 Nancy", "12 rue de la Paix 75002 Paris": :func:`_address`).
- **A commune's former name** (a commune nouvelle's old communes: "Cherbourg-Octeville", "Annecy-le-Vieux"),
  which La Poste keeps in its ``Ligne_5`` column, is that commune's, when no commune bears it today.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from schemas import RunSettings
from synthesis.prepare import fold_letters, is_non_answer
from synthesis.records import Contribution, submission_key

DATA_DIR = Path(__file__).resolve().parent / "data" / "territoires"

OK = "ok"
AMBIGUOUS = "ambiguous"
GUESSED = "guessed"
OUTSIDE_DEPARTEMENTS = "outside_departements"
INVALID = "invalid"
COMMUNE_NAME = "commune_name"
AMBIGUOUS_NAME = "ambiguous_name"
WORD_NAME = "word_name"
DEPARTEMENT_NAME = "departement_name"
REGION_NAME = "region_name"
INSEE = "insee"
ABROAD = "abroad"
MISSING = "missing"
NO_POPULATION = (
    "no_population"  # located, in no row of the reference population (a count, not a Location status)
)

UNKNOWN_TERRITORY = "inconnu"  # key of contributions without a usable postcode in distributions
ABROAD_TERRITORY = "etranger"  # key of contributions from outside France in distributions

_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Location:
    """Where a postcode points: its communes (INSEE codes), the département and région used for counts."""

    postcode: str | None
    status: str
    communes: tuple[str, ...] = ()
    departement: str | None = None
    region: str | None = None
    departements: tuple[str, ...] = ()
    collectivite: str | None = None  # a collectivité d'outre-mer's code (:data:`COLLECTIVITES`)


# French territories outside départements and régions, by their code in INSEE's Code officiel géographique
# (Licence Ouverte / Etalab 2.0, "Source : Insee, Code officiel géographique"), as communes' codes start
COLLECTIVITES = {
    "975": "Saint-Pierre-et-Miquelon",
    "977": "Saint-Barthélemy",
    "978": "Saint-Martin",
    "984": "Terres australes et antarctiques françaises",
    "986": "Wallis-et-Futuna",
    "987": "Polynésie française",
    "988": "Nouvelle-Calédonie",
    "989": "Île de Clipperton",
}
_DETACHED_FROM = {
    "977": "971",
    "978": "971",
}  # Saint-Barthélemy, Saint-Martin: communes of Guadeloupe until 2007
_COLLECTIVITE_ALIASES = {"taaf": "984", "polynesie": "987", "clipperton": "989", "wallis": "986"}
_FOREIGN_INSEE = "99"  # INSEE codes of foreign countries: the La Poste table gives Monaco's, 99138
_MONACO_POSTCODES = "980"  # Monaco's postcodes: 98000 and its CEDEX codes


def _read(name: str, delimiter: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def departement_of_commune(insee: str) -> str:
    """Département code of an INSEE commune code (3 characters for 97x/98x)."""
    return insee[:3] if insee.startswith(("97", "98")) else insee[:2]


@lru_cache(maxsize=1)
def _poste_rows() -> list[dict[str, str]]:
    """The La Poste table's rows, read once for the postcodes and the names it gives."""
    return _read("019HexaSmal.csv", ";")


@lru_cache(maxsize=1)
def postcode_table() -> dict[str, tuple[str, ...]]:
    """Postcode → sorted distinct INSEE commune codes (La Poste table, ``Ligne_5`` rows merged)."""
    out: dict[str, set[str]] = {}
    for row in _poste_rows():
        out.setdefault(row["Code_postal"], set()).add(row["Code_commune_INSEE"])
    return {cp: tuple(sorted(codes)) for cp, codes in out.items()}


@lru_cache(maxsize=1)
def departements() -> dict[str, dict[str, str]]:
    """Département code → {name, region_code, region_name} (INSEE COG 2025, 101 départements)."""
    return {
        r["code"]: {"name": r["name"], "region_code": r["region_code"], "region_name": r["region_name"]}
        for r in _read("cog-departments@2025.csv", ",")
    }


@lru_cache(maxsize=1)
def regions() -> dict[str, str]:
    """Région code → name (INSEE COG 2025, 18 régions)."""
    return {r["code"]: r["name"] for r in _read("cog-regions@2025.csv", ",")}


@lru_cache(maxsize=1)
def commune_population() -> dict[str, int]:
    """INSEE commune code → population municipale (PMUN); Paris, Lyon, Marseille by arrondissement."""
    return {r["COM"]: int(r["PMUN"]) for r in _read("donnees_communes.csv", ";")}


@lru_cache(maxsize=1)
def commune_names() -> dict[str, str]:
    """INSEE commune code → its name ("54395" → "Nancy"; Paris, Lyon, Marseille by arrondissement)."""
    return {r["COM"]: r["Commune"] for r in _read("donnees_communes.csv", ";")}


@lru_cache(maxsize=1)
def departement_population() -> dict[str, int]:
    """Département code → PMUN (100 départements: Mayotte has no legal population in this table)."""
    return {r["DEP"]: int(r["PMUN"]) for r in _read("donnees_departements.csv", ";")}


@lru_cache(maxsize=1)
def region_population() -> dict[str, int]:
    """Région code → PMUN (17 régions, no Mayotte)."""
    return {r["REG"]: int(r["PMUN"]) for r in _read("donnees_regions.csv", ";")}


# "54000 Nancy", "Nancy 54000", "F-75001 Paris": a postcode written with its commune's name, or France's prefix.
# No two adjacent parts may match the same characters (`\s*-?\s*`, `[^\d]*?[\s,(]+`): on a value of spaces (a
# hostile file's cell) the engine tried every split of them, a time quadratic in the value's length.
_WITH_NAME = re.compile(
    r"(?:F|FR)?(?:\s*-)?\s*(\d{2}\s?\d{3})(?:(?:\s*[,-]\s*|\s+)\(?[^\W\d_].*)?", re.IGNORECASE
)
# "Nancy 54000", "Nancy (54000)", "Nancy 54000 Meurthe-et-Moselle": a name, its postcode, perhaps words after
_NAME_FIRST = re.compile(r"[^\W\d_][^\d]*[\s,(](\d{2}\s?\d{3})\)?(?:[\s,-]+[^\W\d_][^\d]*)?", re.IGNORECASE)


def _written_digits(raw: str) -> str | None:
    """The digits of a postcode as written, before any padding: spaces, a ``CEDEX`` suffix, a commune's name
    beside the code, France's ``F-`` prefix and a spreadsheet's ``.0`` set aside; None if it is no number."""
    text = re.sub(r"(?i)\bcedex\b.*$", "", str(raw)).replace("\u00a0", " ").strip()
    if (m := _WITH_NAME.fullmatch(text) or _NAME_FIRST.fullmatch(text)) is not None:
        text = m.group(1)
    text = text.replace(" ", "")
    if text.endswith(".0"):  # a spreadsheet number
        text = text[:-2]
    return text if _DIGITS.fullmatch(text or "x") else None


def normalise_postcode(raw: str | None) -> str | None:
    """Five digits, or None: spaces and a ``CEDEX`` suffix removed, a lost leading zero restored, a commune's
    name beside the code and France's ``F-`` prefix set aside; another country's prefix (``D-10115``) is no
    French postcode."""
    text = _written_digits(raw) if raw is not None else None
    if text is not None and len(text) == 4:
        text = "0" + text
    return text if text is not None and len(text) == 5 else None


def lost_zero(raw: str) -> bool:
    """Whether ``raw`` reads as a postcode whose leading zero a spreadsheet dropped ("1000" for 01000): four
    digits that, zero-padded, make a postcode of the table. "7501" makes none: a typo, not Ardèche's 07501."""
    digits = _written_digits(raw)
    return digits is not None and len(digits) == 4 and "0" + digits in postcode_table()


_PLM_NAMES = {"paris": "75056", "lyon": "69123", "marseille": "13055"}


# "Havre (Le)", "Sables-d'Olonne (Les)": a commune's article after its name, as INSEE's older files write it
_ARTICLE_AFTER = re.compile(r"\(\s*(le|la|les|l')\s*\)", re.IGNORECASE)


def fold_name(name: str) -> str:
    """A commune's name as compared: no accents, lower case, words only, "st"/"ste" as "saint"/"sainte", "s/"
    as "sur" ("Boulogne s/ Mer"), an article written after the name in brackets before it ("Havre (Le)")."""
    written = name.strip()
    bracket = written.rfind("(") if written.endswith(")") else -1  # the last brackets only: linear time
    if bracket > 0 and (article := _ARTICLE_AFTER.fullmatch(written[bracket:])) is not None:
        name = f"{article[1]} {written[:bracket]}"
    words = re.sub(r"[^a-z0-9]+", " ", re.sub(r"(?i)\bs/", " sur ", fold_letters(name).casefold())).split()
    return " ".join({"st": "saint", "ste": "sainte"}.get(w, w) for w in words)


@lru_cache(maxsize=1)
def communes_by_name() -> dict[str, tuple[str, ...]]:
    """Folded commune name (:func:`fold_name`) → INSEE codes of the communes bearing it: the population
    table's, then the La Poste table's for the communes it lacks (Mayotte's, the collectivités d'outre-mer's;
    not Monaco, a country), then a commune's former name kept in La Poste's ``Ligne_5`` ("Cherbourg
    Octeville", "Annecy le Vieux", communes merged into a commune nouvelle) where no commune bears it today
    and it is not made of common words only (a hamlet's "Le Bourg", "La Ville", "Bel Air")."""
    out: dict[str, set[str]] = {}
    for code, name in commune_names().items():
        out.setdefault(fold_name(name), set()).add(code)
    for name, code in _PLM_NAMES.items():  # the table names their arrondissements only
        out[name] = {c for c in commune_population() if c.startswith(_ARRONDISSEMENTS[code])}
    rows = _poste_rows()
    known = set(commune_names())
    for row in rows:
        code = row["Code_commune_INSEE"]
        if code not in known and not code.startswith(_FOREIGN_INSEE):
            out.setdefault(fold_name(row["Nom_de_la_commune"]), set()).add(code)
    current, words = set(out), common_words()
    former: dict[str, set[str]] = {}
    for row in rows:
        name = fold_name(row["Ligne_5"])
        # a locality of common words only ("Le Bourg", "La Ville", "Bel Air") reads as the words, not a place
        if name and name not in current and not set(name.split()) <= words:
            former.setdefault(name, set()).add(row["Code_commune_INSEE"])
    return {k: tuple(sorted(v)) for k, v in (out | former).items()}


@lru_cache(maxsize=1)
def _collectivites_by_name() -> dict[str, str]:
    """Folded name of a collectivité d'outre-mer (:data:`COLLECTIVITES`, a few usual forms) → its code."""
    return {fold_name(name): code for code, name in COLLECTIVITES.items()} | _COLLECTIVITE_ALIASES


def _collectivite_communes(code: str) -> tuple[str, ...]:
    """The INSEE-like codes of a collectivité d'outre-mer's communes (La Poste's table; none for the TAAF)."""
    return tuple(
        sorted({c for cs in postcode_table().values() for c in cs if departement_of_commune(c) == code})
    )


def _collectivite_of(communes: Iterable[str]) -> str | None:
    """The collectivité d'outre-mer of INSEE codes all in one (:data:`COLLECTIVITES`), else None."""
    places = {departement_of_commune(c) for c in communes}
    return places.pop() if len(places) == 1 and places <= set(COLLECTIVITES) else None


COMMON_WORDS = 2000  # a commune's name among the most written words of French reads as the word ("Mer")


@lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    """Folded names (:func:`fold_name`) of foreign countries (``pays.txt``: "suisse", "belgique")."""
    lines = (DATA_DIR / "pays.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(fold_name(line) for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def foreign_cities() -> frozenset[str]:
    """Folded names (:func:`fold_name`) of foreign cities (``villes_etrangeres.txt``: "geneve", "bruxelles",
    "londres"), less any name a French commune bears: "Montréal" or "Cologne" alone stays the communes'."""
    lines = (DATA_DIR / "villes_etrangeres.txt").read_text(encoding="utf-8").splitlines()
    names = {fold_name(line) for line in lines if line.strip() and not line.startswith("#")}
    return frozenset(names - set(communes_by_name()))


def _foreign_name(raw: str) -> bool:
    """Whether the words of ``raw``, its numbers aside, are a foreign country's or city's name ("1201 Genève",
    "Belgique 1000", "10115 Berlin")."""
    words = fold_name(re.sub(r"\d+", " ", raw))
    return words in countries() or words in foreign_cities()


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The :data:`COMMON_WORDS` most frequent words of pyspellchecker's French list (counted in film
    subtitles; "mer", "campagne", "ville", "sens"), folded: a city's name is rarely among them ("paris" and
    "tours" are not, "plaisir", "sens" and "avion" are)."""
    from synthesis.lemmas import french_dictionary

    top = sorted(french_dictionary().items(), key=lambda wc: (-wc[1], wc[0]))[:COMMON_WORDS]
    return frozenset(fold_name(w) for w, _ in top)


def _by_name(raw: str, departement: str | None = None) -> Location:
    """The :class:`Location` of a commune's name written where a postcode was asked ("Aucun" is a commune
    of the Hautes-Pyrénées, but in a postcode field a non-answer); among the communes of ``departement`` only
    when it is given (the département then says the name is a commune's; ``""``: any département, the name
    being a commune's by its context, as in a declared territory).

    A name alone is read only when nothing else it may mean is likelier: a foreign country's name locates
    nobody in France (``abroad``, and outside any declared territory), or nobody at all when a commune bears
    it too ("Suisse", "Grenade": ``word_name``); so does a common word ("Mer", "Campagne", "Ville", and the
    cities "Plaisir", "Sens", "Avion", whose postcode or "Sens (89)" locate them); a département's name
    ("Gironde", "Loire", "Corrèze") is that département (``departement_name``), a région's ("Bretagne",
    "Île-de-France", "PACA") that région (``region_name``), rather than the few hundred inhabitants of a
    commune bearing it ("Loire", Maine-et-Loire; "Bretagne", Indre)."""
    folded = fold_name(raw)
    if len(folded) < 2 or is_non_answer(raw):  # "Aucun" is said not given before (:func:`_not_given`)
        return Location(None, INVALID)
    communes = communes_by_name().get(folded, ())
    if departement:
        communes = tuple(c for c in communes if departement_of_commune(c) == departement)
    if departement is None:  # the name alone: what else may it mean?
        if folded in countries():
            return Location(None, WORD_NAME if communes else ABROAD)
        if folded in foreign_cities():  # "Genève", "Bruxelles": no French commune bears them
            return Location(None, ABROAD)
        if not communes and (com := _collectivites_by_name().get(folded)) is not None:
            return Location(None, OUTSIDE_DEPARTEMENTS, _collectivite_communes(com), collectivite=com)
        if communes and " " not in folded and folded in common_words():
            return Location(None, WORD_NAME)
        if (dep := _departements_by_name().get(folded)) is not None and folded not in _PLM_NAMES:
            return Location(None, DEPARTEMENT_NAME, (), dep, _region(dep), (dep,))
        if (reg := _regions_by_name().get(folded)) is not None:
            return Location(None, REGION_NAME, (), None, reg, ())
    places = {departement_of_commune(c) for c in communes}
    deps = tuple(sorted(places & set(departements())))
    if len(deps) + len(places & set(COLLECTIVITES)) > 1:  # "Saint-Pierre": La Réunion's, Miquelon's, ...
        return Location(None, AMBIGUOUS_NAME)
    if (com := _collectivite_of(communes)) is not None:  # "Nouméa"
        return Location(None, OUTSIDE_DEPARTEMENTS, communes, collectivite=com)
    if not deps:
        return Location(None, INVALID)
    return Location(None, COMMUNE_NAME, communes, deps[0], _region(deps[0]), deps)


@lru_cache(maxsize=1)
def _departements_by_name() -> dict[str, str]:
    """Folded département name (:func:`fold_name`) → its code ("meurthe et moselle" → "54"), and a few usual
    forms of overseas ones ("Réunion", "Île de la Réunion", "Guyane française")."""
    usual = {"reunion": "974", "ile de la reunion": "974", "guyane francaise": "973"}
    return {fold_name(d["name"]): code for code, d in departements().items()} | usual


# The régions before 2016 (law 2015-29), each wholly inside one of today's: their départements, still written
_FORMER_REGIONS = {
    "alsace": "67 68",
    "lorraine": "54 55 57 88",
    "champagne ardenne": "08 10 51 52",
    "aquitaine": "24 33 40 47 64",
    "limousin": "19 23 87",
    "poitou charentes": "16 17 79 86",
    "auvergne": "03 15 43 63",
    "rhone alpes": "01 07 26 38 42 69 73 74",
    "bourgogne": "21 58 71 89",
    "franche comte": "25 39 70 90",
    "languedoc roussillon": "11 30 34 48 66",
    "midi pyrenees": "09 12 31 32 46 65 81 82",
    "nord pas de calais": "59 62",
    "picardie": "02 60 80",
    "basse normandie": "14 50 61",
    "haute normandie": "27 76",
    "region centre": "18 28 36 37 41 45",
}


@lru_cache(maxsize=1)
def _regions_by_name() -> dict[str, str]:
    """Folded région name (:func:`fold_name`) → its code ("ile de france" → "11"), "idf" and "paca" too, and
    a former région's name ("Alsace", "Midi-Pyrénées") → the région that holds it today."""
    named = {fold_name(name): code for code, name in regions().items()}
    former = {name: _region(deps.split()[0]) or "" for name, deps in _FORMER_REGIONS.items()}
    return named | {"idf": "11", "paca": "93"} | former


# "Paris 15e", "Lyon 3ème arr.", "Marseille 8e arrondissement", "Paris 1er", "Paris 15", "Paris-15e", "Lyon, 3e",
# "Paris (15e)": an arrondissement
_ARRONDISSEMENT = re.compile(
    r"(paris|lyon|marseille)\s*(?:([-,(])\s*)?(\d{1,2}|[ivx]{1,5})(?:\s*(e|eme|er|ere|°))?"
    r"(?:[\s-]*(arr|arrdt|arrondissement))?\.?\s*\)?"
)
_ROMAN = {"i": 1, "v": 5, "x": 10}
# "75 Paris 15e", "Paris 15e (75)", "Lyon 3e, 69": an arrondissement with its city's département number
_PLM_DEPARTEMENT = re.compile(r"(?:(75|69|13)\s*[-,]?\s+)?(.+?)(?:\s*[,(-]\s*(75|69|13)\s*\)?)?")
# "54 Nancy", "(93) Saint-Denis": the département's number first
_DEPARTEMENT_AND_NAME = re.compile(r"\(?\s*(\d{2,3}|2a|2b)\s*\)?[\s,-]+([^\W\d_][^\d()]*)")


def _arrondissement_number(written: str) -> int:
    """An arrondissement's number as written: "15", or in Roman numerals, "XV" (as "Paris XVe")."""
    if written.isdigit():
        return int(written)
    values = [_ROMAN[ch] for ch in written]
    return sum(-v if v < nxt else v for v, nxt in zip(values, [*values[1:], 0], strict=True))


# "Nancy (54)", "Nancy 54", "Saint-Denis, 93", "Nancy (Meurthe-et-Moselle)": a name and its département, its
# name in brackets or after a comma only ("Trosly-Loire" is a commune, not Trosly in the Loire)
_NAME_AND_DEPARTEMENT = re.compile(
    r"([^\W\d_][^\d(),]*?)(?:[\s,(-]+(\d{2,3}|2a|2b)\)?|\s*\(\s*([^\W\d_][^\d()]*?)\s*\)|\s*,\s*([^\W\d_][^\d(),]*))"
)


def _by_name_and_number(raw: str) -> Location | None:
    """The :class:`Location` of an arrondissement of Paris, Lyon or Marseille written with its number ("Paris
    15e", "Lyon 3e", "Paris XVe"), or of a commune's name with its département's number or name ("Nancy (54)",
    "54 Nancy", "Saint-Denis (93)": the département tells homonyms apart); None when ``raw`` is neither."""
    text = fold_letters(raw).casefold().strip()
    m = _ARRONDISSEMENT.fullmatch(text)
    if m is not None and m[2] in ("(", ",") and not (m[4] or m[5]):
        if m[3] == departement_of_commune(_PLM_NAMES[m[1]]):
            m = None  # "Marseille (13)", "Marseille, 13": its département's number, as "Nancy (54)"
    # a short value only: no long backtracking
    around = _PLM_DEPARTEMENT.fullmatch(text) if m is None and len(text) <= 100 else None
    if around is not None and (around[1] or around[3]):
        # "Paris 15e (75)", "75 Paris 15e": the arrondissement, where the number is its city's département's
        m = _ARRONDISSEMENT.fullmatch(around[2])
        if m is not None and (around[1] or around[3]) != departement_of_commune(_PLM_NAMES[m[1]]):
            m = None
    if m is not None:
        number = _arrondissement_number(m[3])
        code = _ARRONDISSEMENTS[_PLM_NAMES[m[1]]] + (f"{number:02d}" if m[1] != "lyon" else str(number))
        # no such arrondissement: "Paris 75", "Lyon 69" give the département's number ("Paris 25e": nothing)
        if code in commune_population():
            arr_dep = departement_of_commune(code)
            return Location(None, COMMUNE_NAME, (code,), arr_dep, _region(arr_dep), (arr_dep,))
    if len(text) > 100:
        return None
    if (m := _DEPARTEMENT_AND_NAME.fullmatch(text)) is not None:
        dep: str | None = m[1].upper()
        name = m[2]
    elif (m := _NAME_AND_DEPARTEMENT.fullmatch(text)) is not None:
        dep = m[2].upper() if m[2] else _departements_by_name().get(fold_name(m[3] or m[4]))
        name = m[1]
    else:
        return _name_then_departement(text)
    if dep == _CORSICA:  # Corsica's number before its split into 2A and 2B (1976), still written
        found = [
            named for d in ("2A", "2B") if (named := _by_name(name, departement=d)).status == COMMUNE_NAME
        ]
        if not found and _regions_by_name().get(fold_name(name)) == _region("2A"):  # "Corse (20)"
            return _by_name("Corse")
        return found[0] if len(found) == 1 else Location(None, INVALID)
    if dep is None or dep not in departements():
        return None
    named = _by_name(name, departement=dep)
    if named.status == COMMUNE_NAME:
        return named
    com = _collectivites_by_name().get(fold_name(name))
    if com is not None and _DETACHED_FROM.get(com) == dep:  # "Saint-Martin (971)": Guadeloupe's until 2007
        return Location(None, OUTSIDE_DEPARTEMENTS, _collectivite_communes(com), collectivite=com)
    # "Gironde (33)", "33 - Gironde", "Bretagne (35)": the département named by its name (or its région's)
    # and its number, as lists of départements write them
    folded = fold_name(name)
    if _departements_by_name().get(folded) == dep or _regions_by_name().get(folded) == _region(dep):
        return Location(None, DEPARTEMENT_NAME, (), dep, _region(dep), (dep,))
    return Location(None, INVALID)


def _name_then_departement(text: str) -> Location | None:
    """A commune's name followed by its département's name without a comma or brackets ("Saint-Denis La
    Réunion", "Nancy Meurthe-et-Moselle"), where the whole is no commune's name ("Trosly-Loire" is one);
    None when ``text`` is no such pair."""
    words = fold_name(text).split()
    if len(words) > 12 or " ".join(words) in communes_by_name():
        return None
    for k in range(1, len(words)):
        if (dep := _departements_by_name().get(" ".join(words[k:]))) is not None:
            if (named := _by_name(" ".join(words[:k]), departement=dep)).status == COMMUNE_NAME:
                return named
    return None


_CORSICA = "20"  # the département number of Corsica until 1976: today the région (94) of 2A and 2B


# "B-1000 Bruxelles", "CH-1201", "CH 1201", "D-10115", "MC-98000": a postcode with another country's prefix
# (France's "F-" aside; a one-letter prefix with its hyphen only); "AD500": Andorra's, its prefix always written;
# and the postcodes no French one resembles: the United Kingdom's ("SW1A 1AA"), Canada's ("H3Z 2Y7"), the
# Netherlands' ("1012 AB")
_FOREIGN_POSTCODE = re.compile(
    r"(?:(?:a|b|d|e|i|l|p|s)\s*-\s*\d{4,5}|(?:at|be|ch|de|dk|es|gb|it|lu|mc|nl|pt|uk)\s*-?\s*\d{4,5}"
    r"|ad\s*-?\s*\d{3})\b.*"
    r"|(?:[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}|[a-z]\d[a-z]\s*\d[a-z]\d|\d{4}\s*[a-z]{2})(?:[\s,]+[^\d]*)?"
)
_ABROAD_WORDS = {
    "etranger",
    "a l etranger",
    "hors de france",
    "hors france",
    "abroad",
    "expatrie",
    "expatriee",
}


# "Bruxelles, Belgique", "Lausanne (Suisse)": a place followed by its country, after a comma or in brackets
_PLACE_AND_COUNTRY = re.compile(r"[^,()]*[^\W\d_][^,()]*(?:,|\()\s*([^\W\d_][^\d(),]*?)\s*\)?\.?")


def _abroad(raw: str) -> bool:
    """Whether ``raw`` says the participant lives outside France: "Étranger", "Hors de France", a postcode
    with another country's prefix ("B-1000 Bruxelles"), a foreign country's or city's name with a number
    ("Belgique 1000", "1201 Suisse", "1000 Bruxelles"), a place followed by a foreign country ("Lausanne
    (Suisse)", "Dakar, Sénégal"), but a commune's name with its département's ("Suisse (57)") read before."""
    text = fold_letters(raw).casefold().strip()
    if len(text) > 100:
        return False
    if _FOREIGN_POSTCODE.fullmatch(text) or fold_name(text) in _ABROAD_WORDS:
        return True
    if (m := _PLACE_AND_COUNTRY.fullmatch(text)) is not None and fold_name(m[1]) in countries():
        return True
    return any(ch.isdigit() for ch in text) and _foreign_name(text)


# "INSEE 13100": a commune's INSEE code, as an importer writes a cell of a column named so (never a postcode)
_INSEE_WRITTEN = re.compile(r"(?:insee|cog)\s*[:=]?\s*(\d[\dab]\d{3})", re.IGNORECASE)


def _by_insee(code: str) -> Location:
    """The :class:`Location` of an INSEE commune code (Paris, Lyon, Marseille's own: their arrondissements)."""
    population = commune_population()
    if code in _ARRONDISSEMENTS:
        communes = tuple(sorted(c for c in population if c.startswith(_ARRONDISSEMENTS[code])))
    else:
        communes = (code,) if code in population else ()
    dep = departement_of_commune(code)
    if not communes or dep not in departements():
        return Location(None, INVALID)
    return Location(None, INSEE, communes, dep, _region(dep), (dep,))


def _named_in(raw: str, deps: Sequence[str], guessed: str) -> tuple[str, tuple[str, ...]] | None:
    """The département of ``deps`` (those a postcode absent from the table may belong to, by its first
    digits) whose commune's name starts the name written beside it, and those communes ("54999 Toul", "75000
    Paris", "20999 Ajaccio", "54035 Nancy Cedex"); ``guessed`` and no commune when no name is written, or a
    CEDEX code's delivery name that is no commune's ("92081 Paris La Défense Cedex"); None when the name is no
    commune's there: "10115 Berlin" or "28019 Madrid" is another country's postcode, not one of the Aube or
    the Eure-et-Loir."""
    text = re.sub(r"(?i)\bcedex\b.*$", "", raw)
    words = [w for w in fold_name(re.sub(r"\d+", " ", text)).split() if w not in ("f", "fr")]
    if not words:
        return guessed, ()
    names = communes_by_name()
    for n in range(len(words), 0, -1):
        communes = names.get(" ".join(words[:n]), ())
        found = sorted({departement_of_commune(c) for c in communes} & set(deps))
        if found:
            dep = guessed if guessed in found else found[0]
            return dep, tuple(c for c in communes if departement_of_commune(c) == dep)
    return (guessed, ()) if text != raw else None


def _guess_departement(cp: str) -> str | None:
    if cp.startswith("20"):
        return "2A" if cp[2] in "01" else "2B"
    code = cp[:3] if cp.startswith("97") else cp[:2]
    return code if code in departements() else None


def _region(dep: str | None) -> str | None:
    return departements()[dep]["region_code"] if dep in departements() else None


# what a participant writes for a place they do not give: no postcode, not an invalid one
_NOT_GIVEN = {
    "nc",
    "n c",
    "nr",
    "n r",
    "na",
    "n a",
    "nd",
    "n d",
    "inconnu",
    "inconnue",
    "non communique",
    "non communiquee",
    "non renseigne",
    "non renseignee",
    "non precise",
    "non precisee",
    "confidentiel",
    "secret",
    "refus",
    "ne souhaite pas repondre",
    "je ne souhaite pas repondre",
    "prefere ne pas repondre",
    "pas de code postal",
    "anonyme",
    # an empty cell as software writes it: pandas, SQL, JavaScript
    "nan",
    "null",
    "none",
    "undefined",
    # in France, nowhere said: no place to count, not an invalid postcode
    "france",
    "france metropolitaine",
    "metropole",
    "hexagone",
}
# "Je préfère ne pas le dire", "Je ne veux pas répondre", "Ne pas communiquer": a refusal, however worded
_REFUSAL = re.compile(
    r"(?:\bne\b|\bpas\b).*\b(?:repondre|dire|communiquer|preciser|indiquer|renseigner|donner)\b"
)
MAX_REFUSAL_CHARS = (
    120  # a refusal is a sentence: a longer value is not searched (quadratic on "ne ne ne ...")
)
_MASK = re.compile(r"x{2,}")  # "XXXXX", "xxx": a postcode masked, or the form's mask left as it was


def _not_given(raw: str) -> bool:
    """Whether ``raw`` says no place: punctuation only ("-", "?"), a placeholder ("NC", "Non communiqué",
    "Inconnu", "XXXXX"), a refusal however worded ("Je préfère ne pas le dire"), "France" alone (no place in
    it) or another non-answer ("Aucun", a commune of the Hautes-Pyrénées, "Je ne sais pas")."""
    folded = fold_name(raw)
    if not folded or folded in _NOT_GIVEN or _MASK.fullmatch(folded):
        return True
    if len(folded) <= MAX_REFUSAL_CHARS and _REFUSAL.search(folded):  # a sentence, not a cell of text
        return True
    return len(folded) > 1 and is_non_answer(raw)


# ", France", " (France)", " - FR" after a place: the country said, as forms and address books add it
_FRANCE_AFTER = re.compile(r"(?<=[\w)])[\s,;(-]+(?:france|fr)\)?\.?$", re.IGNORECASE)
# "Nancy Cedex", "Lyon CEDEX 03": a commune's name as a business address writes it, without its postcode
_CEDEX_AFTER = re.compile(r"(?<=[^\W\d_])\s+cedex(?:\s*(\d{1,2}))?\.?$", re.IGNORECASE)


_CEDEX_ACCENTED = re.compile(r"\bc[ée]dex\b", re.IGNORECASE)
# '01000 and ="01000": a spreadsheet's ways of keeping a postcode's leading zero (a text marker, a formula)
_SPREADSHEET_TEXT = re.compile(r"""^(?:'(.*)|="(.*)")$""", re.DOTALL)


def _unwrapped(raw: str) -> str:
    """``raw`` as its characters read (Unicode NFKC: full-width digits "７５０１５" are digits), stripped, without
    a spreadsheet's text marker ("'01000") or formula ('="01000"') around it, "Cédex" written "CEDEX"."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if (m := _SPREADSHEET_TEXT.fullmatch(text)) is not None:
        text = (m[1] if m[1] is not None else m[2]).strip()
    return _CEDEX_ACCENTED.sub("CEDEX", text)  # "Nancy Cédex": as "Nancy Cedex"


@lru_cache(maxsize=65536)
def locate(raw: str | None) -> Location:
    """The :class:`Location` of a participant's postcode (see the module docstring for each status); a place
    that reads as none with the country after it ("Nancy, France", "Nancy 54000 France") is read without, and
    so is a commune's name followed by "Cedex" ("Nancy Cedex", "Lyon CEDEX 03")."""
    text = _unwrapped(str(raw)) if raw is not None else ""
    if not text or _not_given(text):
        return Location(None, MISSING)
    location = _locate(text)
    if location.status == INVALID and (france := _FRANCE_AFTER.search(text)) is not None:
        text = text[: france.start()]
        location = _locate(text)  # "Île-de-France" reads as itself first
    if location.status == INVALID and (cedex := _CEDEX_AFTER.search(text)) is not None:
        location = _locate(text[: cedex.start()])
        # "Paris Cedex 15", "Lyon CEDEX 03": Paris, Lyon and Marseille number their CEDEX offices by arrondissement
        if cedex[1] and fold_name(text[: cedex.start()]) in _PLM_NAMES:
            office = _by_name_and_number(f"{text[: cedex.start()]} {int(cedex[1])}e")
            location = office if office is not None and office.status == COMMUNE_NAME else location
    if location.status == INVALID and (address := _address(text)) is not None:
        location = address
    return location


# "12 rue de la Paix 75002 Paris", "BP 123 54000 Nancy", "CS 50001 54035 Nancy Cedex": an address's last line
_ADDRESS_END = re.compile(
    r"(?<![\d])(\d{5})\s+([^\W\d_][^\d]*?)(?:\s+cedex(?:\s*\d{1,2})?)?\.?\s*$", re.IGNORECASE
)


@lru_cache(maxsize=1)
def _postcode_names() -> dict[str, frozenset[str]]:
    """Postcode → folded names La Poste gives its places: communes, delivery names, former communes."""
    out: dict[str, set[str]] = {}
    for row in _poste_rows():
        names = out.setdefault(row["Code_postal"], set())
        names.update(fold_name(row[k]) for k in ("Nom_de_la_commune", "Libellé_d_acheminement", "Ligne_5"))
    return {cp: frozenset(n for n in names if n) for cp, names in out.items()}


def _address(text: str) -> Location | None:
    """A value that reads as no place but ends as an address does, with a postcode and its commune's name
    ("12 rue de la Paix 75002 Paris", "BP 123 54000 Nancy", an organisation's "CS 50001 54035 Nancy Cedex"):
    that postcode, where the name agrees with it (one of its communes' or La Poste's names for it; for a CEDEX
    code absent from the table, a commune of its département). Other free text ("j'habite à Lille depuis 10
    ans") is never searched for a place: a sentence may name several, or one the participant left."""
    if len(text) > 200 or (m := _ADDRESS_END.search(text)) is None or m.start() == 0:
        return None
    names = _postcode_names().get(m[1])
    if names is not None and fold_name(m[2]) not in names:
        return None
    found = _locate(text[m.start() :])
    return (
        found
        if found.status in (OK, AMBIGUOUS, GUESSED, COMMUNE_NAME, OUTSIDE_DEPARTEMENTS, ABROAD)
        else None
    )


# "PAYS Suisse": a foreign country, as an importer writes a cell of a country column (never a commune's name)
_COUNTRY_WRITTEN = re.compile(r"pays\s+(\S.*)", re.IGNORECASE)


def _locate(raw: str) -> Location:
    if (insee := _INSEE_WRITTEN.fullmatch(str(raw).strip())) is not None:
        return _by_insee(insee[1].upper())
    if (country := _COUNTRY_WRITTEN.fullmatch(str(raw).strip())) is not None and fold_name(
        country[1]
    ) in countries():
        return Location(None, ABROAD)
    if (alone := str(raw).strip().upper()) in departements():  # "54", "2A", "974": a département alone
        return Location(None, DEPARTEMENT_NAME, (), alone, _region(alone), (alone,))
    if alone == _CORSICA:  # both of its départements: the région, as "Corse" reads
        return _by_name("Corse")
    cp = normalise_postcode(raw)
    if cp is None and (named := _by_name_and_number(str(raw))) is not None:
        return named
    if cp is None and _abroad(str(raw)):
        return Location(None, ABROAD)
    if cp is None and not any(ch.isdigit() for ch in str(raw)):
        return _by_name(str(raw))
    if cp is None or cp == "00000":
        return Location(None, INVALID)
    if cp.startswith(_MONACO_POSTCODES):  # Monaco: another country, with French postcodes
        return Location(cp, ABROAD)
    communes = postcode_table().get(cp)
    written = _written_digits(str(raw)) or ""
    if communes is None and len(written) == 4 and not re.search(r"(?i)\bcedex\b", str(raw)):
        return Location(cp, INVALID)  # padded, still no postcode: no lost zero (a CEDEX code aside)
    if communes is None and cp[:3] in COLLECTIVITES:  # "98400": the TAAF, whose codes La Poste omits
        return Location(cp, OUTSIDE_DEPARTEMENTS, collectivite=cp[:3])
    if communes is None:
        guess = _guess_departement(cp)
        # Corsica's 20xxx: the name tells 2A from 2B better than the third digit
        beside = (
            _named_in(str(raw), ("2A", "2B") if guess in ("2A", "2B") else (guess,), guess) if guess else None
        )
        if beside is None:  # "10115 Berlin": another country's postcode
            return Location(cp, ABROAD if _foreign_name(str(raw)) else INVALID)
        dep, communes = beside
        if communes:  # "75000 Paris", "54035 Nancy Cedex": no such postcode, but the commune is named
            return Location(None, COMMUNE_NAME, communes, dep, _region(dep), (dep,))
        return Location(cp, GUESSED, (), dep, _region(dep), (dep,))
    communes = _named_among(str(raw), communes)
    deps = tuple(sorted({departement_of_commune(c) for c in communes} & set(departements())))
    if not deps:
        return Location(cp, OUTSIDE_DEPARTEMENTS, communes, collectivite=_collectivite_of(communes))
    if len(deps) == 1:
        return Location(cp, OK, communes, deps[0], _region(deps[0]), deps)
    pop = commune_population()
    weight = {d: sum(pop.get(c, 0) for c in communes if departement_of_commune(c) == d) for d in deps}
    main = max(deps, key=lambda d: (weight[d], d))
    return Location(cp, AMBIGUOUS, communes, main, _region(main), deps)


@lru_cache(maxsize=1)
def _names_of_communes() -> dict[str, frozenset[str]]:
    """INSEE code → the folded names a commune goes by: the population table's, La Poste's, its former
    communes' (``Ligne_5``)."""
    out: dict[str, set[str]] = {code: {fold_name(name)} for code, name in commune_names().items()}
    for row in _poste_rows():
        names = out.setdefault(row["Code_commune_INSEE"], set())
        names.update(n for n in (fold_name(row["Nom_de_la_commune"]), fold_name(row["Ligne_5"])) if n)
    return {code: frozenset(names) for code, names in out.items()}


def _named_among(raw: str, communes: tuple[str, ...]) -> tuple[str, ...]:
    """The communes of a postcode covering several that the name written beside it names ("01200
    Châtillon-en-Michaille": one of nine, in the Ain, not Haute-Savoie); all of them when no name is written
    or it names none of them (a delivery name: "54000 Nancy Cedex")."""
    if len(communes) < 2:
        return communes
    text = re.sub(r"(?i)\bcedex\b.*$", "", raw)
    words = [w for w in fold_name(re.sub(r"\d+", " ", text)).split() if w not in ("f", "fr")]
    names = _names_of_communes()
    named = tuple(c for c in communes if " ".join(words) in names.get(c, ()))
    return named or communes


# Paris, Lyon and Marseille: the population table counts their arrondissements, which postcodes point to
_ARRONDISSEMENTS = {"75056": "751", "69123": "6938", "13055": "132"}


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
        if len(code := raw.strip().upper()) == 5 and code not in _ARRONDISSEMENTS
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
            target = (
                (population if insee else postcodes) if code not in _ARRONDISSEMENTS else _ARRONDISSEMENTS
            )
            if code not in target:
                unknown.append(raw)
            elif code in _ARRONDISSEMENTS:
                communes.update(c for c in population if c.startswith(_ARRONDISSEMENTS[code]))
            else:
                communes.update((code,) if insee else postcodes[code])
        elif code.startswith("R") and code[1:] in regions():
            regs.add(code)
        elif code in departements():
            deps.add(code)
        elif code in COLLECTIVITES:  # "988": New Caledonia's communes
            communes.update(_collectivite_communes(code))
        elif code in _ARRONDISSEMENTS:
            communes.update(c for c in population if c.startswith(_ARRONDISSEMENTS[code]))
        elif code in population and not (as_postcodes and code in postcodes):
            communes.add(code)  # 2,995 INSEE codes are also some other place's postcode
        elif (cp := normalise_postcode(code)) in postcodes:
            communes.update(postcodes[cp or ""])
        elif (named := _by_name(raw)).status == COMMUNE_NAME:
            communes.update(named.communes)
        elif named.status == DEPARTEMENT_NAME and named.departement:
            deps.add(named.departement)
        elif named.status == OUTSIDE_DEPARTEMENTS and named.communes:  # "Nouvelle-Calédonie", "Nouméa"
            communes.update(named.communes)
        elif named.status == REGION_NAME and (former := _FORMER_REGIONS.get(fold_name(raw))) is not None:
            deps.update(former.split())  # "Alsace": the Bas-Rhin and the Haut-Rhin, not all of the Grand Est
        elif named.status == REGION_NAME:
            regs.add(f"R{named.region}")
        elif (
            named.status == WORD_NAME
            and fold_name(raw) not in _departements_by_name()  # "Vienne": the Isère's city or the 86?
            and (own := _by_name(raw, departement="")).status == COMMUNE_NAME
        ):
            communes.update(own.communes)  # an official declaring "Sens" or "Mer" names the commune
        elif (written := _by_name_and_number(raw)) is not None and written.status == COMMUNE_NAME:
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
        if any(_region(d) == location.region for d in inside):
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
