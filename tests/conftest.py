"""Shared fixtures: the seeded fake embedder ("fake-hash") is registered for every test."""

from __future__ import annotations

import pytest

from tests.utils.fake_embedder import register_fake_embedder


@pytest.fixture(autouse=True, scope="session")
def _fake_embedder() -> None:
    register_fake_embedder()
