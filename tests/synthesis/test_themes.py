"""HDBSCAN's themes (issue 4): sub-themes, and the selection made again where one theme holds most of a question."""

import numpy as np

from synthesis.noise import NOISE


def _broad_region_and_a_far_blob(spread: float, seed: int = 0) -> np.ndarray:
    """Six sub-blobs of 150 points close together (centres ~N(0, spread)), and 60 points far away, in 5-d."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, spread, (6, 5))
    region = np.vstack([c + rng.normal(0, 0.25, (150, 5)) for c in centres])
    return np.vstack([region, rng.normal(0, 0.25, (60, 5)) + 12])


def test_a_dominant_theme_is_split_along_the_density_hierarchy():
    from synthesis.themes import MAX_THEME_SHARE, hdbscan_labels, split_dominant

    x = _broad_region_and_a_far_blob(0.8)
    raw, strengths = hdbscan_labels(x, 20, 5, "eom")
    assert np.bincount(raw[raw >= 0]).max() == 900  # "eom" keeps the broad region whole
    labels, _, split = split_dominant(x, raw, strengths, 20, 5)
    sizes = np.bincount(labels[labels >= 0])
    assert split and sizes.max() <= MAX_THEME_SHARE * len(x)
    assert len(np.unique(labels[:900][labels[:900] >= 0])) >= 3  # the region's own sub-clusters
    assert len(np.unique(labels[900:])) == 1 and labels[900] >= 0  # the far blob untouched
    assert (labels == -1).mean() <= MAX_THEME_SHARE


def test_sub_themes_are_numbered_by_size_once_every_member_is_placed():
    # a theme of "Utiliser les logiciels libres ... dans les écoles" (République numérique) listed its sub-themes
    # of 23 and 41 arguments in that order: numbered before HDBSCAN's noise joined the nearest
    from synthesis.themes import split_theme

    rng = np.random.default_rng(0)
    core_a, core_b = rng.normal(0, 0.05, (12, 2)), rng.normal(0, 0.05, (14, 2)) + [10, 0]
    alone = np.array([[-40, 30], [35, 40], [-30, -45], [45, -35]])  # each alone in the layout: noise
    reduced = np.vstack([core_a, core_b, alone]).astype(np.float32)
    vectors = np.zeros((30, 3), np.float32)
    vectors[:12, 0] = vectors[12:26, 1] = vectors[26:, 0] = 1
    vectors[26:, 2] = 0.5  # the four read as the first core's texts
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    sub = split_theme(vectors, reduced, 10)
    assert sub.tolist() == [0] * 12 + [1] * 14 + [0] * 4  # 16 members, then 14


def test_a_homogeneous_dominant_theme_is_kept_whole():
    from synthesis.themes import hdbscan_labels, split_dominant

    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(0, 1, (900, 5)), rng.normal(0, 0.25, (60, 5)) + 12])
    raw, strengths = hdbscan_labels(x, 20, 5, "eom")
    labels, _, split = split_dominant(x, raw, strengths, 20, 5)
    # a leaf of the hierarchy: the cap would only turn it into noise
    assert not split and np.array_equal(labels, raw) and np.bincount(raw[raw >= 0]).max() == 900


def test_a_capped_selection_leaving_most_points_out_is_made_again_with_fewer_samples(monkeypatch):
    # gd_animation_organisation_32.csv: the capped selection left 51.7 % out with min_samples 5, 38.6 % with 2,
    # and one theme kept 90 % of the answers
    from synthesis import themes

    raw, calls, noisy = np.zeros(100, np.int64), [], {5}

    def capped(points, mcs, samples, method, max_size=0):
        calls.append(samples)
        labels = np.repeat([0, 1, 2], [20, 20, 60])
        labels[40:] = NOISE if samples in noisy else labels[40:]  # 60 % left out
        return labels, np.ones(100)

    monkeypatch.setattr(themes, "hdbscan_labels", capped)
    labels, _, split = themes.split_dominant(np.zeros((100, 5)), raw, np.ones(100), 10, 5)
    assert split and calls == [5, themes.FINE_MIN_SAMPLES] and (labels == NOISE).mean() == 0
    calls.clear()
    noisy.add(2)  # fewer samples leave too much out as well: the dominant theme stays
    labels, _, split = themes.split_dominant(np.zeros((100, 5)), raw, np.ones(100), 10, 5)
    assert not split and calls == [5, 2] and np.array_equal(labels, raw)
    calls.clear()
    assert not themes.split_dominant(np.zeros((100, 5)), raw, np.ones(100), 10, 2)[2] and calls == [2]
