"""Keywords, labels, quotes (issue 4): no stop word, number or question word; quotes verbatim and diverse."""

import numpy as np

from synthesis.explain import ThemeExplanation, class_tfidf, distinguish_labels, explain_themes
from synthesis.grammar import EXCESS, NEGATED, named_words
from synthesis.labels import NO_KEYWORD_LABEL, answer_label, make_label, phrase_of, quoted
from synthesis.vocabulary import question_terms, question_vocabulary
from synthesis.words import french_stop_words, stem, words
from tests.utils.fake_embedder import HashEmbedder

QUESTION = "Quels sont selon vous les impôts qu'il faut baisser en priorité ?"
TEXTS = [
    "Il faut baisser la TVA sur les produits de première nécessité",
    "La TVA sur les produits alimentaires, c'est injuste pour les plus pauvres",
    "Baisser la TVA sur les produits de base en 2019",
    "la TVA sur les produits de première nécessité",
    "La TVA sur les produits de première nécessité !",  # same text as above once normalised
    "Supprimer la taxe d'habitation pour les retraités",
    "La taxe d'habitation doit disparaître pour tous les retraités",
    "Taxe d'habitation : suppression totale pour les retraités modestes",
    "La taxe d'habitation est trop lourde pour les retraités",
]
LABELS = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1])


def _explain():
    vectors = HashEmbedder().embed(TEXTS)
    return vectors, explain_themes(TEXTS, vectors, LABELS, question_text=QUESTION, n_keywords=8, n_quotes=5)


def test_keywords_have_no_stop_word_number_or_question_word():
    _, out = _explain()
    stop = french_stop_words()
    for theme in out.values():
        assert theme.keywords
        for term, weight in theme.keywords:
            assert weight > 0
            for w in named_words(term):  # a two-word term is shown with the stop words between its words
                assert w not in stop, term
                assert not any(ch.isdigit() for ch in w)
                assert w not in {"impots", "baisser", "priorite"}, term  # the question's own words
            assert not term.startswith(("pas ", "ne ", "n'", "aucun", "sans ")), term  # no negation here
        for w in (w for t in theme.label.split(" · ") for w in named_words(t)):
            assert w not in stop


def test_labels_are_short_and_readable():
    _, out = _explain()
    assert "tva" in out[0].label.casefold()
    assert "habitation" in out[1].label
    assert (
        "première" in " ".join(t for t, _ in out[0].keywords) or "nécessité" in out[0].label
    )  # accents kept
    for theme in out.values():
        assert 0 < len(theme.label) <= 60


def test_quotes_are_members_verbatim_and_not_duplicated():
    vectors, out = _explain()
    for k, theme in out.items():
        assert all(LABELS[i] == k for i in theme.quote_indices)
        keys = {TEXTS[i].casefold().strip(" !") for i in theme.quote_indices}
        assert len(keys) == len(theme.quote_indices)  # "…nécessité" and "…nécessité !" never both


def test_a_label_names_no_word_that_few_members_write(monkeypatch):
    import synthesis.explain as explain

    texts = (
        ["L'impôt sur le revenu"] * 38
        + ["Le revenu des petites successions"] * 2
        + ["La TVA sur les produits"] * 20
    )
    labels = np.array([0] * 40 + [1] * 20)
    vectors = HashEmbedder().embed(texts)
    themes = explain_themes(texts, vectors, labels, question_text=QUESTION)
    assert themes[0].label == "revenu"  # 2 of its 40 members write "petites successions"...
    assert "petites successions" in dict(themes[0].keywords)  # ...which stays a keyword, with its weight
    assert themes[1].label == "tva sur les produits"  # as written, the stop words between its words too
    monkeypatch.setattr(explain, "LABEL_MIN_SHARE", 0.05)  # 2 writers, a twentieth of those of "revenu"
    assert (
        explain_themes(texts, vectors, labels, question_text=QUESTION)[0].label
        == "revenu · petites successions"
    )


def test_member_why_lists_matched_keywords():
    _, out = _explain()
    theme = out[1]
    kw = {t for t, _ in theme.keywords}
    assert len(theme.matched_keywords) == int((LABELS == 1).sum())
    assert all(set(m) <= kw for m in theme.matched_keywords)
    assert any(theme.matched_keywords)
    assert np.all(theme.similarities <= 1.0 + 1e-6)


def test_make_label_and_class_tfidf():
    assert make_label([]) == NO_KEYWORD_LABEL
    assert (
        make_label([("taxe habitation", 1.0), ("taxe", 0.9), ("retraités", 0.5)])
        == "taxe habitation · retraités"
    )
    w = class_tfidf([[["tva", "produit"], ["tva"]], [["taxe"], ["taxe", "tva"]]])
    assert w[0]["tva"] > 0 and "taxe" not in w[0]


def test_a_long_text_posted_twice_is_one_text_for_keywords():
    # a Decidim comment posted twice (its spaces aside) gave all ten keywords of its theme of nine, tied
    long = (
        "Le service public est notre bien commun pour autant il faut revoir les services techniques du pays"
    )
    texts = [
        long,
        long.replace(" pour", "  pour") + " !",
        "Il faut garder le service public",
        "Garder le service",
    ]
    docs = [
        ["bien", "commun", "servic"],
        ["bien", "commun", "servic"],
        ["gard", "servic"],
        ["gard", "servic"],
    ]
    weights = class_tfidf([docs, [["autre"], ["autre"]]], [texts, ["a", "b"]])[0]
    assert set(weights) == {"servic", "gard"}  # "bien commun" is written by one text, twice
    assert set(class_tfidf([docs, [["autre"], ["autre"]]])[0]) == {"servic", "gard", "bien", "commun"}
    # copies of a short answer are several people writing it: "Santé" twice is kept
    short = class_tfidf(
        [[["sant"], ["sant"], ["educ"]], [["x"], ["x"]]], [["Santé", "Santé", "Éducation"], ["x", "x"]]
    )
    assert "sant" in short[0] and weights["servic"] > weights["gard"]
    # a campaign weighs as one text: 30 copies of a text on animals (one with other punctuation, so without
    # its two-word term), 2 other members on animals and 6 asking to ban pesticides
    campaign = (
        "Adopter une position ferme pour le bien-être animal et interdire l'exportation d'animaux vivants vers "
        "les pays tiers"
    )
    texts = [campaign] * 29 + [campaign.replace(" et", ", et")] + ["Les animaux vivants"] * 2
    docs = [["anim", "export", "anim export"]] * 29 + [["anim", "export"]] + [["anim", "viv"]] * 2
    texts += ["Interdire les pesticides"] * 6
    docs += [["interd", "pesticid"]] * 6
    weights = class_tfidf([docs, [["autre"], ["autre"]]], [texts, ["a", "b"]])[0]
    assert weights["pesticid"] > weights["anim"] > 0
    assert max(class_tfidf([docs, [["autre"], ["autre"]]])[0].items(), key=lambda kv: kv[1])[0] == "anim"
    assert "export" not in weights and "anim export" not in weights  # one text's words, however many copies


def test_two_word_terms_stay_inside_a_clause():
    # lists are not two-word terms: "TVA, revenu" gave the label "tva revenu · succession · csg", "Mairie | École"
    # (a closed question's options) "mairie école · poste · impôts"
    _, terms = question_terms(
        [
            "TVA, revenu",
            "Mairie | École\nPoste",
            "santé - éducation",
            "éducation et santé",
            "la taxe d'habitation",
        ]
        + ["les produits de première nécessité ou de luxe"]
    )
    assert [[t for t in ts if " " in t] for ts in terms] == [
        [],
        [],
        [],
        [],
        ["tax habit"],
        ["produit necessit"],
    ]


def test_a_label_names_apart_two_words_most_members_write_apart():
    # the sample consultation: 13 answers, 2 of them "Impôt sur le revenu TVA", labelled "revenu tva"
    texts = [
        "TVA, impôt sur le revenu",
        "La TVA et l'impôt sur le revenu",
        "Impôt sur le revenu TVA",
        "impôt sur le revenu  TVA",
        "l'impôt sur le revenu et la TVA",
        "La taxe foncière",
        "taxe foncière",
        "la taxe foncière des propriétaires",
    ] + ["La TVA", "TVA", "la TVA sur l'essence", "Le revenu", "revenu", "revenus des ménages"] * 4
    labels = np.array([0] * 5 + [1] * 3 + [2] * 24)
    out = explain_themes(texts, HashEmbedder().embed(texts), labels, question_text=QUESTION, n_keywords=6)
    assert out[0].keywords[0][0] == "revenu tva"  # still a keyword, the first
    assert sorted(out[0].label.split(" · ")) == ["revenu", "tva"], out[0].label
    assert out[1].label == "taxe foncière"  # written as one phrase by every member writing both words


def test_a_label_names_a_word_written_in_one_or_two_words_once():
    # three labels of a Polis conversation read "education · health care · healthcare"
    keywords = [("health care", 1.0), ("healthcare", 0.9), ("insurance", 0.5)]
    assert make_label(keywords) == "health care · insurance"
    assert (
        make_label([("healthcare", 1.0), ("health care", 0.9), ("insurance", 0.5)])
        == "healthcare · insurance"
    )


def test_a_word_mostly_written_in_a_compound_is_shown_in_it():
    # "Pôle emploi" read "emploi · pôle"; a compound among the keywords takes the place of its words
    keywords = [("emploi", 1.0), ("pôle", 1.0), ("pôle emploi", 1.0), ("poste", 0.5)]
    assert make_label(keywords) == "emploi · pôle · poste"  # not a compound of the question: two words
    assert make_label(keywords, compounds=["pôle emploi"]) == "pôle emploi · poste"
    # its other word, already chosen, becomes the compound when the compound is half of it at least
    keywords = [("services", 1.0), ("santé", 0.9), ("publics", 0.6), ("services publics", 0.55)]
    assert make_label(keywords, compounds=["services publics"]) == "services publics · santé"
    # ... otherwise the word adds nothing ("transports · commun" for "transports en commun")
    keywords = [("transports", 1.0), ("commun", 0.3), ("transports commun", 0.3), ("rurales", 0.2)]
    assert make_label(keywords, compounds=["transports commun"]) == "transports · rurales"
    # a word rarely written in the compound within the theme stays alone
    keywords = [("tva", 1.0), ("produits", 0.8), ("tva produits", 0.3)]
    assert make_label(keywords, compounds=["tva produits"]) == "tva · produits"
    # nor is a word repeated in its plural
    assert make_label([("issu", 1.0), ("issus", 0.9), ("société", 0.8)]) == "issu · société"
    # a word whose compound's other word is shown in a weightier compound stays alone: "langue des signes
    # française" read "signes française · langue"
    keywords = [
        ("dispositif", 1.0),
        ("française", 0.8),
        ("langue", 0.8),
        ("langue signes", 0.8),
        ("signes", 0.8),
    ]
    label = make_label(
        [*keywords, ("signes française", 0.75)], compounds=["langue signes", "signes française"]
    )
    assert label == "dispositif · française · langue signes"


def test_two_label_words_members_write_as_one_phrase_are_shown_as_it():
    # "habite · ville · grande" (Grand Débat, services publics): "grande ville" weighs half of each of its words,
    # most of whose uses are elsewhere ("la ville", "grande agglomération"); written as a phrase, it is shown
    keywords = [("habite", 1.0), ("ville", 0.9), ("grande", 0.7), ("rurales", 0.6), ("grande ville", 0.5)]
    phrases = ["grande ville"]  # a phrase, not a compound of the question: "grande" is written in many others
    assert make_label(keywords) == "habite · ville · grande"
    assert make_label(keywords, written_as_phrases=phrases) == "habite · grande ville · rurales"
    # not where it weighs less than half of either word, nor where one of its words is not in the label
    light = [*keywords[:4], ("grande ville", 0.4)]
    assert make_label(light, written_as_phrases=phrases) == "habite · ville · grande"
    assert make_label(keywords, n_terms=2, written_as_phrases=phrases) == "habite · ville"
    # two terms sharing a word still make the phrase members write ("supprimer la taxe d'habitation")
    keywords = [("supprimer", 1.0), ("supprimer taxe", 0.9), ("habitation", 0.8), ("taxe habitation", 0.8)]
    pairs = ["supprimer taxe", "taxe habitation"]
    label = make_label(
        keywords,
        compounds=pairs,
        written_as_phrases=pairs,
        chained=lambda a, b: "supprimer la taxe d'habitation" if (a, b) == tuple(pairs) else None,
    )
    assert label == "supprimer la taxe d'habitation", label


def test_a_two_word_term_written_with_other_words_between_is_no_phrase():
    texts = [
        "J'habite une grande ville",
        "les grandes villes",
        "grande ville",
        "la fibre sur tout le territoire",
    ]
    texts += ["fibre sur tout le territoire", "le territoire", "la pollution de l'air", "pollution de l'air"]
    vocab, text_terms = question_terms(texts)
    term = {vocab.show(t): t for terms in text_terms for t in terms}
    assert vocab.is_phrase(term["grande ville"]) and vocab.is_phrase(term["pollution de l'air"])
    assert not vocab.is_phrase(term["fibre territoire"])
    assert not vocab.is_phrase(term["territoire"])  # one word


def test_compounds_are_judged_on_the_whole_question():
    texts = ["Pôle emploi", "pôle emploi et CAF", "le Pôle Emploi", "emploi des jeunes"]
    texts += ["Santé, éducation", "santé éducation", "la santé", "l'éducation", "éducation"]
    vocab, _ = question_terms(texts)
    assert vocab.is_compound("pol emploi")  # 3 of the 3 answers holding "pôle"
    assert not vocab.is_compound("sant educ")  # 1 of the 3 holding "santé" (the other one is a list)
    assert not vocab.is_compound("emploi")


def test_a_repeated_answer_the_keywords_miss_labels_its_theme():
    # seen in the Grand Débat ("En qui faites-vous le plus confiance... ?"): a theme of "personne" answers was
    # labelled by the content words of its few longer members; "personne" is a stop word
    texts = ["personne", "Personne", "personne.", "Personne !", "personne", "les députés actuellement"]
    texts += ["le peuple", "actuellement, les députés"]
    vectors = HashEmbedder().embed(texts)
    out = explain_themes(
        texts, vectors, np.zeros(len(texts), int), question_text="En qui avez-vous confiance ?"
    )
    assert out[0].label == "« personne »"  # as most often written, verbatim, between « »
    assert out[0].keywords and "personne" not in [k for k, _ in out[0].keywords]  # keywords unchanged
    # the keyword label stands when it describes as many members, or when no answer is a fifth of the theme
    assert answer_label(["impôts", "impôts", "les impôts baissent"], [["impôts"]] * 3, "impôts") is None
    assert answer_label([f"réponse {i}" for i in range(9)] + ["moi"] * 2, [[]] * 11, NO_KEYWORD_LABEL) is None
    assert (
        answer_label(["moi", "moi"] + [f"idée {i}" for i in range(5)], [[]] * 7, NO_KEYWORD_LABEL)
        == "« moi »"
    )
    # a sentence naming the theme (a "non classée"'s reason) quotes a keyword label, not an answer label again
    assert quoted("maire · commune") == "« maire · commune »" and quoted(out[0].label) == "« personne »"
    long = "je ne fais confiance à personne dans ce pays aujourd'hui"  # more than 8 words: not a label
    assert answer_label([long] * 3 + ["le maire"], [[]] * 3 + [["maire"]], "maire") is None
    assert answer_label([], [], NO_KEYWORD_LABEL) is None
    # a label is one line, whatever the breaks and spaces the answer was written with
    assert answer_label(["TVA\r\nCSG", "TVA\nCSG ", "TVA  CSG"], [[]] * 3, NO_KEYWORD_LABEL) == "« TVA CSG »"


def test_themes_with_one_label_are_told_apart_by_a_keyword_of_their_own():
    def theme(label, keywords, members=None):
        # members: each member's keywords (default one member holding them all)
        out = ThemeExplanation([(k, 1.0) for k in keywords], label, [], np.zeros(0))
        out.matched_keywords = [list(keywords)] if members is None else members
        return out

    themes = {
        0: theme(
            "migrants · accueillir · pays",
            ["migrants", "accueillir", "migrants économiques", "france", "aider"],
        ),
        1: theme("migrants · pays · accueillir", ["migrants", "pays", "accueillir", "france", "intégration"]),
        2: theme("taxe · habitation", ["taxe", "habitation", "france"]),
        3: theme("taxe · habitation", ["taxe", "habitation"]),
        4: theme("« Personne »", []),
        5: theme("« Personne »", []),
        6: theme("produits nécessité · tva", ["produits nécessité", "tva", "alimentaires"]),  # the same words
        7: theme("nécessité · tva · produits", ["nécessité", "tva", "produits", "luxe"]),
        # two-word terms shown with their articles and prepositions, which name no word of their own
        8: theme(
            "président de la république · élus", ["président de la république", "élus", "droit de vote"]
        ),
        9: theme("élus · président de la république", ["élus", "président de la république", "maire"]),
        # "transports en commun · poste" named a sub-theme of 468 answers, 15 of them about the post office
        10: theme(
            "transports en commun",
            ["transports en commun", "poste"],
            [["transports en commun"]] * 20 + [["poste"]],
        ),
        11: theme("transports en commun", ["transports en commun", "train", "bus"], [["train"]] * 2),
    }
    distinguish_labels(themes)
    # a keyword sharing a word with the label ("migrants économiques") or with the other theme ("france") is passed
    assert themes[0].label == "migrants · accueillir · pays · aider"
    assert themes[1].label == "migrants · pays · accueillir · intégration"
    assert themes[2].label == "taxe · habitation · france"
    assert themes[3].label == "taxe · habitation"  # no keyword of its own: unchanged
    assert themes[4].label == "« Personne »"
    assert themes[6].label.endswith(" · alimentaires") and themes[7].label.endswith(" · luxe")
    assert themes[8].label.endswith(" · droit de vote") and themes[9].label.endswith(" · maire")
    # a keyword of its own written by fewer than a tenth as many members as its most written one tells nothing
    assert themes[10].label == "transports en commun" and themes[11].label == "transports en commun · train"
    themes[10].label = themes[11].label = "transports en commun"
    themes[10].matched_keywords += [["poste"]] * 2  # 3 hold it: over a tenth of the 20 holding the first
    distinguish_labels(themes)
    assert themes[10].label == "transports en commun · poste"


def test_keyword_language_is_told_from_the_answers():
    from synthesis.words import detect_language

    assert detect_language(TEXTS) == "fr"
    english = ["We need more bike lanes in the city", "The buses should run more often at night"] * 3
    german = ["Wir brauchen mehr Radwege in der Stadt", "Die Busse sollten abends öfter fahren"] * 3
    assert detect_language(english) == "en" and detect_language(german) == "de"
    # French answers quoting a few English words stay French
    assert detect_language(TEXTS + ["le marketing de la start-up, c'est du fake news"]) == "fr"
    assert detect_language([]) == "fr"
    # a language without these stop words (Chinese, as vTaiwan's answers, with one English word): French
    assert (
        detect_language(
            ["我覺得現有計程車也必須可以接叫車", "計程車 的 司機 與 乘客 也 能 獲得 服務 in 台北"]
        )
        == "fr"
    )


def test_english_answers_get_english_keywords_without_stop_words():
    from synthesis.words import stop_words

    texts = [
        "We need more bike lanes and safer crossings for the children",
        "The city needs bike lanes on the main roads",
        "Bike lanes would make the roads safer",
        "Don't cut the bus lines, the buses are the only way to work for many of us",
        "The bus lines should run later at night",
        "More buses and bus lines in the suburbs",
    ]
    vectors = HashEmbedder().embed(texts)
    out = explain_themes(texts, vectors, np.array([0, 0, 0, 1, 1, 1]), question_text="What would you change?")
    stop = stop_words("en")
    for e in out.values():
        assert e.keywords and not any(set(words(k)) & stop for k, _ in e.keywords), e.keywords
        # "need" is to English answers what "faut" is to French ones: in every other answer, about nothing
        assert not any({"need", "needs"} & set(words(k)) for k, _ in e.keywords), e.keywords
    assert "bike" in out[0].label and "bus" in out[1].label


def test_a_two_word_term_is_shown_as_participants_wrote_it():
    # shown from each word's own most frequent form, "revenus fonciers" read "revenu foncière"
    texts = ["les revenus fonciers", "revenus fonciers", "la taxe foncière", "taxe foncière", "taxe foncière"]
    texts += [
        "sante securite",
        "sante securite",
        "santé sécurité",
        "la santé",
        "la santé",
        "la sécurité",
        "sécurité",
    ]
    vocab, terms = question_terms(texts)
    pair = next(t for t in terms[0] if " " in t)
    assert vocab.show(pair) == "revenus fonciers" and vocab.show(pair.split()[1]) == "foncière"
    # a word of the pair that differs from the word alone only by its accents is written as the word alone
    assert vocab.show(next(t for t in terms[5] if " " in t)) == "santé sécurité"


def test_a_negated_word_is_a_term_of_its_own_shown_as_written():
    """A word under a negation is a term of its own: "Pas de difficulté particulière" is no difficulty, and the
    word alone said the opposite of the answer."""
    vocab, terms = question_terms(
        [
            "Pas de difficulté particulière.",
            "pas de difficulté",
            "Je n'ai jamais eu de difficultés",
            "Je ne paie pas d'impôts",
            "pas d'impôts",
            "à deux pas de la mairie",
            "Je ne pense pas que les impôts baissent",
            "Une difficulté : la carte scolaire",
        ]
    )
    difficulty, tax = stem("difficulte"), stem("impot")
    assert NEGATED + difficulty in terms[0] and difficulty not in terms[0]
    assert vocab.show(NEGATED + difficulty) == "pas de difficulté"
    assert stem("particulier") in terms[0] and not any(
        " " in t for t in terms[0]
    )  # no bigram of a negated word
    assert terms[2] == [NEGATED + difficulty]  # "jamais eu de": one negation, whatever the words between
    assert vocab.show(NEGATED + tax) == "pas d'impôts"  # the elision as written
    assert not any(" " in t for t in terms[3])  # no two-word term across a negation ("paie impôts")
    assert terms[5] == [stem("mairie")]  # "deux pas": the noun
    assert tax in terms[6]  # "pas que": the negation ends before "impôts"
    assert difficulty in terms[7]
    # French "ne ... pas" around a verb, pronouns aside; "ne ... que" is "only"
    vocab = question_vocabulary("")
    assert vocab.terms("Je ne comprends pas") == [NEGATED + stem("comprendre")]
    assert vocab.terms("je ne le trouve jamais") == [NEGATED + stem("trouver")]
    assert vocab.show(NEGATED + stem("trouver")) == "ne le trouve jamais"
    vocab.terms("je n'arrive plus")
    assert vocab.show(NEGATED + stem("arriver")) == "n'arrive plus"
    assert vocab.terms("il ne paie que la TVA")[0] == stem("payer")
    english = question_vocabulary("", "en")
    assert english.terms("no public transport")[0] == NEGATED + stem("public", "en")
    assert english.terms("not only housing")[0] == stem("housing", "en")
    # "not yet", a stop word, is an answer to "Is your life touched by climate change?" ("tard · sais · instant"
    # labelled 97 answers "Pas encore mais ça ne saurait tarder")
    question = (
        "Si oui, de quelle manière votre vie quotidienne est-elle touchée par le changement climatique ?"
    )
    vocab = question_vocabulary(question)
    assert vocab.terms("Pas encore.") == [NEGATED + "encore"] == vocab.terms("je ne suis pas encore touchée")
    assert vocab.show(NEGATED + "encore") == "pas encore"
    assert vocab.terms("encore plus de canicules") == [stem("canicule")]
    assert english.terms("not yet")[0] == NEGATED + "yet"


def test_a_theme_of_negated_answers_is_labelled_with_its_negation():
    texts = [
        "Pas de problème particulier",
        "pas de problème",
        "Aucun problème",
        "Pas de problème, tout s'est bien passé",
        "Je n'ai rencontré aucun problème particulier",
        "Un problème de transport scolaire",
        "Le problème du transport scolaire en zone rurale",
        "problème de bus scolaire",
        "Transport scolaire : problème d'horaires",
    ]
    labels = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1])
    out = explain_themes(texts, HashEmbedder().embed(texts), labels, n_keywords=6)
    assert out[0].label.startswith(("pas de problème", "aucun problème")), out[0].label
    assert out[1].label.split(" · ")[0] == "problème", out[1].label  # the problems named, not negated
    # the label's stop words are those of its negations only
    stop = french_stop_words()
    for theme in out.values():
        assert not any(w in stop for t in theme.label.split(" · ") for w in named_words(t)), theme.label
    assert named_words("pas d'impôts") == ["impots"]
    assert named_words("ne le trouve jamais") == named_words("n'trouve pas") == ["trouve"]
    assert named_words("don't raise taxes") == ["raise", "taxes"]
    assert named_words("pas") == ["pas"]  # a negation alone is no negated term


def _labelled_by(texts: list[str], question: str, term: str) -> dict[int, ThemeExplanation]:
    """:func:`explain_themes` on two themes, the first four texts and the last four, having checked that the
    first theme's label starts with ``term`` and that each of its members holds it."""
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    out = explain_themes(texts, HashEmbedder().embed(texts), labels, question_text=question, n_keywords=6)
    assert out[0].label.split(" · ")[0] == term, out[0].label
    assert all(term in kws for kws in out[0].matched_keywords)
    return out


def test_a_negated_word_of_the_question_is_the_answer():
    # the sample consultation: 65 answers "Je ne suis pas prêt à payer plus d'impôts" to this question were
    # labelled "ne sais pas · taxé · moyens", the question's words "prêt", "payer" and "impôts" being removed
    question = "Pour quelle(s) mission(s) de l'État seriez-vous prêt(e) à payer plus d'impôts ?"
    texts = [
        "Je ne suis pas prêt à payer plus d'impôts !",
        "je ne suis pas prête à payer plus d'impôts",
        "Pas prêt à payer plus d'impôts, nous payons assez",
        "Je ne suis pas prêt à payer plus d'impôts.",
        "Prêt à payer plus d'impôts pour la santé",
        "La santé et l'hôpital",
        "la santé publique",
        "Plus d'impôts pour la santé, je suis prêt",
    ]
    out = _labelled_by(texts, question, "pas prêt")
    # not negated, the question's words are still no keyword
    assert not {w for kw, _ in out[1].keywords for w in words(kw)} & {"pret", "payer", "impots"}
    # negated in the question too, a word only repeats the question
    question = "Quels services publics ne fonctionnent pas bien ?"
    _, terms = question_terms(["La poste ne fonctionne pas", "ça ne fonctionne pas du tout"], question)
    assert terms == [[stem("poste")], []]


def test_too_much_of_a_word_is_a_term_of_its_own():
    # 127 answers to this question, most "Trop d'immigration", were labelled "économiques · illégale · stopper":
    # "immigration" alone repeats the question, "trop d'immigration" is the answer
    question = "Que pensez-vous de l'immigration en France et de la politique migratoire ?"
    texts = [
        "Trop d'immigration",
        "Il y a beaucoup trop d'immigration",
        "trop trop d'immigration !",
        "Trop d'immigration illégale",
        "L'immigration est une chance",
        "Une immigration choisie",
        "immigration choisie comme au Canada",
        "Il faut une immigration choisie",
    ]
    _labelled_by(texts, question, "trop d'immigration")
    assert named_words("trop d'immigration") == ["immigration"]
    vocab = question_vocabulary("")
    assert vocab.terms("pas trop de problèmes") == [NEGATED + stem("probleme")]  # the negation's
    # not "taxes": "trop de taxes" says the opposite of "plus de taxes"
    assert vocab.terms("trop de taxes") == [EXCESS + stem("taxe")]
    english, german = question_vocabulary("", "en"), question_vocabulary("", "de")
    assert english.terms("too many cars") == [EXCESS + stem("car", "en")] != english.terms("too expensive")
    assert german.terms("zu viele Autos") == [EXCESS + stem("autos", "de")] != german.terms("zu Hause")
    # "trop" before an adjective only says how much: "températures trop élevées" are "températures élevées"
    assert vocab.terms("des températures trop élevées") == vocab.terms("des températures élevées")


def test_a_theme_shows_a_word_as_its_members_write_it():
    # one stem of lemmas, two words: the question writes "travaux" most, a theme "travail" ("code · travaux ·
    # routes" labelled the answers "Code du travail, code des impôts"); "transports · commune" labelled
    # "transports en commun"
    texts = [
        "Les travaux",
        "des travaux",
        "Les travaux dans la maison",
        "travaux",
        "les travaux au jardin",
        "Le travail",
        "le travail le dimanche",
        "Le travail des jeunes",
    ]
    labels = np.array([0, 0, 0, 0, 0, 1, 1, 1])
    out = explain_themes(texts, HashEmbedder().embed(texts), labels, n_keywords=6)
    assert out[0].label == "travaux" and out[1].label == "travail", out
    assert "travail" in dict(out[1].keywords) and all("travail" in kws for kws in out[1].matched_keywords)
    # a plural, a verb's forms and accents are one word: shown as the question writes them most
    vocab, _ = question_terms(["payer la taxe", "nous payons", "payés", "payer", "les taxes", "Taxes"])
    forms = ["payer", "payé", "payés", "payons", "député", "députés"]
    assert set(vocab.words_of(forms).values()) == {"payer", "député"}
    assert vocab.shown_in([stem("payer"), stem("taxe")], ["payé", "nous payons", "taxe"]) == {}
    english, _ = question_terms(["the family", "families", "families"], language="en")
    assert english.shown_in([stem("family", "en")], ["the family"]) == {}  # French only
    # sibling themes showing one word in two forms still read the same ("taxer · tva", "taxes · tva")
    themes = {
        0: ThemeExplanation([("taxer", 1.0), ("tva", 0.9), ("produits", 0.5)], "taxer · tva", [], np.ones(2)),
        1: ThemeExplanation(
            [("taxes", 1.0), ("tva", 0.9), ("carburant", 0.5)], "taxes · tva", [], np.ones(2)
        ),
    }
    for t in themes.values():
        t.matched_keywords = [[k for k, _ in t.keywords]] * 2
    distinguish_labels(themes)
    assert [t.label for t in themes.values()] == ["taxer · tva · produits", "taxes · tva · carburant"]


def test_every_form_of_a_participle_of_the_question_is_a_word_of_the_question():
    # the lemma table reads "touchée" as itself and "touché" as "toucher": "impact · touché · réchauffement"
    question = "De quelle manière votre vie quotidienne est-elle touchée par le changement climatique ?"
    texts = [
        "Je suis touché par la chaleur",
        "Nous sommes touchés par les canicules",
        "touchée par la sécheresse",
    ]
    _, terms = question_terms(texts, question)
    assert terms == [[stem("chaleur")], [stem("canicule")], [stem("secheresse")]]
    # "données" is "donner" in the table, "donnée" itself
    _, terms = question_terms(["Des données de santé", "La donnée"], "Service public de la donnée")
    assert terms == [[stem("sante")], []]
    # and "perdue" is "perdre", "perdus" itself
    _, terms = question_terms(["Une confiance perdue", "perdus en forêt"], "Qu'avez-vous perdu ?")
    assert terms == [[stem("confiance")], [stem("foret")]]
    # a noun in -ée is no participle: "idées" stays a word of the answers to a question on "la santé"
    _, terms = question_terms(["De bonnes idées"], "Que faire pour la santé ?")
    assert stem("idee") in terms[0], terms


def test_a_noun_of_the_question_is_in_the_compounds_answers_write_with_it():
    # "civile · issus · sociale" labelled the answers "des élus issus de la société civile" to "En qui faites-vous
    # le plus confiance pour vous faire représenter dans la société ?": "société" was left out as a question word
    question = "Que pensez-vous de l'immigration et de la politique migratoire ? Faut-il la baisser ?"
    texts = [
        "Une immigration choisie",
        "l'immigration choisie, comme au Canada",
        "Immigration choisie et contrôlée",
        "Une immigration massive",
        "Des arrivées massives",
        "Une pression massive sur les salaires",
        "Baisser les salaires",
        "une politique européenne commune",
        "La politique européenne",
        "Contrôler l'immigration clandestine",
    ]
    vocab, terms = question_terms(texts, question)
    assert vocab.show("immigr chois") == "immigration choisie"
    assert all("immigr chois" in t for t in terms[:3])
    assert vocab.show("polit europeen") == "politique européenne"
    # where answers mostly write the word apart from the question's, it is no compound and no term
    assert "immigr massiv" not in terms[3]
    # a verb of the question ("baisser") is in no term, and no term spans a word of the question
    assert terms[6] == [stem("salaire")]
    assert "immigr clandestin" in terms[9] and "control clandestin" not in terms[9]


def test_a_noun_of_the_question_that_ends_as_an_infinitive_is_in_compounds_too():
    # "quartier" ends as "baisser" does: it was taken for a verb and left out of every term
    question = "Que faudrait-il changer dans votre quartier ?"
    texts = [
        "Un quartier prioritaire",
        "Le quartier prioritaire",
        "le quartier prioritaire de la ville",
        "Rien",
    ]
    vocab, terms = question_terms(texts, question)
    assert vocab.show("quarti prioritair") == "quartier prioritaire"
    assert all("quarti prioritair" in t for t in terms[:3])


def test_a_two_word_term_is_shown_with_the_articles_and_prepositions_between_its_words():
    # "transports commun", "carte identité", "permis conduire" labelled themes of services publics answers
    texts = [
        "Les transports en commun",
        "transports en commun insuffisants",
        "Transports en commun, quasi inexistants",
        "des transports communs",
        "La carte d'identité",
        "carte d'identité et passeport",
        "Le permis de conduire",
        "Je partage complètement ce point de vue",
        "je partage entièrement ce point",
        "La TVA sur les produits de 1ère nécessité",
        "produits de 1ère nécessité",
        "produits de première nécessité",
        "Des classes de 30 élèves",
        "Les produits de 1 ère nécessité",
    ]
    vocab, terms = question_terms(texts, "Quels services publics vous manquent ?")
    assert not any("ere" in t.split() for text_terms in terms for t in text_terms)  # "ère" was a keyword
    shown = {vocab.show(t) for text_terms in terms for t in text_terms if " " in t}
    assert {"transports en commun", "carte d'identité", "permis de conduire"} <= shown
    # an ordinal is shown, as written most ("1ère" is a word, never a term; "produits de nécessité" was shown)
    assert "produits de 1ère nécessité" in shown
    # a number is no link ("classes de 30 élèves" is not "classes de élèves"), nor is an adverb
    assert {"classes élèves", "partage point"} <= shown
    assert named_words("transports en commun") == ["transports", "commun"]


def test_two_terms_sharing_a_word_are_shown_as_the_phrase_members_write():
    # "supprimer la taxe · habitation", "tva sur les produits · nécessité" (Grand Débat, fiscalité)
    assert (
        phrase_of("supprimer la taxe", "taxe d'habitation", ["Supprimer la taxe d’habitation", "x"])
        == "supprimer la taxe d'habitation"
    )
    assert phrase_of("supprimer la taxe", "taxe foncière", ["Supprimer la taxe d'habitation"]) is None
    assert phrase_of("taxe d'habitation", "supprimer la taxe", ["Supprimer la taxe d'habitation"]) is None
    texts = ["Supprimer la taxe foncière"] * 3 + ["supprimer la taxe d'habitation"] * 2
    assert phrase_of("supprimer la taxe", "taxe d'habitation", texts) is None  # 2 of the 5 write it
    texts = (
        ["La TVA sur les produits de première nécessité"] * 6
        + ["TVA sur les produits de première nécessité et impôt sur le revenu"] * 3
        + ["Les produits de première nécessité"] * 2
        + ["Impôt sur le revenu", "impôt sur le revenu des ménages", "La taxe foncière", "taxe foncière"] * 3
    )
    labels = np.array([0] * 11 + [1] * 12)
    out = explain_themes(texts, HashEmbedder().embed(texts), labels, question_text="Quels impôts baisser ?")
    assert out[0].label.split(" · ")[0] == "tva sur les produits de première nécessité", out[0].label
    assert "nécessité" not in out[0].label.split(" · ")[1:]  # it read "tva sur les produits · nécessité"
    assert "produits de première nécessité" in dict(out[0].keywords)  # the keywords stay as they were


def test_a_word_mostly_written_in_a_listed_two_word_term_is_not_listed_alone():
    # the keywords read "transports, transports en commun, commun": "commun" says nothing but in its term
    texts = [
        "Les transports en commun",
        "transports en commun insuffisants",
        "Des transports en commun plus fréquents",
        "Pas de transports en commun le soir",
        "les transports scolaires",
        "Transports scolaires et bus",
        "La poste",
        "Un bureau de poste",
        "La poste du village",
        "poste et mairie",
    ]
    labels = np.array([0] * 6 + [1] * 4)
    out = explain_themes(texts, HashEmbedder().embed(texts), labels, question_text="Que vous manque-t-il ?")
    keywords = [k for k, _ in out[0].keywords]
    assert "transports en commun" in keywords and "transports" in keywords, keywords
    assert "commun" not in keywords, keywords
    assert all("commun" not in m for m in out[0].matched_keywords)  # nor in the members' "why"
    assert {"transports en commun", "transports"} <= set(out[0].matched_keywords[0])
