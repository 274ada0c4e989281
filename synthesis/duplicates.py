"""Campaign detection: exact, near-duplicate (MinHash LSH) and semantic groups of copied texts (issue 5).

Three layers, from strict to loose, each run only where the previous one leaves work:

1. **exact**: texts with the same ``prepare.dedup_key`` (case, accents, punctuation, whitespace ignored) form one
   *unit*; everything after works on units, so 62 copies cost one comparison.
2. **near**: MinHash signatures (``datasketch``) over word shingles of each unit, banded into LSH buckets with
   numpy; candidate pairs from shared buckets are verified with the exact Jaccard similarity of their shingle
   sets. Signatures are computed chunk by chunk and only the band keys, ``(n_units, n_bands)`` uint64, are kept,
   so memory grows with 8 x n_bands bytes per unit (128 MB for a million units), whatever the texts' length.
3. **semantic**: a unit not yet linked to anything joins the literal-copy seed (a unit copied at least twice, or
   linked at the near layer) whose embedding is the most similar, if the cosine reaches ``semantic_threshold``.
   Two singletons are never joined on meaning alone: a campaign needs some literal copying, because independent
   participants who merely agree write semantically close answers too.

A group is a campaign when it holds at least ``min_size`` contributions and its template has at least
``min_words`` words: identical short answers (« la TVA sur les produits de première nécessité », 211 times in a
Grand Débat question) are convergent opinions, not organised copying; they are kept apart in ``short_repeats_``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from synthesis.prepare import dedup_key, strip_accents

EXACT = "exact"
NEAR = "near"
SEMANTIC = "semantic"
LAYERS = (EXACT, NEAR, SEMANTIC)  # strict to loose

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_BAND_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class CampaignGroup:
    """One campaign: indices into the input texts, the layer that linked each member, and the template.

    ``members`` is sorted; ``kinds[i]`` is the layer of ``members[i]`` relative to the template (``exact``: same
    ``dedup_key`` as the template); ``template`` is the input index of the medoid text.
    """

    members: tuple[int, ...]
    kinds: tuple[str, ...]
    template: int

    @property
    def kind(self) -> str:
        """The loosest layer that joined a member."""
        return max(self.kinds, key=LAYERS.index)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = np.arange(n)

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return int(root)

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)  # smallest index is the root: deterministic


def word_shingles(key: str, size: int = 2) -> set[str]:
    """Word ``size``-grams of a normalised key (the whole key when it has fewer words)."""
    words = key.split()
    if len(words) <= size:
        return {key}
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


_SENTENCE_END = re.compile(r"[.!?;\n]+|\s[-–•]\s")


def _fast_table() -> dict[int, str]:
    """Per-character ``dedup_key`` folding for Latin letters and general punctuation (NFKC-stable ones)."""
    table = {}
    for cp in [*range(0x250), *range(0x2000, 0x2070)]:
        ch = chr(cp)
        if unicodedata.normalize("NFKC", ch) == ch and not unicodedata.combining(ch):
            table[cp] = strip_accents(ch).casefold()
    return table


_FOLD = _fast_table()
_SLOW = re.compile("[^" + "".join(re.escape(chr(c)) for c in sorted(_FOLD)) + "]")
_NON_WORD = re.compile(r"[^\w]+|_")
_WS = re.compile(r"\s+")


def fast_key(text: str) -> str:
    """``prepare.dedup_key(text)``, about 10 times faster on Latin text (same result, tested)."""
    if _SLOW.search(text):
        return dedup_key(text)
    return _WS.sub(" ", _NON_WORD.sub(" ", text.translate(_FOLD))).strip()


_SENTENCE_END = re.compile(r"[.!?;\n]+|\s[-–•]\s")


def segments(text: str, min_words: int) -> tuple[str, list[str]]:
    """The ``dedup_key`` of ``text`` and the keys of its sentences of at least ``min_words`` words.

    Sentences are indexed on their own so that a copy with sentences added, removed or reordered still shares
    a bucket with its template. The whole key is the sentence keys joined (the splitting characters are
    punctuation, which ``dedup_key`` turns into spaces anyway).
    """
    parts = [k for k in (fast_key(p) for p in _SENTENCE_END.split(text)) if k]
    whole = " ".join(parts)
    long_parts = [p for p in parts if len(p.split()) >= min_words and p != whole]
    return whole, list(dict.fromkeys(long_parts))


def jaccard(a: set[str], b: set[str]) -> float:
    """Jaccard similarity of two sets (0 when both are empty)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def is_near(a: set[str], b: set[str], threshold: float, containment: float, min_shared: int) -> bool:
    """Near-duplicates: Jaccard >= ``threshold``, or one contains the other (overlap coefficient >=
    ``containment``) over at least ``min_shared`` shingles, which catches sentences added or removed."""
    shared = len(a & b)
    if not shared:
        return False
    if shared / len(a | b) >= threshold:
        return True
    return shared >= min_shared and shared / min(len(a), len(b)) >= containment


def minhash_band_keys(
    shingle_sets: Sequence[set[str]], *, num_perm: int, n_bands: int, seed: int, chunk_size: int = 20_000
) -> np.ndarray:
    """LSH band keys of each set's MinHash signature, computed chunk by chunk.

    Returns
    -------
    ndarray of shape (n_sets, n_bands), uint64
        Equal keys in one column = equal signature band (up to 64-bit hash collisions, verified later).
    """
    from datasketch import MinHash

    rows = num_perm // n_bands
    out = np.empty((len(shingle_sets), n_bands), dtype=np.uint64)
    for start in range(0, len(shingle_sets), chunk_size):
        chunk = [[s.encode("utf-8") for s in sorted(sh)] for sh in shingle_sets[start : start + chunk_size]]
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


def semantic_links(
    vectors: np.ndarray, seeds: np.ndarray, candidates: np.ndarray, threshold: float, chunk_size: int = 4096
) -> list[tuple[int, int]]:
    """For each candidate row, its most similar seed row when the cosine reaches ``threshold``.

    ``vectors`` (n, d) are unit-norm; ``seeds`` and ``candidates`` are row indices. Returns ``(candidate, seed)``.
    """
    links: list[tuple[int, int]] = []
    if not len(seeds) or not len(candidates):
        return links
    seed_vecs = vectors[seeds]
    for start in range(0, len(candidates), chunk_size):
        rows = candidates[start : start + chunk_size]
        sims = vectors[rows] @ seed_vecs.T
        best = np.argmax(sims, axis=1)
        ok = sims[np.arange(len(rows)), best] >= threshold
        links += [(int(r), int(seeds[b])) for r, b, o in zip(rows, best, ok, strict=True) if o]
    return links


def weighted_medoid(units: Sequence[int], counts: np.ndarray, similarity) -> int:
    """The unit whose count-weighted similarity to the group is largest (ties: smallest index)."""
    units = sorted(units)
    if len(units) == 1:
        return units[0]
    sims = similarity(units)  # (u, u)
    score = sims @ counts[units]
    return units[int(np.argmax(score))]


def word_diff(template: str, text: str, max_chars: int = 200) -> str:
    """A short word-level diff of ``text`` against ``template``: ``-removed`` / ``+added`` fragments."""
    a, b = template.split(), text.split()
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            parts.append("-«" + " ".join(a[i1:i2]) + "»")
        if op in ("replace", "insert"):
            parts.append("+«" + " ".join(b[j1:j2]) + "»")
    out = " ".join(parts) or "="
    return out if len(out) <= max_chars else out[: max_chars - 1] + "…"


def densest_window(timestamps: Sequence[float], width: float = 3600.0) -> tuple[int, int]:
    """Index (into the sorted ``timestamps``) where the densest ``width``-second window starts, and its count."""
    t = np.sort(np.asarray(timestamps, dtype=float))
    if not len(t):
        return -1, 0
    ends = np.searchsorted(t, t + width, side="left")
    counts = ends - np.arange(len(t))
    best = int(np.argmax(counts))
    return best, int(counts[best])


class CampaignDetector:
    """Find campaigns (groups of copied texts) in one question's contributions.

    Parameters
    ----------
    min_size : int
        Smallest number of contributions reported as a campaign.
    min_words : int
        Smallest template length, in words of the normalised text (see the module docstring).
    shingle_size : int
        Words per shingle for the near-duplicate layer.
    near_threshold : float
        Jaccard similarity of shingle sets from which two texts are near-duplicates.
    anchor_threshold : float
        Once a group's template is chosen, a member stays only if its Jaccard similarity to the template reaches
        this value (or its cosine reaches ``semantic_threshold``): chains of near-duplicates cannot drift from
        one answer to an unrelated one.
    containment, min_shared : float, int
        Two texts are also near-duplicates when the shingles they share are at least ``containment`` of the
        smaller text's and number at least ``min_shared`` (a copy with a sentence added or removed).
    semantic_threshold : float or None
        Cosine similarity from which a lone text joins a literal-copy seed; None disables the layer.
    num_perm, n_bands : int
        MinHash permutations and LSH bands (``num_perm`` divisible by ``n_bands``).
    random_state : int
        Seed of the MinHash permutations.

    Attributes
    ----------
    groups_ : list of CampaignGroup
        Campaigns, largest first (ties: smallest first member).
    short_repeats_ : list of tuple[int, ...]
        Exact-copy groups of at least ``min_size`` texts that are too short to be a campaign.
    """

    def __init__(
        self,
        *,
        min_size: int = 5,
        min_words: int = 15,
        shingle_size: int = 2,
        near_threshold: float = 0.6,
        anchor_threshold: float = 0.4,
        containment: float = 0.8,
        min_shared: int = 15,
        semantic_threshold: float | None = 0.9,
        num_perm: int = 128,
        n_bands: int = 32,
        random_state: int = 0,
    ) -> None:
        self.min_size = min_size
        self.min_words = min_words
        self.shingle_size = shingle_size
        self.near_threshold = near_threshold
        self.anchor_threshold = anchor_threshold
        self.containment = containment
        self.min_shared = min_shared
        self.semantic_threshold = semantic_threshold
        self.num_perm = num_perm
        self.n_bands = n_bands
        self.random_state = random_state

    def fit(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> CampaignDetector:
        """Detect campaigns in ``texts`` (n,), with optional unit-norm ``vectors`` (n, d) for the semantic layer."""
        if self.min_size < 2 or self.num_perm % self.n_bands:
            raise ValueError(f"min_size ({self.min_size}) must be >= 2 and num_perm ({self.num_perm}) "
                             f"divisible by n_bands ({self.n_bands})")
        if vectors is not None and len(vectors) != len(texts):
            raise ValueError(f"vectors has {len(vectors)} rows for {len(texts)} texts")
        segs = [segments(t, self.min_words) for t in texts]
        keys = [whole for whole, _ in segs]
        unit_index: dict[str, int] = {}
        unit_of = np.fromiter((unit_index.setdefault(k, len(unit_index)) for k in keys), dtype=np.int64,
                              count=len(keys))
        unit_keys = list(unit_index)
        counts = np.bincount(unit_of, minlength=len(unit_keys)).astype(np.float64)
        first = np.full(len(unit_keys), -1)
        first[unit_of[::-1]] = np.arange(len(keys))[::-1]
        long_units = np.flatnonzero([len(k.split()) >= self.min_words for k in unit_keys])
        is_long = np.zeros(len(unit_keys), dtype=bool)
        is_long[long_units] = True
        self.short_repeats_ = [
            tuple(np.flatnonzero(unit_of == u).tolist())
            for u in np.flatnonzero((counts >= self.min_size) & ~is_long)
        ]
        unit_parts = [segs[i][1] for i in first]
        uf, layer = self._link(unit_keys, unit_parts, long_units, counts, first, vectors)
        self.groups_ = self._groups(uf, layer, long_units, unit_of, unit_keys, counts, first, vectors)
        return self

    def _near(self, a: set[str], b: set[str], threshold: float) -> bool:
        return is_near(a, b, threshold, self.containment, self.min_shared)

    def _link(self, unit_keys, unit_parts, long_units, counts, first, vectors):
        """Union the long units at the near and semantic layers; ``layer[u]`` = loosest layer that linked u."""
        uf = _UnionFind(len(unit_keys))
        layer = np.zeros(len(unit_keys), dtype=np.int8)  # index into LAYERS
        shingles = [word_shingles(unit_keys[u], self.shingle_size) for u in long_units]
        docs, owner = [], []
        for pos, u in enumerate(long_units.tolist()):
            for seg in [unit_keys[u], *unit_parts[u]]:
                docs.append(word_shingles(seg, self.shingle_size))
                owner.append(pos)
        if len(long_units) > 1:
            band_keys = minhash_band_keys(
                docs, num_perm=self.num_perm, n_bands=self.n_bands, seed=self.random_state
            )
            owners = np.asarray(owner)
            pairs = {(min(a, b), max(a, b)) for a, b in (owners[list(p)] for p in bucket_pairs(band_keys)) if a != b}
            for i, j in sorted(pairs):
                if self._near(shingles[i], shingles[j], self.near_threshold):
                    uf.union(int(long_units[i]), int(long_units[j]))
                    layer[long_units[i]] = layer[long_units[j]] = 1
        if vectors is not None and self.semantic_threshold is not None and len(long_units):
            linked = (layer[long_units] > 0) | (counts[long_units] >= 2)
            seeds, lone = long_units[linked], long_units[~linked]
            unit_vecs = np.asarray(vectors, dtype=np.float32)[first]
            for cand, seed in semantic_links(unit_vecs, seeds, lone, self.semantic_threshold):
                uf.union(cand, seed)
                layer[cand] = 2
        return uf, layer

    def _groups(self, uf, layer, long_units, unit_of, unit_keys, counts, first, vectors):
        components: dict[int, list[int]] = {}
        for u in long_units.tolist():
            components.setdefault(uf.find(u), []).append(u)
        members_of: dict[int, list[int]] = {}
        for i, u in enumerate(unit_of.tolist()):
            members_of.setdefault(u, []).append(i)
        unit_vecs = None if vectors is None else np.asarray(vectors, dtype=np.float32)[first]
        groups = []
        for units in components.values():
            if counts[units].sum() < self.min_size:
                continue
            template_unit = weighted_medoid(units, counts, self._similarity(unit_keys, unit_vecs))
            units = self._anchored(units, template_unit, unit_keys, unit_vecs)
            if counts[units].sum() < self.min_size:
                continue
            members, kinds = [], []
            for u in units:
                kind = EXACT if u == template_unit else LAYERS[max(int(layer[u]), 1)]
                members += members_of[u]
                kinds += [kind] * len(members_of[u])
            order = np.argsort(members, kind="stable")
            groups.append(CampaignGroup(
                tuple(int(members[o]) for o in order), tuple(kinds[o] for o in order), int(first[template_unit])
            ))
        groups.sort(key=lambda g: (-len(g.members), g.members[0]))
        return groups

    def _anchored(self, units, template_unit, unit_keys, unit_vecs):
        """The units close enough to the template (see ``anchor_threshold``)."""
        t_set = word_shingles(unit_keys[template_unit], self.shingle_size)
        keep = []
        for u in units:
            ok = u == template_unit or self._near(
                word_shingles(unit_keys[u], self.shingle_size), t_set, self.anchor_threshold
            )
            if not ok and unit_vecs is not None and self.semantic_threshold is not None:
                ok = float(unit_vecs[u] @ unit_vecs[template_unit]) >= self.semantic_threshold
            if ok:
                keep.append(u)
        return keep

    def _similarity(self, unit_keys, unit_vecs):
        def sim(units: list[int]) -> np.ndarray:
            if unit_vecs is not None:
                v = unit_vecs[units]
                return v @ v.T
            sets = [word_shingles(unit_keys[u], self.shingle_size) for u in units]
            return np.array([[jaccard(a, b) for b in sets] for a in sets])

        return sim
