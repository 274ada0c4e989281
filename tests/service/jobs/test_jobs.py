"""Job runner seam: execute_run / embed_shard from the DB, recovery at start-up, cancel, thread runner."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from sqlmodel import Session, func, select

from service.core.db import make_engine, upgrade_database
from service.imports import import_file
from service.jobs import JobStatus
from service.jobs.cache import DBEmbeddingCache
from service.jobs.inprocess import InProcessRunner
from service.jobs.tasks import (
    embed_shard,
    execute_run,
    host_id,
    load_inputs,
    recover_interrupted_runs,
    shard_texts,
    worker_id,
)
from service.models import Consultation, Run, StoredEmbedding
from synthesis.embed import _LOADED
from tests.service.factories import FAST_SETTINGS, consultation_rows, to_csv
from tests.service.helpers import empty_consultation
from tests.utils.data import REPO_ROOT


def _consultation(
    engine, tmp_path, changed: dict[int, str] | None = None, question: str | None = None
) -> int:
    from schemas import ColumnMapping

    path = tmp_path / "e.csv"
    path.write_bytes(to_csv(consultation_rows(changed=changed)))
    with Session(engine) as s:
        c = empty_consultation(s)
        import_file(
            session=s,
            consultation=c,
            path=path,
            filename="e.csv",
            mapping=ColumnMapping(text="avis", id="id"),
            question_text=question,
        )
        return c.id


def _run(engine, cid: int, **fields) -> int:
    with Session(engine) as s:
        run = Run(consultation_id=cid, settings=FAST_SETTINGS, **fields)
        s.add(run)
        s.commit()
        return run.id


def test_shards_then_execute_run_reuses_every_vector(engine, tmp_path):
    # copies written differently: the shards embed the form the pipeline embeds for all of them; "Aucune"
    # answers the question (which ones?), as the run reads its text
    copies = {
        0: "Baisser la TVA",
        1: "baisser la tva",
        2: "Baisser la TVA !",
        3: "Baisser la TVA",
        4: "Aucune",
    }
    cid = _consultation(engine, tmp_path, changed=copies, question="Quels impôts faut-il baisser ?")
    run_id = _run(engine, cid)
    with Session(engine) as s:
        records, *_ = load_inputs(s, cid)
    shards = [shard_texts(records, i, 3) for i in range(3)]
    assert sorted(t for sh in shards for t in sh) == sorted(set().union(*map(set, shards)))
    embedded = {t for sh in shards for t in sh}
    assert "Baisser la TVA" in embedded and "Aucune" in embedded
    assert not {"baisser la tva", "Baisser la TVA !"} & embedded
    assert sum(embed_shard(run_id, i, 3, engine=engine) for i in range(3)) == len(
        {t for sh in shards for t in sh}
    )
    embedder = next(e for (name, _), e in _LOADED.items() if name == "fake-hash")
    calls = embedder.calls
    assert execute_run(run_id, engine=engine, progress_interval=0) == JobStatus.SUCCEEDED
    assert embedder.calls == calls
    with Session(engine) as s:
        run = s.get(Run, run_id)
        assert run.status == "succeeded" and run.report and run.progress == 1.0
        assert s.exec(select(func.count()).select_from(StoredEmbedding)).one() == len(
            DBEmbeddingCache(engine)
        )


def test_recover_marks_dead_runs_failed_and_requeues_queued(engine, tmp_path):
    cid = _consultation(engine, tmp_path)
    dead = _run(engine, cid, status="running", worker=f"{host_id()}:999999")
    elsewhere = _run(engine, cid, status="running", worker="other-host:1")
    alive = _run(engine, cid, status="running", worker=f"{host_id()}:{os.getppid()}")
    queued = _run(engine, cid)
    failed, requeue = recover_interrupted_runs(engine)
    assert failed == [dead] and requeue == [queued]
    with Session(engine) as s:
        assert s.get(Run, dead).error["code"] == "interrupted"
        assert s.get(Run, elsewhere).status == s.get(Run, alive).status == "running"


def test_a_process_of_another_pid_namespace_with_the_same_hostname_is_another_host(engine, tmp_path):
    # two containers with one hostname (network_mode: host): the API starting in one read the other's run,
    # "<hostname>:<pid>", as its own host's and, that pid being no process of its namespace, failed it
    here = worker_id()
    try:
        done = subprocess.run(
            ["unshare", "--pid", "--fork", "--mount-proc", sys.executable, "-c", _PRINT_WORKER_ID],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"no PID namespace can be made here: {exc}")
    there = done.stdout.strip()
    assert there.endswith(":1") and there.split("/")[0] == here.split("/")[0]  # pid 1, the same hostname
    assert there.rpartition(":")[0] != here.rpartition(":")[0]
    cid = _consultation(engine, tmp_path)
    theirs = _run(engine, cid, status="running", worker=there.rpartition(":")[0] + ":999999")
    assert recover_interrupted_runs(engine)[0] == []
    with Session(engine) as s:
        assert s.get(Run, theirs).status == "running"


_PRINT_WORKER_ID = "from service.jobs.tasks import worker_id; print(worker_id())"


def test_cancel_while_running_stores_nothing(engine, tmp_path):
    cid = _consultation(engine, tmp_path)
    run_id = _run(engine, cid, cancel_requested=False)
    from service.jobs import tasks

    original = tasks._Progress.__call__

    def cancel_on_embed(self, stage, fraction):
        if stage == "embed":
            with Session(engine) as s:
                run = s.get(Run, run_id)
                run.cancel_requested = True
                s.add(run)
                s.commit()
        return original(self, stage, fraction)

    tasks._Progress.__call__ = cancel_on_embed
    try:
        assert execute_run(run_id, engine=engine, progress_interval=0) == JobStatus.CANCELLED
    finally:
        tasks._Progress.__call__ = original
    with Session(engine) as s:
        run = s.get(Run, run_id)
        assert run.status == "cancelled" and run.report is None


def test_thread_runner_drains_in_background(engine, tmp_path):
    if engine.dialect.name == "sqlite":
        # Two threads (runner and poller) must not share the in-memory StaticPool's single connection, which
        # made this test hang now and then; a file database gives each thread its own, as in the service.
        engine = make_engine(f"sqlite:///{tmp_path / 'runner.db'}")
        upgrade_database(engine)
    cid = _consultation(engine, tmp_path)
    runner = InProcessRunner(engine, progress_interval=0)
    runner.start()
    try:
        run_id = _run(engine, cid)
        runner.submit(run_id)
        end = time.monotonic() + 120
        while time.monotonic() < end:
            with Session(engine) as s:
                if JobStatus(s.get(Run, run_id).status).finished:
                    break
            time.sleep(0.05)
    finally:
        runner.stop(timeout=60)
    with Session(engine) as s:
        assert s.get(Run, run_id).status == "succeeded"


def test_db_cache_keeps_knn_searches(engine):
    """The service's cache is the run's k-NN store too (SQLite and PostgreSQL): same arrays back, bitwise."""
    import numpy as np

    from synthesis.neighbours import KnnStore, knn_key

    cache = DBEmbeddingCache(engine)
    assert isinstance(cache, KnnStore)
    x = np.eye(4, dtype=np.float32)
    key = knn_key(x, 2)
    assert len(key) == 64 and cache.get_knn(key) is None
    idx = np.array([[1, 2], [0, 2], [0, 1], [0, 1]])
    dist = np.array([[1.0, 1.0], [1.0, 1.0], [1.0, 1.0], [0.5, 1.0]], dtype=np.float32)
    cache.put_knn(key, idx, dist)
    cache.put_knn(key, idx, dist)  # a second run storing the same search: kept once, no error
    got_idx, got_dist = cache.get_knn(key)
    assert np.array_equal(got_idx, idx) and got_dist.tobytes() == dist.tobytes()


def test_db_cache_deletes_the_oldest_knn_searches_beyond_the_budget(engine, monkeypatch):
    import time

    import numpy as np

    import synthesis.embed.cache as cache_module

    monkeypatch.setattr(cache_module, "KNN_KEEP_BYTES", 500)
    cache = DBEmbeddingCache(engine)
    idx, dist = np.zeros((10, 3), dtype=np.int64), np.zeros((10, 3), dtype=np.float32)  # 240 bytes stored
    for key in "abc":
        cache.put_knn(key, idx, dist)
        time.sleep(0.01)  # distinct times of storage
    assert cache.get_knn("a") is None and cache.get_knn("b") and cache.get_knn("c")


def test_a_consultation_deleted_while_its_run_embeds_leaves_no_vector(engine, tmp_path):
    """RGPD: the consultation is deleted while its run embeds (after the run's last look at its row): the
    vectors the run stores after the deletion forgot the consultation's are deleted too when the run stops."""
    from service import crud
    from service.jobs import tasks

    cid = _consultation(engine, tmp_path)
    run_id = _run(engine, cid)
    original = tasks._Progress.__call__

    def delete_after_embed_starts(self, stage, fraction):
        original(self, stage, fraction)
        if stage == "embed":
            with Session(engine) as s:
                consultation = s.get(Consultation, cid)
                if consultation is not None:
                    crud.delete_consultation(session=s, consultation=consultation)

    tasks._Progress.__call__ = delete_after_embed_starts
    try:
        assert execute_run(run_id, engine=engine, progress_interval=0) == JobStatus.CANCELLED
    finally:
        tasks._Progress.__call__ = original
    with Session(engine) as s:
        assert s.get(Run, run_id) is None and s.get(Consultation, cid) is None
        assert s.exec(select(func.count()).select_from(StoredEmbedding)).one() == 0


def test_a_shard_of_a_deleted_consultation_leaves_no_vector(engine, tmp_path):
    """The same for a Celery shard: deleted while it embeds, it forgets what it stored."""
    from service import crud
    from service.jobs.tasks import RunCancelled

    cid = _consultation(engine, tmp_path)
    run_id = _run(engine, cid, status="running")
    calls = []

    def progress(fraction: float) -> None:  # as ShardProgress: stops once the run is gone
        calls.append(fraction)
        with Session(engine) as s:
            if s.get(Run, run_id) is None:
                raise RunCancelled()
            if len(calls) == 1:  # the deletion comes once the shard has started
                crud.delete_consultation(session=s, consultation=s.get(Consultation, cid))

    try:
        embed_shard(run_id, 0, 1, engine=engine, progress=progress)
    except RunCancelled:
        pass
    with Session(engine) as s:
        assert s.get(Consultation, cid) is None
        assert s.exec(select(func.count()).select_from(StoredEmbedding)).one() == 0


def test_a_second_execution_of_a_finished_run_leaves_it_succeeded(engine, tmp_path):
    """Two executions of one run overlap (a Celery task delivered again while the first worker still runs it):
    the one that finishes second finds the report written and leaves the run as the first left it, succeeded,
    instead of failing it on the themes already stored."""
    from service.jobs import tasks

    cid = _consultation(engine, tmp_path)
    run_id = _run(engine, cid)
    original = tasks._Progress.__call__
    second: list[JobStatus | None] = []

    def overtaken_before_storing(self, stage, fraction):
        original(self, stage, fraction)
        if stage == "store" and not second:
            second.append(None)  # the second execution runs whole, here, before the first one stores
            second[0] = execute_run(run_id, engine=engine, progress_interval=0, resume=True)

    tasks._Progress.__call__ = overtaken_before_storing
    try:
        first = execute_run(run_id, engine=engine, progress_interval=0)
    finally:
        tasks._Progress.__call__ = original
    assert second == [JobStatus.SUCCEEDED] and first == JobStatus.SUCCEEDED
    with Session(engine) as s:
        run = s.get(Run, run_id)
        assert run.status == "succeeded" and run.error is None and run.report is not None


def test_the_same_file_imported_twice_is_read_once(engine):
    """Re-importing an export adds nothing, but the next run read each import's rejected rows: the Grand Débat
    sample imported twice gave a report of 88 rejected rows (44 in the file) and another input checksum."""
    from tests.utils.data import SAMPLES

    path = SAMPLES / "granddebat_fiscalite_sample.csv"
    with Session(engine) as s:
        c = empty_consultation(s)
        imports = [import_file(session=s, consultation=c, path=path, filename=path.name) for _ in range(2)]
        assert [i.added for i in imports] == [2599, 0] and len(imports[0].rejected) == 44
        records, _, rejected, rows_read, sha, _ = load_inputs(s, c.id)
    assert (len(records), len(rejected), rows_read, sha) == (2599, 44, 1300, imports[0].sha256)


def test_a_run_whose_process_fell_silent_is_failed_with_the_reason_and_can_be_run_again(
    client, keys, engine, runner
):
    # the container that ran it was recreated (another host name): recover_interrupted_runs cannot tell its
    # process is gone; its heartbeat, silent longer than the lease, can
    from datetime import timedelta

    from service.models import utcnow
    from tests.service.helpers import make_run

    done = make_run(client, runner, keys.h())
    long_ago = utcnow() - timedelta(minutes=10)
    gone = _run(
        engine,
        done.consultation_id,
        status="running",
        worker="old-container:1",
        stage="cluster",
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    busy = _run(engine, done.consultation_id, status="running", worker="other:2", heartbeat_at=utcnow())
    shards = _run(  # its Celery shards wait in the queue: the Celery reaper's to watch
        engine, done.consultation_id, status="running", worker="celery:4 shards", started_at=long_ago
    )
    r = client.get(f"/api/runs/{gone}", headers=keys.h())
    assert r.json()["status"] == "failed"
    error = r.json()["error"]
    assert error["code"] == "interrupted" and "old-container:1" in error["message"]
    assert "ne donne plus signe de vie" in error["message"] and error["details"]["lease_s"] == 60
    en = client.get(f"/api/runs/{gone}", headers={**keys.h(), "Accept-Language": "en"}).json()
    assert "no sign of life" in en["error"]["message"]
    listed = client.get(f"/api/consultations/{done.consultation_id}/runs", headers=keys.h()).json()
    status = {run["id"]: run["status"] for run in listed["data"]}
    assert status[gone] == "failed" and status[busy] == status[shards] == "running"
    # the process coming back (a pause, not a death) stores nothing over the failed run
    assert execute_run(gone, engine=engine, resume=True) == JobStatus.CANCELLED
    again = client.post(
        f"/api/consultations/{done.consultation_id}/runs", json={"settings": FAST_SETTINGS}, headers=keys.h()
    )
    runner.drain()
    assert client.get(f"/api/runs/{again.json()['id']}", headers=keys.h()).json()["status"] == "succeeded"


def test_a_process_executing_a_run_gives_signs_of_life(tmp_path):
    from service.jobs.tasks import _Heartbeat, beat

    engine = make_engine(
        f"sqlite:///{tmp_path / 'h.db'}"
    )  # a file: the heartbeat thread has its own connection
    upgrade_database(engine)
    cid = _consultation(engine, tmp_path)
    run_id = _run(engine, cid)
    assert execute_run(run_id, engine=engine, progress_interval=0) == JobStatus.SUCCEEDED
    with Session(engine) as s:
        stored = s.get(Run, run_id)
        assert stored.heartbeat_at is not None and stored.heartbeat_at >= stored.started_at
        last = stored.heartbeat_at
    beat(engine, run_id)  # a finished run is no longer beaten
    with Session(engine) as s:
        assert s.get(Run, run_id).heartbeat_at == last
    running = _run(engine, cid, status="running")
    with _Heartbeat(engine, running, interval=0.01):
        for _ in range(1000):
            with Session(engine) as s:
                if s.get(Run, running).heartbeat_at is not None:
                    break
            time.sleep(0.01)
    with Session(engine) as s:
        assert s.get(Run, running).heartbeat_at is not None


def test_cancelling_a_run_whose_process_is_gone_cancels_it_at_once(client, keys, engine, runner):
    # the request was kept for a process that will never read it: the run answered "running" until the next read
    from datetime import timedelta

    from service.models import utcnow
    from tests.service.helpers import make_run

    done = make_run(client, runner, keys.h())
    long_ago = utcnow() - timedelta(minutes=10)
    gone = _run(
        engine,
        done.consultation_id,
        status="running",
        worker="old-container:1",
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    busy = _run(engine, done.consultation_id, status="running", worker="other:2", heartbeat_at=utcnow())
    r = client.post(f"/api/runs/{gone}/cancel", headers=keys.h())
    assert r.status_code == 200 and r.json()["status"] == "cancelled" and r.json()["finished_at"]
    r = client.post(f"/api/runs/{busy}/cancel", headers=keys.h())
    assert r.status_code == 200 and r.json()["status"] == "running"  # it stops at its next progress step
