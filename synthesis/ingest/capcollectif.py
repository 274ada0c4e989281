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

Shape read too: the export of a consultation step by Cap Collectif's back office from 2019
(cap-collectif/cap-collectif, ``CreateCsvFromConsultationStepCommand``, ``capco:export:consultation``): one
CSV, a ``type`` column telling each row's kind and one group of columns per kind (``contributions_*`` for a
proposal, ``contributions_arguments_*``, ``contributions_sources_*``, ``contribution_versions_*``…), booleans
written ``Yes`` / ``No``. A proposal (``opinion``) answers its section; its arguments, sources and amendments
(``version``, written after it: their row does not name it) answer it, as above. Votes and moderation
reports are no written contribution: each such row is rejected with that reason, never read as a text.
Trashed, expired (its author never confirmed their account) or unpublished contributions are kept and
excluded with the reason.
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
    if source.kind == "consultation":
        yield from consultation_rows(source)
        return
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


UNPUBLISHED_REASON = "contribution non publiée sur la plateforme (published = No)"
EXPIRED_REASON = (
    "contribution expirée sur la plateforme : son auteur n'a jamais confirmé son compte (expired)"
)
_STANCES = {"FOR": "pour", "AGAINST": "contre"}
# Rows of a consultation export that hold no written contribution: (French, English) reason
_NOT_WRITTEN = {
    "vote": (
        "vote (d'accord, mitigé, pas d'accord) sur une proposition : pas une contribution écrite",
        "a vote (agree, mixed, disagree) on a proposal: not a written contribution",
    ),
    "reportings": (
        "signalement à la modération : pas une contribution",
        "a report to the moderators: not a contribution",
    ),
}


def consultation_rows(source: RowSource) -> Iterator[RowOutcome]:
    """One contribution per proposal, argument, source or amendment row of a consultation step's export; a
    vote or a report is rejected with its reason (the module's docstring)."""
    titles: dict[str, str] = {}  # proposal id -> its title, for the rows answering it
    current = ""  # the last proposal: an amendment's row, written after it, does not name it
    for record in named_records(source):
        if isinstance(record, RejectedRow):
            yield record
            continue
        line, _, get = record
        kind = get("type").strip().lower()
        if kind in _NOT_WRITTEN:
            yield RejectedRow(line, *_NOT_WRITTEN[kind])
        elif kind == "opinion":
            current = get("contributions_id").strip() or f"ligne-{line}"
            titles[current] = get("contributions_title").strip()
            yield [_step_opinion(line, get, source.secret, current)]
        elif kind in ("argument", "source", "version"):
            yield [_step_answer(kind, line, get, source.secret, current, titles)]
        else:
            yield RejectedRow(
                line,
                f"ligne de type « {kind} » inconnu : ni proposition, ni argument, ni source, ni amendement",
                f"row of unknown type '{kind}': no proposal, argument, source nor amendment",
            )


def _step_excluded(get: Getter, prefix: str) -> str | None:
    if truthy(get(f"{prefix}_trashed")):
        return TRASHED_REASON
    if truthy(get(f"{prefix}_expired")):  # the versions of 2019 that write it
        return EXPIRED_REASON
    published = get(f"{prefix}_published").strip()
    return UNPUBLISHED_REASON if published and not truthy(published) else None


def _step_opinion(line: int, get: Getter, secret: bytes, oid: str) -> Contribution:
    section = get("contributions_section_title").strip() or "Sans section"
    extra = {"kind": "opinion", "title": get("contributions_title").strip()}
    if url := get("contributions_url").strip():
        extra["url"] = url
    return Contribution(
        contribution_id=f"opinion-{oid}",
        source_id=oid,
        question_id=section,
        question_text=section,
        text=join_title_body(get("contributions_title"), get("contributions_bodyText")),
        line=line,
        author_ref=author_ref(get("contributions_author_id"), secret),
        created_at=get("contributions_createdAt").strip() or None,
        excluded=_step_excluded(get, "contributions"),
        extra=extra,
    )


def _step_answer(
    kind: str, line: int, get: Getter, secret: bytes, current: str, titles: dict[str, str]
) -> Contribution:
    """An argument, a source or an amendment, answering its proposal."""
    prefix = {"argument": "contributions_arguments", "source": "contributions_sources"}.get(
        kind, "contribution_versions"
    )
    own_id = get(f"{prefix}_id").strip() or f"ligne-{line}"
    parent = get(f"{prefix}_related_id").strip() or current
    extra: dict[str, Any] = {"kind": kind}
    if kind == "argument":
        stance = get(f"{prefix}_type").strip()
        extra["stance"] = _STANCES.get(stance.upper(), stance)
        text = get(f"{prefix}_body")
    elif kind == "source":
        text = get(f"{prefix}_body")
    else:
        text = join_title_body(get(f"{prefix}_title"), get(f"{prefix}_bodyText"))
    return Contribution(
        contribution_id=f"{kind}-{own_id}",
        source_id=own_id,
        question_id=parent,
        question_text=titles.get(parent) or f"Proposition {parent}",
        text=text,
        line=line,
        author_ref=author_ref(get(f"{prefix}_author_id"), secret),
        created_at=get(f"{prefix}_createdAt").strip() or None,
        excluded=_step_excluded(get, prefix),
        extra=extra,
    )
