"""The work of a run, done from the database alone (so any runner, in-process or Celery, can call it).

``execute_run(run_id)`` does the whole run; ``embed_shard(run_id, i, n)`` embeds one shard of the run's distinct
texts into the stored embeddings (the Celery runner fans shards out, then calls ``execute_run``, which finds every
vector in the cache). The report, themes and assignments are written in one transaction with
``status=succeeded``: a process killed mid-run leaves no half-written report, and
:func:`recover_interrupted_runs` marks such runs failed at the next start-up.
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
from collections.abc import Callable, Sequence

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select, update

from schemas import RunSettings
from service.imports import first_names
from service.jobs import JobStatus
from service.jobs.cache import DBEmbeddingCache
from service.models import Contribution, Import, Run, utcnow
from synthesis.embed import embed_unique, get_embedder
from synthesis.errors import SynthesisError
from synthesis.records import AuthorType, RejectedRow
from synthesis.records import Contribution as Record

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


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


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


def as_record(c: Contribution) -> Record:
    """The pipeline's record of a stored contribution."""
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
        excluded=c.excluded,
        extra=dict(c.extra or {}),
    )


def load_inputs(session: Session, consultation_id: int):
    """(records, key->id, rejected rows, rows read, input sha256, id->text version) of a consultation
    as it stands: the versions say which text the run read once a later import changes some."""
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
    return [as_record(c) for c in rows], {c.key: c.id for c in rows}, rejected, rows_read, sha, versions


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
            if JobStatus(run.status).finished:
                raise RunSuperseded(run.status)
            run.stage, run.progress = stage, overall_progress(stage, fraction)
            s.add(run)
            s.commit()


def _claim(engine: Engine, run_id: int, resume: bool = False) -> Run | None:
    claimable = (JobStatus.QUEUED.value, JobStatus.RUNNING.value) if resume else (JobStatus.QUEUED.value,)
    with Session(engine) as s:
        run = s.get(Run, run_id)
        if run is None or run.status not in claimable:
            return None
        if run.cancel_requested:
            run.status, run.finished_at = JobStatus.CANCELLED.value, utcnow()
        else:
            run.status, run.worker, run.stage = JobStatus.RUNNING.value, worker_id(), "load"
            run.started_at = run.started_at or utcnow()  # a resumed run keeps its start
        s.add(run)
        s.commit()
        s.refresh(run)
        return run if run.status == JobStatus.RUNNING.value else None


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
        write_results(engine, run.id, report, key_to_id, sha, versions)
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
        # Only the columns the shard needs: every shard of a large consultation reads them all.
        of_consultation = Contribution.consultation_id == run.consultation_id
        rows = s.exec(
            select(Contribution.question_id, Contribution.text, Contribution.excluded).where(of_consultation)
        ).all()
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
    host = socket.gethostname()
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
