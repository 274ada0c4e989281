"""The FastAPI application factory: ``uvicorn --factory service.main:create_app`` (or ``synthese serve``)."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlmodel import Session

from service.api.body_limit import FORM_OVERHEAD_BYTES, BodySizeLimitMiddleware
from service.api.docs import install_docs
from service.api.main import api_router, public_router
from service.core.config import Settings, get_settings
from service.core.db import make_engine, upgrade_database
from service.errors import install_error_handlers
from service.jobs import Runner, make_runner
from service.jobs.tasks import fail_stale_runs, recover_interrupted_runs

log = logging.getLogger(__name__)

DESCRIPTION = """Synthèse traçable des contributions aux consultations en ligne.

Every request carries an API key in the `X-API-Key` header (created with `synthese admin create-tenant`);
a key sees only its tenant's data, and read-only keys cannot write. Errors share one body:
`{"code", "message", "details"}`, in French unless `Accept-Language: en`."""


def create_app(
    settings: Settings | None = None, *, engine: Engine | None = None, runner: Runner | None = None
) -> FastAPI:
    """Build the app; ``engine`` and ``runner`` are injectable for tests (burst-mode runner, in-memory DB)."""
    settings = settings or get_settings()
    engine = engine or make_engine(settings.database_url)
    runner = runner or make_runner(settings, engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if settings.run_migrations:
            upgrade_database(engine)
        failed, queued = recover_interrupted_runs(engine)
        if failed:
            log.warning("runs interrupted by a stopped process, marked failed: %s", failed)
        with Session(engine) as session:  # and those of processes gone with their host or container
            fail_stale_runs(session, settings.job_lease_s)
        for run_id in queued:
            runner.submit(run_id)
        if settings.jobs_autostart:
            runner.start()
        yield
        runner.stop()

    app = FastAPI(
        title="Synthèse de consultations",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served from this process (service.api.docs), not from a CDN
        redoc_url=None,
    )
    app.state.engine, app.state.runner, app.state.settings = engine, runner, settings
    app.dependency_overrides[get_settings] = lambda: settings
    install_error_handlers(app)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_upload_bytes + FORM_OVERHEAD_BYTES)
    app.include_router(api_router)
    app.include_router(public_router)
    install_docs(app)

    @app.get("/api/health", tags=["health"], operation_id="health", summary="État du service")
    def health() -> dict[str, str]:
        """Liveness probe (no key needed): answers while the process serves requests."""
        return {"status": "ok"}

    @app.head("/api/health", include_in_schema=False)
    def health_head() -> None:
        """HEAD of the liveness probe (load balancers and monitors use it): 200, no body."""

    return app
