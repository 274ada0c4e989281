"""Tenant isolation (issue 6): every route, called with another tenant's key, answers 404 or 403, never data;
read-only keys get 403 on every write; no key gets 401."""

from __future__ import annotations

import re

from tests.service.factories import FAST_SETTINGS, consultation_rows, to_csv
from tests.service.helpers import clusters, make_run

PUBLIC = {"/api/health", "/r/{token}"}
TENANT_LISTS = {
    ("GET", "/api/consultations"),
    ("POST", "/api/consultations"),
    ("POST", "/api/imports/preview"),
    ("POST", "/api/erasures"),
    ("GET", "/api/erasures"),
}


def _calls(done, member_id: int, cluster_id: str):
    """Every route of A's resources, with a valid body: (method, path, kwargs)."""
    c, r = done.consultation_id, done.run_id
    csv_file = {
        "files": {"file": ("e.csv", to_csv(consultation_rows()), "text/csv")},
        "data": {"text_column": "avis"},
    }
    return [
        ("GET", f"/api/consultations/{c}", {}),
        ("DELETE", f"/api/consultations/{c}", {}),
        ("POST", f"/api/consultations/{c}/imports", csv_file),
        ("GET", f"/api/consultations/{c}/imports", {}),
        ("POST", f"/api/consultations/{c}/erasures", {"json": {"contribution_ids": [member_id]}}),
        ("GET", f"/api/consultations/{c}/erasures", {}),
        ("POST", f"/api/consultations/{c}/runs", {"json": {"settings": FAST_SETTINGS}}),
        ("GET", f"/api/consultations/{c}/runs", {}),
        ("GET", f"/api/runs/{r}", {}),
        ("POST", f"/api/runs/{r}/cancel", {}),
        ("GET", f"/api/runs/{r}/report", {}),
        ("GET", f"/api/runs/{r}/clusters/{cluster_id}/members", {}),
        ("GET", f"/api/runs/{r}/compare/{r}", {}),
        ("POST", f"/api/runs/{r}/clusters/{cluster_id}/rename", {"json": {"label": "x"}}),
        ("POST", f"/api/runs/{r}/clusters/{cluster_id}/merge", {"json": {"into_cluster_id": cluster_id}}),
        ("POST", f"/api/runs/{r}/clusters/{cluster_id}/split", {"json": {}}),
        (
            "POST",
            f"/api/runs/{r}/clusters/{cluster_id}/quotes/reject",
            {"json": {"contribution_id": member_id}},
        ),
        ("POST", f"/api/runs/{r}/moves", {"json": {"contribution_id": member_id, "to_cluster_id": None}}),
        ("GET", f"/api/runs/{r}/review", {}),
        ("GET", f"/api/runs/{r}/export", {"params": {"format": "csv"}}),
        ("GET", f"/api/contributions/{member_id}", {}),
        ("POST", f"/api/runs/{r}/publish", {}),
        ("DELETE", f"/api/runs/{r}/publish", {}),
    ]


def _template(path: str) -> str:
    return re.sub(r"/(\d+|[\w.-]+-\d+)(?=/|$)", "/{}", path)


def test_every_route_is_walked(app, client, keys, runner):
    done = make_run(client, runner, keys.h())
    calls = _calls(done, 1, clusters(done.report)[0]["cluster_id"])
    walked = {(m, _template(p)) for m, p, _ in calls} | {(m, p) for m, p in TENANT_LISTS}
    routes = {
        (method.upper(), re.sub(r"\{[^}]+\}", "{}", path))
        for path, ops in app.openapi()["paths"].items()
        if path not in PUBLIC
        for method in ops
    }
    assert routes == walked


def test_other_tenant_gets_404_never_data(client, keys, runner, engine):
    a = keys.h("a")
    done = make_run(client, runner, a)
    theme = clusters(done.report)[0]
    member = client.get(f"/api/runs/{done.run_id}/clusters/{theme['cluster_id']}/members", headers=a).json()
    member_id = member["data"][0]["contribution_id"]
    secret_text = member["data"][0]["text"]
    for method, path, kwargs in _calls(done, member_id, theme["cluster_id"]):
        r = client.request(method, path, headers=keys.h("b"), **kwargs)
        assert r.status_code in (403, 404), (method, path, r.status_code, r.text)
        assert r.json()["code"] in ("not_found", "forbidden")
        assert secret_text not in r.text and theme["label"] not in r.text
    assert client.get("/api/consultations", headers=keys.h("b")).json() == {"data": [], "count": 0}
    # A's data is intact after B's attempts
    assert client.get(f"/api/runs/{done.run_id}/review", headers=a).json()["count"] == 0
    assert client.get(f"/api/consultations/{done.consultation_id}", headers=a).status_code == 200


def test_read_only_key_cannot_write(client, keys, runner):
    done = make_run(client, runner, keys.h("a"))
    theme = clusters(done.report)[0]
    member_id = client.get(
        f"/api/runs/{done.run_id}/clusters/{theme['cluster_id']}/members", headers=keys.h()
    ).json()["data"][0]["contribution_id"]
    ro = keys.h("a_ro")
    for method, path, kwargs in _calls(done, member_id, theme["cluster_id"]):
        r = client.request(method, path, headers=ro, **kwargs)
        if method == "GET":
            assert r.status_code == 200, (path, r.text)
        else:
            assert r.status_code == 403 and r.json()["code"] == "forbidden", (method, path, r.text)
    assert client.post("/api/consultations", json={"title": "x"}, headers=ro).status_code == 403
    assert client.get(f"/api/runs/{done.run_id}/review", headers=ro).json()["count"] == 0


def test_missing_or_unknown_key(client, keys):
    r = client.get("/api/consultations")
    assert r.status_code == 401 and r.json()["code"] == "unauthorized"
    r = client.get("/api/consultations", headers={"X-API-Key": "sk_wrong", "Accept-Language": "en"})
    assert r.status_code == 401 and r.json()["message"] == "Unknown or revoked API key"


def _no_id_csv(rows: list[dict[str, str]]) -> bytes:
    """The rows without their id column: the ingest then keys them by line (same keys in every file)."""
    return to_csv([{k: v for k, v in row.items() if k != "id"} for row in rows])


def _consultation_without_ids(client, h, rows) -> int:
    cid = client.post("/api/consultations", json={"title": "Sans identifiants"}, headers=h).json()["id"]
    r = client.post(
        f"/api/consultations/{cid}/imports",
        files={"file": ("export.csv", _no_id_csv(rows), "text/csv")},
        data={"text_column": "avis", "author_column": "auteur"},
        headers=h,
    )
    assert r.status_code == 201, r.text
    return cid


def test_split_reads_only_the_runs_own_contributions(client, keys, runner):
    """Contribution keys (``ligne-N`` without an id column) repeat across consultations and tenants: splitting
    a theme re-reads its members' texts from this run's consultation only, never another one's."""
    a = keys.h("a")
    cid = _consultation_without_ids(client, a, consultation_rows())
    secret_rows = [{**row, "avis": f"SECRETB {row['avis']}"} for row in consultation_rows()]
    _consultation_without_ids(client, keys.h("b"), secret_rows)  # another tenant, same keys
    _consultation_without_ids(
        client, a, [{**row, "avis": f"AUTRE {row['avis']}"} for row in consultation_rows()]
    )
    run_id = client.post(
        f"/api/consultations/{cid}/runs", json={"settings": FAST_SETTINGS}, headers=a
    ).json()["id"]
    runner.drain()
    report = client.get(f"/api/runs/{run_id}/report", headers=a).json()
    first, second = clusters(report)[:2]
    base = f"/api/runs/{run_id}/clusters"
    r = client.post(
        f"{base}/{second['cluster_id']}/merge", json={"into_cluster_id": first["cluster_id"]}, headers=a
    )
    assert r.status_code == 201, r.text
    r = client.post(f"{base}/{first['cluster_id']}/split", json={"min_cluster_size": 5}, headers=a)
    assert r.status_code == 201, r.text
    seen = [
        r.text,
        client.get(f"/api/runs/{run_id}/report", headers=a).text,
        client.get(f"/api/runs/{run_id}/report", params={"format": "html"}, headers=a).text,
    ]
    for part in r.json()["after"]["parts"]:
        seen.append(client.get(f"{base}/{part['cluster_id']}/members", headers=a).text)
    for text in seen:
        assert "SECRETB" not in text and "AUTRE" not in text
