"""Records of XLSX workbooks, JSON arrays and JSON Lines files, as ``(line, dict)`` pairs.

- XLSX: the first sheet with a header row, read in openpyxl's streaming mode; ``line`` is the Excel row
  number; formulas are read as their text (``=…``), never evaluated.
- JSON: a top-level array of objects (``line`` is the physical line where each object starts), or an object
  holding one such array (``line`` is then the record number). JSON is loaded whole: use JSON Lines for big
  files.
- JSON Lines: one object per line, streamed; a line that is not a JSON object becomes a rejected row.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from synthesis.errors import InputFileError
from synthesis.records import RejectedRow

from .generic import cell

Record = tuple[int, dict[str, Any] | RejectedRow]
COLUMN_SCAN = 1000


def xlsx_records(path: Path) -> tuple[list[str], Iterator[Record]]:
    """Header and data rows of the first non-empty sheet."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged archive
        raise InputFileError(
            f"Classeur XLSX illisible « {path.name} » : {exc}",
            f"Unreadable XLSX workbook '{path.name}': {exc}",
            value=path.name,
        ) from None
    sheet = book.worksheets[0] if book.worksheets else None
    rows = sheet.iter_rows(values_only=True) if sheet is not None else iter(())
    header: list[str] = []
    for first in rows:
        header = [cell(v).strip() for v in first]
        if any(header):
            break
    while header and not header[-1]:
        header.pop()

    def records() -> Iterator[Record]:
        for n, values in enumerate(rows, start=2):
            if values is None or all(v is None or cell(v) == "" for v in values):
                continue
            yield n, {h: v for h, v in zip(header, values, strict=False) if h}
        book.close()

    return header, records()


def json_records(path: Path, encoding: str) -> tuple[list[str], Iterator[Record]]:
    """Header (keys in order of first appearance) and objects of a JSON array."""
    text = path.read_text(encoding=encoding).lstrip("\ufeff")
    try:
        items = _array_with_lines(text)
    except ValueError as exc:
        line = text.count("\n", 0, getattr(exc, "pos", 0) or 0) + 1
        raise InputFileError(
            f"JSON invalide ligne {line} : {exc}. Attendu : une liste d'objets.",
            f"Invalid JSON at line {line}: {exc}. Expected: an array of objects.",
            line=line,
        ) from None
    return _columns([obj for _, obj in items[:COLUMN_SCAN]]), iter(_checked(items))


def _array_with_lines(text: str) -> list[tuple[int, Any]]:
    decoder = json.JSONDecoder()
    stripped = text.lstrip()
    offset = len(text) - len(stripped)
    if not stripped.startswith("["):
        data = json.loads(text)
        if isinstance(data, dict):
            arrays = [v for v in data.values() if isinstance(v, list)]
            if len(arrays) == 1:
                return list(enumerate(arrays[0], start=1))
        raise json.JSONDecodeError("ni une liste, ni un objet contenant une liste", text, 0)
    items, pos = [], offset + 1
    while True:
        pos = _skip_ws(text, pos)
        if text.startswith("]", pos):
            break
        value, end = decoder.raw_decode(text, pos)
        items.append((text.count("\n", 0, pos) + 1, value))
        pos = _skip_ws(text, end)
        if text.startswith(",", pos):
            pos += 1
        elif not text.startswith("]", pos):
            raise json.JSONDecodeError("',' ou ']' attendu", text, pos)
    if text[pos + 1 :].strip():
        raise json.JSONDecodeError("contenu après la fin de la liste", text, pos + 1)
    return items


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _checked(items: list[tuple[int, Any]]) -> Iterator[Record]:
    for line, obj in items:
        if isinstance(obj, dict):
            yield line, obj
        else:
            yield line, RejectedRow(line, f"élément JSON qui n'est pas un objet ({type(obj).__name__})")


def jsonl_records(path: Path, encoding: str) -> tuple[list[str], Iterator[Record]]:
    """Header (keys of the first objects) and one record per non-blank line, streamed."""
    sample: list[dict[str, Any]] = []
    for _, rec in _jsonl(path, encoding):
        if isinstance(rec, dict):
            sample.append(rec)
        if len(sample) >= COLUMN_SCAN:
            break
    return _columns(sample), _jsonl(path, encoding)


def _jsonl(path: Path, encoding: str) -> Iterator[Record]:
    with path.open(encoding=encoding, newline="") as fh:
        for n, line in enumerate(fh, start=1):
            line = line.lstrip("\ufeff") if n == 1 else line
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as exc:
                yield n, RejectedRow(n, f"ligne JSON invalide : {exc}")
                continue
            if isinstance(obj, dict):
                yield n, obj
            else:
                yield n, RejectedRow(n, f"ligne JSON qui n'est pas un objet ({type(obj).__name__})")


def _columns(objects: list[Any]) -> list[str]:
    seen: dict[str, None] = {}
    for obj in objects:
        if isinstance(obj, dict):
            seen.update(dict.fromkeys(str(k) for k in obj))
    return list(seen)
