"""Alembic environment: metadata from ``service.models``; URL from the config, else from ``DATABASE_URL``."""

from __future__ import annotations

from sqlmodel import SQLModel

import service.models  # noqa: F401  (registers the tables)
from alembic import context

config = context.config
target_metadata = SQLModel.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from service.core.config import get_settings

    return get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _run(connection) -> None:
    context.configure(
        connection=connection, target_metadata=target_metadata, render_as_batch=True, compare_type=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if (
        connection is not None
    ):  # given by service.core.db.upgrade_database (same connection: in-memory SQLite)
        _run(connection)
        return
    from service.core.db import make_engine, migrating

    engine = make_engine(_url())
    with migrating(engine) as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
