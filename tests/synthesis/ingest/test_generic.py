"""Generic CSV / XLSX / JSON / JSON Lines with a column mapping, and the import preview (issue 3)."""

from __future__ import annotations

import json

import pytest

from schemas.settings import ColumnMapping
from synthesis.errors import InputFileError
from synthesis.ingest import Format, preview, read_file
from synthesis.ingest.generic import suggest_mapping
from synthesis.records import AuthorType

from .conftest import GD_SAMPLE

ROWS = [
    {
        "ref": "r1",
        "avis": "Plus de pistes cyclables",
        "auteur": "alice@example.org",
        "profil": "Citoyen",
        "cp": "1000",
        "theme": "Mobilité",
    },
    {"ref": "r2", "avis": "", "auteur": "bob", "profil": "Association", "cp": "69001", "theme": "Mobilité"},
    {"ref": "r3", "avis": '=HYPERLINK("x")', "auteur": "", "profil": "", "cp": "", "theme": "Logement"},
]
MAPPING = ColumnMapping(
    text="avis", id="ref", author="auteur", author_type="profil", postcode="cp", question="theme"
)


def _check(result):
    c = result.contributions
    assert [x.contribution_id for x in c] == ["r1", "r2", "r3"]
    assert (
        c[0].zipcode == "01000" and c[0].author_type is AuthorType.CITIZEN and c[0].question_id == "Mobilité"
    )
    assert c[0].author_ref and "alice" not in c[0].author_ref
    assert c[1].text == "" and c[1].author_type is AuthorType.ORGANISATION_NONPROFIT  # kept: excluded later
    assert c[2].text == '=HYPERLINK("x")' and c[2].author_ref is None and c[2].question_id == "Logement"
    assert result.rows_read == 3


def test_a_lost_zero_is_restored_only_where_it_makes_a_postcode(write):
    path = write("x.csv", "avis,cp\nVélo,1000\nBus,7501\n")
    zips = [
        c.zipcode for c in read_file(path, mapping=ColumnMapping(text="avis", postcode="cp")).contributions
    ]
    assert zips == ["01000", "7501"]  # "7501" kept as written: no postcode 07501


def test_a_foreign_country_in_a_country_column_makes_the_participant_abroad(write):
    # "1000" with "Belgique" beside it was read as the Ain's 01000 (a lost zero), "Suisse" as a Moselle commune
    from synthesis.territory import ABROAD, OK, locate

    path = write(
        "x.csv", "avis,cp,pays\nVélo,1000,Belgique\nBus,1201,Suisse\nTram,1000,France\nMétro,54000,\n"
    )
    mapping = ColumnMapping(text="avis", postcode="cp")
    zips = [c.zipcode for c in read_file(path, mapping=mapping).contributions]
    assert zips == ["PAYS Belgique", "PAYS Suisse", "01000", "54000"]
    assert [locate(z).status for z in zips] == [ABROAD, ABROAD, OK, OK]


def test_csv(write):
    lines = ["ref,avis,auteur,profil,cp,theme"] + [
        ",".join(json.dumps(r[k]) if "," in r[k] or '"' in r[k] else r[k] for k in ROWS[0]) for r in ROWS
    ]
    path = write("x.csv", "\n".join(lines).replace('"=HYPERLINK(\\"x\\")"', '"=HYPERLINK(""x"")"') + "\n")
    _check(read_file(path, mapping=MAPPING, secret=b"k"))


def test_json_array_with_lines(write):
    path = write("x.json", json.dumps(ROWS, indent=1, ensure_ascii=False))
    result = read_file(path, mapping=MAPPING, secret=b"k")
    assert result.format is Format.JSON and [c.line for c in result.contributions] == [2, 10, 18]
    _check(result)


def test_json_object_wrapping_a_list_and_bad_items(write):
    path = write("x.json", json.dumps({"meta": 1, "data": [*ROWS, 5]}))
    result = read_file(path, mapping=MAPPING)
    assert (
        len(result.contributions) == 3
        and result.rejected[0].line == 4
        and "pas un objet" in result.rejected[0].reason
    )


def test_invalid_json_is_an_input_error(write):
    with pytest.raises(InputFileError, match="JSON invalide ligne 2"):
        read_file(write("x.json", '[{"a": 1},\n {"a": }]'), mapping=ColumnMapping(text="a"))


def test_jsonl_rejects_bad_lines(write):
    body = "\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS) + "\n{broken\n[1]\n"
    result = read_file(write("x.jsonl", body), mapping=MAPPING)
    assert result.format is Format.JSONL
    _check_partial = [c.source_id for c in result.contributions]
    assert _check_partial == ["r1", "r2", "r3"] and [r.line for r in result.rejected] == [4, 5]
    assert result.rows_read == 5


def test_xlsx(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(ROWS[0]))
    for r in ROWS:
        sheet.append([int(v) if v.isdigit() else v for v in r.values()])
    sheet.append([None] * 6)  # an empty row is not a data row
    path = tmp_path / "x.xlsx"
    book.save(path)
    result = read_file(path, mapping=MAPPING, secret=b"k")
    assert result.format is Format.XLSX and [c.line for c in result.contributions] == [2, 3, 4]
    _check(result)
    p = preview(path)
    assert p.format == "xlsx" and p.columns == list(ROWS[0]) and len(p.sample_rows) == 3


def test_question_text_for_single_question_files(write):
    result = read_file(write("x.csv", "comment\nTVA\n"), question_text="Quels impôts baisser ?")
    c = result.contributions[0]
    assert (c.question_id, c.question_text, c.source_id, c.contribution_id) == (
        "1",
        "Quels impôts baisser ?",
        "ligne-2",
        "ligne-2",
    )


def test_preview_of_the_grand_debat_sample():
    p = preview(GD_SAMPLE)
    assert (p.format, p.kind, p.encoding, p.delimiter) == ("granddebat", "wide", "utf-8", ",")
    assert p.rows_estimate == 1300 and p.rows_estimate_exact
    assert [q.question_id for q in p.questions] == ["164", "166", "9001"]
    assert len(p.sample_rows) == 5 and p.sample_rows[0].line == 2 and p.suggested_mapping is None


def test_preview_suggests_a_mapping(write, data):
    p = preview(data / "granddebat" / "gd_animation_fiscalite_13.csv")
    assert p.format == "csv" and p.mapping_required and p.suggested_mapping == ColumnMapping(text="comment")
    assert p.rows_estimate == 8957
    big = write(
        "big.csv",
        "id;texte;code postal\n" + "".join(f"{i:06d};réponse {i:06d};75001\n" for i in range(200_000)),
    )
    p = preview(big)
    assert p.suggested_mapping == ColumnMapping(text="texte", id="id", postcode="code postal")
    assert not p.rows_estimate_exact and abs(p.rows_estimate - 200_000) < 2_000


def test_preview_of_decidim(data):
    p = preview(data / "decidim-mel-nancy" / "commentaires_debats.csv")
    assert (p.format, p.kind, p.delimiter, p.rows_estimate) == ("decidim", "comments", ";", 693)


def test_columns_named_after_a_prefix_are_suggested():
    # a Cap Collectif proposals export ("proposal_body", "proposal_author_id"…) had no suggested mapping
    header = [
        "proposal_id", "proposal_title", "proposal_createdAt", "proposal_author_id", "proposal_author_zipCode",
        "proposal_category_name", "proposal_body", "proposal_votes_totalCount",
    ]  # fmt: skip
    assert suggest_mapping(header) == ColumnMapping(
        text="proposal_body",
        id="proposal_id",
        author="proposal_author_id",
        postcode="proposal_author_zipCode",
        date="proposal_createdAt",
    )
    assert suggest_mapping(["id", "context"]) is None  # a name that only ends with a hint's letters
    assert suggest_mapping(["reponse", "x_text"]) == ColumnMapping(text="reponse")  # a name as it is first
