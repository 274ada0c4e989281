"""Engine creation and the schema (Alembic migrations are the source of truth)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import create_engine

ROOT = Path(__file__).resolve().parents[2]
ALEMBIC_INI = ROOT / "alembic.ini"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    # deleted or overwritten rows are zeroed in the file, not left in its free space: a consultation deleted or a
    # contribution erased (RGPD) leaves no readable copy of its text behind
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; in-memory SQLite shares one connection (StaticPool) across threads."""
    if url.startswith("sqlite"):
        kwargs: dict = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
        else:
            db_path = url.split("///", 1)[-1]
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        if "poolclass" not in kwargs:
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        return engine
    return create_engine(url, pool_pre_ping=True)


def truncate_wal(engine: Engine) -> None:
    """SQLite in WAL mode: write the log into the database file and empty it, so that no earlier copy of a page
    that an erasure zeroed stays in the log (best effort: frames a reader still uses stay until the next time).
    Nothing on another database (PostgreSQL's autovacuum removes the old row versions)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config(str(ALEMBIC_INI))
    cfg.set_main_option("script_location", str(ROOT / "alembic"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


@contextmanager
def migrating(engine: Engine) -> Iterator[Connection]:
    """A connection for migrations, committed at the end. On SQLite the foreign keys are off meanwhile: a batch
    operation rebuilds a table (copy, drop the old one, rename), and dropping a table that other rows reference
    fails while they are enforced (Alembic's batch mode asks for them off); they are checked once the migrations
    are done, then enforced again (``PRAGMA foreign_keys`` is ignored inside a transaction, hence outside it)."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            yield conn
            if sqlite:
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left rows whose foreign key names no row: {broken[:5]}")
            conn.commit()
        finally:
            conn.rollback()
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def upgrade_database(engine: Engine) -> None:
    """`alembic upgrade head` on ``engine`` (the same connection, so in-memory SQLite works too); nothing at all
    when the database is at head already (every start-up: the foreign keys are not checked again)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from alembic import command

    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    if current == set(ScriptDirectory.from_config(cfg).get_heads()):
        return
    with migrating(engine) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


_ENGINES: dict[str, Engine] = {}


def get_engine() -> Engine:
    """The process's engine for ``get_settings().database_url`` (one per URL)."""
    from service.core.config import get_settings

    url = get_settings().database_url
    if url not in _ENGINES:
        _ENGINES[url] = make_engine(url)
    return _ENGINES[url]
