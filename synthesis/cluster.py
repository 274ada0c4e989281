"""Dimensionality reduction (UMAP, seeded) then HDBSCAN; noise stays noise ("non classées").

First version for the walking skeleton (issue 2); tuning and the two-level hierarchy come with issue 4.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

NOISE = -1


@dataclass
class ClusterResult:
    """Output of :func:`cluster_embeddings` for n items.

    labels : (n,) int, ``NOISE`` or a theme number 0..k-1 (themes numbered by decreasing size)
    strengths : (n,) float, HDBSCAN membership strength (0 for noise)
    sublabels : (n,) int, sub-theme number inside the item's theme, or ``NOISE``
    reduced : (n, n_components) float, the reduced coordinates
    params : the parameters actually used (rules resolved)
    """

    labels: np.ndarray
    strengths: np.ndarray
    sublabels: np.ndarray
    reduced: np.ndarray
    params: dict[str, object] = field(default_factory=dict)


def default_min_cluster_size(n_items: int) -> int:
    """Rule for HDBSCAN's ``min_cluster_size`` from the number of items to cluster."""
    return int(max(5, min(200, round(0.005 * n_items + 5))))


def reduce(embeddings: np.ndarray, *, n_components: int, n_neighbors: int, random_state: int) -> np.ndarray:
    """Seeded UMAP to ``n_components`` dimensions (cosine metric); small inputs are returned unchanged."""
    n = embeddings.shape[0]
    if n <= n_components + 2:
        return embeddings.astype(np.float64)
    import umap

    reducer = umap.UMAP(
        n_components=n_components,
        n_neighbors=min(n_neighbors, n - 1),
        min_dist=0.0,
        metric="cosine",
        random_state=random_state,
        n_jobs=1,
        low_memory=True,
    )
    return np.asarray(reducer.fit_transform(embeddings), dtype=np.float64)


def _hdbscan(points: np.ndarray, min_cluster_size: int, min_samples: int, method: str) -> tuple[np.ndarray, np.ndarray]:
    import hdbscan

    if points.shape[0] < max(min_cluster_size, 2):
        return np.full(points.shape[0], NOISE), np.zeros(points.shape[0])
    model = hdbscan.HDBSCAN(
        min_cluster_size=min_cluster_size,
        min_samples=min_samples,
        cluster_selection_method=method,
        core_dist_n_jobs=1,
    ).fit(points)
    return np.asarray(model.labels_), np.asarray(model.probabilities_, dtype=np.float64)


def _renumber_by_size(labels: np.ndarray) -> np.ndarray:
    ids, counts = np.unique(labels[labels != NOISE], return_counts=True)
    order = ids[np.lexsort((ids, -counts))]
    mapping = {old: new for new, old in enumerate(order)}
    return np.array([mapping.get(int(x), NOISE) for x in labels], dtype=np.int64)


def cluster_embeddings(
    embeddings: np.ndarray,
    *,
    n_components: int = 5,
    n_neighbors: int = 15,
    min_cluster_size: int | None = None,
    min_samples: int | None = None,
    cluster_selection_method: str = "eom",
    subclusters: bool = True,
    random_state: int = 0,
) -> ClusterResult:
    """Cluster unit-norm embeddings (n, d) of one question into themes and sub-themes."""
    n = embeddings.shape[0]
    mcs = min_cluster_size or default_min_cluster_size(n)
    ms = min_samples or max(1, min(mcs, 5))
    reduced = reduce(embeddings, n_components=n_components, n_neighbors=n_neighbors, random_state=random_state)
    raw, strengths = _hdbscan(reduced, mcs, ms, cluster_selection_method)
    labels = _renumber_by_size(raw)
    strengths = np.where(labels == NOISE, 0.0, strengths)
    sublabels = np.full(n, NOISE, dtype=np.int64)
    if subclusters:
        sub_mcs = max(3, mcs // 3)
        for theme in np.unique(labels[labels != NOISE]):
            idx = np.flatnonzero(labels == theme)
            sub, _ = _hdbscan(reduced[idx], sub_mcs, min(ms, sub_mcs), "leaf")
            if len(set(sub.tolist()) - {NOISE}) > 1:
                sublabels[idx] = _renumber_by_size(sub)
    params = {
        "n_components": n_components,
        "n_neighbors": n_neighbors,
        "min_cluster_size": mcs,
        "min_samples": ms,
        "cluster_selection_method": cluster_selection_method,
    }
    return ClusterResult(labels, strengths, sublabels, reduced, params)
