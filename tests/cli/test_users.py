"""``gongkai user`` and ``gongkai audit`` as the lead mounts them: accounts made, listed, given a new password
and deactivated from the command line, each change in the audit log as ``cli:<os user>``; exact errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from argon2 import PasswordHasher
from typer.testing import CliRunner

from gongkai.accounts import passwords
from gongkai.accounts.audit import list_audit
from gongkai.accounts.users import authenticate, find_account
from gongkai.cli_apps import agency_app
from gongkai.cli_users import audit_app, user_app
from gongkai.store import make_engine, session_scope
from gongkai.store.audit import cli_actor
from gongkai.store.orm_audit import AuditAction

PASSWORD = "qingxi-cli-2025"


def _app() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(agency_app, name="agency")
    app.add_typer(user_app, name="user")
    app.add_typer(audit_app, name="audit")
    return app


APP = _app()


@pytest.fixture(autouse=True)
def fast_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    for name, abbr in (("青溪县吴村镇人民政府", "吴村"), ("青溪县市场监督管理局", "青溪市监")):
        code, _, err = run(url, "agency", "add", name, "--kind", "乡镇", "--abbr", abbr)
        assert code == 0, err
    return url


def run(db: str, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(APP, [*args, "--db", db], input=stdin,
                                env={"GONGKAI_DATABASE_URL": None, "COLUMNS": "250"})
    return result.exit_code, result.stdout, result.stderr


def test_add_list_passwd_deactivate_and_audit(db: str) -> None:
    code, out, err = run(db, "user", "add", "ZhouMin", "--name", "周敏", "--role", "clerk", "--role", "审核人",
                         "--agency", "青溪县吴村镇人民政府", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, err
    assert out == "已新建账号 zhoumin（周敏，承办人、审核人，编号 1）\n"
    code, out, err = run(db, "user", "add", "jiandu", "--name", "郑监督", "--role", "oversight", "--supervise", "1",
                         "--supervise", "青溪县市场监督管理局", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, err

    engine = make_engine(db)
    with session_scope(engine) as session:
        account = find_account(session=session, username="zhoumin")
        assert account is not None and account.agency_id == 1
        assert authenticate(session=session, username="zhoumin", password=PASSWORD) is not None
        overseer = find_account(session=session, username="jiandu")
        assert overseer is not None and overseer.supervised == {1, 2}

    code, out, err = run(db, "user", "list")
    assert code == 0, err
    lines = out.splitlines()
    assert "账号（2 个）" in out
    row = next(line for line in lines if "zhoumin" in line)
    assert "周敏" in row and "承办人、审核人" in row and "青溪县吴村镇人民政府" in row and "在用" in row
    assert "argon2" not in out
    code, out, _ = run(db, "user", "list", "--agency", "2")
    assert "账号（0 个）" in out

    new_password = "another-secret-2025"
    code, out, err = run(db, "user", "passwd", "zhoumin", "--password-stdin", stdin=new_password + "\n")
    assert (code, out) == (0, "已为 zhoumin 设置新密码；其已登录的会话已结束\n"), err
    code, out, err = run(db, "user", "deactivate", "zhoumin")
    assert (code, out) == (0, "已停用账号 zhoumin（周敏）\n"), err
    with session_scope(engine) as session:
        assert authenticate(session=session, username="zhoumin", password=new_password) is None
        logged = list_audit(session=session, entity="users").entries
    engine.dispose()
    assert {e.actor for e in logged} == {cli_actor()}
    assert [e.action for e in logged if e.entity_id == "1"] == [AuditAction.UPDATE, AuditAction.UPDATE,
                                                                AuditAction.INSERT]
    assert logged[0].before == {"active": True} and logged[0].after == {"active": False}

    code, out, err = run(db, "audit", "list", "--agency", "青溪县吴村镇人民政府", "--limit", "2")
    assert code == 0, err
    assert "审计日志（共 " in out and "列出最新 2 条" in out
    assert "在用：是 → 否" in out and cli_actor() in out
    code, out, err = run(db, "audit", "list", "--entity", "users", "--since", "2000-01-01", "--until", "2999-12-31")
    assert code == 0, err
    assert "（已隐去）" in out and "argon2" not in out


def test_errors_are_one_line(db: str) -> None:
    assert run(db, "user", "add", "x1", "--name", "甲", "--role", "janitor", "--password-stdin",
               stdin=PASSWORD + "\n")[0] == 2
    code, _, err = run(db, "user", "add", "x1", "--name", "甲", "--role", "janitor", "--password-stdin",
                       stdin=PASSWORD + "\n")
    assert err.startswith("错误：角色“janitor”无效；可选：clerk（承办人）")
    code, _, err = run(db, "user", "add", "x1", "--name", "甲", "--role", "clerk", "--password-stdin",
                       stdin=PASSWORD + "\n")
    assert (code, err) == (2, "错误：承办人、审核人、负责人和机构管理员须属于一个机关\n")
    code, _, err = run(db, "user", "add", "x1", "--name", "甲", "--role", "clerk", "--agency", "1",
                       "--password-stdin", stdin="short\n")
    assert (code, err) == (2, "错误：密码至少需要 10 个字符\n")
    code, _, err = run(db, "user", "add", "x1", "--name", "甲", "--role", "clerk", "--agency", "没有这个机关",
                       "--password-stdin", stdin=PASSWORD + "\n")
    assert (code, err) == (2, "错误：没有名为“没有这个机关”的机关\n")
    code, _, err = run(db, "user", "add", "x1", "--name", "甲", "--role", "clerk", "--agency", "1",
                       "--password-stdin", stdin="")
    assert (code, err) == (2, "错误：标准输入中没有密码（应为第一行）\n")
    code, _, err = run(db, "user", "deactivate", "nobody")
    assert (code, err) == (2, "错误：没有用户名为“nobody”的账号\n")
    code, _, err = run(db, "audit", "list", "--since", "2025-02-30")
    assert (code, err) == (2, "错误：起始日期“2025-02-30”不是有效日期（格式 YYYY-MM-DD）\n")
    code, _, err = run(db, "user", "passwd", "nobody")  # no terminal, no --password-stdin: refuses, never hangs
    assert code == 2 and err.startswith("错误：没有终端可以输入密码")
