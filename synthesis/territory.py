"""A participant's place as written (a postcode, a commune's name, an address…) → commune(s), département,
région (issue 5). The tables are :mod:`synthesis.territory_tables`; declared territories and participation
indices, :mod:`synthesis.participation`.

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
  arrondissement. A name alone is not read where it more likely means something else (:func:`location_by_name`): a
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
- **A declared territory** (:func:`synthesis.participation.read_declared`): a five-digit code that is both a
  postcode and another commune's INSEE code ("13100") is read as a postcode, as participants give theirs,
  unless the territory's other five-digit codes are INSEE codes only; "INSEE 13100" or "CP 13100" say which.
- **Overseas**: DROM (971–974, 976) are départements; the COMs (975, 977, 978, 984, 986–989: ``COLLECTIVITES``)
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

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from synthesis.prepare import fold_letters, is_non_answer
from synthesis.territory_tables import (
    ARRONDISSEMENTS,
    COLLECTIVITES,
    DETACHED_FROM,
    MONACO_POSTCODES,
    PLM_NAMES,
    collectivite_communes,
    collectivite_of,
    collectivites_by_name,
    common_words,
    commune_names,
    commune_population,
    communes_by_name,
    countries,
    departement_of_commune,
    departements,
    departements_by_name,
    fold_name,
    foreign_cities,
    is_foreign_name,
    postcode_table,
    poste_rows,
    region_of,
    regions_by_name,
    written_abroad,
)

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
    collectivite: str | None = None  # a collectivité d'outre-mer's code (``COLLECTIVITES``)


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


def location_by_name(raw: str, departement: str | None = None) -> Location:
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
        if not communes and (com := collectivites_by_name().get(folded)) is not None:
            return Location(None, OUTSIDE_DEPARTEMENTS, collectivite_communes(com), collectivite=com)
        if communes and " " not in folded and folded in common_words():
            return Location(None, WORD_NAME)
        if (dep := departements_by_name().get(folded)) is not None and folded not in PLM_NAMES:
            return Location(None, DEPARTEMENT_NAME, (), dep, region_of(dep), (dep,))
        if (reg := regions_by_name().get(folded)) is not None:
            return Location(None, REGION_NAME, (), None, reg, ())
    places = {departement_of_commune(c) for c in communes}
    deps = tuple(sorted(places & set(departements())))
    if len(deps) + len(places & set(COLLECTIVITES)) > 1:  # "Saint-Pierre": La Réunion's, Miquelon's, ...
        return Location(None, AMBIGUOUS_NAME)
    if (com := collectivite_of(communes)) is not None:  # "Nouméa"
        return Location(None, OUTSIDE_DEPARTEMENTS, communes, collectivite=com)
    if not deps:
        return Location(None, INVALID)
    return Location(None, COMMUNE_NAME, communes, deps[0], region_of(deps[0]), deps)


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


def location_by_name_and_number(raw: str) -> Location | None:
    """The :class:`Location` of an arrondissement of Paris, Lyon or Marseille written with its number ("Paris
    15e", "Lyon 3e", "Paris XVe"), or of a commune's name with its département's number or name ("Nancy (54)",
    "54 Nancy", "Saint-Denis (93)": the département tells homonyms apart); None when ``raw`` is neither."""
    text = fold_letters(raw).casefold().strip()
    m = _ARRONDISSEMENT.fullmatch(text)
    if m is not None and m[2] in ("(", ",") and not (m[4] or m[5]):
        if m[3] == departement_of_commune(PLM_NAMES[m[1]]):
            m = None  # "Marseille (13)", "Marseille, 13": its département's number, as "Nancy (54)"
    # a short value only: no long backtracking
    around = _PLM_DEPARTEMENT.fullmatch(text) if m is None and len(text) <= 100 else None
    if around is not None and (around[1] or around[3]):
        # "Paris 15e (75)", "75 Paris 15e": the arrondissement, where the number is its city's département's
        m = _ARRONDISSEMENT.fullmatch(around[2])
        if m is not None and (around[1] or around[3]) != departement_of_commune(PLM_NAMES[m[1]]):
            m = None
    if m is not None:
        number = _arrondissement_number(m[3])
        code = ARRONDISSEMENTS[PLM_NAMES[m[1]]] + (f"{number:02d}" if m[1] != "lyon" else str(number))
        # no such arrondissement: "Paris 75", "Lyon 69" give the département's number ("Paris 25e": nothing)
        if code in commune_population():
            arr_dep = departement_of_commune(code)
            return Location(None, COMMUNE_NAME, (code,), arr_dep, region_of(arr_dep), (arr_dep,))
    if len(text) > 100:
        return None
    if (m := _DEPARTEMENT_AND_NAME.fullmatch(text)) is not None:
        dep: str | None = m[1].upper()
        name = m[2]
    elif (m := _NAME_AND_DEPARTEMENT.fullmatch(text)) is not None:
        dep = m[2].upper() if m[2] else departements_by_name().get(fold_name(m[3] or m[4]))
        name = m[1]
    else:
        return _name_then_departement(text)
    if dep == _CORSICA:  # Corsica's number before its split into 2A and 2B (1976), still written
        found = [
            named
            for d in ("2A", "2B")
            if (named := location_by_name(name, departement=d)).status == COMMUNE_NAME
        ]
        if not found and regions_by_name().get(fold_name(name)) == region_of("2A"):  # "Corse (20)"
            return location_by_name("Corse")
        return found[0] if len(found) == 1 else Location(None, INVALID)
    if dep is None or dep not in departements():
        return None
    named = location_by_name(name, departement=dep)
    if named.status == COMMUNE_NAME:
        return named
    com = collectivites_by_name().get(fold_name(name))
    if com is not None and DETACHED_FROM.get(com) == dep:  # "Saint-Martin (971)": Guadeloupe's until 2007
        return Location(None, OUTSIDE_DEPARTEMENTS, collectivite_communes(com), collectivite=com)
    # "Gironde (33)", "33 - Gironde", "Bretagne (35)": the département named by its name (or its région's)
    # and its number, as lists of départements write them
    folded = fold_name(name)
    if departements_by_name().get(folded) == dep or regions_by_name().get(folded) == region_of(dep):
        return Location(None, DEPARTEMENT_NAME, (), dep, region_of(dep), (dep,))
    return Location(None, INVALID)


def _name_then_departement(text: str) -> Location | None:
    """A commune's name followed by its département's name without a comma or brackets ("Saint-Denis La
    Réunion", "Nancy Meurthe-et-Moselle"), where the whole is no commune's name ("Trosly-Loire" is one);
    None when ``text`` is no such pair."""
    words = fold_name(text).split()
    if len(words) > 12 or " ".join(words) in communes_by_name():
        return None
    for k in range(1, len(words)):
        if (dep := departements_by_name().get(" ".join(words[k:]))) is not None:
            if (named := location_by_name(" ".join(words[:k]), departement=dep)).status == COMMUNE_NAME:
                return named
    return None


_CORSICA = "20"  # the département number of Corsica until 1976: today the région (94) of 2A and 2B


# "INSEE 13100": a commune's INSEE code, as an importer writes a cell of a column named so (never a postcode)
_INSEE_WRITTEN = re.compile(r"(?:insee|cog)\s*[:=]?\s*(\d[\dab]\d{3})", re.IGNORECASE)


def _by_insee(code: str) -> Location:
    """The :class:`Location` of an INSEE commune code (Paris, Lyon, Marseille's own: their arrondissements)."""
    population = commune_population()
    if code in ARRONDISSEMENTS:
        communes = tuple(sorted(c for c in population if c.startswith(ARRONDISSEMENTS[code])))
    else:
        communes = (code,) if code in population else ()
    dep = departement_of_commune(code)
    if not communes or dep not in departements():
        return Location(None, INVALID)
    return Location(None, INSEE, communes, dep, region_of(dep), (dep,))


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
        if cedex[1] and fold_name(text[: cedex.start()]) in PLM_NAMES:
            office = location_by_name_and_number(f"{text[: cedex.start()]} {int(cedex[1])}e")
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
    for row in poste_rows():
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
        return Location(None, DEPARTEMENT_NAME, (), alone, region_of(alone), (alone,))
    if alone == _CORSICA:  # both of its départements: the région, as "Corse" reads
        return location_by_name("Corse")
    cp = normalise_postcode(raw)
    if cp is None and (named := location_by_name_and_number(str(raw))) is not None:
        return named
    if cp is None and (both := _place_and_postcode(str(raw))) is not None:
        return both
    if cp is None and written_abroad(str(raw)):
        return Location(None, ABROAD)
    if cp is None and not any(ch.isdigit() for ch in str(raw)):
        return location_by_name(str(raw))
    if cp is None or cp == "00000":
        return Location(None, INVALID)
    if cp.startswith(MONACO_POSTCODES):  # Monaco: another country, with French postcodes
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
            return Location(cp, ABROAD if is_foreign_name(str(raw)) else INVALID)
        dep, communes = beside
        if communes:  # "75000 Paris", "54035 Nancy Cedex": no such postcode, but the commune is named
            return Location(None, COMMUNE_NAME, communes, dep, region_of(dep), (dep,))
        return Location(cp, GUESSED, (), dep, region_of(dep), (dep,))
    communes = _named_among(str(raw), communes)
    deps = tuple(sorted({departement_of_commune(c) for c in communes} & set(departements())))
    if not deps:
        return Location(cp, OUTSIDE_DEPARTEMENTS, communes, collectivite=collectivite_of(communes))
    if len(deps) == 1:
        return Location(cp, OK, communes, deps[0], region_of(deps[0]), deps)
    pop = commune_population()
    weight = {d: sum(pop.get(c, 0) for c in communes if departement_of_commune(c) == d) for d in deps}
    main = max(deps, key=lambda d: (weight[d], d))
    return Location(cp, AMBIGUOUS, communes, main, region_of(main), deps)


_POSTCODE_WRITTEN = re.compile(r"\(?\b(\d{5})\b\)?")


def _place_and_postcode(raw: str) -> Location | None:
    """ "Paris 15e, 75015", "Lyon 3e 69003", "Marseille 8e (13008)": a place that holds a number of its own (an
    arrondissement) written with its postcode, read when both name the same commune: the postcode's location.
    None when they name different communes, or the text holds more than one postcode (a sentence, a list)."""
    codes = _POSTCODE_WRITTEN.findall(raw)
    if len(codes) != 1 or len(raw) > 100:
        return None
    rest = _POSTCODE_WRITTEN.sub(" ", raw).strip(" ,;-")
    place = location_by_name_and_number(rest) if rest else None
    if place is None or not place.communes:
        return None
    postcode = _locate(codes[0])
    return postcode if set(postcode.communes) & set(place.communes) else None


@lru_cache(maxsize=1)
def _names_of_communes() -> dict[str, frozenset[str]]:
    """INSEE code → the folded names a commune goes by: the population table's, La Poste's, its former
    communes' (``Ligne_5``)."""
    out: dict[str, set[str]] = {code: {fold_name(name)} for code, name in commune_names().items()}
    for row in poste_rows():
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
