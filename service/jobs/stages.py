"""Stages of a run and their share of the progress bar (embedding dominates on real data)."""

from __future__ import annotations

STAGES = ("load", "prepare", "embed", "cluster", "report", "store")
_WEIGHTS = {"load": 0.02, "prepare": 0.02, "embed": 0.6, "cluster": 0.3, "report": 0.03, "store": 0.03}


def overall_progress(stage: str, fraction: float) -> float:
    """Progress 0-1 of the whole run when ``stage`` is ``fraction`` done."""
    if stage not in _WEIGHTS:
        return 0.0
    done = sum(_WEIGHTS[s] for s in STAGES[: STAGES.index(stage)])
    return round(min(1.0, done + _WEIGHTS[stage] * max(0.0, min(1.0, fraction))), 4)
