"""Fault tests use the storage fixtures: a fresh migrated database per test on SQLite and on PostgreSQL."""

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
