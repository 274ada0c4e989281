"""Helpers shared by the format readers: author types, booleans, row width checks, localised columns."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from synthesis.prepare import strip_accents
from synthesis.records import AuthorType, RejectedRow

if TYPE_CHECKING:
    from .base import RowSource

Getter = Callable[[str], str]

# A row of a wide export (one column per question: Grand Débat, a questionnaire) with no answer at all
NO_ANSWER_REASON = "aucune réponse : toutes les cellules de question de la ligne sont vides"
NO_ANSWER_REASON_EN = "no answer: every question cell of the row is empty"
# A questionnaire's row none of whose answers' columns holds anything: its other cells may be filled (the date,
# the participant's id, the options ticked in a multiple choice), which "every question cell" would deny
NO_ANSWERS_READ_REASON = (
    "aucune réponse : les cellules des colonnes de réponses lues sont toutes vides (les autres colonnes de la "
    "ligne, date, identifiant, cases cochées, ne sont pas des réponses)"
)
NO_ANSWERS_READ_REASON_EN = (
    "no answer: every cell of the answers' columns read is empty (the row's other columns, date, id, ticked "
    "boxes, are not answers)"
)

_AUTHOR_TYPES: dict[str, AuthorType] = {
    # Grand Débat / Cap Collectif labels, folded (lower case, no accents, spaces collapsed)
    "citoyen / citoyenne": AuthorType.CITIZEN,
    "citoyen": AuthorType.CITIZEN,
    "citoyenne": AuthorType.CITIZEN,
    "elu / elue et institution": AuthorType.ELECTED_OR_INSTITUTION,
    "elu": AuthorType.ELECTED_OR_INSTITUTION,
    "institution": AuthorType.ELECTED_OR_INSTITUTION,
    "organisation a but lucratif": AuthorType.ORGANISATION_PROFIT,
    "organisation a but non lucratif": AuthorType.ORGANISATION_NONPROFIT,
    "association": AuthorType.ORGANISATION_NONPROFIT,
    "organisation": AuthorType.ORGANISATION,
    "entreprise": AuthorType.ORGANISATION_PROFIT,
    # English values and our own enum values, for generic files
    "citizen": AuthorType.CITIZEN,
    "organization": AuthorType.ORGANISATION,
    "company": AuthorType.ORGANISATION_PROFIT,
    "ngo": AuthorType.ORGANISATION_NONPROFIT,
    "elected": AuthorType.ELECTED_OR_INSTITUTION,
    **{t.value: t for t in AuthorType},
}

_TRUE = frozenset({"true", "1", "oui", "yes", "vrai", "t", "y"})


def fold(value: str) -> str:
    return " ".join(strip_accents(value).casefold().split())


# Words of the participant types a Cap Collectif instance's administrators name themselves ("Collectivité
# territoriale", "Organisation syndicale", "Habitant du quartier"), first match wins: an "association de
# riverains" is an association. Folded as :func:`fold` folds, matched as whole words.
_TYPE_WORDS: tuple[tuple[AuthorType, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(r"\b(?:" + "|".join(words) + r")\b"))
    for kind, words in (
        (
            AuthorType.ELECTED_OR_INSTITUTION,
            (
                "elus?",
                "elues?",
                "maires?",
                "mairies?",
                "communes?",
                "collectivites?",
                "institutions?",
                "institutionnel(?:le)?s?",
                "administrations?",
                "etablissements? publics?",
                "services? publics?",
                "prefectures?",
                "ministeres?",
                "conseils? (?:municipal|municipaux|departemental|departementaux|regional|regionaux)",
            ),
        ),
        (
            AuthorType.ORGANISATION_NONPROFIT,
            (
                "associations?",
                "associati(?:f|ve)s?",
                "ong",
                "syndicats?",
                "syndicale?s?",
                "federations?",
                "fondations?",
                "collectifs?",
                "but non lucratif",
            ),
        ),
        (
            AuthorType.ORGANISATION_PROFIT,
            ("entreprises?", "societes?", "commercants?", "commercantes?", "artisans?", "but lucratif"),
        ),
        (AuthorType.ORGANISATION, ("organisations?", "organismes?", "groupements?")),
        (
            AuthorType.CITIZEN,
            (
                "citoyens?",
                "citoyennes?",
                "particuliers?",
                "habitants?",
                "habitantes?",
                "riverains?",
                "riveraines?",
                "residents?",
                "residentes?",
                "usagers?",
                "usageres?",
            ),
        ),
    )  # fmt: skip
)


@lru_cache(maxsize=4096)  # a column of an export repeats a few labels over its rows
def author_type(value: str | None) -> AuthorType:
    """Map an export's author-type label to :class:`AuthorType`: a known label (Grand Débat's four, English
    ones, our own values), else the first kind whose words it holds (:data:`_TYPE_WORDS`), else ``UNKNOWN``."""
    if not value or not value.strip():
        return AuthorType.UNKNOWN
    folded = fold(value)
    if folded in _AUTHOR_TYPES:
        return _AUTHOR_TYPES[folded]
    return next((kind for kind, words in _TYPE_WORDS if words.search(folded)), AuthorType.UNKNOWN)


def truthy(value: str | None) -> bool:
    return bool(value) and fold(value or "") in _TRUE


def fit_width(line: int, fields: list[str], width: int) -> list[str] | RejectedRow:
    """The row's fields if it has the header's width (trailing empty extras tolerated), else a rejection."""
    if len(fields) == width:
        return fields
    if len(fields) > width and not any(f.strip() for f in fields[width:]):
        return fields[:width]
    return RejectedRow(
        line,
        f"la ligne a {len(fields)} champ(s) alors que l'en-tête en a {width} "
        "(séparateur ou guillemet mal placé ?)",
        f"the row has {len(fields)} field(s) where the header has {width} (a misplaced delimiter or quote?)",
    )


NamedRecord = tuple[int, list[str], Getter]


def named_records(source: RowSource, *, strip: bool = False) -> Iterator[NamedRecord | RejectedRow]:
    """Each record of ``source``: a rejection when its width is wrong, else ``(line, fields, get)`` where
    ``get(column)`` is the field of that column ('' when the file has no such column; a repeated column name
    gives its first occurrence), stripped when ``strip``."""
    width = len(source.columns)
    idx = {c: i for i, c in reversed(list(enumerate(source.columns)))}
    for line, raw in source.records:
        fields = fit_width(line, raw, width)
        if isinstance(fields, RejectedRow):
            yield fields
            continue

        def get(name: str, f: list[str] = fields) -> str:
            i = idx.get(name)
            value = f[i] if i is not None else ""
            return value.strip() if strip else value

        yield line, fields, get


def localised_column(columns: Sequence[str], base: str, locale: str = "fr") -> str | None:
    """Column holding ``base``: ``base`` itself, ``base/<locale>``, or the first ``base/<other>``."""
    found = localised_columns(columns, base, locale)
    return found[0] if found else None


def localised_columns(columns: Sequence[str], base: str, locale: str = "fr") -> list[str]:
    """Every column holding ``base`` as written, best first: ``base`` itself, ``base/<locale>``, then each
    ``base/<other locale>`` (``base/machine_translations/<locale>`` is no one's writing: left out)."""
    depth = base.count("/") + 1
    ordered = [base, f"{base}/{locale}"] + [
        c for c in columns if c.startswith(base + "/") and c.count("/") == depth
    ]
    return [c for c in dict.fromkeys(ordered) if c in columns]


def first_written(get: Getter, columns: Sequence[str]) -> str:
    """The first of ``columns`` that ``get`` finds filled ('' when none is): a Decidim text is kept in the
    locale its author wrote it in, and a CSV has a column for each locale of its first record, so a text
    written in English on a French instance is in ``body/en`` with ``body/fr`` empty."""
    for column in columns:
        if (value := get(column)).strip():
            return value
    return ""


def join_title_body(title: str, body: str) -> str:
    """A proposal's contribution text: its title, a blank line, its body (either may be empty)."""
    title, body = title.strip(), body.strip()
    if title and body:
        return f"{title}\n\n{body}"
    return title or body
