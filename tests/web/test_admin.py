"""The administration pages on both backends: accounts kept per agency, agencies and oversight kept by the
system administrator, and the audit log shown with before and after — each only to whom it belongs."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.web.conftest import login, post_form

from gongkai.accounts.audit import list_audit
from gongkai.accounts.roles import Role, User
from gongkai.accounts.users import find_account, get_account
from gongkai.ledger import find_agency
from gongkai.store import session_scope
from gongkai.store.audit import record
from gongkai.store.orm_audit import AuditAction

NEW_PASSWORD = "wucun-clerk-2025"


def _client(web: TestClient) -> TestClient:
    """A second browser on the same application (its own cookies)."""
    return TestClient(web.app, raise_server_exceptions=False, follow_redirects=False)


def _text(html: str) -> str:
    """The page's text without tags and with spaces collapsed, to look for what a reader sees."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_agency_admin_creates_a_clerk_who_can_then_log_in(
    web: TestClient, staff: dict[str, User], agencies: tuple[int, int], factory: sessionmaker[Session]
) -> None:
    a, _ = agencies
    login(web, "admin1")
    form = web.get("/admin/users/new")
    assert form.status_code == 200
    assert "承办人" in form.text and "机构管理员" in form.text
    assert 'value="clerk"' in form.text
    for role in ("oversight", "system_admin"):  # not an agency administrator's to give
        assert f'value="{role}"' not in form.text
    answer = post_form(web, "/admin/users", {
        "username": "Zhoumin", "name": "周敏", "roles": ["clerk", "reviewer"],
        "password": NEW_PASSWORD, "password2": NEW_PASSWORD,
        "agency": str(agencies[1]),  # ignored: an agency administrator creates accounts of their own agency
    }, form_page="/admin/users/new")
    assert answer.status_code == 303, answer.text[:800]
    with factory() as session:
        account = find_account(session=session, username="zhoumin")
    assert account is not None
    assert answer.headers["location"] == f"/admin/users/{account.id}"
    assert account.agency_id == a and account.roles == {Role.CLERK, Role.REVIEWER} and account.active
    page = web.get(answer.headers["location"])
    assert "已创建账号“zhoumin”" in page.text
    assert "zhoumin" in web.get("/admin/users").text

    clerk = _client(web)
    login(clerk, "zhoumin", NEW_PASSWORD)
    assert clerk.get("/admin/").status_code == 403


def test_create_form_errors_are_shown_beside_the_fields(web: TestClient, staff: dict[str, User]) -> None:
    login(web, "admin1")
    answer = post_form(web, "/admin/users", {
        "username": "x", "name": "", "roles": ["clerk"], "password": "short", "password2": "other",
    }, form_page="/admin/users/new")
    assert answer.status_code == 422
    assert "「确认密码」与密码不一致" in answer.text
    taken = post_form(web, "/admin/users", {
        "username": "clerk1", "name": "重名", "roles": ["clerk"], "password": NEW_PASSWORD, "password2": NEW_PASSWORD,
    }, form_page="/admin/users/new")
    assert taken.status_code == 422
    assert "用户名“clerk1”已被使用" in taken.text
    weak = post_form(web, "/admin/users", {
        "username": "newclerk", "name": "新人", "roles": ["clerk"], "password": "short", "password2": "short",
    }, form_page="/admin/users/new")
    assert weak.status_code == 422
    assert 'id="e-password"' in weak.text and "密码至少需要" in weak.text
    forbidden = post_form(web, "/admin/users", {
        "username": "newadmin", "name": "越权", "roles": ["system_admin"], "password": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }, form_page="/admin/users/new")
    assert forbidden.status_code == 422
    assert "机构管理员不能授予“系统管理员”角色" in forbidden.text


def test_agency_admin_cannot_see_or_edit_users_of_the_other_agency(
    web: TestClient, staff: dict[str, User], factory: sessionmaker[Session]
) -> None:
    login(web, "admin1")
    listing = web.get("/admin/users?agency=2")
    assert listing.status_code == 200
    assert "clerk1" in listing.text and "clerk2" not in listing.text and "sysadmin" not in listing.text
    other = staff["clerk2"].id
    assert web.get(f"/admin/users/{other}").status_code == 404
    assert web.get(f"/admin/users/{staff['sysadmin'].id}").status_code == 404
    for action, data in (("roles", {"roles": ["head"]}), ("deactivate", {}), ("reactivate", {}),
                         ("password", {"password": NEW_PASSWORD, "password2": NEW_PASSWORD})):
        answer = post_form(web, f"/admin/users/{other}/{action}", data, form_page="/admin/users")
        assert answer.status_code == 404, action
    with factory() as session:
        untouched = get_account(session=session, user_id=other)
    assert untouched.active and untouched.roles == {Role.CLERK}
    assert web.get("/admin/agencies").status_code == 403
    assert web.get("/admin/supervision").status_code == 403


def test_clerk_gets_403_and_a_visitor_is_sent_to_log_in(web: TestClient, staff: dict[str, User]) -> None:
    visitor = web.get("/admin/")
    assert visitor.status_code == 303 and visitor.headers["location"].startswith("/login?next=/admin/")
    login(web, "clerk1")
    for url in ("/admin/", "/admin/users", "/admin/audit", f"/admin/users/{staff['clerk1'].id}"):
        assert web.get(url).status_code == 403, url
    assert "无权访问" in web.get("/admin/").text


def test_roles_deactivation_and_password_reset(
    web: TestClient, staff: dict[str, User], factory: sessionmaker[Session]
) -> None:
    clerk = staff["clerk1"].id
    login(web, "admin1")
    changed = post_form(web, f"/admin/users/{clerk}/roles", {"roles": ["clerk", "head"]})
    assert changed.status_code == 303
    reset = post_form(web, f"/admin/users/{clerk}/password", {"password": NEW_PASSWORD, "password2": NEW_PASSWORD},
                      form_page=f"/admin/users/{clerk}")
    assert reset.status_code == 303
    other = _client(web)
    login(other, "clerk1", NEW_PASSWORD)
    assert post_form(web, f"/admin/users/{clerk}/deactivate", {}, form_page=f"/admin/users/{clerk}").status_code == 303
    with factory() as session:
        account = get_account(session=session, user_id=clerk)
    assert account.roles == {Role.CLERK, Role.HEAD} and not account.active
    assert other.get("/account").status_code == 303  # the deactivated clerk's session has ended
    own = post_form(web, f"/admin/users/{staff['admin1'].id}/deactivate", {}, form_page="/admin/users")
    assert own.status_code == 303
    assert "不能停用自己" in web.get(own.headers["location"]).text
    assert post_form(web, f"/admin/users/{clerk}/reactivate", {}, form_page="/admin/users").status_code == 303


def test_audit_page_shows_the_change_with_before_and_after_to_its_agency_only(
    web: TestClient, staff: dict[str, User], agencies: tuple[int, int], factory: sessionmaker[Session]
) -> None:
    a, _ = agencies
    clerk = staff["clerk1"].id
    login(web, "admin1")
    assert post_form(web, f"/admin/users/{clerk}/deactivate", {}, form_page=f"/admin/users/{clerk}").status_code == 303
    with factory() as session:
        logged = list_audit(session=session, entity="users", agency_id=a).entries
    change = next(e for e in logged if e.action is AuditAction.UPDATE and e.entity_id == str(clerk))
    assert change.actor == staff["admin1"].actor
    assert change.before == {"active": True} and change.after == {"active": False}

    page = web.get("/admin/audit?entity=users")
    assert page.status_code == 200
    text = _text(page.text)
    assert f"{staff['admin1'].actor} 修改 用户 #{clerk}" in text
    assert "在用 active 是 否" in text  # the diff table: column, before, after
    assert "（已隐去）" in text and "argon2" not in page.text  # the accounts' creation, password hash masked

    by_actor = web.get("/admin/audit", params={"actor": "admin1", "since": "2000-01-01", "until": "2999-12-31"})
    assert "在用 active 是 否" in _text(by_actor.text)
    assert "在用 active 是 否" not in _text(web.get("/admin/audit?actor=nobody-at-all").text)
    assert web.get("/admin/audit?since=2025-13-01").status_code == 422

    other = _client(web)
    login(other, "admin2")
    theirs = other.get("/admin/audit", params={"agency": str(a)})  # asking for agency 1 does not widen the view
    assert theirs.status_code == 200
    assert f"#{clerk}" not in theirs.text and "clerk1" not in theirs.text

    system = _client(web)
    login(system, "sysadmin")
    assert "在用 active 是 否" in _text(system.get("/admin/audit?entity=users").text)


def test_audit_log_pages(web: TestClient, staff: dict[str, User], factory: sessionmaker[Session]) -> None:
    with session_scope(factory) as session:
        for n in range(60):
            record(session, actor="导出测试员", action=AuditAction.EXPORT, entity="stored_reports", note=f"导出第 {n} 份")
    login(web, "sysadmin")
    first = web.get("/admin/audit", params={"actor": "导出测试员"})
    assert first.status_code == 200
    assert "共 60 条，第 1 / 2 页" in first.text
    assert first.text.count("导出第 ") == 50
    assert "导出第 59 份" in first.text and "导出第 9 份" not in first.text  # newest first
    assert 'rel="next"' in first.text and 'rel="prev"' not in first.text
    link = re.search(r'href="([^"]+)" rel="next"', first.text)
    assert link is not None
    second = web.get(link.group(1).replace("&amp;", "&"))
    assert "共 60 条，第 2 / 2 页" in second.text and second.text.count("导出第 ") == 10
    assert "导出第 0 份" in second.text and 'rel="prev"' in second.text


def test_system_admin_creates_an_agency_and_assigns_oversight(
    web: TestClient, staff: dict[str, User], agencies: tuple[int, int], factory: sessionmaker[Session]
) -> None:
    login(web, "sysadmin")
    assert web.get("/admin/agencies").status_code == 200
    bad = post_form(web, "/admin/agencies", {"name": "", "kind": "nonsense"})
    assert bad.status_code == 422 and "「机关名称」" in bad.text and "「类别」" in bad.text
    made = post_form(web, "/admin/agencies", {"name": "青溪县教育局", "kind": "county_department",
                                              "abbreviation": "青溪教", "region": "青溪县", "parent": ""})
    assert made.status_code == 303 and made.headers["location"] == "/admin/agencies"
    listing = web.get("/admin/agencies")
    assert "已新建机关“青溪县教育局”" in listing.text and "青溪教" in listing.text
    with factory() as session:
        created = find_agency(session=session, name="青溪县教育局")
        assert created is not None
        logged = list_audit(session=session, entity="agencies", agency_id=created.id).entries
    assert [(e.action, e.actor) for e in logged] == [(AuditAction.INSERT, staff["sysadmin"].actor)]
    duplicate = post_form(web, "/admin/agencies", {"name": "青溪县教育局", "kind": "county_department"})
    assert duplicate.status_code == 422 and "已有同名机关" in duplicate.text

    overseer = staff["oversight"].id
    assigned = post_form(web, f"/admin/supervision/{overseer}", {"agencies": [str(agencies[0]), str(created.id)]},
                         form_page="/admin/supervision")
    assert assigned.status_code == 303
    with factory() as session:
        assert get_account(session=session, user_id=overseer).supervised == {agencies[0], created.id}

    # The new agency's administrator, created by the system administrator, keeps that agency's accounts.
    answer = post_form(web, "/admin/users", {"username": "admin3", "name": "教育局管理员", "roles": ["agency_admin"],
                                             "agency": str(created.id), "password": NEW_PASSWORD,
                                             "password2": NEW_PASSWORD}, form_page="/admin/users/new")
    assert answer.status_code == 303
    third = _client(web)
    login(third, "admin3", NEW_PASSWORD)
    assert "admin3" in third.get("/admin/users").text
    assert third.get(f"/admin/users/{staff['clerk1'].id}").status_code == 404
