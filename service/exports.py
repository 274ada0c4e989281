"""Exports of a run: every contribution with its theme, flags and weight as CSV or XLSX, and a Polis
``comments.csv`` (an erased contribution: no text, its reason saying why, a rejected Polis comment). Spreadsheet
formula injection is neutralised: a text cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage
return) gets a leading ``'`` (OWASP "CSV injection")."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlmodel import Session

from service import crud
from service.erasure import ERASED_REASON
from service.models import Run
from synthesis.prepare import mask_pii
from synthesis.times import local_zone, parse_time

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    "contribution_id",
    "source_id",
    "question_id",
    "status",
    "theme_id",
    "theme_label",
    "automatic_theme_id",
    "strength",
    "weight",
    "flags",
    "reason",
    "author_ref",
    "author_type",
    "zipcode",
    "submitted_at",
    "channel",
    "text",
)
POLIS_COLUMNS = (
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
)


def neutralise(value: Any) -> Any:
    """``'=cmd`` for ``=cmd``: shown as text, not evaluated. Non-strings pass unchanged."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def contribution_rows(session: Session, run: Run) -> list[dict[str, Any]]:
    """One dict per contribution placed by the run (reviewed placement), in contribution id order, with what the
    run read: a later import may have changed a contribution's text or metadata (its report keeps them)."""
    labels = {t.cluster_id: t.label for t in crud.list_themes(session=session, run_id=run.id)}
    flags = crud.list_flags(session=session, run_id=run.id)
    read = {c["contribution_id"]: c for c in json.loads(run.report or "{}").get("contributions", [])}
    rows = []
    for a, c, text in crud.list_assignments(session=session, run_id=run.id):
        seen = read.get(c.key, {})
        rows.append(
            {
                "contribution_id": c.id,
                "source_id": seen.get("source_id", c.source_id),
                "question_id": a.question_id,
                "status": a.status,
                "theme_id": a.cluster_id,
                "theme_label": labels.get(a.cluster_id) if a.cluster_id else None,
                "automatic_theme_id": a.auto_cluster_id,
                "strength": a.strength,
                "weight": a.weight,
                "flags": "|".join(flags.get(c.id, [])),
                # an erased contribution (service.erasure) says why it has no text, wherever the run placed it
                "reason": ERASED_REASON if seen.get("erased") else a.reason,
                "author_ref": a.author_ref,  # the author the run read
                "author_type": seen.get("author_type") or c.author_type,
                "zipcode": seen.get("zipcode", c.zipcode),
                "submitted_at": seen.get("created_at", c.submitted_at),
                "channel": seen.get("channel", c.channel),
                # the text the run read, as its report shows it (none of a contribution withdrawn before it)
                "text": seen["text"] if "text" in seen else mask_pii(text),
            }
        )
    return rows


def to_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralise("" if v is None else v) for k, v in row.items()})
    return out.getvalue()


def to_xlsx(rows: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("contributions")
    ws.append(list(COLUMNS))
    for row in rows:
        ws.append([neutralise(row[k]) for k in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _epoch_ms(value: str | None) -> str:
    """Milliseconds since 1970 of a submission time as the report reads it (``synthesis.times.parse_time``:
    French dates too); one written without offset is French local time, as the report shows it, never the
    server's own time zone (which made the same export differ from one machine to another)."""
    moment = parse_time(value)
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local_zone())
    return str(int(moment.timestamp() * 1000))


def to_polis_comments(rows: list[dict[str, Any]]) -> str:
    """Polis ``comments.csv``: accepted (moderated=1) unless excluded (-1); authors numbered in order."""
    authors: dict[str, int] = {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(POLIS_COLUMNS)
    for row in rows:
        author = row["author_ref"] or f"anonymous-{row['contribution_id']}"
        author_id = authors.setdefault(author, len(authors))
        # an erased contribution is no accepted comment (its body is gone)
        moderated = -1 if row["status"] == "excluded" or row.get("reason") == ERASED_REASON else 1
        writer.writerow(
            [
                _epoch_ms(row["submitted_at"]),
                row["submitted_at"] or "",
                row["contribution_id"],
                author_id,
                0,
                0,
                moderated,
                neutralise(row["text"]),
            ]
        )
    return out.getvalue()
