"""A question's work that needs only its texts, in a worker process while the main process clusters (issue 8).

The terms of each text, from which the report's keywords and labels are counted
(:func:`synthesis.explain.question_terms`), need only a question's texts; campaign detection
(``synthesis.duplicates``) its texts and vectors; neither needs its themes. Clustering leaves a core idle most
of the time (UMAP's layout and HDBSCAN run on one thread). On a large consultation the pipeline therefore
splits each question's texts into terms, then fits its campaign detector, in one spawned worker process,
question after question, while it clusters; explaining the themes then starts from the terms, and
``annotate_origin`` only attaches the fitted groups to the themes. Both are the same deterministic code on the
same inputs, so the report is identical (tested).

Only one question's texts and vectors are in flight at a time (a feeder thread sends the next question when
the worker returns the previous one), so the parent holds no extra copy of every question's vectors. If the
worker cannot start or dies, :meth:`QuestionJobs.terms` and :meth:`QuestionJobs.detector` return None and the
caller does the work in-process.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

import numpy as np

from schemas import RunSettings
from synthesis.duplicates import CampaignDetector
from synthesis.embed.parallel import START_METHOD, resolve_workers
from synthesis.explain import QuestionTerms, question_terms
from synthesis.origin import fit_detector

# Below this many kept contributions in all, starting a worker (~1.5 s on the dev box) costs more than the
# work it takes off the main process.
MIN_TEXTS = 20_000

QuestionInputs = Callable[[], tuple[list[str], np.ndarray]]


def _init_worker() -> None:
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)  # one core for the worker, the others for the clustering


def wanted(n_texts: int, settings: RunSettings) -> bool:
    """Whether to use a worker: enough texts, and a second core (not in a daemon process)."""
    return n_texts >= MIN_TEXTS and resolve_workers(settings.embed_workers) >= 2


class QuestionJobs:
    """Split the texts of each question into terms, then fit its campaign detector, in one worker process, in
    order, in the background.

    ``questions``: (question id, question text, function returning the question's kept texts and their
    vectors), in the order the caller will ask for them.
    """

    def __init__(self, questions: Sequence[tuple[str, str, QuestionInputs]], settings: RunSettings) -> None:
        self._settings = settings
        self._terms: dict[str, Future[QuestionTerms]] = {qid: Future() for qid, _, _ in questions}
        self._detectors: dict[str, Future[CampaignDetector]] = {qid: Future() for qid, _, _ in questions}
        self._closed = threading.Event()
        self._pool = ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context(START_METHOD), initializer=_init_worker
        )
        self._feeder = threading.Thread(target=self._feed, args=(list(questions),), daemon=True)
        self._feeder.start()

    def _feed(self, questions: list[tuple[str, str, QuestionInputs]]) -> None:
        for qid, question_text, inputs in questions:
            terms, detector = self._terms[qid], self._detectors[qid]
            if self._closed.is_set():
                terms.cancel()
                detector.cancel()
                continue
            try:
                texts, vectors = inputs()
                # the terms first: the report needs them as soon as the question is clustered, the detector
                # only after its report
                terms.set_result(self._pool.submit(question_terms, texts, question_text).result())
                detector.set_result(self._pool.submit(fit_detector, texts, vectors, self._settings).result())
            except BaseException as exc:  # noqa: BLE001 - handed to the caller, who falls back in-process
                for result in (terms, detector):
                    if not result.done():
                        result.set_exception(exc)

    def terms(self, question_id: str) -> QuestionTerms | None:
        """The terms of the texts of ``question_id`` (waits for them), or None if the worker failed."""
        return _wait(self._terms.get(question_id))

    def detector(self, question_id: str) -> CampaignDetector | None:
        """The fitted detector of ``question_id`` (waits for it), or None if the worker failed."""
        return _wait(self._detectors.get(question_id))

    def close(self) -> None:
        """Stop feeding the worker and shut it down (pending questions are cancelled)."""
        self._closed.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._feeder.join()


_Result = TypeVar("_Result")


def _wait(result: Future[_Result] | None) -> _Result | None:
    if result is None:
        return None
    try:
        return result.result()
    except Exception:  # noqa: BLE001 - the worker died or was refused: the caller works in-process
        return None
