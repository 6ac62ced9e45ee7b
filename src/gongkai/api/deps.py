"""The API's dependencies: settings, the database session of a request, the working calendar, who is signed in,
and the agency of the path.

Tests (and the web desk) replace any of them with ``app.dependency_overrides``. The engine and the calendar are
built on first use and kept on ``app.state`` — nothing is built at import time or by ``create_app``.

Who acts is the signed-in user of the session cookie ``gongkai_session`` (the web desk's log-in sets it; see
:mod:`gongkai.accounts.sessions`). ``CurrentActor`` is the one place that says who acts: every record the API
writes takes its ``actor`` / ``created_by`` from it, never from the request body. Every API route sits under
``/api/agencies/{agency_id}`` and depends on :func:`current_agency`, which is where access is decided:

* no live session → 401;
* an agency the user may not read (:meth:`User.may_read`) → 404, the same answer as for one that does not exist;
* a change (POST, PUT, PATCH, DELETE) needs a user who works for the agency (:meth:`User.works_for`) → 403
  otherwise: oversight and system administrator accounts read only;
* a change must carry the header ``X-CSRF-Token`` equal to the session's token (403 otherwise): a cookie is
  sent by the browser on any site's request, the header only by the desk's own pages.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, HTTPException, Path, Request
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from gongkai.accounts.roles import User
from gongkai.accounts.sessions import SessionPolicy, SignedIn, load_session
from gongkai.accounts.throttle import ThrottlePolicy
from gongkai.api.settings import Settings, get_settings
from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger import get_agency
from gongkai.ledger.domain import Agency
from gongkai.store import make_engine, session_factory, upgrade
from gongkai.store.errors import ConflictError, NotFound

CHINA = ZoneInfo("Asia/Shanghai")
SESSION_COOKIE = "gongkai_session"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_lock = threading.Lock()


@dataclass(frozen=True)
class Actor:
    """Who is acting: recorded as the clerk of every event, notice and record written through the API."""

    id: str
    name: str
    roles: frozenset[str] = field(default_factory=frozenset)


def today_in_china() -> date:
    """Today in Beijing time: statutory days are China's days, whatever the server's time zone."""
    return datetime.now(CHINA).date()


def now_in_china() -> datetime:
    return datetime.now(CHINA).replace(tzinfo=None)


SettingsDep = Annotated[Settings, Depends(get_settings)]


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


def session_policy(settings: Settings) -> SessionPolicy:
    return SessionPolicy(idle=timedelta(minutes=settings.session_idle_minutes),
                         absolute=timedelta(hours=settings.session_max_hours))


def throttle_policy(settings: Settings) -> ThrottlePolicy:
    return ThrottlePolicy(max_failures=settings.login_max_failures,
                          window=timedelta(minutes=settings.login_pause_minutes))


def signed_in(request: Request, session: SessionDep, settings: SettingsDep) -> SignedIn | None:
    """The live session of the request's cookie. The web desk's middleware has usually loaded it already
    (``request.state.signed_in``); the bare API application loads it here, on the request's own session."""
    state = request.state
    if hasattr(state, "signed_in"):
        found: SignedIn | None = state.signed_in
        return found
    token = request.cookies.get(SESSION_COOKIE, "")
    found = load_session(session=session, token=token, policy=session_policy(settings)) if token else None
    state.signed_in = found
    return found


def get_user(request: Request, visit: Annotated[SignedIn | None, Depends(signed_in)]) -> User:
    """The signed-in user (401 without a live session). A change must also carry the session's CSRF token in
    the ``X-CSRF-Token`` header (403 otherwise)."""
    if visit is None:
        raise HTTPException(401, "请先登录：没有有效的登录会话（可能已超时或已退出），请在工作台登录后重试")
    if request.method in UNSAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode("utf-8", "replace"), visit.csrf_token.encode("ascii")):
            raise HTTPException(403, f"缺少或错误的 {CSRF_HEADER} 请求头：修改数据的请求须带上本次登录会话的令牌")
    return visit.user


ApiUser = Annotated[User, Depends(get_user)]


def get_actor(user: ApiUser) -> Actor:
    """Who acts: the signed-in user, recorded as ``User.actor`` (name and account)."""
    return Actor(id=user.username, name=user.actor, roles=frozenset(str(r) for r in user.roles))


CurrentActor = Annotated[Actor, Depends(get_actor)]


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


def current_agency(request: Request, agency_id: AgencyId, session: SessionDep, user: ApiUser) -> Agency:
    """The agency of the path, if the signed-in user may see it; one that does not exist — or that the user may
    not read — is a 404 (as is any record of another agency). A change needs staff of the agency (403). Every
    router depends on it, so access is decided before any other lookup. The request's session records the
    user as the actor of what it writes (``session.info["actor"]``, read by the audit log)."""
    session.info["actor"] = user.actor
    if not user.may_read(agency_id):
        raise AgencyNotFound(agency_id)
    try:
        agency = get_agency(session=session, agency_id=agency_id)
    except NotFound as exc:
        raise AgencyNotFound(agency_id) from exc
    if request.method in UNSAFE_METHODS and not user.works_for(agency_id):
        raise HTTPException(403, "本账号只能查阅该机关的记录，不能修改（监督和系统管理员账号为只读）")
    return agency


AgencyDep = Annotated[Agency, Depends(current_agency)]
AGENCY = [Depends(current_agency)]  # router-level: the agency of the path exists

__all__ = [
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "UNSAFE_METHODS",
    "Actor",
    "AgencyDep",
    "AgencyId",
    "AgencyNotFound",
    "ApiUser",
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
    "get_user",
    "now_in_china",
    "session_policy",
    "signed_in",
    "throttle_policy",
    "today_in_china",
]
