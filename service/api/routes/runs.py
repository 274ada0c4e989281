"""Runs: start a synthesis (202, background), follow it, cancel it, report, members, comparisons."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, JSONResponse

from schemas.api import (
    MAX_ID,
    ErrorOut,
    MemberPublic,
    MembersPublic,
    ReportPublic,
    ReviewActionPublic,
    ReviewInfo,
    RunComparison,
    RunCreate,
    RunPublic,
    RunsPublic,
)
from service import crud
from service.api.deps import (
    ConsultationDep,
    LangDep,
    OtherRunDep,
    RunDep,
    RunnerDep,
    SessionDep,
    SettingsDep,
    WriteKeyDep,
)
from service.compare import compare_runs
from service.errors import ConflictError, NotFoundError, RequestError
from service.jobs import JobStatus
from service.jobs.tasks import fail_stale_runs, is_stale
from service.models import Run, utcnow
from service.review.store import current_report
from synthesis.embed import check_embedder
from synthesis.html import render_report_page
from synthesis.prepare import mask_pii

router = APIRouter(tags=["runs"])
ERRORS = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    409: {"model": ErrorOut},
}
Version = Literal["reviewed", "automatic"]


def localized_error(error: dict | None, lang: str) -> dict | None:
    """A run's stored error in ``lang``: the English message is kept in ``details.message_en``."""
    if error is None or lang != "en":
        return error
    details = dict(error.get("details") or {})
    message_en = details.pop("message_en", None)
    if not message_en:
        return error
    return {**error, "message": message_en, "details": {**details, "message_fr": error.get("message")}}


def to_public(session, run: Run, lang: str = "fr") -> RunPublic:
    return RunPublic(
        id=run.id,
        consultation_id=run.consultation_id,
        status=run.status,
        stage=run.stage,
        progress=run.progress,
        error=localized_error(run.error, lang),
        settings=run.settings,
        carry_review_from=run.carry_review_from,
        review_actions=crud.count_review_actions(session=session, run_id=run.id),
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
    )


@router.post(
    "/consultations/{consultation_id}/runs",
    response_model=RunPublic,
    status_code=202,
    operation_id="create_run",
    summary="Lancer une synthèse",
    responses=ERRORS,
)
def create_run(
    consultation: ConsultationDep,
    body: RunCreate,
    session: SessionDep,
    key: WriteKeyDep,
    runner: RunnerDep,
    lang: LangDep,
) -> RunPublic:
    """Queue a synthesis of the consultation's current contributions; answers 202 with the run id at once."""
    check_embedder(body.settings.embedder)  # 422 now rather than a run that fails later (a dict look-up)
    if body.carry_review_from is not None:
        old = crud.get_run(session=session, tenant_id=key.tenant_id, run_id=body.carry_review_from)
        if old is None or old.consultation_id != consultation.id:
            raise NotFoundError(
                "Analyse à reprendre introuvable dans cette consultation",
                "Run to carry review from not found in this consultation",
                value=body.carry_review_from,
            )
    run = crud.create_run(
        session=session,
        consultation_id=consultation.id,
        settings=body.settings.model_dump(mode="json"),
        carry_review_from=body.carry_review_from,
    )
    runner.submit(run.id)
    return to_public(session, run, lang)


@router.get(
    "/consultations/{consultation_id}/runs",
    response_model=RunsPublic,
    operation_id="list_runs",
    summary="Lister les analyses d'une consultation",
    responses=ERRORS,
)
def list_runs(
    consultation: ConsultationDep, session: SessionDep, settings: SettingsDep, lang: LangDep
) -> RunsPublic:
    """Every run of the consultation, oldest first (a run whose process stopped giving signs of life is shown
    failed, with the reason)."""
    fail_stale_runs(session, settings.job_lease_s, consultation_id=consultation.id)
    rows = crud.list_runs(session=session, consultation_id=consultation.id)
    return RunsPublic(data=[to_public(session, r, lang) for r in rows], count=len(rows))


@router.get(
    "/runs/{run_id}",
    response_model=RunPublic,
    operation_id="get_run",
    summary="État d'une analyse",
    responses=ERRORS,
)
def get_run(run: RunDep, session: SessionDep, settings: SettingsDep, lang: LangDep) -> RunPublic:
    """Status (queued | running | succeeded | failed | cancelled), stage, progress 0-1 and error; a run whose
    process has given no sign of life for ``JOB_LEASE_S`` (a container recreated, a host gone) is failed
    (``interrupted``, with when it last did) and can be started again."""
    if run.status == JobStatus.RUNNING.value:
        fail_stale_runs(session, settings.job_lease_s, consultation_id=run.consultation_id)
        session.refresh(run)
    return to_public(session, run, lang)


@router.post(
    "/runs/{run_id}/cancel",
    response_model=RunPublic,
    operation_id="cancel_run",
    summary="Annuler une analyse",
    responses=ERRORS,
)
def cancel_run(
    run: RunDep, session: SessionDep, settings: SettingsDep, key: WriteKeyDep, lang: LangDep
) -> RunPublic:
    """A queued run is cancelled at once, and so is a running one whose process has given no sign of life for
    ``JOB_LEASE_S`` (nothing will read the request); a running one stops at its next progress step, storing
    nothing."""
    if JobStatus(run.status).finished:
        raise ConflictError(
            f"L'analyse est déjà terminée ({run.status})",
            f"The run already finished ({run.status})",
            value=run.status,
        )
    run.cancel_requested = True
    if run.status == JobStatus.QUEUED.value or is_stale(run, settings.job_lease_s):
        run.status, run.finished_at = JobStatus.CANCELLED.value, utcnow()
    session.add(run)
    session.commit()
    session.refresh(run)
    return to_public(session, run, lang)


def review_history(session, run: Run) -> list[ReviewActionPublic]:
    """The run's review actions; a carried one names the earlier run (``carried_from`` is that run's action)."""
    return [
        ReviewActionPublic.model_validate(a, from_attributes=True).model_copy(
            update={"carried_from_run": run.carry_review_from if a.carried_from is not None else None}
        )
        for a in crud.list_review_actions(session=session, run_id=run.id)
    ]


def review_info(session, run: Run, version: Version) -> ReviewInfo:
    return ReviewInfo(version=version, history=review_history(session, run))


def report_page(report, info: ReviewInfo, lang: str = "fr") -> str:
    """The report's HTML page in ``lang``, with its review history in its "Relecture" page."""
    history = [a.model_dump(mode="json") for a in info.history]
    return render_report_page(report, lang=lang, review=history, review_version=info.version)


@router.get(
    "/runs/{run_id}/report",
    response_model=ReportPublic,
    operation_id="get_report",
    summary="Rapport d'une analyse (JSON ou page HTML)",
    responses={
        **ERRORS,
        200: {
            "content": {"text/html": {}},
            "description": "The report (JSON, or the HTML page with ?format=html)",
        },
    },
)
def get_report(
    run: RunDep,
    session: SessionDep,
    lang: LangDep,
    format: Annotated[Literal["json", "html"], Query()] = "json",
    version: Annotated[
        Version, Query(description="reviewed (default) or the automatic original")
    ] = "reviewed",
):
    """The reviewed report with its review history (``?version=automatic`` for the original); the HTML page is
    in the caller's language (Accept-Language)."""
    if run.report is None:
        raise ConflictError(
            f"L'analyse {run.id} n'a pas de rapport (statut : {run.status})",
            f"Run {run.id} has no report (status: {run.status})",
            value=run.status,
        )
    from schemas import Report

    report = current_report(run) if version == "reviewed" else Report.model_validate_json(run.report)
    info = review_info(session, run, version)
    if format == "html":
        return HTMLResponse(report_page(report, info, lang))
    return JSONResponse(ReportPublic(**report.model_dump(), review=info).model_dump(mode="json"))


@router.get(
    "/runs/{run_id}/clusters/{cluster_id}/members",
    response_model=MembersPublic,
    operation_id="list_cluster_members",
    summary="Membres d'un thème (paginé)",
    responses=ERRORS,
)
def list_cluster_members(
    run: RunDep,
    cluster_id: str,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    version: Annotated[Version, Query()] = "reviewed",
) -> MembersPublic:
    """A theme's members with their text, membership strength, weight and flags, strongest first."""
    label = crud.theme_label(session=session, run=run, cluster_id=cluster_id, version=version)
    if label is None:
        raise NotFoundError(
            f"Thème {cluster_id} introuvable", f"Theme {cluster_id} not found", value=cluster_id
        )
    rows, count = crud.list_members(
        session=session,
        run_id=run.id,
        cluster_id=cluster_id,
        offset=offset,
        limit=limit,
        automatic=version == "automatic",
    )
    flags = crud.list_flags(session=session, run_id=run.id, contribution_ids=[c.id for _, c, _ in rows])
    data = [
        MemberPublic(
            contribution_id=c.id,
            key=c.key,
            source_id=c.source_id,
            text=mask_pii(text),
            strength=a.auto_strength
            if version == "automatic" and a.auto_strength is not None
            else a.strength,
            weight=a.weight,
            flags=flags.get(c.id, []),
            erased=c.erasure_id is not None,
        )
        for a, c, text in rows
    ]
    return MembersPublic(
        cluster_id=cluster_id, label=label, data=data, count=count, offset=offset, limit=limit
    )


@router.get(
    "/runs/{run_id}/compare/{other_id}",
    response_model=RunComparison,
    operation_id="compare_runs",
    summary="Comparer deux analyses",
    responses=ERRORS,
)
def compare(
    run: RunDep, other: OtherRunDep, session: SessionDep, limit: Annotated[int, Query(ge=0, le=100000)] = 1000
) -> RunComparison:
    """Which contributions moved between themes, and how each theme's size changed (matched by members); both
    runs are of one consultation."""
    if other.consultation_id != run.consultation_id:  # no contribution in common: every theme "shared 0"
        raise RequestError(
            f"Les analyses {run.id} et {other.id} portent sur des consultations différentes "
            f"({run.consultation_id} et {other.consultation_id}) : comparez deux analyses d'une même consultation",
            f"Runs {run.id} and {other.id} are of different consultations "
            f"({run.consultation_id} and {other.consultation_id}): compare two runs of one consultation",
            value=other.id,
        )
    for r in (run, other):
        if r.report is None:
            raise ConflictError(
                f"L'analyse {r.id} n'a pas de rapport", f"Run {r.id} has no report", value=r.id
            )
    return compare_runs(session=session, run=run, other=other, limit=limit)
