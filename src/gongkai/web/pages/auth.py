"""Pages: the home page, log-in, log-out and the user's own account (change password).

``/`` shows the public landing page to visitors and sends a signed-in user to where their work is: staff to
their agency's queue, the oversight office to its pages, the system administrator to administration.
"""

from __future__ import annotations

from datetime import UTC
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from gongkai.accounts.passwords import MIN_LENGTH, WeakPassword
from gongkai.accounts.roles import Role, User
from gongkai.accounts.sessions import end_session, log_in
from gongkai.accounts.users import change_password, get_account
from gongkai.api.deps import (
    CHINA,
    SESSION_COOKIE,
    SessionDep,
    SettingsDep,
    session_policy,
    throttle_policy,
)
from gongkai.ledger import get_agency
from gongkai.store.audit import record
from gongkai.store.errors import InvalidRecord, NotFound
from gongkai.store.orm import utcnow
from gongkai.store.orm_audit import AuditAction
from gongkai.web.security import (
    CurrentUser,
    OptionalUser,
    clear_session_cookie,
    flash,
    set_session_cookie,
    verify_csrf,
)
from gongkai.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])

FormText = Annotated[str, Form(max_length=2000)]


def home_of(user: User) -> str | None:
    """Where a signed-in user's work is (None: nowhere yet — an account without a usable role)."""
    if user.agency_id is not None and user.works_for(user.agency_id):
        return f"/desk/{user.agency_id}/"
    if user.has(Role.OVERSIGHT):
        return "/oversight/"
    if user.has(Role.SYSTEM_ADMIN):
        return "/admin/"
    return None


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site; anything that could lead elsewhere (``//host``, ``/\\host``,
    a scheme, control characters) is refused, so the log-in cannot be used to send people to another site."""
    if not target or len(target) > 1000 or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/")
def home(request: Request, user: OptionalUser) -> Response:
    if user is not None:
        target = home_of(user)
        if target is not None:
            return RedirectResponse(target, status_code=303)
    return render(request, "auth/home.html")


@router.get("/login")
def login_form(request: Request, user: OptionalUser, next: Annotated[str, Query(max_length=2000)] = "") -> Response:
    target = local_path(next)
    if user is not None:
        return RedirectResponse(target or home_of(user) or "/account", status_code=303)
    return render(request, "auth/login.html", {"next": target or "", "username": "", "errors": {}})


@router.post("/login")
def login_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: FormText = "",
) -> Response:
    target = local_path(next)
    context = {"next": target or "", "username": username.strip()}
    errors: dict[str, str] = {}
    if not username.strip():
        errors["username"] = "请填写用户名"
    if not password:
        errors["password"] = "请填写密码"
    if errors:
        return render(request, "auth/login.html", {**context, "errors": errors}, status_code=422)
    outcome = log_in(
        session=session,
        username=username,
        password=password,
        ip=_client_ip(request),
        user_agent=request.headers.get("user-agent"),
        session_policy=session_policy(settings),
        throttle_policy=throttle_policy(settings),
        replacing=request.cookies.get(SESSION_COOKIE),
    )
    address = _client_ip(request) or "未知地址"
    if outcome.started is None:
        # Failed and refused log-ins are counted in login_attempts for throttling; the audit log keeps them for
        # the administrator, under the name that was typed (never the password).
        why = "尝试过多，暂停登录" if outcome.retry_at is not None else "用户名或密码不正确"
        record(session, actor=f"（未登录）{username.strip()[:60]}", action=AuditAction.LOGIN_FAILED,
               entity="users", note=f"登录失败：{why}（{address}）")
    else:
        signed = outcome.started.user
        record(session, actor=signed.actor, action=AuditAction.LOGIN, entity="users", entity_id=signed.id,
               agency_id=signed.agency_id, note=f"登录（{address}）")
    if outcome.retry_at is not None:
        wait = max(60, int((outcome.retry_at - utcnow()).total_seconds()) + 1)
        local = outcome.retry_at.replace(tzinfo=UTC).astimezone(CHINA)
        return render(
            request,
            "auth/throttled.html",
            {"retry_at": local, "minutes": -(-wait // 60), "next": target or ""},
            status_code=429,
            headers={"Retry-After": str(wait)},
        )
    if outcome.started is None:
        return render(request, "auth/login.html",
                      {**context, "errors": {}, "refused": "用户名或密码不正确，请重新输入。"}, status_code=401)
    user = outcome.started.user
    response = RedirectResponse(target or home_of(user) or "/account", status_code=303)
    set_session_cookie(response, outcome.started.token, settings)
    flash(request, f"{user.name}，您已登录。")
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        end_session(session=session, token=token)
    leaving: User | None = getattr(request.state, "user", None)
    if leaving is not None:
        record(session, actor=leaving.actor, action=AuditAction.LOGOUT, entity="users", entity_id=leaving.id,
               agency_id=leaving.agency_id, note="退出")
    response = RedirectResponse("/", status_code=303)
    clear_session_cookie(response, settings)
    flash(request, "您已安全退出。")
    return response


def _account_page(request: Request, session: SessionDep, user: User, errors: dict[str, str],
                  status_code: int = 200) -> Response:
    account = get_account(session=session, user_id=user.id)
    agency_name = None
    if account.agency_id is not None:
        try:
            agency_name = get_agency(session=session, agency_id=account.agency_id).name
        except NotFound:
            agency_name = None
    supervised = []
    for agency_id in sorted(account.supervised):
        try:
            supervised.append(get_agency(session=session, agency_id=agency_id).name)
        except NotFound:
            continue
    return render(request, "auth/account.html", {
        "account": account,
        "agency_name": agency_name,
        "supervised": supervised,
        "password_changed": account.password_changed_at.replace(tzinfo=UTC).astimezone(CHINA),
        "errors": errors,
        "min_length": MIN_LENGTH,
    }, status_code=status_code)


@router.get("/account")
def account_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    return _account_page(request, session, user, {})


@router.post("/account")
def account_change_password(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    current: Annotated[str, Form(max_length=1000)] = "",
    new: Annotated[str, Form(max_length=1000)] = "",
    confirm: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    errors: dict[str, str] = {}
    if not current:
        errors["current"] = "请填写当前密码"
    if not new:
        errors["new"] = "请填写新密码"
    elif new != confirm:
        errors["confirm"] = "两次输入的新密码不一致"
    if not errors:
        visit = getattr(request.state, "signed_in", None)
        try:
            change_password(session=session, user_id=user.id, current=current, new=new,
                            keep_session=visit.id if visit is not None else None)
        except WeakPassword as exc:
            errors["new"] = str(exc)
        except InvalidRecord as exc:
            errors["current"] = str(exc)
    if errors:
        return _account_page(request, session, user, errors, status_code=422)
    flash(request, "密码已修改；在其他设备上的登录已全部退出。")
    return RedirectResponse("/account", status_code=303)


__all__ = ["home_of", "local_path", "router"]
