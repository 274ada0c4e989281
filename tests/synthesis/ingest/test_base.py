"""The streaming reader shared by every format (synthesis.ingest.base): each row is counted once, ids unique."""

from __future__ import annotations

from synthesis.ingest import Format, IngestStream
from synthesis.records import Contribution


def test_a_row_repeating_an_earlier_rows_contribution_id_is_rejected_with_its_reason():
    """Ids are unique: a row is rejected when its own id, or the id of one of its contributions, was used by
    an earlier row, whatever the reader that made them."""
    rows = [
        [Contribution("comment-2", "ligne-2", "q", "Q ?", "Premier", line=2)],
        [Contribution("comment-2", "2", "q", "Q ?", "Second", line=3)],
        [Contribution("comment-4", "ligne-2", "q", "Q ?", "Troisième", line=4)],
        [Contribution("comment-5", "5", "q", "Q ?", "Quatrième", line=5)],
    ]
    stream = IngestStream(
        format=Format.DECIDIM, encoding="utf-8", delimiter=";", sha256="", rows=lambda: iter(rows)
    )
    items = list(stream)
    assert [getattr(x, "contribution_id", None) for x in items] == ["comment-2", None, None, "comment-5"]
    assert [(x.line, x.reason) for x in items if not isinstance(x, Contribution)] == [
        (3, "identifiant en double « comment-2 » (déjà vu à la ligne 2)"),
        (4, "identifiant en double « ligne-2 » (déjà vu à la ligne 2)"),
    ]
    assert stream.rows_read == 4 == stream.counts.rejected + stream.counts.rows_with_contributions


def _rejections(rows: list[list[Contribution]]) -> list[tuple[int, str]]:
    stream = IngestStream(
        format=Format.CSV, encoding="utf-8", delimiter=";", sha256="", rows=lambda: iter(rows)
    )
    items = list(stream)
    assert stream.rows_read == len(rows) == stream.counts.rejected + stream.counts.rows_with_contributions
    return [(x.line, x.reason) for x in items if not isinstance(x, Contribution)]


def _answer(row: str, question: str, line: int, cid: str | None = None) -> Contribution:
    return Contribution(cid or f"{row}-q{question}", row, question, "Q ?", "Réponse", line=line)


def test_ids_named_after_their_row_are_unique_when_rows_are_and_any_other_id_is_still_checked():
    """Rows name their contributions ``<row>-q<question>`` (learnt from the first): those ids need no table of
    their own. An id of another form is checked against the odd ids before it and against the row that would
    name a contribution so, and one row cannot give one id twice."""
    assert _rejections(
        [
            [_answer("A", "1", 2), _answer("A", "2", 2)],
            [_answer("A-q1", "2", 3)],  # "A-q1-q2": a new id, the form splits it at its last "-q<digits>"
            [_answer("B", "1", 4, cid="A-q2")],  # another form, the id row A gave its answer to question 2
            [_answer("C", "1", 5, cid="odd")],
            [_answer("D", "1", 6, cid="odd")],  # two odd ids
            [_answer("odd", "1", 7, cid="E-q1"), _answer("odd", "2", 8, cid="E-q1")],  # one row, one id twice
            [_answer("F", "x", 9, cid="F-qx")],  # a question that is no number: checked as an odd id
            [_answer("F-qx", "1", 10, cid="F-qx")],  # …which a later odd id meets
        ]
    ) == [
        (4, "identifiant en double « A-q2 » (déjà vu à la ligne 2)"),
        (6, "identifiant en double « odd » (déjà vu à la ligne 5)"),
        (7, "identifiant en double « E-q1 » (déjà vu à la ligne 7)"),
        (10, "identifiant en double « F-qx » (déjà vu à la ligne 9)"),
    ]
    # learnt with a prefix, one id per row ("comment-<row>"): a later odd id is checked against the rows
    assert _rejections(
        [
            [Contribution("comment-7", "7", "q", "Q ?", "Un", line=2)],
            [Contribution("comment-7", "ligne-3", "q", "Q ?", "Deux", line=3)],
            [Contribution("comment-8", "8", "q", "Q ?", "Trois", line=4)],
        ]
    ) == [(3, "identifiant en double « comment-7 » (déjà vu à la ligne 2)")]
