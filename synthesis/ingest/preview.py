"""Preview of an export before import: format, encoding, delimiter, columns, five rows, suggested mapping."""

from __future__ import annotations

import csv
import io
import tempfile
from itertools import islice
from os import PathLike
from pathlib import Path
from typing import Any

from schemas.imports import ArchiveMember, ImportPreview, PreviewQuestion, PreviewRow, PreviewWarning
from schemas.settings import ColumnMapping
from synthesis.errors import InputFileError

from . import flat, generic, granddebat, tabular
from .api import _PLATFORMS, _mismatch, open_export
from .archive import is_archive
from .archive_read import nothing_read
from .base import Format
from .decidim import NOT_CONTRIBUTIONS, not_contributions_error
from .detect import MIXED, format_from_columns, format_from_name, line_of, sniff_delimiter, undecodable
from .folder import sha256_of_source, stage
from .headers import MAX_HEADER_ROWS, stacked_header
from .members import ArchiveLimits
from .polis import SIDE_FILES, side_file_error
from .reader import CsvSource, read_header

SAMPLE_ROWS = 5
CELL_CHARS = 500
ESTIMATE_BYTES = 1 << 20
MIXED_WARNING = PreviewWarning(
    code="mixed_encoding",
    message_fr="Des lignes ne sont pas en UTF-8 : l'import les lira en Windows-1252, le reste en UTF-8, et les "
    "nommera ; vérifiez leurs accents.",
    message_en="Some lines are not UTF-8: the import will read them as Windows-1252, the rest as UTF-8, and "
    "name them; check their accents.",
)


def preview(
    path: str | PathLike[str],
    *,
    format: Format | str = "auto",
    encoding: str | None = None,
    archive_limits: ArchiveLimits | None = None,
) -> ImportPreview:
    """What an import of ``path`` would see, without importing: raises the same errors as ``iter_file``, and
    ``warnings`` says what its import will warn about. For a ZIP export or a folder: its first contribution
    file, and ``members`` lists every file in it as its import will read, use or skip it."""
    checked = Path(path)
    if checked.is_dir() or (checked.is_file() and is_archive(checked, archive_limits)):
        return _archive_preview(checked, format, encoding, archive_limits or ArchiveLimits())
    result = _preview(path, format, encoding)
    if result.encoding == MIXED:
        result.warnings.append(MIXED_WARNING.model_copy())
    return result


def _archive_preview(
    path: Path, format: Format | str, encoding: str | None, limits: ArchiveLimits
) -> ImportPreview:
    with tempfile.TemporaryDirectory(prefix="synthese-preview-") as tmp:
        root = Path(tmp) / "archive"
        root.mkdir()
        members = stage(path, root, limits)
        shown: ImportPreview | None = None
        exact = True
        for member in members:
            if member.status != "read" or member.path is None:
                continue
            try:
                one = preview(member.path, format=format, encoding=encoding)
            except InputFileError as exc:  # as its import will: skipped, the others read
                member.skip(exc.message_fr, exc.message_en)
                continue
            member.format, member.kind, member.rows = one.format, one.kind, one.rows_estimate
            exact = exact and one.rows_estimate_exact
            if shown is None:
                shown = one.model_copy(update={"member": member.name})
            for warning in one.warnings:
                shown.warnings.append(
                    warning.model_copy(
                        update={
                            "message_fr": f"« {member.name} » : {warning.message_fr}",
                            "message_en": f"'{member.name}': {warning.message_en}",
                        }
                    )
                )
        if shown is None:
            raise nothing_read(path, members)
        staged = [m for m in members if m.path is not None and m.status in ("read", "side")]
        sha256 = sha256_of_source(path, members)
        size = path.stat().st_size if path.is_file() else sum(m.path.stat().st_size for m in staged if m.path)
    read = [m for m in members if m.status == "read"]
    return shown.model_copy(
        update={
            "file_name": path.resolve().name if path.is_dir() else path.name,
            "size_bytes": size,
            "sha256": sha256,
            "rows_estimate": sum(m.rows or 0 for m in read),
            "rows_estimate_exact": exact,
            "members": [ArchiveMember.model_validate(m.as_dict()) for m in members],
        }
    )


def _preview(path: str | PathLike[str], format: Format | str, encoding: str | None) -> ImportPreview:
    path, fmt, facts = open_export(path, format, encoding)
    base: dict[str, Any] = {"file_name": path.name, "size_bytes": facts.size, "sha256": facts.sha256}
    if facts.kind == "xlsx" or fmt is Format.XLSX:
        if facts.kind != "xlsx":
            raise InputFileError(
                f"« {path.name} » n'est pas un classeur XLSX.", f"'{path.name}' is not XLSX."
            )
        columns, records = tabular.xlsx_records(path)
        rows = [(n, r) for n, r in islice(records, SAMPLE_ROWS)]
        total = len(rows) + sum(1 for _ in records)  # the sheet streamed to its end: it said "0 (estimation)"
        return _table(base, fmt, (Format.XLSX, "xlsx"), columns, columns, rows, total)
    json_fmt = (
        fmt
        if fmt in (Format.JSON, Format.JSONL)
        else (format_from_name(path, facts.sample, facts.encoding) if fmt in _PLATFORMS else None)
    )
    if json_fmt is not None:
        return _json(path, json_fmt, facts.encoding, base, fmt)
    return _delimited(path, facts.encoding, fmt, base)


def _json(path: Path, fmt: Format, encoding: str, base: dict[str, Any], asked: Format) -> ImportPreview:
    """Preview of a JSON or JSON Lines file; bytes its encoding cannot decode give an EncodingError."""
    read = tabular.json_records if fmt is Format.JSON else tabular.jsonl_records
    try:
        columns, records = read(path, encoding)
        sample = [(n, r) for n, r in islice(records, SAMPLE_ROWS)]
        rest = list(records) if asked in _PLATFORMS else []  # a platform's export is told by all its columns
        total = len(sample) + len(rest) + sum(1 for _ in records)
    except UnicodeError as exc:  # JSON is decoded whole: the error's offset tells the line
        raise undecodable(path.name, encoding, line_of(exc) if fmt is Format.JSON else None) from None
    flat_columns = flat.flat_columns(iter(sample + rest))
    return _table(base, asked, (fmt, encoding), columns, flat_columns, sample, total)


def _table(
    base: dict[str, Any],
    asked: Format,
    read_as: tuple[Format, str],
    columns: list[str],
    flat_columns: list[str],
    rows: list[tuple[int, Any]],
    total: int,
) -> ImportPreview:
    """Preview of a workbook or JSON file (``read_as``: its format and encoding): a platform's export when its
    flattened columns are one and the format asked allows it, as its import reads it (:mod:`.flat`)."""
    found = flat.platform_of(flat_columns) if asked in _PLATFORMS else None
    if asked is not Format.AUTO and asked in _PLATFORMS and (found is None or found[0] is not asked):
        raise _mismatch(Path(base["file_name"]), asked, found[0] if found else Format.CSV, flat_columns)
    if found is None:
        return _generic(base, read_as[0].value, read_as[1], None, columns, rows, total, True)
    _refuse_without_contributions(found[0], found[1], str(base["file_name"]))
    questions = [
        PreviewQuestion(question_id=q.question_id, question_text=q.question_text)
        for q in granddebat.question_columns(flat_columns)
    ]
    sample = [
        PreviewRow(line=n, values={k: _short(v) for k, v in flat.flatten(r).items()})
        for n, r in rows
        if isinstance(r, dict)
    ]
    return ImportPreview.model_validate(
        dict(
            base,
            format=found[0].value,
            kind=found[1],
            encoding=read_as[1],
            delimiter=None,
            columns=flat_columns,
            sample_rows=sample,
            suggested_mapping=None,
            mapping_required=False,
            questions=questions,
            rows_estimate=total,
            rows_estimate_exact=True,
        )
    )


def _generic(
    base: dict[str, Any],
    fmt: str,
    encoding: str,
    delimiter: str | None,
    columns: list[str],
    rows: list[tuple[int, Any]],
    total: int,
    exact: bool,
) -> ImportPreview:
    sample = [
        PreviewRow(line=n, values={k: _short(generic.cell(v)) for k, v in r.items()})
        for n, r in rows
        if isinstance(r, dict)
    ]
    return ImportPreview.model_validate(
        dict(
            base,
            format=fmt,
            kind="generic",
            encoding=encoding,
            delimiter=delimiter,
            columns=columns,
            sample_rows=sample,
            suggested_mapping=(suggested := generic.suggest_mapping(columns)),
            mapping_required=True,
            questions=_asked(suggested),
            rows_estimate=total,
            rows_estimate_exact=exact,
        )
    )


def _delimited(path: Path, encoding: str, fmt: Format, base: dict[str, Any]) -> ImportPreview:
    with path.open("rb") as fh:
        head = fh.read(ESTIMATE_BYTES)
    text = head.decode(encoding, errors="ignore").lstrip("\ufeff")
    delimiter = sniff_delimiter(text)
    source = CsvSource(path, encoding=encoding, delimiter=delimiter)
    records = source.records()
    columns, records = read_header(records, path)
    detected, kind = format_from_columns(columns)
    sample = list(islice(records, SAMPLE_ROWS))
    getattr(records, "close", lambda: None)()
    if fmt not in (Format.AUTO, Format.CSV) and fmt is not detected:
        raise _mismatch(path, fmt, detected, columns)
    chosen = detected if fmt is Format.AUTO else fmt
    _refuse_without_contributions(chosen, kind, path.name)
    total, exact = _estimate(head, text, delimiter, int(base["size_bytes"]))
    questions = [
        PreviewQuestion(question_id=q.question_id, question_text=q.question_text)
        for q in granddebat.question_columns(columns)
    ]
    generic_fmt = chosen is Format.CSV
    suggested = generic.suggest_mapping(columns) if generic_fmt else None
    return ImportPreview.model_validate(
        dict(
            base,
            format=chosen.value,
            kind=kind if chosen is detected else "generic",
            encoding=encoding,
            delimiter=delimiter,
            columns=columns,
            sample_rows=[
                PreviewRow(line=n, values=dict(zip(columns, map(_short, f), strict=False))) for n, f in sample
            ],
            suggested_mapping=suggested,
            mapping_required=generic_fmt,
            questions=questions or _asked(suggested),
            rows_estimate=total,
            rows_estimate_exact=exact,
        )
    )


def _refuse_without_contributions(fmt: Format, kind: str, name: str) -> None:
    """As the import does: a platform's file that holds no contribution (Polis votes, Decidim meetings…) is an
    error saying what to import instead."""
    if fmt is Format.POLIS and kind in SIDE_FILES:
        raise side_file_error(name, kind)
    if fmt is Format.DECIDIM and kind in NOT_CONTRIBUTIONS:
        raise not_contributions_error(name, kind)


def _asked(mapping: ColumnMapping | None) -> list[PreviewQuestion]:
    """The questions of a suggested questionnaire mapping, as the import numbers them."""
    return [PreviewQuestion(question_id=q, question_text=t) for q, _, t in generic.answered(mapping)]


def _estimate(head: bytes, text: str, delimiter: str, size: int) -> tuple[int, bool]:
    """Data rows: counted when the file fits in the first MiB, else extrapolated from the records in it (the
    header's rows, one or a survey tool's several, are no data rows)."""
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if r]
    header_rows = stacked_header(rows[:MAX_HEADER_ROWS])[1] if rows else 1
    if size <= len(head):
        return max(len(rows) - header_rows, 0), True
    complete = max(len(rows) - header_rows - 1, 1)  # drop the header and the record cut by the sample's end
    return int(round(complete * size / len(head))), False


def _short(value: str) -> str:
    return value if len(value) <= CELL_CHARS else value[:CELL_CHARS] + "…"
