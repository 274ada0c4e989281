"""Themes of one question: seeded UMAP on an exact cosine k-NN graph, HDBSCAN, a noise policy, and sub-themes.

Issue 4. The rules below were chosen on the labelled sets of ``bench/quality.py`` (République numérique
arguments, Grand Débat questions mixed, Decidim proposals), by rule and never per data set:

- reduction: UMAP (cosine, ``min_dist=0``) to ``n_components`` dimensions, fed an exact k-NN graph computed
  with numpy (deterministic, and faster than NN-descent below ``EXACT_KNN_MAX`` items);
- ``min_cluster_size = max(n/200 + 5, min(10, sqrt(n)))`` (5..200), ``min_samples = min(mcs, 5)``,
  "eom" selection: fewer, larger themes than BERTopic's fixed ``min_cluster_size=10``, which scatters 9k
  answers into ~150 topics; the ``min(10, sqrt(n))`` floor keeps a few hundred answers from splitting into
  5-item themes;
- noise policy: an item HDBSCAN left out joins a theme only when it is clearly inside it, i.e. most of its
  nearest clustered neighbours (``NOISE_VOTE``) are in that theme *and* its similarity to the theme's centre
  is at least that of the theme's least typical member (``THRESHOLD_QUANTILE = 0``: inside the theme's own
  extent). The rest stays "non classée", isolated or between two named themes;
- at most ``max_themes`` top-level themes: the closest themes (average linkage on centres) are merged, and the
  merged parts become sub-themes; otherwise each theme is split by HDBSCAN "leaf" on its own members.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from types import ModuleType
from typing import Any

import numpy as np

NOISE = -1  # label of an item in no theme ("non classée")
NOISE_ISOLATED = "isolated"  # no theme centre within that theme's distance threshold
NOISE_BETWEEN = "between"  # inside a theme's threshold, but its neighbours are split between themes
NOISE_NO_THEME = "no_theme"  # the question formed no theme at all

EXACT_KNN_MAX = 30_000  # above this, UMAP's own NN-descent is cheaper than the exact (n x n) search
NOISE_VOTE = 0.6  # share of the k nearest clustered neighbours that must agree to join a theme
NOISE_NEIGHBOURS = 10
# A theme's distance threshold: this quantile of its members' similarity to its centre. 0 (the least typical
# member) scored as well as or better than 0.1 on every set of bench/quality.py (BENCHMARKS.md, Quality
# notes): 0.1 left 4-13 % of items as noise although most sat inside a theme's extent, among its members.
THRESHOLD_QUANTILE = 0.0
NOISE_POLICY = (
    f"vote>={NOISE_VOTE} of {NOISE_NEIGHBOURS} neighbours, similarity>=q{THRESHOLD_QUANTILE} of members"
)
SMALL_THEME_FLOOR = 10  # least min_cluster_size (BERTopic's default); below 100 items sqrt(n) instead
DEFAULT_EPOCHS = 200  # UMAP uses 500 below 10k items; 200 is as good on bench/quality.py, and faster


@dataclass
class ClusterResult:
    """Output of :func:`cluster_embeddings` for n items.

    labels : (n,) int, ``NOISE`` or a theme number 0..k-1 (themes numbered by decreasing size)
    strengths : (n,) float, HDBSCAN membership strength (0 for noise and for items joined by the noise policy)
    sublabels : (n,) int, sub-theme number inside the item's theme (0..), or ``NOISE`` when not split
    reduced : (n, n_components) float, the reduced coordinates
    assigned : (n,) bool, item joined its theme through the noise policy (HDBSCAN had left it out)
    centres : (k, d) float, unit-norm centre of each theme in embedding space
    thresholds : (k,) float, each theme's distance threshold (similarity to the centre)
    noise_codes : (n,) str, for noise items ``NOISE_ISOLATED``, ``NOISE_BETWEEN`` or ``NOISE_NO_THEME``
    second : (n,) int, for ``NOISE_BETWEEN`` items the other theme they sit between, else ``NOISE``
    params : the parameters actually used (rules resolved)
    """

    labels: np.ndarray
    strengths: np.ndarray
    sublabels: np.ndarray
    reduced: np.ndarray
    assigned: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    centres: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    thresholds: np.ndarray = field(default_factory=lambda: np.zeros(0))
    noise_codes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    second: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    params: dict[str, object] = field(default_factory=dict)


def default_min_cluster_size(n_items: int) -> int:
    """Rule for HDBSCAN's ``min_cluster_size``: ``max(n/200 + 5, min(10, sqrt(n)))``, between 5 and 200."""
    floor = min(SMALL_THEME_FLOOR, round(float(np.sqrt(max(n_items, 0)))))
    return int(max(5, min(200, max(round(0.005 * n_items + 5), floor))))


def exact_knn(vectors: np.ndarray, k: int, *, chunk: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """The k nearest other rows of unit-norm ``vectors`` (n, d) by cosine: indices and distances, (n, k).

    Ties are broken by index, so the result does not depend on the chunk size.
    """
    n = vectors.shape[0]
    k = min(k, n - 1)
    v = np.ascontiguousarray(vectors, dtype=np.float32)
    idx = np.empty((n, k), dtype=np.int64)
    dist = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, chunk):
        sims = v[start : start + chunk] @ v.T
        rows = np.arange(sims.shape[0])
        sims[rows, start + rows] = -np.inf
        part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        part_sims = np.take_along_axis(sims, part, axis=1)
        order = np.lexsort((part, -part_sims), axis=1)
        idx[start : start + chunk] = np.take_along_axis(part, order, axis=1)
        dist[start : start + chunk] = np.maximum(0.0, 1.0 - np.take_along_axis(part_sims, order, axis=1))
    return idx, dist


@lru_cache(maxsize=1)
def _umap_module() -> ModuleType:
    """``umap``, imported with numba's on-disk cache turned on for its jitted functions.

    umap-learn compiles its kernels without ``cache=True``, which costs every new process about 7 s of
    compilation before its first layout (measured on the dev box: first 2,000-point UMAP 11.3 s cold vs 3.9 s
    with the cache). The compiled code is the same, so results are unchanged; where the cache folder is not
    writable, numba compiles as before.
    """
    import numba

    njit = numba.njit

    def cached_njit(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cache", True)
        return njit(*args, **kwargs)

    numba.njit = cached_njit
    try:
        import umap
        import umap.layouts  # noqa: F401  (jitted at import, so under the cached decorator)
    finally:
        numba.njit = njit
    module: ModuleType = umap
    return module


def reduce(
    embeddings: np.ndarray,
    *,
    n_components: int,
    n_neighbors: int,
    random_state: int,
    n_epochs: int | None = None,
) -> np.ndarray:
    """Seeded UMAP to ``n_components`` dimensions (cosine metric); small inputs are returned unchanged."""
    n = embeddings.shape[0]
    if n <= max(n_components + 2, 16):
        return embeddings.astype(np.float64)
    umap = _umap_module()

    k = min(n_neighbors, n - 1)
    knn = None
    if n <= EXACT_KNN_MAX:
        idx, dist = exact_knn(embeddings, k - 1)
        # UMAP expects each point as its own first neighbour.
        knn = (
            np.hstack([np.arange(n)[:, None], idx]),
            np.hstack([np.zeros((n, 1), np.float32), dist]),
            None,
        )
    reducer = umap.UMAP(
        n_components=n_components,
        n_neighbors=k,
        min_dist=0.0,
        metric="cosine",
        random_state=random_state,
        n_jobs=1,
        low_memory=True,
        n_epochs=n_epochs or DEFAULT_EPOCHS,
        # PCA init: UMAP's spectral init is not reproducible on graphs with many components (duplicates).
        init="pca",
        precomputed_knn=knn or (None, None, None),
    )
    with warnings.catch_warnings():
        # A precomputed exact k-NN has no search index: UMAP warns that transform() is unavailable (unused).
        warnings.filterwarnings("ignore", message="precomputed_knn", category=UserWarning)
        return np.asarray(reducer.fit_transform(embeddings), dtype=np.float64)


def _hdbscan(
    points: np.ndarray, min_cluster_size: int, min_samples: int, method: str
) -> tuple[np.ndarray, np.ndarray]:
    import hdbscan

    if points.shape[0] < max(min_cluster_size, 2) + 1:
        return np.full(points.shape[0], NOISE), np.zeros(points.shape[0])
    model = hdbscan.HDBSCAN(
        min_cluster_size=min_cluster_size,
        min_samples=min_samples,
        cluster_selection_method=method,
        core_dist_n_jobs=1,
    ).fit(points)
    return np.asarray(model.labels_), np.asarray(model.probabilities_, dtype=np.float64)


def renumber_by_size(labels: np.ndarray) -> np.ndarray:
    """Labels renumbered 0..k-1 by decreasing size (ties: by old label); ``NOISE`` stays."""
    ids, counts = np.unique(labels[labels != NOISE], return_counts=True)
    order = ids[np.lexsort((ids, -counts))]
    mapping = np.full(int(labels.max()) + 2 if labels.size else 1, NOISE, dtype=np.int64)
    mapping[order] = np.arange(len(order))
    return np.where(labels == NOISE, NOISE, mapping[np.maximum(labels, 0)])


def theme_centres(embeddings: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Unit-norm mean embedding of each theme 0..k-1: (k, d)."""
    centres = np.zeros((k, embeddings.shape[1]))
    np.add.at(centres, labels[labels != NOISE], embeddings[labels != NOISE])
    norms = np.linalg.norm(centres, axis=1, keepdims=True)
    return centres / np.where(norms == 0, 1.0, norms)


def theme_thresholds(embeddings: np.ndarray, labels: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Each theme's distance threshold: ``THRESHOLD_QUANTILE`` of its members' similarity to its centre."""
    return np.array(
        [np.quantile(embeddings[labels == t] @ centres[t], THRESHOLD_QUANTILE) for t in range(len(centres))]
    )


def noise_policy(
    embeddings: np.ndarray, reduced: np.ndarray, labels: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Decide each noise item: join a theme (clearly inside it) or stay noise with a reason code.

    Returns new labels (n,), assigned (n,) bool, noise codes (n,) str and the second theme (n,) of items
    between two themes. Decisions use the labels as HDBSCAN left them, so the order of items does not matter.
    """
    n = labels.shape[0]
    k = int(labels.max()) + 1 if n else 0
    codes = np.full(n, "", dtype=object)
    second = np.full(n, NOISE, dtype=np.int64)
    noise = np.flatnonzero(labels == NOISE)
    if not len(noise):
        return labels.copy(), np.zeros(n, bool), codes, second
    if k == 0:
        codes[noise] = NOISE_NO_THEME
        return labels.copy(), np.zeros(n, bool), codes, second
    clustered = np.flatnonzero(labels != NOISE)
    centres = theme_centres(embeddings, labels, k)
    thresholds = theme_thresholds(embeddings, labels, centres)
    sims = embeddings[noise] @ centres.T  # (m, k)
    votes = _neighbour_votes(reduced[clustered], labels[clustered], reduced[noise], k)
    new = labels.copy()
    assigned = np.zeros(n, bool)
    for row, i in enumerate(noise):
        best_vote = int(np.argmax(votes[row]))
        inside = sims[row] >= thresholds
        if votes[row, best_vote] >= NOISE_VOTE and inside[best_vote]:
            new[i], assigned[i] = best_vote, True
        elif inside.any():
            ranked = [int(t) for t in np.lexsort((np.arange(k), -votes[row], -sims[row]))]
            codes[i], second[i] = NOISE_BETWEEN, ranked[1] if k > 1 else NOISE
        else:
            codes[i] = NOISE_ISOLATED
    return new, assigned, codes, second


def _neighbour_votes(points: np.ndarray, point_labels: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """(m, k) share of each query's ``NOISE_NEIGHBOURS`` nearest clustered points in each theme."""
    from sklearn.neighbors import NearestNeighbors

    n_nb = min(NOISE_NEIGHBOURS, points.shape[0])
    _, nb = NearestNeighbors(n_neighbors=n_nb).fit(points).kneighbors(queries)
    votes = np.zeros((queries.shape[0], k))
    np.add.at(votes, (np.repeat(np.arange(queries.shape[0]), n_nb), point_labels[nb].ravel()), 1.0 / n_nb)
    return votes


def merge_themes(
    embeddings: np.ndarray, labels: np.ndarray, max_themes: int
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

    centres = theme_centres(embeddings, labels, k)
    groups = fcluster(linkage(centres, "average", metric="cosine"), max_themes, "maxclust") - 1
    top = renumber_by_size(np.where(labels == NOISE, NOISE, groups[np.maximum(labels, 0)]))
    for t in range(int(top.max()) + 1):
        parts = sorted(set(labels[top == t].tolist()))  # original themes are numbered by size already
        if len(parts) > 1:
            rank = {p: r for r, p in enumerate(parts)}
            members = np.flatnonzero(top == t)
            sub[members] = [rank[p] for p in labels[members]]
    return top, sub


def split_theme(embeddings: np.ndarray, reduced: np.ndarray, min_cluster_size: int) -> np.ndarray:
    """Sub-themes of a theme's members (HDBSCAN "leaf"); every member gets a sub-theme, or all ``NOISE``."""
    n = reduced.shape[0]
    sub_mcs = max(5, min_cluster_size // 2, n // 20)
    if n < 3 * sub_mcs:
        return np.full(n, NOISE, dtype=np.int64)
    raw, _ = _hdbscan(reduced, sub_mcs, min(5, sub_mcs), "leaf")
    if len(set(raw.tolist()) - {NOISE}) < 2:
        return np.full(n, NOISE, dtype=np.int64)
    sub = renumber_by_size(raw)
    centres = theme_centres(embeddings, sub, int(sub.max()) + 1)
    rest = sub == NOISE
    sub[rest] = np.argmax(
        embeddings[rest] @ centres.T, axis=1
    )  # inside the parent already: nearest sub-theme
    return sub


def cluster_embeddings(
    embeddings: np.ndarray,
    *,
    n_components: int = 5,
    n_neighbors: int = 15,
    min_cluster_size: int | None = None,
    min_samples: int | None = None,
    cluster_selection_method: str = "eom",
    subclusters: bool = True,
    max_themes: int = 30,
    noise_policy_on: bool = True,
    n_epochs: int | None = None,
    random_state: int = 0,
) -> ClusterResult:
    """Cluster unit-norm embeddings (n, d) of one question into themes and sub-themes (see the module doc)."""
    n = embeddings.shape[0]
    mcs = min_cluster_size or default_min_cluster_size(n)
    ms = min_samples or max(1, min(mcs, 5))
    reduced = reduce(
        embeddings,
        n_components=n_components,
        n_neighbors=n_neighbors,
        random_state=random_state,
        n_epochs=n_epochs,
    )
    raw, strengths = _hdbscan(reduced, mcs, ms, cluster_selection_method)
    labels = renumber_by_size(raw)
    if noise_policy_on:
        labels, assigned, codes, second = noise_policy(embeddings, reduced, labels)
    else:
        assigned, codes, second = noise_policy(embeddings, reduced, labels)[1:]
        codes = np.where(labels == NOISE, np.where(codes == "", NOISE_ISOLATED, codes), "")
    strengths = np.where((labels == NOISE) | assigned, 0.0, strengths)
    top, sublabels = merge_themes(embeddings, labels, max_themes)
    second = np.where(second == NOISE, NOISE, _map_labels(labels, top, second))
    k = int(top.max()) + 1 if n and top.max() >= 0 else 0
    if subclusters:
        _split_unmerged(embeddings, reduced, top, sublabels, mcs)
    centres = theme_centres(embeddings, top, k)
    params = _params(locals(), mcs, ms)
    return ClusterResult(
        labels=top,
        strengths=strengths,
        sublabels=sublabels,
        reduced=reduced,
        assigned=assigned,
        centres=centres,
        thresholds=theme_thresholds(embeddings, top, centres) if k else np.zeros(0),
        noise_codes=codes,
        second=second,
        params=params,
    )


def _params(args: dict[str, object], mcs: int, ms: int) -> dict[str, object]:
    """The parameters actually used by :func:`cluster_embeddings` (rules resolved), for the manifest."""
    return {
        "reduction": "umap",
        "n_components": args["n_components"],
        "n_neighbors": args["n_neighbors"],
        "n_epochs": args["n_epochs"] or DEFAULT_EPOCHS,
        "init": "pca",
        "exact_knn": args["n"] <= EXACT_KNN_MAX,  # type: ignore[operator]
        "min_cluster_size": mcs,
        "min_samples": ms,
        "cluster_selection_method": args["cluster_selection_method"],
        "noise_policy": NOISE_POLICY if args["noise_policy_on"] else "none",
        "max_themes": args["max_themes"],
        "random_state": args["random_state"],
    }


def _split_unmerged(
    embeddings: np.ndarray, reduced: np.ndarray, top: np.ndarray, sublabels: np.ndarray, mcs: int
) -> None:
    """Fill ``sublabels`` in place for each theme that merging did not already split."""
    for t in range(int(top.max()) + 1 if top.size else 0):
        idx = np.flatnonzero(top == t)
        if (sublabels[idx] == NOISE).all():
            sublabels[idx] = split_theme(embeddings[idx], reduced[idx], mcs)


def _map_labels(old: np.ndarray, new: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Translate theme numbers ``values`` from the ``old`` numbering to the ``new`` one (after merging)."""
    mapping = {int(o): int(m) for o, m in zip(old[old != NOISE], new[old != NOISE], strict=True)}
    return np.array([mapping.get(int(v), NOISE) for v in values], dtype=np.int64)
