"""The default runner: one daemon thread drains a queue of run ids in this process (no extra service).

``drain()`` is the burst mode (run every queued job in the calling thread, then return) used by tests.
A graceful stop (the service stopped or restarted: SIGTERM, Ctrl-C) that the run under way does not outlast
puts that run back in the queue (``queued``): the next start-up submits it again (texts already embedded are
reused), instead of its failing as an interrupted run.
"""

from __future__ import annotations

import logging
import queue
import threading

from sqlalchemy.engine import Engine

from service.jobs.tasks import execute_run, requeue_run

log = logging.getLogger(__name__)


class InProcessRunner:
    def __init__(self, engine: Engine, *, progress_interval: float = 0.5) -> None:
        self.engine = engine
        self.progress_interval = progress_interval
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._current: int | None = None  # the run the thread executes

    def submit(self, run_id: int) -> None:
        self._queue.put(run_id)

    def start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._loop, name="synthese-runner", daemon=True)
            self._thread.start()

    def stop(self, timeout: float | None = 5.0) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout)
            current = self._current
            if self._thread.is_alive() and current is not None and requeue_run(self.engine, current):
                log.warning(
                    "run %s: the service stopped during it; queued again for the next start-up", current
                )
        self._thread = None

    def _loop(self) -> None:
        while True:
            run_id = self._queue.get()
            if run_id is None:
                return
            self._current = run_id
            try:
                execute_run(run_id, engine=self.engine, progress_interval=self.progress_interval)
            except Exception:  # execute_run records failures itself; this only guards the thread
                log.exception("run %s crashed the runner loop", run_id)
            finally:
                self._current = None

    def drain(self) -> int:
        """Burst mode: execute queued runs in this thread until the queue is empty; returns how many ran."""
        done = 0
        while True:
            try:
                run_id = self._queue.get_nowait()
            except queue.Empty:
                return done
            if run_id is None:
                continue
            execute_run(run_id, engine=self.engine, progress_interval=0.0)
            done += 1
