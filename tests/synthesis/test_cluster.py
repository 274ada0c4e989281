"""Clustering (issue 4): determinism, hierarchy consistency, noise reasons, at most ``max_themes`` themes.

Synthetic blobs on the unit sphere for the algorithm; a real Grand Débat sample through the whole pipeline
(seeded hash embedder) for the report: hierarchy, every noise item's reason, verbatim quotes, determinism.
"""

import json

import numpy as np
import pytest

from schemas import RunSettings
from synthesis.cluster import cluster_embeddings, distinct_rows, fit_sample, join_themes
from synthesis.embed import get_embedder
from synthesis.neighbours import exact_knn, knn
from synthesis.noise import NOISE, NOISE_BETWEEN, NOISE_ISOLATED, NOISE_NO_THEME
from synthesis.pipeline import cluster_question, run
from synthesis.records import Contribution
from synthesis.reduction import reduce
from synthesis.report import NOISE_REASONS, render_json
from synthesis.themes import (
    default_min_cluster_size,
    fine_scale,
    renumber_by_size,
    repeated_text_themes,
    same_answer_themes,
)
from tests.utils.data import granddebat_answers
from tests.utils.fake_embedder import HashEmbedder


def blobs(n_blobs=4, per_blob=60, n_outliers=12, dim=24, seed=0):
    """Well-separated unit-norm clusters plus scattered outliers; returns (vectors, true labels with -1)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((n_blobs, dim)) * 4
    x = np.vstack([c + rng.standard_normal((per_blob, dim)) * 0.6 for c in centres])
    y = np.repeat(np.arange(n_blobs), per_blob)
    x = np.vstack([x, rng.standard_normal((n_outliers, dim)) * 4])
    y = np.concatenate([y, np.full(n_outliers, -1)])
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32), y


@pytest.fixture(scope="module")
def result():
    x, _ = blobs()
    return cluster_embeddings(x, random_state=0)


def test_finds_the_blobs(result):
    from sklearn.metrics import adjusted_rand_score

    _, y = blobs()
    inside = y >= 0
    assert len(set(result.labels.tolist()) - {NOISE}) == 4
    assert adjusted_rand_score(y[inside], result.labels[inside]) > 0.9  # well-separated blobs: near perfect


def test_deterministic(result):
    x, _ = blobs()
    again = cluster_embeddings(x, random_state=0)
    for field in ("labels", "sublabels", "strengths", "reduced", "assigned", "second"):
        assert np.array_equal(getattr(result, field), getattr(again, field)), field
    assert list(result.noise_codes) == list(again.noise_codes)


def test_every_noise_item_has_a_reason_code(result):
    noise = result.labels == NOISE
    assert set(result.noise_codes[noise]) <= {NOISE_ISOLATED, NOISE_BETWEEN}
    assert all(c == "" for c in result.noise_codes[~noise])
    assert not (result.assigned & noise).any()
    assert np.all(result.strengths[result.assigned] == 0)


def test_max_themes_merges_into_sub_themes():
    x, _ = blobs(n_blobs=6, per_blob=40)
    r = cluster_embeddings(x, max_themes=3, random_state=0)
    themes = set(r.labels.tolist()) - {NOISE}
    assert len(themes) <= 3
    assert any(len(set(r.sublabels[r.labels == t].tolist()) - {NOISE}) > 1 for t in themes)
    assert np.all(r.sublabels[r.labels == NOISE] == NOISE)  # sub-themes only inside themes


def test_no_theme_when_too_few_items():
    x, _ = blobs(n_blobs=1, per_blob=3, n_outliers=0)
    r = cluster_embeddings(x, random_state=0)
    assert np.all(r.labels == NOISE)
    assert set(r.noise_codes) == {NOISE_NO_THEME}


def test_a_small_question_the_default_scale_leaves_out_gets_themes_at_a_finer_scale():
    # 30 texts: three tight groups of 4 among 18 scattered ones; the default min_cluster_size (5) forms nothing
    x, y = blobs(n_blobs=3, per_blob=4, n_outliers=18, seed=0)
    given = cluster_embeddings(x, random_state=0, min_cluster_size=5, min_samples=5)  # a user's choice: kept
    assert (given.labels == NOISE).all() and given.params["fine_scale"] is None
    r = cluster_embeddings(x, random_state=0)
    assert r.params["min_cluster_size"] == 5 and r.params["fine_scale"] == {
        "min_cluster_size": 3,
        "min_samples": 2,
    }
    groups = [set(r.labels[y == g].tolist()) for g in range(3)]
    assert all(len(g) == 1 for g in groups) and len(set.union(*groups) - {NOISE}) == 3
    assert (r.labels == NOISE).mean() <= 0.25 and NOISE_NO_THEME not in set(r.noise_codes)
    assert cluster_embeddings(x, random_state=0).labels.tolist() == r.labels.tolist()


def test_umap_lays_out_any_question_it_can():
    x, _ = blobs(n_blobs=2, per_blob=4, n_outliers=0, dim=24)  # 8 points: more than n_components + 2
    assert reduce(x, n_components=5, n_neighbors=15, random_state=0).shape == (8, 5)
    too_few = reduce(x[:7], n_components=5, n_neighbors=15, random_state=0)
    assert np.array_equal(too_few, x[:7].astype(np.float64))  # returned unchanged


@pytest.mark.slow
def test_a_question_of_sixteen_real_answers_gets_themes():
    # Without a layout (below 17 points, before the fifteenth round) none of these draws formed a theme: HDBSCAN
    # on the 512-d vectors themselves finds no three answers that close.
    answers = [
        t for t in granddebat_answers("gd_animation_organisation_15.csv", limit=400) if len(t.split()) >= 3
    ]
    embedder = get_embedder("use-multilingual")
    for draw in range(3):
        texts = [answers[i] for i in np.random.default_rng(draw).choice(len(answers), 16, replace=False)]
        r = cluster_question(embedder.embed(texts), RunSettings(), texts=texts)
        assert r.labels.max() >= 1 and (r.labels == NOISE).mean() <= 0.25, draw


def test_copies_share_their_text_theme_and_count_in_sizes():
    x, _ = blobs()
    copies = np.vstack([x, np.repeat(x[:1], 40, axis=0)])  # one text of the first blob, 40 more times
    r = cluster_embeddings(copies, random_state=0)
    assert set(r.labels[-40:].tolist()) == {r.labels[0]} and r.labels[0] != NOISE
    assert r.params["distinct_texts"] == len(x) and r.params["contributions"] == len(copies)
    assert r.params["fit_points"] == len(x) + 4  # copies enter the fit as at most min_samples (5) points
    sizes = np.bincount(r.labels[r.labels != NOISE])
    assert (
        sizes[0] == (r.labels == r.labels[0]).sum() >= 60 + 40
    )  # theme 0 is the biggest: it counts the copies
    first, inverse, counts = distinct_rows(copies)
    assert len(first) == len(x) and counts[0] == 41 and np.array_equal(copies[first][inverse], copies)


def test_a_handful_of_repeated_answers_gives_one_theme_each():
    rng = np.random.default_rng(0)
    texts = rng.standard_normal((3, 24)).astype(np.float32)
    texts /= np.linalg.norm(texts, axis=1, keepdims=True)
    r = cluster_embeddings(np.repeat(texts[:2], [500, 300], axis=0), random_state=0)
    assert r.labels[:500].tolist() == [0] * 500 and r.labels[500:].tolist() == [1] * 300
    labels, weights = np.array([NOISE, NOISE, NOISE, 0]), np.array([2, 300, 500, 40])
    assert repeated_text_themes(labels, weights, 5).tolist() == [1, 2]  # copied twice, or in a theme: no
    one = cluster_embeddings(np.repeat(texts[:1], 50, axis=0), random_state=0)
    assert set(one.labels.tolist()) == {0}
    x, _ = blobs(n_blobs=1, per_blob=3, n_outliers=0)  # three different texts: still no theme
    assert set(cluster_embeddings(x, random_state=0).labels.tolist()) == {NOISE}


def test_an_answer_repeated_word_for_word_that_no_theme_takes_in_is_a_theme():
    x, y = blobs()
    middle = sum(x[y == k].mean(axis=0) for k in range(4))  # as far from every blob: no theme takes it in
    middle /= np.linalg.norm(middle)
    copies = np.vstack([x, np.repeat(middle[None], 40, axis=0)])  # one text, 40 times
    r = cluster_embeddings(copies, random_state=0)
    theme = r.labels[len(x)]
    assert theme != NOISE and (r.labels[len(x) :] == theme).all() and (r.labels[: len(x)] != theme).all()
    assert r.params["repeated_text_themes"] == 1 and not r.assigned[len(x) :].any()
    assert (r.noise_codes[len(x) :] == "").all() and (r.strengths[len(x) :] == 1.0).all()
    sizes = np.bincount(r.labels[r.labels != NOISE])
    assert sizes[theme] == 40 and (np.diff(sizes) <= 0).all()  # numbered by size, copies counted
    few = cluster_embeddings(np.vstack([x, np.repeat(middle[None], 3, axis=0)]), random_state=0)
    assert few.params["repeated_text_themes"] == 0  # 3 copies: fewer than min_cluster_size


def test_a_short_answer_is_in_the_theme_holding_most_of_it_non_classees_included():
    x, _ = blobs(n_blobs=3, per_blob=30, n_outliers=120, dim=48)  # 12.9 % noise (test below)
    plain = cluster_embeddings(x, random_state=0)
    alone = np.flatnonzero(plain.labels == NOISE)[:2].tolist()  # two items no theme takes in...
    member = int(np.flatnonzero(plain.labels == 2)[0])
    keys: list[object] = [None] * len(x)
    keys[alone[0]] = keys[member] = frozenset({"impot", "local"})  # ...the first says what a member says
    keys[alone[1]] = frozenset({"creche"})  # the second what no member says
    r = cluster_embeddings(x, random_state=0, answer_keys=keys)
    assert r.labels[alone[0]] == r.labels[member] != NOISE and r.assigned[alone[0]]
    assert r.noise_codes[alone[0]] == "" and r.second[alone[0]] == NOISE
    assert r.labels[alone[1]] == NOISE and r.params["same_answer_joined"] == 1
    assert r.params["same_answer_moved"] == 0
    others = np.ones(len(x), bool)
    others[alone[0]] = False
    assert np.array_equal(r.labels[others] == NOISE, plain.labels[others] == NOISE)
    assert (
        cluster_embeddings(x, random_state=0, answer_keys=keys, noise_policy_on=False).labels[alone[0]]
        == NOISE
    )

    # the theme holding most of the answer's contributions (a tie: the larger theme, the lower number)
    labels, weights = np.array([0, 1, 1, NOISE, NOISE, NOISE]), np.array([3, 1, 1, 1, 1, 1])
    keys = [{"a"}, {"a"}, {"a"}, {"a"}, set(), {"b"}]
    rows, themes = same_answer_themes(labels, keys, weights)
    assert rows.tolist() == [1, 2, 3] and themes.tolist() == [0, 0, 0]  # theme 1 holds fewer "a": they move
    rows, themes = same_answer_themes(labels, keys, np.ones(6))
    assert rows.tolist() == [0, 3] and themes.tolist() == [1, 1]
    rows, themes = same_answer_themes(np.array([0, 1, NOISE]), [{"a"}, {"a"}, {"a"}], np.ones(3))
    assert rows.tolist() == [1, 2] and themes.tolist() == [0, 0]
    # copies sharing one vector may be read two ways ("Elus", "élus"): either way joins
    assert same_answer_themes(np.array([NOISE, 1]), [{"elus", "elu"}, {"elu"}], np.ones(2))[1].tolist() == [1]
    # an answer in two themes goes to the one holding most of it, or to the larger theme
    rows, themes = same_answer_themes(np.array([0, 0, 1, 1, 1, 2]), [{"a"}] * 5 + [set()], np.ones(6))
    assert rows.tolist() == [0, 1] and themes.tolist() == [1, 1]
    rows, themes = same_answer_themes(np.array([0, 1]), [{"a"}, {"a"}], np.ones(2))
    assert rows.tolist() == [1] and themes.tolist() == [0]

    # a theme whose every member says what more members of another say is emptied: themes numbered again
    k = int(plain.labels.max()) + 1
    smallest, largest = np.flatnonzero(plain.labels == k - 1), np.flatnonzero(plain.labels == 0)
    keys = [None] * len(x)
    for i in [*smallest, *largest[: len(smallest) + 1]]:
        keys[i] = "a"
    r = cluster_embeddings(x, random_state=0, answer_keys=keys)
    assert set(r.labels.tolist()) - {NOISE} == set(range(k - 1)) and r.centres.shape[0] == k - 1
    assert len(set(r.labels[smallest].tolist())) == 1 and r.params["same_answer_moved"] == len(smallest)


def test_sampled_fit_places_every_text_deterministically():
    x, y = blobs(n_blobs=4, per_blob=400, n_outliers=40, seed=1)
    r = cluster_embeddings(x, random_state=0, max_fit=600)
    assert r.params["fitted_on"] < r.params["distinct_texts"] == len(x)
    assert r.params["min_cluster_size_fit"] < r.params["min_cluster_size"]
    assert r.params["density_links"] == 5
    again = cluster_embeddings(x, random_state=0, max_fit=600)
    assert np.array_equal(r.labels, again.labels) and list(r.noise_codes) == list(again.noise_codes)
    noise = r.labels == NOISE
    assert set(r.noise_codes[noise]) <= {NOISE_ISOLATED, NOISE_BETWEEN}
    assert all(c == "" for c in r.noise_codes[~noise])
    from sklearn.metrics import adjusted_rand_score

    inside = y >= 0
    blob_theme = {b: np.bincount(r.labels[y == b][r.labels[y == b] >= 0]).argmax() for b in range(4)}
    assert len(set(blob_theme.values())) == 4  # one theme per blob
    for theme in set(r.labels.tolist()) - {NOISE} - set(blob_theme.values()):
        assert (
            y[r.labels == theme] < 0
        ).all()  # any other theme gathers random outliers only, as a full fit does
    assert (
        adjusted_rand_score(y[inside], r.labels[inside]) > 0.9
    )  # texts outside the sample land in their blob
    assert np.isfinite(r.reduced).all()


def test_knn_searches_are_kept_and_read_back_bitwise(monkeypatch):
    from synthesis import neighbours
    from synthesis.embed import MemoryCache

    monkeypatch.setattr(neighbours, "KNN_STORE_MIN", 10)
    x, _ = blobs(n_blobs=3, per_blob=40, seed=2)
    store, searches = MemoryCache(), []
    real = neighbours.exact_knn
    monkeypatch.setattr(neighbours, "exact_knn", lambda *a, **k: searches.append(1) or real(*a, **k))
    first = knn(x, 5, store=store)
    again = knn(x, 5, store=store)
    assert len(searches) == 1 and all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert all(np.array_equal(a, b) for a, b in zip(first, real(x, 5), strict=True))
    knn(x, 6, store=store)  # another k, other vectors, another base: other searches
    knn(x[1:], 5, store=store)
    knn(x[:50], 5, base=x[50:], store=store)
    assert len(searches) == 4
    knn(x[:3], 2, store=store)  # under KNN_STORE_MIN^2 pairs: searched, not kept
    knn(x[:3], 2, store=store)
    assert len(searches) == 6


def test_a_rerun_with_the_knn_store_gives_the_same_themes(monkeypatch):
    from synthesis import neighbours
    from synthesis.embed import MemoryCache

    monkeypatch.setattr(neighbours, "KNN_STORE_MIN", 100)
    x, _ = blobs(n_blobs=4, per_blob=400, n_outliers=40, seed=1)
    store = MemoryCache()
    plain = cluster_embeddings(x, random_state=0, max_fit=600)
    first = cluster_embeddings(x, random_state=0, max_fit=600, knn_store=store)
    assert len(store._knn) == 2  # the texts left out against the sample, and the sample's own graph
    searches = []
    real = neighbours.exact_knn
    monkeypatch.setattr(neighbours, "exact_knn", lambda *a, **k: searches.append(a[0].shape) or real(*a, **k))
    again = cluster_embeddings(x, random_state=0, max_fit=600, knn_store=store, min_cluster_size=30)
    assert all(shape[0] < 100 for shape in searches)  # only the small searches of the noise policy and splits
    for r in (first, again):
        assert r.params["fitted_on"] == plain.params["fitted_on"]
    assert np.array_equal(plain.labels, first.labels) and np.array_equal(plain.reduced, first.reduced)
    assert np.array_equal(
        cluster_embeddings(x, random_state=0, max_fit=600, min_cluster_size=30).labels, again.labels
    )


def test_no_text_gives_no_theme():
    # a question whose every answer was excluded as a non-answer: no text reaches the clustering
    result = cluster_embeddings(np.zeros((0, 8), np.float32), answer_keys=[])
    assert result.labels.shape == result.sublabels.shape == (0,) and len(result.centres) == 0


def test_noise_ceiling_lets_the_closest_noise_items_join_until_a_quarter_is_left():
    from synthesis.noise import MAX_NOISE_SHARE, noise_ceiling

    x, y = blobs(n_blobs=2, per_blob=30, n_outliers=40)
    labels = y.copy()  # 40 of 100 items noise
    weights = np.ones(len(x), np.int64)
    joined, themes = noise_ceiling(x, labels, weights)
    assert len(joined) == 15 and (labels[joined] == NOISE).all()  # 25 left: exactly the share
    centres = np.vstack([x[y == t].mean(0) / np.linalg.norm(x[y == t].mean(0)) for t in (0, 1)])
    thresholds = np.array([(x[y == t] @ centres[t]).min() for t in (0, 1)])
    margin = (x[y == NOISE] @ centres.T - thresholds).max(axis=1)
    closest = np.flatnonzero(y == NOISE)[np.argsort(-margin, kind="stable")[:15]]
    assert set(joined.tolist()) == set(
        closest.tolist()
    )  # the closest to a theme's extent, in the closest one
    assert np.array_equal(themes, (x[joined] @ centres.T - thresholds).argmax(axis=1))
    # copies count as items: one noise text standing for 30 items is enough to join
    heavy = weights.copy()
    heavy[joined[0]] = 30
    assert len(noise_ceiling(x, labels, heavy)[0]) < len(joined)
    assert not len(noise_ceiling(x, labels, weights, max_share=0.4)[0])  # within the share: nothing
    assert not len(noise_ceiling(x, np.full(len(x), NOISE), weights)[0])  # no theme: nothing to join
    assert MAX_NOISE_SHARE == 0.25


def test_the_pipeline_keeps_noise_within_the_ceiling_and_says_so(monkeypatch):
    import synthesis.cluster as cluster

    x, y = blobs(n_blobs=3, per_blob=30, n_outliers=120, dim=48)  # UMAP packs most outliers into themes:
    free = cluster_embeddings(x, random_state=0)  # 12.9 % noise here, so a lower ceiling is what binds
    assert free.params["noise_ceiling"] == 0.25 and free.params["noise_ceiling_joined"] == 0
    monkeypatch.setattr(cluster, "MAX_NOISE_SHARE", 0.05)
    rule = cluster.fine_scale
    monkeypatch.setattr(
        cluster, "fine_scale", lambda *scale: None
    )  # the ceiling alone (no finer scale tried)
    result = cluster_embeddings(x, random_state=0)
    noise = result.labels == NOISE
    assert noise.mean() <= 0.05 < (free.labels == NOISE).mean() and result.params["noise_ceiling"] == 0.05
    joined = result.params["noise_ceiling_joined"]
    assert joined == (free.labels == NOISE).sum() - noise.sum()
    assert result.assigned.sum() == free.assigned.sum() + joined  # flagged as joined, never silent
    kept = ~(free.labels == NOISE)
    pairs = set(zip(free.labels[kept].tolist(), result.labels[kept].tolist(), strict=True))
    assert len(pairs) == len({a for a, _ in pairs}) == len({b for _, b in pairs})  # no theme's member moves
    sizes = np.bincount(result.labels[~noise])
    assert np.all(np.diff(sizes) <= 0)  # still numbered by size
    assert set(result.noise_codes[noise].tolist()) <= {NOISE_ISOLATED, NOISE_BETWEEN}
    off = cluster_embeddings(x, random_state=0, noise_policy_on=False)
    assert off.params["noise_ceiling"] == "none" and off.params["noise_ceiling_joined"] == 0
    assert (off.labels == NOISE).mean() > 0.05  # without the policy, no ceiling either
    # with the finer scale: over the ceiling after the policy, so HDBSCAN selects again; fewer items join by force
    monkeypatch.setattr(cluster, "fine_scale", rule)
    finer = cluster_embeddings(x, random_state=0)
    assert finer.params["fine_scale"] == {"min_cluster_size": 7, "min_samples": 2}
    assert (finer.labels == NOISE).mean() <= 0.05 and finer.params["noise_ceiling_joined"] < joined


def test_fit_sample_budget():
    points = np.array([1] * 900 + [5] * 100)  # 1,400 points in all
    assert np.array_equal(fit_sample(points, 2000, 0), np.arange(1000))
    sample = fit_sample(points, 700, 0)
    # at most the budget, and within one text's points of it
    assert 695 < points[sample].sum() <= 700 and np.all(np.diff(sample) > 0)
    assert np.array_equal(sample, fit_sample(points, 700, 0))
    assert not np.array_equal(sample, fit_sample(points, 700, 1))


def test_rules_and_helpers():
    assert default_min_cluster_size(10) == 5
    assert default_min_cluster_size(9000) == 50
    assert default_min_cluster_size(10_000_000) == 200
    # Small questions: at least min(10, sqrt(n)), so 162 proposals do not split into 6-item themes.
    assert default_min_cluster_size(162) == 10
    assert default_min_cluster_size(50) == 7
    assert default_min_cluster_size(1000) == 10
    assert renumber_by_size(np.array([2, 2, 5, -1, 5, 5])).tolist() == [1, 1, 0, -1, 0, 0]
    # the finer scale: min_cluster_size sqrt(n)/2, at least 3, min_samples 2, never larger than the default
    assert (
        fine_scale(30, 5, 5) == (3, 2)
        and fine_scale(100, 10, 5) == (5, 2)
        and fine_scale(10_000, 55, 5) == (50, 2)
    )
    assert (
        fine_scale(400, 10, 5) == (10, 2) and fine_scale(30, 3, 2) is None and fine_scale(30, 5, 1) == (3, 1)
    )
    x, _ = blobs()
    i1, d1 = exact_knn(x, 7, chunk=16)
    i2, d2 = exact_knn(x, 7)
    # BLAS sums differ in the last bits between block sizes; the pipeline always uses the default chunk.
    assert np.allclose(d1, d2, atol=1e-5) and (i1 == i2).mean() > 0.99
    assert all(np.array_equal(a, b) for a, b in zip(exact_knn(x, 7), (i2, d2), strict=True))
    assert not (i1 == np.arange(len(x))[:, None]).any()


# --- through the pipeline, on real answers ---

QUESTION = "Quels sont selon vous les impôts qu'il faut baisser en priorité ?"


@pytest.fixture(scope="module")
def contributions():
    answers = granddebat_answers(limit=700)
    return [
        Contribution(f"c{i}", str(i + 2), "q164", QUESTION, text, line=i + 2)
        for i, text in enumerate(answers)
    ]


@pytest.fixture(scope="module")
def report(contributions):
    return run(contributions, RunSettings(max_themes=8), embedder=HashEmbedder())


def test_report_hierarchy_is_consistent(report):
    q = report.questions[0]
    assert 0 < len(q.clusters) <= 8
    for theme in q.clusters:
        members = {m.contribution_id for m in theme.members}
        assert theme.size == len(members)
        seen: set[str] = set()
        for sub in theme.subclusters:
            sub_members = {m.contribution_id for m in sub.members}
            assert sub_members <= members  # each sub-theme's members inside its parent
            assert not sub_members & seen
            seen |= sub_members
            assert sub.cluster_id.startswith(theme.cluster_id + ".")
            assert not sub.subclusters
        sizes = [sub.size for sub in theme.subclusters]
        assert sizes == sorted(sizes, reverse=True)  # listed by size, as the themes are
    assert [t.size for t in q.clusters] == sorted((t.size for t in q.clusters), reverse=True)


def test_report_json_validates_against_the_schema(report):
    """The written report parses back as the same Report (the contract of schemas/report.schema.json)."""
    from schemas import Report

    text = render_json(report)
    assert render_json(Report.model_validate_json(text)) == text


@pytest.fixture(scope="module")
def report_without_policy(contributions):
    # The hash embedder's 2 wide themes take in every HDBSCAN outlier under the noise policy; without the
    # policy, HDBSCAN's own noise is reported, so the reasons are always exercised.
    return run(contributions, RunSettings(max_themes=8, noise_policy=False), embedder=HashEmbedder())


@pytest.mark.parametrize("which", ["report", "report_without_policy"])
def test_every_contribution_is_placed_once_and_noise_has_a_reason(which, contributions, request):
    q = request.getfixturevalue(which).questions[0]
    placed = [m.contribution_id for c in q.clusters for m in c.members]
    placed += [n.contribution_id for n in q.noise] + [e.contribution_id for e in q.excluded]
    assert sorted(placed) == sorted(c.contribution_id for c in contributions)
    ids = {c.cluster_id for c in q.clusters}
    assert q.noise or which == "report"  # without the policy, some answers stay "non classées"
    for item in q.noise:
        assert item.reason and item.reason_code in NOISE_REASONS
        assert item.closest_cluster_id in ids  # shown apart, never counted in the theme
        if item.reason_code == NOISE_BETWEEN:
            assert item.other_cluster_id in ids and item.other_cluster_id != item.closest_cluster_id
    assert any(e.reason_code == "non_answer" for e in q.excluded)
    # HDBSCAN's own noise on the hash embedder's vectors (no policy) is larger and varies with the layout
    share = 0.25 if which == "report" else 0.5
    assert len(q.noise) <= share * (len(contributions) - len(q.excluded))


def test_a_sampled_fit_through_the_pipeline_places_every_contribution(monkeypatch):
    from synthesis import neighbours
    from synthesis.embed import MemoryCache

    answers = granddebat_answers(limit=1600)
    items = [
        Contribution(f"s{i}", str(i + 2), "q164", QUESTION, t, line=i + 2) for i, t in enumerate(answers)
    ]
    monkeypatch.setattr(neighbours, "KNN_STORE_MIN", 500)
    cache = MemoryCache()
    q = run(items, RunSettings(max_themes=8, fit_max=1000), embedder=HashEmbedder(), cache=cache).questions[0]
    assert len(cache._knn) == 2  # the embedding cache keeps the question's k-NN searches
    assert q.method["fitted_on"] < q.method["distinct_texts"] and q.method["density_links"] > 0
    members = [m for c in q.clusters for m in c.members]
    placed = [m.contribution_id for m in members] + [n.contribution_id for n in q.noise]
    assert sorted(placed + [e.contribution_id for e in q.excluded]) == sorted(
        c.contribution_id for c in items
    )
    assert any(m.joined_by_noise_policy for m in members)  # the texts the sample did not hold
    ids = {c.cluster_id for c in q.clusters}
    assert all(n.reason_code in NOISE_REASONS and n.closest_cluster_id in ids for n in q.noise)


def test_quotes_are_verbatim_with_source_id(report, contributions):
    by_id = {c.contribution_id: c for c in contributions}
    for theme in report.questions[0].clusters:
        members = {m.contribution_id for m in theme.members}
        for quote in theme.quotes + [qq for s in theme.subclusters for qq in s.quotes]:
            assert quote.contribution_id in members
            assert quote.text == by_id[quote.contribution_id].text
            assert quote.source_id == by_id[quote.contribution_id].source_id


def test_a_sub_theme_reads_apart_from_its_theme_and_siblings_when_its_keywords_allow(report):
    def words(label):
        return frozenset(label.replace(" · ", " ").split())

    named_alike = 0
    for theme in report.questions[0].clusters:
        for sub in theme.subclusters:
            others = [theme, *(o for o in theme.subclusters if o is not sub)]
            alike = [o for o in others if words(o.label) == words(sub.label)]
            if alike:  # only when it has no keyword of its own to tell it apart (explain.distinguish_labels)
                named_alike += 1
                taken = {k.term for o in alike for k in o.keywords}
                assert all(set(k.term.split()) & words(sub.label) or k.term in taken for k in sub.keywords)
    assert sum(len(t.subclusters) for t in report.questions[0].clusters) > named_alike


def test_labels_have_no_stop_word(report, contributions):
    from synthesis.grammar import named_words
    from synthesis.labels import NO_KEYWORD_LABEL
    from synthesis.words import french_stop_words

    def stop_words_of(label):  # a negated term's own negation aside ("pas de problème")
        return {w for term in label.split(" · ") for w in named_words(term)} & stop

    stop = french_stop_words()
    text = {c.contribution_id: c.text for c in contributions}
    for theme in report.questions[0].clusters:
        for c in [theme, *theme.subclusters]:
            answers = {f"« {text[m.contribution_id].strip()} »" for m in c.members}
            # a keyword label, or a repeated answer quoted verbatim (labels.answer_label), or none
            assert c.label == NO_KEYWORD_LABEL or c.label in answers or not stop_words_of(c.label), c.label
            assert all(not stop_words_of(k.term) for k in c.keywords)


def test_same_input_same_report(report, contributions):
    again = run(contributions, RunSettings(max_themes=8), embedder=HashEmbedder())
    a, b = json.loads(render_json(report)), json.loads(render_json(again))
    for r in (a, b):
        r["manifest"]["timings"] = {}
    assert a == b


def test_joined_themes_are_one_theme_numbered_by_size():
    X, _ = blobs(n_blobs=3, per_blob=20, n_outliers=0)
    result = cluster_embeddings(X, random_state=0)
    assert int(result.labels.max()) == 2
    # a noise item between themes 1 and 2, which then join: it lies beside one theme, no longer between two
    result.labels[0], result.noise_codes[0], result.second[0] = NOISE, NOISE_BETWEEN, 2
    joined = join_themes(result, X, [[1, 2]])
    sizes = np.bincount(joined.labels[joined.labels != NOISE])
    assert sizes.tolist() == sorted(sizes.tolist(), reverse=True) and len(sizes) == 2
    assert len(set(joined.labels[np.isin(result.labels, [1, 2])].tolist())) == 1
    big = joined.labels[result.labels == 1][0]
    assert big == 0 and joined.second[0] == 0  # the joined theme, 39 items, is first now
    assert (joined.sublabels[joined.labels == big] == NOISE).all()
    assert joined.centres.shape == (2, X.shape[1]) and len(joined.thresholds) == 2
    assert joined.params["joined_themes"] == 1 and result.params["joined_themes"] == 0
    # a joined theme's sub-themes are its parts' sub-themes, a part not split being one
    one, two = np.flatnonzero(result.labels == 1), np.flatnonzero(result.labels == 2)
    result.sublabels[one] = np.arange(len(one)) % 2  # theme 1 split in two halves, theme 2 not split
    sub = join_themes(result, X, [[1, 2]]).sublabels
    assert (
        len(set(sub[one[::2]].tolist()))
        == len(set(sub[one[1::2]].tolist()))
        == len(set(sub[two].tolist()))
        == 1
    )
    assert sorted({sub[one[0]], sub[one[1]], sub[two[0]]}) == [0, 1, 2] and sub[two[0]] == 0  # by size
