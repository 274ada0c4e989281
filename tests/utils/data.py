"""Paths of the real data used by the tests (the shared data folder sits beside the repository)."""

from __future__ import annotations

import csv
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
SAMPLES = REPO_ROOT / "sample_consultations"


def granddebat_answers(name: str = "gd_animation_fiscalite_13.csv", limit: int | None = None) -> list[str]:
    """Real Grand Débat answers of one question (the file's ``comment`` column)."""
    with open(SHARED_DATA / "granddebat" / name, encoding="utf-8", newline="") as fh:
        rows = [row["comment"] for row in csv.DictReader(fh)]
    return rows[:limit] if limit is not None else rows
