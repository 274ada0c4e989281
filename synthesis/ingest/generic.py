"""Generic exports (CSV, XLSX, JSON, JSON Lines) read through an explicit :class:`ColumnMapping`.

One contribution per row, even when its text is blank (the preparation step excludes it with a reason).
Without a mapping, the suggested one (:func:`suggest_mapping`) is used when it finds a text column by name,
and recorded in ``extras["mapping"]``; otherwise a :class:`MappingError` lists the columns. ``source_id`` is
the mapped id column, or ``ligne-<n>`` (the row's line, or its record number in a JSON array wrapped in an
object or written on one line: see :mod:`.tabular`), distinct for every row. Without a question column every
row answers one question, ``question_id = "1"``, with ``question_text`` from the caller (else the file
name).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from schemas.settings import ColumnMapping
from synthesis.errors import MappingError
from synthesis.records import Contribution, RejectedRow
from synthesis.territory import lost_zero

from .base import RowOutcome, RowSource
from .common import author_type, fit_width, fold
from .privacy import author_ref

DEFAULT_QUESTION_ID = "1"

# Column names (folded) that suggest each mapped field, best first.
_HINTS: dict[str, tuple[str, ...]] = {
    "text": (
        "text",
        "texte",
        "contribution",
        "comment",
        "commentaire",
        "body",
        "comment-body",
        "reponse",
        "answer",
        "contenu",
        "content",
        "message",
        "avis",
        "description",
        "proposition",
        "opinion",
    ),
    "id": ("id", "reference", "identifiant", "comment-id", "contribution_id", "uuid", "numero"),
    "author": (
        "author",
        "auteur",
        "author_id",
        "author-id",
        "authorid",
        "author/id",
        "participant",
        "user_id",
        "user",
        "email",
    ),
    "author_type": ("author_type", "authortype", "type_auteur", "type d'auteur", "profil", "type"),
    "postcode": (
        "postcode",
        "code_postal",
        "code postal",
        "cp",
        "zipcode",
        "zip",
        "authorzipcode",
        "zip_code",
        "code_insee",
        "code insee",
        "insee",
        "code_commune",
        "code commune",
        "codgeo",
        "commune",
        "ville",
    ),
    "date": ("date", "created_at", "createdat", "date_creation", "datetime", "timestamp", "created"),
    "question": ("question", "question_id", "theme", "thème", "sujet", "topic"),
    "channel": ("channel", "canal", "source", "origine"),
}


def suggest_mapping(columns: list[str]) -> ColumnMapping | None:
    """A mapping guessed from column names, or None when no column looks like the text."""
    folded = {fold(c): c for c in reversed(columns)}
    chosen: dict[str, str] = {}
    for name, hints in _HINTS.items():
        for hint in hints:
            col = folded.get(fold(hint))
            if col is not None and col not in chosen.values():
                chosen[name] = col
                break
    if "text" not in chosen:
        return None
    return ColumnMapping(**chosen)


def resolve_mapping(
    columns: list[str], mapping: ColumnMapping | None, extras: dict[str, Any]
) -> ColumnMapping:
    """The mapping to use, checked against the header (a missing column names itself and lists the others)."""
    if mapping is None:
        mapping = suggest_mapping(columns)
        if mapping is None:
            raise MappingError(
                "Aucune colonne de texte désignée ni reconnue. Indiquez-la (--text-column). "
                "Colonnes disponibles : " + listing(columns),
                "No text column given nor recognised. Name it (--text-column). Available columns: "
                + listing(columns, "en"),
                column=None,
                available=columns,
            )
        extras["mapping_suggested"] = True
    for field_name, col in mapping.model_dump().items():
        if col is not None and col not in columns:
            raise MappingError(
                f"La colonne « {col} » ({field_name}) est absente du fichier. Colonnes disponibles : "
                + listing(columns),
                f"Column '{col}' ({field_name}) is not in the file. Available columns: "
                + listing(columns, "en"),
                value=col,
                column=col,
                available=columns,
            )
    extras["mapping"] = mapping.model_dump()
    return mapping


def listing(columns: list[str], lang: str = "fr") -> str:
    """Column names for a message: « a », « b »… in French, 'a', 'b'… in English (the first 40, then how many
    more)."""
    if not columns:
        return "(aucune)" if lang == "fr" else "(none)"
    quote = "« {} »" if lang == "fr" else "'{}'"
    shown = ", ".join(quote.format(c) for c in columns[:40])
    return shown + (f" … (+{len(columns) - 40})" if len(columns) > 40 else "")


def missing_text_column(
    file_name: str, export: tuple[str, str], column: str, columns: list[str]
) -> MappingError:
    """The error of a platform export without the column its texts are read from.

    ``export`` names the export in French (with its article: « l'export Decidim de commentaires ») and in
    English; the message lists the columns found and says how to import the file anyway (as a generic file,
    naming its text column).
    """
    return MappingError(
        f"La colonne de texte « {column} » est absente de {export[0]} « {file_name} » : ses textes seraient "
        f"tous vides. Colonnes trouvées : {listing(columns)}. Si les textes sont dans une autre colonne, "
        "importez le fichier au format générique en la désignant (--format csv --text-column <colonne>).",
        f"The text column '{column}' is missing from the {export[1]} '{file_name}': every text would be "
        f"empty. Columns found: {listing(columns, 'en')}. If the texts are in another column, import the file "
        "as a generic one naming it (--format csv --text-column <column>).",
        value=column,
        column=column,
        available=columns,
    )


def rows(source: RowSource) -> Iterator[RowOutcome]:
    """CSV records through the mapping: one contribution per row."""
    mapping = resolve_mapping(source.columns, source.mapping, source.extras)
    index = {name: source.index(col) for name, col in mapping.model_dump().items()}
    width = len(source.columns)
    make = _maker(source, mapping)
    for line, raw in source.records:
        fields = fit_width(line, raw, width)
        if isinstance(fields, RejectedRow):
            yield fields
            continue
        yield [make(line, _list_getter(fields, index))]


def record_rows(
    source: RowSource, records: Iterator[tuple[int, dict[str, Any] | RejectedRow]]
) -> Iterator[RowOutcome]:
    """Rows of JSON / JSONL / XLSX given as dicts (or rejections) through the mapping."""
    mapping = resolve_mapping(source.columns, source.mapping, source.extras)
    fields = mapping.model_dump()
    make = _maker(source, mapping)
    for line, record in records:
        if isinstance(record, RejectedRow):
            yield record
            continue
        yield [make(line, _dict_getter(record, fields))]


def _list_getter(fields: list[str], index: dict[str, int | None]) -> Callable[[str], str | None]:
    def get(name: str) -> str | None:
        i = index[name]
        return fields[i] if i is not None else None

    return get


def _dict_getter(record: dict[str, Any], columns: dict[str, str | None]) -> Callable[[str], str | None]:
    def get(name: str) -> str | None:
        col = columns[name]
        return cell(record.get(col)) if col else None

    return get


def cell(value: Any) -> str:
    """A JSON / workbook value as text: None is blank, integral floats lose their ``.0``, dates are ISO,
    lone surrogates become U+FFFD (:func:`scrub`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, dict | list):
        import json

        return scrub(json.dumps(value, ensure_ascii=False))
    return scrub(str(value))


_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub(text: str) -> str:
    """``text`` with its lone UTF-16 surrogates (a JSON escape such as ``"\\udc80"`` decodes to one) replaced
    by U+FFFD, the replacement character: no encoder accepts them, so they would break every later step.
    ``text`` itself is returned when it has none."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


_DIGITS = re.compile(r"^\d{4,5}$")
_INSEE = re.compile(r"^(?:\d{4,5}|2[AB]\d{3})$", re.IGNORECASE)


def insee_column(name: str | None) -> bool:
    """Whether a participant's place column holds INSEE commune codes by its name ("code INSEE", "code_commune",
    "CODGEO", "depcom"), not postcodes: five digits read in it as a postcode would locate another commune."""
    folded = re.sub(r"[^a-z]+", " ", fold(name or "")).split()
    return bool({"insee", "codgeo", "depcom", "cog"} & set(folded)) or folded[:2] == ["code", "commune"]


def _maker(
    source: RowSource, mapping: ColumnMapping
) -> Callable[[int, Callable[[str], str | None]], Contribution]:
    question_text = source.question_text or source.path.stem

    insee = insee_column(mapping.postcode)

    def make(line: int, get: Callable[[str], str | None]) -> Contribution:
        source_id = (get("id") or "").strip() or f"ligne-{line}"
        question = (get("question") or "").strip()
        postcode = (get("postcode") or "").strip()
        if insee and _INSEE.match(postcode):  # "13100" there is Saint-Rémy-de-Provence, not Aix's postcode
            postcode = f"INSEE {postcode.zfill(5)}"
        elif len(postcode) == 4 and _DIGITS.match(postcode) and lost_zero(postcode):  # "1000" for 01000
            postcode = "0" + postcode
        return Contribution(
            contribution_id=source_id,
            source_id=source_id,
            question_id=question or DEFAULT_QUESTION_ID,
            question_text=question or question_text,
            text=get("text") or "",
            line=line,
            author_ref=author_ref(get("author"), source.secret),
            author_type=author_type(get("author_type")),
            zipcode=postcode or None,
            created_at=(get("date") or "").strip() or None,
            channel=(get("channel") or "").strip() or None,
        )

    return make
