"""Helpers shared by the service tests: create a consultation, import the factory file, run a synthesis."""

from __future__ import annotations

from dataclasses import dataclass

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
