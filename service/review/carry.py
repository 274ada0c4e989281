"""Re-apply an earlier run's review to a new run, where it still fits (issue 6: never erase review silently).

Themes are matched by their members: an old theme (as the old run first produced it) maps to the new theme
that shares the most contributions, when their Jaccard index is at least ``MATCH_THRESHOLD``. Each old action
is re-applied (recorded with ``carried_from``) or recorded as skipped with the reason; the old run keeps
its review untouched either way. Splits are not replayed (the clustering differs): recorded as skipped.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from schemas import Report
from service.errors import ReviewError
from service.models import Assignment, ReviewAction, Run
from service.review.store import apply_action, save_review

MATCH_THRESHOLD = 0.5
# Why an action was not carried over, in French and English (``after.skipped``, ``after.skipped_en``).
NO_MATCH = (
    "le thème n'a pas d'équivalent dans la nouvelle analyse",
    "the theme has no counterpart in the new run",
)
SPLIT_SKIPPED = (
    "une division n'est pas rejouée : la nouvelle analyse regroupe les contributions à sa façon",
    "a split is not replayed: the new run groups the contributions its own way",
)


def _skipped(reason_fr: str, reason_en: str) -> dict[str, str]:
    return {"skipped": reason_fr, "skipped_en": reason_en}


def theme_matches(old: dict[str, set[int]], new: dict[str, set[int]]) -> dict[str, str]:
    """old cluster id -> new cluster id, by best Jaccard over member ids (>= MATCH_THRESHOLD)."""
    out = {}
    for oid, members in old.items():
        best, score = None, 0.0
        for nid, nmembers in new.items():
            j = len(members & nmembers) / (len(members | nmembers) or 1)
            if j > score:
                best, score = nid, j
        if best is not None and score >= MATCH_THRESHOLD:
            out[oid] = best
    return out


def _old_themes(session: Session, run_id: int) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    stmt = select(Assignment.auto_cluster_id, Assignment.contribution_id).where(
        Assignment.run_id == run_id, col(Assignment.auto_cluster_id).is_not(None)
    )
    for cid, contribution_id in session.exec(stmt):
        out.setdefault(cid, set()).add(contribution_id)
    return out


def _translate(payload: dict, matches: dict[str, str]) -> dict | None:
    out = dict(payload)
    for field in ("cluster_id", "into_cluster_id", "to_cluster_id"):
        if out.get(field) is not None:
            if out[field] not in matches:
                return None
            out[field] = matches[out[field]]
    return out


def carry_review(session: Session, run: Run, report: Report, key_to_id: dict[str, int]) -> None:
    """Replay the review of ``run.carry_review_from`` on ``run``'s fresh ``report`` (caller's transaction)."""
    old = session.get(Run, run.carry_review_from)
    if old is None or old.consultation_id != run.consultation_id:
        return
    new_themes = {
        cl.cluster_id: {key_to_id[m.contribution_id] for m in cl.members}
        for q in report.questions
        for cl in q.clusters
    }
    matches = theme_matches(_old_themes(session, old.id), new_themes)
    actions = session.exec(
        select(ReviewAction).where(ReviewAction.run_id == old.id).order_by(col(ReviewAction.id))
    )
    reviewed, changed = report.model_copy(deep=True), False
    rejected: set[str] = set()  # keys of the quotes rejected so far, as record_action reads them
    for a in list(actions):
        payload = None if a.action == "split" else _translate(a.payload, matches)
        before, after = {}, _skipped(*(SPLIT_SKIPPED if a.action == "split" else NO_MATCH))
        if payload is not None:
            try:
                before, after = apply_action(reviewed, session, run, a.action, payload, rejected)
                changed = True
                if a.action == "reject_quote":  # a later replacement must not bring it back
                    rejected |= set(before.get("quotes", [])) - set(after.get("quotes", []))
            except ReviewError as exc:
                payload, after = None, _skipped(exc.message_fr, exc.message_en)
        session.add(
            ReviewAction(
                run_id=run.id,
                action=a.action,
                actor=a.actor,
                payload=payload or a.payload,
                before=before,
                after=after,
                carried_from=a.id,
            )
        )
    if changed:
        save_review(session, run, reviewed)
