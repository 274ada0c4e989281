"""Issue 3 through the API: every real export format imports (201, exact counts), re-importing adds
nothing, and a file problem answers a 4xx JSON error naming it."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from service.models import Contribution
from synthesis.ingest.decidim import WITHDRAWN_REASON
from tests.synthesis.ingest.test_capcollectif import STEP_EXPORT
from tests.synthesis.ingest.test_decidim import (
    CATALAN_PROPOSALS,
    MEETINGS,
    OFFICIAL_PROPOSALS,
    OSP_DEBATES,
    OSP_PROPOSALS,
    OTHER_COMMENTS,
    PROPOSALS_029,
    TAXONOMY_PROPOSALS,
    _as_decidim_json,
    _real_rows,
)
from tests.synthesis.ingest.test_granddebat import OTHER_INSTANCE, _opendata_json
from tests.synthesis.ingest.test_reader import XLS_HEADER
from tests.utils.data import SAMPLES, SHARED_DATA

DECIDIM = SHARED_DATA / "decidim-mel-nancy"
POLIS = SHARED_DATA / "polis" / "15-per-hour-seattle" / "comments.csv"
RN = SHARED_DATA / "republique-numerique" / "arguments.csv"

REAL_FILES = [
    # (path, form fields, rows read, contributions, rejected rows)
    (SAMPLES / "granddebat_fiscalite_sample.csv", {}, 1300, 2599, 44),  # 44 rows without any answer
    (DECIDIM / "commentaires_debats.csv", {}, 693, 693, 0),
    (DECIDIM / "propositions-libres.csv", {}, 196, 196, 0),
    (POLIS, {}, 54, 54, 0),
    (RN, {}, 3994, 3994, 0),
]


def _consultation(client, headers) -> int:
    return client.post("/api/consultations", json={"title": "Formats"}, headers=headers).json()["id"]


def _upload(client, cid, headers, name, content, **fields):
    return client.post(
        f"/api/consultations/{cid}/imports", files={"file": (name, content)}, data=fields, headers=headers
    )


@pytest.mark.parametrize(
    ("path", "fields", "rows", "contributions", "rejected"), REAL_FILES, ids=lambda v: getattr(v, "name", "")
)
def test_real_export_imports_exactly_and_idempotently(
    client, keys, path, fields, rows, contributions, rejected
):
    h = keys.h()
    cid = _consultation(client, h)
    first = _upload(client, cid, h, path.name, path.read_bytes(), **fields)
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["rows_read"], body["accepted"], len(body["rejected"])) == (rows, contributions, rejected)
    again = _upload(client, cid, h, path.name, path.read_bytes(), **fields).json()
    assert again["accepted"] == contributions
    listing = client.get(f"/api/consultations/{cid}", headers=h).json()
    assert listing["contributions"] == contributions  # the second import added nothing


def _generic_rows() -> list[dict[str, str]]:
    return [
        {"ref": "a1", "avis": "Plus de pistes cyclables sécurisées", "theme": "mobilité"},
        {"ref": "a2", "avis": '=HYPERLINK("http://x")', "theme": "mobilité"},
        {"ref": "a3", "avis": "Des bus le dimanche", "theme": "mobilité"},
    ]


def _xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(rows[0]))
    for r in rows:
        ws.append(list(r.values()))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["xlsx", "json", "jsonl"])
def test_generic_formats_with_a_mapping(client, keys, fmt):
    h = keys.h()
    rows = _generic_rows()
    content = {
        "xlsx": _xlsx(rows),
        "json": json.dumps(rows, ensure_ascii=False).encode(),
        "jsonl": "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode(),
    }[fmt]
    mapping = json.dumps({"text": "avis", "id": "ref", "question": "theme"})
    r = _upload(client, _consultation(client, h), h, f"export.{fmt}", content, format=fmt, mapping=mapping)
    assert r.status_code == 201, r.text
    assert r.json()["accepted"] == 3 and r.json()["rejected"] == []


def test_mapping_naming_an_absent_column_is_a_4xx_naming_it(client, keys):
    h = keys.h()
    content = json.dumps(_generic_rows()).encode()
    r = _upload(
        client,
        _consultation(client, h),
        h,
        "e.json",
        content,
        format="json",
        mapping=json.dumps({"text": "contenu"}),
    )
    assert 400 <= r.status_code < 500
    assert "contenu" in r.json()["message"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    content=st.binary(max_size=2000), fmt=st.sampled_from(["auto", "csv", "granddebat", "decidim", "polis"])
)
def test_hostile_bytes_never_give_a_5xx(client, keys, content, fmt):
    h = keys.h()
    cid = _consultation(client, h)
    r = _upload(client, cid, h, "export.csv", content, format=fmt, text_column="texte")
    assert r.status_code < 500, r.text
    if r.status_code >= 400:
        assert r.json()["code"] and r.json()["message"]
    assert client.get("/api/health").status_code == 200


def test_an_import_says_its_warnings_in_the_callers_language(client, keys):
    # a UTF-8 file with one Windows-1252 line: the API imported it and said nothing of that line
    h = keys.h()
    cid = _consultation(client, h)
    rows = "".join(f"{i},Avis numéro {i} sur la fiscalité locale\n" for i in range(1, 40)).encode()
    content = b"id,avis\n" + rows + "40,Un avis écrit ailleurs\n".encode("cp1252")
    fields = {"text_column": "avis", "id_column": "id"}
    r = _upload(client, cid, h, "mixte.csv", content, **fields)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["accepted"] == 40 and body["rejected"] == []
    [warning] = body["warnings"]
    assert (
        warning["code"] == "mixed_encoding"
        and "41" in warning["message"]
        and "Windows-1252" in warning["message"]
    )
    en = _upload(client, cid, {**h, "Accept-Language": "en"}, "mixte.csv", content, **fields).json()
    assert en["warnings"][0]["message"] != warning["message"] and "41" in en["warnings"][0]["message"]
    clean = _upload(client, cid, h, "propre.csv", b"id,avis\n" + rows, **fields).json()
    assert clean["warnings"] == []


def test_rejected_rows_say_their_reason_in_the_callers_language(client, keys, runner):
    # an import asked for in English listed its rejected rows in French only
    h = keys.h()
    head = (SAMPLES / "granddebat_fiscalite_sample.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    content = "".join(head[:30]).encode()  # rows 21 and 25 answer no question
    cid = _consultation(client, h)
    french = _upload(client, cid, h, "gd.csv", content).json()["rejected"]
    english = _upload(
        client,
        _consultation(client, {**h, "Accept-Language": "en"}),
        {**h, "Accept-Language": "en"},
        "gd.csv",
        content,
    ).json()["rejected"]
    assert [r["line"] for r in french] == [r["line"] for r in english] == [21, 25]
    assert french[0]["reason"] == "aucune réponse : toutes les cellules de question de la ligne sont vides"
    assert (
        english[0]["reason"]
        == english[0]["reason_en"]
        == "no answer: every question cell of the row is empty"
    )
    run = client.post(
        f"/api/consultations/{cid}/runs", json={"settings": {"embedder": "fake-hash"}}, headers=h
    )
    runner.drain()
    report = client.get(f"/api/runs/{run.json()['id']}/report", headers=h).json()
    assert [(r["line"], r["reason_en"]) for r in report["rejected"]] == [
        (r["line"], r["reason_en"]) for r in english
    ]


@pytest.mark.parametrize("name", ["mixte.csv", "mixte.json"])
def test_a_preview_says_what_the_import_will_warn_about(client, keys, name):
    # the preview of a UTF-8 file with one Windows-1252 line said nothing (the import warns); CSV and JSON
    h = keys.h()
    late = "Un avis écrit ailleurs".encode("cp1252")
    if name.endswith(".csv"):
        clean = (
            b"id,avis\n" + "".join(f"{i},Avis numéro {i} sur la fiscalité\n" for i in range(1, 40)).encode()
        )
        content = clean + b"40," + late + b"\n"
    else:
        clean = json.dumps(
            [{"id": i, "avis": f"Avis numéro {i} sur la fiscalité"} for i in range(1, 40)],
            ensure_ascii=False,
            indent=1,
        ).encode()
        content = clean[:-1] + b', {"id": 40, "avis": "' + late + b'"}\n]'

    def preview(data: bytes, headers) -> dict:
        r = client.post("/api/imports/preview", files={"file": (name, data, "text/plain")}, headers=headers)
        assert r.status_code == 200, r.text
        return r.json()

    [fr] = preview(content, h)["warnings"]
    [en] = preview(content, {**h, "Accept-Language": "en"})["warnings"]
    assert fr["code"] == en["code"] == "mixed_encoding"
    assert "Windows-1252" in fr["message"] and "lira" in fr["message"] and "will read" in en["message"]
    assert preview(clean, h)["warnings"] == []


def test_files_without_ids_add_their_rows_and_a_corrected_file_updates_its_own(client, keys):
    # two files without an id column are known by their lines: the second overwrote the first's rows
    # ("updated: 3"), leaving the consultation with the second file's answers only
    h = keys.h()
    cid = _consultation(client, h)
    north = "avis\nPlus de bancs au parc\nUn marché le dimanche\nDes arbres rue Hoche\n".encode()
    south = "avis\nUne piscine couverte\nMoins de voitures\nUn cinéma de quartier\n".encode()
    first = _upload(client, cid, h, "nord.csv", north).json()
    second = _upload(client, cid, h, "sud.csv", south).json()
    assert (first["added"], second["added"], second["updated"]) == (3, 3, 0)
    corrected = _upload(client, cid, h, "sud.csv", south.replace(b"Moins", b"Beaucoup moins")).json()
    assert (corrected["added"], corrected["updated"], corrected["unchanged"]) == (0, 1, 2)
    # the same bytes under another name are that file again (its question, read from the name, changes)
    assert _upload(client, cid, h, "nord (1).csv", north).json()["added"] == 0
    assert client.get(f"/api/consultations/{cid}", headers=h).json()["contributions"] == 6


def test_anonymous_rows_of_two_files_are_two_participants(client, keys, runner):
    # two files without ids nor authors: row 2 of each, dated alike, read as one submission, one participant
    h = keys.h()
    cid = _consultation(client, h)
    day = "2019-02-06 10:00:00"
    north = f"avis,date\nPlus de bancs au parc,{day}\nUn marché le dimanche,{day}\n".encode()
    south = f"avis,date\nUne piscine couverte,{day}\nMoins de voitures,{day}\n".encode()
    for name, content in (("nord.csv", north), ("sud.csv", south)):
        assert _upload(client, cid, h, name, content).status_code == 201
    run = client.post(
        f"/api/consultations/{cid}/runs", json={"settings": {"embedder": "fake-hash"}}, headers=h
    )
    runner.drain()
    report = client.get(f"/api/runs/{run.json()['id']}/report", headers=h).json()
    assert report["origin"]["distinct_authors"] == 4


def test_a_questionnaire_imports_one_contribution_per_answer(client, keys, engine):
    # each answers_column form field names one question's column; its header is the question's text
    h = keys.h()
    cid = _consultation(client, h)
    content = "n,Vos idées ?,Vos craintes ?\n1,Des bancs,Le bruit\n2,,La circulation\n3,,\n".encode()
    fields = {"answers_column": ["Vos idées ?", "Vos craintes ?"], "id_column": "n"}
    r = _upload(client, cid, h, "formulaire.csv", content, **fields)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["accepted"] == 3 and [x["line"] for x in body["rejected"]] == [4]
    with Session(engine) as s:
        rows = s.exec(select(Contribution).where(Contribution.consultation_id == cid)).all()
    assert sorted((c.source_id, c.question_id, c.text) for c in rows) == [
        ("1", "1", "Des bancs"), ("1", "2", "Le bruit"), ("2", "2", "La circulation"),
    ]  # fmt: skip
    both = _upload(client, cid, h, "f.csv", content, text_column="n", answers_column="Vos idées ?")
    assert (
        both.status_code == 422 and "« text » (un texte par ligne) ou « answers »" in both.json()["message"]
    )


def _stored(engine, cid: int) -> dict[str, Contribution]:
    with Session(engine) as s:
        rows = s.exec(select(Contribution).where(Contribution.consultation_id == cid)).all()
    return {c.source_id: c for c in rows}


def test_a_polis_server_export_counting_seconds_is_dated_right(client, keys, engine):
    # compdemocracy/polis server/src/routes/export.ts writes "timestamp" in seconds (the open data counts
    # milliseconds): divided by 1000 again, every comment was stored as of January 1970
    h = keys.h()
    cid = _consultation(client, h)
    content = (
        b"timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        b'1542406176,Sat Nov 17 2018 05:09:36 GMT+0700 (Western Indonesia Time),53,6172,1,0,0,"Not sure"\n'
    )
    assert _upload(client, cid, h, "comments.csv", content).status_code == 201
    assert _stored(engine, cid)["53"].submitted_at == "2018-11-16T22:09:36+00:00"


def test_a_withdrawn_decidim_proposal_is_stored_excluded_with_its_reason(client, keys, engine):
    # Decidim 0.28+ proposals export (withdrawn, withdrawn_at): the withdrawn one was imported as any other
    h = keys.h()
    cid = _consultation(client, h)
    r = _upload(client, cid, h, "proposals.csv", PROPOSALS_029.encode())
    assert r.status_code == 201 and r.json()["accepted"] == 2, r.text
    stored = _stored(engine, cid)
    assert stored["418"].excluded == WITHDRAWN_REASON and stored["457"].excluded is None
    assert stored["457"].submitted_at == "2019-01-24 22:20:00 +0100"


@pytest.mark.parametrize("kind", ["json", "xlsx"])
def test_a_decidim_json_or_excel_export_imports_as_decidim(client, keys, engine, kind):
    # Decidim's admin export comes as CSV, JSON (nested) or Excel (the CSV's columns): those two were read as
    # any spreadsheet, every comment one question "comments", the replies' debates unseen
    h = keys.h()
    cid = _consultation(client, h)
    rows = _real_rows("commentaires_debats.csv")
    if kind == "json":
        content = json.dumps([_as_decidim_json(r) for r in rows], ensure_ascii=False).encode()
    else:
        content = _xlsx(rows)
    r = _upload(client, cid, h, f"comments.{kind}", content)
    assert r.status_code == 201, r.text
    assert (r.json()["format"], r.json()["accepted"], r.json()["rejected"]) == ("decidim", 693, [])
    stored = _stored(engine, cid)
    assert {c.question_id for c in stored.values()} == {
        f"debate-{r['root_commentable_url'].rsplit('/', 1)[1]}" for r in rows
    }


def test_a_decidim_text_in_another_locale_than_the_first_columns_is_imported(client, keys, engine):
    # a Catalan instance's proposal written in Spanish: its title/ca and body/ca are empty, its text in /es
    h = keys.h()
    cid = _consultation(client, h)
    assert _upload(client, cid, h, "proposals.csv", CATALAN_PROPOSALS.encode()).status_code == 201
    stored = _stored(engine, cid)
    assert stored["2"].text == "Más carriles bici\n\nCarriles protegidos en la Diagonal."
    assert stored["2"].question_text == "Mobilitat"


def test_an_official_decidim_proposal_is_stored_as_the_institutions(client, keys, engine):
    # author/url the site's root: the organisation itself wrote it; co-authors: the creator is the author
    h = keys.h()
    cid = _consultation(client, h)
    assert _upload(client, cid, h, "proposals.csv", OFFICIAL_PROPOSALS.encode()).status_code == 201
    stored = _stored(engine, cid)
    assert stored["1"].author_type == "elected_or_institution"
    assert stored["2"].author_ref == stored["3"].author_ref and stored["2"].author_type == "unknown"


def test_decidim_0_30_proposals_are_stored_under_their_taxonomy(client, keys, engine):
    h = keys.h()
    cid = _consultation(client, h)
    assert _upload(client, cid, h, "proposals.csv", TAXONOMY_PROPOSALS.encode()).status_code == 201
    stored = _stored(engine, cid)
    assert (stored["1"].question_id, stored["1"].question_text) == ("taxonomy-12", "Mobilité")


def test_replies_on_decidim_meetings_and_projects_are_imported_not_rejected(client, keys, engine):
    h = keys.h()
    cid = _consultation(client, h)
    r = _upload(client, cid, h, "comments.csv", OTHER_COMMENTS.encode())
    assert r.status_code == 201 and r.json()["rejected"] == [], r.text
    assert _stored(engine, cid)["3"].question_id == "project-7"


def test_an_excel_97_workbook_is_a_4xx_saying_to_save_it_as_xlsx(client, keys):
    h = keys.h()
    cid = _consultation(client, h)
    fr = _upload(client, cid, h, "proposals.xls", XLS_HEADER)
    en = _upload(client, cid, {**h, "Accept-Language": "en"}, "proposals.xls", XLS_HEADER)
    assert 400 <= fr.status_code < 500 and "enregistrez-le au format .xlsx" in fr.json()["message"]
    assert "save it as .xlsx" in en.json()["message"]


def test_participant_types_of_another_cap_collectif_instance_are_stored(client, keys, engine):
    h = keys.h()
    cid = _consultation(client, h)
    assert _upload(client, cid, h, "export.csv", OTHER_INSTANCE.encode()).status_code == 201
    kinds = sorted(c.author_type for c in _stored(engine, cid).values())
    assert kinds == ["citizen", "elected_or_institution", "organisation_non_profit", "unknown"]


def test_the_grand_debat_open_data_json_imports_as_its_csv(client, keys, tmp_path):
    h = keys.h()
    cid = _consultation(client, h)
    content = json.dumps(_opendata_json(SAMPLES / "granddebat_fiscalite_sample.csv"), ensure_ascii=False)
    r = _upload(client, cid, h, "fiscalite.json", content.encode())
    assert r.status_code == 201, r.text
    assert (r.json()["format"], r.json()["rows_read"], r.json()["accepted"]) == ("granddebat", 1300, 2599)


def test_a_cap_collectif_consultation_step_export_imports_each_row_by_its_type(client, keys, engine):
    h = keys.h()
    cid = _consultation(client, h)
    r = _upload(client, cid, h, "consultation.csv", STEP_EXPORT.encode())
    assert r.status_code == 201, r.text
    assert (r.json()["format"], r.json()["accepted"], [x["line"] for x in r.json()["rejected"]]) == (
        "capcollectif", 5, [3, 7]
    )  # fmt: skip
    stored = _stored(engine, cid)
    assert stored["QXJndW1lbnQ6MQ=="].question_text == "Article 1 - Open data par défaut"


def test_debates_of_the_open_source_politics_fork_are_stored_with_their_author(client, keys, engine):
    h = keys.h()
    cid = _consultation(client, h)
    assert _upload(client, cid, h, "debats.csv", OSP_DEBATES.encode()).status_code == 201
    stored = _stored(engine, cid)
    assert stored["1"].author_ref is not None and stored["1"].author_ref == stored["2"].author_ref


def test_proposals_of_the_open_source_politics_fork_are_stored_with_their_author(client, keys, engine):
    h = keys.h()
    cid = _consultation(client, h)
    assert _upload(client, cid, h, "propositions.csv", OSP_PROPOSALS.encode()).status_code == 201
    stored = _stored(engine, cid)
    assert stored["1"].author_ref is not None and stored["1"].author_ref == stored["2"].author_ref


def test_a_polis_votes_file_alone_is_a_4xx_saying_to_import_the_comments(client, keys):
    h = keys.h()
    cid = _consultation(client, h)
    content = (POLIS.parent / "votes.csv").read_bytes()
    fr = _upload(client, cid, h, "votes.csv", content)
    en = _upload(client, cid, {**h, "Accept-Language": "en"}, "votes.csv", content)
    assert 400 <= fr.status_code < 500 and "importez le fichier comments.csv" in fr.json()["message"]
    assert "import the export's comments.csv" in en.json()["message"]


def test_a_decidim_meetings_export_is_a_4xx_saying_what_to_import(client, keys):
    h = keys.h()
    cid = _consultation(client, h)
    r = _upload(client, cid, h, "meetings.csv", MEETINGS.encode())
    assert 400 <= r.status_code < 500 and "l'export des réunions de Decidim" in r.json()["message"]
