"""Embedding backends behind one protocol, an explicit registry, and cached embedding of distinct texts."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from synthesis.embed.base import Embedder, l2_normalise
from synthesis.embed.cache import EmbeddingCache, MemoryCache, SQLiteCache, text_key
from synthesis.errors import BackendNotInstalledError, UnknownEmbedderError

DEFAULT_EMBEDDER = "use-multilingual"


def _use_multilingual(model: str | None = None) -> Embedder:
    from synthesis.embed.use_multilingual import USEMultilingualEmbedder

    return USEMultilingualEmbedder()


def _sentence_transformers(model: str | None = None) -> Embedder:
    from synthesis.embed.sentence_transformers import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(model)


REGISTRY: dict[str, Callable[[str | None], Embedder]] = {
    "use-multilingual": _use_multilingual,
    "sentence-transformers": _sentence_transformers,
}

# Backends a freshly spawned worker process knows without the caller's registrations (see ``embed.parallel``).
BUILTIN_BACKENDS = frozenset(REGISTRY)

_LOADED: dict[tuple[str, str | None], Embedder] = {}


# The package an optional built-in backend needs (see pyproject's extras)
_BACKEND_PACKAGES = {"sentence-transformers": "sentence_transformers"}


def check_embedder(name: str) -> None:
    """Raise, loading nothing, what :func:`get_embedder` would on ``name``: an unknown name
    (:class:`UnknownEmbedderError`), a backend whose optional package is not installed
    (:class:`BackendNotInstalledError`)."""
    if name not in REGISTRY:
        known = ", ".join(sorted(REGISTRY))
        raise UnknownEmbedderError(
            f"Embedder inconnu : {name!r} (disponibles : {known})",
            f"Unknown embedder: {name!r} (available: {known})",
            value=name,
        )
    package = _BACKEND_PACKAGES.get(name)
    if package is not None and importlib.util.find_spec(package) is None:
        raise BackendNotInstalledError(
            f"Le backend {name} n'est pas installé : pip install '.[{name}]'",
            f"The {name} backend is not installed: pip install '.[{name}]'",
            value=name,
        )


def get_embedder(name: str = DEFAULT_EMBEDDER, model: str | None = None) -> Embedder:
    """The backend registered as ``name``, loaded once per process."""
    check_embedder(name)
    key = (name, model)
    if key not in _LOADED:
        _LOADED[key] = REGISTRY[name](model)
    return _LOADED[key]


def embed_unique(
    texts: Sequence[str],
    embedder: Embedder,
    cache: EmbeddingCache | None = None,
    *,
    progress: Callable[[float], None] | None = None,
    batch_size: int = 256,
    workers: int = 1,
    factory: Callable[[], Embedder] | None = None,
) -> np.ndarray:
    """Embed each distinct text once (in sorted order), reusing the cache; returns (len(texts), d) float32.

    Parameters
    ----------
    texts : sequence of str, length n
        Normalised texts; duplicates are embedded once.
    embedder : Embedder
    cache : EmbeddingCache, optional
        Looked up by ``text_key(embedder.model_id, text)``; filled with what was computed.
    progress : callable, optional
        Called with the fraction (0-1) of distinct texts done.
    workers : int, default 1
        Processes embedding the texts not in the cache (see :mod:`synthesis.embed.parallel`); used only above
        ``parallel.MIN_PARALLEL_TEXTS`` such texts, and for a built-in backend or a given ``factory``. The
        vectors are bitwise those of ``workers=1``.
    factory : callable, optional
        Picklable zero-argument callable that builds the same embedder inside a worker (default: the
        registry).
    """
    distinct = sorted(set(texts))
    keys = [text_key(embedder.model_id, t) for t in distinct]
    found = cache.get_many(keys) if cache is not None else {}
    vectors: dict[str, np.ndarray] = {t: found[k] for t, k in zip(distinct, keys, strict=True) if k in found}
    todo = [t for t in distinct if t not in vectors]
    done = len(distinct) - len(todo)
    for chunk, chunk_vectors in _embedded_batches(todo, embedder, batch_size, workers, factory):
        vectors.update(zip(chunk, chunk_vectors, strict=True))
        if cache is not None:
            pairs = zip(chunk, chunk_vectors, strict=True)
            cache.put_many((text_key(embedder.model_id, t), v) for t, v in pairs)
        done += len(chunk)
        if progress is not None and distinct:
            progress(done / len(distinct))
    if not distinct:
        return np.zeros((0, embedder.dimension), dtype=np.float32)
    table = np.asarray([vectors[t] for t in distinct], dtype=np.float32)  # row j: distinct[j]
    row = {t: j for j, t in enumerate(distinct)}
    return table[[row[t] for t in texts]]


def _embedded_batches(
    todo: list[str], embedder: Embedder, batch_size: int, workers: int, factory: Callable[[], Embedder] | None
) -> Iterator[tuple[list[str], np.ndarray]]:
    """Consecutive batches of ``todo`` with their vectors: in worker processes when worth it, else here."""
    from synthesis.embed import parallel

    if factory is None and embedder.name in BUILTIN_BACKENDS:
        factory = parallel.registry_factory(embedder.name, embedder.model_id)
    if workers > 1 and factory is not None and len(todo) >= parallel.MIN_PARALLEL_TEXTS:
        yield from parallel.iter_parallel(todo, factory, workers=workers, batch_size=batch_size)
        return
    for chunk in parallel.batches(todo, batch_size):
        yield chunk, embedder.embed(chunk)


__all__ = [
    "DEFAULT_EMBEDDER",
    "REGISTRY",
    "Embedder",
    "EmbeddingCache",
    "MemoryCache",
    "SQLiteCache",
    "check_embedder",
    "embed_unique",
    "get_embedder",
    "l2_normalise",
    "text_key",
]
