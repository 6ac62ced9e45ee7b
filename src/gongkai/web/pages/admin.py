"""Pages: administration — accounts and roles, agencies, oversight assignments and the audit log.

Who administers what:

* the agency administrator (机构管理员) keeps the accounts of their own agency: creates them with the four staff
  roles, changes roles, deactivates and reactivates them, sets a new password; an account of another agency
  does not exist for them (404), and they read the audit log of their own agency only;
* the system administrator (系统管理员) does the same for every account (oversight and system administrators
  included), keeps the agencies, assigns agencies to oversight accounts and reads the whole audit log.

Each route calls the accounts or ledger function that does the work; the changes they make reach the audit log
through the request's session, which carries the signed-in user as the actor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from gongkai.accounts.audit import ENTITY_LABELS, audited_entities, list_audit
from gongkai.accounts.passwords import WeakPassword
from gongkai.accounts.roles import STAFF_ROLES, Role, User
from gongkai.accounts.users import (
    Account,
    create_user,
    deactivate,
    get_account,
    list_users,
    reactivate,
    set_password,
    set_roles,
    set_supervised,
)
from gongkai.api.deps import RowId, SessionDep
from gongkai.ledger import create_agency, list_agencies
from gongkai.ledger.domain import Agency
from gongkai.ledger.messages import problem
from gongkai.ledger.schemas import AgencyIn
from gongkai.store.errors import InvalidRecord, NotFound
from gongkai.store.vocab import AgencyKind
from gongkai.web.security import flash, require_roles, verify_csrf
from gongkai.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])

Administrator = Annotated[User, Depends(require_roles(Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN))]
SystemAdministrator = Annotated[User, Depends(require_roles(Role.SYSTEM_ADMIN))]
FormText = Annotated[str, Form()]
FormList = Annotated[list[str] | None, Form()]
Errors = dict[str, str]
T = TypeVar("T")
PER_PAGE = 50
AGENCY_FIELDS = {"name": "机关名称", "kind": "类别", "abbreviation": "简称", "region": "地区", "parent_id": "上级机关"}


# ---------------------------------------------------------------- helpers


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def _is_system(user: User) -> bool:
    return user.has(Role.SYSTEM_ADMIN)


def _assignable(user: User) -> list[Role]:
    """The roles this administrator may give: an agency administrator only the staff roles of their agency."""
    return list(Role) if _is_system(user) else [r for r in Role if r in STAFF_ROLES]


def _account(session: Session, user: User, user_id: int) -> Account:
    """The account if this administrator keeps it; another agency's account does not exist for them."""
    account = get_account(session=session, user_id=user_id)
    if not _is_system(user) and (account.agency_id is None or account.agency_id != user.agency_id):
        raise NotFound("用户", user_id)
    return account


def _roles(user: User, values: list[str] | None) -> tuple[list[Role], str | None]:
    """The ticked roles, or the message when one is unknown or not this administrator's to give."""
    allowed = _assignable(user)
    chosen: list[Role] = []
    for value in values or []:
        try:
            role = Role(value)
        except ValueError:
            return [], f"「角色」“{value}”无效"
        if role not in allowed:
            return [], f"「角色」机构管理员不能授予“{role.label}”角色"
        chosen.append(role)
    return chosen, None


def _agency_choice(user: User, value: str) -> tuple[int | None, str | None]:
    """The agency of a new or changed account: the administrator's own for an agency administrator; the one
    chosen (or none, for oversight and system accounts) for the system administrator."""
    if not _is_system(user):
        return user.agency_id, None
    if not value.strip():
        return None, None
    if not value.strip().isdigit():
        return None, "「所属机关」无效"
    return int(value), None


def _refusal_field(exc: InvalidRecord) -> str:
    """Which field a refusal of the accounts functions is about, to show it beside that field."""
    text = str(exc)
    if isinstance(exc, WeakPassword):
        return "password"
    if text.startswith("用户名"):
        return "username"
    if text.startswith("须填写姓名") or text.startswith("姓名"):
        return "name"
    return "roles"


def _attempt(
    session: Session,
    errors: Errors,
    call: Callable[[], T],
    *,
    refused: str | Callable[[InvalidRecord], str],
    missing: tuple[str, str] | None = None,
) -> T | None:
    """Run a ledger or accounts function for a form; when it refuses, undo what this request staged and put
    the refusal beside the field it is about (``refused``: the field, or how to tell it from the refusal;
    ``missing``: the field and message when a chosen record does not exist). None when it refused."""
    try:
        return call()
    except NotFound:
        if missing is None:
            raise
        session.rollback()
        errors[missing[0]] = missing[1]
    except InvalidRecord as exc:
        session.rollback()
        errors[refused if isinstance(refused, str) else refused(exc)] = str(exc)
    return None


def _scope(user: User, asked: str | None) -> int | None:
    """Whose accounts and log entries a page shows: the agency asked for (or all) to the system
    administrator; their own agency to an agency administrator, whatever the query asks."""
    if not _is_system(user):
        return user.agency_id
    return int(asked) if asked and asked.isdigit() else None


def _agency_names(session: Session) -> dict[int, str]:
    return {a.id: a.name for a in list_agencies(session=session)}


def _role_choices(user: User) -> list[tuple[str, str]]:
    return [(r.value, r.label) for r in _assignable(user)]


def _date_param(text: str | None, label: str, errors: Errors, name: str) -> date | None:
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        errors[name] = f"「{label}」应为“年-月-日”格式的日期，例如 2025-10-23"
        return None


# ---------------------------------------------------------------- overview


@router.get("/admin/")
def overview(request: Request, user: Administrator, session: SessionDep) -> Response:
    scope = None if _is_system(user) else user.agency_id
    accounts = list_users(session=session, agency_id=scope)
    recent = list_audit(session=session, agency_id=scope, per_page=10)
    return render(request, "admin/index.html", {
        "here": "overview",
        "is_system": _is_system(user),
        "accounts": len(accounts),
        "active_accounts": sum(1 for a in accounts if a.active),
        "agencies": _agency_names(session),
        "recent": recent,
    })


# ---------------------------------------------------------------- accounts


@router.get("/admin/users")
def users(
    request: Request, user: Administrator, session: SessionDep,
    agency: Annotated[str | None, Query(max_length=12)] = None,
) -> Response:
    names = _agency_names(session)
    chosen = _scope(user, agency)
    accounts = list_users(session=session, agency_id=chosen)
    return render(request, "admin/users.html", {
        "here": "users", "is_system": _is_system(user), "accounts": accounts, "agencies": names,
        "agency": chosen,
    })


def _new_user_page(
    request: Request, session: Session, user: User, *, errors: Errors | None = None,
    form: Mapping[str, Any] | None = None,
) -> Response:
    return render(request, "admin/user_new.html", {
        "here": "users",
        "is_system": _is_system(user),
        "role_choices": _role_choices(user),
        "agencies": _agency_names(session),
        "own_agency": None if user.agency_id is None else _agency_names(session).get(user.agency_id),
        "errors": errors or {},
        "form": form or {"roles": [Role.CLERK.value], "agency": str(user.agency_id or "")},
    }, status_code=422 if errors else 200)


@router.get("/admin/users/new")
def user_new(request: Request, user: Administrator, session: SessionDep) -> Response:
    return _new_user_page(request, session, user)


@router.post("/admin/users")
def user_create(
    request: Request, user: Administrator, session: SessionDep,
    username: FormText = "", name: FormText = "", password: FormText = "", password2: FormText = "",
    agency: FormText = "", roles: FormList = None,
) -> Response:
    form = {"username": username, "name": name, "agency": agency, "roles": roles or []}
    errors: Errors = {}
    chosen, role_error = _roles(user, roles)
    if role_error:
        errors["roles"] = role_error
    agency_id, agency_error = _agency_choice(user, agency)
    if agency_error:
        errors["agency"] = agency_error
    if password != password2:
        errors["password2"] = "「确认密码」与密码不一致"
    if not errors:
        account = _attempt(
            session, errors,
            lambda: create_user(session=session, username=username, name=name, password=password, roles=chosen,
                                agency_id=agency_id),
            refused=_refusal_field, missing=("agency", "「所属机关」不存在"),
        )
        if account is not None:
            flash(request, f"已创建账号“{account.username}”（{account.name}，{account.role_labels}）")
            return _redirect(f"/admin/users/{account.id}")
    return _new_user_page(request, session, user, errors=errors, form=form)


def _user_page(
    request: Request, session: Session, user: User, account: Account, *, errors: Errors | None = None,
    form: Mapping[str, Any] | None = None,
) -> Response:
    return render(request, "admin/user.html", {
        "here": "users",
        "is_system": _is_system(user),
        "account": account,
        "is_self": account.id == user.id,
        "role_choices": _role_choices(user),
        "agencies": _agency_names(session),
        "errors": errors or {},
        "form": form or {"roles": [r.value for r in account.roles], "agency": str(account.agency_id or "")},
    }, status_code=422 if errors else 200)


@router.get("/admin/users/{user_id}")
def user_page(request: Request, user_id: RowId, user: Administrator, session: SessionDep) -> Response:
    return _user_page(request, session, user, _account(session, user, user_id))


@router.post("/admin/users/{user_id}/roles")
def user_roles(
    request: Request, user_id: RowId, user: Administrator, session: SessionDep,
    agency: FormText = "", roles: FormList = None,
) -> Response:
    account = _account(session, user, user_id)
    form = {"roles": roles or [], "agency": agency}
    errors: Errors = {}
    chosen, role_error = _roles(user, roles)
    if role_error:
        errors["roles"] = role_error
    agency_id, agency_error = _agency_choice(user, agency)
    if agency_error:
        errors["agency"] = agency_error
    if not errors:
        changed = _attempt(
            session, errors,
            lambda: set_roles(session=session, user_id=account.id, roles=chosen, agency_id=agency_id),
            refused="roles", missing=("agency", "「所属机关」不存在"),
        )
        if changed is not None:
            flash(request, f"已修改“{changed.username}”的角色：{changed.role_labels}")
            return _redirect(f"/admin/users/{changed.id}")
    return _user_page(request, session, user, account, errors=errors, form=form)


@router.post("/admin/users/{user_id}/deactivate")
def user_deactivate(request: Request, user_id: RowId, user: Administrator, session: SessionDep) -> Response:
    account = _account(session, user, user_id)
    if account.id == user.id:
        flash(request, "不能停用自己正在使用的账号", "error")
        return _redirect(f"/admin/users/{account.id}")
    try:
        changed = deactivate(session=session, user_id=account.id)
    except InvalidRecord as exc:
        session.rollback()
        flash(request, str(exc), "error")
    else:
        flash(request, f"已停用账号“{changed.username}”：该账号不能再登录，已登录的会话已结束")
    return _redirect(f"/admin/users/{account.id}")


@router.post("/admin/users/{user_id}/reactivate")
def user_reactivate(request: Request, user_id: RowId, user: Administrator, session: SessionDep) -> Response:
    account = _account(session, user, user_id)
    changed = reactivate(session=session, user_id=account.id)
    flash(request, f"已重新启用账号“{changed.username}”")
    return _redirect(f"/admin/users/{account.id}")


@router.post("/admin/users/{user_id}/password")
def user_password(
    request: Request, user_id: RowId, user: Administrator, session: SessionDep,
    password: FormText = "", password2: FormText = "",
) -> Response:
    account = _account(session, user, user_id)
    errors: Errors = {}
    if password != password2:
        errors["password2"] = "「确认密码」与新密码不一致"
    else:
        if _attempt(
            session, errors, lambda: set_password(session=session, user_id=account.id, password=password),
            refused="password",
        ) is not None:
            flash(request, f"已为“{account.username}”设置新密码；该账号已登录的会话已结束，请把新密码当面或电话告知本人")
            return _redirect(f"/admin/users/{account.id}")
    return _user_page(request, session, user, account, errors=errors)


# ---------------------------------------------------------------- agencies (system administrator)


def _agencies_page(
    request: Request, session: Session, *, errors: Errors | None = None, form: Mapping[str, str] | None = None,
) -> Response:
    agencies: list[Agency] = list_agencies(session=session)
    return render(request, "admin/agencies.html", {
        "here": "agencies",
        "is_system": True,
        "agencies": agencies,
        "names": {a.id: a.name for a in agencies},
        "kinds": [(k.value, k.label) for k in AgencyKind],
        "errors": errors or {},
        "form": form or {},
    }, status_code=422 if errors else 200)


@router.get("/admin/agencies")
def agencies(request: Request, user: SystemAdministrator, session: SessionDep) -> Response:
    return _agencies_page(request, session)


@router.post("/admin/agencies")
def agency_create(
    request: Request, user: SystemAdministrator, session: SessionDep,
    name: FormText = "", kind: FormText = "", abbreviation: FormText = "", region: FormText = "",
    parent: FormText = "",
) -> Response:
    form = {"name": name, "kind": kind, "abbreviation": abbreviation, "region": region, "parent": parent}
    values = {"name": name, "kind": kind, "abbreviation": abbreviation.strip() or None,
              "region": region.strip() or None, "parent_id": parent.strip() or None}
    errors: Errors = {}
    try:
        data = AgencyIn.model_validate(values)
    except ValidationError as exc:
        for err in exc.errors():
            key = str(err["loc"][0]) if err.get("loc") else "name"
            field = "parent" if key == "parent_id" else key
            errors.setdefault(field, f"「{AGENCY_FIELDS.get(key, key)}」{problem(err)}")
    else:
        created = _attempt(
            session, errors, lambda: create_agency(session=session, data=data),
            refused="name", missing=("parent", "「上级机关」不存在"),
        )
        if created is not None:
            flash(request, f"已新建机关“{created.name}”（编号 {created.id}）")
            return _redirect("/admin/agencies")
    return _agencies_page(request, session, errors=errors, form=form)


# ---------------------------------------------------------------- oversight assignments (system administrator)


@router.get("/admin/supervision")
def supervision(request: Request, user: SystemAdministrator, session: SessionDep) -> Response:
    overseers = [a for a in list_users(session=session) if Role.OVERSIGHT in a.roles]
    return render(request, "admin/supervision.html", {
        "here": "supervision", "is_system": True, "overseers": overseers,
        "agencies": list_agencies(session=session),
    })


@router.post("/admin/supervision/{user_id}")
def supervision_set(
    request: Request, user_id: RowId, user: SystemAdministrator, session: SessionDep,
    agencies: FormList = None,
) -> Response:
    ids: list[int] = []
    for value in agencies or []:
        if not value.isdigit():
            raise HTTPException(status_code=422, detail=f"机关编号“{value}”无效")
        ids.append(int(value))
    try:
        changed = set_supervised(session=session, user_id=user_id, agency_ids=ids)
    except InvalidRecord as exc:
        session.rollback()
        flash(request, str(exc), "error")
    else:
        flash(request, f"已更新“{changed.username}”监督的机关：{len(changed.supervised)} 个")
    return _redirect("/admin/supervision")


# ---------------------------------------------------------------- the audit log


@router.get("/admin/audit")
def audit(
    request: Request, user: Administrator, session: SessionDep,
    actor: Annotated[str | None, Query(max_length=200)] = None,
    entity: Annotated[str | None, Query(max_length=60)] = None,
    since: Annotated[str | None, Query(max_length=20)] = None,
    until: Annotated[str | None, Query(max_length=20)] = None,
    agency: Annotated[str | None, Query(max_length=12)] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    errors: Errors = {}
    first = _date_param(since, "起始日期", errors, "since")
    last = _date_param(until, "截止日期", errors, "until")
    if first is not None and last is not None and last < first:
        errors["until"] = "「截止日期」不能早于起始日期"
    scope = _scope(user, agency)
    filters = {"actor": (actor or "").strip(), "entity": entity or "", "since": since or "", "until": until or "",
               "agency": str(scope) if scope is not None and _is_system(user) else ""}
    result = None
    if not errors:
        result = list_audit(session=session, agency_id=scope, actor=filters["actor"] or None,
                            entity=entity or None, since=first, until=last, page=page, per_page=PER_PAGE)
    entities = audited_entities(session=session, agency_id=scope)
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(request, "admin/audit.html", {
        "here": "audit",
        "is_system": _is_system(user),
        "result": result,
        "filters": filters,
        "query": query,
        "entities": [(e, ENTITY_LABELS.get(e, e)) for e in entities],
        "agencies": _agency_names(session),
        "errors": errors,
    }, status_code=422 if errors else 200)


__all__ = ["router"]
