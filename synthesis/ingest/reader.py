"""Streaming CSV reading with the physical line number where each record starts.

Handles a BOM (through the ``utf-8-sig`` codec), mixed CRLF / LF / CR line ends (``newline=""``), quoted
fields that span lines, fields of any size, and reports an unterminated quote as an error naming its line
instead of silently swallowing the rest of the file into one field.

A file that is UTF-8 but for some lines (encoding :data:`~synthesis.ingest.detect.MIXED`) is read line by line:
a line that is valid UTF-8 is read as such, another as Windows-1252, and :attr:`CsvSource.warnings` names
those lines (in French and English) once the file is read; so does it a last character cut by the end of the
file, which is dropped.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any

from synthesis.errors import EmptyFileError, EncodingError, InputFileError, UnterminatedQuoteError

from .detect import MIXED, mixed_decode, mostly_utf8, physical_lines, western
from .headers import peek, stacked_header

# A 10 MB answer is still an answer (issue 3): lift the csv module's 128 KiB default field limit, process-
# wide.
csv.field_size_limit(2**31 - 1)
LISTED_LINES = 1000  # line numbers kept of the lines read as Windows-1252


class _Lines:
    """Physical lines of a text stream, keeping those of the record being parsed."""

    def __init__(self, text: io.TextIOBase | _MixedText) -> None:
        self._text = text
        self.current: list[str] = []
        self.count = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._text.readline()
        if not line:
            raise StopIteration
        self.count += 1
        self.current.append(line)
        return line

    def take(self) -> list[str]:
        lines, self.current = self.current, []
        return lines


class _MixedText:
    """Physical lines of a file that is UTF-8 but for some lines, each decoded on its own.

    A line that is not valid UTF-8 is read as Windows-1252, but for its UTF-8 characters when they are most of
    its non-ASCII bytes (``fallback_count`` of them, the first
    :data:`LISTED_LINES` numbered in ``fallback_lines``); an
    incomplete character at the very end of the file (an export cut in the middle of one) is dropped and its
    line kept in ``cut_line``. Lines end at ``\\n``, ``\\r\\n`` or ``\\r``, as with ``newline=""``.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        self._lines = physical_lines(raw)
        self.count = 0
        self.fallback_count = 0
        self.fallback_lines: list[int] = []
        self.cut_line: int | None = None

    def readline(self) -> str:
        data = next(self._lines, b"")
        if not data:
            return ""
        self.count += 1
        return self._decode(data, self.count)

    def _decode(self, data: bytes, line: int) -> str:
        if line == 1 and data.startswith(codecs.BOM_UTF8):  # kept, a quoted first column name kept its quotes
            data = data[len(codecs.BOM_UTF8) :]
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.end == len(data) and exc.reason == "unexpected end of data":
                self.cut_line = line
                return data[: exc.start].decode("utf-8")
            self.fallback_count += 1
            if len(self.fallback_lines) < LISTED_LINES:
                self.fallback_lines.append(line)
            if mostly_utf8(data):  # a UTF-8 line with a stray byte: its UTF-8 characters stay as they are
                return mixed_decode(data)[0]
            # the whole line: read byte by byte, "PRIORITÉ\xa0!" had its "É\xa0" taken for UTF-8's "ɠ"
            return western(data)


class CsvSource:
    """A delimited text file read record by record: ``(start line, fields)``, header first.

    ``blank_lines`` counts the empty physical lines skipped between records and ``warnings`` holds what the
    user should check (lines read as Windows-1252, a cut last character), both final after iteration; the
    warnings are also added to ``extras["warnings"]`` when ``extras`` is given (the import's extras).
    """

    def __init__(
        self, path: Path, *, encoding: str, delimiter: str, extras: dict[str, Any] | None = None
    ) -> None:
        self.path = path
        self.encoding = encoding
        self.delimiter = delimiter
        self.blank_lines = 0
        self.warnings: list[dict[str, Any]] = []
        self._extras = extras

    def records(self) -> Iterator[tuple[int, list[str]]]:
        with self.path.open("rb") as raw:
            text: io.TextIOBase | _MixedText = (
                _MixedText(raw)
                if self.encoding == MIXED
                else io.TextIOWrapper(raw, encoding=self.encoding, newline="", errors="strict")
            )
            lines = _Lines(text)
            reader = csv.reader(lines, delimiter=self.delimiter, strict=False)
            previous_end, last_raw, last_start = 0, [""], 0
            while True:
                try:
                    fields = next(reader)
                except StopIteration:
                    break
                except UnicodeError:
                    raise self._decode_error(lines.count + 1) from None
                except csv.Error as exc:  # pragma: no cover - the lenient reader hardly raises
                    raise InputFileError(
                        f"CSV illisible ligne {previous_end + 1} (détail : {exc}).",
                        f"Unreadable CSV at line {previous_end + 1} ({exc}).",
                        line=previous_end + 1,
                    ) from None
                start, previous_end = previous_end + 1, reader.line_num
                last_raw, last_start = lines.take(), start
                if not fields:
                    self.blank_lines += 1
                    continue
                yield start, fields
            self._check_terminated(last_raw, last_start)
            if isinstance(text, _MixedText):
                self._warn(mixed_warnings(text.fallback_lines, text.fallback_count, text.cut_line))

    def _warn(self, warnings: list[dict[str, Any]]) -> None:
        self.warnings.extend(warnings)
        if warnings and self._extras is not None:
            self._extras.setdefault("warnings", []).extend(warnings)

    def _decode_error(self, line: int) -> EncodingError:
        return EncodingError(
            f"Octets illisibles en {self.encoding} vers la ligne {line} : le fichier mélange des encodages ? "
            "Réenregistrez-le en UTF-8 ou indiquez son encodage.",
            f"Bytes not valid {self.encoding} near line {line}: mixed encodings? "
            "Save it as UTF-8 or give its encoding.",
            value=self.encoding,
            line=line,
        )

    def _check_terminated(self, raw: list[str], start: int) -> None:
        text = "".join(raw)
        if '"' not in text:
            return
        try:
            for _ in csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter, strict=True):
                pass
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise UnterminatedQuoteError(
                    f"Guillemet ouvrant sans guillemet fermant ligne {start} : le champ court jusqu'à "
                    "la fin du fichier. Corrigez le guillemet de cette ligne.",
                    f"Unterminated quote at line {start}: the field runs to the end of the file. "
                    "Fix the quote on that line.",
                    line=start,
                ) from None


def read_header(
    records: Iterator[tuple[int, list[str]]], path: Path
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header as clean column names (BOM and surrounding spaces stripped), and the records after it.

    A header written on several rows (a survey tool's: :func:`.headers.stacked_header`) is read as one row of
    names, its rows no data."""
    head, records = peek(records)
    if not head:
        raise EmptyFileError(
            f"Le fichier « {path.name} » est vide (ni en-tête ni données).",
            f"The file '{path.name}' is empty (no header, no data).",
            value=path.name,
        )
    head[0] = [head[0][0].lstrip("\ufeff"), *head[0][1:]] if head[0] else head[0]
    columns, taken = stacked_header(head)
    return columns, islice(records, taken, None)


def decoded_sample(sample: bytes, encoding: str) -> str:
    """The first bytes of a file as text (an incomplete last character is dropped)."""
    return sample.decode(encoding, errors="ignore").lstrip("\ufeff")


SHOWN_LINES = 10


def mixed_warnings(
    fallback_lines: list[int], fallback_count: int, cut_line: int | None
) -> list[dict[str, Any]]:
    """Warnings of a file read as :data:`MIXED`: lines read as Windows-1252, a cut last character."""
    out: list[dict[str, Any]] = []
    if fallback_count:
        shown = ", ".join(map(str, fallback_lines[:SHOWN_LINES]))
        more = fallback_count - min(len(fallback_lines), SHOWN_LINES)
        more_fr, more_en = (f" et {more} autre(s)", f" and {more} more") if more > 0 else ("", "")
        out.append(
            {
                "code": "mixed_encoding",
                "encoding": "cp1252",
                "count": fallback_count,
                "lines": fallback_lines,
                "message_fr": f"Ligne(s) {shown}{more_fr} : octets qui ne sont pas de l'UTF-8, lus en "
                "Windows-1252 (le fichier mêle les deux encodages) ; vérifiez leurs accents.",
                "message_en": f"Line(s) {shown}{more_en}: bytes that are not UTF-8, read as Windows-1252 (the "
                "file mixes both encodings); check their accents.",
            }
        )
    if cut_line is not None:
        out.append(
            {
                "code": "truncated_character",
                "lines": [cut_line],
                "message_fr": f"Ligne {cut_line} : le fichier se termine au milieu d'un caractère (export "
                "tronqué ?) ; ce caractère incomplet est ignoré.",
                "message_en": f"Line {cut_line}: the file ends in the middle of a character (a cut export?); "
                "that incomplete character is left out.",
            }
        )
    return out
