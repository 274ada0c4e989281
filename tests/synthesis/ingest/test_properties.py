"""Property-based tests of the readers: any bytes give a result whose counts add up, or an InputFileError."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.settings import ColumnMapping
from synthesis.errors import InputFileError
from synthesis.ingest import read_file
from synthesis.records import RejectedRow

from .conftest import GD_SAMPLE

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PIECES = st.sampled_from(
    list('ab,;"\n\r\t =|-+@é’€\x00\\\ufeff\u2028') + ["=CMD|' /C calc'!A0", "Supprimer la CSG"]
)


def csv_text(min_size: int = 0, max_size: int = 100) -> st.SearchStrategy[str]:
    return st.lists(PIECES, min_size=min_size, max_size=max_size).map("".join)


SAMPLE_BYTES = GD_SAMPLE.read_bytes()[:6000]


def _read(content: bytes, name: str = "x.csv", **options):
    """read_file on ``content``: returns the result, or None when it raised an InputFileError."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        try:
            result = read_file(path, **options)
        except InputFileError as exc:
            assert exc.message_fr and exc.message_en and exc.code
            return None
    counts = result.extras["counts"]
    assert (
        result.rows_read
        == counts["rows_with_contributions"] + counts["rows_without_answer"] + counts["rejected"]
    )
    assert len(result.rejected) == counts["rejected"] and len(result.contributions) == counts["contributions"]
    assert all(isinstance(r, RejectedRow) and r.reason for r in result.rejected)
    return result


@SETTINGS
@given(st.binary(max_size=2000), st.sampled_from(["x.csv", "x.json", "x.jsonl", "x.xlsx", "x"]))
def test_random_bytes(content, name):
    _read(content, name)
    _read(content, name, mapping=ColumnMapping(text="text"))


@SETTINGS
@given(csv_text(max_size=150), st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def test_random_csv_text(body, encoding):
    _read(("text,id\n" + body).encode(encoding, errors="replace"))


@SETTINGS
@given(st.integers(min_value=0, max_value=len(SAMPLE_BYTES)))
def test_truncated_grand_debat_export(cut):
    result = _read(SAMPLE_BYTES[:cut])
    if result is not None and cut > 800:
        assert result.format.value == "granddebat"


@SETTINGS
@given(st.integers(min_value=0, max_value=len(SAMPLE_BYTES) - 1), st.binary(min_size=1, max_size=3))
def test_corrupted_bytes_in_an_export(at, junk):
    _read(SAMPLE_BYTES[:at] + junk + SAMPLE_BYTES[at + 1 :])


@SETTINGS
@given(st.lists(csv_text(1, 30).filter(lambda t: t.strip("\x00")), min_size=1, max_size=8))
def test_written_csv_reads_back_verbatim(texts):
    texts = [t.replace("\x00", "") for t in texts]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["id", "text"])
    writer.writerows([[str(i), t] for i, t in enumerate(texts)])
    result = _read(buffer.getvalue().encode("utf-8"), mapping=ColumnMapping(text="text", id="id"))
    assert result is not None
    by_id = {c.source_id: c.text for c in result.contributions}
    for i, text in enumerate(texts):
        if str(i) in by_id:  # a row is only ever rejected, never altered
            assert by_id[str(i)] == text
    assert len(by_id) + len(result.rejected) == len(texts)


@settings(max_examples=20, deadline=None)
@given(csv_text(max_size=30), st.integers(min_value=1, max_value=4))
def test_unbalanced_quotes(text, quotes):
    content = f"id,text\n1,{chr(34) * quotes}{text}\n2,after\n".encode()
    _read(content)
