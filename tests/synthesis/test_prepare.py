"""Text preparation: non-answers excluded with their reason (issue 4), accents, copies embedded in one form."""

import unicodedata

import pytest

from synthesis.prepare import (
    EMPTY,
    NO_LETTERS,
    NON_ANSWER,
    answered_by_none,
    embedding_forms,
    exclusion_reason,
    fold_letters,
    is_non_answer,
    lowered_if_shouted,
    mask_pii,
    strip_accents,
)


@pytest.mark.parametrize(
    "text",
    [
        "RAS",
        "R.A.S.",
        "Néant",
        "néant.",
        "non",
        "Non merci",
        "Oui",
        "je ne sais pas",
        "Je ne sais pas trop",
        "NSP",
        "Aucun avis",
        "pas d'avis",
        "Sans objet",
        "Euh... non",
        "RAS pour l'instant",
        "Pas concerné",
        "Pas d'exemple précis en tête.",
        "Non, je n'en vois pas",
        "Pas à ma connaissance",
        "Je ne comprends pas la question",
        "Oui mais je ne m'en souviens plus",
        "Rien ne me vient à l'esprit",
        "Non, aucune.",
        "Pas à ce jour",
        "Sans objet pour moi.",
        "sans objet me concernant",
        "Pas de remarques",
        "sans observation",
        "Non concerné dernièrement",
        "Non, je n'en ai pas à l'esprit",
        "Je n'en ai pas eu l'occasion",
        "Ça ne me revient pas",
        "Je n'ai pas les compétences pour répondre à cette question",
        "Je n'y ai pas réfléchi.",
        "Je l'ignore",
        "Franchement, je ne sais pas",
        "Aujourd'hui, je ne sais pas...",
        "Il y en a certainement mais je ne m'en souviens pas",
        "Je préfère ne pas répondre",
        "Désolé, je ne vois pas.",
        "Déjà répondu",
        "Pas d'exemples personnels",
        "Je n'en ai pas en tête.. mais il y en a sans doute.",
        # answers that only send the reader to another answer
        "Voir texte ci-dessus",
        "voir paragraphe ci-dessus",
        "Voir ci-dessous.",
        "voir mon autre contribution",
        "VOIR EN BAS DU QUESTIONNAIRE",
        "Voir doc joint",
        "déjà répondu dans une autre contribution",
        "J'ai déjà répondu plus haut",
        "Non applicable.",
        "Non pertinent",
        "Je n'ai pas été concerné",
    ],
)
def test_short_non_answers_are_excluded(text):
    assert is_non_answer(text)
    assert exclusion_reason(text) == NON_ANSWER


@pytest.mark.parametrize("text", ["-", "?", "", "…", "123"])
def test_a_text_without_words_is_no_non_answer_and_raises_nothing(text):
    # "-" raised ValueError (zip() argument 2 is shorter than argument 1) in the "says nothing" test
    assert is_non_answer(text) is False


@pytest.mark.parametrize(
    "text",
    [
        "la TVA",
        "personne",
        "Aucune difficulté",
        "pas de problème",
        "Non, il faut baisser la TVA sur l'essence",
        "Je ne sais pas pourquoi on paie autant de taxes sur le carburant",
        "Le maire",
        "Montrer l'exemple",
        "Je ne vois personne",
        "Pas de problème particulier",
        "Ce n'est pas un sujet pour moi",
        "Je ne sais pas à qui faire confiance",
        "Non, personne",
        "Non, tous",
        "Ce n'est pas déjà le cas ?",
        "rien de plus qu'actuellement",
        "Pas de remarque sur l'école",
        "Pas de spécialistes",
        "Pas assez de personnel",
        "Pas assez de capacité d'accueil",
        "Ce n'est pas le sujet du moment",
        "Donner l'exemple plus qu'elle ne le fait",
        "Aux personnes compétentes",
        "Etre un exemple, ce qu'elle n'est pas.",  # an example to be, not "no example"
        "Voir ci-dessus les retraites en grande pauvreté",  # a reference, and an answer
        "Voir les autres pays",
        "Par écrit",
        "Non applicable à Paris",
        "Hors sujet",  # an argument that a proposal is off-topic (République numérique) takes a side
        "Pas de canicule cet été",
    ],
)
def test_real_answers_are_kept(text):
    assert exclusion_reason(text) is None


@pytest.mark.parametrize(
    "text", ["Aucun", "Aucune.", "Non, aucune", "aucunes !", "Aucun(e)", "aucun.e.s", "None"]
)
def test_none_answers_a_question_asking_which_ones(text):
    # "Aucune" refuses "Pour quelle(s) politique(s) seriez-vous prêts à payer plus d'impôts ?" (947 of the Grand
    # Débat's 8,947 answers); to "Avez-vous des remarques ?" it says no more than "Non"
    assert exclusion_reason(text, none_is_answer=True) is None
    assert exclusion_reason(text) == NON_ANSWER
    assert exclusion_reason("Aucune idée", none_is_answer=True) == NON_ANSWER
    assert exclusion_reason("Je ne sais pas", none_is_answer=True) == NON_ANSWER


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("Pour quelle(s) politique(s) publique(s) seriez-vous prêts à payer plus d'impôts ?", True),
        ("Quels sont selon vous les impôts qu'il faut baisser en priorité ?", True),
        ("En qui faites-vous le plus confiance pour vous faire représenter ?", True),
        ("À qui faites-vous confiance ?", True),
        ("Qui devrait décider ?", True),
        ("Which services are missing?", True),
        ("Avez-vous des remarques ?", False),
        # asking for the participant's own ideas or remarks: "Aucune" has nothing to add
        ("Quelles propositions feriez-vous pour améliorer la ville ?", False),
        ("Quelles autres remarques souhaitez-vous ajouter ?", False),
        ("Which ideas would you add?", False),
        ("Y a-t-il des règles qui vous semblent inutiles ?", False),
        ("grand_debat_comments", False),
        ("", False),
    ],
)
def test_answered_by_none(question, answered):
    assert answered_by_none(question) is answered


def test_empty_and_symbols():
    assert exclusion_reason("   ") == EMPTY
    assert exclusion_reason("?!! 123") == NO_LETTERS


def test_strip_accents_equals_decomposing_the_whole_text():
    def reference(text: str) -> str:
        decomposed = unicodedata.normalize("NFD", text)
        return "".join(ch for ch in decomposed if not unicodedata.combining(ch))

    # every Latin, Greek, Cyrillic letter and combining mark, ligatures, Hangul, marks out of canonical order
    samples = [
        "".join(map(chr, range(0x20, 0x600))),
        "ǄǅﬁﬂŒœÆ",
        "한국어",
        "e\u0327\u0301 x\u0301\u0327 Éducation",
    ]
    for text in samples:
        assert strip_accents(text) == reference(text)
    assert strip_accents("Élève à l'école") == "Eleve a l'ecole"


def test_fold_letters_writes_ligatures_as_two_letters():
    assert fold_letters("Cœur, œuvre, Œdipe, ex æquo, école") == "Coeur, oeuvre, OEdipe, ex aequo, ecole"
    assert fold_letters("coeur") == "coeur"


def test_copies_are_embedded_in_one_form():
    texts = ["TVA", "tva", "Tva", "TVA", "la TVA", "Impôt sur le revenu", "impot sur le revenu !", "Impot"]
    forms = embedding_forms(texts)
    # case, accents and punctuation aside, one form: the most frequent, ties broken by sorted order
    assert forms == [
        "TVA",
        "TVA",
        "TVA",
        "TVA",
        "la TVA",
        "Impôt sur le revenu",
        "Impôt sur le revenu",
        "Impot",
    ]
    assert embedding_forms(list(reversed(texts))) == list(reversed(forms))  # the order of the rows aside
    assert embedding_forms([]) == []


def test_texts_written_in_capitals_are_embedded_in_lower_case():
    assert lowered_if_shouted("IL FAUT BAISSER LES IMPOTS !") == "il faut baisser les impots !"
    assert lowered_if_shouted("PERSONNES AGEES, Santé") == "personnes agees, santé"  # 14 of 19 letters
    assert lowered_if_shouted("RETRAITES") == "retraites"
    for kept in (
        "TVA",
        "IRPP",
        "CSG et TVA, ISF",
        "La TVA sur les produits",
        "Baisser la TVA et la CSG",
        "Oui !",
    ):
        assert (
            lowered_if_shouted(kept) == kept
        )  # acronyms (words under 5 letters), a text with a few capitals
    texts = ["SANTE DEFENSE", "Santé défense", "SANTE DEFENSE"]
    assert embedding_forms(texts) == ["sante defense"] * 3  # the copies' form, then lowered
    assert embedding_forms(texts, lower_shouted=False) == ["SANTE DEFENSE"] * 3


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Écrivez-moi : jean.dupont@exemple.fr, merci", "Écrivez-moi : […], merci"),
        ("Mon numéro : 06 12 34 56 78", "Mon numéro : […]"),
        ("06.12.34.56.78 ou +33 6 12 34 56 78", "[…] ou […]"),
        ("Appelez le +32 2 123 45 67 ou le +1 (555) 123-4567", "Appelez le […] ou le […]"),
        # amounts, percentages, postcodes and years are not phone numbers
        (
            "+1 500 000 000 € de budget, +20 % en 2019, 75001 Paris",
            "+1 500 000 000 € de budget, +20 % en 2019, 75001 Paris",
        ),
        ("C++ et 3,14", "C++ et 3,14"),
    ],
)
def test_emails_and_phone_numbers_are_cut_out(text, shown):
    assert mask_pii(text) == shown


def test_copies_are_keyed_without_ligatures_or_invisible_characters():
    from synthesis.prepare import dedup_key

    assert dedup_key("Le CŒUR de ville !") == dedup_key("le coeur de ville") == "le coeur de ville"
    assert dedup_key("vé\u200blo\u00ad") == dedup_key("Vélo") == "velo"
