"""Parallel embedding (issue 8): worker processes give vectors bitwise equal to the sequential path."""

import functools
import multiprocessing

import numpy as np
import pytest

from synthesis import prepare
from synthesis.embed import MemoryCache, embed_unique, get_embedder, parallel
from tests.utils.data import granddebat_answers
from tests.utils.fake_embedder import HashEmbedder


def _real_texts(n: int = 100) -> list[str]:
    """n distinct normalised real answers, sorted as ``embed_unique`` sorts them."""
    texts = [prepare.normalise_text(t) for t in granddebat_answers(limit=20 * n)]
    return sorted(list(dict.fromkeys(t for t in texts if t))[:n])


def test_two_workers_are_bitwise_equal_to_sequential_on_real_answers():
    texts = _real_texts(100)
    sequential = get_embedder("use-multilingual").embed(texts)
    factory = parallel.registry_factory("use-multilingual", None)
    # batch_size 16: seven batches, so both workers take several
    in_workers = parallel.embed_parallel(texts, factory, workers=2, batch_size=16)
    assert in_workers.dtype == np.float32 and in_workers.shape == (100, 512)
    np.testing.assert_array_equal(in_workers, sequential)


def test_embed_unique_with_workers_equals_sequential_and_fills_the_cache(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PARALLEL_TEXTS", 10)
    answers = [prepare.normalise_text(t) for t in granddebat_answers(limit=120)]
    emb = get_embedder("use-multilingual")
    one = embed_unique(answers, emb, MemoryCache(), batch_size=32)
    cache = MemoryCache()
    two = embed_unique(answers, emb, cache, batch_size=32, workers=2)
    np.testing.assert_array_equal(one, two)
    assert len(cache) == len(set(answers))
    again = embed_unique(answers, emb, cache, batch_size=32, workers=2)  # all cached: no pool started
    np.testing.assert_array_equal(again, one)


def test_a_caller_registered_backend_needs_a_factory(monkeypatch):
    """A spawned worker does not see run-time registrations; a picklable factory builds the embedder there."""
    monkeypatch.setattr(parallel, "MIN_PARALLEL_TEXTS", 10)
    texts = [f"réponse numéro {i} sur la taxe foncière" for i in range(40)]
    sequential = embed_unique(texts, HashEmbedder())
    with_factory = embed_unique(
        texts, HashEmbedder(), workers=2, batch_size=8, factory=functools.partial(HashEmbedder)
    )
    without = embed_unique(texts, HashEmbedder(), workers=2, batch_size=8)  # not built in: embedded here
    np.testing.assert_array_equal(with_factory, sequential)
    np.testing.assert_array_equal(without, sequential)


def test_resolve_workers_caps_at_available_cores():
    cores = parallel.available_cores()
    assert parallel.resolve_workers(0) == min(cores, parallel.MAX_AUTO_WORKERS)
    assert parallel.resolve_workers(1) == 1
    assert parallel.resolve_workers(10_000) == cores
    with pytest.raises(ValueError, match="embed_workers"):
        parallel.resolve_workers(-1)


def test_a_daemonic_process_embeds_in_process(monkeypatch):
    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True, raising=False)
    assert parallel.resolve_workers(4) == 1


def test_batches_are_consecutive_and_cover_everything():
    assert parallel.batches(list("abcdefg"), 3) == [["a", "b", "c"], ["d", "e", "f"], ["g"]]
    assert parallel.batches([], 3) == []
    with pytest.raises(ValueError, match="batch_size"):
        parallel.batches(["a"], 0)
