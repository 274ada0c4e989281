"""Service fixtures: a fresh database per test (in-memory SQLite with StaticPool, or a private schema of the
real PostgreSQL started by scripts/start-services.sh), the app with a burst-mode runner, and API keys."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from service import crud
from service.api.deps import get_session
from service.core.config import Settings
from service.core.db import make_engine
from service.jobs.inprocess import InProcessRunner
from service.main import create_app

POSTGRES_URL = os.environ.get(
    "SYNTHESE_TEST_POSTGRES_URL", "postgresql+psycopg://synthese:synthese@127.0.0.1:5432/synthese_test"
)


def postgres_engine(schema: str) -> Engine:
    """An engine whose connections live in ``schema`` (created here); fails loudly when no server answers."""
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # pragma: no cover - the Makefile starts the server first
        pytest.fail(f"PostgreSQL unreachable at {POSTGRES_URL}: run `sudo scripts/start-services.sh` ({exc})")
    finally:
        admin.dispose()
    return create_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})


def drop_schema(schema: str) -> None:
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request) -> Iterator[Engine]:
    if request.param == "sqlite":
        eng = make_engine("sqlite://")
        SQLModel.metadata.create_all(eng)
        yield eng
        eng.dispose()
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    eng = postgres_engine(schema)
    SQLModel.metadata.create_all(eng)
    yield eng
    eng.dispose()
    drop_schema(schema)


@pytest.fixture
def runner(engine) -> InProcessRunner:
    return InProcessRunner(engine)


def service_app(engine: Engine, runner: InProcessRunner, **settings: Any) -> FastAPI:
    """The service on ``engine`` and ``runner``, with ``settings`` (limits…) over the test defaults."""
    config = Settings(
        environment="test", database_url="sqlite://", run_migrations=False, jobs_autostart=False, **settings
    )
    application = create_app(config, engine=engine, runner=runner)

    def session_override() -> Iterator[Session]:
        with Session(engine) as session:
            yield session

    application.dependency_overrides[get_session] = session_override
    return application


@pytest.fixture
def app(engine, runner):
    return service_app(engine, runner)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@dataclass
class Keys:
    a: str  # tenant A, read-write
    a_ro: str  # tenant A, read-only (auditor)
    b: str  # tenant B, read-write

    def h(self, which: str = "a") -> dict[str, str]:
        return {"X-API-Key": getattr(self, which)}


@pytest.fixture
def keys(engine) -> Keys:
    with Session(engine) as s:
        ta = crud.create_tenant(session=s, name="Ville A")
        tb = crud.create_tenant(session=s, name="Ville B")
        _, a = crud.create_api_key(session=s, tenant_id=ta.id, name="agent-a")
        _, a_ro = crud.create_api_key(session=s, tenant_id=ta.id, name="auditeur-a", read_only=True)
        _, b = crud.create_api_key(session=s, tenant_id=tb.id, name="agent-b")
        s.commit()
    return Keys(a=a, a_ro=a_ro, b=b)
