"""The review history (service's review actions) in plain words for the report page's "Relecture" section.

``synthesis`` never imports the service: entries are plain mappings with ``created_at``, ``actor``,
``action`` and ``payload`` (optionally ``before``, ``after``, ``carried_from_run``: the earlier run an action
was carried from), as ``ReviewActionPublic`` dumps them. An action that could not be carried over has
``after["skipped"]`` (French) and ``after["skipped_en"]``, the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from schemas import Cluster
from synthesis.labels import quoted

REVIEWED = "reviewed"
AUTOMATIC = "automatic"
VERSIONS = (REVIEWED, AUTOMATIC)


@dataclass
class ReviewEntry:
    """One review action: when (readable), who, what (a sentence), the run it was carried from and, when it
    could not be carried over, why (it changed nothing)."""

    when: str
    actor: str
    text: str
    carried_from: Any = None
    skipped: str | None = None


def _theme(cluster_id: Any, clusters: Mapping[str, Cluster], old_label: Any = None) -> str:
    label = old_label or (clusters[cluster_id].label if cluster_id in clusters else None)
    return f"{quoted(label)} ({cluster_id})" if label else str(cluster_id)


def action_text(entry: Mapping[str, Any], clusters: Mapping[str, Cluster], t: Callable[..., str]) -> str:
    """One action as a sentence (``a renommé le thème « x » (q1-0) en « y »``)."""
    action = str(entry.get("action", ""))
    payload = dict(entry.get("payload") or {})
    before = dict(entry.get("before") or {})
    theme_id = payload.get("cluster_id")
    if action == "rename":
        old = _theme(theme_id, {}, before.get("label"))
        return t("review.action.rename", theme=old, label=payload.get("label", ""))
    if action == "merge":
        into = _theme(payload.get("into_cluster_id"), clusters)
        source = _theme(theme_id, {}, (before.get("source") or {}).get("label"))
        return t("review.action.merge", theme=source, into=into)
    if action == "split":
        return t("review.action.split", theme=_theme(theme_id, clusters))
    if action == "move":
        to = payload.get("to_cluster_id")
        target = _theme(to, clusters) if to else t("review.action.move.noise")
        return t("review.action.move", contribution=payload.get("contribution_id", "?"), to=target)
    if action == "reject_quote":
        return t(
            "review.action.reject_quote",
            contribution=payload.get("contribution_id", "?"),
            theme=_theme(theme_id, clusters),
        )
    return t("review.action.other", action=action)


def review_entries(
    review: Sequence[Mapping[str, Any]],
    clusters: Mapping[str, Cluster],
    t: Callable[..., str],
    fdate: Callable[[str | None], str],
    lang: str = "fr",
) -> list[ReviewEntry]:
    """The history, oldest first, as readable entries (a reason not to carry an action in ``lang``)."""
    out = []
    for entry in review:
        when = entry.get("created_at")
        when_text = when.isoformat(timespec="seconds") if isinstance(when, datetime) else when
        after = dict(entry.get("after") or {})
        skipped = after.get("skipped_en" if lang == "en" else "skipped") or after.get("skipped")
        out.append(
            ReviewEntry(
                when=fdate(str(when_text)) if when_text else "—",
                actor=str(entry.get("actor") or "—"),
                # a skipped action's theme ids are the earlier run's: never named after this run's themes
                text=action_text(entry, {} if skipped else clusters, t),
                carried_from=entry.get("carried_from_run"),
                skipped=str(skipped) if skipped else None,
            )
        )
    return out
