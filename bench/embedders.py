"""Embedding backends measured (issue 4): throughput and quality on the labelled sets.

For each installed backend (``use-multilingual``, ``sentence-transformers`` with the packaged
all-MiniLM-L6-v2), it measures:

- texts/s: ``embedder.embed`` on ``THROUGHPUT_TEXTS`` distinct real answers, no cache, median of 3 runs;
- quality: AMI of k-means told the true number of labels, on each labelled set of ``bench/common.py``
  subsampled (seeded) to at most ``MAX_ITEMS`` items, the same items for every backend.

Run: ``.venv/bin/python bench/embedders.py [--no-write]``; writes ``## Embedders`` in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np
from common import (
    LabelledSet,
    embed_cached,
    grand_debat_question,
    load_sets,
    machine,
    publish,
)
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_mutual_info_score

from synthesis.embed import DEFAULT_EMBEDDER, get_embedder

BACKENDS = ("use-multilingual", "sentence-transformers")
THROUGHPUT_TEXTS = 300
MAX_ITEMS = 1500


def subsample(s: LabelledSet, limit: int = MAX_ITEMS, seed: int = 0) -> LabelledSet:
    """At most ``limit`` items of ``s``, drawn with a seeded permutation (kept in their original order)."""
    if len(s.texts) <= limit:
        return s
    pick = np.sort(np.random.default_rng(seed).permutation(len(s.texts))[:limit])
    return LabelledSet(
        s.name, [s.texts[i] for i in pick], s.labels[pick], s.question_text, f"{limit} of {len(s.texts)}"
    )


def throughput(name: str) -> float:
    """Median texts/s of ``embed`` over 3 runs on the same distinct answers (first call warms the model)."""
    texts, _ = grand_debat_question("gd_animation_transition_14.csv")
    texts = sorted({t.strip() for t in texts if len(t.strip()) > 20})[:THROUGHPUT_TEXTS]
    embedder = get_embedder(name)
    embedder.embed(texts[:8])
    rates = []
    for _ in range(3):
        start = time.perf_counter()
        embedder.embed(texts)
        rates.append(len(texts) / (time.perf_counter() - start))
    return statistics.median(rates)


def kmeans_ami(s: LabelledSet, X: np.ndarray) -> float:
    k = s.n_labels
    labels = KMeans(n_clusters=k, n_init=3 if k <= 100 else 1, random_state=0).fit(X).labels_
    return round(float(adjusted_mutual_info_score(s.labels, labels)), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    sets = [subsample(s) for s in load_sets()]
    rows = []
    means: dict[str, tuple[float, float]] = {}
    for name in BACKENDS:
        try:
            model = get_embedder(name).model_id
        except Exception as exc:  # a backend that is not installed is reported, not hidden
            rows.append(f"| {name} | not available: {exc} | | " + " | ".join("" for _ in sets) + " | |")
            continue
        rate = throughput(name)
        amis = [kmeans_ami(s, embed_cached(s.texts, name, as_written=True)) for s in sets]
        means[name] = (float(np.mean(amis)), rate)
        cells = " | ".join(str(a) for a in amis)
        rows.append(f"| {name} | {model} | {rate:.0f} | {cells} | {np.mean(amis):.3f} |")
        print(rows[-1], flush=True)
    best = max(means, key=lambda n: means[n])
    verdict = f"Best measured (mean AMI, then texts/s): `{best}`; the default is `{DEFAULT_EMBEDDER}`" + (
        " (the best measured)." if best == DEFAULT_EMBEDDER else " (NOT the best measured: change it)."
    )
    publish(
        "Embedders",
        [
            f"Machine: {machine()} (shared with other sessions). "
            "Command: `.venv/bin/python bench/embedders.py`.",
            f"texts/s: `embed` on {THROUGHPUT_TEXTS} distinct Grand Débat answers, no cache, median of 3 "
            "runs. Quality: AMI of k-means told the true number of labels (n_init 3, 1 above 100 labels), "
            f"on the labelled sets subsampled (seed 0) to at most {MAX_ITEMS} items, same items for all.",
            "",
            "| backend | model | texts/s | " + " | ".join(s.name for s in sets) + " | mean AMI |",
            "|" + "---|" * (4 + len(sets)),
            *rows,
            "",
            verdict,
            'To use any other sentence-transformers model: `RunSettings(embedder="sentence-transformers", '
            'embedder_model="<model id or local path>")`; models load offline unless the environment '
            "allows downloads (`HF_HUB_OFFLINE` unset).",
        ],
        write=not args.no_write,
    )


if __name__ == "__main__":
    main()
