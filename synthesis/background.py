"""Campaign detection in a worker process while the main process clusters (issue 8).

Campaign detection (``synthesis.duplicates``) needs only a question's texts and vectors, not its themes, and
clustering leaves a core idle most of the time (UMAP's layout and HDBSCAN run on one thread). On a large
consultation the pipeline therefore fits each question's detector in one spawned worker process, question after
question, while it clusters and explains; ``annotate_origin`` then only attaches the fitted groups to the
themes. The detector is the same deterministic code on the same inputs, so the report is identical (tested).

Only one question's texts and vectors are in flight at a time (a feeder thread sends the next question when
the worker returns the previous one), so the parent holds no extra copy of every question's vectors. If the
worker cannot start or dies, :meth:`CampaignJobs.detector` returns None and the caller fits in-process.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

import numpy as np

from schemas import RunSettings
from synthesis.duplicates import CampaignDetector
from synthesis.embed.parallel import START_METHOD, resolve_workers
from synthesis.origin import fit_detector

# Below this many kept contributions in all, starting a worker (~1.5 s on the dev box) costs more than the
# detection it takes off the main process.
MIN_TEXTS = 20_000

QuestionInputs = Callable[[], tuple[list[str], np.ndarray]]


def _init_worker() -> None:
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)  # one core for the worker, the others for the clustering


def wanted(n_texts: int, settings: RunSettings) -> bool:
    """Whether to detect campaigns in a worker: enough texts, and a second core (not in a daemon process)."""
    return n_texts >= MIN_TEXTS and resolve_workers(settings.embed_workers) >= 2


class CampaignJobs:
    """Fit the campaign detector of each question in one worker process, in order, in the background.

    ``questions``: (question id, function returning the question's kept texts and their vectors), in the
    order the caller will ask for them.
    """

    def __init__(self, questions: Sequence[tuple[str, QuestionInputs]], settings: RunSettings) -> None:
        self._settings = settings
        self._results: dict[str, Future[CampaignDetector]] = {qid: Future() for qid, _ in questions}
        self._closed = threading.Event()
        self._pool = ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context(START_METHOD), initializer=_init_worker
        )
        self._feeder = threading.Thread(target=self._feed, args=(list(questions),), daemon=True)
        self._feeder.start()

    def _feed(self, questions: list[tuple[str, QuestionInputs]]) -> None:
        for qid, inputs in questions:
            result = self._results[qid]
            if self._closed.is_set():
                result.cancel()
                continue
            try:
                texts, vectors = inputs()
                result.set_result(self._pool.submit(fit_detector, texts, vectors, self._settings).result())
            except BaseException as exc:  # noqa: BLE001 - handed to the caller, who falls back in-process
                result.set_exception(exc)

    def detector(self, question_id: str) -> CampaignDetector | None:
        """The fitted detector of ``question_id`` (waits for it), or None if the worker failed."""
        result = self._results.get(question_id)
        if result is None:
            return None
        try:
            return result.result()
        except Exception:  # noqa: BLE001 - the worker died or was refused: the caller fits in-process
            return None

    def close(self) -> None:
        """Stop feeding the worker and shut it down (pending questions are cancelled)."""
        self._closed.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._feeder.join()
