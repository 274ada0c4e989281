"""Polis conversation exports: ``comments.csv`` (one contribution per comment), votes kept for later analysis.

The conversation is the question: ``question_id`` is the export folder's name; ``question_text`` is the
``conversation-description`` of the sibling ``summary.csv`` (its ``topic`` when there is no description, the
folder name when there is no summary). Comments moderated out (``moderated = -1``) are kept and excluded with
the reason "modéré (retiré par la modération Polis)". The paths of the sibling ``votes.csv`` and
``participants-votes.csv`` (when present) and the summary are recorded in ``extras["polis"]``. Author ids are
pseudonymised.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from synthesis.records import Contribution, RejectedRow

from .base import RowOutcome, RowSource
from .common import named_records
from .privacy import author_ref

MODERATED_REASON = "modéré (retiré par la modération Polis)"


def read_summary(folder: Path) -> dict[str, str]:
    """``key -> value`` of a Polis ``summary.csv`` (empty when absent or unreadable)."""
    path = folder / "summary.csv"
    if not path.is_file():
        return {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return {row[0]: row[1] for row in csv.reader(fh) if len(row) >= 2}
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}


def rows(source: RowSource) -> Iterator[RowOutcome]:
    """One contribution per comment row."""
    folder = source.path.parent
    summary = read_summary(folder)
    question_id = folder.name or "polis"
    question_text = (
        source.question_text or summary.get("conversation-description") or summary.get("topic") or question_id
    ).strip()
    source.extras["polis"] = {
        "summary": summary,
        "votes": _sibling(folder, "votes.csv"),
        "participants_votes": _sibling(folder, "participants-votes.csv"),
    }
    body = source.columns.index("comment-body") if "comment-body" in source.columns else None
    for record in named_records(source, strip=True):
        if isinstance(record, RejectedRow):
            yield record
            continue
        line, fields, get = record
        cid = get("comment-id") or f"ligne-{line}"
        moderated = get("moderated")
        extra: dict[str, object] = {
            "moderated": int(moderated) if moderated.lstrip("-").isdigit() else moderated
        }
        for key in ("agrees", "disagrees"):
            if get(key).isdigit():
                extra[key] = int(get(key))
        yield [
            Contribution(
                contribution_id=f"comment-{cid}",
                source_id=cid,
                question_id=question_id,
                question_text=question_text,
                text=fields[body] if body is not None else "",
                line=line,
                author_ref=author_ref(get("author-id"), source.secret),
                created_at=posted_at(get("timestamp"), get("datetime")),
                excluded=MODERATED_REASON if moderated == "-1" else None,
                extra=extra,
            )
        ]


def posted_at(timestamp: str, written: str) -> str | None:
    """ISO 8601 (UTC) of a comment's ``timestamp``, milliseconds since 1970: its ``datetime`` is written as the
    Polis server's clock shows it ("Sat Nov 17 05:09:36 WIB 2018"), which no date reader takes, so every
    Polis comment read as undated (no submission bursts, no campaign time window). ``datetime`` as written
    when the timestamp is missing or unreadable."""
    if timestamp.strip().isdigit():
        try:
            moment = datetime.fromtimestamp(int(timestamp) / 1000, tz=UTC)
        except (OverflowError, OSError, ValueError):
            moment = None
        if moment is not None:
            return moment.isoformat(timespec="seconds")
    return written.strip() or None


def _sibling(folder: Path, name: str) -> str | None:
    path = folder / name
    return str(path) if path.is_file() else None
