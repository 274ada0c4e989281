"""A question's work that needs only its texts, in a worker process while the main process clusters (issue 8).

The terms of each text, from which the report's keywords and labels are counted
(:func:`synthesis.vocabulary.question_terms`), need only a question's texts; campaign detection
(``synthesis.duplicates``) its texts and vectors; neither needs its themes. Clustering leaves a core idle most
of the time (UMAP's layout and HDBSCAN run on one thread). On a large consultation the pipeline therefore
splits the texts of each question into terms, then fits the campaign detector of each, in one spawned worker
process, in the order of the questions, while it clusters; explaining a question's themes then starts from its
terms, and ``annotate_origin``, once every question is explained, only attaches the fitted groups to the
themes. Both are the same deterministic code on the same inputs, so the report is identical (tested). The
detectors are fitted by a fresh worker, which exits as soon as the last one is fitted.

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
from functools import partial
from typing import Any, TypeVar

import numpy as np

from schemas import RunSettings
from synthesis.campaigns import fit_detector
from synthesis.duplicates import CampaignDetector
from synthesis.embed.parallel import START_METHOD, resolve_workers
from synthesis.vocabulary import QuestionTerms, question_terms

# Below this many kept contributions in all, starting a worker (~1.5 s on the dev box) costs more than the
# work it takes off the main process.
MIN_TEXTS = 20_000

QuestionTexts = Callable[[], list[str]]
QuestionInputs = Callable[[], tuple[list[str], np.ndarray]]


def _init_worker() -> None:
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)  # one core for the worker, the others for the clustering


def wanted(n_texts: int, settings: RunSettings) -> bool:
    """Whether to use a worker: enough texts, and a second core (not in a daemon process)."""
    return n_texts >= MIN_TEXTS and resolve_workers(settings.embed_workers) >= 2


class QuestionJobs:
    """Split the texts of each question into terms, then fit the campaign detector of each, in one worker
    process, in the background.

    ``questions``: (question id, question text, function returning the question's kept texts, function
    returning them and their vectors), in the order the caller will ask for them (the terms need no vectors).
    """

    def __init__(
        self, questions: Sequence[tuple[str, str, QuestionTexts, QuestionInputs]], settings: RunSettings
    ) -> None:
        self._settings = settings
        self._terms: dict[str, Future[QuestionTerms]] = {qid: Future() for qid, *_ in questions}
        self._detectors: dict[str, Future[CampaignDetector]] = {qid: Future() for qid, *_ in questions}
        self._closed = threading.Event()
        # after the terms of every question, a fresh worker fits the detectors: the lemma table and word lists
        # that the terms needed go back (the all-process peak of a 100k re-run: 1,840-1,967 -> 1,790 MiB)
        self._pool = ProcessPoolExecutor(
            1,
            mp_context=multiprocessing.get_context(START_METHOD),
            initializer=_init_worker,
            max_tasks_per_child=max(1, len(questions)),
        )
        self._feeder = threading.Thread(target=self._feed, args=(list(questions),), daemon=True)
        self._feeder.start()

    def _feed(self, questions: list[tuple[str, str, QuestionTexts, QuestionInputs]]) -> None:
        # the terms of every question first: the report needs each as soon as its question is clustered, the
        # detectors only once every question is explained
        try:
            for qid, question_text, texts, _ in questions:
                self._run(self._terms[qid], question_terms, partial(_texts_and, texts, question_text))
            for qid, _, _, inputs in questions:
                self._run(
                    self._detectors[qid], fit_detector, partial(_texts_vectors_and, inputs, self._settings)
                )
        finally:
            # every question done: the worker's memory goes back now, not once the last question is explained
            # (only this thread shuts the pool down while it runs: two threads at once close its queues twice)
            self._pool.shutdown(wait=True)

    def _run(
        self, result: Future[Any], function: Callable[..., Any], arguments: Callable[[], tuple[Any, ...]]
    ) -> None:
        """``function(*arguments())`` in the worker, into ``result`` (cancelled once closed)."""
        if self._closed.is_set():
            result.cancel()
            return
        try:
            result.set_result(self._pool.submit(function, *arguments()).result())
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, who falls back in-process
            result.set_exception(exc)

    def terms(self, question_id: str) -> QuestionTerms | None:
        """The terms of the texts of ``question_id`` (waits for them), or None if the worker failed."""
        return _wait(self._terms.get(question_id))

    def detector(self, question_id: str) -> CampaignDetector | None:
        """The fitted detector of ``question_id`` (waits for it), or None if the worker failed."""
        return _wait(self._detectors.get(question_id))

    def close(self) -> None:
        """Stop feeding the worker (pending questions are cancelled) and wait until it is shut down (after the
        job it is running, if any)."""
        self._closed.set()
        self._feeder.join()


def _texts_and(texts: QuestionTexts, question_text: str) -> tuple[list[str], str]:
    return texts(), question_text


def _texts_vectors_and(
    inputs: QuestionInputs, settings: RunSettings
) -> tuple[list[str], np.ndarray, RunSettings]:
    texts, vectors = inputs()
    return texts, vectors, settings


_Result = TypeVar("_Result")


def _wait(result: Future[_Result] | None) -> _Result | None:
    if result is None:
        return None
    try:
        return result.result()
    except Exception:  # noqa: BLE001 - the worker died or was refused: the caller works in-process
        return None
