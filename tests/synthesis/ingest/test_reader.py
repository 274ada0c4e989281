"""CSV reading: BOM, line ends, multi-line fields, line numbers, and clear errors on bad files (issue 2)."""

from __future__ import annotations

import pytest

from schemas.settings import ColumnMapping
from synthesis.errors import (
    BinaryFileError,
    EmptyFileError,
    EncodingError,
    InputFileError,
    MappingError,
    UnterminatedQuoteError,
)
from synthesis.ingest import iter_file, read_file
from synthesis.ingest.detect import sniff_delimiter


def test_bom_crlf_lf_and_multiline_fields_keep_physical_lines(write):
    content = '\ufeffid;texte\r\n1;"une\r\nréponse"\n\n2;deux\r\n3;"a ""citée""\nsur\ntrois"\r\n'
    result = read_file(write("x.csv", content))
    assert result.encoding == "utf-8-sig" and result.delimiter == ";"
    assert [(c.source_id, c.line, c.text) for c in result.contributions] == [
        ("1", 2, "une\r\nréponse"),
        ("2", 5, "deux"),
        ("3", 6, 'a "citée"\nsur\ntrois'),
    ]
    assert result.extras["counts"]["blank_lines"] == 1 and result.extras["mapping_suggested"] is True


def test_unterminated_quote_names_its_line(write):
    path = write("x.csv", 'id,text\n1,ok\n2,"never closed\n3,more\n')
    with pytest.raises(UnterminatedQuoteError, match="ligne 3") as err:
        read_file(path)
    assert err.value.details["line"] == 3 and "line 3" in err.value.message_en


def test_missing_mapped_column_lists_the_available_ones(write):
    path = write("x.csv", "id,body\n1,a\n")
    with pytest.raises(MappingError, match="« texte ».*absente.*« id », « body »") as err:
        iter_file(path, mapping=ColumnMapping(text="texte"))
    assert err.value.details["column"] == "texte" and err.value.details["available"] == ["id", "body"]


def test_unrecognised_text_column_without_mapping(write):
    with pytest.raises(MappingError, match="Colonnes disponibles : « a », « b »"):
        read_file(write("x.csv", "a,b\n1,2\n"))


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n  \r\n"])
def test_empty_files(write, content):
    with pytest.raises(EmptyFileError, match="vide"):
        read_file(write("x.csv", content))


def test_header_only_file_is_empty(write):
    with pytest.raises(EmptyFileError, match="aucune ligne de données"):
        read_file(write("x.csv", "id,text\n"))


@pytest.mark.parametrize(
    "content", [b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", b"\x89PNG\r\n\x1a\n\x00\x00", b"abc\x00def\x00" * 20]
)
def test_binary_files_are_refused(write, content):
    with pytest.raises(BinaryFileError, match="n'est pas un export lisible"):
        read_file(write("x.csv", content))


def test_unknown_encoding_and_format(write):
    path = write("x.csv", "text\na\n")
    with pytest.raises(EncodingError, match="Encodage inconnu"):
        read_file(path, encoding="klingon")
    with pytest.raises(InputFileError, match="Format inconnu.*granddebat"):
        read_file(path, format="docx")
    with pytest.raises(InputFileError, match="introuvable"):
        read_file(path.with_name("absent.csv"))


def test_explicit_encoding_wins(write):
    path = write("x.csv", "text\nélu\n", encoding="cp1252")
    assert read_file(path).contributions[0].text == "élu"
    assert read_file(path, encoding="latin-1").contributions[0].text == "élu"


def test_ten_megabyte_field_is_read_verbatim(write):
    big = "é" * 5_000_000 + "x" * 1_000_000
    result = read_file(write("x.csv", f'id,text\n1,"{big}"\n2,small\n'))
    assert result.contributions[0].text == big and result.contributions[1].line == 3


def test_rows_of_wrong_width_are_rejected_with_line(write):
    result = read_file(write("x.csv", "id,text\n1,a\n2,b,c\n3\n4,d,,\n"))
    assert [c.source_id for c in result.contributions] == ["1", "4"]  # trailing empty fields tolerated
    assert [r.line for r in result.rejected] == [3, 4]
    assert result.rows_read == 4


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [("a;b;c\n1,5;2;3", ";"), ("a,b\n", ","), ("a\tb\n", "\t"), ('"x;y",b,c\n', ","), ("single\n", ",")],
)
def test_sniff_delimiter(text, delimiter):
    assert sniff_delimiter(text) == delimiter


def _utf8_rows(n: int) -> str:
    return "id,texte\n" + "".join(f"{i},Réponse numéro {i} sur l'écologie\n" for i in range(1, n + 1))


def test_mixed_file_keeps_its_utf8_text_and_names_the_cp1252_lines(write):
    content = _utf8_rows(39).encode() + "40,élevé côté\n".encode("cp1252") + b"41,fin\n"
    result = read_file(write("x.csv", content))
    texts = {c.line: c.text for c in result.contributions}
    assert texts[2] == "Réponse numéro 1 sur l'écologie" and texts[41] == "élevé côté"
    assert not any("Ã" in t for t in texts.values()) and result.rows_read == 41
    [warning] = result.extras["warnings"]
    assert warning["code"] == "mixed_encoding" and warning["lines"] == [41]
    assert "Ligne(s) 41 :" in warning["message_fr"] and "Line(s) 41:" in warning["message_en"]


def test_mixed_file_lines_are_physical_lines_even_with_cr_ends(write):
    content = b'id,texte\r1,\xc3\xa9t\xc3\xa9\r2,"multi\rligne"\r3,\xe9t\xe9\r'
    result = read_file(write("x.csv", content))
    assert [(c.line, c.text) for c in result.contributions] == [(2, "été"), (3, "multi\rligne"), (5, "été")]
    assert result.extras["warnings"][0]["lines"] == [5]


def test_utf8_export_cut_inside_a_character_keeps_utf8_and_says_so(write):
    content = _utf8_rows(3).encode() + "4,coupé".encode()[:-1]
    result = read_file(write("x.csv", content))
    assert [c.text for c in result.contributions][-2:] == ["Réponse numéro 3 sur l'écologie", "coup"]
    [warning] = result.extras["warnings"]
    assert warning["code"] == "truncated_character" and warning["lines"] == [5]


def test_forced_utf16_on_a_file_without_bom_is_an_encoding_error(write):
    path = write("x.csv", "id,texte\n1,élevé\n", encoding="cp1252")
    with pytest.raises(EncodingError, match="utf-16"):
        read_file(path, encoding="utf-16")


def test_semicolon_file_with_commas_in_the_header_is_split_on_semicolons(write):
    question = "Quelles sont, selon vous, les priorités ?"
    content = f"id;profil;{question}\n1;citoyen;Baisser, vite, la TVA\n"
    result = read_file(write("x.csv", content), mapping=ColumnMapping(text=question, id="id"))
    assert result.delimiter == ";" and result.contributions[0].text == "Baisser, vite, la TVA"


@pytest.mark.parametrize("header", ["[id],[texte]", "{id},texte"])
def test_csv_whose_header_starts_like_json_is_csv(write, header):
    path = write("x.csv", f"{header}\n1,un\n2,deux\n")
    result = read_file(path, mapping=ColumnMapping(text=header.split(",")[1]))
    assert result.format.value == "csv" and [c.text for c in result.contributions] == ["un", "deux"]


def test_json_lines_saved_as_json_is_read(write):
    result = read_file(write("x.json", '{"id": 1, "texte": "a"}\n{"id": 2, "texte": "b"}\n'))
    assert result.format.value == "jsonl" and [c.text for c in result.contributions] == ["a", "b"]


def test_mixed_json_keeps_its_utf8_text_and_warns(write):
    content = '[{"id": 1, "texte": "été"},\n'.encode() + '{"id": 2, "texte": "élu"}]\n'.encode("cp1252")
    result = read_file(write("x.json", content))
    assert [c.text for c in result.contributions] == ["été", "élu"] and result.encoding == "utf-8+cp1252"
    assert result.extras["warnings"][0]["code"] == "mixed_encoding"


def test_one_line_json_with_one_cp1252_value_keeps_its_utf8_text(write):
    # a minified JSON is one line: it was "not UTF-8" as a whole and read wholly as Windows-1252 ("RÃ©ponse")
    items = ",".join(f'{{"id": {i}, "texte": "Réponse n° {i} à propos de l\'été"}}' for i in range(1, 21))
    content = f"[{items}]".encode().replace("n° 7 ".encode(), "n° 7 ".encode("cp1252"))
    result = read_file(write("x.json", content))
    assert result.encoding == "utf-8+cp1252" and result.extras["warnings"][0]["code"] == "mixed_encoding"
    assert {c.text for c in result.contributions} == {
        f"Réponse n° {i} à propos de l'été" for i in range(1, 21)
    }


def test_a_utf8_csv_line_with_one_stray_cp1252_byte_keeps_its_utf8_characters(write):
    content = _utf8_rows(3).encode() + "4,Été : réduire ".encode() + "l'écart".encode("cp1252") + b"\n"
    result = read_file(write("x.csv", content))
    assert result.contributions[-1].text == "Été : réduire l'écart" and result.rows_read == 4
    assert result.extras["warnings"][0]["lines"] == [5]
    # a line wholly in Windows-1252 is still read byte by byte ("É\xa0" is no UTF-8 "ɠ")
    content = _utf8_rows(3).encode() + "5,PRIORITÉ\xa0! élevé".encode("cp1252") + b"\n"
    assert read_file(write("y.csv", content)).contributions[-1].text == "PRIORITÉ\xa0! élevé"


def test_mixed_file_with_a_bom_reads_a_quoted_first_column_name(write):
    # the BOM was kept on line 1: « "id" » with its quotes, ids lost, a re-import added its rows twice
    content = b'\xef\xbb\xbf"id","texte"\r\n"1","caf\xc3\xa9"\r\n"2","th\xe9"\r\n'
    result = read_file(write("x.csv", content))
    assert [(c.source_id, c.text) for c in result.contributions] == [("1", "café"), ("2", "thé")]


def test_a_windows_1252_file_stays_windows_1252_when_two_of_its_bytes_look_like_utf8(write):
    # "PRIORITÉ\xa0: SANTÉ\xa0!" holds "É\xa0", valid UTF-8 for "ɠ": the whole file was read as mixed, garbled
    rows = "".join(f"{i};Priorité numéro {i} : l'école\n" for i in range(2, 50))
    content = ("id;texte\n" + rows + "50;PRIORITÉ\xa0: SANTÉ\xa0!\n").encode("cp1252")
    result = read_file(write("x.csv", content))
    assert result.encoding == "cp1252" and "warnings" not in result.extras
    assert result.contributions[-1].text == "PRIORITÉ\xa0: SANTÉ\xa0!"
    # in a file that is mixed indeed, a line read as Windows-1252 is read so whole
    mixed = _utf8_rows(3).encode() + "4,élevé PRIORITÉ\xa0!\n".encode("cp1252")
    assert read_file(write("y.csv", mixed)).contributions[-1].text == "élevé PRIORITÉ\xa0!"


def test_a_windows_1252_file_ending_in_an_accent_keeps_it(write):
    # "allé" at the very end, no final line break, a file ASCII otherwise: taken for a cut UTF-8 character
    result = read_file(write("x.csv", b"id,texte\n1,bonjour\n2,je suis all\xe9"))
    assert [c.text for c in result.contributions] == ["bonjour", "je suis allé"]
    assert "warnings" not in result.extras


def test_a_wrong_delimiter_that_leaves_rows_whole_is_not_chosen(write):
    text = "id;date;idées,remarques,suggestions\n" + "".join(
        f"{i};2024-01-0{i};Plus de bus le soir\n" for i in range(1, 6)
    )
    assert sniff_delimiter(text) == ";"


def test_json_lines_in_a_json_file_whose_first_record_is_long(write):
    # a first record over the 64 KiB sample: "JSON invalide ligne 2 : Extra data"
    lines = "".join(f'{{"id": "{i}", "texte": "{"mot " * 20_000}{i}"}}\n' for i in range(3))
    result = read_file(write("x.json", lines), mapping=ColumnMapping(text="texte", id="id"))
    assert result.rows_read == 3 and len(result.contributions) == 3


def test_json_lines_whose_first_line_nests_too_deep_keeps_the_others(write):
    # telling JSON Lines from JSON raised RecursionError on such a first line (the service hid it as a 422)
    deep = '{"a":' * 100_000 + "1" + "}" * 100_000
    result = read_file(write("x.json", deep + '\n{"texte": "un avis"}\n'))
    assert [c.text for c in result.contributions] == ["un avis"]
    assert [(r.line, r.reason.split(" :")[0]) for r in result.rejected] == [(1, "ligne JSON trop imbriquée")]


# The header sector of an OLE2 compound file, the container of Excel 97-2003 workbooks (.xls): signature, minor
# and major version (3), byte order FFFE, sectors of 512 bytes, then the rest of the 512-byte header unused
XLS_HEADER = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00\x06\x00"
).ljust(512, b"\xff")


def test_an_excel_97_workbook_is_told_apart_and_what_to_do_said(write):
    # Decidim's Excel export wrote .xls before 0.27 (decidim-core/lib/decidim/exporters/excel.rb, the
    # "spreadsheet" gem): it was refused as a "binary file", with nothing saying it is a workbook to save as .xlsx
    path = write("proposals.xls", XLS_HEADER)
    with pytest.raises(
        BinaryFileError, match=r"classeur Excel 97-2003 \(\.xls\).*enregistrez-le au format \.xlsx"
    ):
        read_file(path)
    with pytest.raises(BinaryFileError) as caught:
        read_file(path)
    assert "save it as .xlsx" in caught.value.message_en
