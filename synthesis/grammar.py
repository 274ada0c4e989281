"""What the words around a word make of it, in French, English and German (issue 4): the conjunctions that
end a two-word term, the negations and "trop de" that make the next content word a term of its own (``NEGATED``,
``EXCESS``), the articles and prepositions a two-word term is shown with, and the French words that only look
like content words ("a été", "nous sommes", "pas grand-chose"). :class:`synthesis.vocabulary.Vocabulary` reads
clauses with these rules; labels name a term's content words by them (:func:`named_words`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from synthesis.prepare import fold_letters
from synthesis.words import words

# ... nor a coordinating conjunction: "éducation et santé", "taxe d'habitation ou taxe foncière" are lists, not
# two-word terms (stop words otherwise stand between the words of a term: "produits de première nécessité").
CONJUNCTIONS = {
    "fr": frozenset("et ou ni mais car donc puis".split()),
    "en": frozenset("and or nor but".split()),
    "de": frozenset("und oder noch aber sondern".split()),
}
# French forms of "avoir" (folded) and what may stand between one and its participle ("n'a jamais été")
_AVOIR = frozenset(
    """ai as a avons avez ont avais avait avions aviez avaient aurai auras aura aurons aurez auront aurais aurait
    aurions auriez auraient aie aies ait ayons ayez aient eusse eut ayant avoir""".split()
)
_BETWEEN_AUXILIARY = frozenset(
    "pas jamais deja toujours souvent bien tres plus vraiment aussi rarement".split()
)
# What may stand between "nous" and its verb ("nous ne sommes pas", "nous en sommes", "nous y sommes")
_BETWEEN_SUBJECT = frozenset("ne n y en".split())
# A negation makes the next content word a term of its own, "¬" before its stem, shown as written from the
# negation on ("pas de difficulté", "aucun problème", "sans emploi", "not enough housing"): the word alone said
# the opposite of the answers ("difficulté · particulier" labelled 203 "Pas de difficulté particulière"). Only
# the words of ``NEGATION_GAP`` (articles, "assez", "eu"...), at most ``NEGATION_MAX_GAP`` of them, may stand
# between; any other word ends the negation ("pas que", "not only"). "ne" alone is not one ("ne ... que" is
# "only"): it negates a verb followed by "pas" (``NE_SECOND``).
NEGATED = "¬"
NEGATION_MARKERS = {
    "fr": frozenset("pas jamais aucun aucune sans ni non".split()),
    "en": frozenset(
        """not no never without nor cannot don't doesn't didn't isn't aren't wasn't weren't can't couldn't
        won't wouldn't shouldn't haven't hasn't""".split()
    ),
    "de": frozenset("nicht kein keine keinen keinem keiner keines nie ohne".split()),
}
NEGATION_GAP = {
    "fr": frozenset(
        """de du des d l le la les un une assez trop tres vraiment eu ete a au aux en mon ma mes son sa ses leur
        leurs notre nos votre vos ce cet cette ces""".split()
    ),
    "en": frozenset(
        "a an the any enough more much many be been have had to too very really so my our their".split()
    ),
    "de": frozenset(
        "ein eine einen einem einer mehr genug zu so sehr der die das den dem viel viele vielen vieler".split()
    ),
}
NEGATION_MAX_GAP = 3
# "trop de" makes the next content word a term of its own in the same way, ``EXCESS`` before its stem, shown
# from "trop" on: "trop d'immigration" answers "Que pensez-vous de l'immigration ?" where "immigration" alone
# repeats the question (a theme of 127 answers, most "Trop d'immigration", was labelled "économiques ·
# illégale · stopper"), and "trop de taxes" says the opposite of "plus de taxes"; so do English "too many",
# "too much" and German "zu viel(e)". "trop" before an adjective only says how much ("températures trop
# élevées" are "températures élevées"): it makes no term.
EXCESS = "⁺"
# each language's "trop", and the words after it that make it "trop de"
EXCESS_MARKERS = {
    "fr": {"trop": frozenset({"de", "d"})},
    "en": {"too": frozenset({"many", "much"})},
    "de": {"zu": frozenset({"viel", "viele", "vielen", "vieler"})},
}
MARKED = (NEGATED, EXCESS)
_MARKS = "".join(MARKED)
_MARKER_WORDS = frozenset().union(*NEGATION_MARKERS.values(), *EXCESS_MARKERS.values())
# a two-word term is shown as participants most often wrote it, with the words between its words ("transports
# en commun", "impôt sur le revenu") where at most this many stand between them, all articles, prepositions,
# determiners or ordinals (folded; an elision as its letter); else as its two words ("je partage complètement
# ce point")
PHRASE_MAX_GAP = 2
PHRASE_LINKS = {
    "fr": frozenset(
        "de du des d la le les l en au aux a sur sous par pour dans avec contre entre chez vers un une son sa ses "
        "leur leurs notre nos votre vos mon ma mes ce cet cette ces "
        # ordinals ("produits de première nécessité", "produits de 1ère nécessité")
        "premier premiere premiers premieres 1er 1ere 1re 1ers 1eres second seconde seconds secondes 2nd 2nde "
        "deuxieme deuxiemes 2e 2eme 2emes troisieme troisiemes 3e 3eme 3emes".split()
    ),
    "en": frozenset("of the a an to for in on at by with from our their my your its his her".split()),
    "de": frozenset(
        "der die das des dem den ein eine einer eines einem einen von vom zu zur zum für mit im in am an auf aus "
        "bei".split()
    ),
}
LINK_WORDS = frozenset().union(*PHRASE_LINKS.values())
# Stop words that a negation makes a term of ("pas encore": not yet, to "Votre vie est-elle touchée par le
# changement climatique ?"); the negation is shown as written
NEGATED_STOP_WORDS = {"fr": frozenset({"encore"}), "en": frozenset({"yet"})}
# French "ne" (or "n'"), object pronouns, a verb, then one of these: the verb is negated ("je ne comprends pas",
# "n'arrive plus"), shown from "ne" to it; "ne ... que" ("only") is not a negation
NE_SECOND = frozenset("pas jamais plus rien guere point".split())
NE_PRONOUNS = frozenset("me te se le la les lui leur y en nous vous m t s l".split())
# Two words that are one stop word: "pas grand-chose" (not much), "pas grand monde" (hardly anyone) were
# labelled "pas grand · monde"; "(mettre, mise) en place" ("quotas · place · annuels" for "mettre en place
# des quotas annuels"), "sur place" (on site) and "(mettre, mise) en œuvre"
STOP_PAIRS = frozenset(
    {("grand", "chose"), ("grand", "monde"), ("en", "place"), ("sur", "place"), ("en", "oeuvre")}
)
STOP_PAIR_WORDS = frozenset(w for pair in STOP_PAIRS for w in pair)
# "pas" after these words is the noun ("un pas en avant", "à deux pas de la mairie"), not a negation
PAS_NOUN = frozenset(
    "un le les des du ce premier premiers petit petits grand grands deux trois quelques".split()
)


def next_to(clause: list[tuple[str, str]], start: int, end: int) -> bool:
    """Whether only elisions stand between the clause's ``start``-th and ``end``-th words ("services d'urgence"
    are next to each other)."""
    return all(f[-1] == "'" for _, f in clause[start + 1 : end])


def phrase_forms(
    clause: list[tuple[str, str]], start: int, end: int, first: str, last: str
) -> tuple[str, ...]:
    """The written words of a two-word term, from its first word ``first``, the clause's ``start``-th, to its
    last, the ``end``-th: ("transports", "en", "commun"), ("carte", "d'", "identité") (read by
    :meth:`Vocabulary.show`)."""
    if end == start + 1:
        return first, last
    return first, *(f for _, f in clause[start + 1 : end]), last


def shown_phrase(written: Sequence[str], links: frozenset[str]) -> Sequence[str]:
    """A two-word term's written words as shown: with the words between its two words where they are at most
    ``PHRASE_MAX_GAP`` of ``links`` (articles, prepositions: "transports en commun"), else its two words alone
    ("je partage complètement ce point de vue" is "partage point")."""
    between = written[1:-1]
    if len(between) > PHRASE_MAX_GAP or any(
        fold_letters(f.rstrip("'")).replace(" ", "") not in links for f in between
    ):
        return written[0], written[-1]
    return written


def verb_after_ne(clause: list[tuple[str, str]], i: int) -> int:
    """The index of the verb that the clause's ``i``-th word ("ne", "n'") negates, -1 if none: object pronouns
    aside, the next word, when one of ``NE_SECOND`` follows it."""
    j = i + 1
    while j < len(clause) and clause[j][0] in NE_PRONOUNS:
        j += 1
    return j if j + 1 < len(clause) and clause[j + 1][0] in NE_SECOND else -1


def in_stop_pair(clause: list[tuple[str, str]], i: int) -> bool:
    """Whether the clause's ``i``-th word is one of ``STOP_PAIRS`` with the word before or after it."""
    w = clause[i][0]
    return (i + 1 < len(clause) and (w, clause[i + 1][0]) in STOP_PAIRS) or (
        i > 0 and (clause[i - 1][0], w) in STOP_PAIRS
    )


def _word_before(clause: list[tuple[str, str]], i: int, between: frozenset[str]) -> str:
    """The folded word before the clause's ``i``-th word, the words of ``between`` aside; "" if none."""
    return next((w for w, _ in reversed(clause[:i]) if w not in between), "")


def after_avoir(clause: list[tuple[str, str]], i: int) -> bool:
    """Whether a form of "avoir" stands before the clause's ``i``-th word, adverbs aside ("j'ai toujours")."""
    return _word_before(clause, i, _BETWEEN_AUXILIARY) in _AVOIR


def with_nous(clause: list[tuple[str, str]], i: int) -> bool:
    """Whether the clause's ``i``-th word has "nous" for subject: before it, "ne", "en" or "y" aside ("nous ne
    sommes pas"), or right after it ("sommes-nous"). A Grand Débat theme read "sommes · argent · mieux" for
    "nous sommes déjà trop imposés" (21 of the 25 members writing "sommes")."""
    after = clause[i + 1][0] if i + 1 < len(clause) else ""
    return "nous" in (after, _word_before(clause, i, _BETWEEN_SUBJECT))


def singular(word: str) -> str:
    """A label word without accents and without a final s or x, to tell a word from its plural (a negated
    term's word too: "difficulté" and "pas de difficulté" are not shown side by side)."""
    folded = fold_letters(word.lstrip(_MARKS))
    return folded[:-1] if len(folded) > 3 and folded[-1] in "sx" else folded


def named_words(term: str) -> list[str]:
    """Folded content words of a label term or keyword. A negated term's negation is left out: the negation
    word and the words of ``NEGATION_GAP`` after it ("pas de problème" is ["probleme"]), or "ne", the pronouns
    after it and the word of ``NE_SECOND`` after the verb ("ne le trouve pas" is ["trouve"]); so are the stop
    words inside a two-word term ("transports en commun" is ["transports", "commun"]). A negated term and a
    two-word term show these as written (:meth:`Vocabulary.show`); their other words are content words, as
    every keyword's."""
    folded = words(term)
    if len(folded) > 1 and re.match(r"n(?:e\s|['’])", term, re.IGNORECASE) and folded[-1] in NE_SECOND:
        return [w for w in folded[:-1] if w != "ne" and w not in NE_PRONOUNS]
    if len(folded) > 1 and folded[0] in _MARKER_WORDS:
        i = 1
        while (
            i <= NEGATION_MAX_GAP
            and i < len(folded) - 1
            and any(folded[i] in g for g in NEGATION_GAP.values())
        ):
            i += 1
        return folded[i:]
    return [folded[0], folded[-1]] if len(folded) > 2 else folded
