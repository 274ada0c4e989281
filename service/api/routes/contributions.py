"""Contributions: one contribution with its text, previous versions and where every run put it."""

from __future__ import annotations

from fastapi import APIRouter

from schemas.api import AssignmentPublic, ContributionPublic, ErrorOut, PreviousVersion
from service import crud
from service.api.deps import ContributionDep, SessionDep
from synthesis.prepare import mask_pii

router = APIRouter(prefix="/contributions", tags=["contributions"])


@router.get(
    "/{contribution_id}",
    response_model=ContributionPublic,
    operation_id="get_contribution",
    summary="Lire une contribution et ses affectations",
    responses={401: {"model": ErrorOut}, 404: {"model": ErrorOut}},
)
def get_contribution(contribution: ContributionDep, session: SessionDep) -> ContributionPublic:
    """Text, pseudonymised author, previous texts; per run: theme (reviewed, automatic), strength, flags."""
    assignments = []
    for a in crud.list_contribution_assignments(session=session, contribution_id=contribution.id):
        theme = (
            crud.get_theme(session=session, run_id=a.run_id, cluster_id=a.cluster_id)
            if a.cluster_id
            else None
        )
        flags = crud.list_flags(session=session, run_id=a.run_id, contribution_ids=[contribution.id])
        assignments.append(
            AssignmentPublic(
                run_id=a.run_id,
                question_id=a.question_id,
                status=a.status,
                cluster_id=a.cluster_id,
                cluster_label=theme.label if theme else None,
                auto_cluster_id=a.auto_cluster_id,
                strength=a.strength,
                weight=a.weight,
                reason=a.reason,
                flags=flags.get(contribution.id, []),
            )
        )
    versions = [
        PreviousVersion.model_validate(v, from_attributes=True)
        for v in crud.list_contribution_versions(session=session, contribution_id=contribution.id)
    ]
    # e-mail addresses and phone numbers are cut out of every text shown (as in the report); stored as written
    versions = [v.model_copy(update={"text": mask_pii(v.text)}) for v in versions]
    data = contribution.model_dump() | {"text": mask_pii(contribution.text)}
    return ContributionPublic(**data, previous_versions=versions, assignments=assignments)
