"""A fast, seeded, offline embedder for unit tests: a bag of hashed words (texts sharing words end up close)."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence

import numpy as np

from synthesis.embed import REGISTRY, l2_normalise
from synthesis.prepare import dedup_key

FAKE_EMBEDDER = "fake-hash"


def _word_vector(word: str, dimension: int) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
    return np.random.default_rng(seed).standard_normal(dimension).astype(np.float32)


class HashEmbedder:
    """Sum of one seeded random vector per word (accents and case folded), unit norm."""

    name = FAKE_EMBEDDER
    model_id = "fake-hash-64"
    version = "test"

    def __init__(self, dimension: int = 64) -> None:
        self.dimension = dimension
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in dedup_key(text).split():
                out[i] += _word_vector(word, self.dimension)
        return l2_normalise(out)


def register_fake_embedder() -> None:
    """Make ``RunSettings(embedder="fake-hash")`` resolve to :class:`HashEmbedder`."""
    REGISTRY[FAKE_EMBEDDER] = lambda model=None: HashEmbedder()


SLOW_EMBEDDER = "fake-slow"
SLOW_SECONDS_PER_TEXT = float(os.environ.get("SYNTHESE_TEST_SLOW_S", "0.02"))


class SlowHashEmbedder(HashEmbedder):
    """The fake embedder, slowed down per text (same vectors as "fake-hash", another model id)."""

    name = SLOW_EMBEDDER
    model_id = "fake-slow-64"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        time.sleep(SLOW_SECONDS_PER_TEXT * len(texts))
        return super().embed(texts)


def register_slow_embedder() -> None:
    """Make ``RunSettings(embedder="fake-slow")`` resolve to :class:`SlowHashEmbedder` (for tests that must
    catch a run mid-embedding; the API checks the name when a run is asked for)."""
    REGISTRY[SLOW_EMBEDDER] = lambda model=None: SlowHashEmbedder()
