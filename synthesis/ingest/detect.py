"""Sniffing: file kind (text, workbook, binary), character encoding, CSV delimiter and export format.

The whole file is read once up front (in 1 MiB chunks, constant memory) to compute its SHA-256 and to check
that it is valid UTF-8, so a Latin-1 byte on line 900,000 is caught before any row is imported. Policy when
the bytes are not UTF-8 (Grand Débat files were also published as ISO-8859-1):

- a file that is UTF-8 except for some lines (one line edited in Excel, a Latin-1 row appended, an export cut
  inside a multi-byte character, a one-line minified JSON with one Windows-1252 value) is read as
  :data:`MIXED` (``utf-8+cp1252``): each line is UTF-8 when it is valid UTF-8, else Windows-1252 but for its
  UTF-8 characters when they are most of its non-ASCII bytes, and the reader names those lines; its UTF-8
  text is never garbled;
- otherwise, when the non-ASCII characters, read as cp1252, are mostly Western letters and signs (French
  text), ``cp1252`` (a superset of ISO-8859-1's printable characters), or ``latin-1`` if a byte undefined in
  cp1252 is present; otherwise charset-normalizer's guess when it is a known encoding, else the same Western
  fallback.

UTF-16 and UTF-32 are told by their BOM, or without one by charset-normalizer (their NUL bytes would
otherwise make the file look binary). An explicit ``encoding`` always wins; it must be a text encoding that
decodes the start of the file.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

from synthesis.errors import BinaryFileError, EmptyFileError, EncodingError

from .base import Format

CHUNK = 1 << 20
SAMPLE_BYTES = 1 << 16
DELIMITERS = (",", ";", "\t", "|")
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"\x1f\x8b",
    b"\xd0\xcf\x11\xe0",
    b"BZh",
    b"\x7fELF",
    b"7z\xbc\xaf",
)
_OLE2 = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls), as Decidim's Excel export wrote before 0.27
)
_WESTERN = {"cp1252", "latin_1", "iso8859_15", "iso8859_1", "windows_1252", "ascii", "mac_roman", "cp850"}
_ACCEPTED_GUESSES = _WESTERN | {
    "cp1250",
    "iso8859_2",
    "cp1251",
    "koi8_r",
    "shift_jis",
    "cp932",
    "gb18030",
    "gb2312",
    "big5",
    "euc_jp",
    "euc_kr",
    "cp949",
    "iso8859_7",
    "cp1253",
    "iso8859_9",
    "cp1254",
}


#: Codec of a file that is UTF-8 but for some lines: UTF-8 where the bytes are valid UTF-8, Windows-1252 elsewhere.
MIXED = "utf-8+cp1252"
_MIXED_ERRORS = "synthese-cp1252-fallback"
_WIDE = ("utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be")


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 read as Windows-1252 (Latin-1 where it has a hole)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = bytes(exc.object[exc.start : exc.end])
    try:
        return bad.decode("cp1252"), exc.end
    except UnicodeDecodeError:
        return bad.decode("latin-1"), exc.end


class _MixedDecoder(codecs.BufferedIncrementalDecoder):
    """Incremental :data:`MIXED` decoder (a character cut between two reads waits for its end)."""

    def _buffer_decode(self, data: Any, errors: str, final: bool) -> tuple[str, int]:
        return codecs.utf_8_decode(data, _MIXED_ERRORS, final)


def western(data: bytes) -> str:
    """``data`` read as Windows-1252, Latin-1 where it has a hole (every byte decodes)."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors=_MIXED_ERRORS)


def mixed_decode(data: Any, errors: str = "strict") -> tuple[str, int]:
    """Decode ``data`` as :data:`MIXED` (``errors`` is ignored: every byte decodes)."""
    return codecs.utf_8_decode(data, _MIXED_ERRORS, True)


_MIXED_INFO = codecs.CodecInfo(
    name=MIXED,
    encode=codecs.utf_8_encode,
    decode=mixed_decode,
    incrementalencoder=codecs.getincrementalencoder("utf-8"),
    incrementaldecoder=_MixedDecoder,
)


def _search(name: str) -> codecs.CodecInfo | None:
    """Codec search function: :data:`MIXED` (Python hands it the name normalised to ``utf_8_cp1252``)."""
    return _MIXED_INFO if name in {"utf_8_cp1252", MIXED} else None


codecs.register_error(_MIXED_ERRORS, _cp1252_fallback)
codecs.register(_search)


@dataclass(frozen=True)
class FileFacts:
    """What the up-front scan learnt about a file."""

    path: Path
    size: int
    sha256: str
    kind: str  # "text" | "xlsx"
    encoding: str
    sample: bytes


@dataclass
class _Bytes:
    """What one pass over a file's bytes tells: size, digest, first bytes, UTF-8 validity."""

    size: int
    sha256: str
    sample: bytes
    utf8_ok: bool  # the whole file is valid UTF-8
    utf8_cut: bool  # valid UTF-8 but for an incomplete character at the very end
    cp1252_ok: bool  # no byte undefined in cp1252


def scan_file(path: Path, encoding: str | None = None) -> FileFacts:
    """Hash the file, tell text from workbook from binary, and choose the text encoding."""
    facts = _read_bytes(path)
    wide = _wide_unicode(facts.sample)
    kind = _kind(path, facts.sample, wide)
    if kind == "text":
        enc = _encoding(path, facts, wide, encoding)
        if not _text_after_bom(facts.sample, enc).strip():
            raise EmptyFileError(
                f"Le fichier « {path.name} » est vide.", f"The file '{path.name}' is empty.", value=path.name
            )
    else:
        enc = "binary"
    return FileFacts(path, facts.size, facts.sha256, kind, enc, facts.sample)


def _read_bytes(path: Path) -> _Bytes:
    """One pass over the file in 1 MiB chunks (constant memory)."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    utf8_ok, utf8_cut, cp1252_ok, size, sample = True, False, True, 0, b""
    ascii_until, tail = True, b""  # no non-ASCII byte but, maybe, in the last 3 (a cut character)
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            if not sample:
                sample = chunk[:SAMPLE_BYTES]
            size += len(chunk)
            ascii_until = ascii_until and tail.isascii()
            ascii_until, tail = ascii_until and chunk[:-3].isascii(), chunk[-3:]
            if utf8_ok:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8_ok = False
            if cp1252_ok and any(b in chunk for b in _CP1252_UNDEFINED):
                cp1252_ok = False
    if utf8_ok:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            # cut inside a UTF-8 character only where the file wrote some before ("allé" in cp1252, at the
            # very end of a file that is ASCII otherwise, is no cut UTF-8 character)
            utf8_ok, utf8_cut = False, not ascii_until
    return _Bytes(size, digest.hexdigest(), sample, utf8_ok, utf8_cut, cp1252_ok)


def _kind(path: Path, sample: bytes, wide: str | None) -> str:
    if sample.startswith(b"PK\x03\x04"):
        if path.suffix.lower() in {".xlsx", ".xlsm", ""} or b"xl/" in sample[:4096]:
            return "xlsx"
        raise _binary(path, "archive ZIP (pas un classeur XLSX)", "ZIP archive (not an XLSX workbook)")
    if sample.startswith(_OLE2):
        raise BinaryFileError(
            f"« {path.name} » est un classeur Excel 97-2003 (.xls), que ce service ne lit pas : ouvrez-le dans "
            "votre tableur et enregistrez-le au format .xlsx, ou exportez-le en CSV ou en JSON depuis la plateforme.",
            f"'{path.name}' is an Excel 97-2003 workbook (.xls), which this service does not read: open it in your "
            "spreadsheet and save it as .xlsx, or export it as CSV or JSON from the platform.",
            value=path.name,
        )
    if sample.startswith(_BINARY_MAGIC):
        raise _binary(path, "fichier binaire", "binary file")
    if wide:
        return "text"
    if b"\x00" in sample:
        raise _binary(path, "fichier binaire", "binary file")
    text = sample.decode("latin-1")
    if _controls(text) > 0.05:
        raise _binary(path, "fichier binaire (caractères de contrôle)", "binary file (control characters)")
    return "text"


def _controls(text: str) -> float:
    """Share of control characters (other than tab, line ends and form feed) in ``text``."""
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
    return controls / len(text) if text else 0.0


def _wide_unicode(sample: bytes) -> str | None:
    """UTF-16 or UTF-32 (with or without BOM) when charset-normalizer says so and the text is plain text.

    Without this, the NUL bytes of UTF-16 text made it a "binary file", and UTF-32 was read as UTF-16.
    """
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" not in sample:
        return None
    guess = _charset_guess(sample)
    if guess is None or guess not in _WIDE:
        return None
    try:
        text = codecs.getincrementaldecoder(guess)("strict").decode(sample, final=False)
    except UnicodeDecodeError:
        return None
    plain = any(ch in text for ch in "\n,;\t{[") and _controls(text) <= 0.05
    return codecs.lookup(guess).name if plain else None


def _binary(path: Path, what_fr: str, what_en: str) -> BinaryFileError:
    return BinaryFileError(
        f"« {path.name} » n'est pas un export lisible ({what_fr}) : "
        "fournissez un CSV, un XLSX, un JSON ou un JSONL.",
        f"'{path.name}' is not a readable export ({what_en}): give a CSV, XLSX, JSON or JSON Lines file.",
        value=path.name,
    )


def _encoding(path: Path, facts: _Bytes, wide: str | None, explicit: str | None) -> str:
    if explicit:
        return _explicit(path, facts, explicit)
    sample = facts.sample
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig" if facts.utf8_ok else MIXED
    if wide:
        return wide
    if facts.utf8_ok:
        return "utf-8"
    if facts.utf8_cut or _has_utf8_lines(path):
        return MIXED
    if _looks_western(sample):
        return "cp1252" if facts.cp1252_ok else "latin-1"
    guess = _charset_guess(sample)
    if guess and guess in _ACCEPTED_GUESSES and guess not in _WESTERN:
        return guess
    return "cp1252" if facts.cp1252_ok else "latin-1"


def _explicit(path: Path, facts: _Bytes, explicit: str) -> str:
    """The codec named by ``--encoding``, checked: a text encoding that decodes the start of the file."""
    try:
        info = codecs.lookup(explicit)
    except LookupError:
        raise EncodingError(
            f"Encodage inconnu : « {explicit} » (essayez utf-8, cp1252 ou latin-1).",
            f"Unknown encoding: '{explicit}' (try utf-8, cp1252 or latin-1).",
            value=explicit,
        ) from None
    if not getattr(info, "_is_text_encoding", True):
        raise EncodingError(
            f"« {explicit} » n'est pas un encodage de texte (essayez utf-8, cp1252 ou latin-1).",
            f"'{explicit}' is not a text encoding (try utf-8, cp1252 or latin-1).",
            value=explicit,
        )
    try:
        decoder = codecs.getincrementaldecoder(info.name)("strict")
        decoder.decode(facts.sample, final=len(facts.sample) >= facts.size)
    except UnicodeError as exc:
        raise undecodable(path.name, info.name, line_of(exc)) from None
    return info.name


def line_of(exc: UnicodeError) -> int | None:
    """Line where a decoding error starts in the bytes being decoded (None when the codec does not say)."""
    data, start = getattr(exc, "object", None), getattr(exc, "start", None)
    if isinstance(data, bytes | bytearray | memoryview) and isinstance(start, int):
        return bytes(data[:start]).count(b"\n") + 1
    return None


def undecodable(name: str, encoding: str, line: int | None) -> EncodingError:
    """The error for a file that its (given or detected) encoding cannot decode."""
    at_fr, at_en = (f" (ligne {line})", f" (line {line})") if line else ("", "")
    return EncodingError(
        f"« {name} » n'est pas lisible en {encoding}{at_fr} : ses octets ne sont pas de cet encodage. "
        "Indiquez le bon (par exemple utf-8, cp1252 ou latin-1), ou laissez-le détecter.",
        f"'{name}' cannot be read as {encoding}{at_en}: its bytes are not in that encoding. Give the right "
        "one (for instance utf-8, cp1252 or latin-1), or let it be detected.",
        value=encoding,
        line=line,
    )


_AFTER_CR = re.compile(rb"(?<=\r)(?=[^\n])")


def physical_lines(raw: IO[bytes]) -> Iterator[bytes]:
    """The lines of a binary stream, ended by ``\\n``, ``\\r\\n`` or ``\\r`` (as text read with ``newline=""``).

    Read in pieces of at most :data:`CHUNK` bytes, so a file with ``\\r`` line ends is not read whole. Only
    for encodings where these bytes are never part of another character (UTF-8, cp1252).
    """
    carry: list[bytes] = []  # the pieces of an unfinished line (joined once: a 64 MB line was quadratic)
    while True:
        data = raw.readline(CHUNK)
        if not data:
            if carry:
                yield b"".join(carry)
            return
        if carry and carry[-1].endswith(b"\r") and not data.startswith(b"\n"):
            yield b"".join(carry)  # a line ended by a lone "\r" at the end of the last piece
            carry = []
        pieces = _AFTER_CR.split(data)
        last = pieces.pop()
        if pieces:
            yield b"".join([*carry, pieces[0]])
            yield from pieces[1:]
            carry = []
        carry.append(last)
        if last.endswith(b"\n"):
            yield b"".join(carry)
            carry = []


def _has_utf8_lines(path: Path) -> bool:
    """True when a file that is not all UTF-8 is UTF-8 but for some lines: then it is read line by line.

    Some non-ASCII lines must be valid UTF-8 and, unless they are at least as many as the others, the other
    lines must look like Western text (a short line of a Chinese GB18030 file can be valid UTF-8 by chance).
    """
    utf8_lines, other_lines, other = 0, 0, bytearray()
    with path.open("rb") as fh:
        for line in physical_lines(fh):
            if line.isascii():
                continue
            try:
                if _plausible_utf8(line.decode("utf-8")):
                    utf8_lines += 1
            except UnicodeDecodeError:
                other_lines += 1
                # a long line can be UTF-8 but for a stray byte (a minified JSON is one line): the first
                # such lines are looked into, enough where lines are few, at no cost on a big Windows-1252 file
                utf8_lines += other_lines <= LOOKED_INTO and mostly_utf8(line)
                if len(other) < SAMPLE_BYTES:
                    other += line
    if not utf8_lines:
        return False
    return utf8_lines >= other_lines or _looks_western(bytes(other))


LOOKED_INTO = 64  # lines that are not UTF-8 looked into for UTF-8 characters
_UTF8_CHAR = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


def mostly_utf8(line: bytes) -> bool:
    """True when ``line``, not valid UTF-8, is UTF-8 but for a few stray bytes: most of its bytes above ASCII
    make plausible UTF-8 characters. A one-line file (a minified JSON) with one Windows-1252 value is such a
    line; a Windows-1252 line makes a UTF-8 character only by chance."""
    valid = 0
    for char in _UTF8_CHAR.findall(line):
        try:
            valid += len(char) if _plausible_utf8(char.decode("utf-8")) else 0
        except UnicodeDecodeError:  # an overlong form or a surrogate
            continue
    return valid > len(_HIGH_BYTE.findall(line)) - valid


def _plausible_utf8(text: str) -> bool:
    """True unless ``text``, valid UTF-8, holds characters that two Windows-1252 bytes make by chance: a capital
    accented letter before a no-break space or a sign ("É\xa0" reads "ɠ", U+0180-U+07FF) or a C1 control
    (U+0080-U+009F). Real UTF-8 text in those ranges (Greek, Cyrillic, Arabic…) is then no evidence either."""
    return not any(0x80 <= ord(ch) < 0xA0 or 0x180 <= ord(ch) < 0x800 for ch in text)


_WESTERN_CHARS = frozenset("àâäáãçéèêëíìîïñóòôöõúùûüÿœæÀÂÄÁÃÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜŸŒÆ’‘“”«»€°–—…ß\xa0")


def _looks_western(sample: bytes) -> bool:
    """True when, read as cp1252, at least 80 % of the non-ASCII characters are Western letters and signs.

    charset-normalizer alone can take a short French Latin-1 text for Big5 or GB18030; French text is the
    common case.
    """
    text = sample.decode("cp1252", errors="replace")
    non_ascii = [ch for ch in text if ord(ch) > 127]
    return bool(non_ascii) and sum(ch in _WESTERN_CHARS for ch in non_ascii) >= 0.8 * len(non_ascii)


def _charset_guess(sample: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(sample[:SAMPLE_BYTES]).best()
    return codecs.lookup(best.encoding).name.replace("-", "_") if best else None


def _text_after_bom(sample: bytes, encoding: str) -> str:
    return sample.decode(encoding, errors="replace").lstrip("\ufeff")


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first records of ``text`` into a steady number of fields (``,`` if none).

    The header alone can mislead: ``id;profil;Quelles sont, selon vous, les priorités ?`` has as many commas
    as semicolons. Each candidate is scored on the first :data:`SNIFF_RECORDS` records: the share of rows as
    wide as the header first, then the fewest fields starting with a space (a comma in prose is followed
    by one), then the most columns.
    """
    scores = {d: score for d in DELIMITERS if (score := _delimiter_score(text, d)) is not None}
    return max(scores, key=lambda d: scores[d]) if scores else ","


SNIFF_RECORDS = 50


def _delimiter_score(text: str, delimiter: str) -> tuple[float, float, int] | None:
    """How well ``delimiter`` splits ``text``: None when the header has a single field."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        records = [r for r in islice(reader, SNIFF_RECORDS + 1) if r]
    except csv.Error:
        return None
    if len(records) > 2 and not text.endswith(("\n", "\r")):
        records.pop()  # the sample may end inside the last record
    if not records or len(records[0]) < 2:
        return None
    width = len(records[0])
    rows = records[1:SNIFF_RECORDS]
    # as wide as the header, or wider by blank fields only: a row a wrong delimiter leaves whole is not steady
    steady = sum(len(r) >= width and not any(f.strip() for f in r[width:]) for r in rows)
    fields = [f for r in records[:SNIFF_RECORDS] for f in r[1:]]
    spaced = sum(f.startswith(" ") for f in fields) / len(fields)
    return (steady / len(rows) if rows else 1.0), -spaced, width


def format_from_columns(columns: list[str]) -> tuple[Format, str]:
    """Export format and record kind told by a CSV header; ``(Format.CSV, "generic")`` when none matches."""
    cols = set(columns)
    from .granddebat import question_columns

    if {"reference", "authorType"} <= cols or question_columns(columns):
        return Format.GRANDDEBAT, "wide"
    if {"argument_id", "opinion_id", "stance"} <= cols:
        return Format.CAPCOLLECTIF, "arguments"
    if {"opinion_id", "section_subtitle"} <= cols:
        return Format.CAPCOLLECTIF, "opinions"
    if {"type", "contributions_id", "contributions_bodyText"} <= cols:
        return Format.CAPCOLLECTIF, "consultation"
    if {"comment-id", "comment-body", "moderated"} <= cols:
        return Format.POLIS, "comments"
    if {"comment-id", "voter-id", "vote"} <= cols:
        return Format.POLIS, "votes"
    if {"participant", "group-id", "n-comments", "n-votes"} <= cols:
        return Format.POLIS, "participants-votes"
    if {"commentable_id", "commentable_type"} <= cols:
        return Format.DECIDIM, "comments"
    decidim_like = "component/id" in cols or any("/" in c for c in cols)
    if decidim_like and "id" in cols:
        has = {
            base for base in ("title", "body", "description") if any(c.split("/")[0] == base for c in cols)
        }
        if "description" in has and "title" in has:
            return Format.DECIDIM, _described(cols)
        if {"title", "body"} <= has:
            return Format.DECIDIM, "proposals"
    return Format.CSV, "generic"


# The other Decidim exports with a title and a description, told by their own columns (MeetingSerializer:
# attendees, address; accountability's ResultSerializer: progress; budgets' ProjectSerializer: budget_amount,
# confirmed_votes): the organisers' content, not the participants'
_NOT_DEBATES = (
    ("meetings", {"attendees", "address"}),
    ("results", {"progress"}),
    ("projects", {"budget_amount", "confirmed_votes"}),
)


def _described(cols: set[str]) -> str:
    """The kind of a Decidim export with a title and a description: debates, unless another's columns."""
    return next((kind for kind, marks in _NOT_DEBATES if marks & cols), "debates")


def format_from_name(path: Path, sample: bytes, encoding: str = "utf-8") -> Format | None:
    """JSON / JSON Lines told by the extension or the content; None for delimited text.

    A ``.csv``, ``.tsv`` or ``.txt`` file is delimited text even when its header starts with ``[`` or ``{``
    (``[id],[texte]``); a ``.json`` file holding one object per line is JSON Lines.
    """
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        return Format.JSONL
    if suffix in {".csv", ".tsv", ".txt", ".tab"}:
        return None
    head = sample.decode(encoding, errors="ignore").lstrip("\ufeff").lstrip()
    if head.startswith("{") and "\n" not in head.rstrip():  # a first record longer than the sample
        head = _first_lines(path, encoding)
    if _json_lines(head):
        return Format.JSONL
    if suffix == ".json" or head.startswith(("[", "{")):
        return Format.JSON
    return None


def _first_lines(path: Path, encoding: str, limit: int = 64 * CHUNK) -> str:
    """The file's first line (at most ``limit`` bytes) and the start of the next, to tell JSON Lines."""
    with path.open("rb") as fh:
        first = fh.readline(limit)
        following = fh.read(SAMPLE_BYTES)
    return (first + following).decode(encoding, errors="ignore").lstrip("\ufeff").lstrip()


def _json_lines(head: str) -> bool:
    """True when ``head`` starts with a JSON object alone on its line, followed by another line."""
    if not head.startswith("{"):
        return False
    first, _, rest = head.partition("\n")
    if not rest.strip():
        return False
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False
    except RecursionError:  # an object nested too deep for the decoder: the reader rejects that line alone
        return True
