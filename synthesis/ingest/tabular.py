"""Records of XLSX workbooks, JSON arrays and JSON Lines files, as ``(line, dict)`` pairs.

- XLSX: the first sheet with a header row (an empty sheet is skipped; a survey tool's header on several rows
  is read as one, see :mod:`.headers`), read in openpyxl's streaming mode and like a CSV: ``line`` is the
  Excel row number, a repeated column name gives its first column, a row with values beyond the header is
  rejected; formulas are read as their text (``=…``), never evaluated; a damaged
  sheet is an error naming it.
- JSON: a top-level array of objects (``line`` is the physical line where each object starts; when two
  objects start on one line, as in a one-line minified file, every object is numbered by its position in the
  array instead), or an object holding one such array (``line`` is then the record number). JSON is loaded
  whole: use JSON Lines for big files; nesting too deep for the decoder is an error naming its line.
- JSON Lines: one object per line, streamed; a line that is not a JSON object (or nests too deep) becomes a
  rejected row.

Lone UTF-16 surrogates (``"\\udc80"`` escapes) in keys and values become U+FFFD (:func:`generic.scrub`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from synthesis.errors import ArchiveError, EmptyFileError, InputFileError
from synthesis.records import RejectedRow

from .archive import directory_size
from .generic import cell, scrub
from .headers import peek, stacked_header

Record = tuple[int, dict[str, Any] | RejectedRow]
COLUMN_SCAN = 1000
TOO_DEEP_FR = "des listes ou des objets emboîtés sur plus d'environ 1 000 niveaux"
TOO_DEEP_EN = "arrays or objects nested more than about 1,000 levels deep"


def xlsx_records(path: Path) -> tuple[list[str], Iterator[Record]]:
    """Header and data rows of the first sheet with a header row (an empty sheet is skipped).

    Rows are read as a CSV's would be: ``line`` is the Excel row number, a repeated column name gives its
    first column, and a row with values beyond the header's last column is rejected with a reason (never
    silently cut). A damaged sheet raises an :class:`InputFileError` naming it.
    """
    book = _open_book(path)
    for sheet in book.worksheets:
        rows = _sheet_rows(sheet, path)
        found = _header(rows)
        if found is not None:
            header_line, first = found
            after, rows = peek(rows)  # a survey tool's header may take more rows (see .headers)
            header, taken = stacked_header([first, *([cell(v) for v in values] for values in after[:2])])
            while header and not header[-1]:
                header.pop()
            return header, _xlsx_rows(book, islice(rows, taken - 1, None), header_line, header)
    book.close()
    raise EmptyFileError(
        f"Le classeur « {path.name} » est vide : aucune feuille n'a d'en-tête ni de données.",
        f"The workbook '{path.name}' is empty: no sheet has a header or data.",
        value=path.name,
    )


#: Most entries a workbook's ZIP directory may announce, and most bytes it may take (a workbook holds a few
#: dozen entries; openpyxl's zipfile parses every entry the directory holds, a few hundred bytes of memory
#: each: a 512 MB upload of empty entries took 3 GB before any row was read).
XLSX_MAX_ENTRIES = 2000
XLSX_MAX_DIRECTORY_BYTES = 2 << 20


def _open_book(path: Path) -> Any:
    from openpyxl import load_workbook

    _check_workbook_directory(path)
    try:
        return load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged archive
        # openpyxl's reason is English ("File contains no valid workbook part"): said as a detail, after ours
        raise InputFileError(
            f"Classeur XLSX illisible « {path.name} » : il est endommagé, ou n'est pas un classeur Excel "
            f"(détail : {exc}). Ouvrez-le dans le tableur et enregistrez-le à nouveau en classeur .xlsx, ou "
            "exportez-le en CSV.",
            f"Unreadable XLSX workbook '{path.name}': it is damaged, or no Excel workbook (detail: {exc}). Open "
            "it in the spreadsheet program and save it again as an .xlsx workbook, or export it as CSV.",
            value=path.name,
        ) from None


def _check_workbook_directory(path: Path) -> None:
    """Refuse, before it is parsed, a workbook whose ZIP directory announces more than a workbook holds."""
    try:
        entries, directory = directory_size(path)
    except ArchiveError:  # no end record: openpyxl names the problem
        return
    if entries > XLSX_MAX_ENTRIES or directory > XLSX_MAX_DIRECTORY_BYTES:
        raise InputFileError(
            f"Classeur XLSX « {path.name} » refusé : son répertoire annonce {entries} entrées sur {directory} "
            f"octets (limites : {XLSX_MAX_ENTRIES} entrées, {XLSX_MAX_DIRECTORY_BYTES} octets ; un classeur en "
            "contient quelques dizaines). Réenregistrez-le depuis votre tableur ou exportez-le en CSV.",
            f"XLSX workbook '{path.name}' refused: its directory announces {entries} entries in {directory} bytes "
            f"(limits: {XLSX_MAX_ENTRIES} entries, {XLSX_MAX_DIRECTORY_BYTES} bytes; a workbook holds a few "
            "dozen). Save it again from your spreadsheet or export it as CSV.",
            value=path.name,
        )


def _sheet_rows(sheet: Any, path: Path) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """``(Excel row number, values)`` of a sheet; a damaged sheet XML raises an error naming the sheet."""
    rows = enumerate(sheet.iter_rows(values_only=True), start=1)
    last = 0
    while True:
        try:
            last, values = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # the XML parser, zipfile and openpyxl each raise their own kinds
            raise InputFileError(
                f"La feuille « {sheet.title} » du classeur « {path.name} » est endommagée après la ligne "
                f"{last} ({exc}). Réenregistrez le classeur depuis votre tableur ou exportez-le en CSV.",
                f"Sheet '{sheet.title}' of workbook '{path.name}' is damaged after row {last} ({exc}). "
                "Save the workbook again from your spreadsheet or export it as CSV.",
                value=sheet.title,
                line=last + 1,
            ) from None
        yield last, values or ()


def _header(rows: Iterator[tuple[int, tuple[Any, ...]]]) -> tuple[int, list[str]] | None:
    """The first non-empty row as clean column names (trailing blank names dropped), with its row number."""
    for n, values in rows:
        header = [cell(v).strip() for v in values]
        while header and not header[-1]:
            header.pop()
        if header:
            return n, header
    return None


def _xlsx_rows(
    book: Any, rows: Iterator[tuple[int, tuple[Any, ...]]], header_line: int, header: list[str]
) -> Iterator[Record]:
    first = {name: i for i, name in reversed(list(enumerate(header))) if name}
    try:
        for n, values in rows:
            texts = [cell(v) for v in values]
            while texts and not texts[-1].strip():
                texts.pop()
            if not any(t.strip() for t in texts):
                continue  # an empty row is not a data row
            if len(texts) > len(header):
                yield n, _too_wide(n, texts, len(header))
                continue
            yield n, {name: values[i] if i < len(values) else None for name, i in first.items()}
    finally:
        book.close()


def _too_wide(line: int, texts: list[str], width: int) -> RejectedRow:
    from openpyxl.utils import get_column_letter

    extra = [get_column_letter(i + 1) for i in range(width, len(texts)) if texts[i].strip()]
    return RejectedRow(
        line,
        f"la ligne a des valeurs dans {len(extra)} colonne(s) sans en-tête ({', '.join(extra)}) alors que "
        f"l'en-tête a {width} colonne(s) : nommez ces colonnes ou déplacez ces valeurs",
        f"the row has values in {len(extra)} column(s) without a header ({', '.join(extra)}) where the header "
        f"has {width} column(s): name these columns or move these values",
    )


# The json module's messages, in the user's words (French, English)
_JSON_PROBLEMS = {
    "Expecting value": ("valeur attendue", "a value was expected"),
    "Extra data": (
        "contenu après la fin du JSON (un objet par ligne ? c'est du JSON Lines : --format jsonl)",
        "content after the end of the JSON (one object per line? that is JSON Lines: --format jsonl)",
    ),
    "Unterminated string starting at": ("texte entre guillemets non fermé", "unterminated quoted string"),
    "Expecting ',' delimiter": ("virgule attendue", "a comma was expected"),
    "Expecting ':' delimiter": ("deux-points attendus", "a colon was expected"),
    "Expecting property name enclosed in double quotes": (
        "nom de champ entre guillemets doubles attendu",
        "a field name in double quotes was expected",
    ),
    "Invalid control character at": (
        "caractère de contrôle dans un texte",
        "control character inside a string",
    ),
    "Invalid \\escape": ("échappement « \\ » invalide", "invalid '\\' escape"),
    "Invalid \\uXXXX escape": ("échappement « \\u » invalide", "invalid '\\u' escape"),
    # this module's own (see _array_with_lines)
    "ni une liste, ni un objet contenant une liste": (
        "ni une liste, ni un objet contenant une liste",
        "neither an array nor an object holding one",
    ),
    "',' ou ']' attendu": ("',' ou ']' attendu", "',' or ']' expected"),
    "contenu après la fin de la liste": (
        "contenu après la fin de la liste",
        "content after the end of the array",
    ),
}


def json_problem(exc: ValueError) -> tuple[str, str]:
    """What is wrong in a JSON text, in French and English (the json module says it in English only)."""
    msg = getattr(exc, "msg", str(exc))
    fr, en = _JSON_PROBLEMS.get(msg, (msg, msg))
    col = getattr(exc, "colno", None)
    return (f"{fr} (colonne {col})", f"{en} (column {col})") if col else (fr, en)


def json_records(path: Path, encoding: str) -> tuple[list[str], Iterator[Record]]:
    """Header (keys in order of first appearance) and objects of a JSON array."""
    text = path.read_text(encoding=encoding).lstrip("\ufeff")
    try:
        items = _numbered(_array_with_lines(text))
    except ValueError as exc:
        line = text.count("\n", 0, getattr(exc, "pos", 0) or 0) + 1
        fr, en = json_problem(exc)
        raise InputFileError(
            f"JSON invalide ligne {line} : {fr}. Attendu : une liste d'objets.",
            f"Invalid JSON at line {line}: {en}. Expected: an array of objects.",
            line=line,
        ) from None
    except _TooDeep as exc:
        raise InputFileError(
            f"JSON trop imbriqué ligne {exc.line} : {TOO_DEEP_FR}. Attendu : une liste d'objets.",
            f"JSON nested too deeply at line {exc.line}: {TOO_DEEP_EN}. Expected: an array of objects.",
            line=exc.line,
        ) from None
    return _columns([obj for _, obj in items[:COLUMN_SCAN]]), iter(_checked(items))


class _TooDeep(Exception):
    """A JSON value nested deeper than the decoder's recursion allows, starting at ``line``."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _array_with_lines(text: str) -> list[tuple[int, Any]]:
    decoder = json.JSONDecoder()
    stripped = text.lstrip()
    offset = len(text) - len(stripped)
    if not stripped.startswith("["):
        try:
            data = json.loads(text)
        except RecursionError:
            raise _TooDeep(1) from None
        if isinstance(data, dict):
            arrays = [v for v in data.values() if isinstance(v, list)]
            if len(arrays) == 1:
                return list(enumerate(arrays[0], start=1))
        raise json.JSONDecodeError("ni une liste, ni un objet contenant une liste", text, 0)
    items, pos = [], offset + 1
    line, counted = 1, 0  # lines are counted incrementally: a big file stays linear
    while True:
        pos = _skip_ws(text, pos)
        if text.startswith("]", pos):
            break
        line, counted = line + text.count("\n", counted, pos), pos
        try:
            value, end = decoder.raw_decode(text, pos)
        except RecursionError:
            raise _TooDeep(line) from None
        items.append((line, value))
        pos = _skip_ws(text, end)
        if text.startswith(",", pos):
            pos += 1
        elif not text.startswith("]", pos):
            raise json.JSONDecodeError("',' ou ']' attendu", text, pos)
    if text[pos + 1 :].strip():
        raise json.JSONDecodeError("contenu après la fin de la liste", text, pos + 1)
    return items


def _numbered(items: list[tuple[int, Any]]) -> list[tuple[int, Any]]:
    """Items keep the line they start on when lines tell them apart; otherwise (a one-line, minified file,
    or two objects on one line) every item is numbered by its position in the array, from 1."""
    lines = [line for line, _ in items]
    if all(a < b for a, b in zip(lines, lines[1:], strict=False)):
        return items
    return [(n, value) for n, (_, value) in enumerate(items, start=1)]


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _checked(items: list[tuple[int, Any]]) -> Iterator[Record]:
    for line, obj in items:
        yield _record(line, obj, ("élément JSON", "JSON item"))


def _record(line: int, obj: Any, what: tuple[str, str]) -> Record:
    """A decoded object as a record (its keys cleaned of lone surrogates), anything else as a rejection
    (``what``: the record's name in French and in English)."""
    if not isinstance(obj, dict):
        kind = type(obj).__name__
        return line, RejectedRow(
            line, f"{what[0]} qui n'est pas un objet ({kind})", f"{what[1]} that is not an object ({kind})"
        )
    if any(scrub(key) is not key for key in obj):
        obj = {scrub(key): value for key, value in obj.items()}
    return line, obj


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
                fr, en = (scrub(problem) for problem in json_problem(exc))
                yield n, RejectedRow(n, f"ligne JSON invalide : {fr}", f"invalid JSON line: {en}")
                continue
            except RecursionError:
                yield (
                    n,
                    RejectedRow(
                        n,
                        f"ligne JSON trop imbriquée : {TOO_DEEP_FR}",
                        f"JSON line nested too deep: {TOO_DEEP_EN}",
                    ),
                )
                continue
            yield _record(n, obj, ("ligne JSON", "JSON line"))


def _columns(objects: list[Any]) -> list[str]:
    seen: dict[str, None] = {}
    for obj in objects:
        if isinstance(obj, dict):
            seen.update(dict.fromkeys(str(k) for k in obj))
    return list(seen)
