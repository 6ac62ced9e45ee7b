"""Account tests run on SQLite and PostgreSQL with the storage fixtures of tests/store, and cheap password
hashing (see tests/web/conftest.py)."""

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
from tests.web.conftest import fast_passwords  # noqa: F401  (autouse fixture)
