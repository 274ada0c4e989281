"""Import an uploaded export into a consultation: one transaction, idempotent, previous texts kept (issue 3).

Re-importing the same file adds nothing; a newer export of the same consultation adds its new rows and
updates the changed ones, keeping each replaced text in ``contribution_versions``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlmodel import Session, col, select

from schemas import ColumnMapping
from service.models import Consultation, Contribution, ContributionVersion, Import
from synthesis.records import Contribution as Record
from synthesis.records import RejectedRow

CHUNK = 500
_TRACKED = ("question_id", "question_text", "author_ref", "author_type", "zipcode", "excluded", "channel")


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


def _upsert_chunk(session: Session, consultation_id: int, imp: Import, chunk: Sequence[Record]) -> None:
    keys = [r.contribution_id for r in chunk]
    stmt = select(Contribution).where(
        Contribution.consultation_id == consultation_id, col(Contribution.key).in_(keys)
    )
    existing = {c.key: c for c in session.exec(stmt)}
    for rec in chunk:
        values = _values(rec)
        row = existing.get(rec.contribution_id)
        if row is None:
            row = Contribution(
                consultation_id=consultation_id, import_id=imp.id, last_import_id=imp.id, **values
            )
            session.add(row)
            existing[rec.contribution_id] = row
            imp.added += 1
            continue
        text_changed = row.text != values["text"]
        other_changed = any(getattr(row, f) != values[f] for f in _TRACKED)
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
) -> Import:
    """Stream ``path`` through the ingest layer into the database, ``CHUNK`` contributions at a time (memory stays
    bounded whatever the file's size); commits once at the end, rolls everything back on any error."""
    from synthesis.ingest import iter_file

    stream = iter_file(path, format=format, mapping=mapping, secret=secret, question_text=question_text)
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
    )
    try:
        session.add(imp)
        session.flush()
        rejected: list[dict] = []
        chunk: list[Record] = []
        for item in stream:
            if isinstance(item, RejectedRow):
                rejected.append({"line": item.line, "reason": item.reason, "reason_en": item.reason_en})
                continue
            chunk.append(item)
            imp.accepted += 1
            if len(chunk) == CHUNK:
                _upsert_chunk(session, consultation.id, imp, chunk)
                chunk = []
        if chunk:
            _upsert_chunk(session, consultation.id, imp, chunk)
        imp.rows_read, imp.sha256, imp.rejected = stream.rows_read, stream.sha256, rejected
        imp.warnings = list(stream.extras.get("warnings", []))  # known once every row is read
        session.add(imp)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(imp)
    return imp
