"""Cap Collectif long exports: one row per proposal ("opinion") or per for/against argument.

Shape read: the République numérique consultation (2015), ``opinions.csv`` and ``arguments.csv``. What a
reader of the synthesis expects as "the question":
- an **argument** answers its proposal: ``question_id = opinion_id``, ``question_text = opinion_title``;
  ``extra["stance"]`` is ``pour`` / ``contre``, ``extra["section"]`` the bill section;
- a **proposal** answers the bill section it was filed under: ``question_id = question_text =
  section_subtitle`` (``section_title`` when the subtitle is blank); its text is the title, a blank line, then
  the body. ``author_vip`` marks the government's own texts: author type ``ELECTED_OR_INSTITUTION``. Trashed
  rows are kept and excluded with a reason. Ids: ``opinion-<id>`` / ``argument-<id>``.

A file without its text column (``body`` for arguments, ``body_text`` for proposals) is refused with an error
naming it and the columns found.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from synthesis.records import AuthorType, Contribution, RejectedRow

from .base import RowOutcome, RowSource
from .common import Getter, join_title_body, named_records, truthy
from .generic import missing_text_column
from .privacy import author_ref

TRASHED_REASON = "contribution mise à la corbeille sur la plateforme (is_trashed)"
# Column of the texts and name of the export (French, English) of each kind of file
_TEXT_COLUMNS = {
    "arguments": ("body", ("l'export Cap Collectif d'arguments", "Cap Collectif arguments export")),
    "opinions": ("body_text", ("l'export Cap Collectif de propositions", "Cap Collectif proposals export")),
}


def rows(source: RowSource) -> Iterator[RowOutcome]:
    """One contribution per proposal or argument row."""
    build = _argument if source.kind == "arguments" else _opinion
    text, export = _TEXT_COLUMNS["arguments" if build is _argument else "opinions"]
    if text not in source.columns:
        raise missing_text_column(source.path.name, export, text, source.columns)
    for record in named_records(source):
        if isinstance(record, RejectedRow):
            yield record
            continue
        line, _, get = record
        yield [build(line, get, source.secret)]


def _common(line: int, get: Getter, secret: bytes) -> dict[str, Any]:
    return {
        "line": line,
        "author_ref": author_ref(get("author_uniqueId"), secret),
        "author_type": AuthorType.ELECTED_OR_INSTITUTION if truthy(get("author_vip")) else AuthorType.UNKNOWN,
        "created_at": get("created_at").strip() or None,
        "excluded": TRASHED_REASON if truthy(get("is_trashed")) else None,
    }


def _argument(line: int, get: Getter, secret: bytes) -> Contribution:
    source_id = get("argument_id").strip() or f"ligne-{line}"
    extra = {"stance": get("stance").strip(), "section": get("section_subtitle").strip(), "kind": "argument"}
    votes = get("votes_count").strip()
    if votes:
        extra["votes"] = votes
    return Contribution(
        contribution_id=f"argument-{source_id}",
        source_id=source_id,
        question_id=get("opinion_id").strip(),
        question_text=get("opinion_title").strip(),
        text=get("body"),
        extra=extra,
        **_common(line, get, secret),
    )


def _opinion(line: int, get: Getter, secret: bytes) -> Contribution:
    source_id = get("opinion_id").strip() or f"ligne-{line}"
    section = get("section_subtitle").strip() or get("section_title").strip() or "Sans section"
    extra = {"kind": "opinion", "title": get("title").strip()}
    for key in ("votes_ok", "votes_nok", "votes_mitige", "url"):
        if value := get(key).strip():
            extra[key] = value
    return Contribution(
        contribution_id=f"opinion-{source_id}",
        source_id=source_id,
        question_id=section,
        question_text=section,
        text=join_title_body(get("title"), get("body_text")),
        extra=extra,
        **_common(line, get, secret),
    )
