"""Compare two runs of one consultation: theme sizes and the contributions that moved (issue 6)."""

from __future__ import annotations

from collections import Counter

from sqlmodel import Session

from schemas.api import MovedContribution, RunComparison, ThemeComparison
from service import crud
from service.models import Run


def _placement(session: Session, run: Run):
    rows = crud.list_assignments(session=session, run_id=run.id)
    labels = {t.cluster_id: t.label for t in crud.list_themes(session=session, run_id=run.id)}
    return {c.id: (a.cluster_id, c) for a, c in rows}, labels


def compare_runs(*, session: Session, run: Run, other: Run, limit: int = 1000) -> RunComparison:
    """Each theme of ``run`` is matched with the theme of ``other`` sharing most of its contributions; a
    contribution "moved" when its theme in ``other`` is not the match of its theme in ``run`` (noise is a
    theme     of its own, ``None``). Contributions present in one run only are ignored."""
    a, a_labels = _placement(session, run)
    b, b_labels = _placement(session, other)
    common = sorted(set(a) & set(b))
    pairs = Counter((a[i][0], b[i][0]) for i in common)
    sizes_a = Counter(a[i][0] for i in a)
    sizes_b = Counter(b[i][0] for i in b)
    match: dict[str | None, tuple[str | None, int]] = {}
    for (ca, cb), n in sorted(pairs.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        if ca not in match:
            match[ca] = (cb, n)
    themes = []
    for ca in sorted(sizes_a, key=lambda c: (c is None, str(c))):
        cb, shared = match.get(ca, (None, 0))
        question = next(c.question_id for i, (cid, c) in a.items() if cid == ca)
        themes.append(
            ThemeComparison(
                question_id=question,
                cluster_id=ca,
                label=a_labels.get(ca),
                size=sizes_a[ca],
                other_cluster_id=cb,
                other_label=b_labels.get(cb),
                other_size=sizes_b.get(cb, 0) if cb is not None or shared else 0,
                shared=shared,
                size_change=(sizes_b.get(cb, 0) if shared else 0) - sizes_a[ca],
            )
        )
    moved = [i for i in common if match.get(a[i][0], (None, 0))[0] != b[i][0]]
    return RunComparison(
        run_id=run.id,
        other_run_id=other.id,
        themes=themes,
        moved=[
            MovedContribution(
                contribution_id=i,
                source_id=a[i][1].source_id,
                question_id=a[i][1].question_id,
                from_cluster_id=a[i][0],
                to_cluster_id=b[i][0],
            )
            for i in moved[:limit]
        ],
        moved_count=len(moved),
        stayed_count=len(common) - len(moved),
    )
