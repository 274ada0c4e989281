"""Bodies of the HTTP API (issues 2 and 6): plain pydantic, ``XCreate / XPublic / XsPublic(data, count)``."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from schemas.imports import ArchiveMember, ImportPreview
from schemas.report import RejectedRowOut, Report
from schemas.settings import MAX_MIN_CLUSTER_SIZE, RunSettings

JobStatusName = Literal["queued", "running", "succeeded", "failed", "cancelled"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tabs and line breaks allowed


def _no_control(value: str) -> str:
    if _CONTROL.search(value):
        raise PydanticCustomError("control_characters", "must not contain control characters")
    return value


def _no_control_in_text(value: str | None) -> str | None:
    if value is not None and _CONTROL_IN_TEXT.search(value):
        raise PydanticCustomError("control_characters", "must not contain control characters")
    return value


# A title or label: one line of text, surrounding spaces removed, not empty once they are.
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), AfterValidator(_no_control)
]
Label = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), AfterValidator(_no_control)
]
MAX_DESCRIPTION = 10_000
Description = Annotated[
    str | None,
    StringConstraints(strip_whitespace=True, max_length=MAX_DESCRIPTION),
    AfterValidator(_no_control_in_text),
]

MAX_ID = 2**31 - 1
"""Largest id (and offset) the API accepts: ids are 32-bit integer columns (PostgreSQL ``integer``); a larger
number names nothing, and SQLite cannot even bind one past 2**63."""


class ErrorOut(BaseModel):
    """The one error body of the API."""

    code: str = Field(..., examples=["invalid_mapping"])
    message: str = Field(..., examples=["Colonne « texte » absente de l'en-tête (colonnes : id, avis)"])
    details: dict[str, Any] = Field(default_factory=dict, examples=[{"column": "texte", "line": 1}])


class ConsultationCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"title": "Plan vélo 2025", "description": "Consultation en ligne"}]},
    )
    title: Title = Field(..., description="One line, 1 to 500 characters (surrounding spaces removed).")
    description: Description = Field(None, description="At most 10,000 characters.")


class ConsultationPublic(BaseModel):
    id: int
    title: str
    description: str | None
    created_at: datetime
    contributions: int = 0
    withdrawn: int = Field(
        0,
        description="Of its contributions, those a whole export of their file no longer held (import mode "
        "replace): the next runs exclude them.",
    )
    erased: int = Field(
        0,
        description="Of its contributions, those erased at their author's request (RGPD art. 17): kept as "
        "tombstones without text, so that the runs keep counting them and a re-import does not bring them back.",
    )


class ConsultationsPublic(BaseModel):
    data: list[ConsultationPublic]
    count: int


class ImportWarning(BaseModel):
    """Something the import read but the user should know (it rejected nothing for it)."""

    code: str = Field(..., description="related_file_unreadable, mixed_encoding…")
    message: str = Field(..., description="In the caller's language (Accept-Language).")
    value: str | None = None


class ImportPreviewPublic(ImportPreview):
    """A file's preview, its warnings in the caller's language as an import's are."""

    warnings: list[ImportWarning] = Field(  # type: ignore[assignment]
        default_factory=list,
        description="What the import will warn about (lines not in UTF-8 read as Windows-1252…).",
    )


class ImportPublic(BaseModel):
    """What an import did: ``accepted`` = contributions read; ``added``/``updated``/``unchanged`` in DB."""

    id: int
    consultation_id: int
    filename: str
    format: str
    encoding: str | None
    delimiter: str | None
    sha256: str
    rows_read: int
    accepted: int
    added: int
    updated: int
    unchanged: int
    mode: str = Field(
        "merge",
        description="merge: adds and updates rows; replace: the whole export of its file, whose rows it no "
        "longer holds are withdrawn",
    )
    withdrawn: int = Field(
        0,
        description="Contributions of the same file absent from this export (mode replace): later runs exclude "
        "them with the reason « retirée de l'export du … », earlier runs keep them.",
    )
    erased: int = Field(
        0,
        description="Rows of the file skipped because their contribution was erased at its author's request "
        "(RGPD art. 17): an erased contribution never comes back with its text.",
    )
    rejected: list[RejectedRowOut]
    warnings: list[ImportWarning] = Field(
        default_factory=list,
        description="What was read but should be known: lines not in UTF-8 read as Windows-1252, a side file "
        "skipped (its titles missing)…",
    )
    members: list[ArchiveMember] = Field(
        default_factory=list,
        description="For a ZIP export: each file in it, read (format, rows), side file or skipped, and why.",
    )
    created_at: datetime


class RunCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"settings": {"random_state": 0, "min_cluster_size": 10}}]},
    )
    settings: RunSettings = Field(default_factory=RunSettings)
    carry_review_from: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="Earlier run of this consultation whose review is re-applied where it fits.",
    )


class RunPublic(BaseModel):
    id: int
    consultation_id: int
    status: JobStatusName
    stage: str | None
    progress: float = Field(..., ge=0, le=1)
    error: ErrorOut | None
    settings: dict[str, Any]
    carry_review_from: int | None
    review_actions: int = 0
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class ImportsPublic(BaseModel):
    data: list[ImportPublic]
    count: int


class RunsPublic(BaseModel):
    data: list[RunPublic]
    count: int


class MemberPublic(BaseModel):
    contribution_id: int
    key: str
    source_id: str
    text: str
    strength: float | None
    weight: float
    flags: list[str]
    erased: bool = Field(
        False, description="Erased at its author's request (RGPD art. 17): still a member, without its text."
    )


class MembersPublic(BaseModel):
    cluster_id: str
    label: str
    data: list[MemberPublic]
    count: int
    offset: int
    limit: int


class AssignmentPublic(BaseModel):
    run_id: int
    question_id: str
    status: Literal["clustered", "noise", "excluded"]
    cluster_id: str | None
    cluster_label: str | None
    auto_cluster_id: str | None
    strength: float | None
    weight: float
    reason: str | None
    flags: list[str]


class PreviousVersion(BaseModel):
    version: int
    text: str
    import_id: int
    replaced_at: datetime


class ContributionPublic(BaseModel):
    id: int
    consultation_id: int
    key: str
    source_id: str
    question_id: str
    question_text: str
    text: str
    line: int
    author_ref: str | None
    author_type: str
    zipcode: str | None
    submitted_at: str | None
    channel: str | None
    excluded: str | None
    version: int
    withdrawn_import_id: int | None = Field(
        None, description="The import (mode replace) whose export no longer held it: later runs exclude it."
    )
    erasure_id: int | None = Field(
        None,
        description="The erasure at its author's request (RGPD art. 17) that removed its text, author, place, date "
        "and raw columns; the runs keep counting it, later runs exclude it, a re-import skips it.",
    )
    previous_versions: list[PreviousVersion]
    assignments: list[AssignmentPublic]


MAX_ERASURE_IDS = 100_000


class ErasureCreate(BaseModel):
    """What to erase at their author's request (RGPD art. 17): at least one of the three."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"contribution_ids": [12, 13]}, {"author_ids": ["8f2c…"]}, {"withdrawn": True}]
        },
    )
    contribution_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        default_factory=list,
        max_length=MAX_ERASURE_IDS,
        description="Contributions by their id in this API (GET /api/contributions/{id}).",
    )
    author_ids: list[Annotated[str, StringConstraints(min_length=1, max_length=500)]] = Field(
        default_factory=list,
        max_length=1000,
        description="Participants by their id as the platform's export writes it (author column): pseudonymised "
        "here as at import, never stored; every contribution of each is erased.",
    )
    withdrawn: bool = Field(
        False, description="Also erase every contribution withdrawn by an import in mode replace."
    )


class ErasurePublic(BaseModel):
    """An erasure as its audit trail keeps it: no text, no author id."""

    id: int
    consultation_id: int
    created_at: datetime
    key_prefix: str = Field(..., description="Prefix of the API key that asked for it (see list-keys).")
    criteria: list[str] = Field(..., description="contribution_ids, authors, withdrawn")
    contributions: int = Field(..., description="Contributions erased (those already erased not counted).")
    runs: list[int] = Field(..., description="Runs whose stored report and rows were rewritten.")


class ErasuresPublic(BaseModel):
    data: list[ErasurePublic]
    count: int


class RenameTheme(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"label": "Pistes cyclables"}]})
    label: Label = Field(..., description="One line, 1 to 300 characters (surrounding spaces removed).")


class MergeThemes(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"into_cluster_id": "q1-0"}]})
    into_cluster_id: str = Field(..., description="The theme that absorbs the one in the path.")


class SplitTheme(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"min_cluster_size": 5}]})
    min_cluster_size: int | None = Field(
        None, ge=2, le=MAX_MIN_CLUSTER_SIZE, description="HDBSCAN min_cluster_size for the split."
    )


class MoveContribution(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"contribution_id": 12, "to_cluster_id": "q1-2"}]}
    )
    contribution_id: int = Field(..., ge=1, le=MAX_ID)
    to_cluster_id: str | None = Field(..., description="Target theme; null moves it to « non classées ».")


class RejectQuote(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"contribution_id": 12}]})
    contribution_id: int = Field(..., ge=1, le=MAX_ID)


class ReviewActionPublic(BaseModel):
    id: int
    run_id: int
    action: Literal["rename", "merge", "split", "move", "reject_quote"]
    actor: str
    payload: dict[str, Any]
    before: dict[str, Any]
    after: dict[str, Any]
    carried_from: int | None = Field(None, description="The earlier run's action that this one re-applies.")
    carried_from_run: int | None = Field(None, description="The earlier run it was carried from.")
    created_at: datetime


class ReviewActionsPublic(BaseModel):
    data: list[ReviewActionPublic]
    count: int


class ReviewInfo(BaseModel):
    version: Literal["reviewed", "automatic"]
    history: list[ReviewActionPublic]


class ReportPublic(Report):
    """The report (reviewed unless ``?version=automatic``) with the review history."""

    review: ReviewInfo


class ThemeComparison(BaseModel):
    """A group of the first run: a theme, or one question's "non classées" (status noise) or excluded
    contributions, and the group of the other run sharing most of its contributions."""

    question_id: str
    status: str = Field("clustered", description="clustered | noise | excluded")
    cluster_id: str | None = Field(None, description="The theme; none for noise and excluded groups.")
    label: str | None
    size: int
    other_status: str | None = Field(None, description="Status of the matched group of the other run.")
    other_cluster_id: str | None = Field(
        None, description="Theme of the other run sharing most contributions."
    )
    other_label: str | None
    other_size: int
    shared: int
    size_change: int


class MovedContribution(BaseModel):
    contribution_id: int
    source_id: str
    question_id: str
    from_status: str = Field("clustered", description="clustered | noise | excluded")
    from_cluster_id: str | None
    to_status: str = Field("clustered", description="clustered | noise | excluded")
    to_cluster_id: str | None


class RunComparison(BaseModel):
    run_id: int
    other_run_id: int
    themes: list[ThemeComparison]
    moved: list[MovedContribution]
    moved_count: int
    stayed_count: int


class PublicationPublic(BaseModel):
    """A published report: anyone with the link reads the reviewed report, without an API key."""

    run_id: int
    url: str = Field(..., description="Path of the public page, e.g. /r/<token>; shown once, store it.")
    token: str
