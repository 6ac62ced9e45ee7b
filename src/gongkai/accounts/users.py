"""User accounts: create, authenticate, change password, roles, supervision, deactivate, list.

Plain functions with a keyword-only ``session`` like the ledger's; they return frozen :class:`Account` objects
(the administrator's view of an account) or the :class:`~gongkai.accounts.roles.User` that is signed in. The
rules of who holds which role:

* the four staff roles (承办人, 审核人, 负责人, 机构管理员) belong to exactly one agency;
* oversight (监督) and system administrator (系统管理员) accounts belong to no agency; an oversight account reads
  the agencies it is given to supervise;
* there is always at least one active system administrator, so the installation cannot lock itself out.

Accounts are deactivated, never deleted: records name them as actors. Deactivating an account, or setting a
new password for it, ends its signed-in sessions at once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from gongkai.accounts.passwords import WeakPassword, hash_password, rehash, verify_nothing, verify_password
from gongkai.accounts.roles import STAFF_ROLES, Role, User
from gongkai.ledger.common import agency_row
from gongkai.store.errors import InvalidRecord, NotFound
from gongkai.store.orm import utcnow
from gongkai.store.orm_accounts import SupervisionRow, UserRoleRow, UserRow, WebSessionRow

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
NAME_MAX = 100


@dataclass(frozen=True)
class Account:
    """An account as the administrator sees it (never the password hash)."""

    id: int
    username: str
    name: str
    roles: frozenset[Role]
    agency_id: int | None
    supervised: frozenset[int]
    active: bool
    created_at: datetime
    password_changed_at: datetime

    @property
    def user(self) -> User:
        return User(id=self.id, username=self.username, name=self.name, roles=self.roles,
                    agency_id=self.agency_id, supervised=self.supervised)

    @property
    def role_labels(self) -> str:
        """承办人、审核人 — the roles in the order of :class:`Role`."""
        return "、".join(r.label for r in Role if r in self.roles)


def normalise_username(username: str) -> str:
    """One spelling per account: full-width forms folded, surrounding spaces dropped, lower case."""
    return unicodedata.normalize("NFKC", username).strip().lower()


def _account(row: UserRow) -> Account:
    return Account(
        id=row.id,
        username=row.username,
        name=row.name,
        roles=frozenset(r.role for r in row.roles),
        agency_id=row.agency_id,
        supervised=frozenset(s.agency_id for s in row.supervisions),
        active=row.active,
        created_at=row.created_at,
        password_changed_at=row.password_changed_at,
    )


def user_of(row: UserRow) -> User:
    """The signed-in :class:`User` of an account row."""
    return _account(row).user


def _row(session: Session, user_id: int) -> UserRow:
    row = session.get(UserRow, user_id)
    if row is None:
        raise NotFound("用户", user_id)
    return row


def _check_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidRecord("须填写姓名")
    if len(cleaned) > NAME_MAX:
        raise InvalidRecord(f"姓名不能超过 {NAME_MAX} 个字符")
    return cleaned


def _check_roles(session: Session, roles: frozenset[Role], agency_id: int | None, supervised: frozenset[int]) -> None:
    if not roles:
        raise InvalidRecord("须至少选择一个角色")
    staff = roles & STAFF_ROLES
    if staff and agency_id is None:
        raise InvalidRecord("承办人、审核人、负责人和机构管理员须属于一个机关")
    if agency_id is not None and not staff:
        raise InvalidRecord("监督和系统管理员账号不属于某个机关；机关工作人员须有承办人、审核人、负责人或机构管理员角色")
    if agency_id is not None and roles - STAFF_ROLES:
        raise InvalidRecord("机关工作人员账号不能兼有监督或系统管理员角色，请另建账号")
    if supervised and Role.OVERSIGHT not in roles:
        raise InvalidRecord("只有监督账号可以指定所监督的机关")
    if agency_id is not None:
        agency_row(session, agency_id)
    for supervised_id in sorted(supervised):
        agency_row(session, supervised_id)


def _active_system_admins(session: Session) -> int:
    return session.scalar(
        select(func.count())
        .select_from(UserRow)
        .join(UserRoleRow, UserRoleRow.user_id == UserRow.id)
        .where(UserRow.active.is_(True), UserRoleRow.role == Role.SYSTEM_ADMIN)
    ) or 0


def _keep_a_system_admin(session: Session, row: UserRow, *, losing: bool) -> None:
    is_admin = row.active and any(r.role == Role.SYSTEM_ADMIN for r in row.roles)
    if losing and is_admin and _active_system_admins(session) <= 1:
        raise InvalidRecord("这是唯一在用的系统管理员账号，不能停用或去掉系统管理员角色；请先为另一账号授予该角色")


def end_sessions(*, session: Session, user_id: int, keep: str | None = None) -> int:
    """Sign the user out everywhere (except the session whose id is ``keep``); the number ended."""
    statement = delete(WebSessionRow).where(WebSessionRow.user_id == user_id)
    if keep is not None:
        statement = statement.where(WebSessionRow.id != keep)
    result = session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


def create_user(
    *,
    session: Session,
    username: str,
    name: str,
    password: str,
    roles: Iterable[Role],
    agency_id: int | None = None,
    supervised: Iterable[int] = (),
) -> Account:
    """A new active account. The username is normalised (lower case) and must be unused."""
    login = normalise_username(username)
    if not USERNAME.fullmatch(login):
        raise InvalidRecord("用户名须为 2–40 个小写字母、数字或 . _ -，并以字母或数字开头")
    role_set = frozenset(Role(r) for r in roles)
    supervised_set = frozenset(supervised)
    _check_roles(session, role_set, agency_id, supervised_set)
    if session.scalars(select(UserRow.id).where(UserRow.username == login)).first() is not None:
        raise InvalidRecord(f"用户名“{login}”已被使用")
    now = utcnow()
    row = UserRow(
        username=login,
        name=_check_name(name),
        password_hash=hash_password(password, username=login),
        agency_id=agency_id,
        active=True,
        created_at=now,
        password_changed_at=now,
    )
    row.roles = [UserRoleRow(role=r) for r in sorted(role_set)]
    row.supervisions = [SupervisionRow(agency_id=a) for a in sorted(supervised_set)]
    session.add(row)
    session.flush()
    return _account(row)


def get_account(*, session: Session, user_id: int) -> Account:
    return _account(_row(session, user_id))


def find_account(*, session: Session, username: str) -> Account | None:
    row = session.scalars(select(UserRow).where(UserRow.username == normalise_username(username))).one_or_none()
    return None if row is None else _account(row)


def list_users(*, session: Session, agency_id: int | None = None, active_only: bool = False) -> list[Account]:
    """Accounts by username; ``agency_id`` limits them to that agency's staff (an agency administrator's view)."""
    query = select(UserRow).order_by(UserRow.username)
    if agency_id is not None:
        query = query.where(UserRow.agency_id == agency_id)
    if active_only:
        query = query.where(UserRow.active.is_(True))
    return [_account(r) for r in session.scalars(query)]


def authenticate(*, session: Session, username: str, password: str) -> User | None:
    """The user whose username and password these are, or None. Unknown and deactivated accounts cost the same
    time as a wrong password; a hash made with older parameters is renewed on success."""
    login = normalise_username(username)
    row = session.scalars(select(UserRow).where(UserRow.username == login)).one_or_none() if login else None
    if row is None:
        verify_nothing(password)
        return None
    verified = verify_password(row.password_hash, password)
    if not verified.ok or not row.active:
        return None
    if verified.needs_rehash:
        row.password_hash = rehash(password)
        session.flush()
    return user_of(row)


def change_password(
    *, session: Session, user_id: int, current: str, new: str, keep_session: str | None = None
) -> None:
    """The user's own change: the current password must be right. Other signed-in sessions of the user end
    (``keep_session``, the id of the session making the change, stays)."""
    row = _row(session, user_id)
    if not verify_password(row.password_hash, current).ok:
        raise InvalidRecord("当前密码不正确")
    if new == current:
        raise WeakPassword("新密码不能与当前密码相同")
    row.password_hash = hash_password(new, username=row.username)
    row.password_changed_at = utcnow()
    session.flush()
    end_sessions(session=session, user_id=user_id, keep=keep_session)


def set_password(*, session: Session, user_id: int, password: str) -> Account:
    """An administrator sets a new password (the user forgot theirs): every session of the user ends."""
    row = _row(session, user_id)
    row.password_hash = hash_password(password, username=row.username)
    row.password_changed_at = utcnow()
    session.flush()
    end_sessions(session=session, user_id=user_id)
    return _account(row)


def rename_user(*, session: Session, user_id: int, name: str) -> Account:
    row = _row(session, user_id)
    row.name = _check_name(name)
    session.flush()
    return _account(row)


def set_roles(*, session: Session, user_id: int, roles: Iterable[Role], agency_id: int | None) -> Account:
    """Replace the account's roles and agency together (which roles are allowed depends on the agency).
    Supervised agencies are kept for an oversight account and dropped otherwise."""
    row = _row(session, user_id)
    role_set = frozenset(Role(r) for r in roles)
    supervised = frozenset(s.agency_id for s in row.supervisions) if Role.OVERSIGHT in role_set else frozenset()
    _check_roles(session, role_set, agency_id, supervised)
    _keep_a_system_admin(session, row, losing=Role.SYSTEM_ADMIN not in role_set)
    current = {r.role: r for r in row.roles}
    row.roles = [current.get(r) or UserRoleRow(role=r) for r in sorted(role_set)]
    if not supervised:
        row.supervisions = []
    row.agency_id = agency_id
    session.flush()
    return _account(row)


def set_supervised(*, session: Session, user_id: int, agency_ids: Iterable[int]) -> Account:
    """The agencies an oversight account reads (replaces the previous list)."""
    row = _row(session, user_id)
    wanted = frozenset(agency_ids)
    roles = frozenset(r.role for r in row.roles)
    _check_roles(session, roles, row.agency_id, wanted)
    current = {s.agency_id: s for s in row.supervisions}
    row.supervisions = [current.get(a) or SupervisionRow(agency_id=a) for a in sorted(wanted)]
    session.flush()
    return _account(row)


def deactivate(*, session: Session, user_id: int) -> Account:
    """The account can no longer sign in; its sessions end now."""
    row = _row(session, user_id)
    _keep_a_system_admin(session, row, losing=True)
    row.active = False
    session.flush()
    end_sessions(session=session, user_id=user_id)
    return _account(row)


def reactivate(*, session: Session, user_id: int) -> Account:
    row = _row(session, user_id)
    row.active = True
    session.flush()
    return _account(row)


__all__ = [
    "Account",
    "authenticate",
    "change_password",
    "create_user",
    "deactivate",
    "end_sessions",
    "find_account",
    "get_account",
    "list_users",
    "normalise_username",
    "reactivate",
    "rename_user",
    "set_password",
    "set_roles",
    "set_supervised",
    "user_of",
]
