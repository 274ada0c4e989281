"""Settings of the service: one pydantic-settings class behind an overridable ``get_settings()`` (rule 16)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-pseudonym-secret"


class Settings(BaseSettings):
    """Read from the environment (and ``.env``); ``synthesis`` never reads the environment itself."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Literal["local", "test", "production"] = Field(
        "local", description="'production' refuses unsafe defaults (dev secret)."
    )
    database_url: str = Field(
        "sqlite:///./data/synthese.db", description="SQLAlchemy URL; SQLite or PostgreSQL."
    )
    broker_url: str | None = Field(None, description="Redis URL; when set, runs go to Celery workers.")
    pseudonym_secret: str = Field(DEV_SECRET, description="HMAC key that pseudonymises author ids at import.")
    jobs_autostart: bool = Field(True, description="Start the in-process runner's thread with the app.")
    max_upload_bytes: int = Field(
        512 * 1024 * 1024, description="Largest accepted upload, and largest file a ZIP upload may unpack."
    )
    max_archive_bytes: int = Field(
        1024 * 1024 * 1024, gt=0, description="Most bytes a ZIP upload's files may unpack to, all together."
    )
    max_archive_members: int = Field(1000, gt=0, description="Most files a ZIP upload may hold.")
    progress_interval_s: float = Field(0.5, description="Least time between two progress writes of a run.")
    run_migrations: bool = Field(True, description="Run `alembic upgrade head` at start-up.")
    embed_shard_texts: int = Field(4000, ge=1, description="Celery: distinct texts to embed per shard task.")
    job_lease_s: float = Field(
        60.0,
        gt=0,
        description="A run (or Celery task) whose process has been silent this long has died; "
        "its process gives a sign of life every quarter of it.",
    )

    @model_validator(mode="after")
    def _refuse_unsafe_defaults(self) -> Settings:
        if self.environment == "production" and self.pseudonym_secret == DEV_SECRET:
            raise ValueError(
                "PSEUDONYM_SECRET doit être défini en production / PSEUDONYM_SECRET must be set in production"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings (cached; tests override the dependency or clear the cache)."""
    return Settings()
