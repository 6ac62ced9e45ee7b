"""Engine and sessions: the one place that knows how to connect.

* ``GONGKAI_DATABASE_URL`` selects the database (``postgresql+psycopg://user:pass@host/db`` for PostgreSQL);
  without it the ledger is a SQLite file ``gongkai.db`` in the data directory.
* The data directory is ``GONGKAI_DATA_DIR``, else ``$XDG_DATA_HOME/gongkai``, else ``~/.local/share/gongkai``.
  It also holds the secret key file when the database is not a SQLite file (see :mod:`gongkai.store.crypto`).

SQLite is opened with foreign keys on (SQLite leaves them off per connection), WAL journaling (readers do not
block the writer) and a 30 s busy timeout (a second writer waits for the lock instead of failing at once).
pysqlite's own transaction handling is kept: it begins a transaction at the first write, so a transaction
sees the latest committed rows up to its first write and holds the write lock from then on — the same
visibility as PostgreSQL's default READ COMMITTED, which is what the optimistic version checks rely on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from gongkai.store.errors import ConflictError

DATABASE_URL_ENV = "GONGKAI_DATABASE_URL"
DATA_DIR_ENV = "GONGKAI_DATA_DIR"
DEFAULT_DATABASE_FILE = "gongkai.db"
SQLITE_BUSY_TIMEOUT_S = 30
SQLITE_CACHE_KIB = 64 * 1024


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if env is None else env
    configured = environ.get(DATA_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    xdg = environ.get("XDG_DATA_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "gongkai"


def database_url(env: Mapping[str, str] | None = None) -> str:
    """``GONGKAI_DATABASE_URL``, or the SQLite file in the data directory."""
    environ = os.environ if env is None else env
    configured = environ.get(DATABASE_URL_ENV, "").strip()
    if configured:
        return configured
    return f"sqlite:///{data_dir(environ) / DEFAULT_DATABASE_FILE}"


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL (None for another backend or an in-memory database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    name = parsed.database or ""
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable enough with WAL: a crash loses no committed data
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")  # the default 2 MiB thrashes on large ledgers
    finally:
        cursor.close()


def make_engine(url: str | URL | None = None, *, echo: bool = False) -> Engine:
    """An engine for ``url`` (default: :func:`database_url`), configured for the ledger."""
    target = make_url(url if url is not None else database_url())
    if target.get_backend_name() == "sqlite":
        path = sqlite_path(target)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            target,
            echo=echo,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    return create_engine(target, echo=echo, pool_pre_ping=True)


def session_factory(
    engine: Engine, *, protector: object | None = None, actor: str | None = None
) -> sessionmaker[Session]:
    """Sessions bound to ``engine``. ``protector`` (a :class:`gongkai.store.crypto.Protector`) overrides the key
    found from the environment for the personal data these sessions read and write; ``actor`` is who the audit
    log (:mod:`gongkai.store.audit`) records for the changes they make."""
    info: dict[str, Any] = {}
    if protector is not None:
        info["protector"] = protector
    if actor is not None:
        info["actor"] = actor
    return sessionmaker(bind=engine, expire_on_commit=False, info=info)


_default: sessionmaker[Session] | None = None


def default_session_factory() -> sessionmaker[Session]:
    """Sessions on :func:`database_url` (one engine per process)."""
    global _default
    if _default is None:
        _default = session_factory(make_engine())
    return _default


@contextmanager
def session_scope(
    factory: sessionmaker[Session] | Engine | None = None, *, actor: str | None = None
) -> Iterator[Session]:
    """One unit of work: commit at the end, roll back on any error. A lost optimistic-lock race at commit time
    becomes :class:`ConflictError` (the ledger functions usually raise it earlier, at their own flush).
    ``actor`` is who the audit log records for this unit of work (else the factory's, else ``system``)."""
    if factory is None:
        maker = default_session_factory()
    elif isinstance(factory, Engine):
        maker = session_factory(factory)
    else:
        maker = factory
    session = maker()
    if actor is not None:
        session.info["actor"] = actor
    try:
        yield session
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise ConflictError("记录") from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
