"""Polis conversation exports: ``comments.csv`` (one contribution per comment), votes kept for later analysis.

The conversation is the question: ``question_id`` is the export folder's name; ``question_text`` is the
``conversation-description`` of the sibling ``summary.csv`` (its ``topic`` when there is no description, the
folder name when there is no summary). The files of a download from the report page share a prefix
("<date>-<conversation>-comments.csv", "…-summary.csv"): the siblings are looked for with it. Comments
moderated out (``moderated = -1``) are kept and excluded with the reason "modéré (retiré par la modération
Polis)". The paths of the sibling ``votes.csv`` and ``participants-votes.csv`` (``participant-votes.csv``)
when present, and the summary, are recorded in ``extras["polis"]``. Author ids are pseudonymised.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from synthesis.errors import InputFileError
from synthesis.records import Contribution, RejectedRow

from .base import RowOutcome, RowSource
from .common import named_records
from .privacy import author_ref

MODERATED_REASON = "modéré (retiré par la modération Polis)"


def sibling(comments: Path, name: str) -> Path:
    """The Polis file ``name`` ("summary.csv") of the export ``comments`` belongs to: the report page's download
    prefixes every file of one export alike ("2024-05-02-1512-8xk3-comments.csv", "…-summary.csv"), the
    open-data folders do not ("comments.csv", "summary.csv")."""
    base = comments.name
    prefix = base[: -len("comments.csv")] if base.lower().endswith("comments.csv") else ""
    return comments.parent / f"{prefix}{name}"


def read_summary(path: Path) -> dict[str, str]:
    """``key -> value`` of a Polis summary file (empty when absent or unreadable)."""
    if not path.is_file():
        return {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return {row[0]: row[1] for row in csv.reader(fh) if len(row) >= 2}
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}


#: The files of a Polis export that hold no comment: what each holds (French, English)
SIDE_FILES = {
    "votes": ("les votes de chaque participant", "each participant's votes"),
    "participants-votes": (
        "les votes par participant et groupe d'opinion",
        "the votes per participant and opinion group",
    ),
}


def side_file_error(name: str, kind: str) -> InputFileError:
    """The error for a Polis export's file that holds no comment (``kind`` in :data:`SIDE_FILES`)."""
    fr, en = SIDE_FILES[kind]
    return InputFileError(
        f"« {name} » est un fichier d'un export Polis qui ne contient aucun commentaire ({fr}) : importez le "
        "fichier comments.csv de l'export (son summary.csv à côté donne la question), ou l'archive ZIP entière.",
        f"'{name}' is a file of a Polis export that holds no comment ({en}): import the export's comments.csv "
        "(its summary.csv beside it gives the question), or the whole ZIP archive.",
        value=name,
    )


def rows(source: RowSource) -> Iterator[RowOutcome]:
    """One contribution per comment row (a file of the export without comments is refused, saying which)."""
    if source.kind in SIDE_FILES:
        raise side_file_error(source.path.name, source.kind)
    folder = source.path.parent
    summary = read_summary(sibling(source.path, "summary.csv"))
    question_id = folder.name or "polis"
    question_text = (
        source.question_text or summary.get("conversation-description") or summary.get("topic") or question_id
    ).strip()
    source.extras["polis"] = {
        "summary": summary,
        "votes": _present(sibling(source.path, "votes.csv")),
        "participants_votes": _present(sibling(source.path, "participants-votes.csv"))
        or _present(sibling(source.path, "participant-votes.csv")),  # as the report page's export names it
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


#: A ``timestamp`` at or above this counts milliseconds since 1970 (2001-09-09 in milliseconds is 1e12; in
#: seconds, 1e11 would be the year 5138): the open-data exports count milliseconds, the server's export
#: (``server/src/routes/export.ts``, ``Math.floor(created / 1000)``) seconds.
MILLISECONDS_FROM = 10**11


def posted_at(timestamp: str, written: str) -> str | None:
    """ISO 8601 (UTC) of a comment's ``timestamp``, seconds or milliseconds since 1970 (:data:`MILLISECONDS_FROM`
    tells them apart): its ``datetime`` is written as the Polis server's clock shows it ("Sat Nov 17 05:09:36
    WIB 2018", "Tue Aug 30 2016 17:21:58 GMT+0700 (…)"), which no date reader takes, so every Polis comment
    read as undated (no submission bursts, no campaign time window). ``datetime`` as written when the
    timestamp is missing or unreadable."""
    if timestamp.strip().isdigit():
        value = int(timestamp)
        try:
            moment = datetime.fromtimestamp(value / 1000 if value >= MILLISECONDS_FROM else value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            moment = None
        if moment is not None:
            return moment.isoformat(timespec="seconds")
    return written.strip() or None


def _present(path: Path) -> str | None:
    return str(path) if path.is_file() else None
