"""The worker side of the Celery runner (issue 6): start-up hook, task leases kept alive by a heartbeat, the
reaper.

- **Start-up hook** (rule 19): ``worker_process_init`` fires once in every pool process (each prefork child,
  or the ``--pool=solo`` worker itself) and loads the embedders of :data:`PRELOAD` there, so no task pays
  for loading a model and a process never loads one twice (``synthesis.embed.get_embedder`` keeps it).
- **Leases**: while a task of a run executes, its process keeps ``synthese:lease:<task id>`` alive in Redis
  (TTL ``job_lease_s``, refreshed every quarter of it by a heartbeat thread) and ``synthese:inflight`` maps
  the task id to its run. The lease is set and the entry added in one Redis transaction, and removed the
  same way.
- **Reaper**: a thread of every worker's main process checks ``synthese:inflight`` every quarter lease (and
  once at start-up: the recovery of a restarted single worker). An entry whose lease has been gone for one
  more lease belongs to a process that died in the middle of a task (SIGKILL, out of memory, lost machine):
  its run is marked ``failed`` with the reason and the run's other tasks are revoked. Nothing of the run was
  written but stored embeddings (the report is one transaction, see ``service.jobs.finish``), so starting
  the run again reuses every vector already computed. A prefork child killed mid-task is the other case:
  Celery re-queues its message at once (``acks_late`` + ``reject_on_worker_lost``), the same task id takes
  the lease again within the grace, and the run resumes.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from celery import signals
from sqlalchemy import update
from sqlmodel import Session, col

from service.core.config import get_settings
from service.jobs import JobStatus
from service.jobs.tasks import INTERRUPTED, fail_stale_runs, worker_id
from service.models import Run, utcnow

log = logging.getLogger(__name__)

# Embedders each worker process loads at start-up (the default one; others load on first use, once).
PRELOAD: tuple[str, ...] = ("use-multilingual",)
PREFIX = "synthese"
INFLIGHT = f"{PREFIX}:inflight"
WORKERS = f"{PREFIX}:workers"
SUSPECT = f"{PREFIX}:suspect"  # task id -> when its lease was first seen missing
# Longest a message may stay unacknowledged before Redis hands it to another worker: longer than any task.
VISIBILITY_S = 12 * 3600


def lease_key(task_id: str) -> str:
    return f"{PREFIX}:lease:{task_id}"


def tries_key(task_id: str) -> str:
    return f"{PREFIX}:tries:{task_id}"


def run_key(run_id: int, what: str) -> str:
    """Per-run keys: ``tasks`` (set of task ids), ``shards`` (hash shard -> fraction), ``owner`` (planner)."""
    return f"{PREFIX}:run:{run_id}:{what}"


@lru_cache(maxsize=4)
def _redis(url: str):
    import redis

    return redis.Redis.from_url(url, decode_responses=True)


def get_redis(url: str | None = None):
    """The Redis of ``url`` or ``BROKER_URL`` (one client per process; redis-py reconnects after a fork)."""
    return _redis(url or get_settings().broker_url)


def _engine():
    from service.core.db import get_engine

    return get_engine()


# --- run status -----------------------------------------------------------------------------------
def set_run_status(run_id: int, status: JobStatus, error: dict | None = None) -> bool:
    """Move a queued or running run to ``status`` (one conditional UPDATE); False if it had finished."""
    values: dict = {"status": status.value, "finished_at": utcnow()}
    if error is not None:
        values["error"] = error
    active = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)
    with Session(_engine()) as s:
        done = s.exec(update(Run).where(col(Run.id) == run_id, col(Run.status).in_(active)).values(**values))
        s.commit()
        return bool(done.rowcount)


def interrupted_error(info: dict) -> dict:
    """The error stored on a run whose worker died: stage, shard and worker, in French and English."""
    where = info.get("stage", "?")
    if "shard" in info:
        where += f" {info['shard'] + 1}/{info['shards']}"
    who = info.get("worker", "?")
    return {
        "code": INTERRUPTED["code"],
        "message": f"Le worker {who} s'est arrêté pendant l'étape {where} ; relancez l'analyse "
        "(les textes déjà vectorisés sont réutilisés).",
        "details": {
            "message_en": f"Worker {who} stopped during stage {where}; start the run again "
            "(texts already embedded are reused).",
            "worker": who,
            "stage": where,
        },
    }


def revoke_run(run_id: int) -> None:
    """Revoke every Celery task of the run (queued ones are dropped; running ones stop at the next check)."""
    from service.jobs.celery_app import app

    ids = sorted(get_redis().smembers(run_key(run_id, "tasks")))
    if ids:
        app.control.revoke(ids)


# --- leases ---------------------------------------------------------------------------------------
class Heartbeat:
    """One daemon thread per process that keeps the leases of the tasks it runs alive."""

    def __init__(self) -> None:
        self._held: set[str] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def hold(self, task_id: str) -> None:
        with self._lock:
            self._held.add(task_id)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="synthese-heartbeat", daemon=True)
                self._thread.start()

    def release(self, task_id: str) -> None:
        with self._lock:
            self._held.discard(task_id)

    def _loop(self) -> None:
        ttl = get_settings().job_lease_s
        while True:
            time.sleep(ttl / 4)
            with self._lock:
                held = list(self._held)
            try:
                pipe = get_redis().pipeline()
                for task_id in held:
                    pipe.set(lease_key(task_id), worker_id(), px=int(ttl * 1000))
                pipe.execute()
            except Exception:  # Redis away a moment: the next beat retries; the lease outlives a few misses
                log.warning("heartbeat failed", exc_info=True)


HEARTBEAT = Heartbeat()


@contextmanager
def leased(task_id: str, run_id: int, max_tries: int, **info) -> Iterator[bool]:
    """Hold the task's lease while the block runs; yields False when the task was delivered too many times."""
    r = get_redis()
    tries = r.incr(tries_key(task_id))
    r.expire(tries_key(task_id), VISIBILITY_S)
    if tries > max_tries:
        set_run_status(
            run_id,
            JobStatus.FAILED,
            {
                "code": "too_many_attempts",
                "message": f"La tâche {info.get('stage')} a été lancée {tries} fois (maximum {max_tries}).",
                "details": {
                    "message_en": f"Task {info.get('stage')} started {tries} times (max {max_tries}).",
                    "task_id": task_id,
                },
            },
        )
        revoke_run(run_id)
        yield False
        return
    entry = json.dumps({"run_id": run_id, "worker": worker_id(), **info})
    ttl_ms = int(get_settings().job_lease_s * 1000)
    r.pipeline().set(lease_key(task_id), worker_id(), px=ttl_ms).hset(INFLIGHT, task_id, entry).execute()
    HEARTBEAT.hold(task_id)
    try:
        yield True
    finally:
        HEARTBEAT.release(task_id)
        r.pipeline().hdel(INFLIGHT, task_id).delete(lease_key(task_id)).hdel(SUSPECT, task_id).execute()


# --- reaper ---------------------------------------------------------------------------------------
def reap_once(now: float | None = None) -> list[int]:
    """Fail the runs whose in-flight task lost its lease one lease ago (its process died); returns their ids.

    The grace of one more lease lets Celery re-deliver the task of a killed prefork child first (the same task
    id takes the lease again): that run resumes instead of failing."""
    r, now = get_redis(), time.time() if now is None else now
    grace = get_settings().job_lease_s
    failed = []
    for task_id, raw in r.hgetall(INFLIGHT).items():
        if r.exists(lease_key(task_id)):
            r.hdel(SUSPECT, task_id)
            continue
        if r.hsetnx(SUSPECT, task_id, now):
            continue  # just noticed
        if now - float(r.hget(SUSPECT, task_id) or now) < grace or not r.hdel(INFLIGHT, task_id):
            continue  # within the grace, or another worker's reaper took it
        r.hdel(SUSPECT, task_id)
        info = json.loads(raw)
        run_id = int(info["run_id"])
        if set_run_status(run_id, JobStatus.FAILED, interrupted_error(info)):
            log.warning("run %s: worker %s died during %s; marked failed", run_id, info.get("worker"), info)
            failed.append(run_id)
        revoke_run(run_id)
    return failed


def _reaper_loop(slots: int) -> None:
    r, name = get_redis(), worker_id()
    while True:
        try:
            r.hset(WORKERS, name, json.dumps({"slots": slots, "seen": time.time()}))
            reap_once()
            with Session(_engine()) as s:  # runs whose process is gone with its lease (Redis emptied too)
                fail_stale_runs(s, get_settings().job_lease_s)
        except Exception:
            log.warning("reaper pass failed", exc_info=True)
        time.sleep(get_settings().job_lease_s / 4)


def worker_slots(now: float | None = None) -> int:
    """Pool processes of the workers seen within one lease (at least 1): how many shards can run at once."""
    now = time.time() if now is None else now
    horizon = get_settings().job_lease_s
    slots = 0
    for raw in get_redis().hvals(WORKERS):
        seen = json.loads(raw)
        slots += int(seen["slots"]) if now - float(seen["seen"]) <= horizon else 0
    return max(1, slots)


# --- signals --------------------------------------------------------------------------------------
@signals.worker_process_init.connect
def load_models(**_kwargs) -> None:
    """Start-up hook of each pool process: fresh DB connections after the fork, then the embedding models."""
    from service.core import db
    from synthesis.embed import get_embedder

    for engine in db._ENGINES.values():  # connections opened by the parent must not be shared with a child
        engine.dispose(close=False)
    for name in PRELOAD:
        started = time.perf_counter()
        get_embedder(name)
        log.info("embedder %s loaded in %.1f s (pid %s)", name, time.perf_counter() - started, worker_id())


@signals.worker_ready.connect
def start_reaper(sender=None, **_kwargs) -> None:
    """Main process: announce this worker's slots, start the reaper (its first pass is start-up recovery)."""
    slots = int(getattr(getattr(sender, "controller", None), "concurrency", 1) or 1)
    threading.Thread(target=_reaper_loop, args=(slots,), name="synthese-reaper", daemon=True).start()
