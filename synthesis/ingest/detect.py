"""Sniffing: file kind (text, workbook, binary), character encoding, CSV delimiter and export format.

The whole file is read once up front (in 1 MiB chunks, constant memory) to compute its SHA-256 and to check
that it is valid UTF-8, so a Latin-1 byte on line 900,000 is caught before any row is imported. Policy when
the bytes are not UTF-8 (Grand Débat files were also published as ISO-8859-1): when the non-ASCII characters,
read as cp1252, are mostly Western letters and signs (French text), ``cp1252`` (a superset of ISO-8859-1's
printable characters), or ``latin-1`` if a byte undefined in cp1252 is present; otherwise charset-normalizer's
guess when it is a known encoding, else the same Western fallback. An explicit ``encoding`` always wins.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True)
class FileFacts:
    """What the up-front scan learnt about a file."""

    path: Path
    size: int
    sha256: str
    kind: str  # "text" | "xlsx"
    encoding: str
    sample: bytes


def scan_file(path: Path, encoding: str | None = None) -> FileFacts:
    """Hash the file, tell text from workbook from binary, and choose the text encoding."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    utf8_ok, cp1252_ok, size, sample = True, True, 0, b""
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            if not sample:
                sample = chunk[:SAMPLE_BYTES]
            size += len(chunk)
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
            utf8_ok = False
    kind = _kind(path, sample)
    if kind == "text":
        enc = _encoding(sample, utf8_ok, cp1252_ok, encoding)
        if not _text_after_bom(sample, enc).strip():
            raise EmptyFileError(
                f"Le fichier « {path.name} » est vide.", f"The file '{path.name}' is empty.", value=path.name
            )
    else:
        enc = "binary"
    return FileFacts(path, size, digest.hexdigest(), kind, enc, sample)


def _kind(path: Path, sample: bytes) -> str:
    if sample.startswith(b"PK\x03\x04"):
        if path.suffix.lower() in {".xlsx", ".xlsm", ""} or b"xl/" in sample[:4096]:
            return "xlsx"
        raise _binary(path, "archive ZIP (pas un classeur XLSX)", "ZIP archive (not an XLSX workbook)")
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "text"
    if sample.startswith(_BINARY_MAGIC) or b"\x00" in sample:
        raise _binary(path, "fichier binaire", "binary file")
    text = sample.decode("latin-1")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
    if text and controls / len(text) > 0.05:
        raise _binary(path, "fichier binaire (caractères de contrôle)", "binary file (control characters)")
    return "text"


def _binary(path: Path, what_fr: str, what_en: str) -> BinaryFileError:
    return BinaryFileError(
        f"« {path.name} » n'est pas un export lisible ({what_fr}) : "
        "fournissez un CSV, un XLSX, un JSON ou un JSONL.",
        f"'{path.name}' is not a readable export ({what_en}): give a CSV, XLSX, JSON or JSON Lines file.",
        value=path.name,
    )


def _encoding(sample: bytes, utf8_ok: bool, cp1252_ok: bool, explicit: str | None) -> str:
    if explicit:
        try:
            return codecs.lookup(explicit).name
        except LookupError:
            raise EncodingError(
                f"Encodage inconnu : « {explicit} » (essayez utf-8, cp1252 ou latin-1).",
                f"Unknown encoding: '{explicit}' (try utf-8, cp1252 or latin-1).",
                value=explicit,
            ) from None
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if utf8_ok:
        return "utf-8"
    if _looks_western(sample):
        return "cp1252" if cp1252_ok else "latin-1"
    guess = _charset_guess(sample)
    if guess and guess in _ACCEPTED_GUESSES and guess not in _WESTERN:
        return guess
    return "cp1252" if cp1252_ok else "latin-1"


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
    """The delimiter most frequent outside quotes in the first record of ``text`` (``,`` when none is)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "\r\n":
            break
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


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
    if {"comment-id", "comment-body", "moderated"} <= cols:
        return Format.POLIS, "comments"
    if {"commentable_id", "commentable_type"} <= cols:
        return Format.DECIDIM, "comments"
    decidim_like = "component/id" in cols or any("/" in c for c in cols)
    if decidim_like and "id" in cols:
        has = {
            base for base in ("title", "body", "description") if any(c.split("/")[0] == base for c in cols)
        }
        if "description" in has and "title" in has:
            return Format.DECIDIM, "debates"
        if {"title", "body"} <= has:
            return Format.DECIDIM, "proposals"
    return Format.CSV, "generic"


def format_from_name(path: Path, sample: bytes) -> Format | None:
    """JSON / JSON Lines told by the extension or the first character; None for delimited text."""
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        return Format.JSONL
    if suffix == ".json":
        return Format.JSON
    head = sample.lstrip(codecs.BOM_UTF8).lstrip()
    if head.startswith(b"["):
        return Format.JSON
    if head.startswith(b"{"):
        first = head.split(b"\n", 1)[0].strip()
        return Format.JSONL if first.endswith(b"}") and b"\n" in head.strip() else Format.JSON
    return None
