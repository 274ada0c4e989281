"""Exports of a run: JSON, HTML, CSV, XLSX, Polis comments.csv."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from schemas.api import ErrorOut
from service import exports
from service.api.deps import LangDep, RunDep, SessionDep
from service.errors import ConflictError
from service.review.store import current_report
from synthesis.report import render_html, render_json

router = APIRouter(prefix="/runs/{run_id}", tags=["exports"])

MEDIA = {
    "json": ("application/json", "json"),
    "html": ("text/html; charset=utf-8", "html"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "polis": ("text/csv; charset=utf-8", "csv"),
}


@router.get(
    "/export",
    operation_id="export_run",
    summary="Exporter une analyse",
    responses={
        200: {"content": {m: {} for m, _ in MEDIA.values()}, "description": "The export file"},
        401: {"model": ErrorOut},
        404: {"model": ErrorOut},
        409: {"model": ErrorOut},
    },
)
def export_run(
    run: RunDep,
    session: SessionDep,
    lang: LangDep,
    format: Annotated[Literal["json", "html", "csv", "xlsx", "polis"], Query()] = "json",
) -> Response:
    """The reviewed report (json, html), every contribution with theme, flags and weight (csv, xlsx; formula
    cells neutralised), or a Polis-compatible ``comments.csv`` (polis)."""
    if run.report is None:
        raise ConflictError(
            f"L'analyse {run.id} n'a pas de rapport (statut : {run.status})",
            f"Run {run.id} has no report (status: {run.status})",
            value=run.status,
        )
    media, ext = MEDIA[format]
    name = "comments.csv" if format == "polis" else f"synthese-run-{run.id}.{ext}"
    if format in ("json", "html"):
        report = current_report(run)
        body: str | bytes = render_json(report) if format == "json" else render_html(report, lang)
    else:
        rows = exports.contribution_rows(session, run)
        body = {"csv": exports.to_csv, "xlsx": exports.to_xlsx, "polis": exports.to_polis_comments}[format](
            rows
        )
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
