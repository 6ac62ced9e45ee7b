"""Who is signed in, what they may open, and the protections every response carries.

:func:`install` adds :class:`SecurityMiddleware` to the application. For every request (static files aside) it

* loads the session of the cookie ``gongkai_session`` (:mod:`gongkai.accounts.sessions`; idle and absolute
  timeouts, deactivated accounts) and sets ``request.state.user`` (a :class:`User` or None),
  ``request.state.signed_in``, ``request.state.csrf_token`` and ``request.state.flashes``;
* gives an anonymous visitor a CSRF token too: a random token in the cookie ``gongkai_csrf``, signed with an
  HMAC whose key is derived from the installation's data key (so a cookie planted from elsewhere does not
  verify), the same token in every form (double submit);
* carries flash messages across one redirect in the signed cookie ``gongkai_flash``;
* adds the security headers: a Content-Security-Policy without inline script, ``nosniff``, no framing,
  ``Referrer-Policy: same-origin``, and ``Cache-Control: no-store`` on every answer to a signed-in user.

The dependencies below are what pages use: :data:`OptionalUser`, :data:`CurrentUser` (pages redirect to the
log-in, ``/api`` answers 401), :func:`require_roles`, :data:`ReadableAgency`, :data:`StaffAgency`,
:func:`verify_csrf` (on every page router) and :func:`flash`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import Depends, FastAPI, HTTPException, Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gongkai.accounts.roles import Role, User
from gongkai.accounts.sessions import SignedIn, load_session
from gongkai.api.deps import (
    CSRF_HEADER,
    SESSION_COOKIE,
    UNSAFE_METHODS,
    AgencyId,
    AgencyNotFound,
    SessionDep,
    get_session_factory,
    session_policy,
    signed_in,
)
from gongkai.api.settings import Settings, environment_settings, get_settings
from gongkai.ledger import get_agency
from gongkai.ledger.domain import Agency
from gongkai.store import session_scope
from gongkai.store.crypto import protector_for
from gongkai.store.errors import NotFound

CSRF_COOKIE = "gongkai_csrf"
FLASH_COOKIE = "gongkai_flash"
CSRF_FIELD = "csrf_token"
FLASH_MAX_BYTES = 3000  # a cookie holds about 4 KB; flashes are one sentence each
FLASH_SECONDS = 300
STATIC_PREFIX = "/static/"
DOCS_PATHS = frozenset({"/api/docs", "/api/docs/oauth2-redirect"})

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# FastAPI's Swagger UI loads its script from a CDN and starts it inline; only that page is allowed to.
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
FlashKind = Literal["ok", "warn", "error"]
_SECRET_CONTEXT = "gongkai web cookie signing v1"


@dataclass(frozen=True)
class Flash:
    """A one-off message: ``kind`` ok (done), warn (done, but mind this) or error (not done)."""

    text: str
    kind: FlashKind = "ok"


# --- signed cookie values ---------------------------------------------------------------------------------


def _sign(secret: bytes, value: str) -> str:
    mac = hmac.new(secret, value.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def signed(secret: bytes, value: str) -> str:
    """``value.signature`` (value must not contain a dot)."""
    return f"{value}.{_sign(secret, value)}"


def unsigned(secret: bytes, cookie: str | None) -> str | None:
    """The value of a signed cookie, or None when missing or not signed by this installation."""
    if not cookie or len(cookie) > 4096 or "." not in cookie:
        return None
    value, _, signature = cookie.rpartition(".")
    if not hmac.compare_digest(signature.encode("ascii", "replace"), _sign(secret, value).encode("ascii")):
        return None
    return value


def _encode_flashes(secret: bytes, flashes: list[Flash]) -> str | None:
    kept = list(flashes)
    while kept:
        payload = json.dumps([[f.kind, f.text] for f in kept], ensure_ascii=False, separators=(",", ":"))
        value = base64.urlsafe_b64encode(payload.encode("utf-8")).decode("ascii").rstrip("=")
        if len(value) <= FLASH_MAX_BYTES:
            return signed(secret, value)
        kept = kept[1:]  # the newest messages matter most
    return None


def _decode_flashes(secret: bytes, cookie: str | None) -> list[Flash]:
    value = unsigned(secret, cookie)
    if value is None:
        return []
    try:
        items = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
        return [Flash(text=str(text), kind=kind if kind in ("ok", "warn", "error") else "ok") for kind, text in items]
    except (ValueError, TypeError):
        return []


# --- cookies ----------------------------------------------------------------------------------------------


def _cookie_headers(settings: Settings, name: str, value: str | None, *, max_age: int | None = None) -> list[str]:
    """``Set-Cookie`` header values: HttpOnly, SameSite=Lax, Path=/, Secure per the settings; None deletes."""
    response = Response()
    if value is None:
        response.delete_cookie(name, path="/", secure=settings.cookie_secure, httponly=True, samesite="lax")
    else:
        response.set_cookie(name, value, max_age=max_age, path="/", secure=settings.cookie_secure, httponly=True,
                            samesite="lax")
    return [v.decode("latin-1") for k, v in response.raw_headers if k == b"set-cookie"]


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    """Give the browser a new session token (after log-in). No Max-Age: it ends with the browser as well."""
    for value in _cookie_headers(settings, SESSION_COOKIE, token):
        response.headers.append("set-cookie", value)


def clear_session_cookie(response: Response, settings: Settings) -> None:
    for value in _cookie_headers(settings, SESSION_COOKIE, None):
        response.headers.append("set-cookie", value)


# --- the middleware ---------------------------------------------------------------------------------------


def app_settings(app: Any) -> Settings:
    """The application's settings (as :func:`get_settings` gives them to routes), honouring a test's override."""
    override: Callable[[], Settings] | None = getattr(app, "dependency_overrides", {}).get(get_settings)
    if override is not None:
        return override()
    settings = getattr(app.state, "settings", None)
    return settings if isinstance(settings, Settings) else environment_settings()


def _session_factory(app: Any, request: Request, settings: Settings) -> sessionmaker[Session]:
    """The application's session factory, honouring a test's override (which takes no arguments)."""
    overrides = getattr(app, "dependency_overrides", {})
    override = overrides.get(get_session_factory)
    if override is not None:
        factory: sessionmaker[Session] = override()
        return factory
    return get_session_factory(request, settings)


def _cookie_secret(factory: sessionmaker[Session]) -> bytes:
    with factory() as session:
        # The data key never leaves the protector; an HMAC of a fixed context under it is a key of its own.
        return bytes.fromhex(protector_for(session).digest(_SECRET_CONTEXT))


def _prepare(app: Any, request: Request, settings: Settings, token: str | None) -> tuple[bytes, SignedIn | None]:
    """Runs in a worker thread: the database is synchronous."""
    factory = _session_factory(app, request, settings)
    secret: bytes | None = getattr(app.state, "cookie_secret", None)
    if secret is None:
        secret = _cookie_secret(factory)
        app.state.cookie_secret = secret
    visit = None
    if token:
        with session_scope(factory) as session:
            visit = load_session(session=session, token=token, policy=session_policy(settings))
    return secret, visit


def _sets_cookie(headers: MutableHeaders, name: str) -> bool:
    prefix = f"{name}="
    return any(value.startswith(prefix) for value in headers.getlist("set-cookie"))


class SecurityMiddleware:
    """Pure ASGI (no response buffering): session, CSRF token and flashes in; headers and cookies out."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if path.startswith(STATIC_PREFIX):
            await self.app(scope, receive, self._headers_only(scope, send))
            return
        application = scope.get("app")
        request = Request(scope)
        settings = app_settings(application)
        token = request.cookies.get(SESSION_COOKIE) or None
        cached: bytes | None = getattr(getattr(application, "state", None), "cookie_secret", None)
        if token is None and cached is not None:
            secret, visit = cached, None
        else:
            secret, visit = await run_in_threadpool(_prepare, application, request, settings, token)

        state = scope.setdefault("state", {})
        state["signed_in"] = visit
        state["user"] = visit.user if visit is not None else None
        new_csrf: str | None = None
        if visit is not None:
            state["csrf_token"] = visit.csrf_token
        else:
            anonymous = unsigned(secret, request.cookies.get(CSRF_COOKIE))
            if anonymous is None:
                anonymous = new_csrf = secrets.token_urlsafe(32)
            state["csrf_token"] = anonymous
        incoming = _decode_flashes(secret, request.cookies.get(FLASH_COOKIE))
        had_flash_cookie = FLASH_COOKIE in request.cookies
        state["flashes"] = incoming
        state["pending_flashes"] = []
        stale_session = token is not None and visit is None

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                _add_security_headers(headers, path, settings)
                if visit is not None and "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
                status: int = message["status"]
                # Cookies the route set itself (log-in, log-out) win over the middleware's housekeeping.
                if stale_session and not _sets_cookie(headers, SESSION_COOKIE):
                    for value in _cookie_headers(settings, SESSION_COOKIE, None):
                        headers.append("set-cookie", value)
                if new_csrf is not None and not _sets_cookie(headers, CSRF_COOKIE):
                    for value in _cookie_headers(settings, CSRF_COOKIE, signed(secret, new_csrf)):
                        headers.append("set-cookie", value)
                shown = not (300 <= status < 400) and headers.get("content-type", "").startswith("text/html")
                carry = list(state.get("pending_flashes", ())) if shown else incoming + list(
                    state.get("pending_flashes", ()))
                if carry:
                    cookie = _encode_flashes(secret, carry)
                    if cookie is not None:
                        for value in _cookie_headers(settings, FLASH_COOKIE, cookie, max_age=FLASH_SECONDS):
                            headers.append("set-cookie", value)
                elif had_flash_cookie and shown:
                    for value in _cookie_headers(settings, FLASH_COOKIE, None):
                        headers.append("set-cookie", value)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _headers_only(scope: Scope, send: Send) -> Send:
        path: str = scope.get("path", "")
        settings = app_settings(scope.get("app"))

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                _add_security_headers(MutableHeaders(scope=message), path, settings)
            await send(message)

        return wrapped


def _add_security_headers(headers: MutableHeaders, path: str, settings: Settings) -> None:
    if "content-security-policy" not in headers:
        headers["Content-Security-Policy"] = DOCS_CONTENT_SECURITY_POLICY if path in DOCS_PATHS \
            else CONTENT_SECURITY_POLICY
    for name, value in SECURITY_HEADERS.items():
        if name.lower() not in headers:
            headers[name] = value
    if settings.cookie_secure and "strict-transport-security" not in headers:
        headers["Strict-Transport-Security"] = "max-age=31536000"


def install(app: FastAPI) -> None:
    """Add the security middleware (once) to ``app``; call it before the application serves requests."""
    if installed(app):
        return
    app.add_middleware(SecurityMiddleware)


def installed(app: FastAPI) -> bool:
    """Whether :func:`install` was called on ``app``."""
    middleware: list[Any] = list(app.user_middleware)
    return any(getattr(m, "cls", None) is SecurityMiddleware for m in middleware)


# --- dependencies -----------------------------------------------------------------------------------------


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def optional_user(
    session: SessionDep, visit: Annotated[SignedIn | None, Depends(signed_in)]
) -> User | None:
    """The signed-in user or None; the request's database session records them as the actor."""
    if visit is None:
        return None
    session.info["actor"] = visit.user.actor
    return visit.user


OptionalUser = Annotated[User | None, Depends(optional_user)]


def login_url(request: Request) -> str:
    """/login?next=<this page> — where a page sends a visitor who is not signed in."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login?next=" + quote(target, safe="/")


def require_user(request: Request, user: OptionalUser) -> User:
    """The signed-in user; pages send anyone else to the log-in (303), ``/api`` answers 401."""
    if user is None:
        if _is_api(request):
            raise HTTPException(401, "请先登录：没有有效的登录会话（可能已超时或已退出）")
        raise HTTPException(303, headers={"Location": login_url(request)})
    return user


CurrentUser = Annotated[User, Depends(require_user)]


def require_roles(*roles: Role) -> Callable[[User], User]:
    """A dependency returning the signed-in user if they hold any of ``roles`` (403 otherwise)::

        head: Annotated[User, Depends(require_roles(Role.HEAD))]
    """
    if not roles:
        raise ValueError("require_roles needs at least one role")
    needed = "、".join(r.label for r in roles)

    def dependency(user: CurrentUser) -> User:
        if not user.has(*roles):
            raise HTTPException(403, f"本账号没有办理此事项的权限（需要{needed}角色）")
        return user

    return dependency


def _agency(session: Session, agency_id: int) -> Agency:
    try:
        return get_agency(session=session, agency_id=agency_id)
    except NotFound as exc:
        raise AgencyNotFound(agency_id) from exc


def readable_agency(agency_id: AgencyId, session: SessionDep, user: CurrentUser) -> Agency:
    """The agency of the path if the user may read it (its staff, its oversight, the system administrator);
    404 for everyone else, the same answer as for an agency that does not exist."""
    if not user.may_read(agency_id):
        raise AgencyNotFound(agency_id)
    return _agency(session, agency_id)


def staff_agency(agency_id: AgencyId, session: SessionDep, user: CurrentUser) -> Agency:
    """The agency of the path if the user works there (may change its records); 404 for everyone else."""
    if not user.works_for(agency_id):
        raise AgencyNotFound(agency_id)
    return _agency(session, agency_id)


ReadableAgency = Annotated[Agency, Depends(readable_agency)]
StaffAgency = Annotated[Agency, Depends(staff_agency)]

CSRF_REFUSED = "表单已失效或来源不明（缺少或错误的安全令牌），本次操作未执行。请返回上一页，刷新后重新提交。"


async def verify_csrf(request: Request) -> None:
    """On POST, PUT, PATCH and DELETE: the form field ``csrf_token`` (or the ``X-CSRF-Token`` header) must equal
    the request's token — the session's for a signed-in user, the signed cookie's for a visitor (403)."""
    if request.method not in UNSAFE_METHODS:
        return
    expected: str = getattr(request.state, "csrf_token", "") or ""
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else ""
    if not expected or not hmac.compare_digest(sent.encode("utf-8", "replace"), expected.encode("utf-8")):
        raise HTTPException(403, CSRF_REFUSED)


def flash(request: Request, text: str, kind: FlashKind = "ok") -> None:
    """A one-off message shown on the next page rendered (it survives the redirect of Post/Redirect/Get)."""
    pending = getattr(request.state, "pending_flashes", None)
    if pending is None:
        raise RuntimeError("flash() needs the security middleware: call gongkai.web.security.install(app)")
    pending.append(Flash(text=text, kind=kind))


__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "FLASH_COOKIE",
    "SESSION_COOKIE",
    "CurrentUser",
    "Flash",
    "OptionalUser",
    "ReadableAgency",
    "SecurityMiddleware",
    "StaffAgency",
    "app_settings",
    "clear_session_cookie",
    "flash",
    "install",
    "installed",
    "login_url",
    "optional_user",
    "readable_agency",
    "require_roles",
    "require_user",
    "set_session_cookie",
    "signed",
    "staff_agency",
    "unsigned",
    "verify_csrf",
]
