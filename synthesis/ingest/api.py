"""Entry points: :func:`iter_file` (streaming) and :func:`read_file` (whole result), with format dispatch."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

from schemas.settings import ColumnMapping
from synthesis.errors import FormatDetectionError, InputFileError

from . import archive, capcollectif, decidim, flat, generic, granddebat, polis, tabular
from .archive_read import read_archive
from .base import Format, IngestResult, IngestStream, RowOutcome, RowSource, collect
from .detect import (
    MIXED,
    FileFacts,
    format_from_columns,
    format_from_name,
    line_of,
    scan_file,
    sniff_delimiter,
    undecodable,
)
from .members import ArchiveLimits
from .reader import CsvSource, decoded_sample, read_header

_CSV_READERS: dict[Format, Callable[[RowSource], Iterator[RowOutcome]]] = {
    Format.GRANDDEBAT: granddebat.rows,
    Format.CAPCOLLECTIF: capcollectif.rows,
    Format.DECIDIM: decidim.rows,
    Format.POLIS: polis.rows,
    Format.CSV: generic.rows,
}
#: The formats whose export may come as XLSX or JSON too: the platforms', and AUTO (see :mod:`.flat`)
_PLATFORMS = frozenset({Format.AUTO, Format.GRANDDEBAT, Format.CAPCOLLECTIF, Format.DECIDIM, Format.POLIS})
MAX_RELATED_BYTES = 64 << 20
_MIXED_JSON_WARNING = {
    "code": "mixed_encoding",
    "encoding": "cp1252",
    "message_fr": "Des octets qui ne sont pas de l'UTF-8 ont été lus en Windows-1252 (le fichier mêle les deux "
    "encodages) ; vérifiez les accents des textes.",
    "message_en": "Some bytes that are not UTF-8 were read as Windows-1252 (the file mixes both encodings); "
    "check the accents of the texts.",
}


def read_file(path: str | PathLike[str], **options: Any) -> IngestResult:
    """Read a whole export: every contribution and rejected row, in file order (see :func:`iter_file`)."""
    return collect(iter_file(path, **options))


def iter_file(
    path: str | PathLike[str],
    *,
    format: Format | str = "auto",
    mapping: ColumnMapping | None = None,
    secret: bytes = b"",
    question_text: str | None = None,
    encoding: str | None = None,
    related: Sequence[str | PathLike[str]] | None = None,
    archive_folder: str | None = None,
    archive_limits: ArchiveLimits | None = None,
    known_titles: Mapping[str, str] | None = None,
) -> IngestStream:
    """Stream an export as ``Contribution | RejectedRow`` items in file order, with bounded memory.

    Parameters
    ----------
    path : path of the export file, or of a folder of export files (read as their ZIP is).
    format : a :class:`Format` or its value; ``auto`` sniffs it from the content and header.
    mapping : columns of a generic CSV / XLSX / JSON / JSONL file (suggested from the header when None).
    secret : key of the HMAC that pseudonymises author identifiers.
    question_text : question of a generic file without a question column (default: the file name).
    encoding : forces the text encoding (otherwise: BOM, UTF-8, UTF-8 with some Windows-1252 lines, UTF-16/32,
        then charset-normalizer); what the user should check is in ``extras["warnings"]`` (French and English).
    related : Decidim debates / proposals exports that name the roots of comments (default: the folder's).
    archive_folder : for a ZIP export (a Decidim open-data download, a Polis export, a ZIP of spreadsheets,
        read member by member, see :mod:`.archive_read`) or a folder (:mod:`.folder`), the name of the folder
        its root members are read in (default: the archive's name without extension, the folder's name); a
        Polis conversation is named after it.
    archive_limits : the most bytes a ZIP export's members (a folder's files) may unpack to, each and
        together, and its most members (default: :class:`.archive.ArchiveLimits`).
    known_titles : titles of Decidim debates and proposals known already, keyed by URL and by
        ``<kind>-<id>`` as :func:`.decidim.related_titles` gives them (the service's earlier imports of the
        consultation); those of the side files win.

    Raises
    ------
    InputFileError (or a subclass) naming the problem: missing, empty, binary or undecodable file, unknown
    format, mapped column absent (the available ones are listed), unterminated quote (with its line); an
    :class:`~synthesis.errors.ArchiveError` for a corrupt or oversized ZIP, or one with no contribution file.
    """
    checked = Path(path)
    if checked.is_dir() or (checked.is_file() and archive.is_archive(checked, archive_limits)):
        return read_archive(
            checked,
            lambda member: _file_stream(
                member, format, mapping, secret, question_text, encoding, None, titles=known_titles
            ),
            folder=archive_folder,
            limits=archive_limits,
        )
    return _file_stream(path, format, mapping, secret, question_text, encoding, related, titles=known_titles)


def _file_stream(
    path: str | PathLike[str],
    format: Format | str,
    mapping: ColumnMapping | None,
    secret: bytes,
    question_text: str | None,
    encoding: str | None,
    related: Sequence[str | PathLike[str]] | None,
    titles: Mapping[str, str] | None = None,
) -> IngestStream:
    """The stream of one export file (:func:`iter_file` without archives)."""
    path, fmt, facts = open_export(path, format, encoding)
    # a platform's export saved as XLSX or JSON (fmt AUTO or the platform) is read by the platform's reader
    platform = flat.Platform(fmt, related, titles) if fmt in _PLATFORMS else None
    if facts.kind == "xlsx" or fmt is Format.XLSX:
        return _tabular_stream(facts, Format.XLSX, mapping, secret, question_text, platform)
    named = format_from_name(path, facts.sample, facts.encoding) if fmt in _PLATFORMS else None
    if fmt in (Format.JSON, Format.JSONL) or named:
        chosen = named or fmt
        return _tabular_stream(facts, chosen, mapping, secret, question_text, platform)
    return _csv_stream(facts, fmt, mapping, secret, question_text, related, titles)


def open_export(
    path: str | PathLike[str], format: Format | str, encoding: str | None
) -> tuple[Path, Format, FileFacts]:
    """The checked path, the requested format and the file's sniffed facts (what every entry point needs first)."""
    path = Path(path)
    fmt = _format(format)
    if not path.is_file() and path.exists():  # /dev/null, a named pipe: it is there, and no export
        raise InputFileError(
            f"« {path} » n'est pas un fichier ordinaire (périphérique, tube nommé, socket) : donnez le fichier "
            "exporté, ou le dossier des fichiers exportés.",
            f"'{path}' is not a regular file (device, named pipe, socket): give the exported file, or the folder "
            "of the exported files.",
            value=str(path),
        )
    if not path.is_file():
        raise InputFileError(
            f"Fichier introuvable : « {path} ».", f"File not found: '{path}'.", value=str(path)
        )
    return path, fmt, scan_file(path, encoding)


def _format(value: Format | str) -> Format:
    try:
        return Format(value)
    except ValueError:
        choices = ", ".join(f.value for f in Format)
        raise InputFileError(
            f"Format inconnu : « {value} ». Formats possibles : {choices}.",
            f"Unknown format: '{value}'. Possible formats: {choices}.",
            value=value,
        ) from None


def open_rows(path: Path, encoding: str | None = None) -> tuple[RowSource, str]:
    """A delimited file's header and records, with the record kind its header tells."""
    facts = scan_file(path, encoding)
    if facts.kind != "text":
        raise InputFileError(
            f"« {path.name} » n'est pas un CSV.", f"'{path.name}' is not a CSV.", value=path.name
        )
    delimiter = sniff_delimiter(decoded_sample(facts.sample, facts.encoding))
    csv_source = CsvSource(path, encoding=facts.encoding, delimiter=delimiter)
    records = csv_source.records()
    columns, records = read_header(records, path)
    _, kind = format_from_columns(columns)
    return RowSource(path=path, columns=columns, records=records), kind


def _csv_stream(
    facts: FileFacts,
    fmt: Format,
    mapping: ColumnMapping | None,
    secret: bytes,
    question_text: str | None,
    related: Sequence[str | PathLike[str]] | None,
    titles: Mapping[str, str] | None = None,
) -> IngestStream:
    path = facts.path
    delimiter = sniff_delimiter(decoded_sample(facts.sample, facts.encoding))
    extras: dict[str, Any] = {}  # the reader adds its warnings there once the file is read
    csv_source = CsvSource(path, encoding=facts.encoding, delimiter=delimiter, extras=extras)
    records = _guarded(csv_source.records(), facts.encoding, path.name)
    columns, records = read_header(records, path)
    detected, kind = format_from_columns(columns)
    if fmt is Format.AUTO:
        fmt = detected
    elif fmt is not Format.CSV and fmt is not detected:
        raise _mismatch(path, fmt, detected, columns)
    source = RowSource(
        path=path,
        columns=columns,
        records=records,
        secret=secret,
        mapping=mapping,
        question_text=question_text,
        kind=kind if fmt is detected else "generic",
        extras=extras,
    )
    source.extras["kind"] = source.kind
    if fmt is Format.CSV:
        source.mapping = generic.resolve_mapping(columns, mapping, source.extras)
    if fmt is Format.DECIDIM and source.kind == "comments":
        _side_files(source, related, titles)
    reader = _CSV_READERS[fmt]
    return IngestStream(
        format=fmt,
        encoding=facts.encoding,
        delimiter=delimiter,
        sha256=facts.sha256,
        rows=lambda: reader(source),
        extras=source.extras,
        blank_lines=lambda: csv_source.blank_lines,
        subject=_subject(path),
    )


def _side_files(
    source: RowSource, related: Sequence[str | PathLike[str]] | None, titles: Mapping[str, str] | None
) -> None:
    """Give a Decidim comments export the debates / proposals exports (and the titles) that name its roots."""
    source.related = _related(source.path, related, source.extras)
    source.titles = dict(titles or {})
    source.extras["related"] = [str(p) for p in source.related]


def _tabular_stream(
    facts: FileFacts,
    fmt: Format,
    mapping: ColumnMapping | None,
    secret: bytes,
    question_text: str | None,
    platform: flat.Platform | None = None,
) -> IngestStream:
    path = facts.path
    if fmt is Format.XLSX:
        if facts.kind != "xlsx":
            raise InputFileError(
                f"« {path.name} » n'est pas un classeur XLSX.",
                f"'{path.name}' is not an XLSX workbook.",
                value=path.name,
            )
        columns, records = tabular.xlsx_records(path)
        encoding = "xlsx"
    else:
        if facts.kind != "text":
            raise InputFileError(
                f"« {path.name} » n'est pas un fichier JSON.",
                f"'{path.name}' is not a JSON file.",
                value=path.name,
            )
        encoding = facts.encoding
        try:
            read = tabular.json_records if fmt is Format.JSON else tabular.jsonl_records
            columns, records = read(path, encoding)
        except UnicodeError as exc:  # JSON is decoded whole: the error's offset tells the line
            raise undecodable(path.name, encoding, line_of(exc) if fmt is Format.JSON else None) from None
    if platform is not None:
        records, stream = flat.platform_stream(
            facts, fmt, encoding, columns, records, secret, question_text, platform
        )
        if stream is not None:
            return stream
    source = RowSource(
        path=path, columns=columns, records=iter(()), secret=secret, question_text=question_text
    )
    source.mapping = generic.resolve_mapping(columns, mapping, source.extras)
    if encoding == MIXED:
        source.extras.setdefault("warnings", []).append(_MIXED_JSON_WARNING)
    guarded = _guarded(records, encoding, path.name)
    return IngestStream(
        format=fmt,
        encoding=encoding,
        delimiter=None,
        sha256=facts.sha256,
        rows=lambda: generic.record_rows(source, guarded),
        extras=source.extras,
        subject=_subject(path),
    )


def _subject(path: Path) -> tuple[str, str]:
    return f"Le fichier « {path.name} »", f"The file '{path.name}'"


def _guarded(records: Iterator[Any], encoding: str, name: str) -> Iterator[Any]:
    """Turn a decoding failure in the middle of the file ``name`` into an :class:`EncodingError`."""
    try:
        yield from records
    except UnicodeError:
        raise undecodable(name, encoding, None) from None
    except csv.Error as exc:
        raise InputFileError(f"CSV illisible (détail : {exc}).", f"Unreadable CSV ({exc}).") from None


def _mismatch(path: Path, fmt: Format, detected: Format, columns: list[str]) -> FormatDetectionError:
    shown = ", ".join(columns[:15]) + (" …" if len(columns) > 15 else "")
    return FormatDetectionError(
        f"L'en-tête de « {path.name} » ne correspond pas au format {fmt.value} "
        f"(il ressemble à {detected.value}). "
        f"Colonnes : {shown}. Essayez --format auto.",
        f"The header of '{path.name}' does not match format {fmt.value} (it looks like {detected.value}). "
        f"Columns: {shown}. Try --format auto.",
        value=fmt.value,
        detected=detected.value,
    )


def _related(
    path: Path, related: Sequence[str | PathLike[str]] | None, extras: dict[str, Any] | None = None
) -> list[Path]:
    """Decidim debates / proposals exports naming comment roots: given, else those beside ``path`` (CSV, or
    saved as a workbook or JSON); one beside it too large to read titles from is said in ``extras["warnings"]``
    (its comments keep "Débat n° 12")."""
    if related is not None:
        return [Path(p) for p in related]
    found = []
    suffixes = (".csv", *flat.TABLE_SUFFIXES)
    for sibling in sorted(p for p in path.parent.glob("*") if p.suffix.lower() in suffixes)[:50]:
        if sibling == path or not sibling.is_file():
            continue
        if sibling.suffix.lower() != ".csv" and sibling.stat().st_size > MAX_RELATED_BYTES:
            continue  # its kind is told by reading it whole: a large one is no side file read
        try:
            kind = _kind_of(sibling)
        except (InputFileError, OSError, ValueError):
            continue
        if kind not in {"debates", "proposals"}:
            continue
        if sibling.stat().st_size > MAX_RELATED_BYTES:
            extras = extras if extras is not None else {}
            extras.setdefault("warnings", []).append(_related_too_large(sibling))
            continue
        found.append(sibling)
    return found


def _kind_of(path: Path) -> str:
    """The record kind a CSV's header, or a workbook's or JSON export's flattened columns, tell."""
    if path.suffix.lower() != ".csv":
        return flat.table_rows(path)[1]
    source, kind = open_rows(path)
    getattr(source.records, "close", lambda: None)()  # only the header was needed
    return kind


def _related_too_large(sibling: Path) -> dict[str, Any]:
    size, limit = sibling.stat().st_size, MAX_RELATED_BYTES >> 20
    return {
        "code": "related_file_too_large",
        "message_fr": f"Fichier voisin « {sibling.name} » ignoré : {size} octets, plus que les {limit} Mio lus "
        "pour y prendre les titres des débats et propositions commentés. Les commentaires sont importés sans "
        "ces titres (« Débat n° … »).",
        "message_en": f"Side file '{sibling.name}' skipped: {size} bytes, more than the {limit} MiB read to take "
        "the titles of the debates and proposals commented on. The comments are imported without those "
        "titles ('Débat n° …').",
        "value": str(sibling),
    }
