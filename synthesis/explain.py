"""Explain each theme (issue 4): keywords (c-TF-IDF on the terms of :mod:`synthesis.vocabulary`), short
label (:mod:`synthesis.labels`), verbatim MMR quotes (:mod:`synthesis.quotes`), the keywords each member holds,
and labels made distinct where themes name the same words (:func:`distinguish_labels`). What changes figures
here: copies of a long text count as one document (``COPY_MIN_WORDS``), a term held by one document only is
noise, and a label names only keywords written by ``LABEL_MIN_SHARE`` as many members as its first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain

import numpy as np

from synthesis.labels import (
    COMPOUND_SHARE,
    Phrases,
    answer_label,
    is_keyword_label,
    make_label,
    named_stems,
)
from synthesis.prepare import dedup_key
from synthesis.quotes import pick_quotes
from synthesis.vocabulary import Vocabulary, question_terms

# A label's terms after the first are each written by at least this share of the members who write its first:
# c-TF-IDF weighs what sets a theme apart, and 2 of its 644 members writing "petites" (642 "revenu") labelled it
# "revenu · petites · succession". Relative to the first term, so that the label of a theme where no word is
# widely written still names several of its words.
LABEL_MIN_SHARE = 0.1
# copies of a text of this many words or more are one voice for keywords, as for campaigns (the default of
# ``RunSettings.campaign_min_words``); shorter identical answers are written by several (``class_tfidf``)
COPY_MIN_WORDS = 15


def class_tfidf(
    docs_per_class: Sequence[Sequence[list[str]]], texts_per_class: Sequence[Sequence[str]] | None = None
) -> list[dict[str, float]]:
    """Class-based TF-IDF (BERTopic's c-TF-IDF): a weight dict per class; a term counts once per document.

    The copies of a text of ``COPY_MIN_WORDS`` words or more (``texts_per_class``, the text of each document;
    case, accents, spaces and punctuation aside, :func:`synthesis.prepare.dedup_key`) are one document, as they
    are one campaign: 211 copies of a Grand Débat text gave its theme of 389 answers the keywords "bruts grands",
    "grands perdants", "mesures gouvernementales", and a theme whose 179 other members ask to ban pesticides was
    labelled by 47 copies, "animaux vivants · agricole commune · élevages intensifs". Shorter copies are answers
    that several write ("Santé"). Terms held by a single document of a class are noise, unless the class has
    nothing else (tiny sub-themes): a comment posted twice gave all ten keywords of its Decidim theme of nine
    comments, tied, in alphabetical order ("addictions · affecté · âge")."""
    if texts_per_class is None:
        counts = [Counter(t for toks in docs for t in set(toks)) for docs in docs_per_class]
    else:
        counts = [
            _held_once(docs, texts) for docs, texts in zip(docs_per_class, texts_per_class, strict=True)
        ]
    total_per_term: Counter[str] = Counter()
    for c in counts:
        total_per_term.update(c)
    avg_words = max(1.0, sum(sum(c.values()) for c in counts) / max(1, len(counts)))
    out = []
    for c in counts:
        size = max(1, sum(c.values()))
        keep = {t: n for t, n in c.items() if n > 1} or dict(c)
        out.append(
            {t: (n / size) * float(np.log(1 + avg_words / total_per_term[t])) for t, n in keep.items()}
        )
    return out


def _held_once(docs: Sequence[list[str]], texts: Sequence[str]) -> Counter[str]:
    """Documents holding each term, the copies of each text of ``COPY_MIN_WORDS`` words or more one document
    (holding the terms of any of them: copies split into clauses at their punctuation may differ in two-word
    terms)."""
    count: Counter[str] = Counter()
    copies: dict[str, set[str]] = {}
    for doc, text in zip(docs, texts, strict=True):
        if text.count(" ") < COPY_MIN_WORDS - 1:  # ~ words
            count.update(set(doc))
            continue
        held = copies.setdefault(dedup_key(text), set())
        new = set(doc) - held
        held |= new
        count.update(new)
    return count


@dataclass
class ThemeExplanation:
    keywords: list[tuple[str, float]]
    label: str
    quote_indices: list[int]
    similarities: np.ndarray
    matched_keywords: list[list[str]] = field(default_factory=list)


def explain_themes(
    texts: Sequence[str],
    vectors: np.ndarray,
    labels: np.ndarray,
    *,
    question_text: str = "",
    n_keywords: int = 10,
    n_quotes: int = 5,
    terms: tuple[Vocabulary, Sequence[list[str]]] | None = None,
) -> dict[int, ThemeExplanation]:
    """Explain every theme of ``labels`` (noise, label < 0, is skipped).

    Parameters
    ----------
    texts : sequence of str, length n
    vectors : (n, d) unit-norm embeddings
    labels : (n,) int theme numbers; noise (< 0) counts as its own class in c-TF-IDF, so words common
        everywhere get a low weight, but it gets no explanation.
    terms : the finished vocabulary and the terms of each text, from :func:`question_terms` on these texts
        or on a superset (sub-themes reuse their question's: keywords are shown in the question's most
        frequent written form); computed here when not given.
    """
    vocab, text_terms = terms or question_terms(texts, question_text)
    classes = sorted(int(x) for x in np.unique(labels))
    members = {k: np.flatnonzero(labels == k) for k in classes}
    member_texts = {k: [texts[int(i)] for i in idx] for k, idx in members.items()}
    weights = dict(
        zip(
            classes,
            class_tfidf(
                [[text_terms[int(i)] for i in members[k]] for k in classes],
                [member_texts[k] for k in classes],
            ),
            strict=True,
        )
    )
    out: dict[int, ThemeExplanation] = {}
    for k in (c for c in classes if c >= 0):
        idx = members[k]
        ranked = sorted(weights[k].items(), key=lambda kv: (-kv[1], kv[0]))
        top = ranked[:n_keywords]
        centre = vectors[idx].mean(axis=0)
        sims = vectors[idx] @ (centre / (np.linalg.norm(centre) or 1.0))
        quotes = [int(idx[j]) for j in pick_quotes(member_texts[k], vectors[idx], n_quotes)]
        top_terms = dict(top)
        member_terms = [dict.fromkeys(text_terms[int(i)]) for i in idx]
        member_top = [[t for t in terms if t in top_terms] for terms in member_terms]
        parts: dict[str, tuple[str, str]] = {}
        shown = {t: vocab.show(t) for t in top_terms} | vocab.shown_in(top_terms, member_texts[k])
        label = make_label(
            _widely_written(_written_together(top, member_terms), member_top),
            compounds=(t for t, _ in top if vocab.is_compound(t)),
            show=shown.__getitem__,
            written_as_phrases=(t for t, _ in top if vocab.is_phrase(t)),
            chained=Phrases(shown.__getitem__, member_texts[k]),
            parts=parts,
        )
        label = (
            answer_label(
                member_texts[k],
                [[shown[t] for t in m] for m in member_top],
                label,
                also=(t for pair in parts.values() for t in pair),
            )
            or label
        )
        # the keywords listed, and each member's: a word mostly written in a listed two-word term is left out,
        # unless the label names it
        listed = dict(_listed_keywords(ranked, n_keywords, vocab, set(label.split(" · "))))
        shown.update((t, vocab.show(t)) for t in listed if t not in shown)
        keywords = [(shown[t], round(float(v), 6)) for t, v in listed.items()]
        # (the listed keywords are most often some of the top ones: each member's top terms are enough)
        holders = member_top if listed.keys() <= top_terms.keys() else member_terms
        matched = [[shown[t] for t in terms if t in listed] for terms in holders]
        out[k] = ThemeExplanation(keywords, label, quotes, sims, matched)
    distinguish_labels(out)
    return out


def _listed_keywords(
    ranked: Sequence[tuple[str, float]], n: int, vocab: Vocabulary, label_terms: set[str]
) -> list[tuple[str, float]]:
    """The ``n`` first of a theme's ``ranked`` terms, each word that participants mostly write inside one of
    the listed two-word terms left out: a compound (:meth:`Vocabulary.is_compound`) that weighs at least
    ``COMPOUND_SHARE`` of the word says it ("commun" of "transports en commun", "grise" of "carte grise"; the
    list read "transports, transports en commun, commun"). A word stays where its compound is not listed, or
    where it is one of the ``label_terms`` (as shown)."""
    candidates = ranked[: 2 * n]
    weight = dict(candidates)
    compounds = [t for t, _ in candidates if " " in t and vocab.is_compound(t)]
    inside = {
        w: [t for t in compounds if w in t.split(" ") and weight[t] >= COMPOUND_SHARE * weight[w]]
        for w, _ in candidates
        if " " not in w and vocab.show(w) not in label_terms
    }
    first = {t for t, _ in [c for c in candidates if not inside.get(c[0])][:n]}
    return [
        (t, w) for t, w in candidates if t in first or (inside.get(t) and not first.intersection(inside[t]))
    ][:n]


def _written_together(
    top: Sequence[tuple[str, float]], member_terms: Sequence[Mapping[str, object]]
) -> list[tuple[str, float]]:
    """A theme's ``top`` keywords less the two-word terms that fewer than half of the members writing both
    their words write as one phrase (``member_terms``: each member's terms): the sample consultation's theme
    of 13 answers "TVA, impôt sur le revenu", "La TVA et l'impôt sur le revenu", two of them "Impôt sur le
    revenu TVA", was labelled "revenu tva"; its label names the two words apart ("tva · revenu")."""
    pairs = {t: t.split(" ") for t, _ in top if " " in t}
    if not pairs:
        return list(top)
    together, both = Counter[str](), Counter[str]()
    for terms in member_terms:
        for t, (a, b) in pairs.items():
            if a in terms and b in terms:
                both[t] += 1
                together[t] += t in terms
    return [(t, w) for t, w in top if t not in pairs or 2 * together[t] >= both[t]]


def _widely_written(
    top: Sequence[tuple[str, float]], member_terms: Sequence[list[str]]
) -> list[tuple[str, float]]:
    """The first of a theme's ``top`` keywords and the others written by at least ``LABEL_MIN_SHARE`` as many
    of its members (``member_terms``: each member's top keywords, once each): the keywords a label may name."""
    holders = Counter(chain.from_iterable(member_terms))
    least = LABEL_MIN_SHARE * holders[top[0][0]] if top else 0.0
    return [*top[:1], *((t, w) for t, w in top[1:] if holders[t] >= least)]


def distinguish_labels(themes: dict[int, ThemeExplanation]) -> None:
    """Themes (or sibling sub-themes) whose keyword labels name the same words, in any order and terms, each
    gain the first of their keywords, by weight, that shares no word with that label, is not a keyword of the
    others and is written by at least ``LABEL_MIN_SHARE`` as many members as its most written keyword (in
    place; each theme's ``matched_keywords``). Two sub-themes of a Grand Débat theme were both "migrants ·
    accueillir · pays", two themes "migrants · accueillir · pays" and "migrants · pays · accueillir", two
    sub-themes of the sample consultation "produits nécessité · tva" and "nécessité · tva · produits"; the
    first two sub-themes now end in "intégration" and "pouvoir"; "transports en commun · poste" named a
    sub-theme of 468 answers, 15 of which name the post office: it reads as its theme. A theme with no such
    keyword keeps its label; so do answer labels. The report also compares each sub-theme with its theme this
    way (a sub-theme is often its theme's core)."""
    for words_of_label, keys in _by_label_words(themes).items():
        same = [themes[k] for k in keys]
        for t in same if len(same) > 1 else ():
            others = {named_stems(k) for o in same if o is not t for k, _ in o.keywords}
            holders = Counter(chain.from_iterable(t.matched_keywords))
            least = LABEL_MIN_SHARE * max(holders.values(), default=0)
            extra = next(
                (
                    k
                    for k, _ in t.keywords
                    if not (named := named_stems(k)) & words_of_label
                    and named not in others
                    and holders[k] >= max(least, 1)
                ),
                None,
            )
            if extra is not None:
                t.label = f"{t.label} · {extra}"


def same_label_groups(themes: dict[int, ThemeExplanation]) -> list[list[int]]:
    """Groups of themes whose keyword labels still name the same words after :func:`distinguish_labels`: no
    keyword of their own tells them apart (the sample consultation's "Éducation, santé" and "Santé,
    éducation", 19 answers each, which the encoder puts apart). The report makes each group one theme."""
    return [sorted(g) for g in _by_label_words(themes).values() if len(g) > 1]


def names_same_words(a: str, b: str) -> bool:
    """Whether two keyword labels name the same words, in any order and terms, as :func:`distinguish_labels`
    compares them: a sub-theme that no keyword of its own tells from its theme is named as its theme."""
    return is_keyword_label(a) and is_keyword_label(b) and named_stems(a) == named_stems(b)


def _by_label_words(themes: dict[int, ThemeExplanation]) -> dict[frozenset[str], list[int]]:
    """The themes with a keyword label, by the words it names (:func:`named_stems`), whatever their order and
    terms."""
    out: dict[frozenset[str], list[int]] = {}
    for k, t in themes.items():
        if is_keyword_label(t.label):
            out.setdefault(named_stems(t.label), []).append(k)
    return out
