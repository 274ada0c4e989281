"""``synthese demo`` (what ``make run`` does): import a real sample consultation into the configured database,
synthesise it, publish the report, print its URL, then serve the API.

Idempotent: a second ``make run`` reuses the demo tenant and consultation (re-importing the same file adds
nothing) and runs a new synthesis, which gives the same report.
"""

from __future__ import annotations

from pathlib import Path

import typer
from sqlmodel import Session, select

from schemas import RunSettings
from service import crud
from service.api.routes.runs import localized_error
from service.core.config import Settings
from service.core.db import make_engine, upgrade_database
from service.imports import import_file
from service.jobs import JobStatus
from service.jobs.tasks import execute_run
from service.models import Consultation
from synthesis.plural import say

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_consultations" / "granddebat_fiscalite_sample.csv"
TENANT = "Démo"
TITLE = "Grand Débat national 2019 — fiscalité (extrait)"
# What the demo says on its way, in French and in English (``synthese demo --lang en``)
MESSAGES = {
    "fr": {
        "imported": "Import de {name} : {rows} {rows|ligne lue|lignes lues}, {n} {n|contribution|contributions}, "
        "{rejected|aucune ligne rejetée|{rejected} ligne rejetée|{rejected} lignes rejetées}.",
        "running": "Synthèse en cours (une à deux minutes sur 2 cœurs)…",
        "failed": "La synthèse a échoué : {error}",
        "ready": "Rapport HTML : {url}\nAPI : {base}/docs (clé X-API-Key : {key})",
    },
    "en": {
        "imported": "Import of {name}: {rows} {rows|row|rows} read, {n} {n|contribution|contributions}, "
        "{rejected|no rejected row|{rejected} rejected row|{rejected} rejected rows}.",
        "running": "Synthesis running (one to two minutes on 2 cores)…",
        "failed": "The synthesis failed: {error}",
        "ready": "HTML report: {url}\nAPI: {base}/docs (X-API-Key key: {key})",
    },
}


def message(lang: str, which: str, /, **values: object) -> str:
    """The demo's message ``which`` in ``lang`` (French unless English), ``values`` put in."""
    lang = "en" if lang.startswith("en") else "fr"
    return say(MESSAGES[lang][which], values, lang)


def _consultation(session: Session, tenant_id: int) -> Consultation:
    found = session.exec(
        select(Consultation).where(Consultation.tenant_id == tenant_id, Consultation.title == TITLE)
    ).first()
    return found or crud.create_consultation(
        session=session,
        tenant_id=tenant_id,
        title=TITLE,
        description="Réponses réelles du Grand Débat (Licence Ouverte / Etalab 2.0) ; métadonnées synthétiques.",
    )


def prepare_demo(
    settings: Settings, *, sample: Path = SAMPLE, base_url: str, lang: str = "fr"
) -> tuple[str, str]:
    """Import, synthesise and publish the sample; returns (report URL, API key)."""
    engine = make_engine(settings.database_url)
    upgrade_database(engine)
    with Session(engine) as s:
        tenant = crud.get_tenant_by_name(session=s, name=TENANT) or crud.create_tenant(session=s, name=TENANT)
        _, key = crud.create_api_key(session=s, tenant_id=tenant.id, name="make run")
        s.commit()
        consultation = _consultation(s, tenant.id)
        imp = import_file(
            session=s,
            consultation=consultation,
            path=sample,
            filename=sample.name,
            secret=settings.pseudonym_secret.encode(),
        )
        typer.echo(
            message(
                lang,
                "imported",
                name=sample.name,
                rows=imp.rows_read,
                n=imp.accepted,
                rejected=len(imp.rejected),
            ),
            err=True,
        )
        run = crud.create_run(
            session=s,
            consultation_id=consultation.id,
            settings=RunSettings().model_dump(),
            carry_review_from=None,
        )
        run_id = run.id

    typer.echo(message(lang, "running"), err=True)
    execute_run(run_id, engine=engine)
    with Session(engine) as s:
        run = s.get(type(run), run_id)
        if run is None or run.status != JobStatus.SUCCEEDED.value:
            error = localized_error(run.error, lang) if run else None  # its message in the user's language
            typer.echo(message(lang, "failed", error=(error or {}).get("message", "—")), err=True)
            raise typer.Exit(1)
        token = crud.publish_run(session=s, run=run)
    engine.dispose()
    return f"{base_url}/r/{token}", key
