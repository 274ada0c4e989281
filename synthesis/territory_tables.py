"""The bundled tables of French territories (``synthesis/data/territoires/``, attribution in its README), read
lazily, once per process, and the name indexes built on them: postcodes and INSEE codes, communes (their names,
former names and populations), départements, régions, collectivités d'outre-mer, and the names of foreign
countries and cities. :mod:`synthesis.territory` reads a participant's place with them."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from synthesis.prepare import fold_letters

DATA_DIR = Path(__file__).resolve().parent / "data" / "territoires"

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
DETACHED_FROM = {
    "977": "971",
    "978": "971",
}  # Saint-Barthélemy, Saint-Martin: communes of Guadeloupe until 2007
_COLLECTIVITE_ALIASES = {"taaf": "984", "polynesie": "987", "clipperton": "989", "wallis": "986"}
FOREIGN_INSEE = "99"  # INSEE codes of foreign countries: the La Poste table gives Monaco's, 99138
MONACO_POSTCODES = "980"  # Monaco's postcodes: 98000 and its CEDEX codes


def _read(name: str, delimiter: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def departement_of_commune(insee: str) -> str:
    """Département code of an INSEE commune code (3 characters for 97x/98x)."""
    return insee[:3] if insee.startswith(("97", "98")) else insee[:2]


@lru_cache(maxsize=1)
def poste_rows() -> list[dict[str, str]]:
    """The La Poste table's rows, read once for the postcodes and the names it gives."""
    return _read("019HexaSmal.csv", ";")


@lru_cache(maxsize=1)
def postcode_table() -> dict[str, tuple[str, ...]]:
    """Postcode → sorted distinct INSEE commune codes (La Poste table, ``Ligne_5`` rows merged)."""
    out: dict[str, set[str]] = {}
    for row in poste_rows():
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


PLM_NAMES = {"paris": "75056", "lyon": "69123", "marseille": "13055"}


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
    for name, code in PLM_NAMES.items():  # the table names their arrondissements only
        out[name] = {c for c in commune_population() if c.startswith(ARRONDISSEMENTS[code])}
    rows = poste_rows()
    known = set(commune_names())
    for row in rows:
        code = row["Code_commune_INSEE"]
        if code not in known and not code.startswith(FOREIGN_INSEE):
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
def collectivites_by_name() -> dict[str, str]:
    """Folded name of a collectivité d'outre-mer (:data:`COLLECTIVITES`, a few usual forms) → its code."""
    return {fold_name(name): code for code, name in COLLECTIVITES.items()} | _COLLECTIVITE_ALIASES


def collectivite_communes(code: str) -> tuple[str, ...]:
    """The INSEE-like codes of a collectivité d'outre-mer's communes (La Poste's table; none for the TAAF)."""
    return tuple(
        sorted({c for cs in postcode_table().values() for c in cs if departement_of_commune(c) == code})
    )


def collectivite_of(communes: Iterable[str]) -> str | None:
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


def is_foreign_name(raw: str) -> bool:
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


@lru_cache(maxsize=1)
def departements_by_name() -> dict[str, str]:
    """Folded département name (:func:`fold_name`) → its code ("meurthe et moselle" → "54"), and a few usual
    forms of overseas ones ("Réunion", "Île de la Réunion", "Guyane française")."""
    usual = {"reunion": "974", "ile de la reunion": "974", "guyane francaise": "973"}
    return {fold_name(d["name"]): code for code, d in departements().items()} | usual


# The régions before 2016 (law 2015-29), each wholly inside one of today's: their départements, still written
FORMER_REGIONS = {
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
def regions_by_name() -> dict[str, str]:
    """Folded région name (:func:`fold_name`) → its code ("ile de france" → "11"), "idf" and "paca" too, and
    a former région's name ("Alsace", "Midi-Pyrénées") → the région that holds it today."""
    named = {fold_name(name): code for code, name in regions().items()}
    former = {name: region_of(deps.split()[0]) or "" for name, deps in FORMER_REGIONS.items()}
    return named | {"idf": "11", "paca": "93"} | former


def region_of(dep: str | None) -> str | None:
    return departements()[dep]["region_code"] if dep in departements() else None


# Paris, Lyon and Marseille: the population table counts their arrondissements, which postcodes point to
ARRONDISSEMENTS = {"75056": "751", "69123": "6938", "13055": "132"}


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


def written_abroad(raw: str) -> bool:
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
    return any(ch.isdigit() for ch in text) and is_foreign_name(text)
