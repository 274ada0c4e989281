"""The exports of the survey tools communes use, with their headers exactly as each tool writes them."""

from __future__ import annotations

import json

import openpyxl
import pytest

from schemas.settings import ColumnMapping
from synthesis.ingest import preview, read_file
from synthesis.ingest.generic import asks, question_shown, suggest_mapping
from synthesis.ingest.headers import stacked_header

# SurveyMonkey's "Download responses" (expanded columns): the questions on the first row, each over its first
# column, the respondent's columns beside them; on the second row "Response" / "Open-Ended Response" or the
# options of a multiple choice, blank under the respondent's columns. Layout as expectedparrot/edsl reads it,
# edsl/conjure/survey_monkey/ (data_classes.py: SURVEY_MONKEY_HEADERS; import_survey_monkey.py: the second
# row, "Response", "Open-ended response", "Other (please specify)", a blank first row continuing a question).
SURVEYMONKEY = (
    "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,"
    "Custom Data 1,Que faudrait-il changer dans votre quartier ?,Comment venez-vous au centre-ville ?,,,"
    "Quel est votre code postal ?\r\n"
    ",,,,,,,,,Open-Ended Response,Vélo,Bus,Other (please specify),Open-Ended Response\r\n"
    "11452378901,254879632,11/02/2025 09:12:03,11/02/2025 09:20:44,90.12.3.4,a.martin@example.fr,,,,"
    "Plus de pistes cyclables rue Jean Jaurès,Vélo,,,69003\r\n"
    "11452378902,254879632,11/02/2025 10:01:10,11/02/2025 10:05:02,90.12.3.5,,,,,,,Bus,En trottinette,69007\r\n"
)

# Framaforms (Drupal 7's Webform): drupalprojects/webform, includes/webform.report.inc,
# webform_results_download_headers(): three header rows, the form's title alone in the first cell, "Submission
# Details" over the submission's columns, then their names; components/select.inc,
# _webform_csv_headers_select(): a multiple choice's name on the second row over its first option, its
# options on the third, "X" in a chosen option's cell, the free "other" answer in the last.
FRAMAFORMS = (
    '"Consultation sur la place du marché","","","","","","","","","","","","",""\n'
    '"Submission Details","","","","","","","","","","Comment venez-vous au marché ?","","",""\n'
    '"Serial","SID","Submitted Time","Completed Time","Modified Time","Draft","IP Address","UID","Username",'
    '"Que souhaitez-vous voir changer sur la place du marché ?","À pied","En voiture","Autre...","Code postal"\n'
    '"1","1843","02/03/2025 - 10:12","02/03/2025 - 10:12","02/03/2025 - 10:12","0","(inconnu)","0","",'
    '"Plus d\'ombre et des bancs","X","","","38000"\n'
    '"2","1851","02/03/2025 - 11:40","02/03/2025 - 11:40","02/03/2025 - 11:40","0","(inconnu)","7","cmoreau",'
    '"Un marché couvert","","X","","38100"\n'
)


def test_a_surveymonkey_export_reads_its_two_header_rows_as_one(write):
    """The second header row was read as a participant: "Open-Ended Response" was an answer to every open
    question and "Vélo" one to the multiple choice, the options' columns had no name, and a participant who
    wrote only in "Other (please specify)" was rejected as having answered nothing."""
    result = read_file(write("reponses.csv", SURVEYMONKEY))
    mapping = result.extras["mapping"]
    assert mapping["answers"] == [
        "Que faudrait-il changer dans votre quartier ?",
        "Comment venez-vous au centre-ville ? [Other (please specify)]",  # the free text beside the choices
    ]
    assert (mapping["id"], mapping["author"], mapping["postcode"]) == (
        "Respondent ID",
        "Email Address",
        "Quel est votre code postal ?",
    )
    got = [(c.line, c.contribution_id, c.question_id, c.text, c.zipcode) for c in result.contributions]
    assert got == [
        (3, "11452378901-q1", "1", "Plus de pistes cyclables rue Jean Jaurès", "69003"),
        (4, "11452378902-q2", "2", "En trottinette", "69007"),
    ]
    assert result.rows_read == 2 and not result.rejected  # every participant read, the header rows none
    assert result.contributions[0].author_ref  # the e-mail, pseudonymised


def test_a_surveymonkey_workbook_reads_as_its_csv(write, tmp_path):
    import csv
    import io

    book = openpyxl.Workbook()
    for row in csv.reader(io.StringIO(SURVEYMONKEY)):
        book.active.append(row)
    book.save(tmp_path / "reponses.xlsx")
    as_csv, as_xlsx = read_file(write("reponses.csv", SURVEYMONKEY)), read_file(tmp_path / "reponses.xlsx")
    assert as_xlsx.extras["mapping"] == as_csv.extras["mapping"]
    assert [(c.line, c.text) for c in as_xlsx.contributions] == [
        (c.line, c.text) for c in as_csv.contributions
    ]


def test_the_preview_shows_the_columns_named_from_both_rows(write):
    p = preview(write("reponses.csv", SURVEYMONKEY))
    assert p.columns[10:13] == [
        "Comment venez-vous au centre-ville ? [Vélo]",
        "Comment venez-vous au centre-ville ? [Bus]",
        "Comment venez-vous au centre-ville ? [Other (please specify)]",
    ]
    assert [r.line for r in p.sample_rows] == [3, 4]


def test_a_framaforms_export_reads_its_three_header_rows_as_one(write):
    """The form's title was read as the header: no column was named, and no question found."""
    result = read_file(write("framaforms.csv", FRAMAFORMS))
    assert result.extras["mapping"]["answers"] == ["Que souhaitez-vous voir changer sur la place du marché ?"]
    assert result.extras["mapping"]["postcode"] == "Code postal"
    got = [(c.line, c.text, c.zipcode) for c in result.contributions]
    assert got == [(4, "Plus d'ombre et des bancs", "38000"), (5, "Un marché couvert", "38100")]
    assert result.rows_read == 2 and not result.rejected


def test_one_header_row_stays_one_and_data_rows_are_not_headers():
    # a first data row is never a header row: it fills its first cell (the participant's id, the date…)
    rows = [["id", "Vos idées ?", ""], ["1", "Des bancs", "x"], ["2", "", ""]]
    assert stacked_header(rows) == (["id", "Vos idées ?", ""], 1)
    # pandas writes its index under a blank name: that is no question row
    assert stacked_header([["", "texte"], ["0", "Bonjour"]]) == (["", "texte"], 1)
    # a title alone over two rows that do not name every column is no Webform header
    assert stacked_header([["Titre", "", ""], ["a", "b", "c"], ["1", "", "3"]])[1] == 1
    # a title over a header naming every column, then data: the first data row is no name row (it was read as
    # the columns' names, the header as a group row)
    assert stacked_header([["Export du 12/03"], ["id", "avis", "cp"], ["1", "Des bancs", "54000"]])[1] == 1


def test_a_subcolumn_asks_only_for_the_free_text_beside_the_choices():
    assert not asks("Comment venez-vous au centre-ville en semaine ? [Vélo]")  # an option, ticked or not
    assert not asks("Comment jugez-vous la propreté des rues de votre quartier ? [Le matin]")  # a grid's row
    assert asks("Comment venez-vous ? [Autre]") and asks("Comment venez-vous ? [Other (please specify)]")
    assert asks("Que pensez-vous du marché ? [Commentaire]")
    assert not asks("Votre nom [Autre]")  # the question itself does not ask


# Typeform's "Download responses" CSV: the response's token under "#", the questions, then "Response Type",
# "Start Date (UTC)", "Stage Date (UTC)", "Submit Date (UTC)", "Network ID" (a hash of the network, the same
# for two people answering from one place), "Tags". Layout as written by Typeform exports read in public code
# (find_string "Submit Date (UTC)": e.g. a Typeform export's rows with "#", "Response Type", "Start Date
# (UTC)", "Stage Date (UTC)", "Submit Date (UTC)", "Network ID").
TYPEFORM = (
    "#,Quelles sont vos idées pour le parc de la Tête d'Or ?,Votre code postal,Response Type,Start Date (UTC),"
    "Stage Date (UTC),Submit Date (UTC),Network ID,Tags\n"
    "k2m9q7s1x0a8b3c4d5e6f7g8h9i0j1k2,Plus de bancs à l'ombre près du lac,69006,completed,"
    "2025-03-02 10:01:12,,2025-03-02 10:04:40,653e97acae,\n"
    "p8r4t6u2w0y1z3a5c7e9g1i3k5m7o9q1,Un espace pour les chiens,69006,completed,2025-03-02 10:02:30,,"
    "2025-03-02 10:03:58,653e97acae,\n"
)


def test_two_typeform_responses_from_one_network_are_two_participants(write):
    """ "Network ID" was taken as the response's id (a name ending in "ID"): the second response from the same
    network was rejected as a duplicate id, its answer lost; the id is "#", the date "Submit Date (UTC)"."""
    result = read_file(write("typeform.csv", TYPEFORM))
    mapping = result.extras["mapping"]
    assert (mapping["id"], mapping["date"]) == ("#", "Submit Date (UTC)")
    assert (
        mapping["author_type"] is None
    )  # "Response Type" says whether the form was completed, not who wrote
    assert [c.text for c in result.contributions] == [
        "Plus de bancs à l'ombre près du lac",
        "Un espace pour les chiens",
    ]
    assert not result.rejected
    assert [c.created_at for c in result.contributions] == ["2025-03-02 10:04:40", "2025-03-02 10:03:58"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # SurveyMonkey: "Start Date" is when the survey was opened, "End Date" when the answers were sent
        (
            SURVEYMONKEY.split("\r\n")[0].split(","),
            {"id": "Respondent ID", "date": "End Date", "author": "Email Address"},
        ),
        # Drupal's Webform (Framaforms), third header row: "SID" the submission, "Serial" its rank in the form
        (
            [
                "Serial",
                "SID",
                "Submitted Time",
                "Completed Time",
                "Modified Time",
                "Draft",
                "IP Address",
                "UID",
            ]
            + ["Username", "Que souhaitez-vous voir changer sur la place du marché ?"],
            {"id": "SID", "date": "Submitted Time", "author": "Username"},
        ),
        # KoboToolbox (precision-sustainable-ag/etl-forms, parse_forms/psa_farm_history_survey/: "_submission_time",
        # "_submitted_by", "group_…/question" paths)
        (
            ["start", "end", "group_ct2kn52/Quelles sont vos attentes pour le quartier ?", "_id", "_uuid"]
            + [
                "_submission_time",
                "_validation_status",
                "_notes",
                "_status",
                "_submitted_by",
                "_tags",
                "_index",
            ],
            # "_submitted_by" is the account that sent the form: an interviewer's for a survey in the street,
            # who would be one "very active author" of everyone's answers
            {"id": "_id", "date": "_submission_time"},
        ),
        # LimeSurvey headed by question texts in English (application/helpers/admin/export/Writer.php:
        # getFullHeading, the metadata columns' own labels)
        (
            ["Response ID", "Date submitted", "Last page", "Start language", "Seed", "Date started"]
            + ["Date last action", "What should change in your district?"],
            {"id": "Response ID", "date": "Date submitted"},
        ),
        # Decidim's survey answers in French (decidim-forms, user_answers_serializer.rb and config/locales/fr.yml:
        # "ID de réponse", "Répondu le", "Hachage IP", "Statut de l'utilisateur", then "<n>. <question>")
        (
            [
                "ID de réponse",
                "Répondu le",
                "Hachage IP",
                "Statut de l'utilisateur",
                "1. Pourquoi venez-vous ?",
            ],
            {"id": "ID de réponse", "date": "Répondu le"},
        ),
    ],
)
def test_each_tools_respondent_id_author_and_submit_date_are_recognised(header, expected):
    mapping = suggest_mapping(header)
    assert mapping is not None and mapping.answers
    got = {k: v for k, v in mapping.model_dump(exclude={"answers", "postcode"}).items() if v}
    assert {k: v for k, v in got.items() if k in ("id", "date", "author")} == expected


# LimeSurvey's response export with its default heading, the question codes (application/helpers/admin/export/
# Writer.php, write(): headingFormat "code"; viewHelper.php, getFieldCode(): "Q2[SQ001]", "Q2[other]",
# "Q4[comment]"), its CSV written by CsvWriter.php: a UTF-8 BOM, every field quoted, ";" between fields, CRLF,
# and one more CRLF at the end (close()).
LIMESURVEY_CODES = (
    "\ufeff"
    + "\r\n".join(
        ";".join(f'"{cell}"' for cell in row)
        for row in [
            ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp", "Q1"]
            + ["Q2[SQ001]", "Q2[SQ002]", "Q2[other]", "G01Q03", "Q4", "Q4[comment]"],
            [
                "12",
                "2025-03-02 10:14:51",
                "3",
                "fr",
                "1290394581",
                "2025-03-02 10:05:02",
                "2025-03-02 10:14:51",
            ]
            + ["Rénover l'école Jules Ferry", "Y", "", "", "Plus de bancs", "A2", "Trop de voitures"],
            ["13", "", "1", "fr", "83422", "2025-03-02 11:00:00", "2025-03-02 11:02:10", "", "", "Y"]
            + ["en covoiturage", "", "A1", ""],
        ]
    )
    + "\r\n\r\n"
)


def test_a_limesurvey_export_headed_by_question_codes_suggests_its_questions(write, tmp_path):
    """Nothing asked in "Q1", "G01Q03": the file was refused until every column was named by hand."""
    expected = ["Q1", "Q2[other]", "G01Q03", "Q4", "Q4[comment]"]
    assert suggest_mapping(
        LIMESURVEY_CODES.lstrip("\ufeff").split("\r\n")[0].replace('"', "").split(";")
    ) == (ColumnMapping(answers=expected, id="id", date="submitdate"))
    book = openpyxl.Workbook()
    for line in LIMESURVEY_CODES.lstrip("\ufeff").split("\r\n")[:3]:
        book.active.append([cell.strip('"') for cell in line.split(";")])
    book.save(tmp_path / "results-survey123456.xlsx")
    for path in (write("results-survey123456.csv", LIMESURVEY_CODES), tmp_path / "results-survey123456.xlsx"):
        result = read_file(path)
        assert result.extras["mapping"]["answers"] == expected
        got = [(c.contribution_id, c.question_text, c.text) for c in result.contributions]
        assert got == [
            ("12-q1", "Q1", "Rénover l'école Jules Ferry"),
            ("12-q3", "G01Q03", "Plus de bancs"),
            ("12-q4", "Q4", "A2"),  # a list's answer code (tallied when the answers are a closed question's)
            ("12-q5", "Q4[comment]", "Trop de voitures"),
            ("13-q2", "Q2[other]", "en covoiturage"),
            ("13-q4", "Q4", "A1"),
        ]
        assert result.rows_read == 2 and not result.rejected
        assert [c.created_at for c in result.contributions[:1]] == ["2025-03-02 10:14:51"]


def test_codes_without_limesurveys_own_columns_are_not_questions():
    assert suggest_mapping(["id", "Q1", "Q2"]) is None  # the user names them (--answers-column)


# Decidim's survey answers export (decidim-forms, lib/decidim/forms/user_answers_serializer.rb: the answer's
# session token, date, IP hash and user status, then "<position + 1>. <question>" per question, a multiple
# choice's options joined by ", " in decidim-core's Exporters::CSV; the labels of config/locales/fr.yml; ";"
# between fields, Decidim's default CSV separator)
DECIDIM_SURVEY_FR = (
    "ID de réponse;Répondu le;Hachage IP;Statut de l'utilisateur;1. Que faudrait-il changer dans le quartier ?;"
    "2. Comment venez-vous au travail ?;3. Pourquoi\n"
    "a7f3c9e1;2025-03-02 10:14:51 UTC;5d41402abc4b2a76;Enregistré;Des pistes cyclables;Vélo, Bus;Plus rapide\n"
    "b8e4d0f2;2025-03-02 11:20:03 UTC;7d793037a0760186;Non enregistré;Moins de voitures;Voiture;\n"
)


def test_a_forms_numbering_is_left_out_of_the_question_shown_and_kept_with_each_answer(write):
    """Decidim numbers its survey's columns ("1. Que faudrait-il changer…"): the number was shown as part of
    the question in the report; it is the form's order, not what the question asks."""
    result = read_file(write("survey_answers.csv", DECIDIM_SURVEY_FR))
    mapping = result.extras["mapping"]
    assert (mapping["id"], mapping["date"]) == ("ID de réponse", "Répondu le")
    first = result.contributions[0]
    assert (first.question_text, first.extra) == (
        "Que faudrait-il changer dans le quartier ?",
        {"column": "1. Que faudrait-il changer dans le quartier ?"},
    )
    assert [c.question_text for c in result.contributions if c.source_id == "a7f3c9e1"] == [
        "Que faudrait-il changer dans le quartier ?",
        "Comment venez-vous au travail ?",
        "Pourquoi",
    ]
    assert [q["question_text"] for q in result.extras["questions"]][2] == "Pourquoi"
    assert preview(write("p.csv", DECIDIM_SURVEY_FR)).questions[0].question_text.startswith("Que faudrait")
    assert result.rows_read == 2 and len(result.contributions) == 5 and not result.rejected


def test_what_is_a_forms_numbering_and_what_is_not():
    assert question_shown("Q3 - Transports") == "Transports"
    assert question_shown("3) Vos propositions") == "Vos propositions"
    assert question_shown("Question 4 : Vos idées") == "Vos idées"
    assert question_shown("Vos  idées ?") == "Vos idées ?"  # no numbering: the header, its spaces collapsed
    assert (
        question_shown("3.5 millions d'euros : qu'en feriez-vous ?")
        == "3.5 millions d'euros : qu'en feriez-vous ?"
    )
    assert question_shown("2024 : une année de travaux ?") == "2024 : une année de travaux ?"
    assert question_shown("12. ") == "12."  # nothing but a number: kept
    # LimeSurvey's numbered codes before their text ("code and text" headings)
    assert question_shown("G01Q04. Vos idées") == "Vos idées"
    assert question_shown("Q2[other]. Comment venez-vous ? [Autre]") == "Comment venez-vous ? [Autre]"
    assert (
        question_shown("CO2. Que faire pour en émettre moins ?") == "CO2. Que faire pour en émettre moins ?"
    )


def test_the_previews_row_count_leaves_out_the_header_rows(write):
    """The count said 4 rows of data, exactly, for a Framaforms export of 2 participants."""
    for name, content in (("framaforms.csv", FRAMAFORMS), ("reponses.csv", SURVEYMONKEY)):
        p = preview(write(name, content))
        assert (p.rows_estimate, p.rows_estimate_exact) == (2, True)


# KoboToolbox's CSV export with its defaults (KoboconnectR, kobo_export_create's documented defaults: labels,
# group separator "/", multi_sel "both": a multiple choice's summary column, then one "<question>/<option>"
# column per option holding 1 or 0; ";" between fields), then its own columns ("_id", "_uuid",
# "_submission_time", …, as read in precision-sustainable-ag/etl-forms, parse_forms/)
KOBO = (
    "start;end;Quels moyens de transport utilisez-vous pour venir en ville ?;"
    "Quels moyens de transport utilisez-vous pour venir en ville ?/Vélo;"
    "Quels moyens de transport utilisez-vous pour venir en ville ?/Bus;"
    "habitat/Que faudrait-il améliorer dans votre quartier ?;_id;_uuid;_submission_time;_validation_status;"
    "_notes;_status;_submitted_by;__version__;_tags;_index\n"
    "2025-03-02T10:01:00.000+01:00;2025-03-02T10:09:00.000+01:00;Vélo Bus;1;1;Des trottoirs plus larges;"
    "184523;5f1e9b6a-3c2d-4e8f-9a7b-1c2d3e4f5a6b;2025-03-02T09:09:30;;;submitted_via_web;;vQx7;;1\n"
    "2025-03-02T11:00:00.000+01:00;2025-03-02T11:04:00.000+01:00;Bus;0;1;;"
    "184524;6a2f0c7b-4d3e-5f90-ab8c-2d3e4f5a6b7c;2025-03-02T10:04:12;;;submitted_via_web;;vQx7;;2\n"
)


def test_a_kobo_multiple_choices_option_columns_are_not_questions(write):
    """Each "<question>/<option>" column of a long question read as a sentence: its 1 and 0 were answers, a
    participant's "0" a contribution for every option not ticked."""
    result = read_file(write("kobo.csv", KOBO))
    mapping = result.extras["mapping"]
    assert mapping["answers"] == [
        "Quels moyens de transport utilisez-vous pour venir en ville ?",  # its summary: the options chosen
        "habitat/Que faudrait-il améliorer dans votre quartier ?",  # a group's question is one
    ]
    assert (mapping["id"], mapping["date"]) == ("_id", "_submission_time")
    assert sorted(c.text for c in result.contributions) == ["Bus", "Des trottoirs plus larges", "Vélo Bus"]
    assert result.rows_read == 2 and not result.rejected


def test_a_decidim_surveys_json_export_gives_its_choices_as_its_csv_does(write):
    """Decidim's JSON export keeps a multiple choice's answer as a list (Exporters::JSON: the serializer's
    hash as JSON; user_answers_serializer.rb: choices.map): it was read as the JSON text '["Vélo", "Bus"]',
    neither the participant's words nor options the closed question's tally could count."""
    header = DECIDIM_SURVEY_FR.split("\n")[0].split(";")
    records = [
        dict(zip(header, ["a7f3c9e1", "2025-03-02 10:14:51 UTC", "5d41", "Enregistré"], strict=False))
        | {header[4]: "Des pistes cyclables", header[5]: ["Vélo", "Bus"], header[6]: "Plus rapide"},
        dict(zip(header, ["b8e4d0f2", "2025-03-02 11:20:03 UTC", "7d79", "Non enregistré"], strict=False))
        | {header[4]: "Moins de voitures", header[5]: ["Voiture"], header[6]: None},
    ]
    as_json = read_file(write("survey_answers.json", json.dumps(records, ensure_ascii=False)))
    as_csv = read_file(write("survey_answers.csv", DECIDIM_SURVEY_FR))
    assert [(c.contribution_id, c.text) for c in as_json.contributions] == [
        (c.contribution_id, c.text) for c in as_csv.contributions
    ]
    assert [c.text for c in as_json.contributions if c.question_id == "2"] == ["Vélo, Bus", "Voiture"]


def test_a_limesurvey_export_headed_by_code_and_text_suggests_its_short_questions_too():
    """Headed by "code. text" (Writer.php, "codetext"; the form's default separator ". "), a short question
    ("G01Q04. Vos idées") neither ends with "?" nor is a sentence: it was left out of the suggestion."""
    header = [
        "id. Response ID",
        "submitdate. Date submitted",
        "lastpage. Last page",
        "startlanguage. Start language",
        "seed. Seed",
        "Q1. Quelles sont vos priorités pour le quartier ?",
        "Q2[SQ001]. Comment venez-vous ? [Vélo]",
        "Q2[other]. Comment venez-vous ? [Autre]",
        "G01Q04. Vos idées",
    ]
    mapping = suggest_mapping(header)
    assert mapping == ColumnMapping(
        answers=[header[5], header[7], header[8]], id="id. Response ID", date="submitdate. Date submitted"
    )


def test_a_participant_who_only_ticked_boxes_is_rejected_with_a_true_reason(write):
    """The reason said every question cell of the row was empty, where the participant had ticked "Bus": an
    auditor reading the row found an answer the reason denied."""
    ticked = (
        SURVEYMONKEY
        + "11452378903,254879632,11/02/2025 12:00:00,11/02/2025 12:01:00,90.12.3.6,,,,,,,Bus,,\r\n"
    )
    result = read_file(write("reponses.csv", ticked))
    [rejected] = result.rejected
    assert rejected.line == 5 and result.rows_read == 3
    assert rejected.reason.startswith(
        "aucune réponse : les cellules des colonnes de réponses lues sont toutes vides"
    )
    assert "cases cochées" in rejected.reason and "ticked boxes" in rejected.reason_en
