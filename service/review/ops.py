"""Pure edits of a Report by a reviewer; each returns ``(before, after)`` for the review history."""

from __future__ import annotations

from typing import Any

from schemas import Cluster, Member, NoiseItem, QuestionReport, Quote, Report
from service.errors import ReviewError
from synthesis.prepare import dedup_key

REVIEW_NOISE_REASON = "placée dans « non classées » par la relecture"


def find_cluster(report: Report, cluster_id: str) -> tuple[QuestionReport, Cluster]:
    for q in report.questions:
        for cl in q.clusters:
            if cl.cluster_id == cluster_id:
                return q, cl
    raise ReviewError(
        f"Thème inconnu dans ce rapport : {cluster_id!r}",
        f"No such theme in this report: {cluster_id!r}",
        value=cluster_id,
    )


def recount(report: Report) -> None:
    report.manifest.counts.clustered = sum(cl.size for q in report.questions for cl in q.clusters)
    report.manifest.counts.noise = sum(len(q.noise) for q in report.questions)


def _summary(cl: Cluster) -> dict[str, Any]:
    return {"cluster_id": cl.cluster_id, "label": cl.label, "size": cl.size}


def rename(report: Report, cluster_id: str, label: str) -> tuple[dict, dict]:
    _, cl = find_cluster(report, cluster_id)
    before = {"cluster_id": cluster_id, "label": cl.label}
    cl.label = label
    return before, {"cluster_id": cluster_id, "label": label}


def merge(report: Report, cluster_id: str, into: str) -> tuple[dict, dict]:
    if cluster_id == into:
        raise ReviewError(
            "Un thème ne peut pas être fusionné avec lui-même", "A theme cannot merge into itself"
        )
    q, src = find_cluster(report, cluster_id)
    q2, dst = find_cluster(report, into)
    if q is not q2:
        raise ReviewError(
            "Les deux thèmes répondent à des questions différentes",
            "The two themes answer different questions",
            value=f"{cluster_id} / {into}",
        )
    before = {"source": _summary(src), "target": _summary(dst)}
    dst.members.extend(src.members)
    dst.subclusters.extend(src.subclusters)
    room = max(0, 5 - len(dst.quotes))
    dst.quotes.extend(src.quotes[:room])
    dst.size = len(dst.members)
    q.clusters.remove(src)
    forget_theme(q, cluster_id, into)
    recount(report)
    return before, {"target": _summary(dst), "merged": cluster_id}


def forget_theme(q: QuestionReport, removed: str, into: str | None = None) -> None:
    """« Non classées » items of ``q`` that name theme ``removed``, gone from the report, name ``into`` (the
    theme that took its members) instead, or no theme; one between two themes that are now one names it once."""
    for n in q.noise:
        if n.closest_cluster_id == removed:
            n.closest_cluster_id = into
            n.closest_similarity = n.closest_similarity if into else None
        if n.other_cluster_id == removed:
            n.other_cluster_id = into
        if n.other_cluster_id is not None and n.other_cluster_id == n.closest_cluster_id:
            n.other_cluster_id = None


def _take_out(q: QuestionReport, key: str) -> tuple[str | None, Member | None]:
    """Remove contribution ``key`` from its theme (sub-themes, quotes) or noise; returns where it was."""
    for cl in q.clusters:
        for m in cl.members:
            if m.contribution_id == key:
                cl.members.remove(m)
                cl.quotes = [qt for qt in cl.quotes if qt.contribution_id != key]
                for sub in cl.subclusters:
                    sub.members = [x for x in sub.members if x.contribution_id != key]
                    sub.quotes = [x for x in sub.quotes if x.contribution_id != key]
                    sub.size = len(sub.members)
                cl.subclusters = [s for s in cl.subclusters if s.members]
                cl.size = len(cl.members)
                if not cl.members:
                    q.clusters.remove(cl)
                    forget_theme(q, cl.cluster_id)
                return cl.cluster_id, m
    for n in q.noise:
        if n.contribution_id == key:
            q.noise.remove(n)
            return None, None
    raise ReviewError(
        "Cette contribution est exclue de l'analyse ou absente du rapport ; elle ne peut pas être déplacée",
        "This contribution is excluded from the analysis or absent from the report; it cannot be moved",
        value=key,
    )


def _question_of(report: Report, key: str) -> QuestionReport:
    for q in report.questions:
        if (
            any(m.contribution_id == key for cl in q.clusters for m in cl.members)
            or any(n.contribution_id == key for n in q.noise)
            or any(e.contribution_id == key for e in q.excluded)
        ):
            return q
    raise ReviewError("Contribution absente de ce rapport", "Contribution absent from this report", value=key)


def move(report: Report, key: str, source_id: str, to_cluster_id: str | None) -> tuple[dict, dict]:
    q = _question_of(report, key)
    target = None
    if to_cluster_id is not None:
        q_target, target = find_cluster(report, to_cluster_id)
        if q_target is not q:
            raise ReviewError(
                "Le thème cible répond à une autre question",
                "The target theme answers another question",
                value=to_cluster_id,
            )
    was, member = _take_out(q, key)
    if target is not None:
        m = member or Member(contribution_id=key, source_id=source_id, strength=0.0)
        target.members.append(
            m.model_copy(update={"strength": 0.0, "similarity": None, "matched_keywords": []})
        )
        target.size = len(target.members)
    else:
        q.noise.append(
            NoiseItem(
                contribution_id=key, source_id=source_id, reason=REVIEW_NOISE_REASON, reason_code="review"
            )
        )
    recount(report)
    return {"contribution_id": key, "cluster_id": was}, {"contribution_id": key, "cluster_id": to_cluster_id}


def reject_quote(report: Report, cluster_id: str, key: str, rejected: set[str]) -> tuple[dict, dict]:
    """Drop a quote; the next most central member (distinct text, never rejected) takes its place."""
    _, cl = find_cluster(report, cluster_id)
    if not any(qt.contribution_id == key for qt in cl.quotes):
        raise ReviewError(
            "Cette contribution n'est pas une citation de ce thème",
            "This contribution is not a quote of this theme",
            value=key,
        )
    before = {"cluster_id": cluster_id, "quotes": [qt.contribution_id for qt in cl.quotes]}
    cl.quotes = [qt for qt in cl.quotes if qt.contribution_id != key]
    # an erased contribution (service.erasure) has no text to quote
    texts = {c.contribution_id: c.text for c in report.contributions if not c.erased}
    seen = {dedup_key(texts.get(qt.contribution_id, qt.text)) for qt in cl.quotes}
    quoted = {qt.contribution_id for qt in cl.quotes} | rejected | {key}
    for m in sorted(cl.members, key=lambda m: -(m.similarity or 0.0)):
        text = texts.get(m.contribution_id)
        if text is None or m.contribution_id in quoted or dedup_key(text) in seen:
            continue
        cl.quotes.append(Quote(contribution_id=m.contribution_id, source_id=m.source_id, text=text))
        break
    return before, {"cluster_id": cluster_id, "quotes": [qt.contribution_id for qt in cl.quotes]}
