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
- one theme per short answer (:func:`same_answer_themes`, given the texts' words, with the noise policy): answers
  saying the same words, whatever their order, articles and "and", are placed in the theme holding most of them,
  "non classées" included. The encoder set "Impôts locaux" apart from the theme of "Les impôts locaux." (nearest
  theme, "taxe foncière", at similarity 0.61), left 8 answers "Crèches" "non classées" while "Les crèches" had a
  theme, and put 47 "Santé" in one theme and 91 in another;
- no theme holding most of a question while the density hierarchy splits it (:func:`split_dominant`):
  "eom" then selects again with ``max_cluster_size`` = half the points;
- a finer scale for questions the default one leaves unexplained (:func:`fine_scale`): when HDBSCAN forms
  no theme, or more than ``MAX_NOISE_SHARE`` of the question stays "non classée" after the noise policy, it
  selects again with ``min_cluster_size`` sqrt(n)/2 (at least 3) and ``min_samples`` 2, kept if it leaves
  fewer items out. On a few dozen answers (a commune's consultation, one debate's comments) the default scale
  often formed nothing: of 72 draws of 30 answers from the labelled sets, 23 had no theme and 44 % of the
  answers stayed out; with the finer scale, none and 13 %, and AMI is higher on every set (``bench/quality.py``,
  small questions). The labelled sets in full never reach it (their noise is 2-12 %);
- a layout for every question UMAP can lay out (more than ``n_components + 2`` answers): below 17 answers
  HDBSCAN ran on the vectors themselves, where no three answers are close enough, so a question of 8-16
  answers (one proposal's arguments or comments) almost never had a theme: 100 of 144 draws of 16 answers from
  the labelled sets, 77 % of the answers "non classées"; with the layout 6 draws and 21 %, and AMI higher on
  five of the six sets (``bench/quality.py``, small questions);
- at most ``max_themes`` top-level themes: the closest themes (average linkage on centres) are merged, and the
  merged parts become sub-themes; otherwise each theme is split by HDBSCAN "leaf" on its own members.

Issue 8 (speed at scale), each checked on ``bench/quality.py``:

- **copies counted up to** ``min_samples``: identical vectors (copies of one normalised text) enter UMAP and
  HDBSCAN as at most ``min_samples`` points (a text with that many copies is already a core point at
  distance 0: more copies change no core distance), and every copy gets its text's theme. Theme sizes, the
  order of themes and their centres count every contribution. On ``gd_animation_fiscalite_13`` this fits
  6,296 points instead of 8,609 (one answer has 321 copies), and on the labelled sets it scored as well as
  fitting every copy (one point per distinct text: -0.01 AMI on République numérique, BENCHMARKS.md);
- **fit on a sample above** ``FIT_MAX`` points: UMAP and HDBSCAN run on a seeded sample of distinct texts
  worth at most ``FIT_MAX`` points (``min_cluster_size`` scaled by the sample's share), and every other text
  takes the theme of most of its nearest fitted texts, or meets the noise policy's rule where most of them are
  "non classées" (:func:`assign_unfitted`); the rest stays "non classée" with its reason.
  The texts left out also link, in UMAP's graph, the fitted texts they lie between (:func:`density_links`),
  so that the sample's layout keeps what the whole question says about density. The cost of the reduction is
  then bounded whatever the size of the consultation; ``fit_max`` (a run setting) trades time for quality.
  On 42,150 Grand Débat answers (``bench/quality.py``, scale check, 12 seeds) a 30,000-point sample (the
  default) scores as a full fit (AMI 0.636 vs 0.638), a 10,000-point one 0.611;
- **k-NN searches kept** (:func:`knn`): the exact searches, most of a large question's clustering time, do
  not depend on the clustering settings; with a ``KnnStore`` (the embedding cache) a re-run with other
  settings reads them back (``bench/scale.py``, 100,000 contributions: re-run 24 s, 41 s without them);
- **answers repeated word for word**: a text copied at least ``min_cluster_size`` times (by
  ``prepare.dedup_key``: case, accents and punctuation aside) that no theme takes in, after the noise policy,
  is a theme of its own (:func:`repeated_text_themes`). Its copies enter the fit as ``min_samples`` points,
  too few to be a cluster, so without this rule 146 answers "Santé" could stay "non classées" while
  every theme around them mixes health with other subjects; and a question with a handful of distinct
  answers ("Pour" / "Contre") would have no theme at all.
"""

from __future__ import annotations

import hashlib
import threading
import warnings
from collections import Counter
from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from types import ModuleType
from typing import Any, Protocol, runtime_checkable

import numpy as np

NOISE = -1  # label of an item in no theme ("non classée")
NOISE_ISOLATED = "isolated"  # no theme centre within that theme's distance threshold
NOISE_BETWEEN = "between"  # inside a theme's threshold, but its neighbours are split between themes
NOISE_NO_THEME = "no_theme"  # the question formed no theme at all

EXACT_KNN_MAX = 30_000  # above this, UMAP's own NN-descent is cheaper than the exact (n x n) search
# Above this many points (distinct texts, copies up to min_samples), UMAP and HDBSCAN are fitted on a seeded
# sample of at most this many (module doc).
FIT_MAX = 30_000  # = EXACT_KNN_MAX: a sample never needs NN-descent (numba compiles it for ~38 s per process)
# k-NN searches over at least this many rows squared are kept in the run's KnnStore (see ``knn``)
KNN_STORE_MIN = 5_000
NOISE_VOTE = 0.6  # share of the k nearest clustered neighbours that must agree to join a theme
NOISE_NEIGHBOURS = 10
# Sampled fit: each text left out links its LINK_NEIGHBOURS nearest fitted texts in UMAP's graph, at most
# LINK_WEIGHT strong (see ``density_links``).
LINK_NEIGHBOURS = 5
LINK_WEIGHT = 0.5
# A theme's distance threshold: this quantile of its members' similarity to its centre. 0 (the least typical
# member) scored as well as or better than 0.1 on every set of bench/quality.py (BENCHMARKS.md, Quality
# notes): 0.1 left 4-13 % of items as noise although most sat inside a theme's extent, among its members.
THRESHOLD_QUANTILE = 0.0
NOISE_POLICY = "vote_and_threshold"  # the method's record: NOISE_VOTE of NOISE_NEIGHBOURS, THRESHOLD_QUANTILE
# Issue 4: at most this share of a question's items stay "non classées". Above it, the noise items closest to a
# theme's extent join that theme, flagged as joined (``noise_ceiling``); the manifest says how many.
MAX_NOISE_SHARE = 0.25
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


@dataclass
class ClusterResult:
    """Output of :func:`cluster_embeddings` for n items.

    labels : (n,) int, ``NOISE`` or a theme number 0..k-1 (themes numbered by decreasing size)
    strengths : (n,) float, HDBSCAN membership strength (0 for noise and for items joined by the noise policy;
        1 for the copies of a repeated text made a theme, :func:`repeated_text_themes`)
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

    def take(self, index: np.ndarray) -> ClusterResult:
        """The result for items ``index`` (e.g. each copy of a text gets its distinct text's row)."""
        return ClusterResult(
            labels=self.labels[index],
            strengths=self.strengths[index],
            sublabels=self.sublabels[index],
            reduced=self.reduced[index],
            assigned=self.assigned[index],
            centres=self.centres,
            thresholds=self.thresholds,
            noise_codes=self.noise_codes[index],
            second=self.second[index],
            params=self.params,
        )


def default_min_cluster_size(n_items: int) -> int:
    """Rule for HDBSCAN's ``min_cluster_size``: ``max(n/200 + 5, min(10, sqrt(n)))``, between 5 and 200."""
    floor = min(SMALL_THEME_FLOOR, round(float(np.sqrt(max(n_items, 0)))))
    return int(max(5, min(200, max(round(0.005 * n_items + 5), floor))))


def fine_scale(n_points: int, min_cluster_size: int, min_samples: int) -> tuple[int, int] | None:
    """The finer HDBSCAN scale tried when a question's themes leave too much of it out (module doc):
    ``min_cluster_size`` sqrt(n)/2 (at least ``FINE_MIN_CLUSTER``), ``min_samples`` ``FINE_MIN_SAMPLES``, each
    no larger than at the default scale; None when that scale is no finer."""
    finer = (
        min(min_cluster_size, max(FINE_MIN_CLUSTER, round(float(np.sqrt(n_points)) / 2))),
        min(min_samples, FINE_MIN_SAMPLES),
    )
    return None if finer == (min_cluster_size, min_samples) else finer


def default_epochs(n_points: int) -> int:
    """UMAP optimisation epochs for ``n_points`` fitted points (see ``SMALL_FIT`` and ``LARGE_FIT``)."""
    if n_points <= SMALL_FIT:
        return SMALL_FIT_EPOCHS
    return DEFAULT_EPOCHS if n_points <= LARGE_FIT else LARGE_FIT_EPOCHS


def distinct_rows(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of ``vectors`` (n, d) that are bitwise identical, grouped: ``first`` (m,) index of each distinct
    row's first occurrence (in order), ``inverse`` (n,) position of each row in ``first``, ``counts`` (m,)."""
    v = np.ascontiguousarray(vectors)
    seen: dict[bytes, int] = {}
    inverse = np.fromiter((seen.setdefault(row.tobytes(), len(seen)) for row in v), np.int64, count=len(v))
    first = np.full(len(seen), -1, dtype=np.int64)
    first[inverse[::-1]] = np.arange(len(v))[::-1]  # the last write per slot is the first occurrence
    return first, inverse, np.bincount(inverse, minlength=len(seen))


def exact_knn(
    vectors: np.ndarray, k: int, *, base: np.ndarray | None = None, chunk: int = 512
) -> tuple[np.ndarray, np.ndarray]:
    """The k nearest rows of ``base`` (default: the other rows of ``vectors``) to each row of unit-norm
    ``vectors`` (n, d), by cosine: indices into ``base`` and distances, (n, k).

    Ties are broken by index, so the result does not depend on the chunk size.
    """
    n = vectors.shape[0]
    own = base is None
    b = np.ascontiguousarray(vectors if base is None else base, dtype=np.float32)
    k = min(k, b.shape[0] - 1 if own else b.shape[0])
    v = np.ascontiguousarray(vectors, dtype=np.float32)
    idx = np.empty((n, k), dtype=np.int64)
    dist = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, chunk):
        sims = v[start : start + chunk] @ b.T
        if own:
            rows = np.arange(sims.shape[0])
            sims[rows, start + rows] = -np.inf
        # the k largest (selecting from the top end: measured 6x faster than the k smallest of -sims)
        part = np.argpartition(sims, sims.shape[1] - k, axis=1)[:, -k:]
        part_sims = np.take_along_axis(sims, part, axis=1)
        order = np.lexsort((part, -part_sims), axis=1)
        idx[start : start + chunk] = np.take_along_axis(part, order, axis=1)
        dist[start : start + chunk] = np.maximum(0.0, 1.0 - np.take_along_axis(part_sims, order, axis=1))
    return idx, dist


@runtime_checkable
class KnnStore(Protocol):
    """Where k-NN searches are kept between runs (the embedding cache: ``synthesis.embed.cache``)."""

    def get_knn(self, key: str) -> tuple[np.ndarray, np.ndarray] | None: ...

    def put_knn(self, key: str, idx: np.ndarray, dist: np.ndarray) -> None: ...


def knn_key(vectors: np.ndarray, k: int, base: np.ndarray | None = None) -> str:
    """Key of an :func:`exact_knn` search: a hash of its inputs (the vectors' float32 bytes, ``k``)."""
    shapes = f"exact-cosine-knn-v1 k={k} {vectors.shape} {None if base is None else base.shape}"
    h = hashlib.blake2b(shapes.encode(), digest_size=32)
    for a in (vectors,) if base is None else (vectors, base):
        h.update(np.ascontiguousarray(a, dtype=np.float32).data)
    return h.hexdigest()


def knn(
    vectors: np.ndarray, k: int, *, base: np.ndarray | None = None, store: KnnStore | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`exact_knn`, read from ``store`` when the same search (same vectors, same ``k``) was done before,
    else computed and kept there. The search is what costs most in a large question's clustering and does
    not depend on the clustering settings, so a re-run with other settings finds it. Searches over fewer than
    ``KNN_STORE_MIN``² pairs are recomputed (under a second)."""
    pairs = vectors.shape[0] * (vectors.shape[0] if base is None else base.shape[0])
    if store is None or pairs < KNN_STORE_MIN**2:
        return exact_knn(vectors, k, base=base)
    key = knn_key(vectors, k, base)
    found = store.get_knn(key)
    if found is not None:
        return found
    idx, dist = exact_knn(vectors, k, base=base)
    store.put_knn(key, idx, dist)
    return idx, dist


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


def _hdbscan(
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
        capped, capped_strengths = _hdbscan(points, min_cluster_size, samples, "eom", max_size=cap)
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


def theme_centres(
    embeddings: np.ndarray, labels: np.ndarray, k: int, weights: np.ndarray | None = None
) -> np.ndarray:
    """Unit-norm (weighted) mean embedding of each theme 0..k-1: (k, d)."""
    from scipy.sparse import csr_matrix

    kept = np.flatnonzero(labels != NOISE)
    w = np.ones(len(kept), embeddings.dtype) if weights is None else weights[kept].astype(embeddings.dtype)
    one_hot = csr_matrix((w, (labels[kept], kept)), shape=(k, embeddings.shape[0]))
    centres = np.asarray(one_hot @ embeddings, dtype=np.float64)  # sums in the input's precision: no copy
    norms = np.linalg.norm(centres, axis=1, keepdims=True)
    return centres / np.where(norms == 0, 1.0, norms)


def theme_thresholds(embeddings: np.ndarray, labels: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Each theme's distance threshold: ``THRESHOLD_QUANTILE`` of its members' similarity to its centre."""
    return np.array(
        [np.quantile(embeddings[labels == t] @ centres[t], THRESHOLD_QUANTILE) for t in range(len(centres))]
    )


def _decide(sims: np.ndarray, votes: np.ndarray, thresholds: np.ndarray) -> tuple[np.ndarray, ...]:
    """The noise policy's rule for m items, given their similarity to each of the k theme centres (m, k) and
    the share of their nearest clustered neighbours in each theme (m, k).

    Returns the theme each joins (``NOISE`` if none), the reason code of those that stay noise and, for items
    between two themes, the second one.
    """
    m, k = sims.shape
    labels = np.full(m, NOISE, dtype=np.int64)
    codes = np.full(m, "", dtype=object)
    second = np.full(m, NOISE, dtype=np.int64)
    if k == 0:
        codes[:] = NOISE_NO_THEME
        return labels, codes, second
    best = np.argmax(votes, axis=1)
    inside = sims >= thresholds
    rows = np.arange(m)
    joins = (votes[rows, best] >= NOISE_VOTE) & inside[rows, best]
    labels[joins] = best[joins]
    for row in np.flatnonzero(~joins):
        if inside[row].any():
            ranked = [int(t) for t in np.lexsort((np.arange(k), -votes[row], -sims[row]))]
            codes[row], second[row] = NOISE_BETWEEN, ranked[1] if k > 1 else NOISE
        else:
            codes[row] = NOISE_ISOLATED
    return labels, codes, second


def noise_policy(
    embeddings: np.ndarray, reduced: np.ndarray, labels: np.ndarray, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Decide each noise item: join a theme (clearly inside it) or stay noise with a reason code.

    Returns new labels (n,), assigned (n,) bool, noise codes (n,) str and the second theme (n,) of items
    between two themes. Decisions use the labels as HDBSCAN left them, so the order of items does not matter.
    """
    n = labels.shape[0]
    codes = np.full(n, "", dtype=object)
    second = np.full(n, NOISE, dtype=np.int64)
    noise = np.flatnonzero(labels == NOISE)
    if not len(noise):
        return labels.copy(), np.zeros(n, bool), codes, second
    joined, codes[noise], second[noise] = _policy_decisions(
        embeddings, reduced, labels, weights, embeddings[noise], reduced[noise]
    )
    new = labels.copy()
    new[noise] = joined
    return new, new != labels, codes, second


def _policy_decisions(
    embeddings: np.ndarray,
    reduced: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray | None,
    queries: np.ndarray,
    query_positions: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """:func:`_decide` for items (``queries`` (m, d) in embedding space, ``query_positions`` (m, c) in the
    reduced one) against the themes of the ``labels`` (n,) of items ``embeddings`` (n, d), ``reduced`` (n, c)."""
    k = int(labels.max()) + 1 if len(labels) else 0
    centres = theme_centres(embeddings, labels, k, weights)
    votes = np.zeros((len(queries), k))
    if k:
        clustered = np.flatnonzero(labels != NOISE)
        votes = _neighbour_votes(reduced[clustered], labels[clustered], query_positions, k)
    return _decide(queries @ centres.T, votes, theme_thresholds(embeddings, labels, centres))


def noise_ceiling(
    embeddings: np.ndarray, labels: np.ndarray, weights: np.ndarray, max_share: float = MAX_NOISE_SHARE
) -> tuple[np.ndarray, np.ndarray]:
    """The noise items that join a theme so that at most ``max_share`` of the items (each row standing for
    ``weights`` items) stay noise, and the theme each joins: the items closest to a theme's extent first (their
    similarity to the theme's centre minus the theme's threshold, best theme), ties in row order. Nothing when
    the noise is within the share or there is no theme."""
    noise = np.flatnonzero(labels == NOISE)
    k = int(labels.max()) + 1 if len(labels) else 0
    excess = float(weights[noise].sum()) - max_share * float(weights.sum())
    if excess <= 0 or k == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    centres = theme_centres(embeddings, labels, k, weights)
    margin = embeddings[noise] @ centres.T - theme_thresholds(embeddings, labels, centres)
    best = margin.argmax(axis=1)
    order = np.lexsort((noise, -margin[np.arange(len(noise)), best]))
    count = int(np.searchsorted(np.cumsum(weights[noise][order]), excess, side="left")) + 1
    chosen = np.sort(order[:count])
    return noise[chosen], best[chosen]


def _kept_out(codes: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Reason codes with the noise policy off: every noise item (``noise`` mask) stays out, and those the
    policy would have let join (no code) are reported isolated."""
    return np.where(noise & (codes == ""), NOISE_ISOLATED, codes)


def _neighbour_votes(points: np.ndarray, point_labels: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """(m, k) share of each query's ``NOISE_NEIGHBOURS`` nearest clustered points in each theme."""
    from sklearn.neighbors import NearestNeighbors

    n_nb = min(NOISE_NEIGHBOURS, points.shape[0])
    _, nb = NearestNeighbors(n_neighbors=n_nb).fit(points).kneighbors(queries)
    return _votes(point_labels[nb], k)


def _votes(neighbour_labels: np.ndarray, k: int) -> np.ndarray:
    """(m, k) share of each row of ``neighbour_labels`` (m, n_nb), labels in 0..k-1, in each label."""
    m, n_nb = neighbour_labels.shape
    votes = np.zeros((m, k))
    np.add.at(votes, (np.repeat(np.arange(m), n_nb), neighbour_labels.ravel()), 1.0 / n_nb)
    return votes


def assign_unfitted(
    embeddings: np.ndarray,
    fitted: np.ndarray,
    fit_labels: np.ndarray,
    fit_reduced: np.ndarray,
    weights: np.ndarray | None,
    nearest: np.ndarray,
    policy: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Place texts that UMAP and HDBSCAN did not see (sample fit): as HDBSCAN would have, then the noise policy.

    Each text first takes the label most of its ``NOISE_NEIGHBOURS`` nearest fitted texts have (cosine in
    embedding space), "non classée" counting as one label and winning ties: a text among a theme's members is
    a member, one among the fitted texts left out of every theme is left out too. Those then meet the noise
    policy's rule, as HDBSCAN's own noise does: each is put at the mean reduced position of its neighbours
    (UMAP's own starting point for new data), votes among the clustered fitted texts nearest that position and
    must be inside the theme's extent. On 42,150 Grand Débat answers (bench/quality.py, scale check, seeds 0-2)
    this took AMI from 0.616 to 0.625 and noise from 1.6-3.5 % to 0.1-0.7 % (a full fit leaves 0.3-0.6 %),
    where the noise policy's rule placed every text left out; those texts now score as well as the fitted ones
    (seeds 3-7), so what a sample loses is in its layout. With the noise policy off (``policy``), those texts
    stay "non classées", as HDBSCAN's own noise does.

    Parameters: ``embeddings`` (m, d) of the unfitted texts, ``fitted`` (f, d) and their ``fit_labels`` (f,),
    ``fit_reduced`` (f, c), ``weights`` (f,) of the fitted texts, ``nearest`` (m, ``NOISE_NEIGHBOURS``) the
    unfitted texts' nearest fitted texts (``exact_knn``, searched once for this and for ``density_links``).
    Returns labels (m,), noise codes (m,), the second theme (m,) and the reduced positions (m, c).
    """
    k = int(fit_labels.max()) + 1 if len(fit_labels) else 0
    if k == 0:
        labels, codes, second = _decide(
            np.zeros((len(embeddings), 0)), np.zeros((len(embeddings), 0)), np.zeros(0)
        )
        return labels, codes, second, np.tile(fit_reduced.mean(axis=0), (len(embeddings), 1))
    position = fit_reduced[nearest].mean(axis=1)
    m = len(embeddings)
    # column 0: "non classée"; ties go to the lower column, noise first
    labels = _votes(fit_labels[nearest] + 1, k + 1).argmax(axis=1) - 1
    codes = np.full(m, "", dtype=object)
    second = np.full(m, NOISE, dtype=np.int64)
    noise = np.flatnonzero(labels == NOISE)
    if len(noise):
        joined, codes[noise], second[noise] = _policy_decisions(
            fitted, fit_reduced, fit_labels, weights, embeddings[noise], position[noise]
        )
        if policy:
            labels[noise] = joined
        else:
            codes = _kept_out(codes, labels == NOISE)
    return labels, codes, second, position


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


def join_themes(
    result: ClusterResult, embeddings: np.ndarray, groups: Sequence[Sequence[int]]
) -> ClusterResult:
    """``result`` (one row per item of ``embeddings``) with each group of themes made one theme; themes are
    numbered by size again, their centres and thresholds recomputed, and ``params["joined_themes"]`` counts the
    themes that joined another. The joined theme's sub-themes are its parts' sub-themes, a part not split being
    one sub-theme; where no part is split, it has none (its parts, alike to a reader, would come back as
    sub-themes alike)."""
    labels, second, sublabels = result.labels.copy(), result.second.copy(), result.sublabels.copy()
    for group in groups:
        members = np.isin(labels, group)
        if not (sublabels[members] == NOISE).all():
            offset = 0
            for part in (labels == g for g in group):
                unsplit = (sublabels[part] == NOISE).all()
                sublabels[part] = offset if unsplit else sublabels[part] + offset
                offset = int(sublabels[part].max()) + 1
            sublabels[members] = renumber_by_size(sublabels[members])
        labels[members] = min(group)
        second[np.isin(second, group)] = min(group)
    labels, second = _renumbered(labels, second, np.ones(len(labels)))
    k = int(labels.max()) + 1 if labels.size and labels.max() >= 0 else 0
    centres = theme_centres(embeddings, labels, k)
    joined = int(str(result.params.get("joined_themes", 0))) + sum(len(g) - 1 for g in groups)
    return replace(
        result,
        labels=labels,
        sublabels=sublabels,
        second=second,
        centres=centres,
        thresholds=theme_thresholds(embeddings, labels, centres) if k else np.zeros(0),
        params={**result.params, "joined_themes": joined},
    )


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
    raw, _ = _hdbscan(reduced[fit], sub_mcs, min(5, sub_mcs), "leaf")
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
    (``weights``): each becomes a theme of its own (see the module doc)."""
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


def fit_sample(points: np.ndarray, max_fit: int, random_state: int) -> np.ndarray:
    """Sorted indices of the distinct texts UMAP and HDBSCAN are fitted on, given the number of ``points``
    (m,) each stands for: all of them, or the longest prefix of a seeded permutation that holds at most
    ``max_fit`` points (so that a sample never goes past ``EXACT_KNN_MAX`` into UMAP's NN-descent)."""
    m, total = len(points), int(points.sum())
    if total <= max_fit:
        return np.arange(m)
    order = np.random.default_rng(random_state).permutation(m)
    size = max(1, int(np.searchsorted(np.cumsum(points[order]), max_fit, side="right")))
    return np.sort(order[:size])


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
    max_fit: int = FIT_MAX,
    knn_store: KnnStore | None = None,
    answer_keys: Sequence[Hashable | None] | None = None,
) -> ClusterResult:
    """Cluster unit-norm embeddings (n, d) of one question into themes and sub-themes (see the module doc).

    Identical rows (copies of one text) are clustered together, as at most ``min_samples`` points, and share
    the result. ``knn_store`` keeps the k-NN searches for later runs (:func:`knn`): same result, faster.
    ``answer_keys`` (n,): what each item says, where it is short enough to compare (``None`` elsewhere; the
    pipeline gives :func:`synthesis.labels.answer_words`): items saying the same words are in one theme,
    the one holding most of them (:func:`same_answer_themes`, with the noise policy).
    """
    first, inverse, counts = distinct_rows(embeddings)
    result = _cluster_distinct(
        embeddings[first],
        counts,
        keys=None if answer_keys is None else _row_keys(answer_keys, inverse, len(first)),
        n_components=n_components,
        n_neighbors=n_neighbors,
        min_cluster_size=min_cluster_size,
        min_samples=min_samples,
        cluster_selection_method=cluster_selection_method,
        subclusters=subclusters,
        max_themes=max_themes,
        noise_policy_on=noise_policy_on,
        n_epochs=n_epochs,
        random_state=random_state,
        max_fit=max_fit,
        knn_store=knn_store,
    )
    result.params["contributions"] = int(embeddings.shape[0])
    return result.take(inverse)


def _row_keys(
    answer_keys: Sequence[Hashable | None], inverse: np.ndarray, m: int
) -> list[frozenset[Hashable]]:
    """The answer keys of the items of each distinct row: copies sharing one vector may be read differently
    ("Elus et associations" and "élus et associations": the lemma table knows the accented word only)."""
    # only the rows with a key: 100,000 empty sets cost garbage collections
    rows: dict[int, set[Hashable]] = {}
    for key, row in zip(answer_keys, inverse.tolist(), strict=True):
        if key is not None:
            rows.setdefault(row, set()).add(key)
    none: frozenset[Hashable] = frozenset()
    return [frozenset(rows[r]) if r in rows else none for r in range(m)]


def _cluster_distinct(
    X: np.ndarray,
    weights: np.ndarray,
    *,
    n_components: int,
    n_neighbors: int,
    min_cluster_size: int | None,
    min_samples: int | None,
    cluster_selection_method: str,
    subclusters: bool,
    max_themes: int,
    noise_policy_on: bool,
    n_epochs: int | None,
    random_state: int,
    max_fit: int,
    knn_store: KnnStore | None,
    keys: Sequence[Collection[Hashable]] | None = None,
) -> ClusterResult:
    """:func:`cluster_embeddings` on distinct rows ``X`` (m, d), each standing for ``weights`` (m,) items
    (``keys``: the ways each is said)."""
    m = X.shape[0]
    points = np.minimum(weights, min_samples or DEFAULT_MIN_SAMPLES)  # what each text weighs in the fit
    mcs = min_cluster_size or default_min_cluster_size(int(points.sum()))
    ms = min_samples or max(1, min(mcs, DEFAULT_MIN_SAMPLES))
    fit = fit_sample(points, max_fit, random_state)
    fit_points = np.repeat(fit, points[fit])
    mcs_fit = mcs if len(fit) == m else max(2, round(mcs * len(fit_points) / points.sum()))
    ms_fit = min(ms, mcs_fit)
    first_point = np.cumsum(points[fit]) - points[fit]  # each text's first point
    fitted = np.zeros(m, bool)
    fitted[fit] = True
    rest = np.flatnonzero(~fitted)
    # the texts left out: their nearest fitted texts link the layout graph, then place them (one search)
    nearest = knn(X[rest], NOISE_NEIGHBOURS, base=X[fit], store=knn_store)[0] if len(rest) else None
    point_reduced = reduce(
        X[fit_points],
        n_components=n_components,
        n_neighbors=n_neighbors,
        random_state=random_state,
        n_epochs=n_epochs,
        links=None if nearest is None else density_links(nearest, first_point, len(fit_points)),
        store=knn_store,
    )
    fit_reduced = point_reduced[first_point]

    def density_themes(mcs_: int, ms_: int) -> tuple[Any, ...]:
        """HDBSCAN at this scale, then the noise policy: labels, assigned, codes, second, strengths, split."""
        point_raw, point_strengths = _hdbscan(point_reduced, mcs_, ms_, cluster_selection_method)
        split = False
        if cluster_selection_method == "eom":
            point_raw, point_strengths, split = split_dominant(
                point_reduced, point_raw, point_strengths, mcs_, ms_
            )
        raw = renumber_by_size(point_raw[first_point], weights[fit])
        decided = noise_policy(X[fit], fit_reduced, raw, weights[fit])
        if not noise_policy_on:
            decided = (raw, decided[1], _kept_out(decided[2], raw == NOISE), decided[3])
        return (*decided, point_strengths[first_point], split)

    def noise_share(fit_labels: np.ndarray) -> float:
        return float(weights[fit][fit_labels == NOISE].sum()) / float(weights[fit].sum())

    fitted_themes = density_themes(mcs_fit, ms_fit)
    finer = (
        fine_scale(len(fit_points), mcs_fit, ms_fit)
        if noise_policy_on and min_cluster_size is None and min_samples is None
        else None
    )
    fine_used = None
    # m = 0: every answer of the question was excluded (non-answers), no text to select again
    if finer and m and (fitted_themes[0].max() == NOISE or noise_share(fitted_themes[0]) > MAX_NOISE_SHARE):
        retry = density_themes(*finer)
        if noise_share(retry[0]) < noise_share(fitted_themes[0]):
            fitted_themes, fine_used = retry, {"min_cluster_size": finer[0], "min_samples": finer[1]}
    fit_labels, fit_assigned, fit_codes, fit_second, fit_strengths, dominant_split = fitted_themes

    labels = np.full(m, NOISE, dtype=np.int64)
    labels[fit] = fit_labels
    assigned = np.ones(m, bool)
    assigned[fit] = fit_assigned
    codes = np.full(m, "", dtype=object)
    codes[fit] = fit_codes
    second = np.full(m, NOISE, dtype=np.int64)
    second[fit] = fit_second
    strengths = np.zeros(m)
    strengths[fit] = np.where((fit_labels == NOISE) | fit_assigned, 0.0, fit_strengths)
    reduced = np.zeros((m, fit_reduced.shape[1]))
    reduced[fit] = fit_reduced
    if nearest is not None:  # a sampled fit: place the texts left out
        labels[rest], codes[rest], second[rest], reduced[rest] = assign_unfitted(
            X[rest], X[fit], fit_labels, fit_reduced, weights[fit], nearest, noise_policy_on
        )
        assigned[rest] = labels[rest] != NOISE
    # numbered by size again: sizes now count the items the noise policy let in, and the unfitted texts
    labels, second = _renumbered(labels, second, weights)

    repeated = repeated_text_themes(labels, weights, mcs)
    if len(repeated):
        labels[repeated] = int(labels.max()) + 1 + np.arange(len(repeated))
        codes[repeated], second[repeated], assigned[repeated], strengths[repeated] = "", NOISE, False, 1.0
        labels, second = _renumbered(labels, second, weights)

    same_joined = same_moved = 0
    if noise_policy_on and keys is not None:
        same_placed, themes = same_answer_themes(labels, keys, weights)
        if len(same_placed):
            same_joined = int(weights[same_placed][labels[same_placed] == NOISE].sum())
            same_moved = int(weights[same_placed].sum()) - same_joined
            labels[same_placed], codes[same_placed], strengths[same_placed] = themes, "", 0.0
            second[same_placed], assigned[same_placed] = NOISE, True
            labels, second = _renumbered(labels, second, weights)

    ceiling_joined = np.zeros(0, np.int64)
    if noise_policy_on:
        ceiling_joined, themes = noise_ceiling(X, labels, weights, MAX_NOISE_SHARE)
        if len(ceiling_joined):
            labels[ceiling_joined], codes[ceiling_joined] = themes, ""
            second[ceiling_joined], assigned[ceiling_joined] = NOISE, True
            labels, second = _renumbered(labels, second, weights)  # themes stay numbered by size

    top, sublabels = merge_themes(X, labels, max_themes, weights)
    second = np.where(second == NOISE, NOISE, _map_labels(labels, top, second))
    k = int(top.max()) + 1 if m and top.max() >= 0 else 0
    if subclusters:
        _split_unmerged(X, reduced, top, sublabels, mcs_fit, weights, fitted)
    centres = theme_centres(X, top, k, weights)
    return ClusterResult(
        labels=top,
        strengths=strengths,
        sublabels=sublabels,
        reduced=reduced,
        assigned=assigned & (top != NOISE),
        centres=centres,
        thresholds=theme_thresholds(X, top, centres) if k else np.zeros(0),
        noise_codes=codes,
        second=second,
        params=_params(locals(), mcs, ms),
    )


def _params(args: dict[str, object], mcs: int, ms: int) -> dict[str, object]:
    """The parameters actually used by :func:`cluster_embeddings` (rules resolved), for the manifest."""
    m, fitted = args["m"], len(args["fit"])  # type: ignore[arg-type]
    return {
        "reduction": "umap",
        "n_components": args["n_components"],
        "n_neighbors": args["n_neighbors"],
        "n_epochs": args["n_epochs"] or default_epochs(len(args["fit_points"])),  # type: ignore[arg-type]
        "init": "pca",
        "exact_knn": len(args["fit_points"]) <= EXACT_KNN_MAX,  # type: ignore[arg-type]
        "distinct_texts": m,
        "fitted_on": fitted,
        "fit_points": len(args["fit_points"]),  # type: ignore[arg-type]
        # texts left out of a sampled fit link their LINK_NEIGHBOURS nearest fitted texts (density_links)
        "density_links": LINK_NEIGHBOURS if fitted < m else 0,  # type: ignore[operator]
        "min_cluster_size": mcs,
        "min_cluster_size_fit": args["mcs_fit"],
        "min_samples": ms,
        # the finer scale the themes come from when the default one left too much out (fine_scale), else None
        "fine_scale": args["fine_used"],
        "cluster_selection_method": args["cluster_selection_method"],
        # a theme holding more than MAX_THEME_SHARE of the points was split along the hierarchy (split_dominant)
        "dominant_split": args["dominant_split"],
        "noise_policy": NOISE_POLICY if args["noise_policy_on"] else "none",
        "noise_vote": NOISE_VOTE if args["noise_policy_on"] else None,
        "noise_neighbours": NOISE_NEIGHBOURS if args["noise_policy_on"] else None,
        "noise_threshold_quantile": THRESHOLD_QUANTILE if args["noise_policy_on"] else None,
        # at most this share of the items stays noise; how many items joined a theme because of it
        "noise_ceiling": MAX_NOISE_SHARE if args["noise_policy_on"] else "none",
        # short answers placed with most of the contributions saying the same words (same_answer_themes):
        # "non classées" that joined a theme, and members of a theme that moved to another
        "same_answer_joined": args["same_joined"],
        "same_answer_moved": args["same_moved"],
        "noise_ceiling_joined": int(args["weights"][args["ceiling_joined"]].sum()),  # type: ignore[index]
        # texts copied at least min_cluster_size times that no theme took in: a theme each
        "repeated_text_themes": len(args["repeated"]),  # type: ignore[arg-type]
        "max_themes": args["max_themes"],
        # themes joined to another because their labels read the same (join_themes, by the report)
        "joined_themes": 0,
        "random_state": args["random_state"],
    }


def _split_unmerged(
    embeddings: np.ndarray,
    reduced: np.ndarray,
    top: np.ndarray,
    sublabels: np.ndarray,
    mcs: int,
    weights: np.ndarray,
    fitted: np.ndarray,
) -> None:
    """Fill ``sublabels`` in place for each theme that merging did not already split."""
    for t in range(int(top.max()) + 1 if top.size else 0):
        idx = np.flatnonzero(top == t)
        if (sublabels[idx] == NOISE).all():
            sublabels[idx] = split_theme(embeddings[idx], reduced[idx], mcs, weights[idx], fitted[idx])


def _renumbered(labels: np.ndarray, second: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``labels`` renumbered by size (:func:`renumber_by_size`), and the second themes in the new numbering."""
    renumbered = renumber_by_size(labels, weights)
    return renumbered, np.where(second == NOISE, NOISE, _map_labels(labels, renumbered, second))


def _map_labels(old: np.ndarray, new: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Translate theme numbers ``values`` from the ``old`` numbering to the ``new`` one (after merging)."""
    mapping = {int(o): int(m) for o, m in zip(old[old != NOISE], new[old != NOISE], strict=True)}
    return np.array([mapping.get(int(v), NOISE) for v in values], dtype=np.int64)
