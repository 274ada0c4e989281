"""The report page as the service serves it (GET /api/runs/{id}/report?format=html), in chromium (issue 7).

A real uvicorn process on 127.0.0.1 with a temporary SQLite database; 150 real Grand Débat answers are
imported and analysed with the default (offline) embedder, then the page is opened with every other origin
blocked.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from schemas import Report
from synthesis.html import render_report_page, route_id
from tests.browser.conftest import open_page, screenshot
from tests.browser.test_report_page import go
from tests.utils.data import REPO_ROOT, granddebat_answers

pytestmark = pytest.mark.browser

# Safety nets only (a hung server must not hang the suite); nothing asserts on durations.
START_TIMEOUT_S = 60
RUN_TIMEOUT_S = 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"{what}: still waiting after {timeout} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, str]]:
    pytest.importorskip("service.main")
    from sqlmodel import Session, SQLModel

    from service import crud
    from service.core.db import make_engine

    folder = tmp_path_factory.mktemp("served")
    url = f"sqlite:///{folder / 'synthese.db'}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        tenant = crud.create_tenant(session=session, name="navigateur")
        _, key = crud.create_api_key(session=session, tenant_id=tenant.id, name="test")
        session.commit()
    engine.dispose()
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "RUN_MIGRATIONS": "false",
        "ENVIRONMENT": "test",
        "JOBS_AUTOSTART": "true",
        "BROKER_URL": "",
    }
    env.pop("BROKER_URL")
    log = open(folder / "uvicorn.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "service.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return httpx.get(f"{base}/api/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return proc.poll() is not None and pytest.fail((folder / "uvicorn.log").read_text())

    try:
        _wait(healthy, START_TIMEOUT_S, "uvicorn start")
        yield base, key
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _analyse(base: str, key: str) -> int:
    from tests.service.factories import MAPPING_FIELDS, to_csv

    h = {"X-API-Key": key}
    with httpx.Client(base_url=base, headers=h, timeout=60) as client:
        cid = client.post("/api/consultations", json={"title": "Plan vélo"}).json()["id"]
        answers = granddebat_answers()[::60][:150]  # 150 real answers across the file
        rows = [
            {"id": f"gd{i}", "auteur": f"u{i % 120}", "avis": text, "sujet": "impots"}
            for i, text in enumerate(answers)
        ]
        rows.append(
            {
                "id": "hostile",
                "auteur": "u0",
                "avis": "<script>alert(1)</script> baisser la TVA",
                "sujet": "impots",
            }
        )
        r = client.post(
            f"/api/consultations/{cid}/imports",
            data=MAPPING_FIELDS,
            files={"file": ("export.csv", to_csv(rows), "text/csv")},
        )
        assert r.status_code == 201, r.text
        r = client.post(f"/api/consultations/{cid}/runs", json={"settings": {"min_cluster_size": 5}})
        assert r.status_code == 202, r.text
        run_id = r.json()["id"]

        def finished():
            run = client.get(f"/api/runs/{run_id}").json()
            status = run["status"]
            if status in ("failed", "cancelled"):
                pytest.fail(f"run {status}: {run}")
            return status == "succeeded"

        _wait(finished, RUN_TIMEOUT_S, "run")
        return int(run_id)


def test_served_page_same_as_exported_file(server, browser, tmp_path):
    base, key = server
    run_id = _analyse(base, key)
    page, watch = open_page(
        browser,
        f"{base}/api/runs/{run_id}/report?format=html",
        allow=("file://", base),
        headers={"X-API-Key": key, "Accept-Language": "fr-FR,fr;q=0.9"},  # a French reader's browser
    )
    requests: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    try:
        assert page.locator("h1").inner_text() == "Synthèse de la consultation"
        report = Report.model_validate(
            httpx.get(f"{base}/api/runs/{run_id}/report", headers={"X-API-Key": key}).json()
        )
        exported = tmp_path / "rapport.html"
        exported.write_text(render_report_page(report), encoding="utf-8")
        copy, copy_watch = open_page(browser, exported.as_uri())
        hashes = ["#/", "#/themes", "#/methodologie"]
        hashes += ["#" + route_id("theme", cl.cluster_id) for q in report.questions for cl in q.clusters]
        for h in hashes:
            for p in (page, copy):
                go(p, h)
            assert page.locator(".page.active").inner_text() == copy.locator(".page.active").inner_text()
        go(page, "#/themes")
        screenshot(page, "served-themes")
        hostile = next(c for c in report.contributions if "<script>" in c.text)
        go(page, "#" + route_id("contribution", hostile.contribution_id))
        assert page.locator(".page.active blockquote.main-text").inner_text() == hostile.text
        assert watch.blocked == [] and copy_watch.blocked == [] and watch.dialogs == [] and watch.errors == []
        assert requests == []  # hash navigation only: no request after the page itself
        copy.context.close()
    finally:
        page.context.close()


def test_the_api_documentation_page_works_offline(server, browser):
    # /docs loaded Swagger UI from cdn.jsdelivr.net: on a machine without Internet access it stayed blank
    base, _ = server
    page, watch = open_page(browser, f"{base}/docs", allow=(base,))
    try:
        page.wait_for_selector(".swagger-ui .info .title", timeout=30_000)
        assert "Synthèse de consultations" in page.inner_text(".swagger-ui .info .title")
        assert page.locator(".opblock").count() > 10  # the routes are listed
        assert watch.blocked == [] and watch.errors == []
    finally:
        page.context.close()
    assert httpx.get(f"{base}/redoc").status_code == 404  # ReDoc loads from a CDN too: not offered


def test_the_service_s_own_pages_pass_the_audit(server, browser):
    # /docs declared no language and, as axe-core saw it, had 34 texts under the 4.5:1 contrast (the methods'
    # white on pale badges, "Authorize", the version) and a link nested in each route's button
    from tests.browser.test_accessibility import assert_no_violations

    base, _ = server
    for path in ("/", "/r/lien-retire"):  # the home page; a public link to no report (a page saying so)
        for lang in ("fr", "en"):
            page, _ = open_page(browser, base + path, allow=(base,), headers={"Accept-Language": lang})
            try:
                assert page.locator("html").get_attribute("lang") == lang
                assert_no_violations(page, f"{path} ({lang})")
            finally:
                page.context.close()
    page, watch = open_page(browser, f"{base}/docs", allow=(base,))
    try:
        page.wait_for_selector(".opblock", timeout=30_000)
        assert page.locator("html").get_attribute("lang") == "en"
        assert_no_violations(page, "/docs")
        page.locator(".opblock-summary-control").first.click()  # a route opened
        page.wait_for_selector(".opblock.is-open")
        assert_no_violations(page, "/docs, a route opened")
        assert watch.blocked == [] and watch.errors == []
    finally:
        page.context.close()
