"""Non-answers are recognised and excluded with their reason (issue 4)."""

import pytest

from synthesis.prepare import EMPTY, NO_LETTERS, NON_ANSWER, exclusion_reason, is_non_answer


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
    ],
)
def test_short_non_answers_are_excluded(text):
    assert is_non_answer(text)
    assert exclusion_reason(text) == NON_ANSWER


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
    ],
)
def test_real_answers_are_kept(text):
    assert exclusion_reason(text) is None


def test_empty_and_symbols():
    assert exclusion_reason("   ") == EMPTY
    assert exclusion_reason("?!! 123") == NO_LETTERS
