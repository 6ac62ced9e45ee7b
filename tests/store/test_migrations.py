"""Migrations: from an empty database to the newest schema on both backends, matching the models exactly."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from gongkai.store.migrate import current_revision, downgrade, head_revision, schema_differences, upgrade
from gongkai.store.orm import Base


def test_upgrade_from_empty_matches_the_models(empty_engine: Engine) -> None:
    assert current_revision(empty_engine) is None
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revision()
    assert schema_differences(empty_engine) == []  # alembic autogenerate finds nothing to change
    tables = set(inspect(empty_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_downgrade_to_empty_and_back(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    downgrade(empty_engine, "base")
    assert not set(Base.metadata.tables) & set(inspect(empty_engine).get_table_names())
    upgrade(empty_engine)
    assert schema_differences(empty_engine) == []


def test_upgrade_is_idempotent(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revision()


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(engine: Engine, backend: str) -> None:
    if backend != "sqlite":
        return
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
