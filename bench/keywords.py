"""Keywords with and without lemmas (issue 4): how often a theme's label or keywords repeat one word.

For each Grand Débat question (``GD_PER_QUESTION_KEYWORDS`` answers each, seed 0) and the République
numérique and Decidim sets of ``bench/common.py``, the themes of our pipeline (default settings, seed 0)
are explained four times on the same themes: keywords from Snowball stems alone; from stems of the lemmas
of spaCy's French lookup table (``synthesis.lemmas``); the same where a word written without its accents
is looked up as the question's accented spelling of it ("elus" as "élus"); and the same where a slip of the
pen is read as the word it stands for ("acceuillir" as "accueillir", the default). Counted over all themes:

- labels naming one word twice ("revenu · revenus", "élus · elus", "quotas · quotats"): two of its words (a
  negated term's negation aside: "pas de problème · pas de soucis" names each word once) are the same word
  inflected, judged by the lemma table *or* by a final s/x, accents aside (a test independent of the table),
  or the same word misspelt: one edit apart, accents aside, 6 letters or more, the same first letter (a test
  blind to the dictionaries that ``synthesis.lemmas.is_french_word`` reads);
- repeated keywords: one-word keywords of a theme that repeat another of its keywords by the same test;
- seconds: ``explain_themes`` on all the themes (labels, keywords, quotes, "why").

Run: ``.venv/bin/python bench/keywords.py [--no-write]``; writes ``## Keywords`` in BENCHMARKS.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import combinations

import numpy as np
from common import (
    LabelledSet,
    bench_arguments,
    embed_cached,
    grand_debat_per_question,
    load_sets,
    machine,
    publish,
)

import synthesis.explain as explain
import synthesis.labels as labels_module
import synthesis.quotes as quotes
import synthesis.vocabulary as vocabulary
from schemas import RunSettings
from synthesis.grammar import named_words
from synthesis.lemmas import lemma
from synthesis.pipeline import cluster_question
from synthesis.prepare import strip_accents
from synthesis.words import word_forms

GD_PER_QUESTION_KEYWORDS = 5000
OTHER_SETS = ["rn-arguments/section_subtitle", "rn-proposals/section_subtitle", "decidim-comments/debate"]
# name: (what a written word is looked up as, words written without accents take the accented spelling,
# slips of the pen are read as the word they stand for)
MODES: dict[str, tuple[Callable[[str], str], bool, bool]] = {
    "stems": (lambda word: word, False, False),
    "lemmas, then stems": (lemma, False, False),
    "lemmas of the accented spelling, then stems": (lemma, True, False),
    "the same, slips of the pen read as the word (default)": (lemma, True, True),
}


def same_word(a: str, b: str) -> bool:
    """Two written words that are one word inflected: same lemma in the table, or one is the other + s/x,
    accents aside ("élus" and "elus"); or one word misspelt: one edit apart, 6 letters or more, the same
    first letter, accents aside ("quotas" and "quotats")."""
    la, lb = strip_accents(lemma(a)), strip_accents(lemma(b))
    a, b = strip_accents(a), strip_accents(b)
    slip = min(len(a), len(b)) >= 6 and a[0] == b[0] and vocabulary._one_edit(a, b)
    return a == b or la == lb or a + "s" == b or b + "s" == a or a + "x" == b or b + "x" == a or slip


def content_words(label: str) -> list[str]:
    """The words of a label as written, each negated term's negation left out ("pas de problème · pas de
    soucis" names "problème" and "soucis", not "pas" twice)."""
    out = []
    for term in label.split(" · "):
        content = named_words(term)
        out += [form for w, form in word_forms(term) if w in content]
    return out


def _no_accents(self: vocabulary.Vocabulary, forms: object) -> None:
    self.accented = {}


def _no_spellings(self: vocabulary.Vocabulary, forms: object) -> None:
    self.spelled = {}


def repeats(words: list[str]) -> int:
    """How many of ``words`` repeat an earlier one (by :func:`same_word`)."""
    return sum(any(same_word(w, v) for v in words[:i]) for i, w in enumerate(words))


def count(texts: list[str], vectors: np.ndarray, labels: np.ndarray) -> dict[str, list[float]]:
    out = {}
    learn, learn_spellings = vocabulary.Vocabulary.learn_accents, vocabulary.Vocabulary.learn_spellings
    for mode, (lemma_of, accents, spellings) in MODES.items():
        # what Vocabulary.word_stem looks words up in (and quote and label words, as before the split)
        vocabulary.lemma = quotes.lemma = labels_module.lemma = lemma_of
        vocabulary.Vocabulary.learn_accents = learn if accents else _no_accents  # type: ignore[method-assign]
        vocabulary.Vocabulary.learn_spellings = learn_spellings if spellings else _no_spellings  # type: ignore[method-assign]
        try:
            start = time.perf_counter()
            themes = explain.explain_themes(texts, vectors, labels)
            seconds = time.perf_counter() - start
        finally:
            vocabulary.lemma = quotes.lemma = labels_module.lemma = lemma
            vocabulary.Vocabulary.learn_accents = learn  # type: ignore[method-assign]
            vocabulary.Vocabulary.learn_spellings = learn_spellings  # type: ignore[method-assign]
        label_repeats = sum(
            any(same_word(a, b) for a, b in combinations(content_words(t.label), 2)) for t in themes.values()
        )
        keyword_repeats = sum(repeats([k for k, _ in t.keywords if " " not in k]) for t in themes.values())
        one_word = sum(sum(" " not in k for k, _ in t.keywords) for t in themes.values())
        out[mode] = [len(themes), label_repeats, keyword_repeats, one_word, seconds]
    return out


def sets() -> list[LabelledSet]:
    per_question = grand_debat_per_question(GD_PER_QUESTION_KEYWORDS)
    return per_question + load_sets(OTHER_SETS)


def main() -> None:
    args = bench_arguments(__doc__)
    lemma("")  # the table is read once, outside the timings
    totals = {mode: np.zeros(5) for mode in MODES}
    for s in sets():
        vectors = embed_cached(s.texts)
        labels = cluster_question(vectors, RunSettings(), texts=s.texts).labels
        for mode, row in count(s.texts, vectors, labels).items():
            totals[mode] += row
            print(s.name, mode, [round(x, 2) for x in row], flush=True)
    lines = [
        "| keywords | themes | labels naming one word twice | repeated one-word keywords | one-word keywords "
        "| seconds (explain, all themes) |",
        "|---|---|---|---|---|---|",
        *(
            f"| {mode} | {t[0]:.0f} | {t[1]:.0f} | {t[2]:.0f} | {t[3]:.0f} | {t[4]:.2f} |"
            for mode, t in totals.items()
        ),
    ]
    publish(
        "Keywords",
        [
            f"Machine: {machine()} (shared with other sessions). Command: `.venv/bin/python bench/keywords.py`. "
            f"Themes of the 9 Grand Débat questions ({GD_PER_QUESTION_KEYWORDS} answers each, seed 0) and of "
            f"{', '.join(f'`{n}`' for n in OTHER_SETS)} (default settings, seed 0), explained four times on "
            "the same themes. Two words are one word inflected when the lemma table gives them one lemma or when "
            "one is the other plus a final s or x, accents aside (a test the table does not decide), and one word "
            "misspelt when they are one edit apart, 6 letters or more, with the same first letter, accents aside "
            "(a test blind to the dictionaries of the default's spelling rule). One run.",
            "",
            *lines,
        ],
        write=not args.no_write,
    )


if __name__ == "__main__":
    main()
