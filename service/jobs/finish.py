"""The last step of a run: report, themes, assignments, flags and ``succeeded`` in one transaction."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from schemas import Report
from service.crud import lock_run
from service.jobs import JobStatus
from service.models import utcnow
from service.report_store import store_rows
from synthesis.report import render_json


def write_results(
    engine: Engine,
    run_id: int,
    report: Report,
    key_to_id: dict[str, int],
    sha: str,
    versions: dict[int, int] | None = None,
    authors: dict[int, str | None] | None = None,
) -> None:
    """Commit everything or nothing; a cancellation that arrived meanwhile wins (nothing is stored).
    ``versions`` (contribution id -> text version read) and ``authors`` (contribution id -> author read) are kept
    on each assignment."""
    from service.jobs.tasks import RunCancelled, RunSuperseded

    with Session(engine) as s:
        # the row locked until the commit (SQLite included): two executions of the run never both store
        run = lock_run(session=s, run_id=run_id)
        if run is None or run.cancel_requested:
            raise RunCancelled()
        if run.status != JobStatus.RUNNING.value:
            raise RunSuperseded(run.status)
        store_rows(s, run_id, report, key_to_id, versions, authors)
        run.report = render_json(report)
        run.input_sha256 = sha
        if run.carry_review_from is not None:
            from service.review.carry import carry_review

            s.flush()
            carry_review(s, run, report, key_to_id)
        run.status, run.stage, run.progress, run.finished_at = (
            JobStatus.SUCCEEDED.value,
            "done",
            1.0,
            utcnow(),
        )
        s.add(run)
        s.commit()
