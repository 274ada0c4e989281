"""Campaign detection benchmark (issue 5): precision and recall of campaign membership, and speed.

Background: every usable Grand Débat answer of the 9 questions in ``../shared/data/granddebat`` (one copy per
``dedup_key``: the real data's own exact-copy campaigns collapse to one text each, so they cannot count as
false positives; their near-duplicate variants stay and are reported apart as "pre-existing" groups).
Injected: ``--campaigns`` campaigns (half light, half heavy edits) of 5 to 200 members (log-uniform), each
copying a real answer of at least 20 words that is then removed from the background. Light: typos and one word
swapped; heavy: two of sentence added, removed or reordered, synonyms
(on templates of 3+ sentences). About 15 % of members are unedited copies.

Metrics, per edit kind: recall = injected members found in the detected group that best matches their
campaign / injected members; precision = such members / all members of groups holding any injected member.
``strict precision`` also counts every member of groups made only of background texts as false.

Usage::

    python bench/campaigns.py                 # precision/recall with the semantic layer (USE vectors, cached)
    python bench/campaigns.py --no-semantic   # exact + near layers only
    python bench/campaigns.py --speed 100000  # detection time on 100,000 contributions (3 runs, median)
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import DATA, embed_cached, machine  # noqa: E402
from synthesis import prepare  # noqa: E402
from synthesis.duplicates import CampaignDetector  # noqa: E402

SEED = 0
SYNONYMS = {
    "augmenter": "accroître",
    "baisser": "diminuer",
    "réduire": "diminuer",
    "supprimer": "abolir",
    "impôts": "taxes",
    "impôt": "prélèvement",
    "important": "essentiel",
    "faut": "faudrait",
    "doit": "devrait",
    "gouvernement": "pouvoir",
    "personnes": "gens",
    "plus": "davantage",
    "très": "vraiment",
    "problème": "souci",
    "pays": "nation",
    "état": "administration",
    "argent": "budget",
    "aider": "soutenir",
    "aide": "soutien",
    "citoyens": "Français",
    "grand": "gros",
    "petits": "modestes",
    "moins": "pas autant",
    "toujours": "sans cesse",
    "mettre": "instaurer",
    "permettre": "autoriser",
    "trop": "excessivement",
    "élus": "représentants",
    "être": "devenir",
    "faire": "réaliser",
    "politique": "stratégie",
    "environnement": "nature",
    "écologie": "environnement",
    "services": "prestations",
    "public": "collectif",
    "vie": "existence",
    "enfants": "élèves",
    "école": "établissement",
    "travail": "emploi",
    "exemple": "modèle",
}
_SENTENCE = re.compile(r"(?<=[.!?;])\s+")


def background() -> tuple[list[str], list[str]]:
    """Usable GD answers, one per dedup key (texts), and the candidate campaign seeds (>= 20 words)."""
    seen: set[str] = set()
    texts: list[str] = []
    for path in sorted((DATA / "granddebat").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                t = row["comment"]
                key = prepare.dedup_key(t)
                if prepare.exclusion_reason(t) is None and key not in seen:
                    seen.add(key)
                    texts.append(prepare.normalise_text(t))
    seeds = [t for t in texts if len(t.split()) >= 20]
    return texts, seeds


def _typo(words: list[str], rng: np.random.Generator) -> None:
    i = int(rng.integers(len(words)))
    w = words[i]
    if len(w) < 3:
        return
    j = int(rng.integers(len(w) - 1))
    op = int(rng.integers(3))
    words[i] = (
        w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        if op == 0
        else w[:j] + w[j + 1 :]
        if op == 1
        else (w[:j] + "e" + w[j:])
    )


def light_edit(text: str, rng: np.random.Generator, vocabulary: list[str]) -> str:
    """One or two typos, and sometimes one word swapped for another real word."""
    words = text.split()
    for _ in range(int(rng.integers(1, 3))):
        _typo(words, rng)
    if rng.random() < 0.5:
        words[int(rng.integers(len(words)))] = vocabulary[int(rng.integers(len(vocabulary)))]
    return " ".join(words)


def heavy_edit(text: str, rng: np.random.Generator, pool: list[str]) -> str:
    """Two of: add a sentence (from another real answer), remove one, reorder them, use synonyms (2-4 words).

    Templates have at least 3 sentences, so a copy keeps at least half of its template, as real ones do.
    """
    sentences = [s for s in _SENTENCE.split(text) if s]
    for op in rng.choice(4, size=2, replace=False):
        if op == 0:
            extra = _SENTENCE.split(pool[int(rng.integers(len(pool)))])[0]
            sentences.insert(int(rng.integers(len(sentences) + 1)), extra)
        elif op == 1 and len(sentences) > 2:
            sentences.pop(int(rng.integers(len(sentences))))
        elif op == 2:
            sentences = [sentences[i] for i in rng.permutation(len(sentences))]
        else:
            words = " ".join(sentences).split()
            hits = [i for i, w in enumerate(words) if w.lower() in SYNONYMS]
            for i in rng.permutation(hits)[: int(rng.integers(2, 5))]:
                words[i] = SYNONYMS[words[i].lower()]
            sentences = [" ".join(words)]
    return " ".join(sentences)


def build(n_campaigns: int, seed: int = SEED) -> tuple[list[str], np.ndarray, dict[int, str]]:
    """Texts (background + injected, shuffled), campaign label per text (-1 background), kind per campaign."""
    rng = np.random.default_rng(seed)
    texts, seeds = background()
    multi = [s for s in seeds if len(_SENTENCE.split(s)) >= 3 and len(s.split()) >= 30]
    vocabulary = sorted({w for t in texts[:5000] for w in t.split() if w.isalpha() and len(w) > 3})
    chosen: set[str] = set()
    injected: list[tuple[str, int]] = []
    kinds: dict[int, str] = {}
    for c in range(n_campaigns):
        kind = "light" if c % 2 == 0 else "heavy"
        source = seeds if kind == "light" else multi
        template = source[int(rng.integers(len(source)))]
        while template in chosen:
            template = source[int(rng.integers(len(source)))]
        chosen.add(template)
        kinds[c] = kind
        size = int(round(np.exp(rng.uniform(np.log(5), np.log(200)))))
        for _ in range(size):
            if rng.random() < 0.15:
                text = template
            elif kind == "light":
                text = light_edit(template, rng, vocabulary)
            else:
                text = heavy_edit(template, rng, texts)
            injected.append((text, c))
    keep = [t for t in texts if t not in chosen]
    all_texts = keep + [t for t, _ in injected]
    labels = np.array([-1] * len(keep) + [c for _, c in injected])
    order = rng.permutation(len(all_texts))
    return [all_texts[i] for i in order], labels[order], kinds


def score(groups, labels: np.ndarray, kinds: dict[int, str]) -> dict[str, float]:
    """Membership precision/recall per edit kind (see the module docstring)."""
    found = dict.fromkeys(("light", "heavy"), 0)
    predicted = dict.fromkeys(("light", "heavy"), 0)
    total = Counter(kinds[int(c)] for c in labels if c >= 0)
    background_only = 0
    for g in groups:
        members = labels[list(g.members)]
        camp = Counter(int(c) for c in members if c >= 0)
        if not camp:
            background_only += len(members)
            continue
        best = camp.most_common(1)[0][0]
        found[kinds[best]] += int((members == best).sum())
        predicted[kinds[best]] += len(members)
    out = {}
    for k in ("light", "heavy"):
        out[f"recall_{k}"] = found[k] / total[k] if total[k] else float("nan")
        out[f"precision_{k}"] = found[k] / predicted[k] if predicted[k] else float("nan")
    tp, pred = sum(found.values()), sum(predicted.values())
    out["precision"] = tp / pred if pred else float("nan")
    out["strict_precision"] = tp / (pred + background_only) if pred else float("nan")
    out["background_only_members"] = background_only
    out["background_only_groups"] = sum(1 for g in groups if (labels[list(g.members)] < 0).all())
    return out


def speed(n: int, semantic: bool, runs: int = 3) -> None:
    """Median detection time on ``n`` contributions: all real GD answers (copies kept) plus injected ones."""
    texts, labels, _ = build(60)
    rows = []
    for path in sorted((DATA / "granddebat").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            rows += [prepare.normalise_text(r["comment"]) for r in csv.DictReader(f)]
    rows = [t for t in rows if prepare.exclusion_reason(t) is None]
    pool = rows + [t for t, c in zip(texts, labels, strict=True) if c >= 0]
    sample = (pool * (n // len(pool) + 1))[:n]
    t0 = time.perf_counter()
    vectors = embed_cached(sample) if semantic else None
    print(f"embedding (cached where possible): {time.perf_counter() - t0:.1f} s")
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        det = CampaignDetector().fit(sample, vectors)
        times.append(time.perf_counter() - t0)
    print(
        f"n={n} semantic={semantic} detection median {statistics.median(times):.1f} s "
        f"(runs {', '.join(f'{t:.1f}' for t in times)}), {len(det.groups_)} campaigns; {machine()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaigns", type=int, default=40)
    parser.add_argument("--no-semantic", action="store_true")
    parser.add_argument("--speed", type=int, default=0, help="time detection on this many contributions")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the injected campaigns")
    args = parser.parse_args()
    if args.speed:
        speed(args.speed, not args.no_semantic, args.runs)
        return
    texts, labels, kinds = build(args.campaigns, args.seed)
    vectors = None if args.no_semantic else embed_cached(texts)
    det = CampaignDetector().fit(texts, vectors)
    res = score(det.groups_, labels, kinds)
    print(
        f"{len(texts)} texts, {int((labels >= 0).sum())} injected in {len(kinds)} campaigns; "
        f"semantic={not args.no_semantic}; seed {args.seed}; {machine()}"
    )
    for k, v in res.items():
        print(f"  {k}: {v:.4f}" if isinstance(v, float) else f"  {k}: {v}")
    for g in det.groups_:
        if (labels[list(g.members)] < 0).all():
            print(f"  background group of {len(g.members)}: {texts[g.template][:100]}")


if __name__ == "__main__":
    main()
