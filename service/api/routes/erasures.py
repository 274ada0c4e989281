"""Erasures at a participant's request (RGPD art. 17): erase contributions everywhere, list the audit trail; in one
consultation, or in all of the caller's tenant's (a participant who answered several consultations)."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter
from sqlmodel import Session

from schemas.api import ErasureCreate, ErasurePublic, ErasuresPublic, ErrorOut
from service import crud
from service.api.deps import ConsultationDep, KeyDep, SessionDep, SettingsDep, WriteKeyDep
from service.core.config import Settings
from service.core.db import truncate_wal
from service.erasure import ErasureRequest, erase_contributions, list_erasures
from service.errors import RequestError
from service.jobs.tasks import fail_stale_runs
from service.models import ApiKey, Consultation, Erasure

router = APIRouter(tags=["erasures"])
ERRORS = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut, "description": "Unknown consultation, contribution ids or authors (named)"},
    409: {"model": ErrorOut, "description": "A run of the consultation is under way"},
}
MAX_CONSULTATIONS = 10**6


def _erase(
    body: ErasureCreate,
    consultations: Sequence[Consultation],
    session: Session,
    settings: Settings,
    key: ApiKey,
    *,
    record_empty: bool,
) -> list[Erasure]:
    if not (body.contribution_ids or body.author_ids or body.withdrawn):
        raise RequestError(
            "Rien à effacer : donnez « contribution_ids », « author_ids » ou « withdrawn »",
            "Nothing to erase: give 'contribution_ids', 'author_ids' or 'withdrawn'",
        )
    for consultation in consultations:
        # a run whose process is gone reads nothing any more: marked failed, it holds no erasure back (409)
        fail_stale_runs(session, settings.job_lease_s, consultation_id=consultation.id)
    erasures = erase_contributions(
        session=session,
        consultations=consultations,
        key=key,
        request=ErasureRequest(body.contribution_ids, body.author_ids, body.withdrawn),
        secret=settings.pseudonym_secret.encode(),
        record_empty=record_empty,
    )
    truncate_wal(session.get_bind())
    return erasures


def _public(rows: Sequence[Erasure]) -> ErasuresPublic:
    return ErasuresPublic(
        data=[ErasurePublic.model_validate(e, from_attributes=True) for e in rows], count=len(rows)
    )


@router.post(
    "/consultations/{consultation_id}/erasures",
    response_model=ErasurePublic,
    status_code=201,
    operation_id="erase_contributions",
    summary="Effacer des contributions à la demande de leur auteur (RGPD, art. 17)",
    responses=ERRORS,
)
def erase(
    body: ErasureCreate,
    consultation: ConsultationDep,
    session: SessionDep,
    settings: SettingsDep,
    key: WriteKeyDep,
) -> ErasurePublic:
    """Erase contributions (by id, by author id as the export writes it, or those withdrawn by imports in mode
    replace): their text, previous texts, author, place, date and raw columns, in every stored run's report
    (members still counted, shown as erased, quotes of them removed), and their cached vectors; a re-import skips
    them. 404 names the ids or authors that name nothing; 409 while a run of the consultation is under way."""
    (erasure,) = _erase(body, [consultation], session, settings, key, record_empty=True)
    return ErasurePublic.model_validate(erasure, from_attributes=True)


@router.get(
    "/consultations/{consultation_id}/erasures",
    response_model=ErasuresPublic,
    operation_id="list_erasures",
    summary="Lister les effacements de la consultation (journal, sans données personnelles)",
    responses=ERRORS,
)
def list_consultation_erasures(
    consultation: ConsultationDep, session: SessionDep, key: KeyDep
) -> ErasuresPublic:
    """The consultation's erasures, oldest first: when, how many contributions, which runs, by which key."""
    return _public(list_erasures(session=session, consultation_ids=[consultation.id]))


def _tenant_consultations(session: Session, key: ApiKey) -> list[Consultation]:
    rows, _ = crud.list_consultations(
        session=session, tenant_id=key.tenant_id, offset=0, limit=MAX_CONSULTATIONS
    )
    return rows


@router.post(
    "/erasures",
    response_model=ErasuresPublic,
    status_code=201,
    operation_id="erase_contributions_everywhere",
    summary="Effacer les contributions d'un participant dans toutes les consultations (RGPD, art. 17)",
    responses=ERRORS,
)
def erase_everywhere(
    body: ErasureCreate, session: SessionDep, settings: SettingsDep, key: WriteKeyDep
) -> ErasuresPublic:
    """The same erasure in every consultation of the caller's tenant at once (one transaction): a participant's
    contributions wherever they answered; one audit row per consultation erased in. 404 names the ids, and the
    authors (by position), found in none of them."""
    consultations = _tenant_consultations(session, key)
    return _public(_erase(body, consultations, session, settings, key, record_empty=False))


@router.get(
    "/erasures",
    response_model=ErasuresPublic,
    operation_id="list_all_erasures",
    summary="Lister les effacements de toutes les consultations (journal, sans données personnelles)",
    responses=ERRORS,
)
def list_tenant_erasures(session: SessionDep, key: KeyDep) -> ErasuresPublic:
    """The erasures in the caller's tenant's consultations, oldest first."""
    ids = [c.id for c in _tenant_consultations(session, key) if c.id is not None]
    return _public(list_erasures(session=session, consultation_ids=ids))
