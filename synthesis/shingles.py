"""Near-duplicate primitives for campaign detection (issue 5): text keys, word shingles, MinHash LSH buckets.

``segments`` keys a text and its sentences with ``prepare.dedup_key``; ``minhash_band_keys`` computes LSH band keys
chunk by chunk with ``datasketch`` (memory: one chunk of signatures, then 8 x n_bands bytes per text);
``bucket_pairs`` turns shared band keys into candidate pairs, which ``is_near`` verifies exactly;
``contained_pairs`` finds the keys pasted whole inside longer ones (``contains_run``), chunk by chunk too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence, Set
from functools import lru_cache

import numpy as np

from synthesis.prepare import dedup_key

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_BAND_MIX = np.uint64(0x9E3779B97F4A7C15)


def word_shingles(key: str, size: int = 2) -> set[str]:
    """Word ``size``-grams of a normalised key (the whole key when it has fewer words)."""
    words = key.split()
    if len(words) <= size:
        return {key}
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


@lru_cache(maxsize=1 << 16)  # bounded: verification revisits the same texts, never all of them at once
def cached_shingles(key: str, size: int) -> frozenset[str]:
    return frozenset(word_shingles(key, size))


_SENTENCE_END = re.compile(r"[.!?;\n]+|\s[-–•]\s")


def segments(text: str, min_words: int) -> tuple[str, list[str]]:
    """The ``dedup_key`` of ``text`` and the keys of its sentences of at least ``min_words`` words.

    Sentences are indexed on their own so that a copy with sentences added, removed or reordered still shares
    a bucket with its template. The whole key is the sentence keys joined (the splitting characters are
    punctuation, which ``dedup_key`` turns into spaces anyway).
    """
    parts = [k for k in (dedup_key(p) for p in _SENTENCE_END.split(text)) if k]
    whole = " ".join(parts)
    long_parts = [p for p in parts if len(p.split()) >= min_words and p != whole]
    return whole, list(dict.fromkeys(long_parts))


QUOTED_MIN_WORDS = 3  # a question's sentence this long, quoted whole in an answer, is no part of a copy


@lru_cache(maxsize=1024)
def question_parts(question: str) -> tuple[str, ...]:
    """Keys of ``question`` and of its sentences of :data:`QUOTED_MIN_WORDS` words or more, longest first."""
    parts = {k for k in (dedup_key(p) for p in _SENTENCE_END.split(question)) if k}
    parts.add(dedup_key(question))
    return tuple(sorted((p for p in parts if len(p.split()) >= QUOTED_MIN_WORDS), key=lambda p: (-len(p), p)))


def without_question(text: str, question: str) -> str:
    """``text`` as copies are compared: where it quotes the question (whole, or a sentence of it), its key
    without those words; else ``text`` unchanged. Every participant sees the question: six people who
    quote it before six different answers, or who answer with the question alone, copied nobody."""
    padded, quoted = f" {dedup_key(text)} ", False
    for part in question_parts(question) if question else ():
        if f" {part} " in padded:
            padded, quoted = padded.replace(f" {part} ", " "), True
    return " ".join(padded.split()) if quoted else text


def jaccard(a: Set[str], b: Set[str]) -> float:
    """Jaccard similarity of two sets (0 when both are empty)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def is_near(a: Set[str], b: Set[str], threshold: float, containment: float, min_shared: int) -> bool:
    """Near-duplicates: ``min_shared`` shingles or more in common, and Jaccard >= ``threshold`` or one
    containing the other (overlap coefficient >= ``containment``: a sentence added or removed).

    ``min_shared`` holds for both: on short texts a Jaccard of 0.6 is three words changed out of sixteen, which
    people write independently (« baisser / supprimer / réduire la TVA sur les produits de première nécessité
    et l'augmenter sur / pour les produits de luxe »): a near-copy shares as many word pairs as a copy does.
    """
    shared = len(a & b)
    if shared < max(min_shared, 1):
        return False
    return shared / len(a | b) >= threshold or shared / min(len(a), len(b)) >= containment


def contains_run(longer: str, shorter: str) -> bool:
    """Whether the key ``shorter`` is a run of whole words of the key ``longer``."""
    return f" {shorter} " in f" {longer} "


def _window_hashes(ids: np.ndarray, k: int) -> np.ndarray:
    """Polynomial hash (mod 2**64) of each run of ``k`` word ids in ``ids``, one per start 0 … len - k."""
    n = max(len(ids) - k + 1, 0)
    hashes = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for t in range(k):
            hashes = (hashes * _BAND_MIX + ids[t : t + n] + np.uint64(1)) & _MASK64
    return hashes


def contained_pairs(
    keys: Sequence[str], min_words: int, max_bucket: int = 64, chunk_size: int = 20_000
) -> set[tuple[int, int]]:
    """Pairs ``(i, j)`` where ``keys[i]``, of ``min_words`` words or more, is a run of whole words of the longer
    ``keys[j]``: a template pasted with words added before or after it, however few distinct word pairs it has.

    The opening ``min_words`` words of each key are looked up among the ``min_words``-word windows of every key,
    hashed with numpy (polynomial hash of word ids mod 2**64; every match is verified by :func:`contains_run`), so
    the cost is linear in the number of words, and the windows are hashed ``chunk_size`` keys at a time (memory:
    the openings, then one chunk's windows). A window matching the openings of more than ``max_bucket`` keys is
    checked against the ``max_bucket`` shortest of them only: a template is shorter than its copies with words
    added, which may be thousands to share its opening.
    """
    k = max(min_words, 1)
    vocabulary: dict[str, int] = {}
    lengths = np.array([key.count(" ") + 1 if key else 0 for key in keys], dtype=np.int64)  # single spaces
    openers = sorted(np.flatnonzero(lengths >= k).tolist(), key=lambda i: (lengths[i], i))  # shortest first
    if not openers:
        return set()
    first = np.array(
        [[vocabulary.setdefault(w, len(vocabulary)) for w in keys[i].split(" ", k)[:k]] for i in openers],
        dtype=np.uint64,
    )
    openings: dict[int, list[int]] = {}
    for i, h in zip(openers, _window_hashes(first.ravel(), k)[::k].tolist(), strict=True):
        openings.setdefault(h, []).append(i)
    wanted = np.fromiter(openings, dtype=np.uint64, count=len(openings))
    pairs: set[tuple[int, int]] = set()
    for start in range(0, len(keys), chunk_size):
        chunk = [j for j in range(start, min(start + chunk_size, len(keys))) if lengths[j] >= k]
        if not chunk:
            continue
        ids = np.fromiter(
            (vocabulary.setdefault(w, len(vocabulary)) for j in chunk for w in keys[j].split(" ")),
            dtype=np.uint64,
            count=int(lengths[chunk].sum()),
        )
        hashes = _window_hashes(ids, k)
        owner = np.repeat(np.asarray(chunk), lengths[chunk])[: len(hashes)]
        ends = np.repeat(np.cumsum(lengths[chunk]), lengths[chunk])[: len(hashes)]
        hits = np.flatnonzero((np.arange(len(hashes)) + k <= ends) & np.isin(hashes, wanted))
        for p in hits.tolist():
            j = int(owner[p])
            for i in openings[int(hashes[p])][:max_bucket]:
                if lengths[i] >= lengths[j]:
                    break
                if contains_run(keys[j], keys[i]):
                    pairs.add((i, j))
    return pairs


def minhash_band_keys(
    keys: Sequence[str],
    *,
    shingle_size: int,
    num_perm: int,
    n_bands: int,
    seed: int,
    chunk_size: int = 20_000,
) -> np.ndarray:
    """LSH band keys of the MinHash signature of each key's word shingles, computed chunk by chunk.

    Only one chunk's shingles and signatures are in memory at a time.

    Returns
    -------
    ndarray of shape (n_keys, n_bands), uint64
        Equal keys in one column = equal signature band (up to 64-bit hash collisions, verified later).
    """
    from datasketch import MinHash

    rows = num_perm // n_bands
    out = np.empty((len(keys), n_bands), dtype=np.uint64)
    for start in range(0, len(keys), chunk_size):
        chunk = [
            [s.encode("utf-8") for s in sorted(word_shingles(k, shingle_size))]
            for k in keys[start : start + chunk_size]
        ]
        sigs = np.vstack([m.hashvalues for m in MinHash.bulk(chunk, num_perm=num_perm, seed=seed)])
        bands = sigs[:, : rows * n_bands].reshape(len(chunk), n_bands, rows).astype(np.uint64)
        key = np.zeros((len(chunk), n_bands), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for r in range(rows):
                key = (key * _BAND_MIX + bands[:, :, r] + np.uint64(r + 1)) & _MASK64
        out[start : start + len(chunk)] = key
    return out


def bucket_pairs(band_keys: np.ndarray, max_bucket: int = 64) -> set[tuple[int, int]]:
    """Candidate pairs ``(i, j)``, ``i < j``, sharing a band key in some band.

    A bucket larger than ``max_bucket`` (many near-identical texts) is linked as a star around a few pivots
    instead of all pairs, which keeps the count linear; the verified pairs then connect the group anyway.
    """
    pairs: set[tuple[int, int]] = set()
    for b in range(band_keys.shape[1]):
        col = band_keys[:, b]
        order = np.argsort(col, kind="stable")
        sorted_keys = col[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        lengths = np.diff(np.r_[starts, len(col)])
        for start, length in zip(starts[lengths > 1].tolist(), lengths[lengths > 1].tolist(), strict=True):
            ids = sorted(order[start : start + length].tolist())
            if len(ids) <= max_bucket:
                pairs.update((a, c) for k, a in enumerate(ids) for c in ids[k + 1 :])
            else:
                pairs.update((min(a, c), max(a, c)) for a in ids[:3] for c in ids if c != a)
    return pairs
