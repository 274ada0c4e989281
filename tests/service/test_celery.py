"""The Celery runner against a real Redis and real worker processes (issues 6 and 8); no mock, no eager mode.

Two ``--pool=solo`` workers (``tests.utils.celery_test_app``: the real app plus the test embedders) share a
file SQLite database with the API (a TestClient app whose ``BROKER_URL`` points at a dedicated Redis db).
Shards are tiny (``EMBED_SHARD_TEXTS=10``) so that small inputs are split, and leases short (3 s) so that a
killed worker is noticed quickly. Redis and PostgreSQL are started by ``scripts/start-services.sh``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlmodel import Session

from service import crud
from service.core.config import Settings
from service.core.db import make_engine, upgrade_database
from service.jobs.inprocess import InProcessRunner
from service.jobs.tasks import host_id
from service.main import create_app
from service.models import Assignment, Run, StoredEmbedding, Theme
from tests.service.factories import to_csv
from tests.service.helpers import make_run, upload

pytestmark = [pytest.mark.redis, pytest.mark.timeout(240)]

ROOT = Path(__file__).resolve().parents[2]
REDIS_BASE = os.environ.get("SYNTHESE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _private_db(first: int = 13, last: int = 8) -> tuple[str, object]:
    """A Redis db of this test session's own, flushed by these tests: the first of dbs 13..8 that no other
    session on this machine holds (a lock file held until the process ends). Two sessions on one db flushed
    each other's queues and saw each other's workers."""
    import fcntl
    import tempfile

    server = REDIS_BASE.rsplit("/", 1)[0]
    for db in range(first, last - 1, -1):
        name = "".join(ch if ch.isalnum() else "-" for ch in f"{server}-{db}")
        lock = open(Path(tempfile.gettempdir()) / f"synthese-test-redis-{name}.lock", "w")  # noqa: SIM115
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            continue
        return f"{server}/{db}", lock
    raise RuntimeError(f"Redis dbs {last}-{first} of {server} are all held by other test sessions")


REDIS_URL, _REDIS_LOCK = _private_db()
LEASE_S = 3.0
SHARD_TEXTS = 10
HOST = host_id()  # the workers' host: this machine and PID namespace
FAST = {"embedder": "fake-hash", "min_cluster_size": 5, "n_neighbors": 10, "subclusters": False}
SLOW = {**FAST, "embedder": "fake-slow"}


def _redis():
    import redis

    return redis.Redis.from_url(REDIS_URL, decode_responses=True)


def wait_for(predicate: Callable[[], object], what: str, timeout: float = 90.0, every: float = 0.1):
    deadline = time.monotonic() + timeout  # a guard against hanging, not a performance threshold
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


class Workers:
    """Celery worker subprocesses; ``start`` waits until the worker announced itself (reaper running)."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs, self.procs = env, logs, {}

    def start(self, name: str, pool: str = "solo") -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.utils.celery_test_app",
                "worker",
                f"--pool={pool}",
                "--concurrency=1",
                "-n",
                f"{name}@%h",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.procs[name] = proc
        announced = f"{HOST}:{proc.pid}"
        wait_for(
            lambda: _redis().hexists("synthese:workers", announced) or proc.poll() is not None,
            f"worker {name} ready",
            timeout=60,
        )
        assert proc.poll() is None, (self.logs / f"{name}.log").read_text()[-3000:]
        return proc

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="module")
def db_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('celery') / 'synthese.db'}"
    engine = make_engine(url)
    upgrade_database(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def workers(db_url, tmp_path_factory) -> Iterator[Workers]:
    r = _redis()
    r.flushdb()
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "BROKER_URL": REDIS_URL,
        "ENVIRONMENT": "test",
        "EMBED_SHARD_TEXTS": str(SHARD_TEXTS),
        "JOB_LEASE_S": str(LEASE_S),
        "PROGRESS_INTERVAL_S": "0.1",
        "PYTHONPATH": str(ROOT),
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    pool = Workers(env, tmp_path_factory.mktemp("worker-logs"))
    try:  # a worker that never said it was ready is stopped too, not left taking the next session's tasks
        pool.start("w1")
        pool.start("w2")
        yield pool
    finally:
        pool.stop_all()
        r.flushdb()


@pytest.fixture
def api(db_url, workers):
    """(client, headers, engine): the API with the Celery runner, on the workers' database."""
    engine = make_engine(db_url)
    settings = Settings(environment="test", database_url=db_url, broker_url=REDIS_URL, run_migrations=False)
    with Session(engine) as s:
        tenant = crud.create_tenant(session=s, name=f"Ville {time.monotonic_ns()}")
        _, key = crud.create_api_key(session=s, tenant_id=tenant.id, name="agent")
        s.commit()
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client, {"X-API-Key": key}, engine
    engine.dispose()


def distinct_rows(n: int) -> list[dict[str, str]]:
    """``n`` distinct answers on three topics (so that every one is a text to embed)."""
    topics = ["pistes cyclables sécurisées", "bus plus fréquents le soir", "planter des arbres en ville"]
    return [
        {
            "id": f"c{i}",
            "auteur": f"user{i % 9}",
            "sujet": "mobilite",
            "avis": f"Proposition {i} : {topics[i % 3]} quartier {i}",
        }
        for i in range(n)
    ]


def submit(client, headers, rows, settings) -> int:
    cid = client.post("/api/consultations", json={"title": "Plan climat"}, headers=headers).json()["id"]
    assert upload(client, cid, to_csv(rows), headers).status_code == 201
    r = client.post(f"/api/consultations/{cid}/runs", json={"settings": settings}, headers=headers)
    assert r.status_code == 202, r.text
    return r.json()["id"]


def wait_finished(client, headers, run_id: int) -> dict:
    def finished():
        run = client.get(f"/api/runs/{run_id}", headers=headers).json()
        return run if run["status"] in ("succeeded", "failed", "cancelled") else None

    return wait_for(finished, f"run {run_id} to finish")


def without_timings(report: dict) -> dict:
    report = json.loads(json.dumps(report))
    report["manifest"].pop("timings")
    report.pop("review", None)
    return report


def test_sharded_run_equals_in_process_run(api, engine, workers):
    """Real embedder, split over two workers: the in-process runner's report, bitwise the same vectors."""
    client, h, db = api
    settings = {**FAST, "embedder": "use-multilingual"}
    rows = distinct_rows(45)
    run_id = submit(client, h, rows, settings)
    run = wait_finished(client, h, run_id)
    assert run["status"] == "succeeded", run
    shards = _redis().hgetall(f"synthese:run:{run_id}:shards")
    # 45 texts / 10 per shard = 5 shards, rounded up to a multiple of the 2 worker slots
    assert len(shards) == 6 and all(float(v) == 1.0 for v in shards.values())
    report = client.get(f"/api/runs/{run_id}/report", headers=h).json()

    # The same input and settings through the in-process runner, on another (in-memory) database.
    runner = InProcessRunner(engine)
    local_settings = Settings(
        environment="test", database_url="sqlite://", run_migrations=False, jobs_autostart=False
    )
    local_app = create_app(local_settings, engine=engine, runner=runner)
    with Session(engine) as s:
        tenant = crud.create_tenant(session=s, name="Ville locale")
        _, key = crud.create_api_key(session=s, tenant_id=tenant.id, name="agent")
        s.commit()
    with TestClient(local_app) as local:
        done = make_run(local, runner, {"X-API-Key": key}, rows=rows, settings=settings)
    # Every vector the shards stored is bitwise the one embedded sequentially in this process.
    with Session(db) as s, Session(engine) as s_local:
        sharded = dict(s.exec(select(StoredEmbedding.key, StoredEmbedding.vector)).all())
        sequential = dict(s_local.exec(select(StoredEmbedding.key, StoredEmbedding.vector)).all())
    assert len(sequential) == 45 and sharded.keys() >= sequential.keys()
    assert all(
        np.array_equal(np.frombuffer(sharded[k], np.uint8), np.frombuffer(v, np.uint8))
        for k, v in sequential.items()
    )
    assert without_timings(report) == without_timings(done.report)
    assert_models_loaded_once(workers)


def assert_models_loaded_once(workers: Workers) -> None:
    """The start-up hook loaded the default embedder in each live worker, and no process loaded one twice."""
    loads = _redis().hgetall("test:loads")
    for proc in workers.procs.values():
        if proc.poll() is None:
            assert loads.get(f"{proc.pid}:use-multilingual") == "1", loads
    assert all(v == "1" for v in loads.values()), loads


@pytest.fixture
def engine():
    from sqlmodel import SQLModel

    eng = make_engine("sqlite://")
    SQLModel.metadata.create_all(eng)
    yield eng
    eng.dispose()


def test_progress_by_stage_and_cancel(api):
    client, h, db = api
    run_id = submit(client, h, distinct_rows(400), SLOW)
    seen = wait_for(
        lambda: (
            (r := client.get(f"/api/runs/{run_id}", headers=h).json())["stage"] == "embed"
            and r["progress"] > 0.02
            and r
        ),
        "embedding progress",
    )
    assert seen["status"] == "running" and seen["progress"] < 0.62
    cancelled = client.post(f"/api/runs/{run_id}/cancel", headers=h)
    assert cancelled.status_code == 200
    assert wait_finished(client, h, run_id)["status"] == "cancelled"
    assert client.get(f"/api/runs/{run_id}/report", headers=h).status_code == 409
    wait_for(lambda: not _redis().hlen("synthese:inflight"), "shards to stop")
    with Session(db) as s:
        stored = len(s.exec(select(StoredEmbedding.key)).all())
    time.sleep(1.0)
    with Session(db) as s:
        assert len(s.exec(select(StoredEmbedding.key)).all()) == stored  # nothing embeds any more
    assert len(_redis().hgetall(f"synthese:run:{run_id}:shards")) < 40  # revoked shards never started
    assert wait_finished(client, h, submit(client, h, distinct_rows(30), FAST))["status"] == "succeeded"


def _inflight_pids(run_id: int) -> set[int]:
    """Processes embedding a shard of ``run_id`` right now."""
    pids = set()
    for raw in _redis().hvals("synthese:inflight"):
        info = json.loads(raw)
        if info["run_id"] == run_id and info["stage"] == "embed":
            pids.add(int(info["worker"].rsplit(":", 1)[1]))
    return pids


def _consistent_without_results(db, run_id: int) -> None:
    with Session(db) as s:
        run = s.get(Run, run_id)
        assert run.report is None and run.reviewed_report is None
        assert not s.exec(select(Theme).where(Theme.run_id == run_id)).all()
        assert not s.exec(select(Assignment).where(Assignment.run_id == run_id)).all()


def test_prefork_child_killed_mid_shard_resumes(api, workers):
    """SIGKILL of the pool process embedding a shard: Celery re-queues the shard and the run completes."""
    client, h, _ = api
    loaded_before = set(_redis().hkeys("test:loads"))
    workers.start("w3", pool="prefork")
    try:
        main_pids = {p.pid for p in workers.procs.values()}
        # the pool process is ready once its start-up hook has loaded the model (else w1 and w2 may take every shard)
        wait_for(
            lambda: any(
                int(k.split(":")[0]) not in main_pids
                for k in set(_redis().hkeys("test:loads")) - loaded_before
            ),
            "w3's pool process ready",
        )
        run_id = submit(
            client, h, distinct_rows(200), SLOW
        )  # the next test's first 200 texts: it embeds 200 more
        child = wait_for(lambda: next(iter(_inflight_pids(run_id) - main_pids), None), "a shard on w3")
        os.kill(child, signal.SIGKILL)
        run = wait_finished(client, h, run_id)
        assert run["status"] == "succeeded", run
        r = _redis()
        tries = [int(r.get(k)) for k in r.scan_iter("synthese:tries:*")]
        assert max(tries) == 2  # the killed shard was delivered again (same task id) and completed
    finally:
        workers.procs.pop("w3").terminate()


def test_worker_killed_mid_run_fails_with_reason(api, workers):
    """SIGKILL of a whole worker: the run is marked failed with the reason, the database is consistent, and a
    new run completes on the other worker."""
    client, h, db = api
    run_id = submit(client, h, distinct_rows(400), SLOW)
    victim = workers.procs["w1"]
    wait_for(lambda: victim.pid in _inflight_pids(run_id), "a shard on w1")
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(10)
    run = wait_finished(client, h, run_id)
    assert run["status"] == "failed", run
    assert run["error"]["code"] == "interrupted"
    assert f"{HOST}:{victim.pid}" in run["error"]["message"] and "embed" in run["error"]["message"]
    _consistent_without_results(db, run_id)
    assert wait_finished(client, h, submit(client, h, distinct_rows(30), FAST))["status"] == "succeeded"
    workers.start("w1")  # for any test after this one
    assert_models_loaded_once(workers)
