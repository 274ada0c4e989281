"""Published reports: a run's report readable by anyone holding its link (a council, the public), no API key.

The link carries a random token; only its sha256 is stored, publishing again replaces the link, and
unpublishing revokes it. ``/`` is a short French landing page.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from schemas.api import ErrorOut, PublicationPublic, ReportPublic, ReviewInfo
from service import crud
from service.api.deps import LangDep, RunDep, SessionDep, WriteKeyDep
from service.api.routes.runs import ERRORS, report_page, review_info
from service.errors import ConflictError, NotFoundError
from service.review.store import current_report

router = APIRouter(tags=["publication"])
public_router = APIRouter(tags=["publication"])


@router.post(
    "/runs/{run_id}/publish",
    response_model=PublicationPublic,
    status_code=201,
    operation_id="publish_run",
    summary="Publier le rapport (lien public)",
    responses=ERRORS,
)
def publish_run(run: RunDep, session: SessionDep, key: WriteKeyDep) -> PublicationPublic:
    """Create the public link of the run's reviewed report; an earlier link of this run stops working."""
    if run.report is None:
        raise ConflictError(
            f"L'analyse {run.id} n'a pas encore de rapport à publier (statut : {run.status})",
            f"Run {run.id} has no report to publish yet (status: {run.status})",
            value=run.status,
        )
    token = crud.publish_run(session=session, run=run)
    return PublicationPublic(run_id=run.id, url=f"/r/{token}", token=token)


@router.delete(
    "/runs/{run_id}/publish",
    status_code=204,
    operation_id="unpublish_run",
    summary="Retirer la publication du rapport",
    responses=ERRORS,
)
def unpublish_run(run: RunDep, session: SessionDep, key: WriteKeyDep) -> Response:
    """Revoke the public link (the report itself stays)."""
    crud.unpublish_run(session=session, run=run)
    return Response(status_code=204)


def _public_history(info: ReviewInfo, lang: str) -> ReviewInfo:
    """The review history as the public reads it: who acted is « relecteur 1 », « relecteur 2 »… in the order
    they first acted, never the name of their API key, which is often an agent's own (personal data the
    tenant never chose to publish); each action stays attributed to the same reviewer."""
    word = "reviewer" if lang == "en" else "relecteur"
    number: dict[str, int] = {}
    history = [
        a.model_copy(update={"actor": f"{word} {number.setdefault(a.actor, len(number) + 1)}"})
        for a in info.history
    ]
    return info.model_copy(update={"history": history})


@public_router.get(
    "/r/{token}",
    response_model=ReportPublic,
    operation_id="read_published_report",
    summary="Rapport publié (page HTML, ou JSON avec ?format=json)",
    responses={
        200: {
            "content": {"text/html": {}},
            "description": "The HTML page (or the JSON report with ?format=json)",
        },
        404: {
            "model": ErrorOut,
            "content": {"text/html": {}},
            "description": "Unknown or revoked link (to a browser, Accept: text/html, a page saying so)",
        },
        422: {"model": ErrorOut, "description": "Invalid format parameter"},
    },
)
def read_published_report(
    token: str,
    session: SessionDep,
    lang: LangDep,
    request: Request,
    format: Annotated[Literal["html", "json"], Query()] = "html",
):
    """The reviewed report behind a public link, with its review history, the page in the reader's language
    (Accept-Language); 404 for an unknown or revoked link (a page saying so, to a browser)."""
    run = crud.get_published_run(session=session, token=token)
    if (
        (run is None or run.report is None)
        and format == "html"
        and "text/html" in request.headers.get("accept", "")
    ):
        return HTMLResponse(GONE[lang], status_code=404)
    if run is None or run.report is None:
        raise NotFoundError(
            "Rapport publié introuvable (lien inconnu ou retiré)",
            "Published report not found (unknown or revoked link)",
        )
    report, info = current_report(run), _public_history(review_info(session, run, "reviewed"), lang)
    if format == "json":
        return JSONResponse(ReportPublic(**report.model_dump(), review=info).model_dump(mode="json"))
    return HTMLResponse(report_page(report, info, lang))


# The head of the service's own small pages (the landing page, a link to no report): language, title, style
_PAGE_HEAD = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#161616}}
a{{color:#000091}}</style></head><body><main>
"""
_LANDING = (
    _PAGE_HEAD
    + """<h1>{heading}</h1>
<p>{text}</p>
<ul><li><a href="/docs">{docs}</a></li>
<li>{links}</li></ul>
</main></body></html>"""
)
LANDING = {
    "fr": _LANDING.format(
        lang="fr",
        title="Synthèse de consultations",
        heading="Synthèse traçable de consultations",
        text="Ce service importe les exports des plateformes de consultation, regroupe les contributions en "
        "thèmes et produit une synthèse vérifiable : chaque thème liste toutes ses contributions, ses citations "
        "sont verbatim, et l'origine des contributions (campagnes, organisations, territoires) est signalée.",
        docs="Documentation de l'API (OpenAPI)",
        links="Les rapports publiés s'ouvrent par leur lien <code>/r/…</code>.",
    ),
    "en": _LANDING.format(
        lang="en",
        title="Consultation synthesis",
        heading="Traceable synthesis of consultations",
        text="This service imports the exports of consultation platforms, groups the contributions into themes "
        "and produces a verifiable synthesis: each theme lists all its contributions, its quotes are verbatim, "
        "and the origin of the contributions (campaigns, organisations, territories) is flagged.",
        docs="API documentation (OpenAPI)",
        links="Published reports open through their link <code>/r/…</code>.",
    ),
}


# A citizen following a revoked or mistyped public link got the API's JSON error, shown raw by the browser: a
# page with no language, title nor heading (RGAA 8.3, 8.5, 9.1). Browsers (Accept: text/html) get this page.
_GONE = (
    _PAGE_HEAD
    + """<h1>{title}</h1>
<p>{text}</p>
<p><a href="/">{home}</a></p>
</main></body></html>"""
)
GONE = {
    "fr": _GONE.format(
        lang="fr",
        title="Rapport publié introuvable",
        text="Ce lien ne mène à aucun rapport publié : il est incomplet, ou sa publication a été retirée ou "
        "remplacée par un nouveau lien. Demandez le lien à jour à l'organisme qui a mené la consultation.",
        home="Accueil du service",
    ),
    "en": _GONE.format(
        lang="en",
        title="Published report not found",
        text="This link leads to no published report: it is incomplete, or its publication was withdrawn or "
        "replaced by a new link. Ask the body that ran the consultation for the current link.",
        home="Home page of the service",
    ),
}


@public_router.get("/", response_class=HTMLResponse, include_in_schema=False)
def landing(lang: LangDep) -> str:
    """The service's home page, in the caller's language (Accept-Language)."""
    return LANDING[lang]
