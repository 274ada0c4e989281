"""The Celery runner (issues 6 and 8): with ``BROKER_URL`` set, runs go to Celery workers over Redis.

Start a worker with ``celery -A service.jobs.celery_app worker`` (or ``synthese worker``); the API's
``make_runner`` returns :class:`CeleryRunner`, whose ``submit`` queues :func:`start_run`. That task, on a
worker:

1. counts the run's distinct texts not yet in the stored embeddings; below two shards' worth
   (``embed_shard_texts``) it runs the whole synthesis itself (``service.jobs.tasks.execute_run``);
2. otherwise marks the run ``running`` at stage ``embed`` and sends a chord: ``n`` :func:`embed_shard_task`
   (``n`` rounded up to a multiple of the pool processes seen, so that shards spread evenly), then
   :func:`execute_run_task` on one worker, which finds every vector in the cache and clusters.

Shards cut the sorted distinct texts by position, and the default embedder encodes each text alone with one
BLAS thread, so the stored vectors are bitwise those of a sequential run and the report is the in-process
runner's. Payloads are run ids and shard numbers (JSON only, never pickle). Every task is ``acks_late`` +
``reject_on_worker_lost`` and declares its time limits, ``max_retries`` (transient database or Redis errors,
retried by an explicit ``self.retry``) and ``max_tries`` (deliveries, counting re-deliveries after a lost
worker) at registration. Shards report progress (stage ``embed``) and stop at the next batch when the run is
cancelled, failed or gone; the task that notices revokes the run's other tasks. Leases and the reaper:
``service.jobs.worker``.
"""

from __future__ import annotations

import logging
import math
import time
from uuid import uuid4

from celery import Celery, Task, chord
from sqlalchemy import func, select, update
from sqlmodel import Session, col

from schemas import RunSettings
from service.core.config import Settings, get_settings
from service.jobs import JobStatus
from service.jobs import worker as w
from service.jobs.stages import overall_progress
from service.jobs.tasks import RunCancelled, embed_shard, execute_run, load_inputs, shard_texts
from service.models import Run, StoredEmbedding, utcnow
from synthesis.embed import get_embedder, text_key
from synthesis.errors import SynthesisError

log = logging.getLogger(__name__)

MAX_SHARDS = 256
RETRY_DELAY_S = 5
HOUR = 3600

app = Celery("synthese")


def configure(settings: Settings) -> None:
    """Point the app at ``settings.broker_url`` (broker and result backend: the chord needs one)."""
    app.conf.update(
        broker_url=settings.broker_url,
        result_backend=settings.broker_url,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a worker reserves only the shard it runs: shards spread over workers
        broker_transport_options={"visibility_timeout": w.VISIBILITY_S},
        result_backend_transport_options={"visibility_timeout": w.VISIBILITY_S},
        result_expires=24 * HOUR,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )


configure(get_settings())


class CeleryRunner:
    """What the API holds when ``BROKER_URL`` is set: ``submit`` queues the run; workers do the rest."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        configure(settings)

    def submit(self, run_id: int) -> None:
        result = start_run.apply_async((run_id,))
        w.get_redis(self.settings.broker_url).sadd(w.run_key(run_id, "tasks"), result.id)

    def start(self) -> None:
        """Nothing to start in the API process: the workers consume the queue."""

    def stop(self) -> None:
        """Nothing to stop: queued runs stay in Redis for the workers."""


def error_of(exc: BaseException) -> dict:
    """The run's error body for an exception (same shape as ``execute_run``'s)."""
    if isinstance(exc, SynthesisError):
        data = exc.to_dict("fr")
        return {
            "code": data.pop("code"),
            "message": data.pop("message"),
            "details": {"message_en": exc.message_en, **data},
        }
    return {
        "code": "internal_error",
        "message": f"Erreur interne : {exc!r}",
        "details": {"message_en": f"Internal error: {exc!r}", "type": type(exc).__name__},
    }


def _interval() -> float:
    return get_settings().progress_interval_s


def _transient() -> tuple[type[BaseException], ...]:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from sqlalchemy.exc import OperationalError

    return (OperationalError, RedisConnectionError)


class RunTask(Task):
    """Base of the run tasks: a task failing for good fails its run, with the reason, and revokes the rest."""

    max_tries = 5

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        run_id = int(args[0])
        if w.set_run_status(run_id, JobStatus.FAILED, error_of(exc)):
            log.error("run %s failed in task %s: %r", run_id, self.name, exc)
        w.revoke_run(run_id)


REGISTRATION = {
    "bind": True,
    "base": RunTask,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": 3,
    "max_tries": 5,
}  # tries = deliveries: the first, 3 retries, one lost worker


# --- planning -------------------------------------------------------------------------------------
def _count_cached(keys: list[str]) -> int:
    from service.core.db import get_engine

    table = StoredEmbedding.__table__  # type: ignore[attr-defined]
    found = 0
    with get_engine().connect() as conn:
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            found += int(
                conn.execute(
                    select(func.count()).select_from(table).where(table.c.key.in_(chunk))
                ).scalar_one()
            )
    return found


def plan_shards(run_id: int) -> int | None:
    """Shards the run's embedding needs (1: embed in the clustering task); None if the run is gone or done."""
    from service.core.db import get_engine

    with Session(get_engine()) as s:
        run = s.get(Run, run_id)
        if run is None or JobStatus(run.status).finished:
            return None
        settings = RunSettings.model_validate(run.settings)
        records, *_ = load_inputs(s, run.consultation_id)
    try:
        model_id = get_embedder(settings.embedder, settings.embedder_model).model_id
    except SynthesisError:
        return 1  # execute_run fails the run with this error and its message
    texts = shard_texts(records, 0, 1)
    missing = len(texts) - _count_cached([text_key(model_id, t) for t in texts])
    n = math.ceil(missing / get_settings().embed_shard_texts)
    if n <= 1:
        return 1
    slots = w.worker_slots()
    return min(MAX_SHARDS, math.ceil(n / slots) * slots)


def _mark_embedding(run_id: int, n_shards: int) -> bool:
    """queued (or running: re-delivery) -> running at stage embed; False if cancelled or done meanwhile."""
    from service.core.db import get_engine

    active = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)
    with Session(get_engine()) as s:
        done = s.exec(
            update(Run)
            .where(col(Run.id) == run_id, col(Run.status).in_(active), col(Run.cancel_requested).is_(False))
            .values(
                status=JobStatus.RUNNING.value,
                stage="embed",
                progress=overall_progress("embed", 0.0),
                worker=f"celery:{n_shards} shards",
                started_at=utcnow(),
            )
        )
        s.commit()
        return bool(done.rowcount)


def _dispatch(run_id: int, n_shards: int) -> None:
    header = [embed_shard_task.si(run_id, i, n_shards).set(task_id=uuid4().hex) for i in range(n_shards)]
    body = execute_run_task.si(run_id).set(task_id=uuid4().hex)  # immutable: the shard sizes are not its args
    w.get_redis().sadd(w.run_key(run_id, "tasks"), *(s.id for s in header), body.id)
    chord(header)(body)


@app.task(name="synthese.start_run", time_limit=10 * HOUR, soft_time_limit=10 * HOUR - 60, **REGISTRATION)
def start_run(self: Task, run_id: int) -> str:
    """Plan the run: run it here when small, else fan its embedding out to shards, then cluster on one."""
    with w.leased(self.request.id, run_id, self.max_tries, stage="plan") as ok:
        if not ok:
            return "skipped"
        r = w.get_redis()
        owner = w.run_key(run_id, "owner")
        # One planner per run, even if the API re-submits a queued run at restart; a re-delivery is the owner.
        if not r.set(owner, self.request.id, nx=True, ex=w.VISIBILITY_S) and r.get(owner) != self.request.id:
            return "duplicate"
        try:
            n_shards = plan_shards(run_id)
            if n_shards is None:
                return "skipped"
            if n_shards == 1:
                return execute_run(run_id, resume=True, progress_interval=_interval()).value
            if _mark_embedding(run_id, n_shards):
                _dispatch(run_id, n_shards)
                return f"{n_shards} shards"
            return execute_run(run_id, resume=True).value  # cancelled meanwhile: records it
        except _transient() as exc:
            r.delete(owner)
            raise self.retry(exc=exc, countdown=RETRY_DELAY_S) from exc


# --- shards and clustering ------------------------------------------------------------------------
class ShardProgress:
    """Records the shard's fraction in Redis and, throttled, the run's progress; stops the shard if needed."""

    def __init__(self, run_id: int, shard_index: int, n_shards: int) -> None:
        self.run_id, self.shard_index, self.n_shards = run_id, shard_index, n_shards
        self.interval, self.last = get_settings().progress_interval_s, 0.0

    def __call__(self, fraction: float) -> None:
        from service.core.db import get_engine

        key = w.run_key(self.run_id, "shards")
        now = time.monotonic()
        if fraction < 1.0 and now - self.last < self.interval:
            w.get_redis().hset(key, str(self.shard_index), fraction)
            return
        self.last = now
        with Session(get_engine()) as s:
            run = s.get(Run, self.run_id)
            if run is None or run.cancel_requested or run.status != JobStatus.RUNNING.value:
                raise RunCancelled()
            r = w.get_redis()
            r.hset(key, str(self.shard_index), fraction)
            done = sum(float(v) for v in r.hvals(key)) / self.n_shards
            run.stage, run.progress = "embed", overall_progress("embed", done)
            s.add(run)
            s.commit()


def _stop(run_id: int) -> None:
    """A shard found its run cancelled (or failed): record a requested cancellation, revoke the others."""
    from service.core.db import get_engine

    with Session(get_engine()) as s:
        run = s.get(Run, run_id)
        cancel = run is not None and run.cancel_requested
    if cancel:
        w.set_run_status(run_id, JobStatus.CANCELLED)
    w.revoke_run(run_id)


@app.task(name="synthese.embed_shard", time_limit=2 * HOUR, soft_time_limit=2 * HOUR - 60, **REGISTRATION)
def embed_shard_task(self: Task, run_id: int, shard_index: int, n_shards: int) -> int:
    """Embed shard ``shard_index`` of ``n_shards`` of the run's distinct texts into the stored embeddings."""
    with w.leased(
        self.request.id, run_id, self.max_tries, stage="embed", shard=shard_index, shards=n_shards
    ) as ok:
        if not ok:
            return 0
        progress = ShardProgress(run_id, shard_index, n_shards)
        try:
            progress(0.0)  # a cancelled or failed run stops here, before loading anything
            size = embed_shard(run_id, shard_index, n_shards, progress=progress)
            progress(1.0)
            return size
        except RunCancelled:
            _stop(run_id)
            return 0
        except _transient() as exc:
            raise self.retry(exc=exc, countdown=RETRY_DELAY_S) from exc


@app.task(name="synthese.execute_run", time_limit=10 * HOUR, soft_time_limit=10 * HOUR - 60, **REGISTRATION)
def execute_run_task(self: Task, run_id: int) -> str:
    """Cluster and report once every shard is embedded (the vectors all come from the stored embeddings)."""
    with w.leased(self.request.id, run_id, self.max_tries, stage="cluster") as ok:
        if not ok:
            return "skipped"
        try:
            return execute_run(run_id, resume=True, progress_interval=_interval()).value
        except _transient() as exc:
            raise self.retry(exc=exc, countdown=RETRY_DELAY_S) from exc


__all__ = ["CeleryRunner", "app", "configure", "embed_shard_task", "execute_run_task", "start_run"]
