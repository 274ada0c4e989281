"""Erasures at a participant's request (RGPD art. 17): erase contributions everywhere, list the audit trail."""

from __future__ import annotations

from fastapi import APIRouter

from schemas.api import ErasureCreate, ErasurePublic, ErasuresPublic, ErrorOut
from service.api.deps import ConsultationDep, KeyDep, SessionDep, SettingsDep, WriteKeyDep
from service.core.db import truncate_wal
from service.erasure import ErasureRequest, erase_contributions, list_erasures
from service.errors import RequestError
from service.jobs.tasks import fail_stale_runs

router = APIRouter(prefix="/consultations/{consultation_id}/erasures", tags=["erasures"])
ERRORS = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut, "description": "Unknown consultation, contribution ids or authors (named)"},
    409: {"model": ErrorOut, "description": "A run of the consultation is under way"},
}


@router.post(
    "",
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
    if not (body.contribution_ids or body.author_ids or body.withdrawn):
        raise RequestError(
            "Rien à effacer : donnez « contribution_ids », « author_ids » ou « withdrawn »",
            "Nothing to erase: give 'contribution_ids', 'author_ids' or 'withdrawn'",
        )
    request = ErasureRequest(body.contribution_ids, body.author_ids, body.withdrawn)
    # a run whose process is gone reads nothing any more: marked failed, it holds no erasure back (409)
    fail_stale_runs(session, settings.job_lease_s, consultation_id=consultation.id)
    erasure = erase_contributions(
        session=session,
        consultation=consultation,
        key=key,
        request=request,
        secret=settings.pseudonym_secret.encode(),
    )
    truncate_wal(session.get_bind())
    return ErasurePublic.model_validate(erasure, from_attributes=True)


@router.get(
    "",
    response_model=ErasuresPublic,
    operation_id="list_erasures",
    summary="Lister les effacements de la consultation (journal, sans données personnelles)",
    responses=ERRORS,
)
def list_consultation_erasures(
    consultation: ConsultationDep, session: SessionDep, key: KeyDep
) -> ErasuresPublic:
    """The consultation's erasures, oldest first: when, how many contributions, which runs, by which key."""
    rows = list_erasures(session=session, consultation_id=consultation.id)
    return ErasuresPublic(
        data=[ErasurePublic.model_validate(e, from_attributes=True) for e in rows], count=len(rows)
    )
