"""Import an uploaded export into a consultation: one transaction, idempotent, previous texts kept (issue 3).

Re-importing the same file adds nothing; a newer export of the same consultation adds its new rows and
updates the changed ones, keeping each replaced text in ``contribution_versions``.

An import in ``mode="replace"`` is the whole export of its file (after moderation removed spam, or a participant
asked for the erasure of their contributions): the contributions that file gave the consultation and that the new
export no longer holds are withdrawn (``withdrawn_import_id``), never deleted: the runs before it keep reading
them, the runs after it exclude them with the reason (``service.jobs.tasks.load_inputs``), and the import counts
them (``withdrawn``). A withdrawn row that a later export holds again is back.

A row is known by the id its export gives it. A row without one is known by its line (``ligne-<n>``), which
only means something within its file: another file of the consultation holding a row of that line adds its
own row (its key prefixed by its file's name, :func:`_in_file`) instead of overwriting the first file's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, col, or_, select

from schemas import ColumnMapping
from service.crud import lock_consultation
from service.models import Consultation, Contribution, ContributionVersion, Import
from service.tombstones import check_lines_of_erased_rows, consultation_erased_roots, erased_rows_warning
from synthesis.ingest.members import ArchiveLimits
from synthesis.records import Contribution as Record
from synthesis.records import RejectedRow

CHUNK = 500
MODES = ("merge", "replace")
# An import in mode replace of a file whose rows have no id: a row removed shifts the lines of the next ones.
REPLACE_BY_LINE = {
    "code": "replace_by_line",
    "message_fr": "Le fichier ne donne pas d'identifiant à ses lignes : elles sont reconnues par leur numéro de "
    "ligne, si bien qu'une ligne retirée décale les suivantes (leurs textes sont mis à jour, la dernière est "
    "retirée). Exportez avec la colonne d'identifiant (ou indiquez-la) pour retirer exactement les lignes absentes.",
    "message_en": "The file gives its rows no id: they are known by their line number, so a row removed shifts "
    "the next ones (their texts are updated, the last one is withdrawn). Export with the id column (or name it) "
    "to withdraw exactly the rows that are gone.",
}

# What a newer export may change of a row besides its text (counted updated; the next run reads the new values).
# Its line is not: rows shift when others are added before them.
_TRACKED = (
    "question_id",
    "question_text",
    "author_ref",
    "author_type",
    "zipcode",
    "submitted_at",
    "excluded",
    "channel",
    "extra",
)


def _values(rec: Record) -> dict:
    return {
        "key": rec.contribution_id,
        "source_id": rec.source_id,
        "question_id": rec.question_id,
        "question_text": rec.question_text,
        "text": rec.text,
        "line": rec.line,
        "author_ref": rec.author_ref,
        "author_type": getattr(rec.author_type, "value", rec.author_type) or "unknown",
        "zipcode": rec.zipcode,
        "submitted_at": rec.created_at,
        "channel": rec.channel,
        "excluded": rec.excluded,
        "extra": {
            k: v for k, v in (rec.extra or {}).items() if isinstance(v, str | int | float | bool | None)
        },
    }


def _existing(session: Session, consultation_id: int, keys: Sequence[str]) -> dict[str, Contribution]:
    stmt = select(Contribution).where(
        Contribution.consultation_id == consultation_id, col(Contribution.key).in_(keys)
    )
    return {c.key: c for c in session.exec(stmt)}


def _in_file(value: str, filename: str) -> str:
    """The key (or source id) of a row known by its line in ``filename``, once another file holds a row of that
    line: ``value`` prefixed by the file's name (cut so that keys stay within their 300 characters)."""
    return f"{filename[:100]}:{value}"


def _upsert_chunk(
    session: Session,
    consultation_id: int,
    imp: Import,
    chunk: Sequence[Record],
    files: tuple[dict[int, str], str],
    seen: set[int] | None = None,
    questions: dict[str, str] | None = None,
) -> None:
    """Add or update ``chunk``'s rows; ``files``: see :func:`_file_names`; ``seen`` gets the ids of the rows that
    were already there (an import in mode replace withdraws the others of its file); ``questions``: question id
    -> the text its rows read whatever the export says (the comments on an erased proposal, see
    :func:`service.erasure.erased_roots`)."""
    file_of, filename = files
    existing = _existing(session, consultation_id, [r.contribution_id for r in chunk])
    keys: dict[str, str] = {}
    for rec in chunk:
        row = existing.get(rec.contribution_id)
        by_line = rec.source_id == f"ligne-{rec.line}"  # the export gave the row no id
        if by_line and row is not None and file_of.get(row.import_id, filename) != filename:
            keys[rec.contribution_id] = _in_file(rec.contribution_id, filename)
    existing |= _existing(session, consultation_id, list(keys.values()))
    for rec in chunk:
        values = _values(rec)
        if values["question_id"] in (questions or {}):  # its title was the erased author's words
            values["question_text"] = (questions or {})[values["question_id"]]
        if rec.contribution_id in keys:  # its line, in its file: the row is no other file's row of that line
            values["key"], values["source_id"] = keys[rec.contribution_id], _in_file(rec.source_id, filename)
        row = existing.get(values["key"])
        if row is None:
            row = Contribution(
                consultation_id=consultation_id, import_id=imp.id, last_import_id=imp.id, **values
            )
            session.add(row)
            existing[values["key"]] = row
            imp.added += 1
            continue
        if seen is not None and row.id is not None:
            seen.add(row.id)
        if row.erasure_id is not None:  # erased at its author's request: its tombstone keeps it out
            imp.erased += 1
            continue
        text_changed = row.text != values["text"]
        other_changed = any(getattr(row, f) != values[f] for f in _TRACKED)
        if row.withdrawn_import_id is not None:  # withdrawn by an earlier export, held by this one again
            row.withdrawn_import_id, other_changed = None, True
        if not (text_changed or other_changed):
            imp.unchanged += 1
            continue
        if text_changed:
            session.add(
                ContributionVersion(
                    contribution_id=row.id, version=row.version, text=row.text, import_id=imp.id
                )
            )
            row.version += 1
        for field, value in values.items():
            setattr(row, field, value)
        row.last_import_id = imp.id
        session.add(row)
        imp.updated += 1
    session.flush()


def first_names(imports: Iterable[Import]) -> dict[str, str]:
    """Each file's bytes (sha256) → the name it was first imported as, ``imports`` in import order: the same
    bytes imported again under another name ("export (1).csv") are that file."""
    names: dict[str, str] = {}
    for imp in imports:
        names.setdefault(imp.sha256, imp.filename)
    return names


def _file_names(session: Session, imp: Import) -> tuple[dict[int, str], str]:
    """(import id → the file it read, for the consultation's imports before ``imp``; the file ``imp`` reads)."""
    earlier = session.exec(
        select(Import)
        .where(Import.consultation_id == imp.consultation_id, col(Import.id) != imp.id)
        .order_by(col(Import.id))
    ).all()
    first_name = first_names(earlier)
    return {i.id: first_name[i.sha256] for i in earlier if i.id is not None}, first_name.get(
        imp.sha256, imp.filename
    )


def _store(
    session: Session,
    imp: Import,
    stream: Iterable[Record | RejectedRow],
    files: tuple[dict[int, str], str],
    seen: set[int] | None,
    questions: dict[str, str],
) -> tuple[list[dict], bool]:
    """Add or update the stream's contributions, ``CHUNK`` at a time (``seen``: their ids, for a replace).
    Returns its rejected rows (naming their file within a ZIP), for the import to keep, and whether a row is
    known by its line (its export gave it no id)."""
    rejected: list[dict] = []
    chunk: list[Record] = []
    by_line = False
    for item in stream:
        if isinstance(item, RejectedRow):
            row = {"line": item.line, "reason": item.reason, "reason_en": item.reason_en}
            rejected.append(row | ({"file": item.file} if item.file else {}))
            continue
        if not by_line and item.source_id.endswith(f"ligne-{item.line}"):
            by_line = True
            check_lines_of_erased_rows(session, imp, files)
        chunk.append(item)
        imp.accepted += 1
        if len(chunk) == CHUNK:
            _upsert_chunk(session, imp.consultation_id, imp, chunk, files, seen, questions)
            chunk = []
    if chunk:
        _upsert_chunk(session, imp.consultation_id, imp, chunk, files, seen, questions)
    return rejected, by_line


def known_titles(session: Session, consultation_id: int) -> dict[str, str]:
    """Titles of the Decidim debates and proposals the consultation holds, keyed as the Decidim reader keys
    the roots of comments (``debate-<id>``, and their URL): a comments export uploaded on its own, after its
    debates or proposals, answers them by title as it does beside them on disk or in their ZIP."""
    from synthesis.ingest.decidim import plain_text

    found = session.exec(
        select(Contribution.key, Contribution.extra).where(
            Contribution.consultation_id == consultation_id,
            or_(col(Contribution.key).startswith("debate-"), col(Contribution.key).startswith("proposal-")),
        )
    ).all()
    titles: dict[str, str] = {}
    for key, extra in found:
        extra = extra or {}
        title = plain_text(str(extra.get("title") or "")).strip()
        if title and extra.get("kind") in ("debate", "proposal"):
            titles[key] = title
            if extra.get("url"):
                titles[str(extra["url"])] = title
    return titles


def _withdraw(session: Session, imp: Import, files: tuple[dict[int, str], str], seen: set[int]) -> int:
    """Withdraw the contributions that ``imp``'s file gave the consultation (added by an earlier import of it)
    and that ``imp``, the whole export of that file, no longer holds (ids not in ``seen``); returns how many. An
    erased one is gone already (``service.erasure``): not withdrawn again."""
    file_of, filename = files
    earlier = [i for i, name in file_of.items() if name == filename]
    if not earlier:
        return 0
    stmt = select(Contribution.id).where(
        Contribution.consultation_id == imp.consultation_id,
        col(Contribution.import_id).in_(earlier),
        col(Contribution.withdrawn_import_id).is_(None),
        col(Contribution.erasure_id).is_(None),
    )
    gone = sorted(set(session.exec(stmt)) - seen)
    for start in range(0, len(gone), CHUNK):
        session.execute(
            update(Contribution)
            .where(col(Contribution.id).in_(gone[start : start + CHUNK]))
            .values(withdrawn_import_id=imp.id)
        )
    return len(gone)


def import_file(
    *,
    session: Session,
    consultation: Consultation,
    path: Path,
    filename: str,
    format: str = "auto",
    mapping: ColumnMapping | None = None,
    secret: bytes = b"",
    question_text: str | None = None,
    archive_limits: ArchiveLimits | None = None,
    mode: str = "merge",
) -> Import:
    """Stream ``path`` through the ingest layer into the database, ``CHUNK`` contributions at a time (memory stays
    bounded whatever the file's size: with ``mode="replace"``, one integer per row already there); commits once at
    the end, rolls everything back on any error. The consultation is locked meanwhile: imports into it, and its
    deletion, wait for this one. ``mode``: see the module's docstring.

    A ZIP export is read file by file (``archive_limits``: what it may unpack to), its root files in a folder
    named after the consultation, as an uploaded file is: a Polis conversation keeps its question id whether
    its ``comments.csv`` or its ZIP is imported."""
    from synthesis.ingest import iter_file

    if mode not in MODES:
        raise ValueError(f"mode: {mode!r} is none of {MODES}")
    stream = iter_file(
        path,
        format=format,
        mapping=mapping,
        secret=secret,
        question_text=question_text,
        archive_folder=path.parent.name,
        archive_limits=archive_limits,
        known_titles=known_titles(session, consultation.id),
    )
    imp = Import(
        consultation_id=consultation.id,
        filename=filename[:500],
        format=getattr(stream.format, "value", str(stream.format)),
        encoding=stream.encoding,
        delimiter=stream.delimiter,
        sha256=stream.sha256,
        rows_read=0,
        accepted=0,
        rejected=[],
        mode=mode,
    )
    try:
        # one import of a consultation at a time: this one reads what an import under way stores (see
        # crud.lock_consultation), instead of failing on the rows both add
        lock_consultation(session=session, consultation_id=consultation.id)
        session.add(imp)
        session.flush()
        files = _file_names(session, imp)
        seen: set[int] | None = set() if mode == "replace" else None
        rejected, by_line = _store(
            session, imp, stream, files, seen, consultation_erased_roots(session, consultation.id)
        )
        imp.rows_read, imp.sha256, imp.rejected = stream.rows_read, stream.sha256, rejected
        imp.warnings = list(stream.extras.get("warnings", []))  # known once every row is read
        imp.members = list(stream.extras.get("archive", {}).get("members", []))
        if imp.erased:
            imp.warnings = [*imp.warnings, erased_rows_warning(imp.erased)]
        if seen is not None:
            imp.withdrawn = _withdraw(session, imp, files, seen)
            if by_line:
                imp.warnings = [*imp.warnings, dict(REPLACE_BY_LINE)]
        session.add(imp)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(imp)
    return imp
