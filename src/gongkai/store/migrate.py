"""Alembic migrations driven from Python: the scripts ship in ``gongkai/store/migrations``; no ini file.

>>> from gongkai.store.migrate import upgrade
>>> upgrade("sqlite:///ledger.db")  # doctest: +SKIP

Developers add a migration after changing :mod:`gongkai.store.orm` with :func:`new_revision` (autogenerate
against a database at head), then review the script by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine
from sqlalchemy.engine import URL

from gongkai.store.db import make_engine
from gongkai.store.orm import Base

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def _engine(target: Engine | str | URL | None) -> tuple[Engine, bool]:
    if isinstance(target, Engine):
        return target, False
    return make_engine(target), True


def _run(target: Engine | str | URL | None, action: str, revision: str) -> None:
    engine, owned = _engine(target)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                # pysqlite does not open a transaction before DDL: open one, so a failed migration leaves nothing.
                conn.exec_driver_sql("BEGIN")
            config = alembic_config(conn)
            if action == "upgrade":
                command.upgrade(config, revision)
            else:
                command.downgrade(config, revision)
            conn.commit()
    finally:
        if owned:
            engine.dispose()


def upgrade(engine_or_url: Engine | str | URL | None = None, revision: str = "head") -> None:
    """Bring the database to ``revision`` (default: the newest). Default database: ``GONGKAI_DATABASE_URL``."""
    _run(engine_or_url, "upgrade", revision)


def downgrade(engine_or_url: Engine | str | URL | None, revision: str) -> None:
    _run(engine_or_url, "downgrade", revision)


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine_or_url: Engine | str | URL | None = None) -> str | None:
    engine, owned = _engine(engine_or_url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        if owned:
            engine.dispose()


def schema_differences(engine_or_url: Engine | str | URL | None = None) -> list[Any]:
    """What autogenerate would change to make the database match the models (empty when they agree)."""
    engine, owned = _engine(engine_or_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        if owned:
            engine.dispose()


def new_revision(engine_or_url: Engine | str | URL, message: str) -> None:
    """Developer tool: write a new migration script from the difference between the models and the database."""
    engine, owned = _engine(engine_or_url)
    try:
        with engine.connect() as conn:
            command.revision(alembic_config(conn), message=message, autogenerate=True)
    finally:
        if owned:
            engine.dispose()
