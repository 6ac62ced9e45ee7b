"""The notice tests use the storage fixtures: SQLite and PostgreSQL, each test on a fresh database."""

from __future__ import annotations

from tests.store.conftest import (  # noqa: F401  (fixtures)
    agencies,
    backend,
    calendar,
    engine,
    factory,
    protector,
    sqlite_template,
)
