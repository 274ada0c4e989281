"""Explain each theme: c-TF-IDF keywords, a label, verbatim representative quotes, and each member's "why".

First version for the walking skeleton (issue 2); lemmatisation, MMR quotes and noise reasons come with issue 4.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from synthesis.prepare import dedup_key, strip_accents

_TOKEN = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


def french_stop_words() -> frozenset[str]:
    """spaCy's French stop words, folded (lower case, no accents)."""
    from spacy.lang.fr.stop_words import STOP_WORDS

    return frozenset(dedup_key(w) for w in STOP_WORDS) | {"etre", "avoir", "faire", "plus", "tres", "tout"}


def tokens(text: str, stop: frozenset[str]) -> list[str]:
    """Folded word tokens of ``text`` without stop words and numbers."""
    folded = strip_accents(text).casefold()
    return [t for t in _TOKEN.findall(folded) if t not in stop]


@dataclass
class ThemeExplanation:
    keywords: list[tuple[str, float]]
    label: str
    quote_indices: list[int]
    similarities: np.ndarray
    matched_keywords: list[list[str]] = field(default_factory=list)


def class_tfidf(docs_per_class: Sequence[Sequence[list[str]]]) -> list[dict[str, float]]:
    """Class-based TF-IDF (BERTopic's c-TF-IDF): one weight dict per class."""
    counts: list[dict[str, int]] = []
    for docs in docs_per_class:
        c: dict[str, int] = {}
        for toks in docs:
            for t in toks:
                c[t] = c.get(t, 0) + 1
        counts.append(c)
    total_per_term: dict[str, int] = {}
    for c in counts:
        for t, k in c.items():
            total_per_term[t] = total_per_term.get(t, 0) + k
    avg_words = max(1.0, sum(sum(c.values()) for c in counts) / max(1, len(counts)))
    out = []
    for c in counts:
        size = max(1, sum(c.values()))
        out.append({t: (k / size) * float(np.log(1 + avg_words / total_per_term[t])) for t, k in c.items()})
    return out


def pick_quotes(texts: Sequence[str], vectors: np.ndarray, n_quotes: int) -> list[int]:
    """Indices of up to ``n_quotes`` members nearest the medoid, no two with the same normalised text."""
    centre = vectors.mean(axis=0)
    medoid = int(np.argmax(vectors @ centre))
    order = np.argsort(-(vectors @ vectors[medoid]), kind="stable")
    seen: set[str] = set()
    chosen: list[int] = []
    for i in order:
        key = dedup_key(texts[i])
        if key in seen:
            continue
        seen.add(key)
        chosen.append(int(i))
        if len(chosen) == n_quotes:
            break
    return chosen


def explain_themes(
    texts: Sequence[str],
    vectors: np.ndarray,
    labels: np.ndarray,
    *,
    question_text: str = "",
    n_keywords: int = 10,
    n_quotes: int = 5,
) -> dict[int, ThemeExplanation]:
    """Explain every theme of ``labels`` (noise, label < 0, is skipped).

    Parameters
    ----------
    texts : sequence of str, length n
    vectors : (n, d) unit-norm embeddings
    labels : (n,) int theme numbers
    """
    stop = french_stop_words() | frozenset(tokens(question_text, frozenset()))
    toks = [tokens(t, stop) for t in texts]
    themes = sorted(int(x) for x in np.unique(labels) if x >= 0)
    weights = class_tfidf([[toks[i] for i in np.flatnonzero(labels == k)] for k in themes])
    out: dict[int, ThemeExplanation] = {}
    for k, w in zip(themes, weights, strict=True):
        idx = np.flatnonzero(labels == k)
        top = sorted(w.items(), key=lambda kv: (-kv[1], kv[0]))[:n_keywords]
        keywords = [(t, round(float(v), 6)) for t, v in top]
        label = ", ".join(t for t, _ in keywords[:3]) or "thème sans mot-clé"
        centre = vectors[idx].mean(axis=0)
        centre = centre / (np.linalg.norm(centre) or 1.0)
        sims = vectors[idx] @ centre
        quotes = [int(idx[j]) for j in pick_quotes([texts[i] for i in idx], vectors[idx], n_quotes)]
        kw = {t for t, _ in keywords}
        matched = [[t for t in dict.fromkeys(toks[i]) if t in kw] for i in idx]
        out[k] = ThemeExplanation(keywords, label, quotes, sims, matched)
    return out
