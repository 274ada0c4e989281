"""Split one theme: re-cluster its members with ``synthesis.cluster`` and explain the parts."""

from __future__ import annotations

import numpy as np

from schemas import Cluster, Keyword, Member, Quote, Report
from service.errors import ReviewError
from service.review.ops import find_cluster, forget_theme, recount
from synthesis.cluster import cluster_embeddings
from synthesis.explain import explain_themes
from synthesis.noise import NOISE


def split(
    report: Report,
    cluster_id: str,
    texts: dict[str, str],
    vectors: dict[str, np.ndarray],
    *,
    min_cluster_size: int | None,
    random_state: int,
    n_keywords: int = 10,
    n_quotes: int = 5,
) -> tuple[dict, dict]:
    """Replace theme ``cluster_id`` by its sub-themes ``<id>-s1``, ``<id>-s2``…; members that fit none stay in
    ``<id>`` (the remainder), which disappears when empty. ReviewError when fewer than two parts form."""
    q, cl = find_cluster(report, cluster_id)
    members = list(cl.members)
    X = np.vstack([vectors[m.contribution_id] for m in members]).astype(np.float32)
    mcs = min_cluster_size or max(3, len(members) // 4)
    result = cluster_embeddings(
        X,
        min_cluster_size=mcs,
        subclusters=False,
        random_state=random_state,
        n_neighbors=min(15, max(2, len(members) - 1)),
    )
    parts = sorted(int(k) for k in set(result.labels.tolist()) - {NOISE})
    if len(parts) < 2:
        raise ReviewError(
            f"Le thème {cluster_id} ne se divise pas avec min_cluster_size={mcs} ({len(members)} membres) ; "
            "essayez une valeur plus petite",
            f"Theme {cluster_id} does not split with min_cluster_size={mcs} "
            f"({len(members)} members); try a smaller one",
            value=mcs,
        )
    member_texts = [texts[m.contribution_id] for m in members]
    expl = explain_themes(
        member_texts,
        X,
        result.labels,
        question_text=q.question_text,
        n_keywords=n_keywords,
        n_quotes=n_quotes,
    )
    new: list[Cluster] = []
    for k in parts:
        idx = np.flatnonzero(result.labels == k)
        e = expl[k]
        new.append(
            Cluster(
                cluster_id=f"{cluster_id}-s{k + 1}",
                label=e.label,
                keywords=[Keyword(term=t, weight=w) for t, w in e.keywords],
                size=len(idx),
                quotes=[
                    Quote(
                        contribution_id=members[i].contribution_id,
                        source_id=members[i].source_id,
                        text=member_texts[i],
                    )
                    for i in e.quote_indices
                    if member_texts[i]  # an erased contribution (service.erasure) is never quoted
                ],
                members=[
                    members[i].model_copy(update={"similarity": round(float(e.similarities[j]), 6)})
                    for j, i in enumerate(idx)
                ],
            )
        )
    rest: list[Member] = [members[i] for i in np.flatnonzero(result.labels == NOISE)]
    before = {"cluster_id": cluster_id, "label": cl.label, "size": cl.size}
    pos = q.clusters.index(cl)
    cl.members, cl.size, cl.subclusters = rest, len(rest), []
    cl.quotes = [qt for qt in cl.quotes if any(m.contribution_id == qt.contribution_id for m in rest)]
    q.clusters[pos : pos + 1] = ([cl] if rest else []) + new
    if not rest:
        forget_theme(q, cluster_id)
    recount(report)
    after = {
        "parts": [{"cluster_id": c.cluster_id, "label": c.label, "size": c.size} for c in new],
        "remainder": len(rest),
        "min_cluster_size": mcs,
    }
    return before, after
