"""The real Celery app, plus the test embedders, for worker processes started by the tests.

``celery -A tests.utils.celery_test_app worker`` registers the seeded fake embedder ("fake-hash") and a slow
one ("fake-slow", for tests that must catch a run mid-embedding), counts embedder loads per process in Redis
(to check the start-up hook loads a model once per worker), then exposes ``service.jobs.celery_app.app``
unchanged.
"""

from __future__ import annotations

import os

from synthesis.embed import REGISTRY
from tests.utils.fake_embedder import register_fake_embedder, register_slow_embedder


def _counted(name: str, factory):
    def load(model=None):
        from service.jobs.worker import get_redis

        get_redis().hincrby("test:loads", f"{os.getpid()}:{name}", 1)
        return factory(model)

    return load


register_fake_embedder()
register_slow_embedder()
for _name in list(REGISTRY):
    REGISTRY[_name] = _counted(_name, REGISTRY[_name])

from service.jobs.celery_app import app  # noqa: E402  (the registrations above must come first)

__all__ = ["app"]
