"""Alembic migrations are the source of truth: `upgrade head` builds the models' schema (SQLite, PG)."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from service.core.db import make_engine, upgrade_database
from tests.service.conftest import drop_schema, postgres_engine


def _diff(engine) -> list:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, SQLModel.metadata)


def test_sqlite_migration_matches_models(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade_database(engine)
    upgrade_database(engine)  # idempotent: a second start-up changes nothing
    assert _diff(engine) == []
    assert "alembic_version" in inspect(engine).get_table_names()


@pytest.mark.postgres
def test_postgres_migration_matches_models():
    schema = f"m_{uuid.uuid4().hex[:12]}"
    engine = postgres_engine(schema)
    try:
        upgrade_database(engine)
        assert _diff(engine) == []
    finally:
        engine.dispose()
        drop_schema(schema)


def _down_and_up(engine, url: str) -> None:
    from alembic import command
    from service.core.db import alembic_config

    cfg = alembic_config(url)
    for step, target in ((command.upgrade, "head"), (command.downgrade, "base"), (command.upgrade, "head")):
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            step(cfg, target)
        if target == "base":
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert _diff(engine) == []


def test_sqlite_migrations_go_down_to_an_empty_database_and_up_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    _down_and_up(make_engine(url), url)


@pytest.mark.postgres
def test_postgres_migrations_go_down_to_an_empty_database_and_up_again():
    from tests.service.conftest import POSTGRES_URL

    schema = f"m_{uuid.uuid4().hex[:12]}"
    engine = postgres_engine(schema)
    try:
        _down_and_up(engine, POSTGRES_URL)
    finally:
        engine.dispose()
        drop_schema(schema)


def _migrated_holding_a_run(tmp_path, *, before_head: str | None = None) -> Engine:
    """A SQLite database at revision 0005 holding a finished run (``before_head``: one more statement then),
    migrated to the head."""
    from sqlalchemy import text

    from alembic import command
    from service.core.db import alembic_config

    url = f"sqlite:///{tmp_path / 'm.db'}"
    engine = make_engine(url)
    cfg = alembic_config(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0005")
        _hold_a_run(conn)
        if before_head:
            conn.execute(text(before_head))
        command.upgrade(cfg, "head")
    return engine


def test_0006_keeps_the_automatic_strength_of_the_assignments_stored_before_it(tmp_path):
    # until 0006 the review never changed a stored strength: it is each assignment's automatic strength
    from sqlalchemy import text

    with _migrated_holding_a_run(tmp_path).connect() as conn:
        assert conn.execute(text("SELECT auto_strength FROM assignments")).scalar_one() == 0.75


# A consultation with one import, one contribution and a finished run, as a database at revision 0005 holds them
_RUN_AT_0005 = (
    "INSERT INTO tenants (id, name, created_at) VALUES (1, 't', '2026-01-01')",
    "INSERT INTO consultations (id, tenant_id, title, created_at) VALUES (1, 1, 'c', '2026-01-01')",
    "INSERT INTO imports (id, consultation_id, filename, format, sha256, rows_read, accepted, added,"
    " updated, unchanged, rejected, created_at) VALUES (1, 1, 'f', 'csv', 'x', 1, 1, 1, 0, 0, '[]',"
    " '2026-01-01')",
    "INSERT INTO contributions (id, consultation_id, import_id, last_import_id, key, source_id,"
    " question_id, question_text, text, line, author_type, extra, version) VALUES (1, 1, 1, 1, 'k',"
    " 's', 'q', 'Q', 't', 2, 'unknown', '{}', 1)",
    "INSERT INTO runs (id, consultation_id, status, progress, settings, cancel_requested, created_at)"
    " VALUES (1, 1, 'succeeded', 1, '{}', 0, '2026-01-01')",
    "INSERT INTO assignments (run_id, contribution_id, question_id, status, cluster_id, auto_cluster_id,"
    " strength, weight) VALUES (1, 1, 'q', 'clustered', '1-0', '1-0', 0.75, 1)",
)


def _hold_a_run(conn) -> None:
    from sqlalchemy import text

    for sql in _RUN_AT_0005:
        conn.execute(text(sql))


def test_sqlite_migrations_go_down_and_up_on_a_database_holding_a_run(tmp_path):
    """`alembic downgrade` on SQLite with data: 0005's downgrade rebuilt the imports table (SQLite has no DROP
    COLUMN in batch mode), and dropping the old table with foreign keys enforced failed ("FOREIGN KEY constraint
    failed") as soon as a contribution referenced an import. Migrations now run with the foreign keys off and
    checked at the end, as Alembic's batch mode needs."""
    from sqlalchemy import text

    from alembic import command
    from service.core.db import alembic_config

    url = f"sqlite:///{tmp_path / 'm.db'}"
    engine = make_engine(url)
    cfg = alembic_config(url)  # no connection given: the `alembic` command's own path (alembic/env.py)
    command.upgrade(cfg, "0005")
    with engine.begin() as conn:
        _hold_a_run(conn)
    for step, target in ((command.upgrade, "head"), (command.downgrade, "0004"), (command.upgrade, "head")):
        step(cfg, target)
    upgrade_database(engine)  # and the service's start-up path
    with engine.connect() as conn:
        assert conn.execute(text("SELECT text FROM contributions")).scalar_one() == "t"
        assert conn.execute(text("SELECT auto_strength FROM assignments")).scalar_one() == 0.75
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1  # enforced again afterwards
    assert _diff(engine) == []


def test_a_start_up_on_a_database_at_head_migrates_nothing(tmp_path, monkeypatch):
    # every start-up runs upgrade_database: at head, it must not take the migrations' path (on SQLite a check
    # of every foreign key of the database, seconds on a large one)
    from service.core import db

    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade_database(engine)

    def refuse(engine):
        raise AssertionError("migrations run on a database at head")

    monkeypatch.setattr(db, "migrating", refuse)
    upgrade_database(engine)


def test_0010_keeps_the_present_author_on_the_assignments_stored_before_it(tmp_path):
    # the authors the runs stored before 0010 read were not kept: the contributions' present ones stand for them
    from sqlalchemy import text

    engine = _migrated_holding_a_run(tmp_path, before_head="UPDATE contributions SET author_ref = 'auteur-1'")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT author_ref FROM assignments")).scalar_one() == "auteur-1"
