"""What an erasure (``service.erasure``) removes from a stored report: the texts and personal fields of the erased
contributions, their quotes, the words only they wrote, the campaign variants only they wrote; their place and
counts stay."""

from __future__ import annotations

from schemas import Campaign, Cluster, Report
from synthesis.origin import all_clusters


def without_words(label: str, words: set[str], empty: str = "…") -> str:
    """``label`` without its parts (" · " between them) that are one of ``words``; ``empty`` when none is left."""
    parts = [p for p in label.split(" · ") if p not in words]
    return " · ".join(parts) or empty


def _scrub_cluster(cl: Cluster, keys: set[str], dropped: set[str]) -> bool:
    """Drop ``cl``'s quotes of the contributions ``keys``, the keywords only they wrote (and those words from its
    label: a name, a street; added to ``dropped``), and the words each of them was matched on; returns whether it
    held any of them."""
    erased = [m for m in cl.members if m.contribution_id in keys]
    kept = [qt for qt in cl.quotes if qt.contribution_id not in keys]
    changed = bool(erased) or len(kept) < len(cl.quotes)
    cl.quotes = kept
    theirs = {t for m in erased for t in m.matched_keywords}
    theirs -= {t for m in cl.members if m.contribution_id not in keys for t in m.matched_keywords}
    if theirs:
        cl.keywords = [k for k in cl.keywords if k.term not in theirs]
        cl.label = without_words(cl.label, theirs, "") or (
            cl.keywords[0].term if cl.keywords else cl.cluster_id
        )
        dropped |= theirs
    for m in erased:
        m.matched_keywords = []
    return changed


def _scrub_campaign(camp: Campaign, keys: set[str]) -> bool:
    """Drop what ``camp`` says of the texts of the contributions ``keys``: how each differs from the template, the
    variants only they wrote (the template itself when they all wrote it); returns whether it held any of them."""
    changed = False
    for cm in camp.members:
        if cm.contribution_id in keys:
            cm.diff, changed = None, True
    gone = [i for i, v in enumerate(camp.variants) if v.contribution_ids and set(v.contribution_ids) <= keys]
    if 0 in gone:
        camp.template = ""
    camp.variants = [v for i, v in enumerate(camp.variants) if i not in gone]
    return changed or bool(gone)


def scrub_report(
    report: Report, keys: set[str], dropped: set[str] | None = None, questions: dict[str, str] | None = None
) -> bool:
    """Remove from ``report`` (in place) what it holds of the contributions ``keys`` (their ingest keys) besides
    their place and counts; returns whether it held any of them. ``dropped`` gets the keywords only they wrote,
    removed from the themes' labels; ``questions``: question id -> its new text, for the questions whose text was
    an erased contribution's title (see :func:`service.tombstones.erased_roots`)."""
    dropped = set() if dropped is None else dropped
    found = False
    for q in report.questions:
        if q.question_id in (questions or {}) and q.question_text != (questions or {})[q.question_id]:
            q.question_text, found = (questions or {})[q.question_id], True
    for c in report.contributions:
        if c.contribution_id in keys:
            c.text, c.zipcode, c.created_at, c.channel, c.erased = "", None, None, None, True
            found = True
    for q in report.questions:
        for cl in all_clusters(q.clusters):
            found = _scrub_cluster(cl, keys, dropped) or found
        for camp in q.campaigns:
            found = _scrub_campaign(camp, keys) or found
    return found
