"""Preview: the same encoding, delimiter and format decisions as an import, and clear errors on bad input."""

from __future__ import annotations

import pytest

from synthesis.errors import EncodingError
from synthesis.ingest import preview


def test_preview_of_a_mixed_file_keeps_its_utf8_text(write):
    rows = "".join(f"{i},Réponse numéro {i}\n" for i in range(1, 6))
    p = preview(write("x.csv", ("id,texte\n" + rows).encode() + "6,été\n".encode("cp1252")))
    assert p.encoding == "utf-8+cp1252" and p.rows_estimate == 6
    assert [r.values["texte"] for r in p.sample_rows][:2] == ["Réponse numéro 1", "Réponse numéro 2"]


def test_preview_of_json_its_forced_encoding_cannot_read(write):
    path = write("x.json", '[{"texte": "élevé"}]', encoding="latin-1")
    with pytest.raises(EncodingError, match=r"n'est pas lisible en utf-8 \(ligne 1\)"):
        preview(path, encoding="utf-8")


@pytest.mark.parametrize("encoding", ["hex", "idna", "utf-16"])
def test_preview_with_a_forced_encoding_that_cannot_read_the_file(write, encoding):
    with pytest.raises(EncodingError, match=encoding):
        preview(write("x.csv", "id,texte\n1,élevé\n", encoding="cp1252"), encoding=encoding)


def test_preview_of_utf16_without_bom(write):
    p = preview(write("x.csv", "id;texte\n1;été\n", encoding="utf-16-le"))
    assert p.encoding == "utf-16-le" and p.columns == ["id", "texte"] and p.delimiter == ";"


def test_preview_splits_on_the_delimiter_steady_over_the_rows(write):
    p = preview(write("x.csv", "id;Votre avis, en quelques mots\n1;Je propose, d'abord, ceci\n"))
    assert p.delimiter == ";" and p.columns == ["id", "Votre avis, en quelques mots"]


def test_preview_of_csv_starting_with_a_bracket_and_of_json_lines_named_json(write):
    assert preview(write("x.csv", "[id],[texte]\n1,un\n")).columns == ["[id]", "[texte]"]
    p = preview(write("y.json", '{"id": 1, "texte": "a"}\n{"id": 2, "texte": "b"}\n'))
    assert p.format == "jsonl" and p.rows_estimate == 2


def test_preview_of_a_workbook_counts_its_rows(write, tmp_path):
    # it said "0 (estimation)" for every workbook
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "texte"])
    for i in range(1, 13):
        sheet.append([i, f"Avis numéro {i}"])
    book.save(tmp_path / "x.xlsx")
    p = preview(tmp_path / "x.xlsx")
    assert p.rows_estimate == 12 and p.rows_estimate_exact and len(p.sample_rows) == 5
