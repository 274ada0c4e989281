"""Participant-origin flags and per-theme breakdowns (issue 5)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from schemas import QuestionReport, RunSettings
from synthesis.records import Contribution


def annotate_origin(
    question: QuestionReport,
    items: Sequence[Contribution],
    kept: Sequence[Contribution],
    vectors: np.ndarray,
    settings: RunSettings,
) -> None:
    """Add campaigns, member flags and weights, and each theme's origin breakdown to ``question`` (in place).

    ``items`` are all the question's contributions, ``kept`` those clustered (rows of ``vectors``).
    """
    return None
