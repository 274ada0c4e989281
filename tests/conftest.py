"""Shared fixtures: the seeded fake embedders ("fake-hash", and "fake-slow" for runs caught mid-embedding) are
registered for every test (the API checks an embedder's name when a run is asked for)."""

from __future__ import annotations

import pytest

from tests.utils.fake_embedder import register_fake_embedder, register_slow_embedder


@pytest.fixture(autouse=True, scope="session")
def _fake_embedder() -> None:
    register_fake_embedder()
    register_slow_embedder()
