"""The embedding protocol shared by every backend."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-norm vectors.

    Attributes
    ----------
    name : str
        Registry name of the backend (``use-multilingual``, ``sentence-transformers``).
    model_id : str
        Identifier of the model weights; part of the cache key.
    version : str
        Version of the package that carries the weights.
    dimension : int
        Length of each vector.
    """

    name: str
    model_id: str
    version: str
    dimension: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; returns a float32 array of shape (n_texts, dimension), rows of unit norm."""
        ...


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit norm (zero rows stay zero); float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: np.ndarray = (vectors / norms).astype(np.float32, copy=False)
    return out
