"""The reduction before HDBSCAN (issue 4, issue 8): seeded UMAP (cosine, ``min_dist=0``, PCA init) fed the
exact k-NN graph of :mod:`synthesis.neighbours`, its epochs by the number of fitted points
(:func:`default_epochs`), and for a sampled fit the edges that the texts left out add to its graph
(:func:`density_links`). UMAP and HDBSCAN are imported lazily (:func:`preload_libraries`), UMAP's kernels with
numba's on-disk cache."""

from __future__ import annotations

import threading
import warnings
from functools import lru_cache
from types import ModuleType
from typing import Any

import numpy as np

from synthesis.neighbours import EXACT_KNN_MAX, KnnStore, knn

# Sampled fit: each text left out links its LINK_NEIGHBOURS nearest fitted texts in UMAP's graph, at most
# LINK_WEIGHT strong (see ``density_links``).
LINK_NEIGHBOURS = 5
LINK_WEIGHT = 0.5
# UMAP epochs, like UMAP's own rule (500 below 10,000 items, else 200) but cheaper: 200 up to SMALL_FIT points,
# 100 up to LARGE_FIT, 50 above. On bench/quality.py (means over seeds and row orders, BENCHMARKS.md) 100 epochs
# score as well as 200 on the larger sets (Grand Débat 0.615 vs 0.607) but lose on the 162 Decidim proposals
# (0.286 vs 0.312). Above LARGE_FIT points (a fit_max raised above the default), 50 epochs scored as well as
# 100 on 42,150 Grand Débat answers (scale check, seeds 3-7: every text 0.638 vs 0.632; a 10,000-point sample
# 0.612 vs 0.612) in half the layout time, so that a larger sample costs mostly its k-NN search.
DEFAULT_EPOCHS = 100
SMALL_FIT_EPOCHS = 200
LARGE_FIT_EPOCHS = 50
SMALL_FIT = 5_000
LARGE_FIT = 15_000


def default_epochs(n_points: int) -> int:
    """UMAP optimisation epochs for ``n_points`` fitted points (see ``SMALL_FIT`` and ``LARGE_FIT``)."""
    if n_points <= SMALL_FIT:
        return SMALL_FIT_EPOCHS
    return DEFAULT_EPOCHS if n_points <= LARGE_FIT else LARGE_FIT_EPOCHS


_UMAP_IMPORT = threading.Lock()


def _umap_module() -> ModuleType:
    """``umap``, imported with numba's on-disk cache turned on for its jitted functions.

    umap-learn compiles its kernels without ``cache=True``, which costs every new process about 7 s of
    compilation before its first layout (measured on the dev box: first 2,000-point UMAP 11.3 s cold vs 3.9 s
    with the cache). The compiled code is the same, so results are unchanged; where the cache folder is not
    writable, numba compiles as before. A lock keeps two threads (the service runs jobs in threads; the
    pipeline preloads in one) from patching ``numba.njit`` at the same time.
    """
    with _UMAP_IMPORT:
        return _import_umap()


@lru_cache(maxsize=1)
def _import_umap() -> ModuleType:
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
    links: Any = None,
    store: KnnStore | None = None,
) -> np.ndarray:
    """Seeded UMAP to ``n_components`` dimensions (cosine metric). Inputs of at most ``n_components + 2`` points,
    too few for UMAP's layout, are returned unchanged.

    ``links`` (scipy sparse, (n, n), weights in [0, 1]) is joined to UMAP's fuzzy k-NN graph (fuzzy union)
    before the layout: see :func:`density_links`. The exact k-NN graph is kept in ``store`` (:func:`knn`).
    """
    n = embeddings.shape[0]
    if n <= n_components + 2:
        return embeddings.astype(np.float64)
    umap = _umap_module()

    k = min(n_neighbors, n - 1)
    graph = None
    if n <= EXACT_KNN_MAX:
        idx, dist = knn(embeddings, k - 1, store=store)
        # UMAP expects each point as its own first neighbour.
        graph = (
            np.hstack([np.arange(n)[:, None], idx]),
            np.hstack([np.zeros((n, 1), np.float32), dist]),
            None,
        )
    reducer = (umap.UMAP if links is None else _linked_umap(umap.UMAP, links))(
        n_components=n_components,
        n_neighbors=k,
        min_dist=0.0,
        metric="cosine",
        random_state=random_state,
        n_jobs=1,
        low_memory=True,
        n_epochs=n_epochs or default_epochs(n),
        # PCA init: UMAP's spectral init is not reproducible on graphs with many components (duplicates).
        init="pca",
        precomputed_knn=graph or (None, None, None),
    )
    with warnings.catch_warnings():
        # A precomputed exact k-NN has no search index: UMAP warns that transform() is unavailable (unused).
        warnings.filterwarnings("ignore", message="precomputed_knn", category=UserWarning)
        return np.asarray(reducer.fit_transform(embeddings), dtype=np.float64)


def _linked_umap(base: type, links: Any) -> type:
    """A UMAP class whose layout graph is the fuzzy union of its own k-NN graph and ``links``.

    ``_fit_embed_data`` is umap-learn's hook for subclasses (0.5.x): it runs after the graph is built.
    """

    class LinkedUMAP(base):  # type: ignore[misc]
        def _fit_embed_data(self, X: Any, n_epochs: Any, init: Any, random_state: Any, **kwargs: Any) -> Any:
            graph = getattr(self, "graph_").tocsr()  # noqa: B009 (untyped base class)
            self.graph_ = (graph + links - graph.multiply(links)).tocoo()
            return super()._fit_embed_data(X, n_epochs, init, random_state, **kwargs)

    return LinkedUMAP


def density_links(nearest: np.ndarray, point_of: np.ndarray, n_points: int) -> Any:
    """Graph edges between fitted texts, from the texts left out of a sampled fit (issue 8).

    A k-NN graph on a sample of the texts links each text to neighbours as far as its (k / share)-th in the
    whole question, which more often belong to another theme: the sampled layout separated themes less well
    than the full one (AMI 0.586 vs 0.632 on 42,150 Grand Débat answers, seeds 3-7). The texts left out still
    say where the texts are dense: each of them links its nearest fitted text to its next ``LINK_NEIGHBOURS -
    1`` nearest ones (weight 1/rank), the counts are summed, made symmetric and mapped to
    ``LINK_WEIGHT * c / (c + median)``. Measured on the same answers, seeds 0, 2, 4, 6: AMI 0.585 → 0.607
    (full fit 0.634); no extra search (the neighbours are those used to place these texts afterwards), but
    more edges for UMAP to lay out (4.5 → 5.4 s). On synthetic blobs with random outliers, the sampled fit then
    gathers the outliers into a theme of their own as the full fit does (5 seeds of 5 for both; 2 of 5 for the
    sample without the links).

    Parameters
    ----------
    nearest : (u, >= LINK_NEIGHBOURS) int
        For each text left out, its nearest fitted texts, nearest first.
    point_of : (f,) int
        Row of UMAP's input holding each fitted text (its first copy).
    n_points : int
        Rows of UMAP's input.

    Returns
    -------
    scipy.sparse.csr_matrix (n_points, n_points), symmetric, zero diagonal, weights in (0, LINK_WEIGHT).
    """
    import scipy.sparse as sp

    k = min(LINK_NEIGHBOURS, nearest.shape[1]) if nearest.ndim == 2 else 0
    if k < 2 or not len(nearest):
        return sp.csr_matrix((n_points, n_points))
    rows = np.repeat(point_of[nearest[:, 0]], k - 1)
    cols = point_of[nearest[:, 1:k]].ravel()
    weights = np.tile(1.0 / np.arange(2, k + 1), len(nearest))
    counts = sp.coo_matrix((weights, (rows, cols)), shape=(n_points, n_points)).tocsr()
    counts = (counts + counts.T).tocsr()
    counts.setdiag(0)
    counts.eliminate_zeros()
    if counts.nnz:
        median = float(np.median(counts.data))
        counts.data = LINK_WEIGHT * counts.data / (counts.data + median)
    return counts


def _import_libraries() -> None:
    import hdbscan  # noqa: F401

    _umap_module()


def preload_libraries() -> threading.Thread:
    """Import HDBSCAN and UMAP (about 1.2 s on the dev box) in a background thread; ``join()`` it before
    clustering.

    The pipeline starts it while worker processes embed the texts: the import then overlaps the embedding
    instead of following it (issue 8).
    """
    thread = threading.Thread(target=_import_libraries, name="preload-clustering", daemon=True)
    thread.start()
    return thread
