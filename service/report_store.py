"""Rows derived from a run's report: themes, assignments and flags, so members and contributions are queries.

The automatic report is stored whole (``runs.report``); after review, ``runs.reviewed_report`` holds the
corrected one and :func:`sync_rows` brings ``themes``/``assignments`` in line with it (``auto_*`` columns
never change).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, update
from sqlmodel import Session, col, select

from schemas import Report
from service.models import Assignment, Flag, Theme


def placement(report: Report) -> dict[str, dict[str, Any]]:
    """contribution key -> {question_id, status, cluster_id, strength, weight, reason, flags}."""
    out: dict[str, dict[str, Any]] = {}
    for q in report.questions:
        for cl in q.clusters:
            for m in cl.members:
                out[m.contribution_id] = {
                    "question_id": q.question_id,
                    "status": "clustered",
                    "cluster_id": cl.cluster_id,
                    "strength": m.strength,
                    "weight": m.weight,
                    "reason": None,
                    "flags": list(m.flags),
                }
        for n in q.noise:
            out[n.contribution_id] = {
                "question_id": q.question_id,
                "status": "noise",
                "cluster_id": None,
                "strength": None,
                "weight": 1.0,
                "reason": n.reason,
                "flags": [],
            }
        for e in q.excluded:
            out[e.contribution_id] = {
                "question_id": q.question_id,
                "status": "excluded",
                "cluster_id": None,
                "strength": None,
                "weight": 1.0,
                "reason": e.reason,
                "flags": [],
            }
    return out


def _themes(report: Report) -> dict[str, dict[str, Any]]:
    return {
        cl.cluster_id: {"question_id": q.question_id, "label": cl.label, "size": cl.size}
        for q in report.questions
        for cl in q.clusters
    }


def store_rows(
    session: Session,
    run_id: int,
    report: Report,
    key_to_id: dict[str, int],
    versions: dict[int, int] | None = None,
    authors: dict[int, str | None] | None = None,
) -> None:
    """Insert the themes, assignments and flags of a fresh automatic report (caller's transaction);
    ``versions`` (contribution id -> the text version the run read) and ``authors`` (contribution id -> the author
    it read) go on each assignment."""
    themes = [
        {"run_id": run_id, "cluster_id": cid, "auto_label": t["label"], "origin": "automatic", **t}
        for cid, t in _themes(report).items()
    ]
    if themes:
        session.execute(insert(Theme), themes)
    rows, flags = [], []
    for key, p in placement(report).items():
        cid = key_to_id[key]
        rows.append(
            {
                "run_id": run_id,
                "contribution_id": cid,
                "question_id": p["question_id"],
                "status": p["status"],
                "cluster_id": p["cluster_id"],
                "auto_cluster_id": p["cluster_id"],
                "strength": p["strength"],
                "auto_strength": p["strength"],
                "weight": p["weight"],
                "reason": p["reason"],
                "text_version": (versions or {}).get(cid),
                "author_ref": (authors or {}).get(cid),
            }
        )
        flags.extend({"run_id": run_id, "contribution_id": cid, "flag": f} for f in p["flags"])
    for start in range(0, len(rows), 2000):
        session.execute(insert(Assignment), rows[start : start + 2000])
    for start in range(0, len(flags), 2000):
        session.execute(insert(Flag), flags[start : start + 2000])


def sync_rows(session: Session, run_id: int, report: Report, key_to_id: dict[str, int]) -> None:
    """Make themes and assignments match a reviewed ``report``, touching only rows that changed."""
    wanted = _themes(report)
    current = {t.cluster_id: t for t in session.exec(select(Theme).where(Theme.run_id == run_id))}
    gone = [cid for cid in current if cid not in wanted]
    if gone:
        session.execute(delete(Theme).where(col(Theme.run_id) == run_id, col(Theme.cluster_id).in_(gone)))
    for cid, t in wanted.items():
        row = current.get(cid)
        if row is None:
            session.add(Theme(run_id=run_id, cluster_id=cid, origin="review", **t))
        elif (row.label, row.size) != (t["label"], t["size"]):
            row.label, row.size = t["label"], t["size"]
            session.add(row)
    by_id = {key_to_id[k]: p for k, p in placement(report).items()}
    rows = session.exec(select(Assignment).where(Assignment.run_id == run_id))
    for a in rows:
        p = by_id.get(a.contribution_id)
        # the strength too: a moved member has the reviewed report's (0 in a theme, none in noise)
        if p is None or (a.status, a.cluster_id, a.strength) == (p["status"], p["cluster_id"], p["strength"]):
            continue
        session.execute(
            update(Assignment)
            .where(col(Assignment.id) == a.id)
            .values(
                status=p["status"], cluster_id=p["cluster_id"], reason=p["reason"], strength=p["strength"]
            )
        )
