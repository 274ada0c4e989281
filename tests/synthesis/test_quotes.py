"""Quotes (issue 4): verbatim, diverse, readable, and drawn from a theme's sub-themes in proportion."""

import numpy as np

from synthesis.quotes import pick_quotes, spread_quotes, word_repeats


def test_pick_quotes_skips_near_identical_vectors():
    v = np.array([[1.0, 0.0], [0.999, 0.0447], [0.0, 1.0]])
    v = v / np.linalg.norm(v, axis=1, keepdims=True)
    chosen = pick_quotes(["premier texte assez long", "deuxième texte assez long", "autre"], v, 3)
    assert not {0, 1} <= set(chosen)


def test_pick_quotes_skips_quotes_saying_the_same_words():
    # the encoder set these apart (vectors far from each other here), and the sample quoted both of each pair
    texts = [
        "l'impôt sur le revenu",
        "Les impôts sur le revenu",
        "Pôle emploi|La mairie",
        "La mairie|Pôle emploi",
    ]
    # a negation is not the same, however many words are shared
    texts += ["Je suis favorable à la suppression de la taxe d'habitation pour tous les ménages de France"]
    texts += [
        "Je ne suis pas favorable à la suppression de la taxe d'habitation pour tous les ménages de France"
    ]
    chosen = pick_quotes(texts, np.eye(len(texts)), len(texts))
    assert len(chosen) == 4 and len({0, 1} & set(chosen)) == 1 and len({2, 3} & set(chosen)) == 1
    assert {4, 5} <= set(chosen)


def test_pick_quotes_passes_over_a_text_repeating_its_words():
    # the repeated text is nearer the medoid, but a reader learns nothing from its seventh "L'éducation"
    texts = [
        " ".join(["L'éducation."] * 7),
        "L'éducation, pour tous les enfants du pays",
        "L'éducation et la santé",
    ]
    v = np.array([[1.0, 0.0], [0.95, 0.312], [0.95, -0.312]])  # the first is the medoid
    assert pick_quotes(texts, v, 1) == [1]
    assert word_repeats(texts[0]) == 7 and word_repeats("Santé, SANTE, transports et la santé") == 2
    assert word_repeats("123 !") == word_repeats("Et le la les") == 1


def test_a_theme_quotes_its_sub_themes_in_proportion():
    # a Grand Débat theme of 285 answers quoted five refusals to pay more, the part nearest its medoid
    letters = "abcde"
    parts = [
        [f"refus {c}{c}{c}" for c in letters],
        [f"mieux dépenser {c}{c}{c}" for c in letters],
        ["économies"],
    ]
    picks = spread_quotes(parts, [65, 74, 21], 5)
    assert picks == [(1, 0), (0, 0), (2, 0), (1, 1), (0, 1)]  # seats 2, 2, 1 by largest remainder
    assert spread_quotes(parts, [100, 10, 1], 5) == [(0, r) for r in range(5)]  # 4.5, 0.45, 0.05: all 5
    # a part never gives more quotes than it has; a quote saying the same words as one drawn is passed over
    parts = [["Les impôts sur le revenu", "l'impôt sur le revenu", "la TVA"], ["pôle emploi"]]
    assert spread_quotes(parts, [1, 100], 5) == [(1, 0), (0, 0), (0, 2)]
    assert spread_quotes(parts, [1, 1], 0) == []
