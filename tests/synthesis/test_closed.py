"""Closed questions (yes / no, multiple choice joined with "|") are recognised and counted option by option."""

from schemas import RunSettings
from synthesis.closed import MAX_OPTIONS, choice_tally, options_of
from synthesis.pipeline import run
from synthesis.records import Contribution
from tests.utils.data import granddebat_answers
from tests.utils.fake_embedder import HashEmbedder


def test_multiple_choice_answers_are_counted_per_option():
    answers = ["La poste|La mairie"] * 10 + ["la poste"] * 6 + ["L'école|La Poste|"] * 4 + ["La mairie"] * 2
    tally = choice_tally(answers)
    assert [(o.option, o.count, o.share) for o in tally] == [
        ("La poste", 20, round(20 / 22, 4)),  # its most frequent written form; each answer counts once
        ("La mairie", 12, round(12 / 22, 4)),
        ("L'école", 4, round(4 / 22, 4)),
    ]
    assert options_of("L'école|La Poste||la poste ") == ["L'école", "La Poste", "la poste"]


def test_yes_no_is_closed_and_ties_are_alphabetical():
    tally = choice_tally(["Oui"] * 12 + ["Non"] * 12 + ["Je ne sais pas"] * 3)
    assert [o.option for o in tally] == ["Non", "Oui", "Je ne sais pas"]


def test_free_text_and_borderline_sets_are_not_closed():
    assert choice_tally(granddebat_answers(limit=300)) is None  # mostly distinct answers
    assert choice_tally(["Oui"] * 10 + ["Non"] * 9) is None  # fewer than 20 answers: not judged
    assert choice_tally(["Oui"] * 20 + ["Peut-être, selon le prix"]) is None  # an option chosen once
    campaign = (
        "Supprimer la CSG pour tous les retraités et la taxe d'habitation pour tous, sans condition de revenu"
    )
    assert (
        choice_tally([campaign + " et sans délai, car c'est une question de justice"] * 30) is None
    )  # too long
    many = [f"option {i}" for i in range(MAX_OPTIONS + 1)] * 2
    assert choice_tally(many) is None


def _items(texts, question="q"):
    return [
        Contribution(f"{question}-{i}", f"s{i}", question, f"Question {question}", t, line=i + 2)
        for i, t in enumerate(texts)
    ]


def test_in_a_closed_question_yes_and_no_are_answers_not_exclusions():
    closed = _items(["Oui"] * 30 + ["Non"] * 25 + [""], "fermee")
    free = _items(granddebat_answers(limit=200) + ["Oui", "Non"], "libre")
    report = run(closed + free, RunSettings(), embedder=HashEmbedder())
    q_closed, q_free = report.questions
    assert [(o.option, o.count) for o in q_closed.choices] == [("Oui", 30), ("Non", 25)]
    assert [e.reason_code for e in q_closed.excluded] == ["empty"]
    placed = sum(c.size for c in q_closed.clusters) + len(q_closed.noise)
    assert placed == 55  # every "Oui" and "Non" is in a theme or « non classée »
    assert q_free.choices == []
    assert sorted(e.reason_code for e in q_free.excluded if e.contribution_id.endswith(("-200", "-201"))) == [
        "non_answer",
        "non_answer",
    ]


def test_choices_joined_as_google_or_microsoft_forms_join_them_are_counted_per_option():
    # "Vélo, Bus" (Google Forms) and "Vélo;Bus;" (Microsoft Forms) were free text: 4 combinations, clustered
    google = ["Vélo, Bus"] * 9 + ["Bus"] * 6 + ["Marche, Vélo"] * 5 + ["Vélo"] * 4
    microsoft = [t.replace(", ", ";") + ";" for t in google]
    for answers in (google, microsoft):
        assert [(o.option, o.count) for o in choice_tally(answers)] == [
            ("Vélo", 18),
            ("Bus", 15),
            ("Marche", 5),
        ]
    # a single choice whose options hold commas stays whole: split, its options would outnumber its answers
    single = ["Oui, tout à fait"] * 12 + ["Non, pas du tout"] * 10
    assert [o.option for o in choice_tally(single)] == ["Oui, tout à fait", "Non, pas du tout"]
    # free text with commas is no closed question
    assert choice_tally([a.replace(" ", ", ", 1) for a in granddebat_answers(limit=300)]) is None
