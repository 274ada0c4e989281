"""Explain each theme: keywords (c-TF-IDF on stems of lemmas), short label, verbatim MMR quotes, members' "why".

Issue 4. Keywords are Snowball stems of folded words (stop words, numbers and the question's own words
removed), shown as their most frequent surface form, plus two-word terms ("taxe habitation") of consecutive
content words of one clause (no punctuation or conjunction between them: "TVA, revenu" is a list), a noun of the
question in those that answers mostly write with it ("immigration choisie"). In French each
written word is first replaced by its lemma from spaCy's lookup table (:mod:`synthesis.lemmas`: "revenus" and
"revenu", "chevaux" and "cheval" are one keyword; "faisons" is the stop word "faire"), one lookup per
distinct word, without the model's tagger (which wants each word in its sentence); a word written without its
accents is read as its accented spelling, and a slip of the pen as the word it stands for
(:meth:`Vocabulary.learn_accents`, :meth:`Vocabulary.learn_spellings`). English or German stop
words and stems, with no lemma, when a question's answers are in that language (:func:`detect_language`).
The surface form shown is always a word that participants wrote."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import chain

import numpy as np

from synthesis.lemmas import in_dictionary, is_french_word, is_verb, lemma, lemma_table
from synthesis.prepare import NEGATIONS as NEGATIONS_FR_EN
from synthesis.prepare import dedup_key, fold_letters, most_frequent, spacy_stop_words

_WORD = re.compile(r"(?<!\w)[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
_ELISION = re.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)
# Two-word terms never span a clause break: punctuation, a line break or a dash between words ("TVA, revenu",
# "Mairie | École", "santé - éducation"); an apostrophe or a hyphen inside a word is no break.
_CLAUSE_BREAK = re.compile(r"[^\w \t'’-]+|\s[-–—]+\s")
# In a clause, a word, a number or a word starting with digits ("1ère", "2019", "1 ère": never a term, but a
# word that stands between two words, "produits de 1ère nécessité"; "ère" alone was a keyword), or a break
_NUMBER = r"(?<!\w)\w*\d[\w'’]*(?:[ \t](?:[eè]res?|ers?|[eè]mes?|nde?s?)(?!\w))?"
_has_digit = re.compile(r"\d").search
_WORD_OR_BREAK = re.compile(f"({_WORD.pattern})|({_NUMBER})|{_CLAUSE_BREAK.pattern}")
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
_MARKED = (NEGATED, EXCESS)
_MARKS = "".join(_MARKED)
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
_LINK_WORDS = frozenset().union(*PHRASE_LINKS.values())
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
_STOP_PAIR_WORDS = frozenset(w for pair in STOP_PAIRS for w in pair)
# "pas" after these words is the noun ("un pas en avant", "à deux pas de la mairie"), not a negation
_PAS_NOUN = frozenset(
    "un le les des du ce premier premiers petit petits grand grands deux trois quelques".split()
)
MIN_TOKEN_CHARS = 3
# French: a word of no French word list (``synthesis.lemmas.is_french_word``), of at least this many letters,
# one edit from a French word that the question's answers write at least ``SPELLING_RATIO`` times as often, is
# read as that word (``Vocabulary.learn_spellings``: "acceuillir", "quotats", "polution")
SPELLING_MIN_CHARS = 6
SPELLING_MAX_CHARS = 40  # longer "words" are no slips ("anticonstitutionnellement": 25 letters)
SPELLING_RATIO = 5
# a theme's words are shown as most written by this many of its members at most (``Vocabulary.shown_in``)
FORMS_SAMPLE = 300
NO_KEYWORD_LABEL = "thème sans mot-clé"
LABEL_TERMS = 3
# A label shows a word as its two-word term when the term weighs this share of the word in the theme, and the
# term is a compound (``Vocabulary.is_compound``: half the question's answers holding its rarer word hold it).
COMPOUND_SHARE = 0.8
# A label's terms after the first are each written by at least this share of the members who write its first:
# c-TF-IDF weighs what sets a theme apart, and 2 of its 644 members writing "petites" (642 "revenu") labelled it
# "revenu · petites · succession". Relative to the first term, so that the label of a theme where no word is
# widely written still names several of its words.
LABEL_MIN_SHARE = 0.1
# A repeated answer labels its theme (``answer_label``) when it has at most this many words and makes up more
# than this share of the theme (and more of it than the keyword label describes).
ANSWER_LABEL_WORDS = 8
ANSWER_LABEL_SHARE = 0.2
QUOTE_MIN_CHARS, QUOTE_MAX_CHARS = 40, 400  # readable quote lengths; others are penalised, never cut
# A quote that writes each of its words (stop words aside) more than this many times on average is penalised as
# much: "L'éducation. L'éducation. [...]" (18 times) was quoted for its theme of the Grand Débat before
# "L'éducation, pour tous". Long texts repeat their words more: République numérique's articles of law, up to 2.45.
QUOTE_MAX_REPEATS = 2.5
MMR_LAMBDA = 0.7  # relevance vs diversity of quotes
# copies of a text of this many words or more are one voice for keywords, as for campaigns (the default of
# ``RunSettings.campaign_min_words``); shorter identical answers are written by several (``class_tfidf``)
COPY_MIN_WORDS = 15
NEAR_DUPLICATE_SIM = 0.95  # two quotes this similar (cosine) count as the same quote
# ... and so do two quotes sharing this share of their words (lemmas, stop words included: Jaccard index),
# unless a negation is among the words that differ ("je suis favorable..." and "je ne suis pas favorable...")
NEAR_DUPLICATE_WORDS = 0.8
NEGATIONS = NEGATIONS_FR_EN | frozenset("nor nicht kein keine nie".split())

# Words that carry no theme in consultation answers, beyond spaCy's list (folded, no accents). The modal verbs
# "devoir", "pouvoir" and "vouloir" in every conjugated form; the infinitives "devoir" and "pouvoir" stay words,
# being nouns too ("droits et devoirs", "pouvoir d'achat"). "mis", "mise" and "mises", forms of
# "mettre" that the lemma table leaves as they are ("mis en place", "mise en œuvre"). "permettre", which says
# what something allows, not what ("mieux · permettrait · consultation"; "permis" stays a word: "permis de
# construire"). Adverbs that say how sure, how much or when, not what ("actuellement", "évidemment",
# "cordialement").
EXTRA_STOP_WORDS = frozenset(
    """etre avoir faire plus moins tres tout tous toute toutes trop bien peu fait faut falloir etc ainsi aussi
    alors donc car chose choses cela ceci ca cet cette ces oui non pas rien aucun aucune chaque meme memes autre
    autres beaucoup vraiment faudrait mettre mis mise mises aujourd'hui quelqu'une
    permettre permet permets permettent permettait permettaient permettrait permettraient permettant permettra
    permettront permette permettes
    actuellement evidemment normalement uniquement cordialement simplement justement forcement reellement
    totalement completement absolument certainement clairement particulierement considerablement surement
    effectivement franchement globalement finalement davantage
    dois doit devons devez doivent devais devait devions deviez devaient devrai devras devra devrons devrez
    devront devrais devrait devrions devriez devraient doive doives
    peux peut pouvons pouvez peuvent pouvais pouvait pouvions pouviez pouvaient pourrai pourras pourra pourrons
    pourrez pourront pourrais pourrait pourrions pourriez pourraient puisse puisses puissions puissiez puissent
    vouloir veux veut voulons voulez veulent voulais voulait voulions vouliez voulaient voudrai voudras voudra
    voudrons voudrez voudront voudrais voudrait voudrions voudriez voudraient veuille veuillent voulu""".split()
)


# English contractions kept whole by ``word_forms`` ("don't"); spaCy's list has only their parts ("n't"). And,
# as "faut", "chose", "beaucoup" in French, "need" ("we need...", "the city needs to..."), "like" ("I would like
# to see..."), "thing", "lot"; and, as in French, adverbs that say how sure, how much or when ("currently").
EXTRA_STOP_WORDS_EN = frozenset(
    """don't doesn't didn't isn't aren't wasn't weren't can't couldn't won't wouldn't shouldn't haven't hasn't
    it's i'm i've i'd i'll you're we're they're that's there's what's let's he's she's
    need needs needed needing like thing things lot lots yes etc
    currently obviously normally simply actually absolutely certainly clearly particularly surely frankly
    finally totally completely basically definitely probably especially generally truly honestly""".split()
)
# Languages of the keywords: spaCy's stop words (shipped as text files: importing spaCy costs ~4 s) and Snowball's
# stemmer of the same language. French is the product's language and the default.
LANGUAGES = {"fr": "french", "en": "english", "de": "german"}
EXTRA_BY_LANGUAGE = {"fr": EXTRA_STOP_WORDS, "en": EXTRA_STOP_WORDS_EN}
DETECT_SAMPLE = 2000  # texts looked at to tell a question's language
DETECT_MARGIN = 1.5  # another language must have this many times French's stop-word hits
# ... and be this share of the words at least (stop words are a third of a European text's words): a text in
# no language of LANGUAGES (the Chinese answers of Polis' vTaiwan) with one "in" among its words was German
DETECT_MIN_SHARE = 0.1


@cache
def _spacy_stop_words(language: str) -> frozenset[str]:
    return frozenset(_fold_word(w) for w in spacy_stop_words(language))


@cache
def stop_words(language: str = "fr") -> frozenset[str]:
    """Folded (lower case, no accents) stop words of ``language``: spaCy's, plus this module's extras."""
    return _spacy_stop_words(language) | EXTRA_BY_LANGUAGE.get(language, frozenset())


def french_stop_words() -> frozenset[str]:
    """:func:`stop_words` of French (the default everywhere: "too short" is judged on it)."""
    return stop_words("fr")


def detect_language(texts: Sequence[str]) -> str:
    """The language of a question's keywords: the one of ``LANGUAGES`` whose stop words the texts use most
    (an evenly spaced sample of ``DETECT_SAMPLE`` texts); French unless another has ``DETECT_MARGIN`` times
    its count, and ``DETECT_MIN_SHARE`` of the words (English, German Polis or Decidim exports gave labels
    such as "the · need · for")."""
    hits, words = _stop_word_hits(texts)
    best = max(hits, key=lambda lang: (hits[lang], lang == "fr"))
    enough = max(DETECT_MARGIN * hits["fr"], DETECT_MIN_SHARE * words)
    return best if hits[best] >= enough and best != "fr" else "fr"


def text_language(texts: Sequence[str]) -> str | None:
    """The language the texts are written in, where their stop words tell it: the one of ``LANGUAGES`` whose
    stop words are ``DETECT_MIN_SHARE`` of the words (an evenly spaced sample of ``DETECT_SAMPLE`` texts) and
    ``DETECT_MARGIN`` times any other's; None otherwise (Chinese, a mix, no words). Unlike
    :func:`detect_language`, no default: the report page marks a text's language only where it is known."""
    hits, words = _stop_word_hits(texts)
    (best, language), (second, _) = sorted(((n, lang) for lang, n in hits.items()), reverse=True)[:2]
    if words and best >= DETECT_MIN_SHARE * words and best >= DETECT_MARGIN * second:
        return language
    return None


def _stop_word_hits(texts: Sequence[str]) -> tuple[dict[str, int], int]:
    """(each of ``LANGUAGES`` → how many words are its stop words, number of words), over an evenly spaced
    sample of ``DETECT_SAMPLE`` texts."""
    step = max(1, len(texts) // DETECT_SAMPLE)
    folded = [f for t in texts[::step] for f, _ in word_forms(t)]
    return {lang: sum(w in _spacy_stop_words(lang) for w in folded) for lang in LANGUAGES}, len(folded)


def lemma_source(language: str) -> str:
    """The lemma table the keywords of ``language`` went through ("" where none: English, German)."""
    return lemma_table().source if language == "fr" else ""


def _fold_word(word: str) -> str:
    """A word as :func:`word_forms` folds it: lower case, no accents, ligatures as two letters, one kind of
    apostrophe."""
    return fold_letters(word.casefold().replace("’", "'"))


@cache
def _stemmer(language: str = "fr"):  # type: ignore[no-untyped-def]
    """Snowball's stemmer of ``language``; ``snowballstemmer`` hands out PyStemmer's C build of the same
    algorithm when it is installed (a dependency: the same stems on 23,060 Grand Débat words, 30x faster)."""
    import snowballstemmer

    return snowballstemmer.stemmer(LANGUAGES[language])


@lru_cache(maxsize=200_000)
def stem(word: str, language: str = "fr") -> str:
    """Snowball stem of a folded word (French by default)."""
    return str(_stemmer(language).stemWord(word))


def word_forms(text: str) -> list[tuple[str, str]]:
    """(folded, as written in lower case) pairs of the words of ``text``, elisions (l', d', qu') removed."""
    out: list[tuple[str, str]] = []
    for w in _WORD.findall(text.casefold()):
        out.extend(_word_parts(w))
    return out


@lru_cache(maxsize=200_000)
def _word_parts(word: str) -> tuple[tuple[str, str], ...]:
    """:func:`word_forms` of one lower-case word (cached: a consultation repeats a small vocabulary): its
    :func:`_clause_word_parts` without the elisions."""
    return tuple(part for part in _clause_word_parts(word) if not _is_elision(part[1]))


@lru_cache(maxsize=200_000)
def _clause_word_parts(word: str) -> tuple[tuple[str, str], ...]:
    """(folded, as written) parts of one lower-case word: split at hyphens, each leading elision a part of its
    own, its form ending in an apostrophe (("d", "d'"), ("impots", "impôts")), so that a negated term is shown
    as written ("pas d'impôts"). An apostrophe left inside a part is part of the word ("aujourd'hui",
    "quelqu'un", "presqu'île": split, they gave the non-words "aujourd", "quelqu", "presqu")."""
    out: list[tuple[str, str]] = []
    for p in word.replace("’", "'").split("-"):
        elision = _ELISION.match(p)
        if elision:
            out.append((fold_letters(elision.group()[:-1]), elision.group()))
            p = p[elision.end() :]
        if p:
            out.append((fold_letters(p), p))
    return tuple(out)


def _is_elision(form: str) -> bool:
    return form.endswith("'")


def _joined(forms: Sequence[str]) -> str:
    """Written words as one phrase, an elision joined to the word after it ("pas d'impôts")."""
    return "".join(f if _is_elision(f) else f"{f} " for f in forms).rstrip()


def clause_forms(text: str) -> list[list[tuple[str, str]]]:
    """:func:`word_forms` of each clause of ``text`` (split at ``_CLAUSE_BREAK``), in order, with the elisions
    as parts of their own (:func:`_clause_word_parts`)."""
    clauses: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for word, number in _WORD_OR_BREAK.findall(text.casefold()):
        if word:
            current.extend(_clause_word_parts(word))
        elif number:
            current.append((fold_letters(number), number))
        elif current:
            clauses.append(current)
            current = []
    return [*clauses, current] if current else clauses


def words(text: str) -> list[str]:
    """Folded words of ``text`` (lower case, no accents, elisions such as l', d', qu' removed)."""
    return [f for f, _ in word_forms(text)]


def tokens(text: str, stop: frozenset[str]) -> list[str]:
    """Folded content words of ``text``: no stop words, no numbers, at least ``MIN_TOKEN_CHARS`` letters."""
    return [w for w in words(text) if len(w) >= MIN_TOKEN_CHARS and w not in stop]


@dataclass
class Vocabulary:
    """Terms (stems and stem bigrams) of a set of texts, with the surface form shown for each term."""

    stop: frozenset[str]
    banned_stems: frozenset[str] = frozenset()
    language: str = "fr"
    # the banned stems that are in two-word terms with the word next to them (``question_vocabulary``)
    paired_stems: frozenset[str] = frozenset()
    surface: dict[str, str] = field(default_factory=dict)
    _forms: dict[str, Counter[str]] = field(default_factory=dict)
    # each two-word term's written pairs of words, counted (``show``)
    _pairs: dict[str, dict[tuple[str, ...], int]] = field(default_factory=dict)
    # each written word's stem, "" if it is not a content word (looked up once per question)
    _stem_of: dict[str, str] = field(default_factory=dict)
    # French: the accented spelling that a word written without its accents stands for (``learn_accents``)
    accented: dict[str, str] = field(default_factory=dict)
    # French: the word that a slip of the pen stands for (``learn_spellings``), both as written
    spelled: dict[str, str] = field(default_factory=dict)
    # answers (copies included) holding each term, counted by ``question_terms``
    answers_with: Counter[str] = field(default_factory=Counter)
    # each stem's written forms as words (``words_of``), for those written as several words only; {} if one
    _words: dict[str, dict[str, str]] = field(default_factory=dict)

    def learn_accents(self, forms: Iterable[tuple[tuple[str, str], int]]) -> None:
        """Note the accented written forms of a question's words, ``((folded, form), count)`` pairs: a word
        written without its accents ("elus", "interet") is then looked up in the lemma table as the question's
        most frequent accented spelling of it ("élus", "intérêt"), so both are one term. The table holds
        accented words only: "elus" stayed its own stem beside "élu", and a label read "élus · peuple · elus"."""
        seen: dict[str, Counter[str]] = {}
        for (folded, form), n in forms:
            if form != folded and not _is_elision(form):
                seen.setdefault(folded, Counter())[form] += n
        self.accented = {f: most_frequent(c) for f, c in seen.items()}

    def learn_spellings(self, forms: Counter[tuple[str, str]]) -> None:
        """Note the slips of the pen among a question's words, ``(folded, form)`` pairs counted: a word of
        ``SPELLING_MIN_CHARS`` letters or more that is no French word (:func:`is_french_word`, accents aside),
        one edit from a French word with the same first letter (a letter added, dropped or replaced, or two
        letters swapped; accents aside) that the answers write ``SPELLING_RATIO`` times as often or more, is
        read as that word, in its most frequent spelling (the most frequent such word where several are). A
        label read "quotas · place · quotats"; 29 answers writing "acceuillir" did not hold the keyword
        "accueillir". A word of its own that the dictionaries miss is written about as often as its
        neighbours, or has none."""
        count: Counter[str] = Counter()
        spellings: dict[str, Counter[str]] = {}
        for (folded, form), n in forms.items():
            if len(folded) >= MIN_TOKEN_CHARS and folded not in self.stop and not _is_elision(form):
                count[folded] += n
                spellings.setdefault(folded, Counter())[form] += n
        known = {f for f, c in spellings.items() if any(is_french_word(form) for form in c)}
        near: dict[str, list[str]] = {}  # a known word, and each word one letter shorter, -> the known words
        for k in known:
            if count[k] >= SPELLING_RATIO and len(k) >= SPELLING_MIN_CHARS - 1:
                for key in (k, *_deletions(k)):
                    near.setdefault(key, []).append(k)
        self.spelled = {}
        for f in count.keys() - known:
            if not SPELLING_MIN_CHARS <= len(f) <= SPELLING_MAX_CHARS:
                continue
            # a slip keeps its first letter: "prépas" is not "repas", "reforestation" not "déforestation"
            candidates = {k for key in (f, *_deletions(f)) for k in near.get(key, ()) if k[0] == f[0]}
            fits = [k for k in candidates if count[k] >= SPELLING_RATIO * count[f] and _one_edit(f, k)]
            if fits:
                word = most_frequent(spellings[min(fits, key=lambda k: (-count[k], k))])
                self.spelled.update(dict.fromkeys(spellings[f], word))

    def word_stem(self, folded: str, form: str) -> str:
        """The term of one word (folded, and lower case as written): its :meth:`content_stem`, "" for a
        banned stem (a word of the question)."""
        s = self.content_stem(folded, form)
        return "" if s in self.banned_stems else s

    def content_stem(self, folded: str, form: str) -> str:
        """The stem of one word's lemma (French) or of the word, "" for a stop word (the lemma's too: "faisons"
        is "faire") or a short word. :meth:`terms` reads a slip of the pen as its word before calling it."""
        if len(folded) < MIN_TOKEN_CHARS or folded in self.stop or _has_digit(folded):
            return ""
        if self.language == "fr":
            folded = _fold_word(lemma(self.accented.get(form, form)))
            if len(folded) < MIN_TOKEN_CHARS or folded in self.stop:
                return ""
        return stem(folded, self.language)

    def terms(
        self, text: str, copies: int = 1, written: list[list[tuple[str, str]]] | None = None
    ) -> list[str]:
        """Terms of ``text`` (its :func:`clause_forms` when given): content stems, then bigrams of consecutive
        content words of one clause, no conjunction, negation or word of the question between them (its words'
        written forms counted ``copies`` times). A word of the question is no stem, but one of ``paired_stems``
        is in bigrams with the words right next to it (``question_terms`` keeps the compounds). A
        content word under a negation, a word of the question's included, is ``NEGATED`` + its stem, shown as
        most often written from the negation on ("pas de difficulté", "ne comprends pas", "pas prêt"), and in no
        bigram (its negation and the words between would be shown too); after "trop de", ``EXCESS`` + its stem
        ("trop d'impôts")."""
        stems, bigrams = [], []
        breaks = CONJUNCTIONS.get(self.language, frozenset())
        markers = NEGATION_MARKERS.get(self.language, frozenset())
        excess = EXCESS_MARKERS.get(self.language, {})
        gap = NEGATION_GAP.get(self.language, frozenset())
        french = self.language == "fr"
        spelled = self.spelled
        for clause in clause_forms(text) if written is None else written:
            previous = previous_form = ""
            previous_at = -1  # the index of ``previous`` in the clause
            negation = -1  # index of the negation (or "trop") that the next content word is under, -1 if none
            mark = NEGATED  # ... and the mark it gives that word, ``EXCESS`` for "trop"
            verb = ne = -1  # a verb between "ne" and "pas", and the index of its "ne"
            for i, (w, form) in enumerate(clause):
                if french and (w == "ne" or form == "n'"):
                    verb, ne = _verb_after_ne(clause, i), i
                if negation >= 0 and w in gap and i - negation <= NEGATION_MAX_GAP:
                    continue
                if (
                    w in markers
                    and not (w == "pas" and i and clause[i - 1][0] in _PAS_NOUN)
                    or w in excess
                    and i + 1 < len(clause)
                    and clause[i + 1][0] in excess[w]
                ):
                    negation, previous = i, ""  # a bigram never spans a negation
                    mark = EXCESS if w in excess else NEGATED
                    continue
                negation_here, negation = negation, -1
                if form[-1] == "'":  # an elision (:func:`_clause_word_parts`)
                    continue
                if w in breaks:
                    previous = ""
                    continue
                if w == "ete" and french and _after_avoir(clause, i):
                    continue  # "a été" is "être", a stop word; "l'été", "en été" the season
                if w == "sommes" and french and _with_nous(clause, i):
                    continue  # "nous sommes" is "être"; "les sommes versées" are sums
                if w in _STOP_PAIR_WORDS and french and _in_stop_pair(clause, i):
                    continue
                form = spelled.get(form, form)
                s = self._stem_of.get(form)
                if s is None:
                    s = self._stem_of[form] = self.content_stem(w, form)
                negated = negation_here >= 0 or i == verb
                if not s:
                    if (
                        negation_here >= 0
                        and mark == NEGATED
                        and w in NEGATED_STOP_WORDS.get(self.language, ())
                    ):
                        term = NEGATED + w  # "pas encore": not yet, an answer ("Pas encore mais ça viendra")
                        self._count_form(term, tuple(f for _, f in clause[negation_here : i + 1]), copies)
                        stems.append(term)
                        previous = ""
                    continue
                # a word of the question is no term, unless negated: the negation is the answer ("pas prêt"
                # to "Seriez-vous prêt à payer plus d'impôts ?"); it is in a two-word term with a word of the
                # answer, which ``question_terms`` keeps where it is a compound ("société civile")
                if s in self.banned_stems and not negated:
                    paired = s in self.paired_stems
                    if (
                        paired
                        and previous
                        and previous not in self.banned_stems
                        and _next_to(clause, previous_at, i)
                    ):
                        bigrams.append(f"{previous} {s}")
                        self._count_form(
                            bigrams[-1], _phrase(clause, previous_at, i, previous_form, form), copies
                        )
                    previous, previous_form, previous_at = (s, form, i) if paired else ("", "", -1)
                    continue
                forms = self._forms.get(s)
                if forms is None:
                    forms = self._forms[s] = Counter()
                forms[form] += copies
                if negated:
                    # from the negation on; a verb after "ne", through its "pas"
                    start, end = (negation_here, i + 1) if negation_here >= 0 else (ne, i + 2)
                    s = (mark if negation_here >= 0 else NEGATED) + s
                    previous = ""  # a negated word is in no two-word term
                    if s in self.banned_stems:  # negated in the question too
                        continue
                    self._count_form(s, tuple(spelled.get(f, f) for _, f in clause[start:end]), copies)
                    stems.append(s)
                    continue
                stems.append(s)
                if (
                    previous
                    and previous != s
                    and (previous not in self.banned_stems or _next_to(clause, previous_at, i))
                ):
                    bigram = f"{previous} {s}"
                    bigrams.append(bigram)
                    self._count_form(bigram, _phrase(clause, previous_at, i, previous_form, form), copies)
                previous, previous_form, previous_at = s, form, i
        return stems + bigrams

    def _count_form(self, term: str, written: tuple[str, ...], copies: int) -> None:
        """Count one written form (its words) of a two-word or negated term (``show``)."""
        pairs = self._pairs.get(term)
        if pairs is None:
            pairs = self._pairs[term] = {}
        pairs[written] = pairs.get(written, 0) + copies

    def finish(self) -> None:
        """Fix each stem's surface form: its most frequent written word (ties: alphabetical), a word written
        without its accents counted as its accented spelling (``learn_accents``: "etat" is "état")."""
        for s, forms in self._forms.items():
            if self.accented and not self.accented.keys().isdisjoint(forms):
                merged: Counter[str] = Counter()
                for form, n in forms.items():
                    merged[self.with_accents(form)] += n
                forms = merged
            self.surface[s] = most_frequent(forms)

    def with_accents(self, form: str) -> str:
        """A word as shown: written without its accents, its accented spelling (``learn_accents``) where the
        French dictionary holds that spelling and not the word as written (:func:`in_dictionary`: "etat" is
        "état", "celibataires" "célibataires"); else as written ("taxe", not "taxé"; "tva", not "två")."""
        accented = self.accented.get(form)
        if accented is None or in_dictionary(form) or not in_dictionary(accented):
            return form
        return accented

    def shown_in(self, terms: Iterable[str], texts: Sequence[str]) -> dict[str, str]:
        """The words among ``terms`` written as several words ("travail" and "travaux", "commun" and "commune",
        "aide" and "aider": one stem of lemmas; a plural, accents or a verb's conjugation aside,
        :meth:`words_of`), each shown as the word that ``texts`` (a theme's members; at most ``FORMS_SAMPLE`` of
        them, evenly spaced) write most, where they write it more than the word :meth:`show` shows, in its form
        most written in the question: "code · travaux · routes" labelled the answers "Code du travail, code des
        impôts", "travaux" being most written in the question ("déclaration de travaux"), and "transports ·
        commune" the answers "transports en commun". French only: without a lemma table, a plural or a declension
        would read as another word ("förderung", "förderungen")."""
        if self.language != "fr":
            return {}
        words: dict[str, tuple[str, str]] = {}  # written form -> (term, its word)
        for t in terms:
            of = self._words.get(t)
            if of is None and (forms := self._forms.get(t)) is not None:
                of = self._words[t] = self.words_of(forms)
                if len(set(of.values())) < 2:
                    of = self._words[t] = {}
            words.update((f, (t, w)) for f, w in (of or {}).items())
        if not words:
            return {}
        counts: dict[str, Counter[str]] = {}
        spelled = self.spelled
        sample = " ".join(texts[:: max(1, -(-len(texts) // FORMS_SAMPLE))])
        for token, n in Counter(_WORD.findall(sample.casefold())).items():  # as word_forms reads each text
            for _, form in _word_parts(token):
                hit = words.get(spelled.get(form, form))
                if hit is not None:
                    counts.setdefault(hit[0], Counter())[hit[1]] += n
        out = {}
        for t, count in counts.items():
            word, forms, shown = most_frequent(count), self._forms[t], _singular(self.show(t))
            if count[word] > count[next((words[f][1] for f in forms if _singular(f) == shown), "")]:
                out[t] = self.with_accents(
                    most_frequent({f: n for f, n in forms.items() if words[f][1] == word})
                )
        return out

    def words_of(self, forms: Iterable[str]) -> dict[str, str]:
        """The word that each French written form is a form of (one of them): forms alike without accents and
        plural (:func:`_singular`), and the forms of one verb ("payer", "payons", "payé"), are one word."""
        word: dict[str, str] = {}

        def of(form: str) -> str:
            while word[form] != form:
                form = word[form]
            return form

        first: dict[str, str] = {}  # a key (a form without plural, an infinitive) -> the first form with it
        for f in forms:
            word[f] = f
            keys = [_singular(f)]
            if is_verb(infinitive := lemma(f)):
                keys.append(infinitive)
            for key in keys:
                if key in first:
                    word[of(f)] = of(first[key])
                else:
                    first[key] = f
        return {f: of(f) for f in word}

    def is_compound(self, term: str) -> bool:
        """Whether a two-word term is a compound: held by half of the answers that hold the rarer of its words
        at least ("foncière" is mostly written in "taxe foncière"; "santé" and "éducation", listed together
        by some, are mostly written apart); with a word of the question, by half of those that hold its other
        word ("civile" is mostly written in "société civile")."""
        parts = term.split(" ")
        n = self.answers_with
        held = [n[p] for p in parts if p not in self.banned_stems]
        return len(parts) == 2 and bool(held) and 0 < n[term] >= min(held) / 2

    def is_phrase(self, term: str) -> bool:
        """Whether a two-word term is shown as participants most often wrote it, its words next to each other
        or joined by articles and prepositions (:func:`_shown_phrase`: "grande ville", "pollution de l'air"),
        not as two words that other words stood between ("fibre territoire" of "la fibre sur tout le
        territoire")."""
        pairs = self._pairs.get(term)
        if not pairs or term.startswith(_MARKED):
            return False
        written = most_frequent(pairs)
        return len(_shown_phrase(written, PHRASE_LINKS.get(self.language, frozenset()))) == len(written)

    def show(self, term: str) -> str:
        """A term as shown: a stem's surface form (:meth:`finish`); a two-word term as participants most often
        wrote it, with the articles and prepositions between its words (:func:`_shown_phrase`: "transports en
        commun"; "revenu foncier", not "revenu foncière" from the forms of each word alone; ties:
        alphabetical), a word of the pair written as its word alone where only case or accents differ ("sante
        securité" is "santé sécurité"); a negated term (:meth:`terms`) as most often written, verbatim ("pas
        d'impôts", "n'arrive pas"). Pairs are looked at when first shown: most are never shown."""
        shown = self.surface.get(term)
        if shown is None and term.startswith(_MARKED):
            shown = self.surface[term] = _joined(most_frequent(self._pairs[term]))
        elif shown is None:
            alone = [self.surface.get(p, p) for p in term.split(" ")]
            pairs = self._pairs.get(term)
            links = PHRASE_LINKS.get(self.language, frozenset())
            written = list(_shown_phrase(most_frequent(pairs), links) if pairs else alone)
            for at, a in zip((0, -1), alone, strict=True):
                w = written[at]
                written[at] = a if _fold_word(a) == _fold_word(w) else self.with_accents(w)
            shown = self.surface[term] = _joined(written)
        return shown


def _next_to(clause: list[tuple[str, str]], start: int, end: int) -> bool:
    """Whether only elisions stand between the clause's ``start``-th and ``end``-th words ("services d'urgence"
    are next to each other)."""
    return all(f[-1] == "'" for _, f in clause[start + 1 : end])


def _phrase(clause: list[tuple[str, str]], start: int, end: int, first: str, last: str) -> tuple[str, ...]:
    """The written words of a two-word term, from its first word ``first``, the clause's ``start``-th, to its
    last, the ``end``-th: ("transports", "en", "commun"), ("carte", "d'", "identité") (read by
    :meth:`Vocabulary.show`)."""
    if end == start + 1:
        return first, last
    return first, *(f for _, f in clause[start + 1 : end]), last


def _shown_phrase(written: Sequence[str], links: frozenset[str]) -> Sequence[str]:
    """A two-word term's written words as shown: with the words between its two words where they are at most
    ``PHRASE_MAX_GAP`` of ``links`` (articles, prepositions: "transports en commun"), else its two words alone
    ("je partage complètement ce point de vue" is "partage point")."""
    between = written[1:-1]
    if len(between) > PHRASE_MAX_GAP or any(
        fold_letters(f.rstrip("'")).replace(" ", "") not in links for f in between
    ):
        return written[0], written[-1]
    return written


def _verb_after_ne(clause: list[tuple[str, str]], i: int) -> int:
    """The index of the verb that the clause's ``i``-th word ("ne", "n'") negates, -1 if none: object pronouns
    aside, the next word, when one of ``NE_SECOND`` follows it."""
    j = i + 1
    while j < len(clause) and clause[j][0] in NE_PRONOUNS:
        j += 1
    return j if j + 1 < len(clause) and clause[j + 1][0] in NE_SECOND else -1


def _in_stop_pair(clause: list[tuple[str, str]], i: int) -> bool:
    """Whether the clause's ``i``-th word is one of ``STOP_PAIRS`` with the word before or after it."""
    w = clause[i][0]
    return (i + 1 < len(clause) and (w, clause[i + 1][0]) in STOP_PAIRS) or (
        i > 0 and (clause[i - 1][0], w) in STOP_PAIRS
    )


def _word_before(clause: list[tuple[str, str]], i: int, between: frozenset[str]) -> str:
    """The folded word before the clause's ``i``-th word, the words of ``between`` aside; "" if none."""
    return next((w for w, _ in reversed(clause[:i]) if w not in between), "")


def _after_avoir(clause: list[tuple[str, str]], i: int) -> bool:
    """Whether a form of "avoir" stands before the clause's ``i``-th word, adverbs aside ("j'ai toujours")."""
    return _word_before(clause, i, _BETWEEN_AUXILIARY) in _AVOIR


def _with_nous(clause: list[tuple[str, str]], i: int) -> bool:
    """Whether the clause's ``i``-th word has "nous" for subject: before it, "ne", "en" or "y" aside ("nous ne
    sommes pas"), or right after it ("sommes-nous"). A Grand Débat theme read "sommes · argent · mieux" for
    "nous sommes déjà trop imposés" (21 of the 25 members writing "sommes")."""
    after = clause[i + 1][0] if i + 1 < len(clause) else ""
    return "nous" in (after, _word_before(clause, i, _BETWEEN_SUBJECT))


def _deletions(word: str) -> list[str]:
    """``word`` less one of its letters, each way."""
    return [word[:i] + word[i + 1 :] for i in range(len(word))]


def _one_edit(a: str, b: str) -> bool:
    """Whether two different words are one edit apart: a letter added, dropped or replaced, or two neighbouring
    letters swapped (optimal string alignment distance 1)."""
    if len(a) < len(b):
        a, b = b, a
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and (a[diff[0]], a[diff[1]]) == (b[diff[1]], b[diff[0]])
        )
    return len(a) == len(b) + 1 and b in _deletions(a)


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
    words = [w for w in map(_fold_word, _WORD.findall(text)) if w not in stop]
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
    return frozenset(_fold_word(lemma(form)) for _, form in word_forms(text))


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


@dataclass
class ThemeExplanation:
    keywords: list[tuple[str, float]]
    label: str
    quote_indices: list[int]
    similarities: np.ndarray
    matched_keywords: list[list[str]] = field(default_factory=list)


def _singular(word: str) -> str:
    """A label word without accents and without a final s or x, to tell a word from its plural (a negated
    term's word too: "difficulté" and "pas de difficulté" are not shown side by side)."""
    folded = fold_letters(word.lstrip(_MARKS))
    return folded[:-1] if len(folded) > 3 and folded[-1] in "sx" else folded


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
            if _singular(other) in used:  # inside another two-word term: the word is shown alone
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
    if not tail or _fold_word(first.rsplit(" ", 1)[-1]) != _fold_word(head):
        return None
    phrase = f"{first} {tail}"
    key_first, key_phrase = _folded_phrase(first), _folded_phrase(phrase)
    with_first = sum(key_first in t for t in folded)
    return phrase if with_first and 2 * sum(key_phrase in t for t in folded) >= with_first else None


class _Phrases:
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


def _participle_forms(form: str) -> set[str]:
    """The forms of a French past participle that the lemma table holds, for any of them ("touchée":
    "touché", "touchée", "touchés", "touchées"; "perdue": "perdu", "perdue"...), none for a word none of whose
    forms has a verb for lemma ("santé", "idée"). The table reads some of them as nouns or adjectives, others
    as the verb: the question's "touchée" was "touchée", the answers' "touché" "toucher", and a label of the
    answers to "De quelle manière votre vie quotidienne est-elle touchée par le changement climatique ?" read
    "impact · touché · réchauffement"; so are the question's "donnée" and the answers' "données" ("donner"),
    "perdu" and "perdue" ("perdre")."""
    word = form.casefold()
    masculines = {word} | {
        word[: -len(e)] for e in ("e", "s", "es") if word.endswith(e) and len(word) > len(e) + 2
    }
    out: set[str] = set()
    for m in masculines:
        forms = {f for f in (m, m + "e", m + "s", m + "es") if is_french_word(f)}
        if any(is_verb(lemma(f)) for f in forms):
            out |= forms
    return out


def question_vocabulary(question_text: str, language: str = "fr") -> Vocabulary:
    """A vocabulary with the stop words of ``language``, and the stems of the question's own words banned, and
    its negated terms too: a negated word of the question is a term (:meth:`Vocabulary.terms`: "pas prêt"
    answers "Seriez-vous prêt ... ?"), unless the question negates it ("ne fonctionne pas" only repeats "Quels
    services ne fonctionnent pas ?")."""
    stop = stop_words(language)
    words_of_question = Vocabulary(stop, language=language)
    stems = {form: words_of_question.word_stem(w, form) for w, form in word_forms(question_text)}
    banned = set(stems.values()) - {""}
    if language == "fr":  # every form of a participle, whichever lemma the table gives each
        banned |= {
            words_of_question.word_stem(_fold_word(f), f)
            for form, s in stems.items()
            if s
            for f in _participle_forms(form)
        }
    negated = {t for t in words_of_question.terms(question_text) if t.startswith(_MARKED)}
    # French nouns and adjectives of the question, told from its verbs by their lemma: "immigration choisie"
    # answers "Que pensez-vous de l'immigration ?", "baisser TVA" only repeats "Quels impôts faut-il baisser ?"
    paired = {s for form, s in stems.items() if s and language == "fr" and not is_verb(lemma(form))}
    return Vocabulary(stop, frozenset(banned | negated), language=language, paired_stems=frozenset(paired))


# The finished vocabulary of a question and the terms of each of its texts (:func:`question_terms`)
QuestionTerms = tuple[Vocabulary, list[list[str]]]


def question_terms(
    texts: Sequence[str], question_text: str = "", language: str | None = None
) -> QuestionTerms:
    """The terms of each text, and the vocabulary (surface forms) they were counted in (each distinct text
    is split once; copies share its list); ``language`` by :func:`detect_language` when not given."""
    vocab = question_vocabulary(question_text, language or detect_language(texts))
    copies = Counter(texts)
    forms = {t: clause_forms(t) for t in copies}
    if vocab.language == "fr":
        # every written word counted, copies included (Counter counts an iterable in C: one pass for them all)
        written = Counter(
            chain.from_iterable(c for t, clauses in forms.items() for c in clauses for _ in range(copies[t]))
        )
        vocab.learn_accents(written.items())
        vocab.learn_spellings(written)
    of_text = {}
    for t, n in copies.items():
        of_text[t] = vocab.terms(t, n, forms[t])
        vocab.answers_with.update(dict.fromkeys(of_text[t], n))
    # a two-word term with a word of the question is kept where it is a compound: "immigration" alone
    # repeats "Que pensez-vous de l'immigration... ?", "immigration choisie" answers it
    dropped = {
        t
        for t in vocab.answers_with
        if " " in t and not vocab.banned_stems.isdisjoint(t.split(" ")) and not vocab.is_compound(t)
    }
    if dropped:
        for t, terms in of_text.items():
            of_text[t] = [term for term in terms if term not in dropped]
        for t in dropped:
            del vocab.answers_with[t]
    vocab.finish()
    return vocab, [of_text[t] for t in texts]


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
            chained=_Phrases(shown.__getitem__, member_texts[k]),
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
            others = {_named_stems(k) for o in same if o is not t for k, _ in o.keywords}
            holders = Counter(chain.from_iterable(t.matched_keywords))
            least = LABEL_MIN_SHARE * max(holders.values(), default=0)
            extra = next(
                (
                    k
                    for k, _ in t.keywords
                    if not (named := _named_stems(k)) & words_of_label
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
    return _is_keyword_label(a) and _is_keyword_label(b) and _named_stems(a) == _named_stems(b)


def _by_label_words(themes: dict[int, ThemeExplanation]) -> dict[frozenset[str], list[int]]:
    """The themes with a keyword label, by the words it names (:func:`_named_stems`), whatever their order and
    terms."""
    out: dict[frozenset[str], list[int]] = {}
    for k, t in themes.items():
        if _is_keyword_label(t.label):
            out.setdefault(_named_stems(t.label), []).append(k)
    return out


def _is_keyword_label(label: str) -> bool:
    """Whether a label is made of keywords: not an answer label (« Personne »), not ``NO_KEYWORD_LABEL``."""
    return label != NO_KEYWORD_LABEL and not is_answer_label(label)


def _named_stems(label: str) -> frozenset[str]:
    """The words a label (or keyword) names, as stems of their French lemmas, the articles and prepositions of
    its two-word terms aside: "impôt revenu" names the words of "revenus · impôts", and "taxer · tva" those of
    "taxes · tva" (each theme shows a word as its members write it most, :meth:`Vocabulary.shown_in`)."""
    return frozenset(
        stem(lemma(form)) for w, form in word_forms(label.replace(" · ", " ")) if w not in _LINK_WORDS
    )


def _label_words(label: str) -> frozenset[str]:
    """The words a label (or keyword) names, accents and plurals aside (:func:`_singular`): "impôt revenu"
    names the words of "revenus · impôts"; the articles and prepositions of its two-word terms aside
    ("président de la république" names "président" and "république")."""
    return frozenset(_singular(w) for w in words(label.replace(" · ", " ")) if w not in _LINK_WORDS)


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


def content_word_count(text: str) -> int:
    """Number of content words (no stop word, no number) in ``text``: "too short" is judged on it."""
    return len(tokens(text, french_stop_words()))
