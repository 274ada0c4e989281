"""Clustering quality against human labels (issue 4): our pipeline vs BERTopic's default vs k-means.

For every labelled set of ``bench/common.py`` and the same ``use-multilingual`` embeddings (cached), it
reports AMI and ARI with noise counted as one group, AMI on the non-noise items only, the noise share and the
number of themes, for:

- ``ours``: ``synthesis.cluster.cluster_embeddings`` with the default ``RunSettings`` (top-level themes), and
  ``ours (sub-themes)``: the finest level (each sub-theme, or the theme when it is not split);
- ``BERTopic``: bertopic 0.17.4's default pipeline on the same embeddings (UMAP n_components=5,
  n_neighbors=15, min_dist=0.0, cosine, HDBSCAN min_cluster_size=10, eom, c-TF-IDF), with ``random_state=0``;
- ``k-means``: scikit-learn KMeans told the true number of labels (n_init=3, or 1 above 100 labels; seed 0).

Run: ``.venv/bin/python bench/quality.py [--no-write]``; writes ``bench/out/quality.json`` and the
``## Quality`` section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np
from common import OUT, LabelledSet, embed_cached, load_sets, machine, write_section
from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score

from schemas import RunSettings
from synthesis.cluster import NOISE, cluster_embeddings

MIN_MARGIN = 0.05  # issue 4: our AMI must beat BERTopic's by this much
MAX_NOISE = 0.25
MAX_THEMES = 30


def scores(truth: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """AMI/ARI with noise as one group, AMI without noise, noise share, number of themes."""
    noise = labels == NOISE
    kept = ~noise
    return {
        "ami": round(float(adjusted_mutual_info_score(truth, labels)), 3),
        "ari": round(float(adjusted_rand_score(truth, labels)), 3),
        "ami_non_noise": round(float(adjusted_mutual_info_score(truth[kept], labels[kept])), 3)
        if kept.sum() > 1
        else 0.0,
        "noise": round(float(noise.mean()), 3),
        "themes": int(len(set(labels[kept].tolist()))),
    }


def ours(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Top-level and finest (sub-theme) labels of our pipeline with the default settings."""
    s = RunSettings()
    r = cluster_embeddings(
        X,
        n_components=s.n_components,
        n_neighbors=s.n_neighbors,
        min_cluster_size=s.min_cluster_size,
        min_samples=s.min_samples,
        cluster_selection_method=s.cluster_selection_method,
        subclusters=s.subclusters,
        max_themes=s.max_themes,
        noise_policy_on=s.noise_policy,
        n_epochs=s.umap_epochs,
        random_state=s.random_state,
    )
    fine = np.where(r.labels == NOISE, NOISE, r.labels * 1000 + np.maximum(r.sublabels, 0))
    return r.labels, fine


def bertopic(texts: list[str], X: np.ndarray) -> np.ndarray:
    """BERTopic's default pipeline on precomputed embeddings; only the seed is fixed."""
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from umap import UMAP

    umap_model = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=0)
    hdbscan_model = HDBSCAN(
        min_cluster_size=10, metric="euclidean", cluster_selection_method="eom", prediction_data=True
    )
    model = BERTopic(umap_model=umap_model, hdbscan_model=hdbscan_model)
    topics, _ = model.fit_transform(texts, embeddings=X)
    return np.asarray(topics)


def kmeans(X: np.ndarray, k: int) -> np.ndarray:
    from sklearn.cluster import KMeans

    # n_init=3 (1 above 100 labels): with 522 labels, 10 restarts alone would take most of the time budget.
    return KMeans(n_clusters=k, n_init=3 if k <= 100 else 1, random_state=0).fit(X).labels_


def evaluate(sets: list[LabelledSet]) -> list[dict[str, object]]:
    """One row per (set, method); sets sharing their texts are clustered once."""
    rows: list[dict[str, object]] = []
    done: dict[int, dict[str, tuple[np.ndarray, float]]] = {}
    for s in sets:
        X = embed_cached(s.texts)
        key = hash(tuple(s.texts))
        if key not in done:
            done[key] = {}
            t = time.perf_counter()
            top, fine = ours(X)
            seconds = time.perf_counter() - t
            done[key]["ours"] = (top, seconds)
            done[key]["ours (sub-themes)"] = (fine, seconds)
            t = time.perf_counter()
            done[key]["BERTopic"] = (bertopic(s.texts, X), time.perf_counter() - t)
        t = time.perf_counter()
        km = kmeans(X, s.n_labels)
        results = {**done[key], "k-means (true k)": (km, time.perf_counter() - t)}
        for method, (labels, seconds) in results.items():
            row = {"set": s.name, "n": len(s.texts), "labels": s.n_labels, "method": method}
            row.update(scores(s.labels, labels))
            row["seconds"] = round(seconds, 1)
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    return rows


def verdicts(rows: list[dict[str, object]]) -> list[str]:
    """Acceptance of issue 4 per set: margin over BERTopic, noise, number of themes."""
    out = []
    for name in dict.fromkeys(str(r["set"]) for r in rows):
        by = {r["method"]: r for r in rows if r["set"] == name}
        o, b = by["ours"], by["BERTopic"]
        margin = float(o["ami"]) - float(b["ami"])  # type: ignore[arg-type]
        ok = margin >= MIN_MARGIN and float(o["noise"]) <= MAX_NOISE and int(o["themes"]) <= MAX_THEMES  # type: ignore[arg-type]
        out.append(
            f"- {name}: AMI {o['ami']} vs BERTopic {b['ami']} (margin {margin:+.3f}), noise {o['noise']}, "
            f"{o['themes']} themes: {'met' if ok else 'NOT met'}"
        )
    return out


def table(rows: list[dict[str, object]]) -> str:
    cols = ["set", "n", "labels", "method", "ami", "ari", "ami_non_noise", "noise", "themes", "seconds"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(r[c]) for c in cols) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="do not touch BENCHMARKS.md")
    parser.add_argument("--sets", nargs="*", help="names of the sets (default: all)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    start = time.perf_counter()
    rows = evaluate(load_sets(args.sets))
    total = time.perf_counter() - start
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "quality.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")
    body = "\n".join(
        [
            f"Machine: {machine()} (shared with other sessions). "
            "Command: `.venv/bin/python bench/quality.py` "
            f"({total:.0f} s in all, embeddings cached in `bench/out/`). Embedder: use-multilingual. "
            "One run: every method is deterministic (seed 0), so repeated runs give the same figures; "
            "`seconds` is one run's wall time on a loaded machine.",
            "",
            "AMI/ARI count noise as one group; `ami_non_noise` is computed on non-noise items only. "
            "Non-answers are removed from every set for every method. `ours (sub-themes)` scores the finest "
            "level (sub-theme, or theme when not split). Sets: "
            + "; ".join(f"`{s.name}` {s.note}" for s in load_sets(args.sets))
            + ".",
            "",
            table(rows),
            "",
            "Acceptance (issue 4: ours ≥ BERTopic + 0.05 AMI, noise ≤ 25 %, ≤ 30 top-level themes):",
            *verdicts(rows),
        ]
    )
    if not args.no_write:
        write_section("Quality", body)
    print(body)


if __name__ == "__main__":
    main()
