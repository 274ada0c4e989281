"""Answers repeated or written differently (issue 4): one vector per answer, a theme for the much-repeated ones.

Four rules, measured one after the other on the themes a reader sees:

- **copies in one form** (``synthesis.prepare.embedding_forms``): texts that differ only in case, accents or
  punctuation ("TVA" / "tva", "Impôt sur le revenu" / "impot sur le revenu") get one vector, so they are one
  point of the clustering as exact copies are. Otherwise the encoder splits them into two themes with one
  label;
- **repeated-text themes** (``synthesis.themes.repeated_text_themes``): a text copied at least
  ``min_cluster_size`` times that no theme took in is a theme of its own, not "non classée";
- **capitals lowered** (``synthesis.prepare.lowered_if_shouted``): a text written mostly in capitals is
  embedded in lower case; the encoder grouped such texts whatever they said;
- **same answers joined** (``synthesis.themes.same_answer_themes``): short answers saying the same words,
  articles and "et" aside ("Impôts locaux" and "Les impôts locaux."), are in the theme holding most of them, "non
  classées" included.

For the 9 Grand Débat questions (``GD_PER_QUESTION_REPEATED`` answers each, seed 0), the three questions of
the sample consultation (``sample_consultations/``) and three other labelled sets, default settings, seed 0,
counted over all questions: themes; themes whose label names the same words as another theme's of the
question, in any order (labels from
``explain_themes`` without the question's text, before ``distinguish_labels`` tells such themes apart by a
keyword of their own); themes of which most members are written in capitals; contributions left "non
classées", how many of them are copies of an answer given at least ``min_cluster_size`` times (the largest
such group in brackets), and how many say the words of members of a theme (``synthesis.labels.answer_words``).
"Before" is none of the rules (each written form embedded as written, no repeated-text themes): the behaviour
before the seventh round.

Run: ``.venv/bin/python bench/repeated.py [--no-write]``; writes ``## Repeated answers`` in BENCHMARKS.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np
from common import (
    ROOT,
    LabelledSet,
    bench_arguments,
    embedding_cache,
    grand_debat_per_question,
    load_sets,
    machine,
    publish,
)

import synthesis.cluster as cluster
import synthesis.explain as explain
from schemas import RunSettings
from synthesis import prepare
from synthesis.embed import embed_unique, get_embedder
from synthesis.ingest import iter_file
from synthesis.labels import answer_words
from synthesis.pipeline import cluster_question
from synthesis.records import Contribution

GD_PER_QUESTION_REPEATED = 5000
OTHER_SETS = ["rn-arguments/section_subtitle", "rn-proposals/section_subtitle", "decidim-comments/debate"]
SAMPLE = ROOT / "sample_consultations" / "granddebat_fiscalite_sample.csv"


def _no_repeated_themes(labels: np.ndarray, weights: np.ndarray, min_cluster_size: int) -> np.ndarray:
    return np.zeros(0, np.int64)


def _as_written(texts: list[str]) -> list[str]:
    return texts


def _copies_only(texts: list[str]) -> list[str]:
    return prepare.embedding_forms(texts, lower_shouted=False)


MODES: dict[str, tuple[Callable[[list[str]], list[str]], bool, bool]] = {
    "before (each written form, no repeated-text themes)": (_as_written, False, False),
    "copies in one form": (_copies_only, False, False),
    "+ repeated-text themes": (_copies_only, True, False),
    "+ capitals lowered": (prepare.embedding_forms, True, False),
    "+ same answers joined (default)": (prepare.embedding_forms, True, True),
}


def shouted(text: str) -> bool:
    return prepare.lowered_if_shouted(text) != text


def sample_questions() -> list[LabelledSet]:
    """The usable answers of each question of the sample consultation (unlabelled)."""
    by_question: dict[str, list[str]] = {}
    for item in iter_file(SAMPLE, format="granddebat", secret=b"bench"):
        if (
            isinstance(item, Contribution)
            and not item.excluded
            and prepare.exclusion_reason(item.text) is None
        ):
            by_question.setdefault(item.question_id, []).append(prepare.normalise_text(item.text))
    return [LabelledSet(f"sample/{q}", t, np.zeros(len(t)), "") for q, t in by_question.items()]


def sets() -> list[LabelledSet]:
    per_question = grand_debat_per_question(GD_PER_QUESTION_REPEATED)
    return per_question + sample_questions() + load_sets(OTHER_SETS)


def count(texts: list[str], vectors: np.ndarray, same_answers: bool) -> list[int]:
    """Themes, themes sharing their label, themes mostly in capitals, noise, noise copies of a much-repeated
    answer, the largest such group, noise saying what members of a theme say (``same_answers``: the run is
    given the texts, so that such noise joins the theme, :func:`synthesis.themes.same_answer_themes`)."""
    result = cluster_question(vectors, RunSettings(), texts=texts if same_answers else None)
    labels, mcs = result.labels, int(result.params["min_cluster_size"])  # type: ignore[call-overload]
    distinguish, explain.distinguish_labels = explain.distinguish_labels, lambda themes: None
    try:  # labels as the keywords make them: two themes with one label are two themes about one thing
        themes = explain.explain_themes(texts, vectors, labels)
    finally:
        explain.distinguish_labels = distinguish
    named = Counter(frozenset(t.label.replace(" · ", " ").split()) for t in themes.values())
    shared = sum(n for n in named.values() if n > 1)
    in_capitals = np.array([shouted(t) for t in texts])
    capitals = sum(in_capitals[labels == k].mean() > 0.5 for k in themes)
    copies = Counter(prepare.dedup_key(t) for t in texts)
    repeated = Counter(prepare.dedup_key(t) for t, k in zip(texts, labels, strict=True) if k < 0)
    repeated = Counter({key: n for key, n in repeated.items() if copies[key] >= mcs})
    largest = max(repeated.values(), default=0)
    words = [answer_words(t) for t in texts]
    said = {w for w, k in zip(words, labels, strict=True) if k >= 0 and w is not None}
    same = sum(k < 0 and w in said for w, k in zip(words, labels, strict=True))
    return [
        len(themes),
        shared,
        int(capitals),
        int((labels < 0).sum()),
        sum(repeated.values()),
        largest,
        same,
    ]


def main() -> None:
    args = bench_arguments(__doc__)
    embedder = get_embedder("use-multilingual")
    cache = embedding_cache()
    totals = {mode: np.zeros(8) for mode in MODES}
    try:
        for s in sets():
            for mode, (forms, repeated_themes, same_answers) in MODES.items():
                vectors = embed_unique(forms(s.texts), embedder, cache)
                rule = cluster.repeated_text_themes
                if not repeated_themes:
                    cluster.repeated_text_themes = _no_repeated_themes
                try:
                    row = count(s.texts, vectors, same_answers)
                finally:
                    cluster.repeated_text_themes = rule
                totals[mode] += [*row[:5], 0, len(s.texts), row[6]]
                totals[mode][5] = max(totals[mode][5], row[5])
                print(s.name, mode, row, flush=True)
    finally:
        cache.close()
    lines = [
        "| rule | themes | themes sharing their label | themes mostly in capitals | non classées | of which "
        "copies of a much-repeated answer (largest group) | of which saying what members of a theme say |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {mode} | {t[0]:.0f} | {t[1]:.0f} | {t[2]:.0f} | {t[3]:.0f} ({t[3] / t[6]:.1%}) "
            f"| {t[4]:.0f} ({t[5]:.0f}) | {t[7]:.0f} |"
            for mode, t in totals.items()
        ),
    ]
    publish(
        "Repeated answers",
        [
            f"Machine: {machine()} (shared with other sessions). Command: `.venv/bin/python bench/repeated.py`. "
            f"The 9 Grand Débat questions ({GD_PER_QUESTION_REPEATED} answers each, seed 0), the 3 questions "
            f"of `{SAMPLE.name}` and {', '.join(f'`{n}`' for n in OTHER_SETS)}: "
            f"{int(next(iter(totals.values()))[6]):,} usable answers, default settings, seed 0, one run. A "
            "much-repeated answer is given at least `min_cluster_size` times (case, accents and punctuation "
            "aside) in its question; a theme is mostly in capitals when most of its members are written in "
            'capitals (`lowered_if_shouted`). A "non classée" says what members of a theme say when its '
            'words are theirs, in any order, articles, "et", case, accents and punctuation aside (at most 8 words, '
            "`synthesis.labels.answer_words`).",
            "",
            *lines,
        ],
        write=not args.no_write,
    )


if __name__ == "__main__":
    main()
