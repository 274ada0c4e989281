"""run(contributions, settings) -> Report: the whole synthesis, with progress callbacks and timings."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial, wraps
from typing import ParamSpec, TypeVar

import numpy as np

from schemas import ContributionOut, Counts, EmbedderInfo, QuestionReport, Report, RunManifest, RunSettings
from schemas.report import ChoiceCount, RejectedRowOut
from synthesis import background, prepare
from synthesis.campaigns import campaign_texts, copies_across_questions
from synthesis.closed import OptionCount, choice_tally
from synthesis.cluster import ClusterResult, cluster_embeddings
from synthesis.embed import Embedder, EmbeddingCache, embed_unique, get_embedder
from synthesis.embed.parallel import resolve_workers
from synthesis.labels import answer_words
from synthesis.neighbours import KnnStore
from synthesis.origin import annotate_consultation, annotate_origin
from synthesis.records import Contribution, RejectedRow
from synthesis.reduction import preload_libraries
from synthesis.report import QuestionInput, build_question_report, library_versions

Progress = Callable[[str, float], None]

# Share of the progress bar given to each stage (embedding dominates on real data).
STAGE_WEIGHTS = {"prepare": 0.02, "embed": 0.6, "cluster": 0.3, "report": 0.08}


@dataclass
class _Timer:
    timings: dict[str, float]

    def stage(self, name: str, start: float) -> float:
        now = time.perf_counter()
        self.timings[name] = round(self.timings.get(name, 0.0) + now - start, 4)
        return now


def group_by_question(contributions: Sequence[Contribution]) -> dict[str, list[Contribution]]:
    """Contributions per question id, questions in order of first appearance."""
    groups: dict[str, list[Contribution]] = {}
    for c in contributions:
        groups.setdefault(c.question_id, []).append(c)
    return groups


def question_texts(contributions: Iterable[Contribution]) -> dict[str, str]:
    """Each question id's text as :func:`run` reads it: its first contribution's."""
    texts: dict[str, str] = {}
    for c in contributions:
        texts.setdefault(c.question_id, c.question_text)
    return texts


def question_exclusions(
    answers: Sequence[tuple[str, str | None]], question_text: str = ""
) -> tuple[list[str | None], list[OptionCount] | None]:
    """Why each of one question's (text, import exclusion) answers is kept out of clustering (None: it is
    clustered), and the question's option counts when it is closed (:mod:`synthesis.closed`, judged on the
    answers with some content): there "Oui" and "Non" are answers, not non-answers. "Aucune" is an answer
    where it answers ``question_text`` (:func:`synthesis.prepare.answered_by_none`: "Quels impôts... ?")."""
    none_is_answer = prepare.answered_by_none(question_text)
    of_text: dict[str, str | None] = {}  # each distinct text judged once: a consultation repeats its answers
    for t, excluded in answers:
        if not excluded and t not in of_text:
            of_text[t] = prepare.exclusion_reason(t, none_is_answer=none_is_answer)
    reasons = [prepare.IMPORT_EXCLUDED if excluded else of_text[t] for t, excluded in answers]
    tally = choice_tally(
        [t for (t, _), r in zip(answers, reasons, strict=True) if r in (None, prepare.NON_ANSWER)]
    )
    if tally is not None:
        reasons = [None if r == prepare.NON_ANSWER else r for r in reasons]
    return reasons, tally


def embedded_texts(
    rows: Iterable[tuple[str, str, str | None]], question_texts: Mapping[str, str]
) -> list[str]:
    """Sorted distinct texts that :func:`run` embeds for (question id, text, import exclusion) rows, given each
    question's text: the usable texts (closed questions keep their "Oui" and "Non"), e-mails and phone numbers
    cut out, normalised, each copy in its :func:`~synthesis.prepare.embedding_forms` form. The service embeds
    them ahead of a run, in shards."""
    by_question: dict[str, list[tuple[str, str | None]]] = {}
    for question_id, text, excluded in rows:
        by_question.setdefault(question_id, []).append((prepare.mask_pii(text), excluded))
    usable = []
    for question_id, answers in by_question.items():
        reasons, _ = question_exclusions(answers, question_texts.get(question_id, ""))
        usable += [prepare.normalise_text(t) for (t, _), r in zip(answers, reasons, strict=True) if r is None]
    return sorted(set(prepare.embedding_forms(usable)))


def masked(contributions: Sequence[Contribution]) -> list[Contribution]:
    """``contributions`` with their e-mail addresses and phone numbers cut out (:func:`prepare.mask_pii`): the
    texts that the run analyses and its report shows, quotes included."""
    out = []
    for c in contributions:
        text = prepare.mask_pii(c.text)
        out.append(c if text == c.text else replace(c, text=text))
    return out


_P = ParamSpec("_P")
_R = TypeVar("_R")

#: The cyclic garbage collector's thresholds during a run (Python's defaults: 700, 10, 10). A run allocates
#: millions of objects that live until its report is written (records, vectors' lists, the report's models),
#: few of them in reference cycles: at the default, every 700 allocations start a collection and the older
#: generations are walked again and again (3.4 s of the 100,000-contribution run's 28 s, see BENCHMARKS.md).
RUN_GC_THRESHOLDS = (50_000, 50, 1_000)


def collecting_less(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """``fn`` run with :data:`RUN_GC_THRESHOLDS`, the process's thresholds restored after it (they are the
    process's: a run alongside, in a service thread, collects less often too while this one lasts)."""

    @wraps(fn)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        before = gc.get_threshold()
        gc.set_threshold(*RUN_GC_THRESHOLDS)
        try:
            return fn(*args, **kwargs)
        finally:
            gc.set_threshold(*before)

    return wrapper


@collecting_less
def run(
    contributions: Sequence[Contribution],
    settings: RunSettings | None = None,
    *,
    rejected: Sequence[RejectedRow] = (),
    rows_read: int | None = None,
    input_sha256: str = "",
    embedder: Embedder | None = None,
    cache: EmbeddingCache | None = None,
    progress: Progress | None = None,
) -> Report:
    """Synthesise ``contributions`` into a :class:`schemas.Report`.

    Every contribution ends up in exactly one of: a theme's members, the question's ``noise``, or its
    ``excluded`` list (with a reason). Same input and settings give the same report (timings aside). A
    closed question's options are also counted (``choices``, :mod:`synthesis.closed`).
    """
    settings = settings or RunSettings()
    contributions = masked(contributions)
    report_progress = progress or (lambda stage, fraction: None)
    timer = _Timer({})
    t = time.perf_counter()
    embedder = embedder or get_embedder(settings.embedder, settings.embedder_model)

    groups = group_by_question(contributions)
    exclusions: dict[int, str | None] = {}
    tallies = {}  # the closed questions' option counts (synthesis.closed)
    for qid, items in groups.items():
        reasons, tally = question_exclusions([(c.text, c.excluded) for c in items], items[0].question_text)
        exclusions.update(zip(map(id, items), reasons, strict=True))
        if tally is not None:
            tallies[qid] = tally
    usable = [c for c in contributions if exclusions[id(c)] is None]
    norm = prepare.embedding_forms([prepare.normalise_text(c.text) for c in usable])
    report_progress("prepare", 1.0)
    t = timer.stage("prepare", t)

    workers = resolve_workers(settings.embed_workers)
    # With embedding processes at work, this one would only wait: it imports the clustering libraries.
    preloading = preload_libraries() if workers > 1 else None
    vectors = embed_unique(
        norm, embedder, cache, progress=lambda f: report_progress("embed", f), workers=workers
    )
    row_of = {id(c): i for i, c in enumerate(usable)}
    t = timer.stage("embed", t)
    if preloading is not None:
        preloading.join()  # what is left of the import counts as clustering time
        t = timer.stage("cluster", t)

    kept_of = {qid: [c for c in items if exclusions[id(c)] is None] for qid, items in groups.items()}

    def inputs(qid: str) -> tuple[list[Contribution], np.ndarray]:
        kept = kept_of[qid]
        return kept, vectors[[row_of[id(c)] for c in kept]].reshape(len(kept), embedder.dimension)

    def texts_of(qid: str) -> list[str]:
        return [c.text for c in kept_of[qid]]

    def detection_inputs(qid: str) -> tuple[list[str], np.ndarray]:
        return campaign_texts(kept_of[qid]), inputs(qid)[1]

    jobs = None
    if background.wanted(len(usable), settings):
        jobs = background.QuestionJobs(
            [
                (q, items[0].question_text, partial(texts_of, q), partial(detection_inputs, q))
                for q, items in groups.items()
            ],
            settings,
        )
    questions = []
    knn_store = cache if isinstance(cache, KnnStore) else None  # the embedding cache keeps k-NN searches too
    try:
        for qi, (qid, items) in enumerate(groups.items()):
            kept, X = inputs(qid)
            questions.append(_question(items, kept, X, exclusions, settings, timer, jobs, knn_store))
            questions[-1].choices = [ChoiceCount(**vars(o)) for o in tallies.get(qid, [])]
            report_progress("cluster", (qi + 1) / len(groups))
        # origin flags once every question is explained: a worker fits the campaign detectors after splitting
        # every question's texts into terms (synthesis.background)
        t = time.perf_counter()
        across = copies_across_questions(kept_of, settings)  # one campaign spread over several questions
        for question, (qid, items) in zip(questions, groups.items(), strict=True):
            kept, X = inputs(qid)
            detector = jobs.detector(qid) if jobs is not None else None
            annotate_origin(question, items, kept, X, settings, detector, across)
        timer.stage("origin", t)
    finally:
        if jobs is not None:
            jobs.close()

    manifest = _manifest(
        contributions, questions, settings, embedder, rejected, rows_read, input_sha256, timer
    )
    report_progress("report", 1.0)
    report = Report(
        manifest=manifest,
        rejected=[
            RejectedRowOut(line=r.line, reason=r.reason, reason_en=r.reason_en, file=r.file) for r in rejected
        ],
        questions=questions,
        contributions=[_contribution_out(c) for c in contributions],
    )
    annotate_consultation(report, contributions, settings, across=across)  # issue 5: bursts, participation…
    return report


def cluster_question(
    X: np.ndarray,
    settings: RunSettings,
    knn_store: KnnStore | None = None,
    texts: Sequence[str] | None = None,
) -> ClusterResult:
    """:func:`synthesis.cluster.cluster_embeddings` of one question's vectors with the run's settings
    (``knn_store``: where its k-NN searches are kept for later runs; ``texts``: the texts of the vectors, so
    that short answers saying the same words are in one theme, "non classées" included)."""
    return cluster_embeddings(
        X,
        n_components=settings.n_components,
        n_neighbors=settings.n_neighbors,
        min_cluster_size=settings.min_cluster_size,
        min_samples=settings.min_samples,
        cluster_selection_method=settings.cluster_selection_method,
        subclusters=settings.subclusters,
        max_themes=settings.max_themes,
        noise_policy_on=settings.noise_policy,
        n_epochs=settings.umap_epochs,
        random_state=settings.random_state,
        max_fit=settings.fit_max,
        knn_store=knn_store,
        answer_keys=None if texts is None else [answer_words(t) for t in texts],
    )


def _question(
    items: Sequence[Contribution],
    kept: Sequence[Contribution],
    X: np.ndarray,
    exclusions: dict[int, str | None],
    settings: RunSettings,
    timer: _Timer,
    jobs: background.QuestionJobs | None = None,
    knn_store: KnnStore | None = None,
) -> QuestionReport:
    """Cluster and explain one question (``kept`` are the rows of ``X``); the terms of its texts are taken from
    ``jobs`` when they were split in the background."""
    t = time.perf_counter()
    question_id = items[0].question_id
    result = cluster_question(X, settings, knn_store, [c.text for c in kept])
    t = timer.stage("cluster", t)
    terms = jobs.terms(question_id) if jobs is not None else None
    q_input = QuestionInput(question_id, items[0].question_text, items, kept, X, result, exclusions, terms)
    question = build_question_report(q_input, settings)
    timer.stage("report", t)
    return question


def _manifest(
    contributions: Sequence[Contribution],
    questions: Sequence[QuestionReport],
    settings: RunSettings,
    embedder: Embedder,
    rejected: Sequence[RejectedRow],
    rows_read: int | None,
    input_sha256: str,
    timer: _Timer,
) -> RunManifest:
    """Counts, settings, model, versions, seed and timings of the run."""
    counts = Counts(
        rows_read=rows_read
        if rows_read is not None
        else len({c.source_id for c in contributions}) + len(rejected),
        rejected=len(rejected),
        contributions=len(contributions),
        excluded=sum(len(q.excluded) for q in questions),
        clustered=sum(sum(cl.size for cl in q.clusters) for q in questions),
        noise=sum(len(q.noise) for q in questions),
    )
    exclusion_counts: dict[str, int] = {}
    for q in questions:
        for e in q.excluded:
            exclusion_counts[e.reason_code] = exclusion_counts.get(e.reason_code, 0) + 1
    return RunManifest(
        input_sha256=input_sha256,
        settings=settings.model_dump(),
        embedder=EmbedderInfo(
            name=embedder.name,
            model_id=embedder.model_id,
            version=embedder.version,
            dimension=embedder.dimension,
        ),
        versions=library_versions(),
        seed=settings.random_state,
        counts=counts,
        timings=timer.timings,
        exclusion_counts=dict(sorted(exclusion_counts.items())),
    )


def _contribution_out(c: Contribution) -> ContributionOut:
    """The text and metadata the readable report shows for one contribution (issue 7)."""
    return ContributionOut(
        contribution_id=c.contribution_id,
        source_id=c.source_id,
        question_id=c.question_id,
        text=c.text,
        author_type=c.author_type.value if c.author_type else None,
        zipcode=c.zipcode,
        created_at=c.created_at,
        channel=c.channel,
    )
