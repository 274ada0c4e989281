"""Grand Débat National / Cap Collectif open-data CSV (wide format: one column per question).

Header: ``id, reference, title, createdAt, publishedAt, updatedAt, trashed, trashedStatus, authorId,
authorType, authorZipCode`` then one ``<base64 id> - <question text>`` column per question, the id decoding to
``Question:<n>``. Each non-blank question cell is one contribution (a blank cell means the participant skipped
the question). A row with no answer at all gives no contribution: it is a rejected row with the reason
:data:`NO_ANSWER_REASON` and its line, so that every row read is accounted for in the report (``rows_read ==
rows with contributions + rejected``). ``question_id`` is ``<n>``; ``source_id`` is the row's ``reference``
(its ``id`` when the reference is blank); ``contribution_id`` is ``<reference>-q<n>``, stable across
re-imports. Multiple-choice answers keep Cap Collectif's ``|`` join verbatim. Trashed rows are kept, each
contribution excluded with a French reason.

A header without question column, or with one question in two columns (a column copied or two exports
pasted side by side), is refused with an error naming it: the second case would give one participant two
answers to one question under the same identifier, and nothing tells which column is right.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass

from synthesis.errors import InputFileError, MappingError
from synthesis.records import Contribution, RejectedRow

from .base import RowOutcome, RowSource
from .common import NO_ANSWER_REASON, NO_ANSWER_REASON_EN, author_type, fit_width, truthy
from .generic import listing
from .privacy import author_ref

METADATA_COLUMNS = (
    "id",
    "reference",
    "title",
    "createdAt",
    "publishedAt",
    "updatedAt",
    "trashed",
    "trashedStatus",
    "authorId",
    "authorType",
    "authorZipCode",
)
_QUESTION_HEADER = re.compile(r"^([A-Za-z0-9+/_-]{8,}={0,2}) - (.*)$", re.DOTALL)
_DECODED = re.compile(r"^Question:(\d+)$")
TRASHED_REASON = "contribution mise à la corbeille sur la plateforme (trashed)"


@dataclass(frozen=True)
class QuestionColumn:
    index: int
    question_id: str
    question_text: str


def decode_question_header(header: str) -> tuple[str, str] | None:
    """``("169", "Question text")`` for a ``<base64 of Question:169> - Question text`` header, else None."""
    match = _QUESTION_HEADER.match(header.strip())
    if not match:
        return None
    token, text = match.groups()
    # The official headers carry one extra leading "Q" before the base64 of "Question:<n>"
    # ("QUXVlc3Rpb246MTY5"),
    # a plain base64 id is accepted too.
    for candidate in (token, token[1:]):
        try:
            decoded = base64.b64decode(
                candidate + "=" * (-len(candidate) % 4), altchars=b"-_", validate=False
            )
            found = _DECODED.match(decoded.decode("ascii"))
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
        if found:
            return found.group(1), text.strip()
    return None


def encode_question_header(question_id: str, text: str) -> str:
    """The official header of a question column (inverse of :func:`decode_question_header`)."""
    token = base64.b64encode(f"Question:{question_id}".encode("ascii")).decode("ascii").rstrip("=")
    return f"Q{token} - {text}"


def question_columns(columns: list[str]) -> list[QuestionColumn]:
    """The question columns of a wide header, in file order."""
    out = []
    for i, col in enumerate(columns):
        decoded = decode_question_header(col)
        if decoded:
            out.append(QuestionColumn(i, decoded[0], decoded[1]))
    return out


def checked_questions(columns: list[str], file_name: str) -> list[QuestionColumn]:
    """The question columns of a wide header; an error when there is none or one question has two columns."""
    questions = question_columns(columns)
    if not questions:
        raise MappingError(
            f"Aucune colonne de question (« <identifiant> - <question> ») dans l'export Grand Débat "
            f"« {file_name} ». Colonnes trouvées : {listing(columns)}",
            f"No question column ('<id> - <question>') in the Grand Débat export '{file_name}'. "
            f"Columns found: {listing(columns, 'en')}",
            value=file_name,
            available=columns,
        )
    first: dict[str, QuestionColumn] = {}
    for q in questions:
        seen = first.setdefault(q.question_id, q)
        if seen is not q:
            raise _repeated_question(seen, q, columns[q.index], file_name)
    return questions


def _repeated_question(
    first: QuestionColumn, again: QuestionColumn, header: str, file_name: str
) -> InputFileError:
    text = first.question_text if len(first.question_text) <= 80 else first.question_text[:79] + "…"
    where = f"{first.index + 1} et {again.index + 1}"
    return InputFileError(
        f"La question {first.question_id} « {text} » occupe deux colonnes de « {file_name} » (colonnes n° "
        f"{where}) : un export Grand Débat n'a qu'une colonne par question, et rien ne dit laquelle garder. "
        "Supprimez la colonne en double (ou corrigez son en-tête si elle porte une autre question), puis "
        "importez de nouveau le fichier.",
        f"Question {first.question_id} '{text}' fills two columns of '{file_name}' (columns "
        f"{first.index + 1} and {again.index + 1}): a Grand Débat export has one column per question, and "
        "nothing tells which one to keep. Delete the repeated column (or fix its header if it holds another "
        "question), then import the file again.",
        value=header,
        column=header,
    )


def rows(source: RowSource) -> Iterator[RowOutcome]:
    """One outcome per data row: its contributions (one per non-blank answer) or its rejection."""
    cols = source.columns
    questions = checked_questions(cols, source.path.name)
    source.extras["questions"] = [
        {"question_id": q.question_id, "question_text": q.question_text} for q in questions
    ]
    idx = {name: source.index(name) for name in METADATA_COLUMNS}
    width = len(cols)

    def get(fields: list[str], name: str) -> str:
        i = idx[name]
        return fields[i].strip() if i is not None else ""

    for line, raw in source.records:
        fields = fit_width(line, raw, width)
        if isinstance(fields, RejectedRow):
            yield fields
            continue
        answers = [(q, fields[q.index]) for q in questions if fields[q.index].strip()]
        if not answers:
            yield RejectedRow(line, NO_ANSWER_REASON, NO_ANSWER_REASON_EN)
            continue
        reference = get(fields, "reference") or get(fields, "id") or f"ligne-{line}"
        excluded = None
        if truthy(get(fields, "trashed")):
            status = get(fields, "trashedStatus")
            excluded = TRASHED_REASON + (f" : {status}" if status else "")
        common = {
            "source_id": reference,
            "line": line,
            "author_ref": author_ref(get(fields, "authorId"), source.secret),
            "author_type": author_type(get(fields, "authorType")),
            "zipcode": get(fields, "authorZipCode") or None,
            "created_at": get(fields, "createdAt") or None,
            "excluded": excluded,
        }
        extra = {k: v for k in ("publishedAt", "updatedAt") if (v := get(fields, k))}
        yield [
            Contribution(
                contribution_id=f"{reference}-q{q.question_id}",
                question_id=q.question_id,
                question_text=q.question_text,
                text=text,
                extra=dict(extra),
                **common,  # type: ignore[arg-type]
            )
            for q, text in answers
        ]
