"""Helpers shared by the service tests: create a consultation, import the factory file, run a synthesis."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.service.factories import FAST_SETTINGS, MAPPING_FIELDS, consultation_rows, to_csv


@dataclass
class Done:
    consultation_id: int
    import_id: int
    run_id: int
    report: dict


def upload(client, cid: int, content: bytes, headers, name: str = "export.csv", **fields):
    data = {**MAPPING_FIELDS, **fields}
    return client.post(
        f"/api/consultations/{cid}/imports",
        files={"file": (name, content, "text/csv")},
        data=data,
        headers=headers,
    )


def make_run(client, runner, headers, *, rows=None, settings=None) -> Done:
    cid = client.post("/api/consultations", json={"title": "Plan climat"}, headers=headers).json()["id"]
    imp = upload(client, cid, to_csv(rows or consultation_rows()), headers)
    assert imp.status_code == 201, imp.text
    r = client.post(
        f"/api/consultations/{cid}/runs", json={"settings": settings or FAST_SETTINGS}, headers=headers
    )
    assert r.status_code == 202, r.text
    runner.drain()
    run = client.get(f"/api/runs/{r.json()['id']}", headers=headers).json()
    assert run["status"] == "succeeded", run
    report = client.get(f"/api/runs/{run['id']}/report", headers=headers).json()
    return Done(cid, imp.json()["id"], run["id"], report)


def clusters(report: dict) -> list[dict]:
    return [cl for q in report["questions"] for cl in q["clusters"]]


def empty_consultation(session):
    """A tenant and an empty consultation of it, stored through ``session``."""
    from service.models import Consultation, Tenant

    tenant = Tenant(name="t")
    session.add(tenant)
    session.commit()
    consultation = Consultation(tenant_id=tenant.id, title="c")
    session.add(consultation)
    session.commit()
    return consultation


@contextmanager
def file_service(folder: Path) -> Iterator[tuple[Any, Any, dict[str, str], Any]]:
    """The service on a SQLite database file under ``folder`` (WAL mode, as deployed): (client, runner, a
    read-write key's headers, engine)."""
    from fastapi.testclient import TestClient
    from sqlmodel import Session, SQLModel

    from service import crud
    from service.core.db import make_engine
    from service.jobs.inprocess import InProcessRunner
    from tests.service.conftest import service_app

    engine = make_engine(f"sqlite:///{folder}/synthese.db")
    SQLModel.metadata.create_all(engine)
    runner = InProcessRunner(engine)
    with Session(engine) as s:
        tenant = crud.create_tenant(session=s, name="Ville A")
        _, key = crud.create_api_key(session=s, tenant_id=tenant.id, name="dpo")
        s.commit()
    try:
        with TestClient(service_app(engine, runner)) as client:
            yield client, runner, {"X-API-Key": key}, engine
    finally:
        engine.dispose()


def stored_bytes(folder: Path) -> bytes:
    """Every file the service wrote under ``folder`` (the database, its WAL and shared-memory files)."""
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())
