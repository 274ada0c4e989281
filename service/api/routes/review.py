"""Human review of a run: rename, merge, split a theme, move a contribution, reject a quote; history."""

from __future__ import annotations

from fastapi import APIRouter

from schemas.api import (
    ErrorOut,
    MergeThemes,
    MoveContribution,
    RejectQuote,
    RenameTheme,
    ReviewActionPublic,
    ReviewActionsPublic,
    SplitTheme,
)
from service.api.deps import RunDep, SessionDep, WriteKeyDep
from service.api.routes.runs import review_history
from service.models import ApiKey, Run
from service.review.store import record_action

router = APIRouter(prefix="/runs/{run_id}", tags=["review"])
ERRORS = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    409: {"model": ErrorOut},
    422: {"model": ErrorOut, "description": "The action does not apply (unknown theme, other question…)"},
}


def _record(session, run: Run, key: ApiKey, action: str, payload: dict) -> ReviewActionPublic:
    row = record_action(session=session, run=run, action=action, payload=payload, actor=key.name)
    return ReviewActionPublic.model_validate(row, from_attributes=True)


@router.post(
    "/clusters/{cluster_id}/rename",
    response_model=ReviewActionPublic,
    status_code=201,
    operation_id="rename_theme",
    summary="Renommer un thème",
    responses=ERRORS,
)
def rename_theme(
    run: RunDep, cluster_id: str, body: RenameTheme, session: SessionDep, key: WriteKeyDep
) -> ReviewActionPublic:
    """Give a theme a human label; the automatic label stays in the automatic version."""
    return _record(session, run, key, "rename", {"cluster_id": cluster_id, "label": body.label})


@router.post(
    "/clusters/{cluster_id}/merge",
    response_model=ReviewActionPublic,
    status_code=201,
    operation_id="merge_themes",
    summary="Fusionner un thème dans un autre",
    responses=ERRORS,
)
def merge_themes(
    run: RunDep, cluster_id: str, body: MergeThemes, session: SessionDep, key: WriteKeyDep
) -> ReviewActionPublic:
    """Move every member of the theme in the path into ``into_cluster_id`` (same question)."""
    return _record(
        session, run, key, "merge", {"cluster_id": cluster_id, "into_cluster_id": body.into_cluster_id}
    )


@router.post(
    "/clusters/{cluster_id}/split",
    response_model=ReviewActionPublic,
    status_code=201,
    operation_id="split_theme",
    summary="Diviser un thème",
    responses=ERRORS,
)
def split_theme(
    run: RunDep, cluster_id: str, body: SplitTheme, session: SessionDep, key: WriteKeyDep
) -> ReviewActionPublic:
    """Re-cluster the theme's members (stored embeddings, the run's seed) into sub-themes ``<id>-s1``…"""
    return _record(
        session, run, key, "split", {"cluster_id": cluster_id, "min_cluster_size": body.min_cluster_size}
    )


@router.post(
    "/clusters/{cluster_id}/quotes/reject",
    response_model=ReviewActionPublic,
    status_code=201,
    operation_id="reject_quote",
    summary="Écarter une citation",
    responses=ERRORS,
)
def reject_quote(
    run: RunDep, cluster_id: str, body: RejectQuote, session: SessionDep, key: WriteKeyDep
) -> ReviewActionPublic:
    """Remove a representative quote; the next most central member with a distinct text replaces it."""
    return _record(
        session, run, key, "reject_quote", {"cluster_id": cluster_id, "contribution_id": body.contribution_id}
    )


@router.post(
    "/moves",
    response_model=ReviewActionPublic,
    status_code=201,
    operation_id="move_contribution",
    summary="Déplacer une contribution",
    responses=ERRORS,
)
def move_contribution(
    run: RunDep, body: MoveContribution, session: SessionDep, key: WriteKeyDep
) -> ReviewActionPublic:
    """Put a contribution in another theme of its question, or in « non classées » (null target)."""
    return _record(session, run, key, "move", body.model_dump())


@router.get(
    "/review",
    response_model=ReviewActionsPublic,
    operation_id="list_review_actions",
    summary="Historique de la relecture",
    responses=ERRORS,
)
def list_review_actions(run: RunDep, session: SessionDep) -> ReviewActionsPublic:
    """Every review action of the run in order: who, when, what, before and after."""
    rows = review_history(session, run)
    return ReviewActionsPublic(data=rows, count=len(rows))
