"""SQLModel tables (the only place tables are defined; API bodies live in ``schemas/api.py``).

The Alembic migrations under ``alembic/versions`` are the source of truth for the schema; a test checks that
they match these models.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Tenant(SQLModel, table=True):
    """A collectivité (or any organisation) sharing the deployment; owns consultations."""

    __tablename__ = "tenants"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    created_at: datetime = Field(default_factory=utcnow)


class ApiKey(SQLModel, table=True):
    """An API key: only its sha256 is stored; ``read_only`` keys (auditors) cannot write."""

    __tablename__ = "api_keys"
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    name: str = Field(max_length=200)
    key_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=16)
    read_only: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class Consultation(SQLModel, table=True):
    __tablename__ = "consultations"
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    title: str = Field(max_length=500)
    description: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow)


class Import(SQLModel, table=True):
    """One uploaded file; counts say what it added, changed, left unchanged and (``mode="replace"``: the whole
    export of its file) withdrew."""

    __tablename__ = "imports"
    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="consultations.id", index=True)
    filename: str = Field(max_length=500)
    format: str = Field(max_length=40)
    encoding: str | None = Field(default=None, max_length=40)
    delimiter: str | None = Field(default=None, max_length=4)
    sha256: str = Field(max_length=64)
    rows_read: int = 0
    accepted: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    mode: str = Field(
        default="merge",
        max_length=20,
        sa_column_kwargs={"server_default": "merge"},
        description="merge (add and update) | replace (the whole export of its file: the rows it lacks withdrawn)",
    )
    withdrawn: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    erased: int = Field(
        default=0,
        sa_column_kwargs={"server_default": "0"},
        description="Rows of the export skipped: their contribution was erased at its author's request.",
    )
    rejected: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # what the import read but would have the user know: lines read as Windows-1252, a side file skipped…
    # (``code``, ``message_fr``, ``message_en``, ``value``; see synthesis.ingest's ``extras["warnings"]``)
    warnings: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    # a ZIP export: each of its files, read / side file / skipped with the reason (``name``, ``status``,
    # ``format``, ``kind``, ``rows``, ``reason``, ``reason_en``; see synthesis.ingest's ``extras["archive"]``)
    members: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    created_at: datetime = Field(default_factory=utcnow)


class Contribution(SQLModel, table=True):
    """One answer to one question; ``key`` is the ingest's stable contribution id (idempotent re-imports)."""

    __tablename__ = "contributions"
    __table_args__ = (UniqueConstraint("consultation_id", "key", name="uq_contribution_key"),)
    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="consultations.id", index=True)
    import_id: int = Field(foreign_key="imports.id")
    last_import_id: int = Field(foreign_key="imports.id")
    key: str = Field(max_length=300)
    source_id: str = Field(max_length=300)
    question_id: str = Field(max_length=300)
    question_text: str = Field(sa_column=Column(Text, nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    line: int = 0
    author_ref: str | None = Field(
        default=None, max_length=128, description="Pseudonym (HMAC), never the raw id."
    )
    author_type: str = Field(default="unknown", max_length=40)
    zipcode: str | None = Field(default=None, max_length=20)
    submitted_at: str | None = Field(default=None, max_length=40)
    channel: str | None = Field(default=None, max_length=100)
    excluded: str | None = Field(default=None, sa_column=Column(Text))
    extra: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    version: int = 1
    withdrawn_import_id: int | None = Field(
        default=None,
        foreign_key="imports.id",
        description="The import (mode replace) whose export of its file no longer held it: later runs exclude it.",
    )
    erasure_id: int | None = Field(
        default=None,
        foreign_key="erasures.id",
        description="The erasure (RGPD art. 17) that removed its text and personal fields; the row stays as its "
        "tombstone, so that the runs keep counting it and a re-import of its export does not bring it back.",
    )


class Erasure(SQLModel, table=True):
    """An erasure of contributions at their author's request (RGPD art. 17), for the audit trail: when, how many,
    which runs were rewritten, by which key; never a text nor an author's id."""

    __tablename__ = "erasures"
    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="consultations.id", index=True)
    api_key_id: int = Field(foreign_key="api_keys.id")
    key_prefix: str = Field(max_length=16, description="The prefix of the key that asked for it.")
    criteria: list[str] = Field(
        default_factory=list,
        sa_column=Column(JSON, nullable=False),
        description="How the contributions were named: contribution_ids, authors, withdrawn.",
    )
    contributions: int = 0
    runs: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class ContributionVersion(SQLModel, table=True):
    """A previous text of a contribution, kept when a newer export changed it."""

    __tablename__ = "contribution_versions"
    id: int | None = Field(default=None, primary_key=True)
    contribution_id: int = Field(foreign_key="contributions.id", index=True)
    version: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    import_id: int = Field(foreign_key="imports.id")
    replaced_at: datetime = Field(default_factory=utcnow)


class Run(SQLModel, table=True):
    """One synthesis run; the reports are written in the same transaction as ``status=succeeded``."""

    __tablename__ = "runs"
    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="consultations.id", index=True)
    status: str = Field(default="queued", max_length=20, index=True)
    stage: str | None = Field(default=None, max_length=40)
    progress: float = 0.0
    error: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    carry_review_from: int | None = Field(default=None, foreign_key="runs.id")
    cancel_requested: bool = False
    worker: str | None = Field(
        default=None,
        max_length=200,
        description="host:pid of the process running it (host: its name and PID namespace).",
    )
    input_sha256: str | None = Field(default=None, max_length=64)
    public_token_sha256: str | None = Field(
        default=None, max_length=64, unique=True, description="sha256 of the published report's link token."
    )
    report: str | None = Field(default=None, sa_column=Column(Text), description="Automatic report (JSON).")
    reviewed_report: str | None = Field(default=None, sa_column=Column(Text), description="After review.")
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    heartbeat_at: datetime | None = Field(
        default=None,
        description="Last sign of life of the process executing it (see service.jobs.tasks.fail_stale_runs).",
    )


class Theme(SQLModel, table=True):
    """A top-level theme of a run as it stands after review (``auto_label`` keeps the automatic label)."""

    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("run_id", "cluster_id", name="uq_theme_cluster"),)
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="runs.id", index=True)
    question_id: str = Field(max_length=300)
    cluster_id: str = Field(max_length=300)
    label: str = Field(sa_column=Column(Text, nullable=False))
    auto_label: str | None = Field(default=None, sa_column=Column(Text))
    size: int = 0
    origin: str = Field(default="automatic", max_length=20, description="automatic | split")


class Assignment(SQLModel, table=True):
    """Where one contribution went in one run: a theme, noise or excluded; ``auto_*`` before review."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("run_id", "contribution_id", name="uq_assignment"),
        Index("ix_assignment_run_cluster", "run_id", "cluster_id", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="runs.id")
    contribution_id: int = Field(foreign_key="contributions.id", index=True)
    question_id: str = Field(max_length=300)
    status: str = Field(max_length=20, description="clustered | noise | excluded")
    cluster_id: str | None = Field(default=None, max_length=300)
    auto_cluster_id: str | None = Field(default=None, max_length=300)
    strength: float | None = None
    auto_strength: float | None = Field(
        default=None, description="Strength as first produced (None on rows stored before it: see strength)."
    )
    weight: float = 1.0
    reason: str | None = Field(default=None, sa_column=Column(Text))
    text_version: int | None = Field(
        default=None,
        description="The contribution's version the run analysed (a later import may change its text).",
    )
    author_ref: str | None = Field(
        default=None,
        max_length=128,
        description="The contribution's author (pseudonym) as the run read it (a later import may change it).",
    )


class Flag(SQLModel, table=True):
    """A participant-origin flag of a contribution in a run (issue 5); flags describe, never exclude."""

    __tablename__ = "flags"
    __table_args__ = (Index("ix_flag_run_contribution", "run_id", "contribution_id"),)
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="runs.id")
    contribution_id: int = Field(foreign_key="contributions.id")
    flag: str = Field(max_length=100)


class ReviewAction(SQLModel, table=True):
    """One human correction: who (API key name), when, what, before and after."""

    __tablename__ = "review_actions"
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="runs.id", index=True)
    action: str = Field(max_length=30)
    actor: str = Field(max_length=200)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    before: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    after: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    carried_from: int | None = Field(default=None, description="Action of an earlier run re-applied here.")
    created_at: datetime = Field(default_factory=utcnow)


class StoredEmbedding(SQLModel, table=True):
    """Embedding cache keyed by ``text_key(model_id, text)``: other clustering settings never re-embed."""

    __tablename__ = "embeddings"
    key: str = Field(primary_key=True, max_length=64)
    dimension: int
    vector: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class StoredKnn(SQLModel, table=True):
    """k-NN searches of large questions keyed by ``synthesis.neighbours.knn_key`` (a hash of the vectors and k):
    a re-run with other clustering settings skips them. Indices int32, distances float32, row-major (n, k)."""

    __tablename__ = "knn_searches"
    key: str = Field(primary_key=True, max_length=64)
    k: int
    idx: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    dist: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    # the oldest searches are deleted beyond synthesis.embed.cache.KNN_KEEP_BYTES
    created_at: datetime = Field(default_factory=utcnow)
