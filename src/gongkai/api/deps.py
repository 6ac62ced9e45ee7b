"""The API's dependencies: settings, the database session of a request, the working calendar, the agency of
the path, and who is acting.

Tests (and the web desk) replace any of them with ``app.dependency_overrides``. The engine and the calendar are
built on first use and kept on ``app.state`` — nothing is built at import time or by ``create_app``.

``CurrentActor`` is the one place that says who acts: every record the API writes takes its ``actor`` /
``created_by`` from it, never from the request body. Until authentication arrives (the web desk's issue) it is
the placeholder actor ``api``; the web desk replaces :func:`get_actor` with one that reads the logged-in user
and its roles, and the routes do not change.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from gongkai.api.settings import Settings, get_settings
from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger import get_agency
from gongkai.ledger.domain import Agency
from gongkai.store import make_engine, session_factory, upgrade
from gongkai.store.errors import ConflictError, NotFound

CHINA = ZoneInfo("Asia/Shanghai")
_lock = threading.Lock()


@dataclass(frozen=True)
class Actor:
    """Who is acting: recorded as the clerk of every event, notice and record written through the API."""

    id: str
    name: str
    roles: frozenset[str] = field(default_factory=frozenset)


API_ACTOR = Actor(id="api", name="api")


def get_actor() -> Actor:
    """The placeholder actor until the web desk adds log-in: replace this dependency to plug users in."""
    return API_ACTOR


def today_in_china() -> date:
    """Today in Beijing time: statutory days are China's days, whatever the server's time zone."""
    return datetime.now(CHINA).date()


def now_in_china() -> datetime:
    return datetime.now(CHINA).replace(tzinfo=None)


SettingsDep = Annotated[Settings, Depends(get_settings)]
CurrentActor = Annotated[Actor, Depends(get_actor)]


def get_session_factory(request: Request, settings: SettingsDep) -> sessionmaker[Session]:
    """Sessions on the configured database, the engine made (and migrated) once per application."""
    state = request.app.state
    with _lock:
        factory: sessionmaker[Session] | None = getattr(state, "session_factory", None)
        if factory is None:
            engine = make_engine(settings.database_url or None)
            if settings.api_migrate:
                upgrade(engine)
            factory = session_factory(engine)
            state.session_factory = factory
    return factory


def get_session(factory: Annotated[sessionmaker[Session], Depends(get_session_factory)]) -> Iterator[Session]:
    """One transaction per request: committed when the route returns, rolled back on any error. It ends before
    the response is sent (``scope="function"``), so a conflict found at commit still becomes a 409."""
    session = factory()
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


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_calendar(request: Request, settings: SettingsDep) -> WorkCalendar:
    """The shipped holidays plus the administrator's file, loaded once per application."""
    state = request.app.state
    with _lock:
        calendar: WorkCalendar | None = getattr(state, "calendar", None)
        if calendar is None:
            calendar = WorkCalendar.load(settings.holidays_file)
            state.calendar = calendar
    return calendar


CalendarDep = Annotated[WorkCalendar, Depends(get_calendar)]

AgencyId = Annotated[int, Path(ge=1, le=2**31 - 1, description="机关编号")]
ApplicationId = Annotated[int, Path(ge=1, le=2**31 - 1, description="申请的内部编号（id）")]
RowId = Annotated[int, Path(ge=1, le=2**31 - 1, description="记录编号")]


class AgencyNotFound(NotFound):
    def __init__(self, agency_id: int) -> None:
        super().__init__("机关", agency_id)
        self.args = (f"没有编号为“{agency_id}”的机关",)


def current_agency(agency_id: AgencyId, session: SessionDep) -> Agency:
    """The agency of the path; one that does not exist is a 404 (as is any record of another agency). Every
    router depends on it, so an unknown agency is reported as such before any other lookup."""
    try:
        return get_agency(session=session, agency_id=agency_id)
    except NotFound as exc:
        raise AgencyNotFound(agency_id) from exc


AgencyDep = Annotated[Agency, Depends(current_agency)]
AGENCY = [Depends(current_agency)]  # router-level: the agency of the path exists

__all__ = [
    "API_ACTOR",
    "Actor",
    "AgencyDep",
    "AgencyId",
    "AgencyNotFound",
    "ApplicationId",
    "CalendarDep",
    "CurrentActor",
    "RowId",
    "SessionDep",
    "SettingsDep",
    "current_agency",
    "get_actor",
    "get_calendar",
    "get_session",
    "get_session_factory",
    "now_in_china",
    "today_in_china",
]
