"""Database fixtures: every storage and ledger test runs on SQLite (a temporary file) and on PostgreSQL.

PostgreSQL comes from ``GONGKAI_TEST_PG_URL`` (``scripts/test.sh`` starts a server and exports it). Without it
the PostgreSQL tests **fail** — they are never skipped. Each test gets a fresh schema, dropped afterwards.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger import create_agency
from gongkai.ledger.schemas import AgencyIn
from gongkai.store import Protector, make_engine, session_factory, upgrade
from gongkai.store.vocab import AgencyKind

PG_ENV = "GONGKAI_TEST_PG_URL"
BACKENDS = ("sqlite", "postgresql")


def pg_url() -> str:
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        pytest.fail(
            f"{PG_ENV} is not set: the PostgreSQL half of the storage tests cannot run. "
            "Run them through scripts/test.sh (it starts PostgreSQL), or export "
            f"{PG_ENV}=postgresql+psycopg://gongkai:gongkai@127.0.0.1:5432/gongkai_test",
            pytrace=False,
        )
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test copies it (migrations themselves are tested from empty)."""
    path = tmp_path_factory.mktemp("template") / "ledger.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def fresh_pg_engine(migrate: bool = True) -> Iterator[Engine]:
    url = pg_url()
    admin = create_engine(url)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"}, pool_pre_ping=True)
    try:
        if migrate:
            upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def engine(backend: str, tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    """A migrated, empty ledger database on each backend."""
    if backend == "sqlite":
        path = tmp_path / "ledger.db"
        shutil.copy(sqlite_template, path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
    else:
        yield from fresh_pg_engine()


@pytest.fixture
def empty_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """An empty database (no schema yet) on each backend."""
    if backend == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield eng
        eng.dispose()
    else:
        yield from fresh_pg_engine(migrate=False)


@pytest.fixture(scope="session")
def protector() -> Protector:
    return Protector.generate()


@pytest.fixture
def factory(engine: Engine, protector: Protector) -> sessionmaker[Session]:
    return session_factory(engine, protector=protector)


@pytest.fixture(scope="session")
def calendar() -> WorkCalendar:
    return WorkCalendar.load(env={})


@pytest.fixture
def agencies(factory: sessionmaker[Session]) -> tuple[int, int]:
    """Two agencies of one installation: a county department and a town."""
    with factory.begin() as session:
        a = create_agency(session=session, data=AgencyIn(name="青溪县市场监督管理局", kind=AgencyKind.COUNTY_DEPARTMENT,
                                                         abbreviation="青溪市监"))
        b = create_agency(session=session, data=AgencyIn(name="青溪县吴村镇人民政府", kind=AgencyKind.TOWNSHIP,
                                                         abbreviation="吴村"))
        return a.id, b.id
