"""A platform's export saved as a workbook or as JSON, read by that platform's reader.

Decidim writes one serialized record to CSV, to Excel and to JSON (decidim/decidim,
``decidim-core/lib/decidim/exporters/csv.rb``, ``excel.rb``, ``json.rb``): CSV and Excel flatten it alike,
nested keys joined with ``/`` (``author/id``, ``body/fr``, ``user_group/name``) and lists joined with ``, ``;
JSON keeps it nested (``{"author": {"id": 1}, "body": {"fr": "…"}}``). A JSON record is flattened the same way
here, so the three files of one export have the same columns; an XLSX sheet's header is its columns as they
are. When those columns are a platform's (:func:`.detect.format_from_columns`), the platform's reader reads the
rows as it reads its CSV: Decidim comments answer their debate or proposal, a proposal its category, a
withdrawn one is excluded; a Cap Collectif open-data JSON file (the Grand Débat's) as its CSV; a Cap
Collectif or Polis CSV saved from a spreadsheet as XLSX likewise. Without
this, such a file was read as any spreadsheet: all its rows one question, the organisations unseen.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from synthesis.records import RejectedRow

from . import tabular
from .base import Format, IngestStream, RowOutcome, RowSource
from .detect import MIXED, FileFacts, format_from_columns
from .generic import cell

Record = tuple[int, dict[str, Any] | RejectedRow]


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """``record`` as the columns Decidim's CSV exporter makes of it: nested keys joined with ``/``, lists
    joined with ``, ``, every value as text (:func:`.generic.cell`); an empty object gives no column. A Cap
    Collectif open-data record's ``responses`` give one column per question, as its CSV
    (:func:`capcollectif_responses`)."""
    flat: dict[str, str] = {}
    for key, value in record.items():
        name = f"{prefix}/{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(flatten(value, name))
        elif isinstance(value, list) and not prefix and key == "responses" and _responses(value):
            flat.update(capcollectif_responses(value))
        elif isinstance(value, list):
            flat[name] = ", ".join(cell(item) for item in value)
        else:
            flat[name] = cell(value)
    return flat


def _responses(value: list[Any]) -> bool:
    return bool(value) and all(isinstance(r, dict) and "questionId" in r and "value" in r for r in value)


def capcollectif_responses(responses: list[dict[str, Any]]) -> dict[str, str]:
    """The question columns of a Cap Collectif open-data JSON record, as its CSV writes them
    (cap-collectif/granddebat.fr-opendata, ``index.js``: ``formatResponse``): header ``Q<questionId> -
    <questionTitle>``; a choice answer, stored as ``{"labels": [...], "other": ...}``, its labels and other
    text joined with ``|``; any other value as it is."""
    columns: dict[str, str] = {}
    for response in responses:
        value = cell(response.get("value"))
        try:
            choice = json.loads(value) if value.lstrip().startswith("{") else None
        except ValueError:
            choice = None
        if isinstance(choice, dict) and ("labels" in choice or "other" in choice):
            parts = [cell(label) for label in choice.get("labels") or []] + [cell(choice.get("other"))]
            value = "|".join(part for part in parts if part)
        columns[f"Q{cell(response['questionId'])} - {cell(response.get('questionTitle'))}"] = value
    return columns


def flat_columns(records: Iterator[Record]) -> list[str]:
    """The flattened columns of every record, in order of first appearance (a key that only later records
    hold, as ``body/en`` where the first comments are written in French, is a column too)."""
    seen: dict[str, None] = {}
    for _, record in records:
        if not isinstance(record, RejectedRow):
            seen.update(dict.fromkeys(flatten(record)))
    return list(seen)


TABLE_SUFFIXES = (".xlsx", ".json", ".jsonl", ".ndjson")  # the side files read besides CSV


def table_rows(path: Path) -> tuple[list[str], str, Iterator[list[str]]]:
    """A workbook's or JSON export's flattened columns, the record kind they tell and its rows laid out as
    those columns (records that are no object left out): a side file read as its CSV would be."""
    from .detect import scan_file  # detect is imported by the readers that import this module

    if path.suffix.lower() == ".xlsx":
        columns, records = tabular.xlsx_records(path)
    else:
        encoding = scan_file(path).encoding
        read = tabular.json_records if path.suffix.lower() == ".json" else tabular.jsonl_records
        columns, records = read(path, encoding)
        items = list(records)
        columns, records = flat_columns(iter(items)), iter(items)
    _, kind = format_from_columns(columns)

    def rows() -> Iterator[list[str]]:
        for _, record in records:
            if not isinstance(record, RejectedRow):
                flat = flatten(record)
                yield [flat.get(column, "") for column in columns]

    return columns, kind, rows()


def platform_of(columns: list[str]) -> tuple[Format, str] | None:
    """The platform format and record kind the columns tell, or None for any other table."""
    fmt, kind = format_from_columns(columns)
    return None if fmt is Format.CSV else (fmt, kind)


def platform_rows(
    source: RowSource,
    records: Iterator[Record],
    reader: Callable[[RowSource], Iterator[RowOutcome]],
) -> Iterator[RowOutcome]:
    """``reader``'s outcomes for the flattened ``records`` (laid out as ``source.columns``), in file order: a
    record that is no object (a JSON line that is not one) keeps its rejection, given before the next row."""
    pending: list[RejectedRow] = []

    def fields() -> Iterator[tuple[int, list[str]]]:
        for line, record in records:
            if isinstance(record, RejectedRow):
                pending.append(record)
                continue
            flat = flatten(record)
            yield line, [flat.get(column, "") for column in source.columns]

    source.records = fields()
    for outcome in reader(source):
        yield from pending
        pending.clear()
        yield outcome
    yield from pending


@dataclass(frozen=True)
class Platform:
    """The format asked for a workbook or JSON file that may be a platform's export, with what its reader needs."""

    fmt: Format  # AUTO, or the platform the caller named
    related: Sequence[str | PathLike[str]] | None
    titles: Mapping[str, str] | None


def platform_stream(
    facts: FileFacts,
    fmt: Format,
    encoding: str,
    columns: list[str],
    records: Iterator[tabular.Record],
    secret: bytes,
    question_text: str | None,
    platform: Platform,
) -> tuple[Iterator[tabular.Record], IngestStream | None]:
    """The stream of a workbook or JSON file whose (flattened) columns are a platform's export, read by that
    platform's reader; None for any other table, with its records still unread."""
    from .api import (  # a local import: api imports this module
        _CSV_READERS,
        _MIXED_JSON_WARNING,
        _guarded,
        _mismatch,
        _side_files,
        _subject,
    )

    path = facts.path
    if fmt is Format.JSON:  # loaded whole already: its records are scanned for their columns, then read
        items = list(records)
        columns, records = flat_columns(iter(items)), iter(items)
    elif fmt is Format.JSONL:  # streamed: a first pass over the file names the columns
        columns = flat_columns(_guarded(tabular.jsonl_records(path, encoding)[1], encoding, path.name))
    found = platform_of(columns)
    if found is None and platform.fmt is Format.AUTO:
        return records, None
    detected, kind = found or (Format.CSV, "generic")
    if platform.fmt not in (Format.AUTO, detected):
        raise _mismatch(path, platform.fmt, detected, columns)
    source = RowSource(
        path=path, columns=columns, records=iter(()), secret=secret, question_text=question_text, kind=kind
    )
    source.extras["kind"] = kind
    if detected is Format.DECIDIM and kind == "comments":
        _side_files(source, platform.related, platform.titles)
    if encoding == MIXED:
        source.extras.setdefault("warnings", []).append(_MIXED_JSON_WARNING)
    guarded = _guarded(records, encoding, path.name)
    stream = IngestStream(
        format=detected,
        encoding=encoding,
        delimiter=None,
        sha256=facts.sha256,
        rows=lambda: platform_rows(source, guarded, _CSV_READERS[detected]),
        extras=source.extras,
        subject=_subject(path),
    )
    return records, stream
