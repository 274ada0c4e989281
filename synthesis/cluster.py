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

This module runs the steps (:func:`cluster_embeddings`); each lives in its own module: the k-NN searches in
:mod:`synthesis.neighbours`, UMAP in :mod:`synthesis.reduction`, HDBSCAN's scale, selection, merges and splits
in :mod:`synthesis.themes`, the noise policy and the themes' centres in :mod:`synthesis.noise`.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from synthesis.neighbours import EXACT_KNN_MAX, KnnStore, knn
from synthesis.noise import (
    MAX_NOISE_SHARE,
    NOISE,
    NOISE_NEIGHBOURS,
    NOISE_POLICY,
    NOISE_VOTE,
    THRESHOLD_QUANTILE,
    assign_unfitted,
    kept_out,
    noise_ceiling,
    noise_policy,
    theme_centres,
    theme_thresholds,
)
from synthesis.reduction import LINK_NEIGHBOURS, default_epochs, density_links, reduce
from synthesis.themes import (
    DEFAULT_MIN_SAMPLES,
    default_min_cluster_size,
    fine_scale,
    hdbscan_labels,
    merge_themes,
    renumber_by_size,
    repeated_text_themes,
    same_answer_themes,
    split_dominant,
    split_theme,
)

# Above this many points (distinct texts, copies up to min_samples), UMAP and HDBSCAN are fitted on a seeded
# sample of at most this many (module doc).
FIT_MAX = 30_000  # = EXACT_KNN_MAX: a sample never needs NN-descent (numba compiles it for ~38 s per process)


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


def distinct_rows(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of ``vectors`` (n, d) that are bitwise identical, grouped: ``first`` (m,) index of each distinct
    row's first occurrence (in order), ``inverse`` (n,) position of each row in ``first``, ``counts`` (m,)."""
    v = np.ascontiguousarray(vectors)
    seen: dict[bytes, int] = {}
    inverse = np.fromiter((seen.setdefault(row.tobytes(), len(seen)) for row in v), np.int64, count=len(v))
    first = np.full(len(seen), -1, dtype=np.int64)
    first[inverse[::-1]] = np.arange(len(v))[::-1]  # the last write per slot is the first occurrence
    return first, inverse, np.bincount(inverse, minlength=len(seen))


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
        point_raw, point_strengths = hdbscan_labels(point_reduced, mcs_, ms_, cluster_selection_method)
        split = False
        if cluster_selection_method == "eom":
            point_raw, point_strengths, split = split_dominant(
                point_reduced, point_raw, point_strengths, mcs_, ms_
            )
        raw = renumber_by_size(point_raw[first_point], weights[fit])
        decided = noise_policy(X[fit], fit_reduced, raw, weights[fit])
        if not noise_policy_on:
            decided = (raw, decided[1], kept_out(decided[2], raw == NOISE), decided[3])
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
