"""Questionnaire exports (one row per participant, one column per question): Google Forms, Microsoft Forms,
LimeSurvey, Framaforms, Decidim surveys, read through ``ColumnMapping.answers``."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import openpyxl
import pytest
from pydantic import ValidationError

from schemas.settings import ColumnMapping
from synthesis.errors import MappingError
from synthesis.ingest import preview, read_file
from synthesis.ingest.common import NO_ANSWER_REASON, NO_ANSWERS_READ_REASON
from synthesis.ingest.generic import asks, suggest_mapping
from synthesis.ingest.granddebat import question_columns

from .conftest import GD_SAMPLE

GOOGLE_FORMS = [
    "Horodateur",
    "Adresse e-mail",
    "Quel est votre nom ?",
    "Dans quelle commune habitez-vous ?",
    "Quelles sont vos priorités pour le centre-ville ?",
    "Quel âge avez-vous ?",
    "Avez-vous d'autres remarques ?",
]
MICROSOFT_FORMS = [
    "ID",
    "Heure de début",
    "Heure de fin",
    "Adresse de messagerie",
    "Nom",
    "1. Que faudrait-il changer dans votre quartier",
    "2. Vos idées pour les mobilités",
]
DECIDIM_SURVEY = [
    "ID",
    "Created at",
    "IP Hash",
    "User status",
    "1. Comment venez-vous au travail ?",
    "2. Pourquoi",
]


def test_a_google_forms_header_suggests_its_questions_the_place_the_author_and_the_date():
    mapping = suggest_mapping(GOOGLE_FORMS)
    assert mapping == ColumnMapping(
        answers=[
            "Quelles sont vos priorités pour le centre-ville ?",
            "Quel âge avez-vous ?",
            "Avez-vous d'autres remarques ?",
        ],
        author="Adresse e-mail",  # pseudonymised: it tells very active participants apart, nothing more
        postcode="Dans quelle commune habitez-vous ?",
        date="Horodateur",
    )


@pytest.mark.parametrize(
    ("header", "answers", "others"),
    [
        (
            MICROSOFT_FORMS,
            ["1. Que faudrait-il changer dans votre quartier", "2. Vos idées pour les mobilités"],
            {"id": "ID", "author": "Adresse de messagerie", "date": "Heure de fin"},
        ),
        (
            DECIDIM_SURVEY,
            ["1. Comment venez-vous au travail ?", "2. Pourquoi"],
            {"id": "ID", "date": "Created at"},
        ),
    ],
)
def test_other_questionnaire_headers(header, answers, others):
    mapping = suggest_mapping(header)
    assert mapping is not None and mapping.answers == answers
    assert {k: v for k, v in mapping.model_dump(exclude={"answers"}).items() if v} == others


def test_headers_that_ask_and_headers_that_do_not():
    assert asks("Quelles sont vos priorités ?") and asks("3) Vos propositions") and asks("Q12 - Transports")
    assert asks("Décrivez ce qui vous semble le plus urgent dans la commune")  # a sentence, no "?"
    assert not asks("Quel est votre nom ?") and not asks("Votre adresse e-mail ?") and not asks("Téléphone")
    assert not asks("Date de création") and not asks("Statut de l'utilisateur") and not asks("?")
    assert asks("Quel nom donneriez-vous au nouveau parc de la ville ?")  # names a thing, not the participant


def test_plain_exports_keep_one_text_per_row():
    assert suggest_mapping(["id", "texte", "date"]) == ColumnMapping(id="id", text="texte", date="date")
    # a long-format file names its question on each row: its long headers are not questions of their own
    long = ["id", "question", "reponse", "Commentaire libre du participant sur la question posée"]
    assert suggest_mapping(long) == ColumnMapping(id="id", question="question", text="reponse")
    # one text column named so, beside one long header: the text column stays the text
    assert suggest_mapping(["avis", "Pensez-vous revenir ?"]) == ColumnMapping(text="avis")
    # a questionnaire of one question: its header is the question
    assert suggest_mapping(["Horodateur", "Vos idées pour le parc ?"]) == ColumnMapping(
        answers=["Vos idées pour le parc ?"], date="Horodateur"
    )
    # two questions and a column named as a text: the text column is one more question
    assert suggest_mapping(["Vos idées ?", "commentaire", "Vos craintes ?"]) == ColumnMapping(
        answers=["Vos idées ?", "commentaire", "Vos craintes ?"]
    )


def test_a_mapping_has_one_text_shape():
    for bad in (
        {},
        {"text": "a", "answers": ["b"]},
        {"answers": []},
        {"answers": ["a", "a"]},
        {"answers": ["a"], "question": "q"},
    ):
        with pytest.raises(ValidationError):
            ColumnMapping(**bad)
    assert ColumnMapping(answers=["b", "a"], id="i").columns() == [
        ("id", "i"),
        ("answers", "b"),
        ("answers", "a"),
    ]


def _as_google_forms() -> tuple[str, list[str]]:
    """The real Grand Débat sample written as a Google Forms download: the timestamp, the participant as an
    e-mail, a postcode question, then one column per question, its header the question."""
    with GD_SAMPLE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    questions = question_columns(header)
    at = {name: header.index(name) for name in ("createdAt", "authorId", "authorZipCode")}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Horodateur", "Adresse e-mail", "Quel est votre code postal ?"]
        + [q.question_text for q in questions]
    )
    for row in body:
        writer.writerow(
            [row[at["createdAt"]], row[at["authorId"]], row[at["authorZipCode"]]]
            + [row[q.index] for q in questions]
        )
    return out.getvalue(), [q.question_text for q in questions]


def test_the_real_sample_as_a_questionnaire_gives_the_grand_debat_readers_answers(write):
    content, questions = _as_google_forms()
    path = write("reponses.csv", content)
    as_form = read_file(path)  # nothing named: the header tells the questions
    as_export = read_file(GD_SAMPLE)
    assert as_form.extras["mapping_suggested"] and as_form.extras["mapping"]["answers"] == questions

    def answers(result, number):
        return Counter((number[c.question_id], c.text) for c in result.contributions)

    gd_number = {q.question_id: i for i, q in enumerate(question_columns(_header(GD_SAMPLE)), 1)}
    assert answers(as_form, {str(i): i for i in range(1, 4)}) == answers(as_export, gd_number)
    assert as_form.rows_read == as_export.rows_read
    no_answer = [r.line for r in as_form.rejected if r.reason == NO_ANSWERS_READ_REASON]
    assert no_answer == [r.line for r in as_export.rejected if r.reason == NO_ANSWER_REASON] and no_answer
    first = as_form.contributions[0]
    assert first.contribution_id == f"ligne-{first.line}-q{first.question_id}"
    assert first.question_text == questions[int(first.question_id) - 1]
    mapped = {k: v for k, v in as_form.extras["mapping"].items() if v and k != "answers"}
    assert mapped == {
        "author": "Adresse e-mail",
        "postcode": "Quel est votre code postal ?",
        "date": "Horodateur",
    }
    assert sum(bool(c.zipcode) for c in as_form.contributions) > 1000
    by_export = {(c.line, gd_number[c.question_id]): c for c in as_export.contributions}
    for c in as_form.contributions[:200]:
        twin = by_export[(c.line, int(c.question_id))]
        assert (c.zipcode, c.created_at, c.author_ref) == (twin.zipcode, twin.created_at, twin.author_ref)


def _header(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


def test_named_answers_columns_in_json_and_xlsx(write, tmp_path):
    records = [
        {"n": "a1", "Q1": "Plus de bancs", "Q2": "", "x": "1"},
        {"n": "a2", "Q1": "", "Q2": "Des arbres", "x": "2"},
        {"n": "a3", "Q1": " ", "Q2": None, "x": "3"},
    ]
    mapping = ColumnMapping(answers=["Q2", "Q1"], id="n")
    path = write("r.json", json.dumps(records))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(records[0]))
    for r in records:
        ws.append(list(r.values()))
    wb.save(tmp_path / "r.xlsx")
    for result in (read_file(path, mapping=mapping), read_file(tmp_path / "r.xlsx", mapping=mapping)):
        got = [(c.contribution_id, c.question_id, c.question_text, c.text) for c in result.contributions]
        assert got == [("a1-q2", "2", "Q1", "Plus de bancs"), ("a2-q1", "1", "Q2", "Des arbres")]
        assert [r.reason for r in result.rejected] == [NO_ANSWERS_READ_REASON] and result.rows_read == 3


def test_a_missing_answers_column_names_itself(write):
    path = write("r.csv", "a,b\nx,y\n")
    with pytest.raises(Exception, match="« c »"):
        read_file(path, mapping=ColumnMapping(answers=["a", "c"]))


def test_the_preview_lists_the_questions_it_suggests(write):
    path = write("r.csv", ",".join(f'"{h}"' for h in GOOGLE_FORMS) + "\n" + ",".join(["x"] * 7) + "\n")
    p = preview(path)
    assert [(q.question_id, q.question_text) for q in p.questions] == [
        ("1", "Quelles sont vos priorités pour le centre-ville ?"),
        ("2", "Quel âge avez-vous ?"),
        ("3", "Avez-vous d'autres remarques ?"),
    ]


def test_a_question_text_given_for_a_questionnaire_is_said_unused(write):
    path = write("r.csv", "Vos idées ?,Vos craintes ?\nDes bancs,Le bruit\n")
    result = read_file(path, question_text="Le centre-ville")
    assert [c.question_text for c in result.contributions] == ["Vos idées ?", "Vos craintes ?"]
    assert [w["code"] for w in result.extras["warnings"]] == ["question_text_unused"]


def test_question_codes_as_headers_are_named_by_the_user(write):
    # LimeSurvey can head its columns with the questions' codes: nothing asks, the error says how to name them
    path = write("r.csv", "id,Q1,Q2\n1,Des bancs,Le bruit\n")
    with pytest.raises(MappingError, match="--answers-column"):
        read_file(path)
    read = read_file(path, mapping=ColumnMapping(answers=["Q1", "Q2"], id="id"))
    assert [c.contribution_id for c in read.contributions] == ["1-q1", "1-q2"]


def test_a_question_heading_two_columns_is_an_error_naming_it(write):
    # two questions asked in the same words (a form allows it): only the first column would have been read
    path = write("r.csv", "Vos idées ?,Vos idées ?\nDes bancs,Des arbres\n")
    with pytest.raises(MappingError, match="« Vos idées \\? » \\(answers\\) apparaît 2 fois"):
        read_file(path)
    with pytest.raises(MappingError, match="apparaît 2 fois"):
        read_file(write("t.csv", "avis,avis\nx,y\n"), mapping=ColumnMapping(text="avis"))
