"""Compare two runs of one consultation: theme sizes and the contributions that moved (issue 6)."""

from __future__ import annotations

from collections import Counter

from sqlmodel import Session

from schemas.api import MovedContribution, RunComparison, ThemeComparison
from service import crud
from service.models import Contribution, Run

# Where a contribution is in a run: (question, status, theme); noise and excluded contributions form one group
# per question and status, with no theme.
Group = tuple[str, str, str | None]


def _placement(session: Session, run: Run) -> tuple[dict[int, tuple[Group, Contribution]], dict[str, str]]:
    rows = crud.list_assignments(session=session, run_id=run.id)
    labels = {t.cluster_id: t.label for t in crud.list_themes(session=session, run_id=run.id)}
    placed: dict[int, tuple[Group, Contribution]] = {}
    for a, c, _ in rows:
        if c.id is not None:
            placed[c.id] = ((a.question_id, a.status, a.cluster_id if a.status == "clustered" else None), c)
    return placed, labels


def compare_runs(*, session: Session, run: Run, other: Run, limit: int = 1000) -> RunComparison:
    """Each group of ``run`` (a theme, or a question's "non classées" or excluded contributions) is matched
    with the group of ``other`` sharing most of its contributions; a contribution "moved" when its group in
    ``other`` is not the match of its group in ``run``. Contributions present in one run only are ignored."""
    a, a_labels = _placement(session, run)
    b, b_labels = _placement(session, other)
    common = sorted(set(a) & set(b))
    pairs = Counter((a[i][0], b[i][0]) for i in common)
    sizes_a = Counter(group for group, _ in a.values())
    sizes_b = Counter(group for group, _ in b.values())
    match: dict[Group, tuple[Group, int]] = {}
    for (first, second), n in sorted(
        pairs.items(), key=lambda kv: (-kv[1], _order(kv[0][0]), _order(kv[0][1]))
    ):
        match.setdefault(first, (second, n))
    themes = []
    for ga in sorted(sizes_a, key=_order):
        gb: Group | None = None
        shared = 0
        if ga in match:
            gb, shared = match[ga]
        themes.append(
            ThemeComparison(
                question_id=ga[0],
                status=ga[1],
                cluster_id=ga[2],
                label=a_labels.get(ga[2]) if ga[2] else None,
                size=sizes_a[ga],
                other_status=gb[1] if gb else None,
                other_cluster_id=gb[2] if gb else None,
                other_label=b_labels.get(gb[2]) if gb and gb[2] else None,
                other_size=sizes_b[gb] if gb else 0,
                shared=shared,
                size_change=(sizes_b[gb] if gb else 0) - sizes_a[ga],
            )
        )
    moved = [i for i in common if match[a[i][0]][0] != b[i][0]]
    return RunComparison(
        run_id=run.id,
        other_run_id=other.id,
        themes=themes,
        moved=[
            MovedContribution(
                contribution_id=i,
                source_id=a[i][1].source_id,
                question_id=a[i][1].question_id,
                from_status=a[i][0][1],
                from_cluster_id=a[i][0][2],
                to_status=b[i][0][1],
                to_cluster_id=b[i][0][2],
            )
            for i in moved[:limit]
        ],
        moved_count=len(moved),
        stayed_count=len(common) - len(moved),
    )


_STATUS_ORDER = {"clustered": 0, "noise": 1, "excluded": 2}


def _order(group: Group) -> tuple[str, int, str]:
    """Questions in order; in each, its themes, then its "non classées", then its excluded contributions."""
    question, status, cluster = group
    return question, _STATUS_ORDER.get(status, len(_STATUS_ORDER)), cluster or ""
