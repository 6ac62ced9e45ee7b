"""Log-in, failed log-in and log-out are events of the audit log, beside the row changes it records itself."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.web.conftest import login, post_form

from gongkai.accounts.audit import list_audit
from gongkai.accounts.roles import User
from gongkai.store.orm_audit import AuditAction


def test_log_in_failure_and_log_out_are_audited(
    web: TestClient, staff: dict[str, User], factory: sessionmaker[Session]
) -> None:
    refused = post_form(web, "/login", {"username": "clerk1", "password": "not the password"})
    assert refused.status_code == 401
    assert login(web, "clerk1").status_code == 303
    assert post_form(web, "/logout", {}).status_code == 303
    with factory() as session:
        entries = list_audit(session=session, entity="users").entries
    events = [(e.action, e.actor) for e in reversed(entries) if e.action in (
        AuditAction.LOGIN, AuditAction.LOGIN_FAILED, AuditAction.LOGOUT)]
    clerk = staff["clerk1"]
    assert events == [
        (AuditAction.LOGIN_FAILED, "（未登录）clerk1"),
        (AuditAction.LOGIN, clerk.actor),
        (AuditAction.LOGOUT, clerk.actor),
    ]
    failed = next(e for e in entries if e.action is AuditAction.LOGIN_FAILED)
    assert "用户名或密码不正确" in (failed.note or "") and "not the password" not in repr(failed)
    logged_in = next(e for e in entries if e.action is AuditAction.LOGIN)
    assert logged_in.agency_id == clerk.agency_id and logged_in.entity_id == str(clerk.id)


def test_a_report_export_is_audited(
    web: TestClient, staff: dict[str, User], agencies: tuple[int, int], factory: sessionmaker[Session]
) -> None:
    login(web, "clerk1")
    answer = web.get(f"/desk/{agencies[0]}/reports/2025/export/html")
    assert answer.status_code == 200 and "text/html" in answer.headers["content-type"]
    with factory() as session:
        exports = [e for e in list_audit(session=session, agency_id=agencies[0]).entries
                   if e.action is AuditAction.EXPORT]
    assert [(e.actor, e.note) for e in exports] == [(staff["clerk1"].actor, "导出2025年度报告（最新，html）")]
