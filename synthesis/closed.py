"""Closed questions: answers drawn from a few options, counted option by option.

A consultation export mixes free-text questions with closed ones: yes / no, or several choices that Cap
Collectif (Grand Débat) joins with ``|`` in one cell ("La poste|La mairie"). Clustering such answers gives
themes of *combinations* of options, and a plain "Oui" or "Non" would be excluded as a non-answer. A question
is therefore recognised as closed when its answers, split at ``|``, use at most ``MAX_OPTIONS`` distinct
options (compared as copies are: case, accents and punctuation aside), each chosen at least
``MIN_OPTION_ANSWERS`` times and at most ``MAX_OPTION_WORDS`` words long, over at least ``MIN_ANSWERS``
answers. Free-text questions never pass: their answers are mostly distinct.

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


def options_of(text: str) -> list[str]:
    """The options of one answer: its parts between ``|``, stripped, empty parts and repeats dropped."""
    parts = (p.strip() for p in text.split(CHOICE_SEPARATOR))
    return list(dict.fromkeys(p for p in parts if dedup_key(p)))


def choice_tally(texts: Sequence[str]) -> list[OptionCount] | None:
    """Option counts when ``texts`` (the answers to one question) are those of a closed question, else None.

    Options are sorted by decreasing count (ties: alphabetical); each answer counts once per option.
    """
    if len(texts) < MIN_ANSWERS:
        return None
    forms: dict[str, Counter[str]] = {}  # each option's written forms, counted once per answer choosing it
    for text in texts:
        options = {dedup_key(o): o for o in options_of(text)}
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
