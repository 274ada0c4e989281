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
