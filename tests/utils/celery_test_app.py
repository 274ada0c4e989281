"""The real Celery app, plus the test embedders, for worker processes started by the tests.

``celery -A tests.utils.celery_test_app worker`` registers the seeded fake embedder ("fake-hash") and a slow
one ("fake-slow", for tests that must catch a run mid-embedding), counts embedder loads per process in Redis
(to check the start-up hook loads a model once per worker), then exposes ``service.jobs.celery_app.app``
unchanged.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

import numpy as np

from synthesis.embed import REGISTRY
from tests.utils.fake_embedder import HashEmbedder, register_fake_embedder

SLOW_EMBEDDER = "fake-slow"
SLOW_SECONDS_PER_TEXT = float(os.environ.get("SYNTHESE_TEST_SLOW_S", "0.02"))


class SlowHashEmbedder(HashEmbedder):
    """The fake embedder, slowed down per text (same vectors as "fake-hash", another model id)."""

    name = SLOW_EMBEDDER
    model_id = "fake-slow-64"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        time.sleep(SLOW_SECONDS_PER_TEXT * len(texts))
        return super().embed(texts)


def _counted(name: str, factory):
    def load(model=None):
        from service.jobs.worker import get_redis

        get_redis().hincrby("test:loads", f"{os.getpid()}:{name}", 1)
        return factory(model)

    return load


register_fake_embedder()
REGISTRY[SLOW_EMBEDDER] = lambda model=None: SlowHashEmbedder()
for _name in list(REGISTRY):
    REGISTRY[_name] = _counted(_name, REGISTRY[_name])

from service.jobs.celery_app import app  # noqa: E402  (the registrations above must come first)

__all__ = ["app"]
