"""Storage of the ledger: SQLAlchemy 2 models, Alembic migrations shipped in the package, engine and sessions.

* :mod:`gongkai.store.db` — ``make_engine(url)``, ``session_factory(engine)``, ``session_scope()``; the database
  is ``GONGKAI_DATABASE_URL`` (PostgreSQL: ``postgresql+psycopg://…``), else the SQLite file ``gongkai.db`` in
  ``GONGKAI_DATA_DIR`` (default ``~/.local/share/gongkai``).
* :mod:`gongkai.store.migrate` — ``upgrade(engine_or_url)`` to the newest schema; no alembic.ini needed.
* :mod:`gongkai.store.crypto` — applicants' personal data encrypted at rest (``GONGKAI_SECRET_KEY`` or a key
  file created next to the SQLite database / in the data directory — ``gongkai backup`` carries that file;
  a key given by the environment must be backed up separately).
* :mod:`gongkai.store.orm` — the rows; the ledger (:mod:`gongkai.ledger`) maps them to domain objects.
"""

from __future__ import annotations

from gongkai.store.crypto import Protector, load_protector
from gongkai.store.db import database_url, make_engine, session_factory, session_scope
from gongkai.store.errors import (
    ConflictError,
    ImportRowError,
    InvalidRecord,
    NotFound,
    SecretKeyError,
    StoreError,
)
from gongkai.store.migrate import upgrade

__all__ = [
    "ConflictError",
    "ImportRowError",
    "InvalidRecord",
    "NotFound",
    "Protector",
    "SecretKeyError",
    "StoreError",
    "database_url",
    "load_protector",
    "make_engine",
    "session_factory",
    "session_scope",
    "upgrade",
]
from gongkai.store import orm_accounts as _orm_accounts  # noqa: F401  (registers the account, session and log-in tables)
from gongkai.store import orm_notices as _orm_notices  # noqa: F401  (registers the notice tables on the metadata)
from gongkai.store import orm_portal as _orm_portal  # noqa: F401  (registers the portal query-code table)
from gongkai.store import orm_reports as _orm_reports  # noqa: F401  (registers the report draft and publication tables)
from gongkai.store import orm_workbench as _orm_workbench  # noqa: F401  (registers the extension-request table)
from gongkai.store.audit import install_audit_log as _install_audit_log  # registers the audit_log table too

_install_audit_log()  # every session of the process logs the ledger rows it changes (gongkai.store.audit)
from gongkai.store import orm_oversight as _orm_oversight  # noqa: F401,E402  (registers the oversight import tables)
