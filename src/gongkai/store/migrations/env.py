"""Alembic environment of the ledger, driven from Python (:mod:`gongkai.store.migrate`); no alembic.ini needed.

The connection comes in ``config.attributes["connection"]``; without one (the ``alembic`` command with an ini
file) the URL is ``sqlalchemy.url`` or ``GONGKAI_DATABASE_URL``. SQLite gets batch mode, so later migrations
that alter columns work there too (SQLite's ALTER TABLE cannot).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from gongkai.store.db import database_url, make_engine
from gongkai.store.orm import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if isinstance(connection, Connection):
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or database_url())
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url") or database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
