"""The short label of a theme (issue 4): at most ``LABEL_TERMS`` of its keywords, a word shown as its
compound two-word term or as the phrase two terms make (:func:`make_label`); or a repeated short answer between
« » where it describes more members than the keywords do (:func:`answer_label`, ``ANSWER_LABEL_*``); and what
the words of a label are, to tell whether two labels name the same words (:func:`names_same_words`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from synthesis.grammar import LINK_WORDS, named_words, singular
from synthesis.lemmas import lemma
from synthesis.prepare import dedup_key, fold_letters, most_frequent
from synthesis.quotes import quote_words
from synthesis.words import fold_word, stem, word_forms, words

NO_KEYWORD_LABEL = "thème sans mot-clé"
LABEL_TERMS = 3
# A label shows a word as its two-word term when the term weighs this share of the word in the theme, and the
# term is a compound (``Vocabulary.is_compound``: half the question's answers holding its rarer word hold it).
COMPOUND_SHARE = 0.8
# A repeated answer labels its theme (``answer_label``) when it has at most this many words and makes up more
# than this share of the theme (and more of it than the keyword label describes).
ANSWER_LABEL_WORDS = 8
ANSWER_LABEL_SHARE = 0.2


# Articles and "and", as folded lemmas: "Les impôts locaux" and "Impôts locaux", "Des crèches" and "Crèches",
# "Santé et éducation" and "Santé, éducation" are one answer.
ANSWER_FILLERS = frozenset("le la les l un une des du de d et the a an and".split())


@lru_cache(maxsize=1 << 18)
def answer_words(text: str) -> frozenset[str] | None:
    """The words of a short answer (at most ``ANSWER_LABEL_WORDS`` words) as :func:`quote_words` reads them,
    articles and "and" aside: answers with the same words say the same thing, whatever their order, case,
    accents, punctuation, number, articles or "and". None for a longer text, or one with no other word. Cached, as
    :func:`synthesis.prepare.dedup_key` is: a large consultation repeats its short answers."""
    if len(text.split()) > ANSWER_LABEL_WORDS:
        return None
    return quote_words(text) - ANSWER_FILLERS or None


def make_label(
    keywords: Sequence[tuple[str, float]],
    n_terms: int = LABEL_TERMS,
    compounds: Iterable[str] = (),
    show: Callable[[str], str] = str,
    chained: Callable[[str, str], str | None] | None = None,
    parts: dict[str, tuple[str, str]] | None = None,
    written_as_phrases: Iterable[str] = (),
) -> str:
    """Short label from the top keywords (by weight); a word already inside a chosen two-word term is not repeated,
    but where its compound shares a word with that term and ``chained`` (the two terms) gives the phrase they
    make as members write it, the label shows that phrase ("supprimer la taxe" and "taxe d'habitation":
    "supprimer la taxe d'habitation", not "supprimer la taxe · habitation"; ``parts`` receives each such
    phrase's two terms, as shown). A word mostly written in one of the two-word keywords that are
    ``compounds`` (a phrase, not two words listed together: :meth:`Vocabulary.is_compound`), weighing at least
    ``COMPOUND_SHARE`` of the word, is shown as that term ("pôle emploi": the label read "emploi · pôle"). If
    the term's other word stands in the label already, the term takes its place when it weighs at least half
    of it ("services · publics" is "services publics"); otherwise the word adds nothing to the label and is
    left out ("transports · commun"). A word that would be shown alone, its other word in the label already,
    makes with it a two-word keyword of ``written_as_phrases`` (:meth:`Vocabulary.is_phrase`), compound or
    not, shown in that word's place, where it weighs at least half of each ("habite · ville · grande":
    "habite · grande ville · rurales"; ``keywords`` hold only the two-word terms that most members writing
    both words write as one, :func:`_written_together`). Where the other word is inside another term of the
    label, or would be shown as a weightier two-word keyword ("langue des signes française": "française ·
    langue signes", not "signes française · langue"), the word is shown alone. A word is not repeated in its
    plural either ("issu · issus": the lemma table does not know every plural). ``keywords`` may be terms
    (stems), each label term then shown by ``show``."""
    compounds, weights, as_phrases = set(compounds), dict(keywords), set(written_as_phrases)
    label: list[str] = []
    phrases: dict[str, str] = {}  # a label term shown as the phrase it makes with a compound (``chained``)
    in_phrases: set[str] = set()
    for word, weight in keywords:
        used = _label_words(" ".join(label)) | in_phrases
        if used & _label_words(word):
            continue
        term = next((t for t, _ in keywords if t in compounds and word in t.split()), word)
        if term != word and weights[term] >= COMPOUND_SHARE * weight:
            other = _other_word(term, word)
            holder = next((t for t in label if t not in phrases and other in t.split(" ")), None)
            if chained is not None and holder is not None and (phrase := chained(holder, term)) is not None:
                phrases[holder] = phrase
                in_phrases |= _label_words(word)
                if parts is not None:
                    parts[phrase] = (show(holder), show(term))
                continue
            owner = next(t for t, _ in keywords if t in compounds and other in t.split())
            if owner != term and weights[owner] >= COMPOUND_SHARE * weights.get(other, 0.0):
                term = word  # the other word is shown as a weightier term ("langue signes")
            elif other in label:
                if weights[term] >= weights[other] / 2:
                    label[label.index(other)] = term
                continue
            if singular(other) in used:  # inside another two-word term: the word is shown alone
                term = word
        else:
            term = word
        if term == word:  # shown alone: its phrase with a word of the label ("ville", then "grande")
            pair = next((t for t, _ in keywords if t in as_phrases and _other_word(t, word) in label), "")
            if pair and 2 * weights[pair] >= max(weight, weights[other := _other_word(pair, word)]):
                label[label.index(other)] = pair  # "grande ville"
                continue
        if _spelled_as_one(show(term)) in {_spelled_as_one(show(t)) for t in label}:
            continue  # one word written in two ("health care", "healthcare")
        label.append(term)
        if len(label) == n_terms:
            break
    return " · ".join(phrases.get(t) or show(t) for t in label) if label else NO_KEYWORD_LABEL


def _other_word(term: str, word: str) -> str:
    """The word of a two-word term that is not ``word``; "" where ``word`` is not one of its words."""
    parts = term.split(" ")
    return parts[1 - parts.index(word)] if len(parts) == 2 and word in parts else ""


def _spelled_as_one(term: str) -> str:
    """A label term's content words as one word ("health care" and "healthcare" are "healthcare")."""
    return "".join(named_words(term))


def phrase_of(first: str, second: str, texts: Sequence[str]) -> str | None:
    """The phrase that two shown two-word terms make, the last word of the first being the first of the second
    ("supprimer la taxe", "taxe d'habitation": "supprimer la taxe d'habitation"), when at least half of the
    ``texts`` that write the first write the phrase (case, accents and spaces aside); None otherwise."""
    return _phrase_in(first, second, [_folded_phrase(t) for t in texts])


def _phrase_in(first: str, second: str, folded: Sequence[str]) -> str | None:
    """:func:`phrase_of` in texts already folded (:func:`_folded_phrase`)."""
    head, _, tail = second.partition(" ")
    if not tail or fold_word(first.rsplit(" ", 1)[-1]) != fold_word(head):
        return None
    phrase = f"{first} {tail}"
    key_first, key_phrase = _folded_phrase(first), _folded_phrase(phrase)
    with_first = sum(key_first in t for t in folded)
    return phrase if with_first and 2 * sum(key_phrase in t for t in folded) >= with_first else None


class Phrases:
    """``make_label``'s ``chained`` for one theme: :func:`phrase_of` two terms as ``show`` shows them (as the
    label does), in either order, in the theme's member texts (folded once, when first asked: few labels have
    such terms)."""

    def __init__(self, show: Callable[[str], str], texts: Sequence[str]) -> None:
        self.show, self.texts = show, texts
        self.folded: list[str] | None = None

    def __call__(self, a: str, b: str) -> str | None:
        if self.folded is None:
            self.folded = [_folded_phrase(t) for t in self.texts]
        first, second = self.show(a), self.show(b)
        return _phrase_in(first, second, self.folded) or _phrase_in(second, first, self.folded)


def _folded_phrase(text: str) -> str:
    return " ".join(fold_letters(text.casefold().replace("’", "'")).split())


def answer_label(
    texts: Sequence[str], matched: Sequence[list[str]], label: str, also: Iterable[str] = ()
) -> str | None:
    """The label of a theme whose keywords describe fewer of its members than one repeated answer does: that answer
    as most often written, between « », or None (the keyword label stands). The answer must make up more than
    ``ANSWER_LABEL_SHARE`` of the theme.

    ``texts`` are the theme's members (one per contribution, copies included), ``matched`` the theme keywords
    each contains, ``label`` its keyword label, ``also`` the keywords its phrases are made of
    (``make_label``'s ``parts``), which describe the members holding them too. Keywords leave out stop words,
    so a theme of 185 answers "personne" (to "En qui faites-vous le plus confiance... ?") was labelled by the
    words of its few longer members, "actuellement · députés · peuple", and a theme of "moi-même" answers
    "biais · cqfd · donner parole". The answer must have at most ``ANSWER_LABEL_WORDS`` words (a label is
    short); its copies are counted by :func:`synthesis.prepare.dedup_key` (case, accents and punctuation
    aside)."""
    if not texts:
        return None
    terms = set(label.split(" · ")) | set(also) if label != NO_KEYWORD_LABEL else set()
    covered = sum(bool(terms.intersection(m)) for m in matched)
    keys = Counter(dedup_key(t) for t in texts)
    top = most_frequent(keys)
    if keys[top] <= max(covered, ANSWER_LABEL_SHARE * len(texts)) or len(top.split()) > ANSWER_LABEL_WORDS:
        return None
    # one line: an answer written over two lines ("TVA\nCSG") is shown as written, its line break a space
    return quoted(most_frequent(Counter(" ".join(t.split()) for t in texts if dedup_key(t) == top)))


def is_answer_label(label: str) -> bool:
    """Whether a theme's label is a repeated answer between « » (:func:`answer_label`), not keywords."""
    return label.startswith("« ") and label.endswith(" »")


def quoted(label: str) -> str:
    """A theme label between « » where a sentence names it; an answer label already is."""
    return label if is_answer_label(label) else f"« {label} »"


def names_same_words(a: str, b: str) -> bool:
    """Whether two keyword labels name the same words, in any order and terms, as :func:`distinguish_labels`
    compares them: a sub-theme that no keyword of its own tells from its theme is named as its theme."""
    return is_keyword_label(a) and is_keyword_label(b) and named_stems(a) == named_stems(b)


def is_keyword_label(label: str) -> bool:
    """Whether a label is made of keywords: not an answer label (« Personne »), not ``NO_KEYWORD_LABEL``."""
    return label != NO_KEYWORD_LABEL and not is_answer_label(label)


def named_stems(label: str) -> frozenset[str]:
    """The words a label (or keyword) names, as stems of their French lemmas, the articles and prepositions of
    its two-word terms aside: "impôt revenu" names the words of "revenus · impôts", and "taxer · tva" those of
    "taxes · tva" (each theme shows a word as its members write it most, :meth:`Vocabulary.shown_in`)."""
    return frozenset(
        stem(lemma(form)) for w, form in word_forms(label.replace(" · ", " ")) if w not in LINK_WORDS
    )


def _label_words(label: str) -> frozenset[str]:
    """The words a label (or keyword) names, accents and plurals aside (:func:`singular`): "impôt revenu"
    names the words of "revenus · impôts"; the articles and prepositions of its two-word terms aside
    ("président de la république" names "président" and "république")."""
    return frozenset(singular(w) for w in words(label.replace(" · ", " ")) if w not in LINK_WORDS)
