"""Streaming CSV reading with the physical line number where each record starts.

Handles a BOM (through the ``utf-8-sig`` codec), mixed CRLF / LF / CR line ends (``newline=""``), quoted
fields that span lines, fields of any size, and reports an unterminated quote as an error naming its line
instead of silently swallowing the rest of the file into one field.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from synthesis.errors import EmptyFileError, EncodingError, InputFileError, UnterminatedQuoteError

# A 10 MB answer is still an answer (issue 3): lift the csv module's 128 KiB default field limit, process-
# wide.
csv.field_size_limit(2**31 - 1)


class _Lines:
    """Physical lines of a text stream, keeping those of the record being parsed."""

    def __init__(self, text: io.TextIOBase) -> None:
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


class CsvSource:
    """A delimited text file read record by record: ``(start line, fields)``, header first.

    ``blank_lines`` counts the empty physical lines skipped between records (final after iteration).
    """

    def __init__(self, path: Path, *, encoding: str, delimiter: str) -> None:
        self.path = path
        self.encoding = encoding
        self.delimiter = delimiter
        self.blank_lines = 0

    def records(self) -> Iterator[tuple[int, list[str]]]:
        with self.path.open("rb") as raw:
            text = io.TextIOWrapper(raw, encoding=self.encoding, newline="", errors="strict")
            lines = _Lines(text)
            reader = csv.reader(lines, delimiter=self.delimiter, strict=False)
            previous_end, last_raw, last_start = 0, [""], 0
            while True:
                try:
                    fields = next(reader)
                except StopIteration:
                    break
                except UnicodeDecodeError as exc:
                    raise self._decode_error(lines.count + 1, exc) from None
                except csv.Error as exc:  # pragma: no cover - the lenient reader hardly raises
                    raise InputFileError(
                        f"CSV illisible ligne {previous_end + 1} : {exc}",
                        f"Unreadable CSV at line {previous_end + 1}: {exc}",
                        line=previous_end + 1,
                    ) from None
                start, previous_end = previous_end + 1, reader.line_num
                last_raw, last_start = lines.take(), start
                if not fields:
                    self.blank_lines += 1
                    continue
                yield start, fields
            self._check_terminated(last_raw, last_start)

    def _decode_error(self, line: int, exc: UnicodeDecodeError) -> EncodingError:
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


def read_header(records: Iterator[tuple[int, list[str]]], path: Path) -> list[str]:
    """The first record, as clean column names (BOM and surrounding spaces stripped)."""
    first = next(records, None)
    if first is None:
        raise EmptyFileError(
            f"Le fichier « {path.name} » est vide (ni en-tête ni données).",
            f"The file '{path.name}' is empty (no header, no data).",
            value=path.name,
        )
    return [c.lstrip("\ufeff").strip() for c in first[1]]


def decoded_sample(sample: bytes, encoding: str) -> str:
    """The first bytes of a file as text (an incomplete last character is dropped)."""
    return sample.decode(encoding, errors="ignore").lstrip("\ufeff")
