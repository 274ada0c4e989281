"""Text preparation: normalisation, exclusion reasons (empty, punctuation only, non-answers), PII masking."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import TypeVar

# Reason codes for contributions kept out of clustering (each has a French message in EXCLUSION_MESSAGES).
EMPTY = "empty"
NO_LETTERS = "no_letters"
NON_ANSWER = "non_answer"
IMPORT_EXCLUDED = "import_excluded"

EXCLUSION_MESSAGES = {
    EMPTY: "texte vide",
    NO_LETTERS: "aucun mot (ponctuation, chiffres ou symboles seulement)",
    NON_ANSWER: "non-réponse (« RAS », « néant », « je ne sais pas », « pas d'exemple »…)",
}

_WS = re.compile(r"\s+")
_NON_WORD = re.compile(r"[\W_]+")  # a run of punctuation, spaces and underscores

# "None" is the answer to a question asking which ones, or who: "Aucune" to "Pour quelle(s) politique(s) publique(s)
# [...] seriez-vous prêts à payer plus d'impôts ?" is a refusal (947 of the Grand Débat's 8,947 answers), as
# "Personne" answers "En qui faites-vous le plus confiance... ?". To other questions ("Avez-vous des remarques ?")
# it says nothing more than "Non". Compared once the yes / no and the filler are set aside ("Non, aucune").
# Inclusive spellings as ``dedup_key`` leaves them: "aucun(e)", "aucun.e.s".
NONE_ANSWERS = frozenset(
    "aucun aucune aucuns aucunes none".split() + ["aucun e", "aucune s", "aucun e s", "aucun es"]
)
# Whole answers that say nothing about the question; compared after ``dedup_key`` normalisation (issue 4).
# Kept conservative: "personne", "aucune difficulté", "pas de problème" answer some questions, so they stay.
_SAYS_NOTHING = frozenset(
    {
        "ras",
        "r a s",
        "rien a signaler",
        "rien",
        "rien a dire",
        "rien a ajouter",
        "neant",
        "nc",
        "nsp",
        "nspp",
        "ne sais pas",
        "je ne sais pas",
        "je sais pas",
        "sais pas",
        "ne sait pas",
        "je ne sais",
        "aucun avis",
        "sans avis",
        "pas d avis",
        "je n ai pas d avis",
        "pas d idee",
        "aucune idee",
        "je n ai pas d idee",
        "non",
        "oui",
        "pas",
        "non concerne",
        "non concernee",
        "non concernes",
        "pas concerne",
        "pas concernee",
        "je ne suis pas concerne",
        "je ne suis pas concernee",
        "ne me concerne pas",
        "sans objet",
        "idem",
        "voir plus haut",
        "cf plus haut",
        "voir ci dessus",
        "cf ci dessus",
        "ok",
        "x",
        "xx",
        "xxx",
        "na",
        "n a",
        "pas de reponse",
        "sans reponse",
        "pas de commentaire",
        "aucun commentaire",
        "sans commentaire",
        "no comment",
        "nothing",
        "test",
        "je n en sais rien",
        "j en sais rien",
        "pas d opinion",
        "sans opinion",
        "aucune opinion",
        "je ne vois pas",
        "ne vois pas",
        "je ne me prononce pas",
        "ne se prononce pas",
        "pas vraiment",
        "pas d enfant",
        "pas d enfants",
        "je n ai pas d enfant",
        "je n ai pas d enfants",
        "bof",
        "pareil",
        "je ne peux pas repondre",
        "pas de commentaires",
        "aucun commentaires",
        "rien de special",
        "rien de particulier",
        "je l ignore",
        "j ignore",
        "deja repondu",
        "non applicable",
        "pas applicable",
        "non pertinent",
        "non pertinente",
        "pas pertinent",
    }
)
NON_ANSWERS = _SAYS_NOTHING | NONE_ANSWERS  # "Aucune" too, where it does not answer the question
# Filler that may surround a non-answer without changing it ("Non merci", "RAS pour l'instant").
_NON_ANSWER_FILLER = re.compile(
    r"^(?:(?:euh|bah|ben|alors|hum|et bien|eh bien)\s+)*(.*?)"
    r"(?:\s+(?:merci|du tout|en particulier|pour l instant|pour le moment|a ce jour|pour ma part"
    r"|trop|vraiment))*$"
)
_YES_NO = re.compile(r"^(?:(?:non|oui)\s+)+")  # before a non-answer, says nothing more ("Non, aucune")
_ASKS_WHICH = re.compile(
    r"\b(?:quel|quelle|quels|quelles|lequel|laquelle|lesquels|lesquelles|which|what|who|whom)\b"
    # "qui" asks only at the start of a sentence or after a preposition ("En qui...", "À qui..."), not as a relative
    r"|(?:^|[.?!;:¿]\s*|\b(?:a|en|de|pour|par|avec|chez|sur|envers|contre|to|in)\s+)qui\b"
)
# ... but not when it asks for the participant's own ideas or remarks: "Aucune" to "Quelles propositions
# feriez-vous ?" or "Quelles remarques souhaitez-vous ajouter ?" says there is nothing to add
_ASKS_FOR_MORE = re.compile(
    r"\b(?:remarques?|commentaires?|observations?|suggestions?|precisions?|propositions?|idees?|solutions?"
    r"|ajouter|remarks?|comments?|ideas?|proposals?|add)\b"
)
# A longer text is an answer, even if it says only words of a non-answer. The letters that elision leaves ("n'",
# "l'") do not count: "Je n'ai pas les compétences pour répondre à cette question" is 9 words.
MAX_NON_ANSWER_WORDS = 12

# Short answers saying only that the participant has nothing to say: a negation, a word about knowing,
# remembering or answering, and else only stop words ("Pas d'exemple précis en tête", "Je n'en vois pas",
# "Pas à ma connaissance", "Je ne comprends pas la question", "Je ne sais plus", "Sans objet pour moi", "Pas de
# remarques", "Non concerné dernièrement", "Je n'ai pas les compétences pour répondre", "Je n'y ai pas
# réfléchi"). Judged on ``dedup_key``'s words. Left out as answering words: "capacité" ("pas de capacité
# d'accueil"), "spécialiste" ("pas de spécialistes" is a missing service), "sujet" ("ce n'est pas un sujet").
NOTHING_TO_SAY = frozenset(
    """sais sait savoir saurais idee idees exemple exemples question questions reponse reponses repondre souviens
    souvient souvenir souvenirs rappelle rappeler connaissance connais connait comprends comprend compris avis
    opinion prononce prononcer commentaire commentaires remarque remarques observation observations objet objets
    competence competences competent competente connaissances expertise elements informations reflechi repond
    reponds saisis saisi citer fournir soumettre
    vois voit vient viennent revient occasion memoire tete esprit experience concerne concernee concernes
    concernees concerner concernant precis precise recent recents recemment dernierement specialement particulier
    particuliere particulierement spontanement immediat immediate instant moment souhaite know idea sure remember
    example answer""".split()
)
# French and English negations (``explain`` adds German ones to compare quotes)
NEGATIONS = frozenset("ne pas non jamais rien aucun aucune ni sans not no never".split())
# ... and the pieces that ``dedup_key`` leaves of "n'" and "don't"
NOTHING_TO_SAY_NEGATIONS = NEGATIONS | {"n", "don"}
# Words that say how the participant feels about saying nothing ("Franchement, je ne sais pas", "Aujourd'hui je
# ne sais pas", "Il y en a certainement mais je ne m'en souviens pas", "Je préfère ne pas répondre"), and
# "été" ("Je n'ai pas été concerné"; spaCy's list lacks it): stop words of a non-answer, as spaCy's are
NOTHING_TO_SAY_FILLERS = frozenset(
    """franchement honnetement sincerement justement malheureusement helas aujourd jour certainement surement
    pourtant desole desolee prefere doute personnel personnelle personnels ete""".split()
)
_INDEFINITE = frozenset({"un", "une"})
# ... but these words answer "who" or "which" questions ("Je ne vois personne" is the answer « Personne »)
NOTHING_TO_SAY_ANSWERS = frozenset("personne tous toutes".split())
# Answers that only send the reader to another answer ("Voir ci-dessus", "Voir texte ci-dessus", "Voir mon autre
# contribution", "J'ai déjà répondu plus haut", "Voir doc joint"): a word that refers, a word that says where,
# and else only words naming a part of the questionnaire, "merci" and stop words. Judged on ``dedup_key``'s
# words. "Voir ci-dessus les retraites en grande pauvreté" answers.
REFERS_TO = frozenset("voir cf idem see repondu detaille explique mentionne indique".split())
REFERENCE_PLACES = frozenset(
    """ci dessus dessous apres haut bas infra supra precedente precedentes precedent precedemment autre autres
    derniere dernier joint jointe pj above below previous earlier""".split()
)
REFERENCE_NOUNS = frozenset(
    """texte paragraphe reponse reponses question questions rubrique questionnaire contribution contributions
    proposition propositions commentaire commentaires doc document point partie merci answer comment""".split()
)
STOP_WORDS_DIR = Path(__file__).parent / "data" / "stopwords"


def normalise_text(text: str) -> str:
    """Unicode NFC, whitespace collapsed, stripped: the form that is embedded and cached."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


class _AccentTable(dict[int, str]):
    """``str.translate`` table filled on first use: each character's NFD decomposition without combining
    marks. Per character, this equals decomposing the whole text (canonical reordering only moves the
    combining marks, which are all dropped)."""

    def __missing__(self, codepoint: int) -> str:
        decomposed = unicodedata.normalize("NFD", chr(codepoint))
        self[codepoint] = value = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        return value


_ACCENTS = _AccentTable()


def strip_accents(text: str) -> str:
    """``text`` without diacritics ("Éducation" -> "Education")."""
    return text if text.isascii() else text.translate(_ACCENTS)


# Letters written as two in French, which Unicode does not decompose: the answers of the Grand Débat write
# "oeuvre" 320 times and "œuvre" 237, "coeur" and "cœur" 49 times each
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def fold_letters(text: str) -> str:
    """:func:`strip_accents`, ligatures written as two letters ("Cœur" -> "Coeur"): how keywords compare words,
    and copies of a text (``dedup_key``)."""
    return text if text.isascii() else strip_accents(text).translate(_LIGATURES)


# Characters that show nothing, inside a word: a zero-width space or joiner, a word joiner, a byte order mark, a
# soft hyphen (read as punctuation, each would split its word in two)
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")


class _CopyTable(_AccentTable):
    """``str.translate`` table of :func:`dedup_key`, filled on first use: :func:`fold_letters` and the
    :data:`_INVISIBLE` characters dropped, in one pass over the text."""

    def __missing__(self, codepoint: int) -> str:
        ch = chr(codepoint)
        value = "" if ch in _INVISIBLE else fold_letters(ch)
        self[codepoint] = value
        return value


_COPY = _CopyTable()


@lru_cache(maxsize=1 << 18)
def dedup_key(text: str) -> str:
    """Lower case, no accents, ligatures as two letters, punctuation and spaces collapsed, invisible characters
    (zero-width space, soft hyphen…) dropped: texts with equal keys are exact copies ("cœur" and "coeur", a
    word with a zero-width space pasted from a web page and the same word typed).

    Cached: exclusion, campaign detection and quote choice key the same texts (at 100,000 contributions the
    key was computed 2 s worth of times); the cache holds at most 262,144 keys, each no longer than its text.
    """
    folded = unicodedata.normalize("NFKC", text)
    if not folded.isascii():
        folded = folded.translate(_COPY)
    return _NON_WORD.sub(" ", folded.casefold()).strip()


_Form = TypeVar("_Form", str, tuple[str, ...])


def most_frequent(counts: Mapping[_Form, int]) -> _Form:
    """The most frequent of ``counts`` (ties: the first in sorted order): a written form (or pair of words)
    shown or embedded for all the forms counted together."""
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def embedding_forms(texts: Sequence[str], *, lower_shouted: bool = True) -> list[str]:
    """For each normalised text, the written form embedded for it: copies (one ``dedup_key``: case, accents
    and punctuation aside) share one vector, that of their most frequent form (ties: the first in sorted
    order), so that they are one point of the clustering, as exact copies are; a form written mostly in
    capitals is embedded in lower case (``lower_shouted``, :func:`lowered_if_shouted`).

    The sentence encoder reads "TVA", "tva" and "Tva" or "Impôt sur le revenu" and "impot sur le revenu" as
    different texts (cosine 0.7-0.8 between the themes they formed in the sample consultation), which split
    one answer into two themes with one label; the campaign detector already counted them as copies. And it
    groups texts in capitals together whatever they say ("IL FAUT BAISSER LES IMPOTS", "PERSONNES AGEES",
    "SANTE DEFENSE" made one theme of the sample). The form depends only on the multiset of ``texts``, not on
    their order; the report always shows the texts as written.
    """
    forms: dict[str, Counter[str]] = {}
    for text in texts:
        forms.setdefault(dedup_key(text), Counter())[text] += 1
    chosen = {key: most_frequent(c) for key, c in forms.items()}
    if lower_shouted:
        chosen = {key: lowered_if_shouted(form) for key, form in chosen.items()}
    return [chosen[dedup_key(text)] for text in texts]


# Written in capitals: more than SHOUTED_SHARE of the letters of its words of SHOUTED_WORD_LETTERS letters or
# more are capitals (shorter words are left out: acronyms such as "TVA", "CSG", "IRPP", and "LA", "ET").
SHOUTED_SHARE = 0.6
SHOUTED_WORD_LETTERS = 5
_LETTERS = re.compile(r"[^\W\d_]+")


def lowered_if_shouted(text: str) -> str:
    """``text`` in lower case when it is written mostly in capitals, judged on its words of at least
    ``SHOUTED_WORD_LETTERS`` letters (more than ``SHOUTED_SHARE`` of their letters capitals), else ``text``."""
    long_words = [w for w in _LETTERS.findall(text) if len(w) >= SHOUTED_WORD_LETTERS]
    letters = sum(map(len, long_words))
    if long_words and sum(map(str.isupper, "".join(long_words))) > SHOUTED_SHARE * letters:
        return text.lower()
    return text


def answered_by_none(question: str) -> bool:
    """True when "Aucun" and "Aucune" answer ``question`` (:data:`NONE_ANSWERS`): it asks which ones, or who
    ("Quels impôts... ?", "En qui... ?", "Which...?"), and not for the participant's ideas, proposals or
    remarks ("Quelles propositions feriez-vous ?")."""
    folded = strip_accents(question).casefold()
    return _ASKS_WHICH.search(folded) is not None and _ASKS_FOR_MORE.search(folded) is None


def exclusion_reason(text: str, *, none_is_answer: bool = False) -> str | None:
    """Reason code why ``text`` cannot be clustered, or None when it is a usable answer (``none_is_answer``: "Aucune"
    answers the question, :func:`answered_by_none`)."""
    if not text or not text.strip():
        return EMPTY
    key = dedup_key(text)
    if not any(ch.isalpha() for ch in key):
        return NO_LETTERS
    if _is_non_answer_key(key, none_is_answer):
        return NON_ANSWER
    return None


def is_non_answer(text: str, *, none_is_answer: bool = False) -> bool:
    """True when the whole text is a short non-answer ("RAS", "Néant", "Non merci", "je ne sais pas"; "Aucune"
    unless it answers the question, ``none_is_answer``)."""
    return _is_non_answer_key(dedup_key(text), none_is_answer)


def _is_non_answer_key(key: str, none_is_answer: bool = False) -> bool:
    words = key.split()
    if len(words) - [*map(len, words)].count(1) > MAX_NON_ANSWER_WORDS:  # words of two letters or more
        return False
    bare = _YES_NO.sub("", key)
    if none_is_answer and _core(bare) in NONE_ANSWERS:
        return False
    return (
        _is_listed(key)
        or (bare != key and _is_listed(bare))
        or _says_nothing(words)
        or _refers_elsewhere(words)
    )


def _core(key: str) -> str:
    """``key`` without the filler around a non-answer ("euh", "merci", "pour l'instant"...)."""
    core = _NON_ANSWER_FILLER.match(key)
    return key if core is None else core.group(1)


def _is_listed(key: str) -> bool:
    return key in NON_ANSWERS or _core(key) in NON_ANSWERS


def _says_nothing(words: Sequence[str]) -> bool:
    if not words:  # no word at all ("-", "?"): not a non-answer, a text without letters (exclusion_reason)
        return False
    present = set(words)
    # after "un" or "une" the word names something: "Être un exemple, ce qu'elle n'est pas" answers
    about_knowing = {
        w for before, w in zip(("", *words[:-1]), words, strict=True) if before not in _INDEFINITE
    }
    return (
        bool(present & NOTHING_TO_SAY_NEGATIONS)
        and bool(about_knowing & NOTHING_TO_SAY)
        and not present & NOTHING_TO_SAY_ANSWERS
        and present <= NOTHING_TO_SAY | NOTHING_TO_SAY_NEGATIONS | _filler_words()
    )


def _refers_elsewhere(words: Sequence[str]) -> bool:
    """Whether the words only send the reader to another answer ("voir ci-dessus": :data:`REFERS_TO`)."""
    present = set(words)
    return (
        bool(present & REFERS_TO)
        and bool(present & REFERENCE_PLACES)
        and present <= REFERS_TO | REFERENCE_PLACES | REFERENCE_NOUNS | _filler_words()
    )


@cache
def spacy_stop_words(language: str) -> tuple[str, ...]:
    """spaCy's stop words of ``language`` as its list writes them (shipped as text files: importing spaCy costs
    ~4 s)."""
    lines = (STOP_WORDS_DIR / f"{language}.txt").read_text(encoding="utf-8").splitlines()
    return tuple(w.strip() for w in lines if w.strip() and not w.startswith("#"))


@cache
def _filler_words() -> frozenset[str]:
    """French and English stop words as ``dedup_key`` splits them ("quelqu'un": "quelqu", "un"), the letters that
    elision leaves ("d'exemple": "d", "exemple"), "oui" ("Oui, mais je ne m'en souviens plus") and
    :data:`NOTHING_TO_SAY_FILLERS`."""
    words = {
        w for language in ("fr", "en") for stop in spacy_stop_words(language) for w in dedup_key(stop).split()
    }
    return frozenset(words | set("abcdefghijklmnopqrstuvwxyz") | {"qu", "oui"} | NOTHING_TO_SAY_FILLERS)


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
# any international number: "+", a country code, then 8 to 14 digits with spaces, dots, dashes or brackets, no
# amount ("+1 500 000 000 €")
_PHONE_INTERNATIONAL = re.compile(r"(?<![\w+])\+\d{1,3}(?:[\s.()-]{0,2}\d){8,14}(?!\d|\s?[%€$£])")


PII_MASK = "[…]"  # French editorial mark of a cut in a quote; no word, so never a keyword


def mask_pii(text: str) -> str:
    """``text`` with e-mail addresses and phone numbers (French, or international with "+") cut out, each
    replaced by ``PII_MASK``: the form that is analysed and shown (RGPD; ``../shared/DESIGN.md``), the
    contribution as stored keeping them."""
    if "@" in text:
        text = _EMAIL.sub(PII_MASK, text)
    if "+" in text:
        text = _PHONE_INTERNATIONAL.sub(PII_MASK, text)
    return _PHONE.sub(PII_MASK, text)
