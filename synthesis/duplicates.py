"""Campaign detection: exact, near-duplicate (MinHash LSH) and semantic groups of copied texts (issue 5).

1. **exact**: texts with one ``prepare.dedup_key`` (case, accents, punctuation, spacing ignored) are one
   *unit*; the next layers work on units, so 62 copies cost one comparison.
2. **near**: MinHash (``datasketch``) over word pairs of each unit and of each of its long sentences (a copy
   with a sentence added, removed or moved still meets its template), in LSH buckets computed with numpy
   chunk by chunk: memory is 8 x n_bands bytes per indexed text. Candidates are verified exactly: they share
   ``min_shared`` word pairs and reach Jaccard ``near_threshold`` or one contains most of the other
   (``containment``); independent short wordings of one idea differ by a few words too (« baisser / supprimer
   la TVA sur les produits de première nécessité et l'augmenter sur / pour les produits de luxe »). Or one
   text of ``min_words`` and ``min_shared`` words or more is pasted whole into the other
   (``shingles.contained_pairs``; not a few words every answer may open with, where ``min_words`` is low): a
   16-word template that repeats itself (« pour TOUS les retraités » twice) has 11 distinct word pairs, yet
   its copies with a sentence added are its variants, not a second campaign. Two texts that only share a
   sentence contain neither each other nor most of each other: they stay apart.
3. **semantic**: a lone unit joins the most similar *copied* unit (copied twice, or near-linked) when their
   cosine reaches ``semantic_threshold``. Lone texts are never joined on meaning alone: people who merely
   agree write close answers too, so a campaign needs some literal copying.

Each group keeps only the members close to its template (``anchor_threshold``), so chains cannot drift; the
members left out are grouped again among themselves (copies bridged to a larger campaign stay a campaign). A
group is a campaign with ``min_size`` contributions and a template of ``min_words`` words: identical short
answers (« la TVA sur les produits de première nécessité », 211 times in one Grand Débat question) are
convergent opinions, not organised copying; they are listed in ``short_repeats_``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from synthesis.shingles import (
    bucket_pairs,
    cached_shingles,
    contained_pairs,
    contains_run,
    is_near,
    jaccard,
    minhash_band_keys,
    segments,
)

__all__ = ["EXACT", "NEAR", "SEMANTIC", "CampaignDetector", "CampaignGroup", "segments"]

EXACT = "exact"
NEAR = "near"
SEMANTIC = "semantic"
LAYERS = (EXACT, NEAR, SEMANTIC)  # strict to loose
MIN_SHARED = 15  # word pairs two near copies share at least (see ``min_shared``)
MEDOID_REFERENCES = 64  # without vectors, a template is chosen by its similarity to this many units at most


class _Overlap:
    """The word pairs of the long units, as a sparse (unit x word pair) matrix: the pairs every unit of a set
    shares with one unit, counted at once."""

    def __init__(self, keys: Sequence[str], long: np.ndarray, shingle_size: int) -> None:
        vocabulary: dict[str, int] = {}
        indptr, indices = [0], []
        chosen = set(long.tolist())
        for u, key in enumerate(keys):
            if u in chosen:
                indices += [
                    vocabulary.setdefault(x, len(vocabulary)) for x in cached_shingles(key, shingle_size)
                ]
            indptr.append(len(indices))
        self.matrix = csr_matrix(
            (np.ones(len(indices), dtype=np.int32), np.asarray(indices, dtype=np.int64), indptr),
            shape=(len(keys), max(len(vocabulary), 1)),
        )
        self.size = np.diff(np.asarray(indptr))
        self.chars = np.array([len(k) for k in keys])

    def shared(self, unit: int, ids: np.ndarray) -> np.ndarray:
        """How many word pairs each unit of ``ids`` shares with ``unit``."""
        return np.asarray((self.matrix[ids] @ self.matrix[unit].T).todense()).ravel()


@dataclass(frozen=True)
class CampaignGroup:
    """One campaign: indices into the input texts, the layer that linked each member, and the template.

    ``members`` is sorted; ``kinds[i]`` is the layer of ``members[i]`` relative to the template (``exact``:
    same ``dedup_key`` as the template); ``template`` is the input index of the medoid text.
    """

    members: tuple[int, ...]
    kinds: tuple[str, ...]
    template: int

    @property
    def kind(self) -> str:
        """The loosest layer that joined a member."""
        return max(self.kinds, key=LAYERS.index)


def linked_components(nodes: Sequence[int], graph: csr_matrix) -> list[list[int]]:
    """Connected components (each sorted, in the order of their first node) of the undirected graph ``graph``
    (a symmetric adjacency matrix over every unit) restricted to ``nodes``."""
    ids = np.unique(np.asarray(nodes, dtype=np.int64))
    if not len(ids):
        return []
    _, labels = connected_components(graph[ids][:, ids], directed=False)
    order = np.argsort(labels, kind="stable")  # ids ascending within each label
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    components = [part.tolist() for part in np.split(ids[order], bounds)]
    return sorted(components, key=lambda c: c[0])


def semantic_links(
    vectors: np.ndarray, seeds: np.ndarray, candidates: np.ndarray, threshold: float, chunk_size: int = 4096
) -> list[tuple[int, int]]:
    """For each candidate row, its most similar seed row when the cosine reaches ``threshold``.

    ``vectors`` (n, d) are unit-norm; ``seeds`` and ``candidates`` are row indices.
    Returns ``(candidate, seed)`` pairs.
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


def weighted_medoid(
    units: Sequence[int], counts: np.ndarray, score: Callable[[list[int]], np.ndarray]
) -> int:
    """The unit whose count-weighted similarity to the group is largest (ties: smallest index).

    ``score(ids)`` gives, for each unit of ``ids``, its similarity to every unit of ``ids`` weighted by their
    ``counts`` and summed.
    """
    ordered = sorted(units)
    if len(ordered) == 1:
        return ordered[0]
    return ordered[int(np.argmax(score(ordered)))]


@dataclass
class _Units:
    """Distinct texts (by ``dedup_key``): key, sentence keys, count, first input index, members."""

    keys: list[str]
    parts: list[list[str]]
    counts: np.ndarray
    first: np.ndarray
    members: list[list[int]]
    long: np.ndarray  # units with at least ``min_words`` words
    vectors: np.ndarray | None


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
        A member stays only if it is near its group's template at this Jaccard similarity (or at cosine
        ``semantic_threshold``): chains of near-duplicates cannot drift to an unrelated answer.
    containment, min_shared : float, int
        Two texts are also near-duplicates when the shingles they share are at least ``containment`` of the
        smaller text's (a copy with a sentence added or removed). Either way they share ``min_shared``
        shingles at least: shorter texts join only as exact copies, or pasted whole into a longer one.
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
        min_shared: int = MIN_SHARED,
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
        """Detect campaigns in ``texts`` (n,); unit-norm ``vectors`` (n, d) enable the semantic layer."""
        if self.min_size < 2 or self.num_perm % self.n_bands:
            raise ValueError(
                f"min_size ({self.min_size}) must be >= 2 and num_perm ({self.num_perm}) "
                f"divisible by n_bands ({self.n_bands})"
            )
        if vectors is not None and len(vectors) != len(texts):
            raise ValueError(f"vectors has {len(vectors)} rows for {len(texts)} texts")
        units = self._units(texts, vectors)
        self.short_repeats_ = [
            tuple(units.members[u])
            for u in np.flatnonzero(units.counts >= self.min_size)
            if u not in units.long
        ]
        links, layer = self._link(units)
        self.groups_ = self._groups(units, links, layer)
        return self

    def _units(self, texts: Sequence[str], vectors: np.ndarray | None) -> _Units:
        index: dict[str, int] = {}
        parts: list[list[str]] = []
        members: list[list[int]] = []
        for i, text in enumerate(texts):
            key, sentences = segments(text, self.min_words)
            u = index.setdefault(key, len(index))
            if u == len(members):
                members.append([])
                parts.append(sentences)
            members[u].append(i)
        keys = list(index)
        first = np.array([m[0] for m in members], dtype=np.int64)
        return _Units(
            keys=keys,
            parts=parts,
            counts=np.array([len(m) for m in members], dtype=np.float64),
            first=first,
            members=members,
            long=np.flatnonzero([len(k.split()) >= self.min_words for k in keys]),
            vectors=None if vectors is None else np.asarray(vectors, dtype=np.float32)[first],
        )

    def _near(self, a: str, b: str, threshold: float) -> bool:
        """Near-duplicates (``is_near``), or one text of :attr:`_pasted_words` words or more pasted whole into
        the other with words added: a short template's few distinct word pairs cannot reach ``min_shared``."""
        sa, sb = cached_shingles(a, self.shingle_size), cached_shingles(b, self.shingle_size)
        return is_near(sa, sb, threshold, self.containment, self.min_shared) or self._pasted_either(a, b)

    def _pasted_either(self, a: str, b: str) -> bool:
        """Whether the shorter of two keys (in characters) is pasted whole in the other (:meth:`_pasted`)."""
        shorter, longer = sorted((a, b), key=len)
        return self._pasted(longer, shorter)

    def _pasted(self, container: str, text: str) -> bool:
        """Whether the key ``text``, of :attr:`_pasted_words` words or more, is pasted whole in ``container``."""
        return len(text.split()) >= self._pasted_words and contains_run(container, text)

    @property
    def _pasted_words(self) -> int:
        """Fewest words of a text found pasted whole in another: ``min_words``, and ``min_shared`` where
        ``min_words`` is lower (with ``campaign_min_words`` 5, « la TVA sur les produits de première nécessité »
        posted alone five times would hold every answer that opens with it)."""
        return max(self.min_words, self.min_shared)

    def _candidates(self, units: _Units) -> set[tuple[int, int]]:
        """Pairs of long units to verify: those sharing a MinHash band (of the whole texts or of their long
        sentences), and those where one text is a run of words of the other (a template with words added)."""
        docs, owner = [], []
        for u in units.long.tolist():
            for doc in [units.keys[u], *units.parts[u]]:
                docs.append(doc)
                owner.append(u)
        band_keys = minhash_band_keys(
            docs,
            shingle_size=self.shingle_size,
            num_perm=self.num_perm,
            n_bands=self.n_bands,
            seed=self.random_state,
        )
        owners = np.asarray(owner)
        pairs = {
            (min(a, b), max(a, b))
            for a, b in (owners[list(p)].tolist() for p in bucket_pairs(band_keys))
            if a != b
        }
        long = units.long.tolist()
        inside = contained_pairs([units.keys[u] for u in long], self._pasted_words)
        return pairs | {(min(long[a], long[b]), max(long[a], long[b])) for a, b in inside}

    def _link(self, units: _Units) -> tuple[list[tuple[int, int]], np.ndarray]:
        """Links between long units at the near and semantic layers; ``layer[u]``: loosest layer linking u."""
        links: list[tuple[int, int]] = []
        layer = np.zeros(len(units.keys), dtype=np.int8)  # index into LAYERS
        if len(units.long) > 1:
            for i, j in sorted(self._candidates(units)):
                if self._near(units.keys[i], units.keys[j], self.near_threshold):
                    links.append((i, j))
                    layer[i] = layer[j] = 1
        if units.vectors is not None and self.semantic_threshold is not None and len(units.long):
            linked = (layer[units.long] > 0) | (units.counts[units.long] >= 2)
            seeds, lone = units.long[linked], units.long[~linked]
            for cand, seed in semantic_links(units.vectors, seeds, lone, self.semantic_threshold):
                links.append((cand, seed))
                layer[cand] = 2
        return links, layer

    def _groups(self, units: _Units, links: list[tuple[int, int]], layer: np.ndarray) -> list[CampaignGroup]:
        """One group per linked component, kept to its template and the units anchored to it; the units left
        out are grouped again by their own links: ten copies of a text linked to a larger campaign through
        one bridging answer, but not close to its template, are a campaign of their own, not lost."""
        neighbours: dict[int, list[int]] = {}
        for i, j in links:
            neighbours.setdefault(i, []).append(j)
            neighbours.setdefault(j, []).append(i)
        edges = np.asarray(links, dtype=np.int64).reshape(-1, 2)
        n = len(units.keys)
        graph = csr_matrix(
            (
                np.ones(2 * len(edges), dtype=bool),
                (np.r_[edges[:, 0], edges[:, 1]], np.r_[edges[:, 1], edges[:, 0]]),
            ),
            shape=(n, n),
        )
        pending = linked_components(units.long.tolist(), graph)
        overlap = _Overlap(units.keys, units.long, self.shingle_size)
        groups = []
        while pending:
            component = pending.pop()
            if units.counts[component].sum() < self.min_size:
                continue
            template = weighted_medoid(component, units.counts, self._weighted_similarity(units))
            kept = self._kept(units, component, template, neighbours, graph, overlap)
            if units.counts[kept].sum() >= self.min_size:
                pairs = sorted(
                    (i, EXACT if u == template else LAYERS[max(int(layer[u]), 1)])
                    for u in kept
                    for i in units.members[u]
                )
                groups.append(
                    CampaignGroup(
                        tuple(i for i, _ in pairs), tuple(k for _, k in pairs), int(units.first[template])
                    )
                )
            left = set(component).difference(kept)
            pending += linked_components(sorted(left), graph)
        groups.sort(key=lambda g: (-len(g.members), g.members[0]))
        return groups

    def _kept(
        self,
        units: _Units,
        component: list[int],
        template: int,
        neighbours: Mapping[int, Sequence[int]],
        graph: csr_matrix,
        overlap: _Overlap,
    ) -> list[int]:
        """The units of ``component`` that stay with its template, in component order: the template, those
        anchored to it (near it at ``anchor_threshold``, pasted whole in it or it in them, or at cosine
        ``semantic_threshold``) and those that paste a campaign text the template is or pastes
        (:meth:`_pastes_as_template`). The word pairs each unit shares with the template are counted for the
        whole component at once (a sparse product), so only the few units they leave in doubt are compared one
        by one: a component of thousands of units is met again after each campaign taken out of it."""
        ids = np.asarray(component, dtype=np.int64)
        shared = overlap.shared(template, ids)
        size, size_t = overlap.size[ids], overlap.size[template]
        near = (shared >= max(self.min_shared, 1)) & (
            (shared / np.maximum(size + size_t - shared, 1) >= self.anchor_threshold)
            | (shared / np.maximum(np.minimum(size, size_t), 1) >= self.containment)
        )
        # pasted whole: every word pair of the shorter text (in characters, as _near orders them) is shared
        chars, chars_t = overlap.chars[ids], overlap.chars[template]
        maybe_pasted = (shared > 0) & (shared == np.where(chars <= chars_t, size, size_t)) & ~near
        keys = units.keys
        keep = set(ids[near].tolist()) | {template}
        keep.update(u for u in ids[maybe_pasted].tolist() if self._pasted_either(keys[u], keys[template]))
        if units.vectors is not None and self.semantic_threshold is not None:
            close = units.vectors[ids] @ units.vectors[template] >= self.semantic_threshold - 1e-4
            keep.update(
                u
                for u in ids[close].tolist()
                if float(units.vectors[u] @ units.vectors[template]) >= self.semantic_threshold
            )
        keep |= self._pastes_as_template(units, set(component), template, neighbours, graph)
        return [u for u in component if u in keep]

    def _pastes_as_template(
        self,
        units: _Units,
        component: set[int],
        template: int,
        neighbours: Mapping[int, Sequence[int]],
        graph: csr_matrix,
    ) -> set[int]:
        """The units of ``component`` that paste whole a text they are linked to, copied ``min_size`` times on
        its own, that the template is or pastes whole too: with a short template and a longer version of it
        (the short one and a sentence) as campaign texts, the longer may be the template, and the short one's
        copies with a personal sentence added are still copies of the campaign, though not close to the longer
        version. A sentence that two campaigns share and one person posted alone does not join them."""
        keys = units.keys
        linked = np.unique(graph[np.fromiter(component, dtype=np.int64)].indices)
        pasted = [
            c
            for c in linked[units.counts[linked] >= self.min_size].tolist()
            if c == template or self._pasted(keys[template], keys[c])
        ]
        return {
            u
            for c in pasted
            for u in neighbours.get(c, ())
            if u in component and self._pasted(keys[u], keys[c])
        }

    def _weighted_similarity(self, units: _Units) -> Callable[[list[int]], np.ndarray]:
        """``score`` for :func:`weighted_medoid`: cosine of the vectors (computed as ``V (V^T c)``, never the
        (u, u) matrix: one component of a large consultation can hold thousands of units), else Jaccard of
        word shingles to the :data:`MEDOID_REFERENCES` most copied units of the component (all of them in a
        smaller one): linear in the component's size, where every pair took minutes for 20,000 variants."""

        def score(ids: list[int]) -> np.ndarray:
            weights = units.counts[ids].astype(np.float64)
            if units.vectors is not None:
                v = units.vectors[ids].astype(np.float64)
                return np.asarray(v @ (v.T @ weights))
            sets = [cached_shingles(units.keys[u], self.shingle_size) for u in ids]
            refs = sorted(range(len(ids)), key=lambda k: (-weights[k], k))[:MEDOID_REFERENCES]
            return np.array([sum(jaccard(a, sets[r]) * weights[r] for r in refs) for a in sets])

        return score
