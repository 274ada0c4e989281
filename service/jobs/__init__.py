"""Background runs: the job status, the runner seam, and the runner chosen from the settings.

The in-process runner (a thread draining a queue; ``drain()`` is the burst mode used by tests) is the default.
When ``BROKER_URL`` is set, ``get_runner`` returns the Celery runner of ``service.jobs.celery_app`` (written
by the Celery session), whose tasks call the same :func:`service.jobs.tasks.execute_run` and
:func:`service.jobs.tasks.embed_shard`. Payloads are run ids only (JSON), never pickles (rule 18).
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from service.core.config import Settings


class JobStatus(str, Enum):  # noqa: UP042 - house rule 18 (arq), JSON-friendly values
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class Runner(Protocol):
    """What the API needs of a job runner."""

    def submit(self, run_id: int) -> None:
        """Queue the run (already stored with status ``queued``)."""
        ...

    def start(self) -> None:
        """Start consuming (start-up hook; loads nothing heavy before the first job)."""
        ...

    def stop(self) -> None: ...


def make_runner(settings: Settings, engine: Engine) -> Runner:
    """The in-process runner, or the Celery one when ``settings.broker_url`` is set."""
    if settings.broker_url:
        from service.jobs.celery_app import CeleryRunner  # type: ignore[import-not-found]

        return CeleryRunner(settings)
    from service.jobs.inprocess import InProcessRunner

    return InProcessRunner(engine)
