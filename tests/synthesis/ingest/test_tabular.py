"""XLSX, JSON and JSON Lines records (synthesis.ingest.tabular): numbering, nesting, surrogates, sheets."""

from __future__ import annotations

import json
import zipfile

import pytest

from schemas.settings import ColumnMapping
from synthesis.errors import EmptyFileError, InputFileError, MappingError
from synthesis.ingest import read_file
from synthesis.ingest.tabular import jsonl_records

TEXT = ColumnMapping(text="texte")


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_one_line_json_numbers_records_by_position(write):
    path = write("c.json", json.dumps([{"texte": f"Avis {i}"} for i in range(5)]))
    result = read_file(path)
    assert not result.rejected and result.rows_read == 5
    assert [(c.line, c.source_id, c.text) for c in result.contributions] == [
        (n, f"ligne-{n}", f"Avis {n - 1}") for n in range(1, 6)
    ]


def test_json_with_two_objects_on_one_line_numbers_every_record_by_position(write):
    path = write("c.json", '[{"texte": "a"},\n{"texte": "b"}, {"texte": "c"}]')
    result = read_file(path)
    assert [c.source_id for c in result.contributions] == ["ligne-1", "ligne-2", "ligne-3"]


def test_jsonl_line_nested_too_deep_is_rejected_and_the_others_kept(write):
    body = '{"texte": "a"}\n{"texte": ' + _deep(1100) + '}\n{"texte": "c"}\n'
    result = read_file(write("x.jsonl", body))
    assert [c.text for c in result.contributions] == ["a", "c"]
    assert [r.line for r in result.rejected] == [2] and "trop imbriquée" in result.rejected[0].reason
    assert result.rejected[0].reason_en.startswith("JSON line nested too deep: arrays or objects nested")
    assert result.rows_read == 3


def test_json_nested_too_deep_is_an_input_error(write):
    path = write("x.json", '[{"texte": "a"},\n{"texte": ' + _deep(1100) + "}]")
    with pytest.raises(InputFileError, match="JSON trop imbriqué ligne 2") as caught:
        read_file(path)
    assert "nested too deeply at line 2" in caught.value.message_en


def test_lone_surrogates_become_replacement_characters(write):
    jsonl = write("x.jsonl", '{"texte": "a \\udc80", "cl\\ud801": 1}\n{"texte": ["\\ud800"]}\n')
    result = read_file(jsonl, mapping=TEXT)
    assert [c.text for c in result.contributions] == ["a \ufffd", "\ufffd"]  # a list of one, its item
    assert jsonl_records(jsonl, "utf-8")[0] == ["texte", "cl\ufffd"]  # column names too
    array = write("x.json", '[{"texte": "\\ud800 abc"}]')
    [c] = read_file(array).contributions
    assert c.text == "\ufffd abc" and c.text.encode("utf-8")


def _book(tmp_path, fill, name="x.xlsx"):
    from openpyxl import Workbook

    book = Workbook()
    fill(book)
    path = tmp_path / name
    book.save(path)
    return path


def test_xlsx_damaged_sheet_is_an_error_naming_it(tmp_path):
    def fill(book):
        sheet = book.active
        sheet.title = "Données"
        sheet.append(["id", "texte"])
        for i in range(200):
            sheet.append([i, f"texte numéro {i}"])

    good = _book(tmp_path, fill, "good.xlsx")
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            zout.writestr(item, data)
    with pytest.raises(InputFileError, match="La feuille « Données » .* est endommagée") as caught:
        read_file(bad)
    assert "Sheet 'Données'" in caught.value.message_en


def test_a_workbook_openpyxl_cannot_open_is_said_in_french_with_the_next_step(tmp_path):
    # « Classeur XLSX illisible « x.xlsx » : File contains no valid workbook part »: openpyxl's English reason
    # alone, in the French message, and nothing on what to do
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "pas un classeur")
    with pytest.raises(InputFileError) as caught:
        read_file(path)
    assert caught.value.message_fr.startswith(
        "Classeur XLSX illisible « x.xlsx » : il est endommagé, ou n'est pas un classeur Excel (détail : "
    )
    assert caught.value.message_fr.endswith(
        "enregistrez-le à nouveau en classeur .xlsx, ou exportez-le en CSV."
    )
    assert "save it again as an .xlsx workbook, or export it as CSV." in caught.value.message_en


def test_xlsx_row_wider_than_its_header_is_rejected_like_csv(tmp_path):
    def fill(book):
        sheet = book.active
        sheet.append(["id", "texte"])
        sheet.append([1, "gardé", None, None])
        sheet.append([2, "coupé ?", "valeur sans en-tête"])
        sheet.append([None, None, None, "seule"])

    result = read_file(_book(tmp_path, fill))
    assert [c.text for c in result.contributions] == ["gardé"]
    assert [r.line for r in result.rejected] == [3, 4]
    assert "sans en-tête (C)" in result.rejected[0].reason and "(D)" in result.rejected[1].reason
    assert "1 column(s) without a header (C) where the header has 2" in result.rejected[0].reason_en
    assert result.rows_read == 3


def test_xlsx_repeated_text_column_name_is_an_error_like_csv(tmp_path):
    # the first column was read and the second's texts silently left out (XLSX once kept the last)
    def fill(book):
        book.active.append(["id", "texte", "texte"])
        book.active.append([1, "premier", "second"])

    csv_file = tmp_path / "t.csv"
    csv_file.write_text("id,texte,texte\n1,premier,second\n", encoding="utf-8")
    for path in (_book(tmp_path, fill), csv_file):
        with pytest.raises(MappingError, match="« texte » \\(text\\) apparaît 2 fois"):
            read_file(path)


def test_xlsx_lines_are_the_excel_row_numbers(tmp_path):
    def fill(book):
        sheet = book.active
        sheet["A4"], sheet["B4"] = "id", "texte"
        sheet.append([None, "a"])
        sheet.append([None, "b"])

    result = read_file(_book(tmp_path, fill))
    assert [(c.line, c.source_id) for c in result.contributions] == [(5, "ligne-5"), (6, "ligne-6")]


def test_xlsx_empty_first_sheet_falls_back_to_the_next(tmp_path):
    def fill(book):
        book.active.title = "Vide"
        data = book.create_sheet("Données")
        data.append(["id", "texte"])
        data.append([1, "a"])

    [c] = read_file(_book(tmp_path, fill)).contributions
    assert (c.text, c.line) == ("a", 2)


def test_xlsx_without_any_header_is_an_empty_file(tmp_path):
    with pytest.raises(EmptyFileError, match="aucune feuille"):
        read_file(_book(tmp_path, lambda book: None))


def test_json_errors_are_said_in_french_and_english(tmp_path):
    # "JSON invalide ligne 1 : Expecting value: line 1 column 8 (char 7)", the French message in English
    from synthesis.errors import InputFileError
    from synthesis.ingest import read_file

    path = tmp_path / "x.json"
    path.write_text('[{"a": }]', encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_file(path)
    assert (
        caught.value.message_fr
        == "JSON invalide ligne 1 : valeur attendue (colonne 8). Attendu : une liste d'objets."
    )
    assert (
        "a value was expected (column 8)" in caught.value.message_en
        and "Expecting" not in caught.value.message_fr
    )
    lines = tmp_path / "y.jsonl"
    lines.write_text('{"texte": "un avis"}\n{"texte": "x', encoding="utf-8")
    result = read_file(lines)
    assert [r.reason for r in result.rejected] == [
        "ligne JSON invalide : texte entre guillemets non fermé (colonne 11)"
    ]
    assert (
        result.rejected[0].reason_en.startswith("invalid JSON line: ")
        and "(column 11)" in result.rejected[0].reason_en
    )
    (tmp_path / "z.jsonl").write_text('{"texte": "a"}\n[1]\n', encoding="utf-8")
    assert [r.reason_en for r in read_file(tmp_path / "z.jsonl").rejected] == [
        "JSON line that is not an object (list)"
    ]


def test_xlsx_whose_zip_directory_lists_more_entries_than_a_workbook_is_refused_before_it_is_parsed(tmp_path):
    # openpyxl's zipfile parsed every entry of the directory, a few hundred bytes of memory each, before any
    # row was read: a 512 MB upload of empty entries took 3 GB; the directory's end record now says first
    def fill(book):
        book.active.append(["id", "texte"])
        book.active.append([1, "Des bus"])

    good = _book(tmp_path, fill, "good.xlsx")
    assert [c.text for c in read_file(good, mapping=ColumnMapping(text="texte")).contributions] == ["Des bus"]
    padded = tmp_path / "padded.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(padded, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        for i in range(2000):  # the limit: a workbook holds a few dozen entries
            zout.writestr(f"pad/{i}", b"")
    with pytest.raises(InputFileError, match=r"répertoire annonce 20\d\d entrées .*limites : 2000 entrées"):
        read_file(padded, mapping=ColumnMapping(text="texte"))
