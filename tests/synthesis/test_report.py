"""The report of one question (synthesis.report): themes a reader cannot tell apart are one theme."""

import numpy as np

from schemas import RunSettings
from synthesis.cluster import ClusterResult
from synthesis.noise import NOISE, theme_centres
from synthesis.records import Contribution
from synthesis.report import QuestionInput, build_question_report
from tests.utils.fake_embedder import HashEmbedder

QUESTION = "Pour quelles missions de l'État seriez-vous prêt à payer plus d'impôts ?"


def question(texts: list[str], labels: list[int], sublabels: list[int] | None = None) -> QuestionInput:
    items = [Contribution(f"c{i}", f"s{i}", "q", QUESTION, t) for i, t in enumerate(texts)]
    vectors = HashEmbedder().embed(texts)
    lab = np.array(labels)
    k = int(lab.max()) + 1
    centres = theme_centres(vectors, lab, k)
    n = len(texts)
    result = ClusterResult(
        labels=lab,
        strengths=np.where(lab == NOISE, 0.0, 1.0),
        # theme 0 has two sub-themes unless told
        sublabels=np.where(lab == 0, np.arange(n) % 2, NOISE) if sublabels is None else np.array(sublabels),
        reduced=np.zeros((n, 2)),
        assigned=np.zeros(n, bool),
        centres=centres,
        thresholds=np.array([(vectors[lab == t] @ centres[t]).min() for t in range(k)]),
        noise_codes=np.array(["isolated" if x == NOISE else "" for x in labels], dtype=object),
        second=np.full(n, NOISE),
        params={"joined_themes": 0},
    )
    return QuestionInput("q", QUESTION, items, items, vectors, result, {id(c): None for c in items})


def test_themes_whose_labels_name_the_same_words_are_one_theme():
    # the sample consultation: the encoder set "Education, santé" and "Santé, éducation" apart (19 answers
    # each), and no keyword of their own told the two themes apart: both read "éducation · santé"
    texts = ["Education, santé", "l'éducation, la santé", "Éducation et santé", "Education santé"]
    texts += ["Santé, éducation", "Santé et éducation", "la santé, l'éducation", "Santé - éducation"]
    texts += ["la défense nationale", "défense et armée", "l'armée, la défense", "Défense nationale"]
    texts += ["les impôts des riches"]
    report = build_question_report(question(texts, [0] * 4 + [1] * 4 + [2] * 4 + [NOISE]), RunSettings())
    assert [(c.label, len(c.members), len(c.subclusters)) for c in report.clusters] == [
        ("éducation · santé", 8, 0),  # numbered by size; its parts, alike, are not sub-themes
        ("défense nationale · armée", 4, 0),
    ]
    assert report.method["joined_themes"] == 1
    assert report.clusters[0].cluster_id == "q-0"
    assert [n.contribution_id for n in report.noise] == ["c12"]  # the rest of the question as it was
    assert report.noise[0].closest_cluster_id in {"q-0", "q-1"}


def test_themes_whose_labels_differ_stay_apart():
    texts = ["Education, santé, recherche", "éducation santé recherche", "Recherche, éducation, santé"]
    texts += ["Santé, éducation, culture", "santé éducation culture", "Culture, santé, éducation"]
    report = build_question_report(question(texts, [0] * 3 + [1] * 3), RunSettings())
    assert len(report.clusters) == 2 and report.method["joined_themes"] == 0


def test_sibling_sub_themes_whose_labels_name_the_same_words_are_one_sub_theme():
    # the sample's "produits nécessité · tva" sub-themes of 51 and 17 answers, side by side
    texts = ["Education, santé", "l'éducation, la santé", "Éducation et santé"]
    texts += ["Santé, éducation", "Santé et éducation", "la santé, l'éducation"]
    texts += ["la défense nationale", "défense nationale et armée", "l'armée, la défense nationale"]
    report = build_question_report(question(texts, [0] * 9, [2] * 3 + [0] * 3 + [1] * 3), RunSettings())
    subs = report.clusters[0].subclusters
    assert [(s.cluster_id, s.label, len(s.members)) for s in subs] == [
        ("q-0.0", "éducation · santé", 6),  # numbered by size again
        ("q-0.1", "défense nationale · armée", 3),
    ]
