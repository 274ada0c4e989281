"""HDBSCAN's themes of one question (issue 4): the scale rules (:func:`default_min_cluster_size`, the finer
scale :func:`fine_scale`), the selection made again where one theme holds most of the question
(:func:`split_dominant`, ``MAX_THEME_SHARE``), themes numbered by size, merged down to ``max_themes`` or split
into sub-themes, and the themes of texts repeated word for word or of short answers saying the same words."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Hashable, Sequence

import numpy as np

from synthesis.noise import NOISE, theme_centres

# No theme may hold more than this share of a question's fitted points while the density hierarchy splits it
# (see ``split_dominant``).
MAX_THEME_SHARE = 0.5
SMALL_THEME_FLOOR = 10  # least min_cluster_size (BERTopic's default); below 100 items sqrt(n) instead
DEFAULT_MIN_SAMPLES = 5
# Finer scale (``fine_scale``), tried when the density scale above forms no theme or leaves more than
# MAX_NOISE_SHARE of a question out after the noise policy: min_cluster_size sqrt(n)/2, at least this...
FINE_MIN_CLUSTER = 3
# ... and min_samples this (a point with 2 neighbours that close is dense enough for a theme of 3 texts)
FINE_MIN_SAMPLES = 2


def default_min_cluster_size(n_items: int) -> int:
    """Rule for HDBSCAN's ``min_cluster_size``: ``max(n/200 + 5, min(10, sqrt(n)))``, between 5 and 200."""
    floor = min(SMALL_THEME_FLOOR, round(float(np.sqrt(max(n_items, 0)))))
    return int(max(5, min(200, max(round(0.005 * n_items + 5), floor))))


def fine_scale(n_points: int, min_cluster_size: int, min_samples: int) -> tuple[int, int] | None:
    """The finer HDBSCAN scale tried when a question's themes leave too much of it out (:mod:`synthesis.cluster`):
    ``min_cluster_size`` sqrt(n)/2 (at least ``FINE_MIN_CLUSTER``), ``min_samples`` ``FINE_MIN_SAMPLES``, each
    no larger than at the default scale; None when that scale is no finer."""
    finer = (
        min(min_cluster_size, max(FINE_MIN_CLUSTER, round(float(np.sqrt(n_points)) / 2))),
        min(min_samples, FINE_MIN_SAMPLES),
    )
    return None if finer == (min_cluster_size, min_samples) else finer


def hdbscan_labels(
    points: np.ndarray, min_cluster_size: int, min_samples: int, method: str, max_size: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    import hdbscan

    if points.shape[0] < max(min_cluster_size, 2) + 1:
        return np.full(points.shape[0], NOISE), np.zeros(points.shape[0])
    model = hdbscan.HDBSCAN(
        min_cluster_size=min_cluster_size,
        min_samples=min_samples,
        cluster_selection_method=method,
        max_cluster_size=max_size,
        core_dist_n_jobs=1,
    ).fit(points)
    return np.asarray(model.labels_), np.asarray(model.probabilities_, dtype=np.float64)


def split_dominant(
    points: np.ndarray, raw: np.ndarray, strengths: np.ndarray, min_cluster_size: int, min_samples: int
) -> tuple[np.ndarray, np.ndarray, bool]:
    """HDBSCAN's "eom" labels ``raw`` of ``points``, or, when one theme holds more than ``MAX_THEME_SHARE`` of
    them, the selection made again with that cap (``max_cluster_size``) where the density hierarchy splits it.

    "eom" keeps a cluster whenever it is more stable than its children together; on a question whose answers
    form one broad dense region it kept that region whole: 3 of the 8 Grand Débat questions came out as one
    theme holding 88-98 % of the answers, and 2 or 7 small ones (the theme's detail only in its sub-themes). With
    the cap, the dominant region's own sub-clusters are selected instead (25-42 of them there). The capped
    selection is kept when at least two of its clusters lie inside the dominant theme (else that theme is a leaf
    of the hierarchy, one homogeneous region, and the cap would only turn it into noise) and when it leaves at
    most ``MAX_THEME_SHARE`` of the points unclustered (the noise policy places most of those, as it does on
    questions where HDBSCAN leaves 45 % out). Where it leaves more out, the selection is made once more with
    ``min_samples`` ``FINE_MIN_SAMPLES``, as at the finer scale, which leaves fewer points out: the capped
    selection of ``gd_animation_organisation_32.csv`` left 51.7 % out at 5 and 38.6 % at 2, and without this one
    theme held 90 % of its 7,139 answers (29 themes with 29 more answers). The labelled sets of
    ``bench/quality.py`` have no such theme: unchanged. Returns labels, strengths and whether the cap was applied."""
    sizes = np.bincount(raw[raw != NOISE])
    cap = int(MAX_THEME_SHARE * len(raw))
    if not len(sizes) or sizes.max() <= cap:
        return raw, strengths, False
    dominant = int(sizes.argmax())
    for samples in dict.fromkeys((min_samples, min(min_samples, FINE_MIN_SAMPLES))):
        capped, capped_strengths = hdbscan_labels(points, min_cluster_size, samples, "eom", max_size=cap)
        inside = capped[(raw == dominant) & (capped != NOISE)]
        if len(np.unique(inside)) < 2:
            break
        if (capped == NOISE).mean() <= MAX_THEME_SHARE:
            return capped, capped_strengths, True
    return raw, strengths, False


def renumber_by_size(labels: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Labels renumbered 0..k-1 by decreasing size (sum of ``weights``, default one per item; ties: by old
    label); ``NOISE`` stays."""
    kept = labels != NOISE
    ids, position = np.unique(labels[kept], return_inverse=True)
    sizes = np.bincount(position, weights=None if weights is None else weights[kept], minlength=len(ids))
    order = ids[np.lexsort((ids, -sizes))]
    mapping = np.full(int(labels.max()) + 2 if labels.size else 1, NOISE, dtype=np.int64)
    mapping[order] = np.arange(len(order))
    return np.where(labels == NOISE, NOISE, mapping[np.maximum(labels, 0)])


def merge_themes(
    embeddings: np.ndarray, labels: np.ndarray, max_themes: int, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Merge themes (average linkage on cosine between centres) down to ``max_themes``.

    Returns the top-level labels and, for every item, its original theme's rank inside its new theme (the
    sub-theme), or ``NOISE`` for top-level themes that were not merged.
    """
    k = int(labels.max()) + 1 if labels.size else 0
    sub = np.full(labels.shape[0], NOISE, dtype=np.int64)
    if k <= max_themes:
        return labels, sub
    from scipy.cluster.hierarchy import fcluster, linkage

    centres = theme_centres(embeddings, labels, k, weights)
    groups = fcluster(linkage(centres, "average", metric="cosine"), max_themes, "maxclust") - 1
    top = renumber_by_size(np.where(labels == NOISE, NOISE, groups[np.maximum(labels, 0)]), weights)
    for t in range(int(top.max()) + 1):
        parts = sorted(set(labels[top == t].tolist()))  # original themes are numbered by size already
        if len(parts) > 1:
            rank = {p: r for r, p in enumerate(parts)}
            members = np.flatnonzero(top == t)
            sub[members] = [rank[p] for p in labels[members]]
    return top, sub


def split_theme(
    embeddings: np.ndarray,
    reduced: np.ndarray,
    min_cluster_size: int,
    weights: np.ndarray | None = None,
    fitted: np.ndarray | None = None,
) -> np.ndarray:
    """Sub-themes of a theme's members (HDBSCAN "leaf" on the ``fitted`` ones, default all); every member gets
    a sub-theme (the others and HDBSCAN's noise: the nearest sub-theme centre), or all are ``NOISE``. Numbered
    by size once every member has its sub-theme."""
    fit = np.flatnonzero(np.ones(len(reduced), bool) if fitted is None else fitted)
    sub_mcs = max(5, min_cluster_size // 2, len(fit) // 20)
    none = np.full(len(reduced), NOISE, dtype=np.int64)
    if len(fit) < 3 * sub_mcs:
        return none
    raw, _ = hdbscan_labels(reduced[fit], sub_mcs, min(5, sub_mcs), "leaf")
    if len(set(raw.tolist()) - {NOISE}) < 2:
        return none
    sub = none.copy()
    sub[fit] = renumber_by_size(raw, None if weights is None else weights[fit])
    centres = theme_centres(embeddings, sub, int(sub.max()) + 1, weights)
    rest = sub == NOISE
    sub[rest] = np.argmax(
        embeddings[rest] @ centres.T, axis=1
    )  # inside the parent already: nearest sub-theme
    return renumber_by_size(sub, weights)


def repeated_text_themes(labels: np.ndarray, weights: np.ndarray, min_cluster_size: int) -> np.ndarray:
    """Indices of the texts that are noise in ``labels`` although copied at least ``min_cluster_size`` times
    (``weights``): each becomes a theme of its own (see :mod:`synthesis.cluster`)."""
    return np.flatnonzero((labels == NOISE) & (weights >= min_cluster_size))


def same_answer_themes(
    labels: np.ndarray, keys: Sequence[Collection[Hashable]], weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each short answer in one theme, the one holding most of the items that say it (``keys``: the ways each
    item is said, possibly none; ``weights``; ties: the larger theme). Returns the items elsewhere, noise
    included, and the theme each goes to."""
    held: dict[Hashable, Counter[int]] = {}
    for i in np.flatnonzero(labels != NOISE).tolist():
        for key in keys[i]:
            held.setdefault(key, Counter())[int(labels[i])] += int(weights[i])
    rows, themes = [], []
    for i, own in enumerate(labels.tolist()):
        counts = sum((held.get(key, Counter()) for key in keys[i]), Counter[int]())
        best = min(counts, key=lambda t: (-counts[t], t), default=NOISE)  # themes are numbered by size
        if best not in (own, NOISE):
            rows.append(i)
            themes.append(best)
    return np.array(rows, dtype=np.int64), np.array(themes, dtype=np.int64)
