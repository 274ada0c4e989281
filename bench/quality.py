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
        max_fit=s.fit_max,
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


# What was measured to choose the defaults (issue 4), written under the table. Scratch scripts are not
# kept; the figures are means over UMAP seeds 0-2 (0-4 on Decidim) with the other settings at their defaults.
NOTES = """Notes (issue 4, by the session that owns this section):
- Pipeline (defaults): exact cosine 15-NN graph → seeded UMAP (5 dims, PCA init, 200 epochs) → HDBSCAN
  (`min_cluster_size = max(n/200 + 5, min(10, √n))`, `min_samples = 5`, eom) → noise policy (join a
  theme when ≥ 60 % of the 10 nearest clustered neighbours are in it *and* the item is at least as close
  to the theme's centre as the theme's least typical member) → at most 30 top-level themes (closest
  merged into sub-themes), others split by HDBSCAN "leaf". Rules chosen across all sets, never per set.
- Changed in this round, each measured on all four sets: (1) noise threshold from the 10th percentile of
  the members' similarity to the least typical member: RN section 0.208 → 0.211, RN proposal 0.287 →
  0.299, GD 0.610 → 0.611, Decidim 0.308 → 0.327; noise 13 % → 5 %, 4 % → 1 %, 10 % → 5 %. (2)
  `min_cluster_size` floor `min(10, √n)` (acts below ~1,000 items only): Decidim 0.301 → 0.308, other
  sets unchanged.
- Measured and rejected: all-but-the-top (remove the mean and the top D principal components): 10-NN
  label purity falls on every set (Decidim 0.54 → 0.39 at D=2; GD 0.81 → 0.77 and RN 0.36 → 0.33 at
  D=8). TF-IDF of French stems → SVD 100 d concatenated at weight 0.5: purity +0.02 on RN and GD, but
  AMI after UMAP/HDBSCAN falls on GD (0.610 → 0.589) and Decidim (0.275 → 0.218). UMAP 8 or 10 dims: GD
  +0.01, Decidim +0.01..0.03, but RN −0.004..−0.01. 30 neighbours: RN −0.01, GD −0.02. `min_samples` 3
  or 10: within ±0.01. "leaf" selection: GD −0.09. Assigning all noise to the nearest theme (0 % noise):
  within ±0.01 of the policy above.
- **Not met** on RN sections, RN proposals and Decidim. Evidence that the margin is out of reach with
  this embedder: 5-fold logistic regression *trained on the labels* of the same embeddings reaches AMI
  0.143 on RN sections and 0.328 on Decidim categories, below the targets (0.267 and 0.384); k-means
  told the true k reaches 0.142 and 0.237. Decidim has 162 items (one item ≈ 0.01 AMI): ours has mean
  0.327 over UMAP seeds 0-4 (seed 0, in the table: 0.309), so the gap to BERTopic's 0.334 (one seed) is
  within seed noise. BERTopic's AMI on RN comes from 65 topics with 38 % of the items set aside as noise.
- Speed: `cluster_embeddings` on the 8,609 usable answers of `gd_animation_fiscalite_13.csv` (cached
  embeddings, warm numba), median of 3: 12.7 s on this shared machine (load average 3-4 on 2 cores);
  UMAP's optimisation is ~70 % of it. This round did not change the time.
- Measured by the previous round (scripts not kept): PCA 5-20 dims + HDBSCAN (RN AMI ≤ 0.02, eom picks 3
  giant clusters), spectral embedding of the k-NN graph + HDBSCAN (RN 0.18-0.20), Louvain on the k-NN
  graph (RN 0.16-0.20, GD 0.59-0.62), `min_cluster_size` n/100, √n/2, n/300+5 (n/300+5 reaches RN
  0.216/0.316 but 39-54 themes, over the 30 cap).
- `ours (sub-themes)` shows the second level adds detail without losing AMI on RN; on GD (9 labels)
  finer is worse, as expected."""


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
            "",
            NOTES,
        ]
    )
    if not args.no_write:
        write_section("Quality", body)
    print(body)


if __name__ == "__main__":
    main()
