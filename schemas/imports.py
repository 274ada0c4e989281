"""Import preview: what the ingest layer detected in a file, shown before anything is imported (issue 3)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.settings import ColumnMapping

FormatName = Literal["granddebat", "capcollectif", "decidim", "polis", "csv", "xlsx", "json", "jsonl"]


class PreviewRow(BaseModel):
    """One sample data row: its line in the file and its cells by column name."""

    model_config = ConfigDict(extra="forbid")

    line: int
    values: dict[str, str]


class PreviewQuestion(BaseModel):
    """A question column of a wide (Grand Débat) export."""

    model_config = ConfigDict(extra="forbid")

    question_id: str
    question_text: str


class PreviewWarning(BaseModel):
    """Something an import of the file will read but the user should check first (it rejects nothing)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(..., description="mixed_encoding…, as the import's warnings name it")
    message_fr: str
    message_en: str


class ArchiveMember(BaseModel):
    """One file of a ZIP export and what the import made of it: read (its format, record kind and rows),
    side file (read by the reader of a file beside it: a Polis ``summary.csv``) or skipped, with the reason."""

    name: str = Field(..., description="The member's path inside the archive.")
    status: Literal["read", "side", "skipped"]
    format: str | None = None
    kind: str = ""
    rows: int | None = Field(None, description="Data rows read (estimated by a preview).")
    reason: str = Field("", description="Why it was skipped or what it gave (in the caller's language).")
    reason_en: str = ""


class ImportPreview(BaseModel):
    """Detected format, encoding, delimiter, columns, sample rows and a suggested mapping of one file."""

    model_config = ConfigDict(extra="forbid")

    file_name: str
    size_bytes: int
    sha256: str
    format: FormatName
    kind: str = Field("", description="Record kind within the format: wide, comments, proposals, arguments…")
    encoding: str
    delimiter: str | None
    columns: list[str]
    sample_rows: list[PreviewRow] = Field(default_factory=list, description="The first five data rows.")
    suggested_mapping: ColumnMapping | None = Field(
        None, description="Columns guessed for a generic import (None when no text column was recognised)."
    )
    mapping_required: bool = Field(
        False,
        description="True for generic formats: the import needs a mapping (the suggested one by default).",
    )
    questions: list[PreviewQuestion] = Field(default_factory=list)
    rows_estimate: int = Field(
        0, description="Number of data rows: exact for small files, estimated otherwise."
    )
    rows_estimate_exact: bool = False
    warnings: list[PreviewWarning] = Field(
        default_factory=list,
        description="What the import will warn about (lines not in UTF-8 read as Windows-1252…).",
    )
    member: str | None = Field(
        None,
        description="For a ZIP export: the member whose columns and rows are shown (its first read one).",
    )
    members: list[ArchiveMember] = Field(
        default_factory=list,
        description="For a ZIP export: every file in it, read, side file or skipped (with the reason); "
        "``rows_estimate`` counts the rows of all those read.",
    )
