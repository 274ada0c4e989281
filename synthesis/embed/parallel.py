"""Embed distinct texts across worker processes, with vectors bitwise equal to the sequential ones (issue 8).

The texts (already distinct and sorted by :func:`synthesis.embed.embed_unique`) are cut into fixed batches of
``batch_size`` consecutive texts, exactly the batches the sequential path embeds; each batch is one task.
Workers take tasks as they free up, but a batch's vectors depend only on its texts (the default backend even
embeds each text alone with one BLAS thread), so which process embeds which batch cannot change a single bit
of the result.

Each worker loads the model once, in the pool initializer (arq's "model loaded once per worker"), and is
limited to one BLAS / torch thread so that N workers use N cores. Processes start with the ``spawn`` method:
the service runs threads, and forking a threaded process can copy a held lock into the child.

Starting a worker costs about 0.6 s (interpreter, numpy, model weights) on the 2-core dev box, so the pool is
only used above :data:`MIN_PARALLEL_TEXTS` texts still to embed; below that, sequential is faster.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from synthesis.embed.base import Embedder

# Break-even on the dev box: a worker starts in ~0.6 s (the embedding process itself would load the model too)
# and USE embeds ~700 texts/s per core; measured on 1,154 answers, `synthese analyse` median of 3: 3.6 s in one
# process, 3.3 s with 2 workers.
MIN_PARALLEL_TEXTS = 500
# ``embed_workers = 0`` ("auto") never starts more than this many processes (each holds a copy of the model).
MAX_AUTO_WORKERS = 8
START_METHOD = "spawn"

EmbedderFactory = Callable[[], Embedder]

_worker_embedder: Embedder | None = None


def available_cores() -> int:
    """Cores this process may run on (the CPU affinity mask where the OS has one, else ``os.cpu_count()``)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def resolve_workers(requested: int = 0) -> int:
    """Number of embedding processes to use: ``requested`` (0 = auto) capped by the available cores.

    A daemonic process (a Celery prefork child, say) may not start processes, so it always gets 1; the result
    is the same bitwise, only slower.
    """
    if requested < 0:
        raise ValueError(f"embed_workers must be >= 0 (0 = auto), got {requested}")
    if multiprocessing.current_process().daemon:
        return 1
    cores = available_cores()
    wanted = min(cores, MAX_AUTO_WORKERS) if requested == 0 else requested
    return max(1, min(wanted, cores))


def registry_factory(name: str, model: str | None) -> EmbedderFactory:
    """A picklable factory that loads the registered backend ``name`` (with ``model``) inside a worker."""
    from synthesis.embed import get_embedder

    return functools.partial(get_embedder, name, model)


def _init_worker(factory: EmbedderFactory) -> None:
    global _worker_embedder
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)  # N workers on N cores: no oversubscription
    _worker_embedder = factory()
    torch = sys.modules.get("torch")
    if torch is not None:  # the sentence-transformers backend
        torch.set_num_threads(1)


def _embed_batch(texts: list[str]) -> np.ndarray:
    assert _worker_embedder is not None, "worker not initialised"
    return np.asarray(_worker_embedder.embed(texts), dtype=np.float32)


def batches(texts: Sequence[str], batch_size: int) -> list[list[str]]:
    """``texts`` cut into consecutive batches of ``batch_size`` (the last one shorter)."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    return [list(texts[i : i + batch_size]) for i in range(0, len(texts), batch_size)]


def iter_parallel(
    texts: Sequence[str], factory: EmbedderFactory, *, workers: int, batch_size: int
) -> Iterator[tuple[list[str], np.ndarray]]:
    """Yield ``(batch, vectors)`` for consecutive batches of ``texts``, in order, embedded by ``workers``
    processes.

    Parameters
    ----------
    texts : sequence of str, length n
        Texts to embed (``embed_unique`` passes the distinct ones, sorted).
    factory : callable returning an Embedder
        Picklable (a module-level function or a ``functools.partial`` of one); called once per worker.
    workers : int
        Number of processes (>= 1).
    batch_size : int
        Texts per task; the same batches as the sequential path.

    Yields
    ------
    batch : list of str
    vectors : (len(batch), d) float32
    """
    work = batches(texts, batch_size)
    if not work:
        return
    n_proc = max(1, min(workers, len(work)))
    context = multiprocessing.get_context(START_METHOD)
    with ProcessPoolExecutor(
        n_proc, mp_context=context, initializer=_init_worker, initargs=(factory,)
    ) as pool:
        yield from zip(work, pool.map(_embed_batch, work), strict=True)


def embed_parallel(
    texts: Sequence[str], factory: EmbedderFactory, *, workers: int = 2, batch_size: int = 256
) -> np.ndarray:
    """(n, d) float32 vectors of ``texts``, in order, embedded by ``workers`` processes (iter_parallel)."""
    parts = [vectors for _, vectors in iter_parallel(texts, factory, workers=workers, batch_size=batch_size)]
    if not parts:
        return np.zeros((0, factory().dimension), dtype=np.float32)
    return np.vstack(parts)
