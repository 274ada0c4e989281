"""Records that flow through the pipeline: contributions and rejected rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class AuthorType(str, Enum):
    """Who a contribution's author says they are (from ``authorType`` or Decidim's ``user_group``)."""

    CITIZEN = "citizen"
    ORGANISATION_PROFIT = "organisation_for_profit"
    ORGANISATION_NONPROFIT = "organisation_non_profit"
    ORGANISATION = "organisation"  # an organisation whose kind the export does not say
    ELECTED_OR_INSTITUTION = "elected_or_institution"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Contribution:
    """One free-text answer to one question.

    ``contribution_id`` is unique within an import and stable across re-imports of the same export;
    ``source_id`` is the identifier the export gave the row; ``line`` the 1-based physical line of the row's
    start in the file (the header is line 1). ``excluded`` holds a reason set at import (trashed,
    moderated out), the contribution is then kept but not clustered.
    """

    contribution_id: str
    source_id: str
    question_id: str
    question_text: str
    text: str
    line: int = 0
    author_ref: str | None = None
    author_type: AuthorType = AuthorType.UNKNOWN
    zipcode: str | None = None
    created_at: str | None = None
    channel: str | None = None
    excluded: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def submission_key(c: Contribution) -> tuple[str, int, str, str]:
    """What one submission's contributions share: a Grand Débat row answering 12 questions is 12
    contributions but one submission (one participant, one moment)."""
    return c.source_id, c.line, c.author_ref or "", c.created_at or ""


def anonymous_participants(items: Iterable[Contribution]) -> int:
    """Participants among contributions without author: one per dated submission (:func:`submission_key`),
    one per undated contribution (two undated files' line 5 would be no proof of one person)."""
    dated: set[tuple[str, int, str, str]] = set()
    undated = 0
    for c in items:
        if c.author_ref is None:
            if c.created_at:
                dated.add(submission_key(c))
            else:
                undated += 1
    return len(dated) + undated


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A data row that yields no contribution, with its line number and the reason, in French and in English
    (``file``: the name of the file it was read from, where a run reads several)."""

    line: int
    reason: str
    reason_en: str = ""
    file: str | None = None
