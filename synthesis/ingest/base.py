"""Shared types of the ingest layer: the ``Format`` enum, the result of an import and the streaming reader.

Counting rule (issue 3, "nothing lost"): every data row of a file ends up in exactly one of three counters:
``rows_with_contributions`` (it yielded one or more contributions), ``rows_without_answer`` (it yielded an
empty list; no reader does so any more, since the report counts only rows read and rejected: a Grand Débat
row with no answer at all is rejected with its reason) or ``rejected`` (a :class:`RejectedRow` with its line
and a French reason). So ``rows_read`` equals their sum, always. Blank physical lines between records are not
data rows; they are counted apart in ``blank_lines``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from synthesis.errors import EmptyFileError
from synthesis.records import Contribution, RejectedRow


class Format(str, Enum):  # noqa: UP042  # str mixin: the API contract asks for it
    """Export formats the ingest layer reads; ``AUTO`` sniffs it from the file."""

    AUTO = "auto"
    GRANDDEBAT = "granddebat"
    CAPCOLLECTIF = "capcollectif"
    DECIDIM = "decidim"
    POLIS = "polis"
    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"
    JSONL = "jsonl"


#: What a format reader yields for each data row: its contributions (possibly none) or the rejection.
RowOutcome = list[Contribution] | RejectedRow
Item = Contribution | RejectedRow


@dataclass
class RowCounts:
    """Per-import counters; ``rows_read == rows_with_contributions + rows_without_answer + rejected``."""

    rows_read: int = 0
    rows_with_contributions: int = 0
    rows_without_answer: int = 0
    rejected: int = 0
    contributions: int = 0
    blank_lines: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


@dataclass
class IngestResult:
    """Everything one import produced, in file order.

    ``rows_read`` counts data rows (a header is not a row); ``sha256`` is the digest of the file's bytes;
    ``extras`` holds format-specific facts (``counts``, ``kind``, Polis vote file paths, the mapping used…).
    """

    contributions: list[Contribution]
    rejected: list[RejectedRow]
    format: Format
    rows_read: int
    encoding: str
    delimiter: str | None
    sha256: str
    extras: dict[str, Any] = field(default_factory=dict)


def content_hash(contribution: Contribution) -> str:
    """SHA-256 of what makes a contribution's content: question, text, author, author type, postcode,
    exclusion.

    Two imports of an unchanged row give the same hash, so a newer export can be diffed row by row.
    """
    parts = (
        contribution.question_id,
        contribution.text,
        contribution.author_ref or "",
        contribution.author_type.value,
        contribution.zipcode or "",
        contribution.excluded or "",
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


class IngestStream:
    """Iterable of ``Contribution | RejectedRow`` in file order, with bounded memory.

    ``format``, ``encoding``, ``delimiter`` and ``sha256`` are known before iteration; ``rows_read`` and
    ``counts`` are final once iteration ends. It can be iterated once.
    """

    def __init__(
        self,
        *,
        format: Format,
        encoding: str,
        delimiter: str | None,
        sha256: str,
        rows: Callable[[], Iterator[RowOutcome]],
        extras: dict[str, Any] | None = None,
        blank_lines: Callable[[], int] | None = None,
        unique_ids: bool = True,
        subject: tuple[str, str] = ("Le fichier", "The file"),
    ) -> None:
        self.format = format
        self.encoding = encoding
        self.delimiter = delimiter
        self.sha256 = sha256
        self.extras: dict[str, Any] = extras if extras is not None else {}
        self.counts = RowCounts()
        self._rows = rows
        self._blank_lines = blank_lines
        self._unique_ids = unique_ids  # False: the rows were checked already (an archive checks each file's)
        self._started = False
        self.holds: object = None  # what must live as long as the stream: an archive's unpacked folder
        self.subject = subject  # what the stream reads, as its errors name it: « Le fichier « avis.csv » »

    @property
    def rows_read(self) -> int:
        return self.counts.rows_read

    def __iter__(self) -> Iterator[Item]:
        if self._started:
            raise RuntimeError("an IngestStream can be iterated only once")
        self._started = True
        return self._iterate()

    def outcomes(self) -> Iterator[RowOutcome]:
        """The rows as the format reader gives them, uncounted and unchecked: the stream of an archive holding
        this file counts and checks them with its other files'."""
        if self._started:
            raise RuntimeError("an IngestStream can be iterated only once")
        self._started = True
        yield from self._rows()
        self.counts.blank_lines = self._blank_lines() if self._blank_lines else 0

    def _iterate(self) -> Iterator[Item]:
        counts = self.counts
        ids = UniqueIds()
        for outcome in self._rows():
            counts.rows_read += 1
            if isinstance(outcome, list) and outcome and self._unique_ids:
                outcome = ids.check(outcome)
            if isinstance(outcome, RejectedRow):
                counts.rejected += 1
                yield outcome
            elif not outcome:
                counts.rows_without_answer += 1
            else:
                counts.rows_with_contributions += 1
                counts.contributions += len(outcome)
                yield from outcome
        counts.blank_lines = self._blank_lines() if self._blank_lines else 0
        self.extras["counts"] = counts.as_dict()
        if counts.rows_read == 0:
            raise EmptyFileError(
                f"{self.subject[0]} ne contient aucune ligne de données (seulement un en-tête, ou rien).",
                f"{self.subject[1]} holds no data row (only a header, or nothing).",
            )


_QUESTION_SUFFIX = re.compile(r"-q\d+\Z")


class UniqueIds:
    """Rejects a row whose identifier, or the id of one of its contributions, an earlier row already used (ids
    must be unique and stable). Both are checked: a reader may make a contribution id of a row without id from
    its line ("comment-42"), the id another row gives itself.

    Readers name contributions after their row: ``<prefix><row id>`` ("argument-17") or, one per question,
    ``<prefix><row id>-q<question number>`` (Grand Débat). The form is learnt from the stream's first
    contribution. Ids of that form are distinct as soon as the row ids are, so they need no table of their
    own: a million-row export would hold a million more strings. An id of any other form is kept in ``odd``,
    and checked against the odd ids before it and against the row whose id of the form it would be.
    Tables are keyed by the records' own strings (no new string per id)."""

    def __init__(self) -> None:
        self.rows: dict[str, int] = {}
        self.odd: dict[str, int] = {}
        self.form: tuple[str, bool] | None = None  # (prefix, one id per question), once learnt

    def check(self, contributions: list[Contribution]) -> RowOutcome:
        first = contributions[0]
        line, row_id = first.line, first.source_id
        if self.form is None:
            self.form = _form_of(first)
        clash = [(row_id, self.rows.get(row_id))]
        odd = [c.contribution_id for c in contributions if not self._of_form(c)]
        if self.odd:
            clash += [(c.contribution_id, self.odd.get(c.contribution_id)) for c in contributions]
        clash += [(cid, self.rows.get(row)) for cid in odd if (row := self._row_of(cid)) is not None]
        if len(contributions) > 1 and len({c.contribution_id for c in contributions}) < len(contributions):
            clash += [(c.contribution_id, line) for c in contributions]  # one row, twice one id
        for value, seen in clash:
            if seen is not None:
                return RejectedRow(
                    line,
                    f"identifiant en double « {value} » (déjà vu à la ligne {seen})",
                    f"duplicate id '{value}' (already seen on line {seen})",
                )
        self.rows[row_id] = line
        self.odd.update((cid, line) for cid in odd)
        return contributions

    def _of_form(self, c: Contribution) -> bool:
        if self.form is None:
            return False
        prefix, per_question = self.form
        if per_question:
            return c.question_id.isdigit() and c.contribution_id == f"{prefix}{c.source_id}-q{c.question_id}"
        return c.contribution_id == prefix + c.source_id

    def _row_of(self, contribution_id: str) -> str | None:
        """The id of the row that would name one of its contributions ``contribution_id``, if any."""
        if self.form is None or not contribution_id.startswith(self.form[0]):
            return None
        rest = contribution_id[len(self.form[0]) :]
        if self.form[1]:
            suffix = _QUESTION_SUFFIX.search(rest)
            return rest[: suffix.start()] if suffix else None
        return rest


def _form_of(c: Contribution) -> tuple[str, bool] | None:
    """How ``c``'s id is made from its row's: ``(prefix, one id per question)``, or None when it is not."""
    cid, row_id = c.contribution_id, c.source_id
    suffix = f"-q{c.question_id}"
    if c.question_id.isdigit() and cid.endswith(suffix) and cid[: -len(suffix)].endswith(row_id):
        return cid[: -len(suffix) - len(row_id)], True
    if cid.endswith(row_id):
        return cid[: len(cid) - len(row_id)], False
    return None


def collect(stream: IngestStream) -> IngestResult:
    """Drain a stream into an :class:`IngestResult`."""
    contributions: list[Contribution] = []
    rejected: list[RejectedRow] = []
    for item in stream:
        if isinstance(item, RejectedRow):
            rejected.append(item)
        else:
            contributions.append(item)
    return IngestResult(
        contributions=contributions,
        rejected=rejected,
        format=stream.format,
        rows_read=stream.rows_read,
        encoding=stream.encoding,
        delimiter=stream.delimiter,
        sha256=stream.sha256,
        extras=stream.extras,
    )


@dataclass
class RowSource:
    """What a format reader gets: header, data records ``(start line, fields)``, import options."""

    path: Any  # pathlib.Path
    columns: list[str]
    records: Iterator[tuple[int, list[str]]]
    secret: bytes = b""
    mapping: Any = None  # schemas.settings.ColumnMapping | None
    question_text: str | None = None
    kind: str = ""
    related: list[Any] = field(default_factory=list)
    titles: dict[str, str] = field(
        default_factory=dict
    )  # Decidim roots' titles known already (related_titles)
    extras: dict[str, Any] = field(default_factory=dict)

    def index(self, name: str | None) -> int | None:
        """Position of column ``name`` (first occurrence), or None."""
        if name is None:
            return None
        try:
            return self.columns.index(name)
        except ValueError:
            return None
