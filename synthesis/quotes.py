"""Verbatim quotes of a theme (issue 4): its representative and diverse members, chosen by MMR around the
medoid (``MMR_LAMBDA``), readable lengths and words not written over and over preferred (``QUOTE_*``), near
copies and answers saying the same words passed over (``NEAR_DUPLICATE_*``); a theme's quotes drawn from its
sub-themes' in proportion to their sizes (:func:`spread_quotes`). Quotes are never cut or rewritten."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np

from synthesis.lemmas import lemma
from synthesis.prepare import NEGATIONS as NEGATIONS_FR_EN
from synthesis.prepare import dedup_key
from synthesis.words import LANGUAGES, WORD, fold_word, stop_words, word_forms

QUOTE_MIN_CHARS, QUOTE_MAX_CHARS = 40, 400  # readable quote lengths; others are penalised, never cut
# A quote that writes each of its words (stop words aside) more than this many times on average is penalised as
# much: "L'éducation. L'éducation. [...]" (18 times) was quoted for its theme of the Grand Débat before
# "L'éducation, pour tous". Long texts repeat their words more: République numérique's articles of law, up to 2.45.
QUOTE_MAX_REPEATS = 2.5
MMR_LAMBDA = 0.7  # relevance vs diversity of quotes
NEAR_DUPLICATE_SIM = 0.95  # two quotes this similar (cosine) count as the same quote
# ... and so do two quotes sharing this share of their words (lemmas, stop words included: Jaccard index),
# unless a negation is among the words that differ ("je suis favorable..." and "je ne suis pas favorable...")
NEAR_DUPLICATE_WORDS = 0.8
NEGATIONS = NEGATIONS_FR_EN | frozenset("nor nicht kein keine nie".split())


def _readability(length: int) -> float:
    """1 for a quote of readable length, less for very short or very long ones."""
    if length < QUOTE_MIN_CHARS:
        return 0.6 + 0.4 * length / QUOTE_MIN_CHARS
    if length > QUOTE_MAX_CHARS:
        return max(0.5, QUOTE_MAX_CHARS / length)
    return 1.0


def word_repeats(text: str) -> float:
    """How many times ``text`` writes each of its words on average, case, accents and the stop words of every
    language of ``LANGUAGES`` aside (1 for a text without other words)."""
    stop = _stop_words_of_all_languages()
    words = [w for w in map(fold_word, WORD.findall(text)) if w not in stop]
    return len(words) / len(set(words)) if words else 1.0


@cache
def _stop_words_of_all_languages() -> frozenset[str]:
    return frozenset().union(*map(stop_words, LANGUAGES))


def pick_quotes(texts: Sequence[str], vectors: np.ndarray, n_quotes: int) -> list[int]:
    """Indices of up to ``n_quotes`` representative, diverse members (MMR around the medoid).

    Exact duplicates (same ``dedup_key``) are collapsed first; a candidate is skipped when its cosine to a
    chosen quote is at least ``NEAR_DUPLICATE_SIM``, or when it says the same words as one (:func:`_same_words`):
    the encoder set "l'impôt sur le revenu" and "Les impôts sur le revenu",
    "Pôle emploi|La mairie" and "La mairie|Pôle emploi" apart, and both were quoted. Relevance = similarity
    to the medoid x readability (length, and words written over and over: ``QUOTE_MAX_REPEATS``).
    """
    first: dict[str, int] = {}
    for i, t in enumerate(texts):
        first.setdefault(dedup_key(t), i)  # dedup_key is cached: copies of a text cost a lookup
    cand = np.array(sorted(first.values()), dtype=np.int64)
    if not len(cand):
        return []
    centre = vectors.mean(axis=0)
    medoid = vectors[int(np.argmax(vectors @ centre))]
    relevance = (vectors[cand] @ medoid) * np.array([_readability(len(texts[i])) for i in cand])
    chosen: list[int] = []
    chosen_words: list[frozenset[str]] = []
    max_sim = np.full(len(cand), -np.inf)
    skipped = np.zeros(len(cand), bool)
    read = np.zeros(len(cand), bool)  # whether a candidate's relevance counts its repeated words
    while len(chosen) < n_quotes:
        score = MMR_LAMBDA * relevance - (1 - MMR_LAMBDA) * (max_sim if chosen else 0.0)
        score[(max_sim >= NEAR_DUPLICATE_SIM) | skipped] = -np.inf
        best = int(np.argmax(score))
        if not np.isfinite(score[best]):
            break
        if not read[best]:  # lowers the relevance only: read where it could decide, then choose again
            read[best] = True
            relevance[best] *= min(1.0, QUOTE_MAX_REPEATS / word_repeats(texts[int(cand[best])]))
            continue
        skipped[best] = True
        if not _says_something_new(texts[int(cand[best])], chosen_words):
            continue
        chosen.append(int(cand[best]))
        max_sim = np.maximum(max_sim, vectors[cand] @ vectors[cand[best]])
    return chosen


def quote_words(text: str) -> frozenset[str]:
    """The words of a quote as :func:`pick_quotes` compares them: folded lemmas, stop words included (so
    "je suis prêt" and "je ne suis pas prêt" differ)."""
    return frozenset(fold_word(lemma(form)) for _, form in word_forms(text))


def _same_words(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two quotes' words (:func:`quote_words`) say the same: ``NEAR_DUPLICATE_WORDS`` of them shared
    (Jaccard index), no negation among the others."""
    return len(a & b) >= NEAR_DUPLICATE_WORDS * len(a | b) and not (a ^ b) & NEGATIONS


def _says_something_new(text: str, said: list[frozenset[str]]) -> bool:
    """Whether a quote's words differ from those of every quote ``said`` already (:func:`_same_words`); if so
    they join ``said``."""
    words_of_quote = quote_words(text)
    if any(_same_words(words_of_quote, w) for w in said):
        return False
    said.append(words_of_quote)
    return True


def spread_quotes(
    parts: Sequence[Sequence[str]], sizes: Sequence[int], n_quotes: int
) -> list[tuple[int, int]]:
    """(part, rank) of up to ``n_quotes`` quotes of a theme drawn from the quotes of its parts (sub-themes),
    each part's in its own order (medoid first): seats in proportion to the parts' ``sizes`` (largest
    remainder; a part never gives more quotes than it has), drawn round by round, the largest part first; a
    quote saying the same words as one already drawn is passed over for the part's next. The medoid-nearest
    quotes of a whole theme all came from one part: a Grand Débat theme of 285 answers, "payer plus
    d'impôts ? Non" (65 answers) beside "mieux dépenser" (74) and "faire des économies" (71), quoted five
    refusals."""
    order = sorted(range(len(parts)), key=lambda p: -sizes[p])
    n = min(n_quotes, sum(len(p) for p in parts))
    total = max(1, sum(sizes))
    seats = [0] * len(parts)
    for _ in range(n):
        best = max(
            (p for p in order if seats[p] < len(parts[p])), key=lambda p: sizes[p] * n / total - seats[p]
        )
        seats[best] += 1
    drawn: list[tuple[int, int]] = []
    drawn_words: list[frozenset[str]] = []
    following = [0] * len(parts)
    for r in range(max(seats, default=0)):
        for p in (p for p in order if seats[p] > r):
            while following[p] < len(parts[p]):
                rank = following[p]
                following[p] += 1
                if _says_something_new(parts[p][rank], drawn_words):
                    drawn.append((p, rank))
                    break
    return drawn
