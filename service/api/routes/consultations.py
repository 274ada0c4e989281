"""Consultations: create, list, read, delete (a tenant's own only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from schemas.api import MAX_ID, ConsultationCreate, ConsultationPublic, ConsultationsPublic, ErrorOut
from service import crud
from service.api.deps import ConsultationDep, KeyDep, SessionDep, WriteKeyDep
from service.core.db import truncate_wal
from service.models import Consultation

router = APIRouter(prefix="/consultations", tags=["consultations"])
ERRORS = {401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 404: {"model": ErrorOut}}


def to_public(session, c: Consultation) -> ConsultationPublic:
    return ConsultationPublic(
        id=c.id,
        title=c.title,
        description=c.description,
        created_at=c.created_at,
        contributions=crud.count_contributions(session=session, consultation_id=c.id),
        withdrawn=crud.count_contributions(session=session, consultation_id=c.id, withdrawn=True),
        erased=crud.count_contributions(session=session, consultation_id=c.id, erased=True),
    )


@router.post(
    "",
    response_model=ConsultationPublic,
    status_code=201,
    operation_id="create_consultation",
    summary="Créer une consultation",
    responses=ERRORS,
)
def create_consultation(
    body: ConsultationCreate, session: SessionDep, key: WriteKeyDep
) -> ConsultationPublic:
    """Create an empty consultation owned by the caller's tenant; import files into it next."""
    c = crud.create_consultation(
        session=session, tenant_id=key.tenant_id, title=body.title, description=body.description
    )
    return to_public(session, c)


@router.get(
    "",
    response_model=ConsultationsPublic,
    operation_id="list_consultations",
    summary="Lister les consultations",
    responses=ERRORS,
)
def list_consultations(
    session: SessionDep,
    key: KeyDep,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ConsultationsPublic:
    """The caller's tenant's consultations, oldest first."""
    rows, count = crud.list_consultations(
        session=session, tenant_id=key.tenant_id, offset=offset, limit=limit
    )
    return ConsultationsPublic(data=[to_public(session, c) for c in rows], count=count)


@router.get(
    "/{consultation_id}",
    response_model=ConsultationPublic,
    operation_id="get_consultation",
    summary="Lire une consultation",
    responses=ERRORS,
)
def get_consultation(consultation: ConsultationDep, session: SessionDep) -> ConsultationPublic:
    """One consultation with its number of contributions."""
    return to_public(session, consultation)


@router.delete(
    "/{consultation_id}",
    status_code=204,
    operation_id="delete_consultation",
    summary="Supprimer une consultation et toutes ses données",
    responses=ERRORS,
)
def delete_consultation(consultation: ConsultationDep, session: SessionDep, key: WriteKeyDep) -> Response:
    """RGPD: delete the consultation with its imports, contributions, runs and review (one transaction)."""
    crud.delete_consultation(session=session, consultation=consultation)
    truncate_wal(session.get_bind())  # no copy of the deleted pages left in SQLite's log
    return Response(status_code=204)
