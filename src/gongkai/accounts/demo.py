"""Demo accounts for ``gongkai serve`` with the demo ledger: four staff per agency, an oversight office that
supervises all of them, and a system administrator — all with one password the command prints.

For agency *i* (1-based, in the order given): ``clerk{i}`` 承办人, ``reviewer{i}`` 审核人, ``head{i}`` 负责人,
``admin{i}`` 机构管理员; then ``oversight`` (监督, every agency given) and ``sysadmin`` (系统管理员).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from gongkai.accounts.roles import Role
from gongkai.accounts.users import create_user, find_account

SURNAMES = "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗"
STAFF = (("clerk", Role.CLERK, "承办"), ("reviewer", Role.REVIEWER, "审核"), ("head", Role.HEAD, "主任"),
         ("admin", Role.AGENCY_ADMIN, "管理"))


def demo_accounts(agency_ids: Sequence[int]) -> list[tuple[str, str, frozenset[Role], int | None]]:
    """(username, display name, roles, agency) of every demo account, in creation order."""
    accounts: list[tuple[str, str, frozenset[Role], int | None]] = []
    for number, agency_id in enumerate(agency_ids, start=1):
        for offset, (prefix, role, title) in enumerate(STAFF):
            surname = SURNAMES[((number - 1) * len(STAFF) + offset) % len(SURNAMES)]
            accounts.append((f"{prefix}{number}", f"{surname}{title}", frozenset({role}), agency_id))
    accounts.append(("oversight", "郑监督", frozenset({Role.OVERSIGHT}), None))
    accounts.append(("sysadmin", "钱系统", frozenset({Role.SYSTEM_ADMIN}), None))
    return accounts


def load_demo_users(*, session: Session, agency_ids: Sequence[int], password: str) -> list[str]:
    """Create the demo accounts that do not exist yet; the usernames created (running it twice adds none)."""
    created: list[str] = []
    for username, name, roles, agency_id in demo_accounts(agency_ids):
        if find_account(session=session, username=username) is not None:
            continue
        supervised = tuple(agency_ids) if Role.OVERSIGHT in roles else ()
        create_user(session=session, username=username, name=name, password=password, roles=roles,
                    agency_id=agency_id, supervised=supervised)
        created.append(username)
    return created


__all__ = ["demo_accounts", "load_demo_users"]
