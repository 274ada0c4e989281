"""Closed questions: answers drawn from a few options, counted option by option.

A consultation export mixes free-text questions with closed ones: yes / no, or several choices joined in one
cell, with ``|`` by Cap Collectif (Grand Débat: "La poste|La mairie"), ``;`` by Microsoft Forms, ``, `` by
Google Forms. Clustering such answers gives themes of *combinations* of options, and a plain "Oui" or "Non"
would be excluded as a non-answer. A question is therefore recognised as closed when its answers, split at
``|`` (else at one of the other joins), use at most ``MAX_OPTIONS`` distinct options (compared as copies are:
case, accents and punctuation aside), each chosen at least ``MIN_OPTION_ANSWERS`` times and at most
``MAX_OPTION_WORDS`` words long, over at least ``MIN_ANSWERS`` answers. Free-text questions never pass: their
answers are mostly distinct.

For a closed question the report adds a tally, one line per option: how many answers chose it and their
share of the answers (several choices per answer: the shares add up to more than 100 %). Its answers are
still clustered (each contribution stays in one theme, or « non classée »), and the non-answers of free
text ("Oui", "Non", "Je ne sais pas") are answers there, not excluded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from synthesis.prepare import dedup_key, most_frequent

CHOICE_SEPARATOR = "|"  # Cap Collectif's join of the options of one multiple-choice answer
# The joins of other tools, tried in turn when the options joined by "|" are not those of a closed question:
# Microsoft Forms' ";" ("Vélo;Bus;"), Google Forms' ", " ("Vélo, Bus")
OTHER_SEPARATORS = (";", ", ")
MIN_ANSWERS = 20
MAX_OPTIONS = 25
MIN_OPTION_ANSWERS = 2
MAX_OPTION_WORDS = 20


@dataclass(frozen=True)
class OptionCount:
    """One option of a closed question: its most frequent written form, how many answers chose it."""

    option: str
    count: int
    share: float  # of the answers


def options_of(text: str, separator: str = CHOICE_SEPARATOR) -> list[str]:
    """The options of one answer: its parts between ``separator``, stripped, empty parts and repeats dropped."""
    parts = (p.strip() for p in text.split(separator))
    return list(dict.fromkeys(p for p in parts if dedup_key(p)))


def choice_tally(texts: Sequence[str]) -> list[OptionCount] | None:
    """Option counts when ``texts`` (the answers to one question) are those of a closed question, else None.

    The options are those joined by ``|`` when an answer holds one; else those joined by another tool's join
    (:data:`OTHER_SEPARATORS`) when they are fewer than the distinct answers, as the choices of a multiple
    choice are fewer than their combinations ("Oui, tout à fait" and "Non, pas du tout" are two options, not
    four; one text repeated is no choice of its parts); else each answer whole. Options are sorted by
    decreasing count (ties: alphabetical); each answer counts once per option.
    """
    if len(texts) < MIN_ANSWERS:
        return None
    if not any(CHOICE_SEPARATOR in t for t in texts):
        for separator in OTHER_SEPARATORS:
            if any(separator in t for t in texts):
                tally = _tally(texts, separator)  # None at once for free text: its options are too many
                if tally is not None and len(tally) < len({dedup_key(t) for t in texts}):
                    return tally
    return _tally(texts, CHOICE_SEPARATOR)


def _tally(texts: Sequence[str], separator: str) -> list[OptionCount] | None:
    forms: dict[str, Counter[str]] = {}  # each option's written forms, counted once per answer choosing it
    for text in texts:
        options = {dedup_key(o): o for o in options_of(text, separator)}
        if not options:
            return None
        for key, written in options.items():
            forms.setdefault(key, Counter())[written] += 1
        if len(forms) > MAX_OPTIONS:
            return None
    chosen = {key: c.total() for key, c in forms.items()}
    if min(chosen.values()) < MIN_OPTION_ANSWERS or max(len(k.split()) for k in chosen) > MAX_OPTION_WORDS:
        return None
    shown = {key: most_frequent(c) for key, c in forms.items()}
    ranked = sorted(chosen.items(), key=lambda kv: (-kv[1], shown[kv[0]]))
    return [OptionCount(shown[key], n, round(n / len(texts), 4)) for key, n in ranked]
