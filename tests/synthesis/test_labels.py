"""Labels (issue 4): the words of a short answer, as answer labels and same-answer themes compare them."""

from synthesis.labels import answer_words


def test_answer_words_are_the_same_whatever_the_articles_and_the_form():
    assert answer_words("Les impôts locaux.") == answer_words("Impôts locaux") == answer_words("impot local")
    assert answer_words("Des crèches !") == answer_words("Crèches") == answer_words("la crèche")
    assert answer_words("Éducation, santé") == answer_words("santé - éducation")
    assert answer_words("pas de TVA") != answer_words("TVA")  # a negation is a word
    assert (
        answer_words("Santé et éducation")
        == answer_words("Santé, éducation")
        == answer_words("éducation & santé")
    )
    assert answer_words("Les") is None and answer_words("?!") is None
    assert answer_words("un deux trois quatre cinq six sept huit") is not None
    assert answer_words("un deux trois quatre cinq six sept huit neuf") is None  # longer: not compared
