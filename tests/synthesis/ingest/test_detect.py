"""Sniffing: encodings (mixed, UTF-16/32 without BOM, forced), delimiter over several records, JSON or CSV."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from synthesis.errors import EncodingError
from synthesis.ingest import detect
from synthesis.ingest.base import Format
from synthesis.ingest.detect import MIXED, format_from_name, scan_file, sniff_delimiter

UTF8_ROWS = "".join(f"{i},Réponse numéro {i} sur l'écologie\n" for i in range(1, 40))


def test_utf8_file_with_one_cp1252_line_is_read_as_mixed(write):
    content = ("id,texte\n" + UTF8_ROWS).encode() + "40,élevé côté\n".encode("cp1252")
    assert scan_file(write("x.csv", content)).encoding == MIXED


def test_latin1_line_after_the_sample_is_read_as_mixed(write):
    rows = "".join(f"{i},Réponse numéro {i} sur l'écologie et les impôts\n" for i in range(1, 2000))
    content = ("id,texte\n" + rows).encode() + "2000,été\n".encode("latin-1")
    assert len(content) > 1 << 16
    assert scan_file(write("x.csv", content)).encoding == MIXED


def test_utf8_cut_inside_its_last_character_stays_utf8(write):
    content = ("id,texte\n" + UTF8_ROWS).encode() + "40,coupé".encode()[:-1]
    assert scan_file(write("x.csv", content)).encoding == MIXED


def test_utf8_with_bom_and_one_cp1252_line_is_mixed(write):
    content = ("\ufeffid,texte\n" + UTF8_ROWS).encode() + "40,été\n".encode("cp1252")
    assert scan_file(write("x.csv", content)).encoding == MIXED


def test_mixed_codec_decodes_utf8_and_cp1252_bytes():
    assert "é€".encode().decode(MIXED) + "é€".encode("cp1252").decode(MIXED) == "é€é€"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-32"])
def test_utf16_and_utf32_are_told_without_or_with_bom(write, encoding):
    path = write("x.csv", ("id,texte\n1,Réponse numéro 1 sur les impôts\n" * 3).encode(encoding))
    facts = scan_file(path)
    assert facts.kind == "text" and facts.encoding.replace("_", "-") == encoding


@pytest.mark.parametrize(
    ("encoding", "match"),
    [
        ("hex", "n'est pas un encodage de texte"),
        ("idna", "n'est pas lisible en idna"),
        ("utf-16", "n'est pas lisible en utf-16"),
        ("utf-8", r"n'est pas lisible en utf-8 \(ligne 2\)"),
    ],
)
def test_forced_encoding_that_cannot_read_the_file_is_named(write, encoding, match):
    path = write("x.csv", "id,texte\n1,élevé\n", encoding="cp1252")
    with pytest.raises(EncodingError, match=match) as err:
        scan_file(path, encoding)
    assert encoding in err.value.message_en and err.value.value


@pytest.mark.parametrize(
    "text",
    [
        "id;profil;Quelles sont, selon vous, les priorités ?\n1;citoyen;Baisser la TVA\n2;élu;Moins d'impôts\n",
        "id;Votre avis, en quelques mots\n1;Je propose, d'abord, de réduire la TVA\n2;Oui, bien sûr, non\n",
    ],
)
def test_delimiter_is_told_by_several_records(text):
    assert sniff_delimiter(text) == ";"


def test_delimiter_tie_goes_to_the_one_not_followed_by_spaces():
    assert sniff_delimiter("id;Oui, non\n1;Bien, sûr\n") == ";"


@pytest.mark.parametrize("head", [b"[id],[texte]\n0,t\n", b"{id},texte\n0,t\n"])
def test_csv_extension_is_csv_whatever_its_first_character(head):
    assert format_from_name(Path("x.csv"), head) is None
    assert format_from_name(Path("x"), head) is Format.JSON


def test_json_lines_saved_as_json_is_json_lines():
    head = b'{"id": 1, "texte": "a"}\n{"id": 2, "texte": "b"}\n'
    assert format_from_name(Path("x.json"), head) is Format.JSONL
    assert format_from_name(Path("x.json"), b'{\n  "data": [{"id": 1}]\n}\n') is Format.JSON


@pytest.mark.parametrize("chunk", [1, 3, 4, 1 << 20])
def test_physical_lines_end_at_lf_crlf_or_cr_whatever_the_read_size(monkeypatch, chunk):
    monkeypatch.setattr(detect, "CHUNK", chunk)
    data = b"ab\r\ncd\ref\n\r\r\ngh\xc3\xa9"
    assert list(detect.physical_lines(io.BytesIO(data))) == [
        b"ab\r\n",
        b"cd\r",
        b"ef\n",
        b"\r",
        b"\r\n",
        b"gh\xc3\xa9",
    ]
