"""The words of a text as keywords and quotes read them (issue 4): folded (lower case, no accents, one kind
of apostrophe), elisions apart, split into clauses at punctuation and dashes; the stop words and Snowball stems of
each language of ``LANGUAGES`` (spaCy's stop words plus this module's extras: what they hold decides which words
can be keywords); and the language of a question's answers (:func:`detect_language`: English or German stop
words and stems when its answers are in that language, French otherwise)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache

from synthesis.lemmas import lemma_table
from synthesis.prepare import fold_letters, spacy_stop_words

WORD = re.compile(r"(?<!\w)[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
_ELISION = re.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)
# Two-word terms never span a clause break: punctuation, a line break or a dash between words ("TVA, revenu",
# "Mairie | École", "santé - éducation"); an apostrophe or a hyphen inside a word is no break.
_CLAUSE_BREAK = re.compile(r"[^\w \t'’-]+|\s[-–—]+\s")
# In a clause, a word, a number or a word starting with digits ("1ère", "2019", "1 ère": never a term, but a
# word that stands between two words, "produits de 1ère nécessité"; "ère" alone was a keyword), or a break
_NUMBER = r"(?<!\w)\w*\d[\w'’]*(?:[ \t](?:[eè]res?|ers?|[eè]mes?|nde?s?)(?!\w))?"
has_digit = re.compile(r"\d").search
_WORD_OR_BREAK = re.compile(f"({WORD.pattern})|({_NUMBER})|{_CLAUSE_BREAK.pattern}")
MIN_TOKEN_CHARS = 3

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
    return frozenset(fold_word(w) for w in spacy_stop_words(language))


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


def fold_word(word: str) -> str:
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
    for w in WORD.findall(text.casefold()):
        out.extend(word_parts(w))
    return out


@lru_cache(maxsize=200_000)
def word_parts(word: str) -> tuple[tuple[str, str], ...]:
    """:func:`word_forms` of one lower-case word (cached: a consultation repeats a small vocabulary): its
    :func:`_clause_word_parts` without the elisions."""
    return tuple(part for part in _clause_word_parts(word) if not is_elision(part[1]))


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


def is_elision(form: str) -> bool:
    return form.endswith("'")


def joined(forms: Sequence[str]) -> str:
    """Written words as one phrase, an elision joined to the word after it ("pas d'impôts")."""
    return "".join(f if is_elision(f) else f"{f} " for f in forms).rstrip()


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


def content_word_count(text: str) -> int:
    """Number of content words (no stop word, no number) in ``text``: "too short" is judged on it."""
    return len(tokens(text, french_stop_words()))
