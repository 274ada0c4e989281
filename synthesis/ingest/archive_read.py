"""Read a ZIP export, or a folder of export files, as one stream: each contribution member in name order (paths
sorted, as a folder's files are), with the side files beside it.

What became of each member (read, with its format and rows; side file; skipped, with the reason) is in
``extras["archive"]["members"]``. Rejected rows name their member (``RejectedRow.file``), contributions too
(``extra["file"]``), and each member's warnings are prefixed with its name. Where the archive holds several
contribution files, the ids of those whose ids only mean something within their file (generic files, Polis
conversations) are prefixed with the member's name, and a generic file without a question column is a
question of its own, named after the file, as it is when imported alone.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from synthesis.errors import ArchiveError, InputFileError
from synthesis.records import Contribution, RejectedRow

from .base import Format, IngestStream, RowOutcome, UniqueIds
from .folder import sha256_of_source, stage
from .generic import DEFAULT_QUESTION_ID
from .members import ArchiveLimits, Member

#: Formats whose ids are only unique within one file.
FILE_LOCAL_IDS = {Format.CSV, Format.XLSX, Format.JSON, Format.JSONL, Format.POLIS}


def read_archive(
    path: Path,
    open_member: Callable[[Path], IngestStream],
    *,
    folder: str | None = None,
    limits: ArchiveLimits | None = None,
) -> IngestStream:
    """The stream of every contribution member of ``path``, a ZIP file or a folder, each opened by
    ``open_member``.

    ``folder``: the name of the folder its root members are read in (default: the archive's name without its
    extension, the folder's name); a Polis conversation is named after it, as after its folder on disk.
    """
    is_folder = path.is_dir()
    workdir = tempfile.TemporaryDirectory(prefix="synthese-archive-")
    try:
        root = Path(workdir.name) / _folder_name(folder or root_name(path))
        root.mkdir()
        members = stage(path, root, limits or ArchiveLimits())
        opened = _open_members(members, open_member)
        if not opened:
            raise nothing_read(path, members)
        sha256 = sha256_of_source(path, members)
    except BaseException:
        workdir.cleanup()
        raise
    extras: dict[str, Any] = {"archive": {"members": [m.as_dict() for m in members], "folder": is_folder}}
    blank = [0]
    encodings = sorted({facts.encoding for _, facts in opened})
    delimiters = {facts.delimiter for _, facts in opened}

    def rows() -> Iterator[RowOutcome]:
        try:
            several, first_file = len(opened) > 1, dict[str, tuple[str, int]]()
            for member, facts in opened:
                # opened again, one at a time: a thousand members read at once held a thousand open files
                stream = open_member(facts.path)
                try:
                    yield from _member_rows(member, stream, several, first_file)
                except InputFileError as exc:  # met past its header (a quote never closed): say in which file
                    raise _in_member(exc, member.name) from None
                blank[0] += stream.counts.blank_lines
                _merge_warnings(member, stream, extras)
        finally:
            extras["archive"]["members"] = [m.as_dict() for m in members]
            workdir.cleanup()

    stream = IngestStream(
        format=opened[0][1].format,  # the first member's, where they differ (a ZIP of CSV and XLSX files)
        encoding=", ".join(encodings)[:40],
        delimiter=delimiters.pop() if len(delimiters) == 1 else None,
        sha256=sha256,
        rows=rows,
        extras=extras,
        blank_lines=lambda: blank[0],
        unique_ids=False,  # checked file by file, then across files (_member_rows)
        subject=_subject(path, [m.name for m, _ in opened]),
    )
    stream.holds = workdir  # removed when the stream is read through, or dropped
    return stream


@dataclass(frozen=True)
class _Facts:
    path: Path
    format: Format
    encoding: str
    delimiter: str | None


def _open_members(
    members: list[Member], open_member: Callable[[Path], IngestStream]
) -> list[tuple[Member, _Facts]]:
    """The members whose header their reader takes, with what their streams tell before any row is read; the
    others skipped with the reader's reason. Each stream is dropped at once (its file closed): the rows are
    read later, one member at a time."""
    opened = []
    for member in members:
        if member.status != "read" or member.path is None:
            continue
        try:
            stream = open_member(member.path)
        except InputFileError as exc:  # its header or format: the others are still read
            member.skip(exc.message_fr, exc.message_en)
            continue
        member.format = stream.format.value
        member.kind = str(stream.extras.get("kind", ""))
        opened.append((member, _Facts(member.path, stream.format, stream.encoding, stream.delimiter)))
        del stream
    return opened


def _member_rows(
    member: Member, stream: IngestStream, several: bool, first_file: dict[str, tuple[str, int]]
) -> Iterator[RowOutcome]:
    """The member's rows, naming it; its ids prefixed where they are only unique within it. Ids are checked
    as a file's are (row ids within the member: a proposal and a comment may both be "515"), and each
    contribution id against the members read before (``first_file``: contribution id -> member name and
    fingerprint of its text and author): the same contribution again is a duplicate, rejected; another one
    under an id a member read before gave (two Decidim platforms' comments both numbered 532) is kept, its id
    prefixed with its member's name."""
    # cut as the service cuts a file's name before a row's line (its keys hold 300 characters)
    prefix = f"{member.name[:100]}:" if several and stream.format in FILE_LOCAL_IDS else ""
    own_question = several and stream.format in {Format.CSV, Format.XLSX, Format.JSON, Format.JSONL}
    rows = 0
    ids = UniqueIds()
    for outcome in stream.outcomes():
        rows += 1
        if isinstance(outcome, list) and outcome:
            outcome = ids.check([_tagged(c, member.name, prefix, own_question) for c in outcome])
        if isinstance(outcome, list):
            outcome = _across_members(outcome, member.name, first_file)
        if isinstance(outcome, list):
            yield outcome
            continue
        yield replace(outcome, file=member.name)
    member.rows = rows


def _across_members(
    row: list[Contribution], name: str, first_file: dict[str, tuple[str, int]]
) -> list[Contribution] | RejectedRow:
    """The row's contributions checked against the ids the members read before gave (:func:`_member_rows`)."""
    kept = []
    for c in row:
        earlier = first_file.get(c.contribution_id)
        if earlier is not None and earlier[0] != name and earlier[1] != _fingerprint(c):
            prefix = f"{name[:100]}:"
            c = replace(c, contribution_id=prefix + c.contribution_id, source_id=prefix + c.source_id)
            earlier = first_file.get(c.contribution_id)
        if earlier is not None and earlier[0] != name:
            return RejectedRow(
                c.line,
                f"identifiant en double « {c.contribution_id} » (déjà lu dans « {earlier[0]} »)",
                f"duplicate id '{c.contribution_id}' (already read in '{earlier[0]}')",
            )
        kept.append(c)
    first_file.update((c.contribution_id, (name, _fingerprint(c))) for c in kept)
    return kept


def _fingerprint(c: Contribution) -> int:
    return hash((c.text, c.author_ref))


def _tagged(c: Contribution, name: str, prefix: str, own_question: bool) -> Contribution:
    changes: dict[str, Any] = {"extra": {**c.extra, "file": name}}
    if prefix:
        changes["contribution_id"] = prefix + c.contribution_id
        changes["source_id"] = prefix + c.source_id
    if own_question and c.question_id == DEFAULT_QUESTION_ID:
        changes["question_id"] = Path(name).stem or name
    return replace(c, **changes)


def _merge_warnings(member: Member, stream: IngestStream, extras: dict[str, Any]) -> None:
    for warning in stream.extras.get("warnings", []):
        extras.setdefault("warnings", []).append(
            {
                **warning,
                "message_fr": f"« {member.name} » : {warning.get('message_fr', '')}",
                "message_en": f"'{member.name}': {warning.get('message_en', '')}",
                "value": warning.get("value") or member.name,
            }
        )


def _in_member(exc: InputFileError, name: str) -> InputFileError:
    """``exc`` (its class, code and details kept) saying which file of the archive it is about."""
    exc.message_fr = f"Dans « {name} » : {exc.message_fr}"
    exc.message_en = f"In '{name}': {exc.message_en}"
    exc.args = (exc.message_fr,)
    exc.details.setdefault("file", name)
    return exc


def _folder_name(name: str) -> str:
    cleaned = "".join(ch for ch in name if ch.isalnum() or ch in "-_. ").strip(" .")
    return cleaned[:100] or "archive"


def _subject(path: Path, read: list[str]) -> tuple[str, str]:
    """The archive or folder as an error about all its files names it, with the files it read."""
    shown = ", ".join(read[:10]) + (" …" if len(read) > 10 else "")
    if path.is_dir():
        return f"Le dossier « {path} » (fichiers lus : {shown})", f"The folder '{path}' (files read: {shown})"
    return (
        f"L'archive « {path.name} » (fichiers lus : {shown})",
        f"The archive '{path.name}' (files read: {shown})",
    )


def root_name(path: Path) -> str:
    """The name of the folder a ZIP's or a folder's root members are read in: the archive's without its
    extension, the folder's own (that of the folder "." names)."""
    return path.resolve().name if path.is_dir() else path.stem


def nothing_read(path: Path, members: list[Member]) -> ArchiveError:
    """Nothing to read in the archive or folder ``path``: each of its files said with the reason."""
    shown = members[:10]
    empty = ("il est vide", "it is empty") if path.is_dir() else ("aucun fichier", "no file")
    fr = "; ".join(f"« {m.name} » : {m.reason}" for m in shown) or empty[0]
    en = "; ".join(f"'{m.name}': {m.reason_en}" for m in shown) or empty[1]
    more_fr = f" (et {len(members) - 10} autres)" if len(members) > 10 else ""
    more_en = f" (and {len(members) - 10} more)" if len(members) > 10 else ""
    if path.is_dir():
        return ArchiveError(
            f"Le dossier « {path} » ne contient aucun fichier de contributions lisible : {fr}{more_fr}. "
            "Donnez le dossier des fichiers exportés (CSV, XLSX, JSON, JSON Lines) ou l'un d'eux.",
            f"The folder '{path}' holds no readable contribution file: {en}{more_en}. Give the folder of the "
            "exported files (CSV, XLSX, JSON, JSON Lines) or one of them.",
            value=str(path),
            members=[m.as_dict() for m in shown],
        )
    name = path.name
    return ArchiveError(
        f"L'archive « {name} » ne contient aucun fichier de contributions lisible : {fr}{more_fr}.",
        f"The archive '{name}' holds no readable contribution file: {en}{more_en}.",
        value=name,
        members=[m.as_dict() for m in shown],
    )
