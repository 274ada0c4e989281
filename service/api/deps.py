"""Typed ``Annotated`` dependencies (rule 14): session, settings, caller's key, "404 unless yours" loaders."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader
from sqlmodel import Session

from service import crud
from service.core.config import Settings, get_settings
from service.errors import ForbiddenError, NotFoundError, UnauthorizedError, request_lang
from service.jobs import Runner
from service.models import ApiKey, Consultation, Contribution, Run


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


def get_runner(request: Request) -> Runner:
    return request.app.state.runner


SessionDep = Annotated[Session, Depends(get_session)]
LangDep = Annotated[str, Depends(request_lang)]  # "en" with Accept-Language: en…, else "fr"
SettingsDep = Annotated[Settings, Depends(get_settings)]
RunnerDep = Annotated[Runner, Depends(get_runner)]

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="Clé d'API du tenant.")


def get_api_key(session: SessionDep, token: Annotated[str | None, Security(api_key_header)]) -> ApiKey:
    return check_api_key(session, token)


def check_api_key(session: Session, token: str | None) -> ApiKey:
    """The caller's key; 401 when missing, unknown or revoked."""
    if not token:
        raise UnauthorizedError("En-tête X-API-Key manquant", "Missing X-API-Key header")
    key = crud.get_api_key(session=session, token=token)
    if key is None:
        raise UnauthorizedError("Clé d'API inconnue ou révoquée", "Unknown or revoked API key")
    return key


KeyDep = Annotated[ApiKey, Depends(get_api_key)]


def get_write_key(key: KeyDep) -> ApiKey:
    """The caller's key, refused (403) when it is read-only."""
    if key.read_only:
        raise ForbiddenError(
            "Clé en lecture seule : cette opération modifie des données",
            "Read-only key: this request modifies data",
            value=key.name,
        )
    return key


WriteKeyDep = Annotated[ApiKey, Depends(get_write_key)]


def _not_found(kind_fr: str, kind_en: str, ident: object) -> NotFoundError:
    return NotFoundError(f"{kind_fr} {ident} introuvable", f"{kind_en} {ident} not found", value=ident)


def get_consultation(consultation_id: int, session: SessionDep, key: KeyDep) -> Consultation:
    row = crud.get_consultation(session=session, tenant_id=key.tenant_id, consultation_id=consultation_id)
    if row is None:
        raise _not_found("Consultation", "Consultation", consultation_id)
    return row


def get_run(run_id: int, session: SessionDep, key: KeyDep) -> Run:
    row = crud.get_run(session=session, tenant_id=key.tenant_id, run_id=run_id)
    if row is None:
        raise _not_found("Analyse", "Run", run_id)
    return row


def get_other_run(other_id: int, session: SessionDep, key: KeyDep) -> Run:
    return get_run(other_id, session, key)


def get_contribution(contribution_id: int, session: SessionDep, key: KeyDep) -> Contribution:
    row = crud.get_contribution(session=session, tenant_id=key.tenant_id, contribution_id=contribution_id)
    if row is None:
        raise _not_found("Contribution", "Contribution", contribution_id)
    return row


ConsultationDep = Annotated[Consultation, Depends(get_consultation)]
RunDep = Annotated[Run, Depends(get_run)]
OtherRunDep = Annotated[Run, Depends(get_other_run)]
ContributionDep = Annotated[Contribution, Depends(get_contribution)]
