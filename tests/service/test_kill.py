"""A server process killed (SIGKILL) mid-run: the database stays consistent, the run is marked failed with the
reason at the next start-up, and a new run completes (issue 6 acceptance)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from service import crud
from service.core.db import make_engine, upgrade_database
from service.models import Assignment, Run, StoredEmbedding, Theme
from tests.service.factories import consultation_rows, to_csv

REPO = Path(__file__).resolve().parents[2]
# More texts than n_components + 2 would start UMAP (slow numba compilation in a fresh process);
# 100 components
# keep this test about the process, not the clustering.
SETTINGS = {"embedder": "slow-hash", "n_components": 100, "min_cluster_size": 5, "subclusters": False}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(db_url: str, port: int, env_extra: dict[str, str]) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": db_url, "ENVIRONMENT": "test", **env_extra}
    proc = subprocess.Popen([sys.executable, "-m", "tests.service._server", str(port)], cwd=REPO, env=env)
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def _wait(predicate, what: str, timeout: float = 120.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


@dataclass
class _UnderWay:
    """A service on a file database, whose consultation's run is embedding (slowed down)."""

    db_url: str
    engine: Engine
    proc: subprocess.Popen
    port: int
    headers: dict[str, str]
    rows: list[dict[str, str]]
    run_id: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def restart(self) -> None:
        self.proc = _start(self.db_url, self.port, {"SLOW_DELAY": "0"})

    def outcome(self, run_id: int, what: str) -> dict:
        """The run once succeeded or failed."""
        return _wait(
            lambda: (lambda b: b if b["status"] in ("succeeded", "failed") else None)(
                httpx.get(f"{self.base}/runs/{run_id}", headers=self.headers).json()
            ),
            what,
        )


def _run_under_way(tmp_path: Path, name: str) -> _UnderWay:
    db_url = f"sqlite:///{tmp_path / name}"
    engine = make_engine(db_url)
    upgrade_database(engine)
    with Session(engine) as s:
        tenant = crud.create_tenant(session=s, name="t")
        _, key = crud.create_api_key(session=s, tenant_id=tenant.id, name="k")
        s.commit()
    marker = tmp_path / "embedding-started"
    port = _free_port()
    proc = _start(db_url, port, {"SLOW_DELAY": "0.5", "SLOW_MARKER": str(marker)})
    h, rows, base = {"X-API-Key": key}, consultation_rows(n_per_topic=20), f"http://127.0.0.1:{port}/api"
    try:
        cid = httpx.post(f"{base}/consultations", json={"title": "t"}, headers=h).json()["id"]
        r = httpx.post(
            f"{base}/consultations/{cid}/imports",
            headers=h,
            data={"text_column": "avis", "id_column": "id"},
            files={"file": ("e.csv", to_csv(rows), "text/csv")},
        )
        assert r.status_code == 201, r.text
        run_id = httpx.post(
            f"{base}/consultations/{cid}/runs", json={"settings": SETTINGS}, headers=h
        ).json()["id"]
        _wait(marker.exists, "embedding to start")
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    return _UnderWay(db_url, engine, proc, port, h, rows, run_id)


@pytest.mark.slow
def test_sigkill_mid_run_then_restart(tmp_path):
    w = _run_under_way(tmp_path, "kill.db")
    h, base, run_id = w.headers, w.base, w.run_id
    try:
        assert httpx.get(f"{base}/runs/{run_id}", headers=h).json()["status"] == "running"
    finally:
        os.kill(w.proc.pid, signal.SIGKILL)
        w.proc.wait()

    with Session(w.engine) as s:  # consistent: the run is stale "running", nothing of its report was written
        run = s.get(Run, run_id)
        assert run.status == "running" and run.report is None and run.reviewed_report is None
        assert s.exec(select(func.count()).select_from(Assignment)).one() == 0
        assert s.exec(select(func.count()).select_from(Theme)).one() == 0

    w.restart()
    try:
        dead = httpx.get(f"{base}/runs/{run_id}", headers=h).json()
        assert dead["status"] == "failed" and dead["error"]["code"] == "interrupted", dead
        assert "interrompu" in dead["error"]["message"]
        cid = dead["consultation_id"]
        new_id = httpx.post(
            f"{base}/consultations/{cid}/runs", json={"settings": SETTINGS}, headers=h
        ).json()["id"]
        done = w.outcome(new_id, "the new run")
        assert done["status"] == "succeeded", done["error"]
        report = httpx.get(f"{base}/runs/{new_id}/report", headers=h).json()
        assert report["manifest"]["counts"]["contributions"] == len(w.rows)
    finally:
        w.proc.terminate()
        w.proc.wait(10)
    with Session(w.engine) as s:
        assert s.exec(select(func.count()).select_from(Assignment)).one() == len(w.rows)
        assert s.exec(select(func.count()).select_from(StoredEmbedding)).one() > 0


@pytest.mark.slow
def test_a_graceful_stop_mid_run_queues_it_again_and_the_next_start_completes_it(tmp_path):
    """A deployment stops the service (SIGTERM) while a run embeds: the run was left "running" for a process that
    had exited, then failed at the next start-up, and the organiser had to start it again. It is now put back in
    the queue when the stop comes first, and the next start-up completes it by itself."""
    w = _run_under_way(tmp_path, "stop.db")
    w.proc.send_signal(signal.SIGTERM)  # uvicorn shuts down (the lifespan's end), then re-raises the signal
    w.proc.wait(60)

    with Session(w.engine) as s:  # queued again, nothing of its report written
        run = s.get(Run, w.run_id)
        assert (run.status, run.worker, run.report) == ("queued", None, None)
        assert s.exec(select(func.count()).select_from(Assignment)).one() == 0

    w.restart()
    try:
        done = w.outcome(w.run_id, "the run queued again")
        assert done["status"] == "succeeded", done["error"]
        report = httpx.get(f"{w.base}/runs/{w.run_id}/report", headers=w.headers).json()
        assert report["manifest"]["counts"]["contributions"] == len(w.rows)
    finally:
        w.proc.terminate()
        w.proc.wait(10)
