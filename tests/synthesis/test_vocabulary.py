"""Terms of a question's answers (issue 4): French look-alikes of content words are no terms, stop words of every
form, ligatures read as two letters."""

from synthesis.vocabulary import question_terms, question_vocabulary
from synthesis.words import stem


def test_ete_after_avoir_is_the_verb_not_the_season():
    """In "J'ai été amené à...", été is "être", a stop word; "l'été", "en été", "les étés" are the season."""
    vocab = question_vocabulary("")
    assert vocab.terms("J'ai été amené à scolariser mon fils") == vocab.terms(
        "J'ai amené à scolariser mon fils"
    )
    assert vocab.terms("Il n'a jamais été facile") == vocab.terms("Il n'a jamais facile")
    season = stem("ete")
    for text in ["l'été est trop chaud", "en été il fait chaud", "les étés chauds", "à la fin de l'été"]:
        assert season in vocab.terms(text), text


def test_sommes_after_nous_is_the_verb_not_the_sums():
    vocab = question_vocabulary("")
    somme = stem("somme")
    for text in ["Nous sommes déjà trop imposés", "nous ne sommes pas écoutés", "Où en sommes-nous ?"]:
        assert somme not in vocab.terms(text), text
    assert somme in vocab.terms("Les sommes versées aux entreprises")
    assert somme in vocab.terms("des sommes folles")


def test_modal_verbs_are_stop_words_but_their_nouns_are_not():
    """Modal verbs ("devrions", "pourront", "voudrais") say nothing of a theme; "pouvoir d'achat" and "devoirs"
    do."""
    vocab = question_vocabulary("")
    for text in ["Nous devrions baisser la TVA", "Ils pourront baisser la TVA", "Je voudrais baisser la TVA"]:
        assert vocab.terms(text) == vocab.terms("baisser la TVA"), text
    assert stem("pouvoir") in vocab.terms("le pouvoir d'achat des retraités")
    assert stem("devoir") in vocab.terms("les droits et les devoirs du citoyen")


def test_adverbs_of_degree_certainty_and_time_are_stop_words_but_their_adjectives_are_not():
    # "européenne · actuelle · définir" read "actuellement", "partage · point vue · évidemment" "Évidemment"
    vocab = question_vocabulary("")
    for text in [
        "Actuellement, baisser la TVA",
        "Évidemment baisser la TVA",
        "baisser simplement la TVA. Cordialement",
    ]:
        assert vocab.terms(text) == vocab.terms("baisser la TVA"), text
    assert stem("actuelle") in vocab.terms("la politique actuelle")
    english = question_vocabulary("", "en")  # "fire · currently · population" (a Polis conversation)
    assert english.terms("Currently, the fire department") == english.terms("the fire department")
    assert stem("current", "en") in english.terms("the current system")


def test_grand_chose_and_grand_monde_are_stop_words():
    vocab = question_vocabulary("")
    terms = vocab.terms("La France ne pèse pas grand-chose dans le monde")
    assert stem("monde") in terms and not any(stem("grand") in t for t in terms)
    assert vocab.terms("pas grand chose") == vocab.terms("Pas grand monde !") == []
    assert stem("grand") in vocab.terms("un grand pays")


def test_en_place_and_en_oeuvre_are_stop_words():
    # "mettre en place des quotas annuels" labelled a Grand Débat theme "quotas · place · annuels"
    vocab = question_vocabulary("")
    quotas = [stem("quotas")]
    assert vocab.terms("Mettre en place des quotas") == vocab.terms("la mise en place de quotas") == quotas
    assert vocab.terms("des soins sur place") == [stem("soins")]
    assert vocab.terms("les moyens mis en place") == [stem("moyens")]
    assert vocab.terms("Mise en œuvre") == vocab.terms("mettre en oeuvre") == []
    assert stem("place") in vocab.terms("une place en crèche")
    assert "main oeuvr" in vocab.terms("la main-d'œuvre qualifiée")
    # "permettre" says what something allows, not what ("mieux · permettrait · consultation")
    assert vocab.terms("cela permettrait une consultation") == vocab.terms("une consultation")
    assert stem("permis") in vocab.terms("le permis de construire")


def test_words_with_ligatures_are_the_words_written_with_two_letters():
    texts = ["Le cœur du problème", "le coeur de ville", "une œuvre", "les oeuvres"]
    _, terms = question_terms(texts)
    assert terms[0][0] == terms[1][0] and terms[2] == terms[3]
