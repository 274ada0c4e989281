"""Grand Débat wide export: one contribution per non-blank answer, trashed rows, encodings (issues 2, 3)."""

from __future__ import annotations

import csv
import json
from collections import Counter

import pytest

from synthesis.errors import FormatDetectionError, InputFileError, MappingError
from synthesis.ingest import Format, iter_file, read_file
from synthesis.ingest.granddebat import (
    NO_ANSWER_REASON,
    TRASHED_REASON,
    decode_question_header,
    encode_question_header,
)
from synthesis.records import AuthorType, RejectedRow

from .conftest import GD_SAMPLE

HEADER = (
    "id,reference,title,createdAt,publishedAt,updatedAt,trashed,trashedStatus,authorId,authorType,authorZipCode,"
    "QUXVlc3Rpb246MTY0 - Quels impôts baisser ?,QUXVlc3Rpb246MTY2 - Pour quoi payer plus ?\n"
)


def test_sample_counts():
    result = read_file(GD_SAMPLE, secret=b"s")
    assert result.format is Format.GRANDDEBAT
    assert result.rows_read == 1300
    assert result.extras["counts"] == {
        "rows_read": 1300,
        "rows_with_contributions": 1256,
        "rows_without_answer": 0,
        "rejected": 44,  # rows without any answer, each with its line and reason
        "contributions": 2599,
        "blank_lines": 0,
    }
    assert Counter(c.question_id for c in result.contributions) == {"164": 1050, "166": 900, "9001": 649}
    assert sum(1 for c in result.contributions if c.excluded) == 52
    assert all(c.excluded.startswith(TRASHED_REASON) for c in result.contributions if c.excluded)
    campaign = [c for c in result.contributions if "Supprimer la CSG pour TOUS les retraités" in c.text]
    assert len(campaign) == 212
    assert len({c.contribution_id for c in result.contributions}) == 2599
    assert result.extras["questions"][0] == {
        "question_id": "164",
        "question_text": "Quels sont selon vous les impôts qu'il faut baisser en priorité ?",
    }


def test_sample_fields_match_the_csv_module():
    with GD_SAMPLE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, rows = rows[0], rows[1:]
    result = read_file(GD_SAMPLE)
    by_id = {c.contribution_id: c for c in result.contributions}
    for n, row in enumerate(rows[:200]):
        for col, qid in ((11, "164"), (12, "166"), (13, "9001")):
            c = by_id.get(f"{row[1]}-q{qid}")
            assert (c is None) == (row[col] == "")
            if c:
                assert c.text == row[col] and c.source_id == row[1] and c.zipcode == (row[10] or None)
                assert c.question_text == header[col].split(" - ", 1)[1]
                assert c.line == n + 2  # no multi-line cell in the sample: line = row number + header
    assert any("|" in c.text for c in result.contributions if c.question_id == "9001")


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_legacy_encodings_give_identical_contributions(tmp_path, encoding):
    text = GD_SAMPLE.read_text(encoding="utf-8")
    if encoding == "latin-1":  # ISO-8859-1 lacks "’", "€", "œ"…: keep the rows it can encode
        lines = text.splitlines(keepends=True)
        text = "".join(line for line in lines if all(ord(ch) < 256 for ch in line))
    utf8, legacy = tmp_path / "utf8.csv", tmp_path / "legacy.csv"
    utf8.write_text(text, encoding="utf-8")
    legacy.write_bytes(text.encode(encoding))
    a, b = read_file(utf8, secret=b"x"), read_file(legacy, secret=b"x")
    assert b.encoding == "cp1252"
    assert a.contributions == b.contributions and a.rows_read == b.rows_read > 1000
    assert a.sha256 != b.sha256


def test_trashed_blank_types_and_pseudonyms(write):
    path = write(
        "gd.csv",
        HEADER
        + (
            "X1,2-1,,2019-01-22,,,false,,User:1,Citoyen / Citoyenne,75011,La TVA,La santé\n"
            "X2,2-2,,2019-01-22,,,true,invisible,User:2,Organisation à but non lucratif,01400,,L'école\n"
            "X3,2-3,,2019-01-23,,,false,,User:1,,,,\n"
            "X4,2-4,,2019-01-23,,,false,,,Élu / élue et Institution,,=CMD|' /C calc'!A0,\n"
        ),
    )
    result = read_file(path, secret=b"secret")
    c = {x.contribution_id: x for x in result.contributions}
    assert list(c) == ["2-1-q164", "2-1-q166", "2-2-q166", "2-4-q164"]
    assert c["2-2-q166"].excluded == TRASHED_REASON + " : invisible" and c["2-1-q164"].excluded is None
    assert c["2-2-q166"].author_type is AuthorType.ORGANISATION_NONPROFIT
    assert c["2-4-q164"].author_type is AuthorType.ELECTED_OR_INSTITUTION and c["2-4-q164"].author_ref is None
    assert c["2-4-q164"].text == "=CMD|' /C calc'!A0"  # formulas are data: imported verbatim
    assert c["2-1-q164"].author_ref == c["2-1-q166"].author_ref != "User:1"
    assert [(r.line, r.reason) for r in result.rejected] == [(4, NO_ANSWER_REASON)] and result.rows_read == 4


def test_wide_row_with_wrong_width_and_duplicate_reference_are_rejected(write):
    path = write(
        "gd.csv", HEADER + ("X1,2-1,,,,,false,,,,,a,b\nX2,2-2,,,,,false,,,,,a\nX3,2-1,,,,,false,,,,,c,\n")
    )
    result = read_file(path)
    assert [c.contribution_id for c in result.contributions] == ["2-1-q164", "2-1-q166"]
    assert [r.line for r in result.rejected] == [3, 4]
    assert "12 champ(s)" in result.rejected[0].reason and "13" in result.rejected[0].reason
    assert "double" in result.rejected[1].reason and "ligne 2" in result.rejected[1].reason
    # and in English, for the English report and API (they showed the French reason)
    assert [r.reason_en for r in result.rejected] == [
        "the row has 12 field(s) where the header has 13 (a misplaced delimiter or quote?)",
        "duplicate id '2-1' (already seen on line 2)",
    ]
    nothing = read_file(write("gd2.csv", HEADER + "X1,2-1,,,,,false,,,,,,\n"))
    assert [r.reason_en for r in nothing.rejected] == ["no answer: every question cell of the row is empty"]


def test_header_codec_round_trip():
    assert decode_question_header("QUXVlc3Rpb246MTY5 - Quels ?") == ("169", "Quels ?")
    assert decode_question_header("UXVlc3Rpb246MTY5 - Quels ?") == ("169", "Quels ?")
    assert decode_question_header(encode_question_header("1077", "Q")) == ("1077", "Q")
    assert decode_question_header("authorZipCode") is None


def test_explicit_format_mismatch_is_an_error(data):
    with pytest.raises(FormatDetectionError, match="ne correspond pas au format granddebat"):
        iter_file(data / "decidim-mel-nancy" / "debats.csv", format="granddebat")


def test_stream_is_lazy_and_counts_at_the_end():
    stream = iter_file(GD_SAMPLE)
    assert stream.format is Format.GRANDDEBAT and len(stream.sha256) == 64 and stream.rows_read == 0
    items = list(stream)
    assert stream.rows_read == 1300 and len(items) == 2599 + 44
    assert sum(isinstance(i, RejectedRow) for i in items) == 44  # the rows without any answer
    with pytest.raises(RuntimeError):
        list(stream)


def test_every_row_read_is_accounted_for(write):
    path = write(
        "gd.csv", HEADER + "X1,2-1,,,,,false,,,,,a,\nX2,2-2,,,,,false,,,,,,\n\nX3,2-3,,,,,false,,,,, ,\n"
    )
    result = read_file(path)
    counts = result.extras["counts"]
    assert [c.contribution_id for c in result.contributions] == ["2-1-q164"]
    assert [(r.line, r.reason) for r in result.rejected] == [(3, NO_ANSWER_REASON), (5, NO_ANSWER_REASON)]
    assert result.rows_read == 3 == counts["rows_with_contributions"] + counts["rejected"]
    assert counts["blank_lines"] == 1  # a blank physical line is not a row


def test_a_question_in_two_columns_is_refused_naming_it(write):
    header = HEADER.rstrip("\n") + ",QUXVlc3Rpb246MTY0 - Quels impôts baisser ?\n"
    path = write("gd.csv", header + "X1,2-1,,,,,false,,,,,a,b,c\n")
    with pytest.raises(
        InputFileError, match=r"La question 164 « Quels impôts baisser \? » occupe deux colonnes"
    ) as e:
        read_file(path)
    assert "colonnes n° 12 et 14" in e.value.message_fr and "columns 12 and 14" in e.value.message_en


def test_an_export_without_question_column_is_refused(write):
    path = write("gd.csv", HEADER.split(",QUX")[0] + "\nX1,2-1,,,,,false,,,,\n")
    with pytest.raises(MappingError, match="Aucune colonne de question") as e:
        read_file(path)
    assert "« authorZipCode »" in e.value.message_fr and "'authorZipCode'" in e.value.message_en


def test_report_counts_add_up_with_rows_without_answer(write):
    from schemas import RunSettings
    from synthesis.pipeline import run
    from tests.utils.fake_embedder import FAKE_EMBEDDER, register_fake_embedder

    register_fake_embedder()
    path = write("gd.csv", HEADER + "X1,2-1,,,,,false,,,,,La TVA,La santé\nX2,2-2,,,,,false,,,,,,\n")
    result = read_file(path)
    report = run(
        result.contributions,
        RunSettings(embedder=FAKE_EMBEDDER),
        rejected=result.rejected,
        rows_read=result.rows_read,
    )
    counts = report.manifest.counts
    rows_with_answers = len({c.source_id for c in result.contributions})
    assert counts.rows_read == 2 == counts.rejected + rows_with_answers


# A Cap Collectif instance's open-data file, as cap-collectif/granddebat.fr-opendata (index.js, formatAuthor)
# writes it for any consultation: authorType is the name the instance's administrators gave each participant
# type, not the four labels of the Grand Débat
OTHER_INSTANCE = HEADER + (
    "UHJvcG9zYWw6MQ==,1-1,t,2024-03-01 10:00:00,2024-03-01 10:00:00,,false,,VXNlcjox,Collectivité territoriale,"
    "59000,La taxe foncière,\n"
    "UHJvcG9zYWw6Mg==,1-2,t,2024-03-01 10:05:00,2024-03-01 10:05:00,,false,,VXNlcjoy,Organisation syndicale,"
    "59000,Les impôts de production,\n"
    "UHJvcG9zYWw6Mw==,1-3,t,2024-03-01 10:07:00,2024-03-01 10:07:00,,false,,VXNlcjoz,Habitant du quartier,"
    "59000,La TVA sur les produits de première nécessité,\n"
    "UHJvcG9zYWw6NA==,1-4,t,2024-03-01 10:09:00,2024-03-01 10:09:00,,false,,VXNlcjo0,Autre,59000,Aucun,\n"
)


def test_participant_types_an_instance_named_itself_are_read_by_their_words(write):
    # only the Grand Débat's four labels were known: a « Collectivité territoriale » or an « Organisation
    # syndicale » of another instance was an unknown author, no organisation nor institution in the report
    kinds = [c.author_type for c in read_file(write("export.csv", OTHER_INSTANCE)).contributions]
    assert kinds == [
        AuthorType.ELECTED_OR_INSTITUTION,
        AuthorType.ORGANISATION_NONPROFIT,
        AuthorType.CITIZEN,
        AuthorType.UNKNOWN,
    ]


def _opendata_json(path) -> list[dict]:
    """The records of a Grand Débat open-data CSV as the same export writes them in JSON
    (cap-collectif/granddebat.fr-opendata, index.js: the metadata, then ``responses``, a list of
    {questionId, questionTitle, value, formattedValue}, a choice answer stored as {"labels": [...]})."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    records = []
    for row in rows:
        record: dict = {k: v for k, v in row.items() if decode_question_header(k) is None}
        record["trashed"] = record["trashed"] == "true"
        record["responses"] = [
            {
                "questionId": header.split(" - ", 1)[0][1:],
                "questionTitle": header.split(" - ", 1)[1],
                "value": json.dumps({"labels": value.split("|"), "other": None})
                if "|" in value
                else value or None,
                "formattedValue": value,
            }
            for header, value in row.items()
            if decode_question_header(header) is not None
        ]
        records.append(record)
    return records


def test_the_open_data_json_reads_as_its_csv(tmp_path):
    # the Grand Débat open data came as CSV and JSON: the JSON was read as any JSON file, its answers one
    # « responses » text per participant instead of one contribution per question
    path = tmp_path / "LA_FISCALITE_ET_LES_DEPENSES_PUBLIQUES.json"
    path.write_text(json.dumps(_opendata_json(GD_SAMPLE), ensure_ascii=False), encoding="utf-8")
    from_json, from_csv = read_file(path, secret=b"s"), read_file(GD_SAMPLE, secret=b"s")
    assert from_json.format is Format.GRANDDEBAT and from_json.rows_read == from_csv.rows_read
    seen = (
        "contribution_id",
        "question_id",
        "question_text",
        "text",
        "author_ref",
        "author_type",
        "excluded",
    )
    assert [[getattr(c, k) for k in seen] for c in from_json.contributions] == [
        [getattr(c, k) for k in seen] for c in from_csv.contributions
    ]
    assert [r.reason for r in from_json.rejected] == [r.reason for r in from_csv.rejected]
