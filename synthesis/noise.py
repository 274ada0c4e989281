"""The noise policy (issue 4): the items HDBSCAN left out, and the texts a sampled fit did not see, join a
theme only when clearly inside it (``NOISE_VOTE`` of their ``NOISE_NEIGHBOURS`` nearest clustered neighbours
in it, and a similarity to its centre at least its least typical member's: ``THRESHOLD_QUANTILE``); the
others stay "non classées" with a reason (``NOISE_ISOLATED``, ``NOISE_BETWEEN``, ``NOISE_NO_THEME``), at
most ``MAX_NOISE_SHARE`` of a question (:func:`noise_ceiling`). Themes' centres and distance thresholds."""

from __future__ import annotations

import numpy as np

NOISE = -1  # label of an item in no theme ("non classée")
NOISE_ISOLATED = "isolated"  # no theme centre within that theme's distance threshold
NOISE_BETWEEN = "between"  # inside a theme's threshold, but its neighbours are split between themes
NOISE_NO_THEME = "no_theme"  # the question formed no theme at all

NOISE_VOTE = 0.6  # share of the k nearest clustered neighbours that must agree to join a theme
NOISE_NEIGHBOURS = 10
# A theme's distance threshold: this quantile of its members' similarity to its centre. 0 (the least typical
# member) scored as well as or better than 0.1 on every set of bench/quality.py (BENCHMARKS.md, Quality
# notes): 0.1 left 4-13 % of items as noise although most sat inside a theme's extent, among its members.
THRESHOLD_QUANTILE = 0.0
NOISE_POLICY = "vote_and_threshold"  # the method's record: NOISE_VOTE of NOISE_NEIGHBOURS, THRESHOLD_QUANTILE
# Issue 4: at most this share of a question's items stay "non classées". Above it, the noise items closest to a
# theme's extent join that theme, flagged as joined (``noise_ceiling``); the manifest says how many.
MAX_NOISE_SHARE = 0.25


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


def kept_out(codes: np.ndarray, noise: np.ndarray) -> np.ndarray:
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
            codes = kept_out(codes, labels == NOISE)
    return labels, codes, second, position
