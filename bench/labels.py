"""Theme labels as a reader meets them (issue 4): do they tell themes apart, and describe their members?

Whole exports through the whole pipeline (``synthesis.pipeline.run``, default settings, seed 0): the 8 Grand
Débat questions of ``../shared/data/granddebat`` (every answer, each with its question's text, as a full
export gives it: the files hold the answers only), the 29 Decidim debates (one question each) and the 18
République numérique sections (one question each). Counted over every theme and sub-theme:

- top-level themes of a question whose labels name the same words as another's, in any order;
- sub-themes whose labels name the same words as a sibling's, and as their theme's (a sub-theme is often its
  theme's core, but then the reader cannot tell the two apart);
- labels that describe fewer than a fifth of their theme's members: for a keyword label, the members that
  contain none of its terms (the "why" of each member lists the theme keywords it contains; a phrase that two
  keywords make, "supprimer la taxe d'habitation", is contained where one of them is); for an answer
  label (« Personne »), the members that are not copies of that answer;
- answer labels;
- two-word label terms that read across a break: most of the members holding both words write them apart, with
  punctuation, a line break, "et" or "ou" between them ("tva revenu" from "TVA, revenu");
- labels that show a two-word term as two words: most of the members holding either of two of the label's words
  write both as one phrase, in one clause with only stop words between ("emploi · pôle" for "Pôle emploi");
- labels that show a word most of its members negate, without the negation: most of the theme's members
  holding it have a negation before it in its clause, with at most three stop words between ("difficulté ·
  particulier" for "Pas de difficulté particulière");
- terms of a keyword label, after the first, that fewer than one member in twenty contain (c-TF-IDF weighs what
  sets a theme apart: "revenu · petites · succession" labelled 644 answers, 2 of them holding "petites").

Three times: with keyword labels only (the rules below off, and no theme or sub-theme joined to another for its
label); with the default, where a repeated short answer that the keywords miss labels its theme verbatim
(``synthesis.labels.answer_label``) and themes or sibling sub-themes naming the same words, or a sub-theme
named as its theme, each gain a keyword of their own (``synthesis.explain.distinguish_labels``); and with the
default but any of the top keywords in a label (``LABEL_MIN_SHARE`` 0: before the fourteenth round, a label's
terms after the first were not required to be written by a tenth as many members as its first).

Run: ``.venv/bin/python bench/labels.py [--no-write]``; writes ``## Labels`` in BENCHMARKS.md.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import time
from collections import Counter
from pathlib import Path

from common import (
    DATA,
    GD_QUESTIONS,
    bench_arguments,
    embedding_cache,
    export_contributions,
    machine,
    publish,
)

import synthesis.explain as explain
import synthesis.labels as labels_module
import synthesis.report as report_module
from schemas import Cluster, Report, RunSettings
from synthesis.pipeline import run
from synthesis.prepare import dedup_key, strip_accents
from synthesis.records import Contribution
from synthesis.vocabulary import question_vocabulary
from synthesis.words import word_forms

EXPORTS = [
    *sorted((DATA / "granddebat").glob("gd_animation_*.csv")),
    DATA / "decidim-mel-nancy" / "commentaires_debats.csv",
    DATA / "republique-numerique" / "opinions.csv",
]
MIN_DESCRIBED = 0.2  # a label describing fewer of its theme's members than this share is counted
BREAK = re.compile(r"[^\w\s'’-]+|\n|\s(?:et|ou)\s", re.IGNORECASE)  # between two words: two phrases
TERMS = question_vocabulary("")  # French stems of lemmas, "" for a stop word
NEGATIONS = frozenset("pas jamais aucun aucune sans ni non not no never without".split())


def contributions(path: Path) -> list[Contribution]:
    """The contributions of an export; those of a Grand Débat file take their question's text
    (``GD_QUESTIONS``), so that the question's own words are left out of the keywords as in a full export (the
    file name stood for the question, and none of its words was left out)."""
    items = export_contributions(path)
    question = GD_QUESTIONS.get(path.name)
    return [dataclasses.replace(c, question_text=question) for c in items] if question else items


def _keyword_labels_only() -> None:
    explain.answer_label = lambda texts, matched, label, also=(): None  # type: ignore[assignment]
    explain.distinguish_labels = report_module.distinguish_labels = lambda themes: None  # type: ignore[assignment]
    report_module.same_label_groups = lambda themes: []  # type: ignore[assignment]


def words(label: str) -> frozenset[str]:
    """The words a label names, whatever their order and terms ("produits nécessité · tva" is "nécessité · tva ·
    produits" to a reader)."""
    return frozenset(label.replace(" · ", " ").split())


def described(theme: object, text: dict[str, str]) -> float:
    """Share of the theme's members its label describes (module doc)."""
    members = theme.members  # type: ignore[attr-defined]
    label: str = theme.label  # type: ignore[attr-defined]
    if labels_module.is_answer_label(label):
        key = dedup_key(label.strip("« »"))
        return sum(dedup_key(text[m.contribution_id]) == key for m in members) / len(members)
    terms = label.split(" · ")
    return sum(any(holds(t, m.matched_keywords) for t in terms) for m in members) / len(members)


def holds(term: str, keywords: list[str]) -> bool:
    """Whether a member whose "why" lists ``keywords`` holds a label term: the term itself, or, for a phrase that
    two keywords make ("supprimer la taxe" and "taxe d'habitation": "supprimer la taxe d'habitation",
    ``synthesis.labels.make_label``), the keyword it begins or ends with."""
    return term in keywords or any(
        " " in k and (term.startswith(k + " ") or term.endswith(" " + k)) for k in keywords
    )


def together(text: str, a: str, b: str, ordered: bool, either: bool = False) -> bool | None:
    """Whether ``text`` writes the terms ``a`` and ``b`` (stems of lemmas, as keywords are counted) as one
    phrase, in one clause with no other content word between them (``ordered``: ``a`` first); None when it
    lacks one of them (``either``: both)."""
    clauses = [[TERMS.word_stem(w, form) for w, form in word_forms(c)] for c in BREAK.split(text)]
    present = {a, b} & {s for c in clauses for s in c}
    if len(present) < (1 if either else 2):
        return None
    for clause in clauses:
        content = [s for s in clause if s]
        pairs = zip(content, content[1:], strict=False)
        if any((x, y) == (a, b) or (not ordered and (y, x) == (a, b)) for x, y in pairs):
            return True
    return False


def mostly_together(members: list[str], a: str, b: str, ordered: bool, either: bool = False) -> bool:
    """Whether most of the members holding both words (``either``: one of them) write them as one phrase."""
    seen = [t for t in (together(m, a, b, ordered, either) for m in members) if t is not None]
    return bool(seen) and sum(seen) > len(seen) / 2


def phrase_counts(label: str, members: list[str]) -> tuple[int, int]:
    """(two-word label terms that read across a break, 1 if the label shows a two-word term as two words)."""
    if labels_module.is_answer_label(label):
        return 0, 0
    # content words only: a negated term ("pas de difficulté particulière") is judged on the words it negates
    terms = [
        [s for s in (TERMS.word_stem(w, form) for w, form in word_forms(t)) if s] for t in label.split(" · ")
    ]
    across = sum(len(t) == 2 and not mostly_together(members, t[0], t[1], True) for t in terms)
    single = [t[0] for t in terms if len(t) == 1]
    split = any(
        mostly_together(members, a, b, False, either=True) for a, b in itertools.combinations(single, 2)
    )
    return across, int(split)


def negated(text: str, term: str) -> bool | None:
    """Whether ``text`` writes the word ``term`` (a stem of a lemma) after a negation, in its clause, with at most
    three stop words between ("pas de difficulté", "aucun problème", "sans emploi", "not enough housing"); None
    when it lacks the word. Judged on the words, independently of the keywords' own rule."""
    found = None
    for clause in BREAK.split(text):
        written = word_forms(clause)
        for i, (w, form) in enumerate(written):
            if TERMS.word_stem(w, form) == term:
                found = found or _after_negation(written[max(0, i - 4) : i])
    return found


def _after_negation(before: list[tuple[str, str]]) -> bool:
    """Whether a negation stands among ``before`` (folded and written words) after its last content word."""
    for w, form in reversed(before):
        if w in NEGATIONS or w.endswith("n't"):
            return True
        if TERMS.word_stem(w, form):
            return False
    return False


def negated_word(label: str, members: list[str]) -> int:
    """1 if the label shows a single word that most of the members holding it negate, without its negation
    ("difficulté · particulier" for "Pas de difficulté particulière")."""
    if labels_module.is_answer_label(label):
        return 0
    for term in label.split(" · "):
        if " " in term:
            continue
        stem = TERMS.word_stem(strip_accents(term.casefold()), term.casefold())
        seen = [n for n in (negated(m, stem) for m in members) if n is not None] if stem else []
        if seen and sum(seen) > len(seen) / 2:
            return 1
    return 0


def count(report: Report, text: dict[str, str]) -> Counter[str]:
    out: Counter[str] = Counter()
    for q in report.questions:
        out["top-level themes"] += len(q.clusters)
        out["sub-themes"] += sum(len(c.subclusters) for c in q.clusters)
        groups = [q.clusters, *(c.subclusters for c in q.clusters)]
        for i, group in enumerate(groups):
            shared = sum(n for n in Counter(words(c.label) for c in group).values() if n > 1)
            out[
                "top-level themes naming another's words" if i == 0 else "sub-themes naming a sibling's words"
            ] += shared
        out["sub-themes named as their theme"] += sum(
            words(s.label) == words(c.label) for c in q.clusters for s in c.subclusters
        )
        for c in (c for group in groups for c in group):
            out[f"labels describing < {MIN_DESCRIBED:.0%} of their members"] += (
                described(c, text) < MIN_DESCRIBED
            )
            out["answer labels"] += labels_module.is_answer_label(c.label)
            members = [text[m.contribution_id] for m in c.members]
            across, split = phrase_counts(c.label, members)
            out["two-word label terms read across a break"] += across
            out["labels showing a two-word term as two words"] += split
            out["labels showing a word most of its members negate"] += negated_word(c.label, members)
            out[f"label terms after the first written by < {RARE_TERM:.0%} of the members"] += rare_terms(c)
    return out


RARE_TERM = 0.05


def rare_terms(theme: Cluster) -> int:
    """The terms of a keyword label, after the first, that fewer than ``RARE_TERM`` of the members contain."""
    if labels_module.is_answer_label(theme.label):
        return 0
    terms = theme.label.split(" · ")[1:]
    held = Counter(t for m in theme.members for t in terms if holds(t, m.matched_keywords))
    return sum(held[t] < RARE_TERM * len(theme.members) for t in terms)


def main() -> None:
    args = bench_arguments(__doc__)
    cache = embedding_cache()
    answer_label, distinguish_labels = explain.answer_label, explain.distinguish_labels
    same_label_groups = report_module.same_label_groups
    label_min_share = explain.LABEL_MIN_SHARE
    totals: dict[str, Counter[str]] = {
        "keyword labels only": Counter(),
        "default, any keyword in a label (before the fourteenth round)": Counter(),
        "default": Counter(),
    }
    contributions_in_all = 0
    start = time.perf_counter()
    try:
        for path in EXPORTS:
            items = contributions(Path(path))
            text = {c.contribution_id: c.text for c in items}
            contributions_in_all += len(items)
            for mode, total in totals.items():
                if mode == "keyword labels only":
                    _keyword_labels_only()
                elif mode != "default":
                    explain.LABEL_MIN_SHARE = 0.0
                try:
                    report = run(items, RunSettings(), cache=cache)
                finally:
                    explain.LABEL_MIN_SHARE = label_min_share
                    explain.answer_label, explain.distinguish_labels = answer_label, distinguish_labels
                    report_module.distinguish_labels = distinguish_labels
                    report_module.same_label_groups = same_label_groups
                row = count(report, text)
                total.update(row)
                print(path.name, mode, dict(row), flush=True)
    finally:
        cache.close()
    keys = list(next(iter(totals.values())))
    lines = [
        "| labels | " + " | ".join(keys) + " |",
        "|---|" + "---|" * len(keys),
        *(f"| {mode} | " + " | ".join(str(t[k]) for k in keys) + " |" for mode, t in totals.items()),
    ]
    publish(
        "Labels",
        [
            f"Machine: {machine()} (shared with other sessions). Command: `.venv/bin/python bench/labels.py` "
            f"({time.perf_counter() - start:.0f} s, embeddings cached). The 8 Grand Débat questions (every answer, "
            "with its question's text, whose words are no keywords), "
            "the 29 Decidim debates and the 18 République numérique sections (one question each): "
            f"{contributions_in_all:,} contributions through the whole pipeline, default settings, seed 0. A label "
            "describes a member when the member contains one of its terms (an answer label: when the member is a "
            "copy of that answer, case, accents and punctuation aside). Keyword labels only: "
            "`answer_label` and `distinguish_labels` off, and no theme joined for its label "
            "(`same_label_groups`). Any keyword in a label: `LABEL_MIN_SHARE` 0, a label's terms after the first "
            "need not be written by a tenth as many members as its first.",
            "",
            *lines,
        ],
        write=not args.no_write,
    )


if __name__ == "__main__":
    main()
