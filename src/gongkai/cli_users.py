"""``gongkai user | audit``: accounts of the web desk and the audit log from the command line. Typer sub-apps,
mounted by ``gongkai.cli`` with::

    from gongkai.cli_users import audit_app, user_app
    app.add_typer(user_app, name="user")
    app.add_typer(audit_app, name="audit")

The first system administrator of an installation is made here (``gongkai user add admin --name 管理员 --role
system_admin``); everything else can then be done in the web desk's administration pages as well.

Passwords are never arguments (they would stay in the shell history and show in the process list): they are
asked for twice at a prompt, or read from the first line of standard input with ``--password-stdin``. Changes
made here are recorded in the audit log as ``cli:<operating-system user>``. Errors print one line ``错误：…`` and
exit with code 2.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gongkai.cli_apps import fail, guard, make_typer, resolve_agency
from gongkai.cli_store import DbOption

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from gongkai.accounts.roles import Role

user_app = make_typer("网上工作台的用户账号：新建、列出、设置密码、停用。")
audit_app = make_typer("审计日志：谁在何时修改了什么。")

PasswordStdin = Annotated[bool, typer.Option("--password-stdin", help="从标准输入的第一行读取密码（供脚本使用）")]
UsernameArg = Annotated[str, typer.Argument(help="用户名")]
ROLE_HELP = "角色（可重复）：clerk 承办人、reviewer 审核人、head 负责人、agency_admin 机构管理员、oversight 监督、system_admin 系统管理员"
DIFF_WIDTH = 120


@contextmanager
def _session(db: str | None) -> Iterator[Session]:
    """A unit of work on ``--db``, migrated first, whose changes the audit log records as this OS user's."""
    from gongkai.store import make_engine, session_factory, session_scope, upgrade
    from gongkai.store.audit import cli_actor

    engine = make_engine(db)
    upgrade(engine)
    try:
        with session_scope(session_factory(engine), actor=cli_actor()) as session:
            yield session
    finally:
        engine.dispose()


def _role(text: str) -> Role:
    """A role by its key (``clerk``) or its Chinese label (``承办人``)."""
    from gongkai.accounts.roles import Role

    cleaned = text.strip()
    for role in Role:
        if cleaned in (role.value, role.label):
            return role
    choices = "、".join(f"{r.value}（{r.label}）" for r in Role)
    raise fail(f"角色“{text}”无效；可选：{choices}")


def _password(from_stdin: bool, *, prompt: str = "密码") -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise fail("标准输入中没有密码（应为第一行）")
        return password
    if not sys.stdin.isatty():
        raise fail("没有终端可以输入密码：请在终端中运行，或使用 --password-stdin 从标准输入读取")
    value: str = typer.prompt(prompt, hide_input=True, confirmation_prompt=f"再次输入{prompt}")
    return value


def _account_id(session: Session, username: str) -> int:
    from gongkai.accounts.users import find_account

    account = find_account(session=session, username=username)
    if account is None:
        raise fail(f"没有用户名为“{username}”的账号")
    return account.id


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


@user_app.callback()
def _user_group() -> None:
    """网上工作台的用户账号：新建、列出、设置密码、停用。"""


@user_app.command("add")
def user_add(
    username: UsernameArg,
    name: Annotated[str, typer.Option("--name", help="姓名（记录中作为经办人显示）")],
    role: Annotated[list[str], typer.Option("--role", help=ROLE_HELP)],
    agency: Annotated[str | None, typer.Option("--agency", "-a", help="所属机关名称或编号（机关工作人员必填）")] = None,
    supervise: Annotated[list[str] | None, typer.Option("--supervise", help="监督账号所监督的机关名称或编号（可重复）")] = None,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
) -> None:
    """新建账号。示例：

        gongkai user add admin --name 钱系统 --role system_admin
        gongkai user add zhoumin --name 周敏 --role clerk --role reviewer --agency 青溪县吴村镇人民政府
        echo "$PASSWORD" | gongkai user add jiandu --name 郑监督 --role oversight --supervise 1 --supervise 2 --password-stdin
    """
    from gongkai.accounts.users import create_user

    roles = [_role(r) for r in role]
    password = _password(password_stdin)
    with guard(), _session(db) as session:
        agency_id = resolve_agency(session, agency) if agency is not None else None
        supervised = [resolve_agency(session, a) for a in supervise or []]
        account = create_user(session=session, username=username, name=name, password=password, roles=roles,
                              agency_id=agency_id, supervised=supervised)
    sys.stdout.write(f"已新建账号 {account.username}（{account.name}，{account.role_labels}，编号 {account.id}）\n")


@user_app.command("list")
def user_list(
    agency: Annotated[str | None, typer.Option("--agency", "-a", help="只列出该机关的账号（名称或编号）")] = None,
    db: DbOption = None,
) -> None:
    """列出账号（不显示密码）。示例：

        gongkai user list --agency 青溪县吴村镇人民政府
    """
    from rich import box
    from rich.table import Table

    from gongkai.accounts.users import list_users
    from gongkai.ledger import list_agencies

    with guard(), _session(db) as session:
        agency_id = resolve_agency(session, agency) if agency is not None else None
        accounts = list_users(session=session, agency_id=agency_id)
        names = {a.id: a.name for a in list_agencies(session=session)}
    table = Table(box=box.SIMPLE, title=f"账号（{len(accounts)} 个）", title_justify="left")
    for header in ("用户名", "姓名", "角色", "所属机关", "监督的机关", "状态"):
        table.add_column(header)
    for a in accounts:
        table.add_row(
            a.username, a.name, a.role_labels,
            names.get(a.agency_id, str(a.agency_id)) if a.agency_id is not None else "—",
            "、".join(names.get(i, str(i)) for i in sorted(a.supervised)) or "—",
            "在用" if a.active else "已停用",
        )
    _console().print(table)


@user_app.command("passwd")
def user_passwd(username: UsernameArg, password_stdin: PasswordStdin = False, db: DbOption = None) -> None:
    """为账号设置新密码；该账号已登录的会话全部结束。示例：

        gongkai user passwd zhoumin
    """
    from gongkai.accounts.users import set_password

    password = _password(password_stdin, prompt="新密码")
    with guard(), _session(db) as session:
        account = set_password(session=session, user_id=_account_id(session, username), password=password)
    sys.stdout.write(f"已为 {account.username} 设置新密码；其已登录的会话已结束\n")


@user_app.command("deactivate")
def user_deactivate(username: UsernameArg, db: DbOption = None) -> None:
    """停用账号：不能再登录，已登录的会话立即结束；其经办的记录保留。示例：

        gongkai user deactivate zhoumin
    """
    from gongkai.accounts.users import deactivate

    with guard(), _session(db) as session:
        account = deactivate(session=session, user_id=_account_id(session, username))
    sys.stdout.write(f"已停用账号 {account.username}（{account.name}）\n")


@user_app.command("reactivate")
def user_reactivate(username: UsernameArg, db: DbOption = None) -> None:
    """重新启用已停用的账号。示例：

        gongkai user reactivate zhoumin
    """
    from gongkai.accounts.users import reactivate

    with guard(), _session(db) as session:
        account = reactivate(session=session, user_id=_account_id(session, username))
    sys.stdout.write(f"已重新启用账号 {account.username}（{account.name}）\n")


def _summary(entry: Any) -> str:
    """The entry in one cell: the note, or the changed columns ``字段：前 → 后`` (shortened)."""
    if entry.note:
        return str(entry.note)
    from gongkai.accounts.audit import shown

    parts = []
    for c in entry.changes:
        if c.added:
            parts.append(f"{c.label}：{shown(c.after)}")
        elif c.removed:
            parts.append(f"{c.label}：{shown(c.before)}")
        else:
            parts.append(f"{c.label}：{shown(c.before)} → {shown(c.after)}")
    text = "；".join(parts)
    return text if len(text) <= DIFF_WIDTH else text[: DIFF_WIDTH - 1] + "…"


@audit_app.callback()
def _audit_group() -> None:
    """审计日志：谁在何时修改了什么。"""


@audit_app.command("list")
def audit_list(
    agency: Annotated[str | None, typer.Option("--agency", "-a", help="只列出该机关的记录（名称或编号）")] = None,
    since: Annotated[str | None, typer.Option("--since", help="起始日期 YYYY-MM-DD（北京时间，含当日）")] = None,
    until: Annotated[str | None, typer.Option("--until", help="截止日期 YYYY-MM-DD（北京时间，含当日）")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="操作人（姓名或用户名的一部分）")] = None,
    entity: Annotated[str | None, typer.Option("--entity", help="对象（表名，如 applications、users）")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=200, help="最多列出的条数（最新的在前）")] = 50,
    db: DbOption = None,
) -> None:
    """列出审计日志，最新的在前；个人信息显示为“（已加密）”，密码为“（已隐去）”。示例：

        gongkai audit list --agency 青溪县吴村镇人民政府 --since 2025-10-01 --limit 20
    """
    from rich import box
    from rich.table import Table

    from gongkai.accounts.audit import list_audit

    first = _date(since, "起始日期")
    last = _date(until, "截止日期")
    with guard(), _session(db) as session:
        agency_id = resolve_agency(session, agency) if agency is not None else None
        page = list_audit(session=session, agency_id=agency_id, actor=actor, entity=entity, since=first, until=last,
                          per_page=limit)
    table = Table(box=box.SIMPLE, title=f"审计日志（共 {page.total} 条，列出最新 {len(page.entries)} 条）",
                  title_justify="left")
    for header in ("时间（北京）", "操作人", "操作", "对象", "机关", "内容"):
        table.add_column(header, overflow="fold")
    for e in page.entries:
        table.add_row(f"{e.at_china:%Y-%m-%d %H:%M:%S}", e.actor, e.action_label,
                      f"{e.entity_label} #{e.entity_id}" if e.entity_id else e.entity_label,
                      "" if e.agency_id is None else str(e.agency_id), _summary(e))
    _console().print(table)


def _date(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise fail(f"{what}“{text}”不是有效日期（格式 YYYY-MM-DD）") from None


__all__ = ["audit_app", "user_app"]
