"""Fixtures of the ingest tests: the real data beside the repository (``../shared/data``) and file writers."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT.parent / "shared" / "data"
SAMPLES = ROOT / "sample_consultations"
GD_SAMPLE = SAMPLES / "granddebat_fiscalite_sample.csv"


@pytest.fixture
def data() -> Path:
    if not DATA.is_dir():
        pytest.skip(f"real data not found at {DATA}")
    return DATA


@pytest.fixture
def write(tmp_path: Path):
    """write(name, content: str | bytes, encoding="utf-8") -> Path"""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return _write
