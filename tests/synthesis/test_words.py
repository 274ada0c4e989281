"""Words of a text (issue 4): folding, elisions, numbers, stop words and stems."""

from synthesis.words import french_stop_words, words


def test_words_keep_lexicalised_apostrophes_and_drop_elisions():
    # "aujourd'hui" and "quelqu'un" are one word each (split, they gave the keywords "aujourd", "quelqu")
    assert words("Aujourd’hui quelqu'un l'a dit jusqu'à l'Île-de-France, d'aujourd'hui à presqu'île") == [
        "aujourd'hui",
        "quelqu'un",
        "a",
        "dit",
        "a",
        "ile",
        "de",
        "france",
        "aujourd'hui",
        "a",
        "presqu'ile",
    ]
    stop = french_stop_words()
    assert {"aujourd'hui", "quelqu'un"} <= stop and "presqu'ile" not in stop


def test_words_drop_numbers_and_their_suffixes():
    assert words("produits de 1ère nécessité, l’État en 2019") == [
        "produits",
        "de",
        "necessite",
        "etat",
        "en",
    ]


def test_stems_come_from_the_c_snowball_build_with_the_reference_stems():
    """PyStemmer (C) serves the stems, identical to snowballstemmer's pure-Python French stemmer."""
    import Stemmer
    from snowballstemmer.french_stemmer import FrenchStemmer

    from synthesis.words import _stemmer, stem

    assert isinstance(_stemmer(), Stemmer.Stemmer)
    reference = FrenchStemmer()
    for word in ["impots", "fiscalite", "taxes", "transitions", "ecologique", "democratiques", "referendum"]:
        assert stem(word) == reference.stemWord(word)
