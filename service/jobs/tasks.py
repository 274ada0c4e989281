"""The work of a run, done from the database alone (so any runner, in-process or Celery, can call it).

``execute_run(run_id)`` does the whole run; ``embed_shard(run_id, i, n)`` embeds one shard of the run's distinct
texts into the stored embeddings (the Celery runner fans shards out, then calls ``execute_run``, which finds every
vector in the cache). The report, themes and assignments are written in one transaction with
``status=succeeded``: a process killed mid-run leaves no half-written report, and
:func:`recover_interrupted_runs` marks such runs failed at the next start-up of a process of its host.

While a process executes a run it writes ``runs.heartbeat_at`` every quarter of the lease (``job_lease_s``,
:class:`_Heartbeat`): a run left ``running`` by a process that will never start again on its host (a container
recreated under another name, a host gone) is found by :func:`fail_stale_runs`, which the service calls at
start-up and whenever runs are read, and the Celery reaper every quarter lease, and is marked failed with the
reason ("interrompue"); cancelling it cancels it at once (:func:`is_stale`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, col, func, select, update

from schemas import RunSettings
from service.crud import lock_consultation, lock_run
from service.erasure import ERASED_REASON
from service.imports import first_names
from service.jobs import JobStatus
from service.jobs.cache import DBEmbeddingCache
from service.models import Contribution, Import, Run, utcnow
from synthesis.embed import embed_unique, get_embedder
from synthesis.errors import SynthesisError
from synthesis.records import AuthorType, RejectedRow
from synthesis.records import Contribution as Record

log = logging.getLogger(__name__)

INTERRUPTED = {
    "code": "interrupted",
    "message": "Le traitement a été interrompu (processus arrêté) ; relancez l'analyse.",
    "details": {"message_en": "The run was interrupted (its process stopped); start it again."},
}


class RunCancelled(Exception):
    """Raised inside a run when its cancellation was requested."""


class RunSuperseded(Exception):
    """Raised inside an execution of a run that another execution finished first (a Celery task delivered again
    while its first worker still ran it): this one stops and leaves the run as the other left it."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = JobStatus(status)


def host_id() -> str:
    """This host's name and, where Linux tells it, its PID namespace: containers may share a hostname
    (``network_mode: host``, one ``hostname:`` for all) but not a PID namespace, within which alone a pid
    names a process. With the hostname alone, an API starting in one container failed the runs of another."""
    try:
        namespace = os.readlink("/proc/self/ns/pid")  # "pid:[4026531836]"
    except OSError:
        return socket.gethostname()
    return f"{socket.gethostname()}/{namespace.removeprefix('pid:[').removesuffix(']')}"


def worker_id() -> str:
    """``<host_id>:<pid>``, the process running a run or holding a lease."""
    return f"{host_id()}:{os.getpid()}"


def _engine(engine: Engine | None) -> Engine:
    if engine is not None:
        return engine
    from service.core.db import get_engine

    return get_engine()


def author_type_of(value: str | None) -> AuthorType:
    """A stored author type as the pipeline's (unknown when it names none)."""
    try:
        return AuthorType(value)
    except ValueError:
        return AuthorType.UNKNOWN


def as_record(c: Contribution, withdrawn: str | None = None) -> Record:
    """The pipeline's record of a stored contribution; ``withdrawn``: why it is excluded (see
    :func:`withdrawn_reason`), over any reason its export gave."""
    author_type = author_type_of(c.author_type)
    return Record(
        contribution_id=c.key,
        source_id=c.source_id,
        question_id=c.question_id,
        question_text=c.question_text,
        text=c.text,
        line=c.line,
        author_ref=c.author_ref,
        author_type=author_type,
        zipcode=c.zipcode,
        created_at=c.submitted_at,
        channel=c.channel,
        excluded=withdrawn or c.excluded,
        extra=dict(c.extra or {}),
    )


def load_inputs(session: Session, consultation_id: int):
    """(records, key->id, rejected rows, rows read, input sha256, id->text version) of a consultation
    as it stands: the versions say which text the run read once a later import changes some. The consultation
    is locked until the caller's transaction ends, so that its contributions and its imports are read as they
    stood at one moment (an import committed in between made the fingerprint name a file whose rows it missed)."""
    lock_consultation(session=session, consultation_id=consultation_id, shared=True)
    rows = session.exec(
        select(Contribution)
        .where(Contribution.consultation_id == consultation_id)
        .order_by(col(Contribution.id))
    ).all()
    imports = session.exec(
        select(Import).where(Import.consultation_id == consultation_id).order_by(col(Import.id))
    ).all()
    files = distinct_files(imports)
    if len({i.sha256 for i in imports}) == 1:  # one file: its own counts make the conservation check exact
        rejected = [_rejected(r) for r in files[0].rejected]
        rows_read, sha = files[0].rows_read, files[0].sha256
    else:  # several files or versions: each file's rejections, each row that gave the consultation contributions
        many = len(files) > 1  # rejected lines say of which file
        rejected = [_rejected(r, imp.filename if many else None) for imp in files for r in imp.rejected]
        # a row is its id in the file that added it: two files may use the same ids (a Decidim process's
        # proposals and comments, in one ZIP too: its file in ``extra``), and a newer export repeats the rows
        # of an older one
        read = {(c.import_id, (c.extra or {}).get("file"), c.source_id) for c in rows}
        rows_read = len(read) + len(rejected)
        sha = hashlib.sha256("\n".join(sorted({i.sha256 for i in imports})).encode()).hexdigest()
    versions = {c.id: c.version for c in rows}
    by_id = {imp.id: imp for imp in imports}
    records = []
    for c in rows:
        gone = (
            ERASED_REASON if c.erasure_id is not None else withdrawn_reason(by_id.get(c.withdrawn_import_id))
        )
        rec = as_record(c, withdrawn := gone)
        # no longer in its export (moderated out, erased on request): counted and excluded with the reason, its
        # text shown by no report or export of the runs after it (the earlier runs keep the one they read; an
        # erasure, service.erasure, leaves no text to read)
        records.append(replace(rec, text="") if withdrawn else rec)
    return records, {c.key: c.id for c in rows}, rejected, rows_read, sha, versions


def withdrawn_reason(imp: Import | None) -> str | None:
    """Why a run excludes a contribution that ``imp``, the whole export of its file (mode replace), no longer held
    (None when no import withdrew it). Like the platforms' own exclusions (corbeille, modération), in French."""
    if imp is None:
        return None
    return f"retirée de l'export du {_utc(imp.created_at):%d/%m/%Y} (« {imp.filename} », import {imp.id})"


def _rejected(row: dict, file: str | None = None) -> RejectedRow:
    """A stored rejected row (its English reason absent from imports made before it was kept), read from
    ``file`` where the run reads several; a row of a ZIP's file names it ("export.zip/a.csv" among others)."""
    member = row.get("file")
    where = f"{file}/{member}" if file and member else member or file
    return RejectedRow(row["line"], row["reason"], row.get("reason_en", ""), where)


def distinct_files(imports: Sequence[Import]) -> list[Import]:
    """``imports`` (in import order) with each file read once: of the imports of one file, only the latest, whose
    rejected rows are the file's as it now stands. One file is what ``service.imports`` takes for one: the same
    bytes (imported again, maybe under another name: the name it was first imported as), or the same name (a
    corrected file, or a newer export of it, which updates the rows it shares with the earlier version). The
    earlier versions' rows stay counted through the contributions they gave."""
    first_name = first_names(imports)
    latest = {first_name[imp.sha256]: imp for imp in imports}
    return [imp for imp in imports if latest[first_name[imp.sha256]] is imp]


class _Progress:
    """Writes stage and progress (throttled) in its own transaction; raises RunCancelled when asked to stop."""

    def __init__(self, engine: Engine, run_id: int, interval: float) -> None:
        self.engine, self.run_id, self.interval = engine, run_id, interval
        self.last, self.stage = 0.0, ""

    def __call__(self, stage: str, fraction: float) -> None:
        from service.jobs.stages import overall_progress

        now = time.monotonic()
        if stage == self.stage and now - self.last < self.interval:
            return
        self.last, self.stage = now, stage
        with Session(self.engine) as s:
            run = s.get(Run, self.run_id)
            if run is None or run.cancel_requested:
                raise RunCancelled()
            if run.status != JobStatus.RUNNING.value:  # finished by another execution, or queued again
                raise RunSuperseded(run.status)
            run.stage, run.progress = stage, overall_progress(stage, fraction)
            run.heartbeat_at = utcnow()
            s.add(run)
            s.commit()


def beat(engine: Engine, run_id: int) -> None:
    """One sign of life of a run this process executes (nothing once the run is no longer ``running``)."""
    with Session(engine) as s:
        s.exec(
            update(Run)
            .where(col(Run.id) == run_id, col(Run.status) == JobStatus.RUNNING.value)
            .values(heartbeat_at=utcnow())
        )
        s.commit()


class _Heartbeat:
    """A daemon thread writing the run's heartbeat every quarter lease while the block runs (a long clustering
    writes no progress for minutes). None on an in-memory SQLite database: it dies with this process, so no
    other process can find the run orphaned, and its one connection is shared with the run's own thread."""

    def __init__(self, engine: Engine, run_id: int, interval: float | None = None) -> None:
        from service.core.config import get_settings

        self.engine, self.run_id = engine, run_id
        self.interval = get_settings().job_lease_s / 4 if interval is None else interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> _Heartbeat:
        if not isinstance(self.engine.pool, StaticPool):
            self._thread = threading.Thread(
                target=self._loop, name=f"run-{self.run_id}-heartbeat", daemon=True
            )
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                beat(self.engine, self.run_id)
            except Exception:  # the database away a moment: the next beat retries; the lease outlives a few
                log.warning("run %s: heartbeat failed", self.run_id, exc_info=True)


def _claim(engine: Engine, run_id: int, resume: bool = False) -> Run | None:
    claimable = (JobStatus.QUEUED.value, JobStatus.RUNNING.value) if resume else (JobStatus.QUEUED.value,)
    with Session(engine) as s:
        # locked until the commit: of two runners given the run (every process of the service re-submits the
        # queued runs at start-up), the second reads it running and leaves it
        run = lock_run(session=s, run_id=run_id)
        if run is None or run.status not in claimable:
            return None
        if run.cancel_requested:
            run.status, run.finished_at = JobStatus.CANCELLED.value, utcnow()
        else:
            run.status, run.worker, run.stage = JobStatus.RUNNING.value, worker_id(), "load"
            run.started_at = run.started_at or utcnow()  # a resumed run keeps its start
            run.heartbeat_at = utcnow()
        s.add(run)
        s.commit()
        s.refresh(run)
        return run if run.status == JobStatus.RUNNING.value else None


def requeue_run(engine: Engine, run_id: int) -> bool:
    """Put back in the queue a run this process executes and will not finish (the service stopping): ``queued``
    as if never started, so that the next start-up submits it again; False when it is no longer this process's
    running run. The execution still under way stops at its next progress step (``RunSuperseded``)."""
    with Session(engine) as s:
        done = s.exec(
            update(Run)
            .where(
                col(Run.id) == run_id,
                col(Run.status) == JobStatus.RUNNING.value,
                col(Run.worker) == worker_id(),
            )
            .values(
                status=JobStatus.QUEUED.value,
                stage=None,
                progress=0.0,
                worker=None,
                started_at=None,
                heartbeat_at=None,
            )
        )
        s.commit()
        return bool(done.rowcount)


def _finish(engine: Engine, run_id: int, status: JobStatus, error: dict | None = None) -> None:
    """End a run still running (one statement: a run another execution finished meanwhile is left as it is)."""
    with Session(engine) as s:
        s.exec(
            update(Run)
            .where(col(Run.id) == run_id, col(Run.status) == JobStatus.RUNNING.value)
            .values(status=status.value, error=error, finished_at=utcnow())
        )
        s.commit()


def execute_run(
    run_id: int, *, engine: Engine | None = None, progress_interval: float = 0.5, resume: bool = False
) -> JobStatus:
    """Do run ``run_id`` from the database; returns its final status (never raises for a run's own failure).

    ``resume`` also takes a run already ``running`` (the Celery runner marks it so while its shards embed)."""
    engine = _engine(engine)
    run = _claim(engine, run_id, resume)
    if run is None:
        return JobStatus.CANCELLED
    try:
        with _Heartbeat(engine, run_id):
            _compute(engine, run, _Progress(engine, run_id, progress_interval))
    except RunCancelled:
        _finish(engine, run_id, JobStatus.CANCELLED)
        return JobStatus.CANCELLED
    except RunSuperseded as exc:
        return exc.status
    except SynthesisError as exc:
        data = exc.to_dict("fr")
        _finish(
            engine,
            run_id,
            JobStatus.FAILED,
            {
                "code": data.pop("code"),
                "message": data.pop("message"),
                "details": {"message_en": exc.message_en, **data},
            },
        )
        return JobStatus.FAILED
    except Exception as exc:  # a bug must fail the run with its reason, not leave it "running"
        _finish(
            engine,
            run_id,
            JobStatus.FAILED,
            {
                "code": "internal_error",
                "message": f"Erreur interne : {exc!r}",
                "details": {"message_en": f"Internal error: {exc!r}", "type": type(exc).__name__},
            },
        )
        return JobStatus.FAILED
    return JobStatus.SUCCEEDED


def _compute(engine: Engine, run: Run, progress: Callable[[str, float], None]) -> None:
    from service.jobs.finish import write_results
    from synthesis.pipeline import run as run_pipeline

    settings = RunSettings.model_validate(run.settings)
    with Session(engine) as s:
        records, key_to_id, rejected, rows_read, sha, versions = load_inputs(s, run.consultation_id)
    embedder = get_embedder(settings.embedder, settings.embedder_model)
    try:
        report = run_pipeline(
            records,
            settings,
            rejected=rejected,
            rows_read=rows_read,
            input_sha256=sha,
            embedder=embedder,
            cache=DBEmbeddingCache(engine),
            progress=progress,
        )
        progress("store", 0.0)
        authors = {key_to_id[r.contribution_id]: r.author_ref for r in records}
        write_results(engine, run.id, report, key_to_id, sha, versions, authors)
    except RunCancelled:
        forget_if_deleted(engine, run.id, [r.text for r in records], embedder.model_id)
        raise


def forget_if_deleted(engine: Engine, run_id: int, texts: list[str], model_id: str) -> None:
    """When the run is gone, its consultation deleted while it embedded (RGPD): delete the vectors it stored
    after the deletion forgot the consultation's (``crud.delete_consultation``), and the k-NN searches."""
    from service.crud import forget_texts

    with Session(engine) as s:
        if s.get(Run, run_id) is None:
            forget_texts(session=s, texts=texts, model_ids={model_id})
            s.commit()


def shard_texts(records: list[Record], shard_index: int, n_shards: int) -> list[str]:
    """The distinct texts the pipeline embeds, shard ``shard_index`` of ``n_shards`` (sorted, split by position)."""
    from synthesis.pipeline import embedded_texts, question_texts

    rows = ((r.question_id, r.text, r.excluded) for r in records)
    return _shard(embedded_texts(rows, question_texts(records)), shard_index, n_shards)


def _shard(distinct: list[str], shard_index: int, n_shards: int) -> list[str]:
    size = -(-len(distinct) // n_shards) if distinct else 0
    return distinct[shard_index * size : (shard_index + 1) * size]


def embed_shard(
    run_id: int,
    shard_index: int,
    n_shards: int,
    *,
    engine: Engine | None = None,
    progress: Callable[[float], None] | None = None,
) -> int:
    """Embed one shard of the run's distinct texts into the stored embeddings; returns the shard's size.

    ``progress`` gets the shard's fraction done (it may raise RunCancelled to stop between batches)."""
    engine = _engine(engine)
    with Session(engine) as s:
        run = s.get(Run, run_id)
        if run is None:
            return 0
        settings = RunSettings.model_validate(run.settings)
        # the texts as they stand once an erasure under way ends (read before, they were embedded and stored
        # again after it forgot them; see service.erasure); readers do not wait for one another on PostgreSQL
        lock_consultation(session=s, consultation_id=run.consultation_id, shared=True)
        # Only the columns the shard needs: every shard of a large consultation reads them all.
        of_consultation = Contribution.consultation_id == run.consultation_id
        columns = (Contribution.question_id, Contribution.text, Contribution.excluded)
        gone_columns = (Contribution.withdrawn_import_id, Contribution.erasure_id)
        stored = s.exec(select(*columns, *gone_columns).where(of_consultation)).all()
        # a withdrawn or erased contribution is excluded (its text never embedded): any reason stands for
        # load_inputs'
        rows = [
            (q, text, "withdrawn" if (gone, erased) != (None, None) else why)
            for q, text, why, gone, erased in stored
        ]
        # each question's text as the run reads it, its first contribution's (not repeated on every row)
        first = (
            select(func.min(Contribution.id)).where(of_consultation).group_by(col(Contribution.question_id))
        )
        question = select(Contribution.question_id, Contribution.question_text)
        texts_of = dict(s.exec(question.where(col(Contribution.id).in_(first))).all())
    from synthesis.pipeline import embedded_texts

    texts = _shard(embedded_texts(rows, texts_of), shard_index, n_shards)
    embedder = get_embedder(settings.embedder, settings.embedder_model)
    try:
        embed_unique(texts, embedder, DBEmbeddingCache(engine), progress=progress)
        if progress is not None:
            progress(1.0)  # a run deleted while the last batch was embedded forgets it here
    except RunCancelled:
        forget_if_deleted(engine, run_id, texts, embedder.model_id)
        raise
    return len(texts)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_interrupted_runs(engine: Engine, *, requeue: bool = True) -> tuple[list[int], list[int]]:
    """At start-up: runs left ``running`` by a dead process of this host are marked failed with the reason;
    ``queued`` runs (lost with the old process's in-memory queue) are returned for re-submission."""
    host = host_id()
    failed, queued = [], []
    with Session(engine) as s:
        for run in s.exec(
            select(Run).where(col(Run.status).in_([JobStatus.RUNNING.value, JobStatus.QUEUED.value]))
        ):
            if run.status == JobStatus.QUEUED.value:
                queued.append(run.id)
                continue
            w_host, _, w_pid = (run.worker or ":").rpartition(":")
            if (
                w_host == host
                and w_pid.isdigit()
                and (int(w_pid) == os.getpid() or not _pid_alive(int(w_pid)))
            ):
                run.status, run.error, run.finished_at = JobStatus.FAILED.value, dict(INTERRUPTED), utcnow()
                s.add(run)
                failed.append(run.id)
        s.commit()
    return failed, (queued if requeue else [])


def stale_error(run: Run, lease_s: float) -> dict:
    """The error of a run whose process stopped giving signs of life: when it last did, which process, the lease."""
    last = _last_sign_of_life(run)
    when = _utc(last).strftime("%Y-%m-%d %H:%M:%S UTC")
    who = run.worker or "?"
    return {
        "code": INTERRUPTED["code"],
        "message": f"Analyse interrompue : son processus ({who}) ne donne plus signe de vie depuis le {when} "
        f"(délai : {lease_s:g} s) ; relancez l'analyse (les textes déjà vectorisés sont réutilisés).",
        "details": {
            "message_en": f"Run interrupted: its process ({who}) has given no sign of life since {when} "
            f"(lease: {lease_s:g} s); start it again (texts already embedded are reused).",
            "worker": who,
            "stage": run.stage,
            "last_heartbeat": _utc(last).isoformat(),
            "lease_s": lease_s,
        },
    }


def _last_sign_of_life(run: Run) -> datetime:
    """Its heartbeat, else its start, else its creation (:func:`fail_stale_runs` reads the same in SQL)."""
    return run.heartbeat_at or run.started_at or run.created_at


def _utc(value: datetime) -> datetime:
    """``value`` in UTC (SQLite gives back the UTC it stored without its offset)."""
    return value.replace(tzinfo=UTC) if value.utcoffset() is None else value.astimezone(UTC)


def is_stale(run: Run, lease_s: float, now: datetime | None = None) -> bool:
    """Whether ``run`` is one that :func:`fail_stale_runs` marks failed: running, no sign of life for ``lease_s``."""
    last = _last_sign_of_life(run)
    return (
        run.status == JobStatus.RUNNING.value
        and not (run.worker or "").startswith("celery:")
        and _utc(last) < (now or utcnow()) - timedelta(seconds=lease_s)
    )


def fail_stale_runs(
    session: Session, lease_s: float, *, consultation_id: int | None = None, now: datetime | None = None
) -> list[int]:
    """Mark failed, with the reason, the runs still ``running`` whose process has given no sign of life for
    ``lease_s`` (its heartbeat, else its start): a process that executes a run beats every quarter lease, so it
    died, or its host or container is gone; the run can be started again. Runs whose embedding Celery shards
    (``worker`` "celery:…", no process of their own yet) are left to the Celery reaper. A process that comes back
    finds its run finished and stores nothing (``RunSuperseded``). Rows another transaction holds (a run storing
    its report, PostgreSQL) are skipped, never waited for. Commits; returns the ids of the runs marked."""
    now = now or utcnow()
    last = func.coalesce(Run.heartbeat_at, Run.started_at, Run.created_at)
    stmt = select(Run).where(
        col(Run.status) == JobStatus.RUNNING.value,
        last < now - timedelta(seconds=lease_s),
        ~func.coalesce(col(Run.worker), "").startswith("celery:"),
    )
    if consultation_id is not None:
        stmt = stmt.where(col(Run.consultation_id) == consultation_id)
    runs = session.exec(stmt.with_for_update(skip_locked=True).order_by(col(Run.id))).all()
    for run in runs:
        run.status, run.error, run.finished_at = JobStatus.FAILED.value, stale_error(run, lease_s), now
        session.add(run)
        log.warning("run %s: no heartbeat from %s for %s s, marked failed", run.id, run.worker, lease_s)
    session.commit()
    return [run.id for run in runs if run.id is not None]
