"""The audit log, on both backends: every ledger change leaves one entry with who, when, the agency and the
values before and after, in the same transaction — and no personal data or secret ever reaches it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.ledger.helpers import event, new_application

from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger import get_agency
from gongkai.store import session_scope
from gongkai.store.audit import ENCRYPTED, HIDDEN, SYSTEM_ACTOR, audit_value, cli_actor, json_safe, record
from gongkai.store.orm import AgencyRow, utcnow
from gongkai.store.orm_audit import AuditAction, AuditRow
from gongkai.store.vocab import EventKind

APPLICANT_SECRETS = ("张晓明", "110101199001011234", "13812345678", "zhangxm@example.cn", "东山村12号")


def entries(factory: sessionmaker[Session], **where: object) -> list[AuditRow]:
    with factory() as session:
        query = select(AuditRow).order_by(AuditRow.id)
        for column, value in where.items():
            query = query.where(getattr(AuditRow, column) == value)
        return list(session.scalars(query))


def test_application_and_event_are_logged_with_actor_and_values(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a, _ = agencies
    before = utcnow() - timedelta(seconds=1)
    with session_scope(factory, actor="周敏（zhoumin）") as session:
        app = new_application(session, a, date(2025, 9, 22), calendar)
    with session_scope(factory, actor="李审核（lisk）") as session:
        event(session, a, app, calendar, kind=EventKind.CORRECTION_REQUESTED, occurred_on=date(2025, 9, 24),
              note="请写明文件名称")

    inserted = entries(factory, entity="applications", action=AuditAction.INSERT)
    assert len(inserted) == 1
    created = inserted[0]
    assert created.actor == "周敏（zhoumin）"
    assert created.agency_id == a
    assert created.entity_id == str(app.id)
    assert created.before is None
    assert created.after is not None
    assert created.after["received_on"] == "2025-09-22"
    assert created.after["information"] == "申请公开2024年度食品安全抽检结果"
    assert before <= created.at <= utcnow() + timedelta(seconds=1)

    logged_events = entries(factory, entity="application_events")
    assert [(e.action, e.actor, e.agency_id) for e in logged_events] == [(AuditAction.INSERT, "李审核（lisk）", a)]
    assert logged_events[0].after is not None
    assert logged_events[0].after["kind"] == "correction_requested"
    assert logged_events[0].after["occurred_on"] == "2025-09-24"
    assert logged_events[0].after["note"] == "请写明文件名称"

    # The event changes the application (its deadline state and version): an update with before and after.
    updates = entries(factory, entity="applications", action=AuditAction.UPDATE)
    assert len(updates) == 1
    changed = updates[0]
    assert changed.actor == "李审核（lisk）"
    assert changed.before is not None and changed.after is not None
    assert set(changed.before) == set(changed.after)
    assert changed.before["version"] == 1 and changed.after["version"] == 2
    assert changed.before["deadline_state"] != changed.after["deadline_state"]
    for column in ("applicant_name", "phone", "information", "received_on"):
        assert column not in changed.after  # unchanged columns are not repeated


def test_encrypted_applicant_fields_are_masked(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a, _ = agencies
    with session_scope(factory) as session:
        new_application(session, a, date(2025, 9, 22), calendar)
    (created,) = entries(factory, entity="applications")
    assert created.after is not None
    for column in ("applicant_name", "id_document", "phone", "email", "address"):
        assert created.after[column] == ENCRYPTED, column
    assert created.after["applicant_digest"] == HIDDEN
    with factory() as session:
        stored = [(r.before, r.after) for r in session.scalars(select(AuditRow))]
    text = repr(stored)
    for secret in APPLICANT_SECRETS:
        assert secret not in text
    assert "gAAAAA" not in text  # no Fernet token either: a stolen key must not open the log


def test_rolled_back_transaction_leaves_no_entry(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a, _ = agencies
    existing = len(entries(factory))
    with pytest.raises(RuntimeError), session_scope(factory, actor="周敏") as session:
        new_application(session, a, date(2025, 9, 22), calendar)
        session.flush()
        assert session.scalars(select(AuditRow).where(AuditRow.entity == "applications")).first() is not None
        raise RuntimeError("the clerk's request failed")
    assert len(entries(factory)) == existing
    assert entries(factory, entity="applications") == []


def test_update_of_one_column_records_only_that_column(
    factory: sessionmaker[Session], agencies: tuple[int, int]
) -> None:
    a, _ = agencies
    with session_scope(factory, actor="admin") as session:
        row = session.get(AgencyRow, a)
        assert row is not None
        row.region = "青溪县"
    with session_scope(factory) as session:
        row = session.get(AgencyRow, a)
        assert row is not None
        session.expire(row, ["region"])  # changed without reading it first: the stored value is fetched
        row.region = "青溪县吴村镇"
    updates = entries(factory, entity="agencies", action=AuditAction.UPDATE)
    assert [(u.actor, u.agency_id, u.entity_id, u.before, u.after) for u in updates] == [
        ("admin", a, str(a), {"region": None}, {"region": "青溪县"}),
        (SYSTEM_ACTOR, a, str(a), {"region": "青溪县"}, {"region": "青溪县吴村镇"}),
    ]
    with session_scope(factory) as session:
        assert get_agency(session=session, agency_id=a).region == "青溪县吴村镇"


def test_setting_the_same_value_is_not_a_change(factory: sessionmaker[Session], agencies: tuple[int, int]) -> None:
    a, _ = agencies
    with session_scope(factory) as session:
        row = session.get(AgencyRow, a)
        assert row is not None
        row.name = row.name
    assert entries(factory, entity="agencies", action=AuditAction.UPDATE) == []


def test_delete_keeps_the_whole_row(factory: sessionmaker[Session], agencies: tuple[int, int]) -> None:
    _, b = agencies
    with session_scope(factory, actor="admin") as session:
        row = session.get(AgencyRow, b)
        assert row is not None
        session.expire(row)  # nothing loaded: the log still gets every column
        session.delete(row)
    (deleted,) = entries(factory, entity="agencies", action=AuditAction.DELETE)
    assert deleted.after is None
    assert deleted.before is not None
    assert deleted.before["name"] == "青溪县吴村镇人民政府"
    assert deleted.before["abbreviation"] == "吴村"
    assert deleted.agency_id == b


def test_record_logs_an_event_only_when_committed(factory: sessionmaker[Session], agencies: tuple[int, int]) -> None:
    a, _ = agencies
    with session_scope(factory) as session:
        record(session, actor="周敏（zhoumin）", action=AuditAction.LOGIN, entity="users", entity_id=7,
               note="登录成功", agency_id=a)
    with pytest.raises(RuntimeError), session_scope(factory) as session:
        record(session, actor="周敏（zhoumin）", action=AuditAction.EXPORT, entity="stored_reports", note="导出")
        raise RuntimeError("export failed")
    logged = entries(factory, entity="users")
    assert [(e.action, e.actor, e.entity_id, e.note, e.agency_id, e.before, e.after) for e in logged] == [
        (AuditAction.LOGIN, "周敏（zhoumin）", "7", "登录成功", a, None, None)
    ]
    assert entries(factory, entity="stored_reports") == []


def test_values_are_json_safe_and_masked() -> None:
    assert json_safe(Decimal("100.50")) == "100.50"
    assert json_safe(date(2025, 10, 23)) == "2025-10-23"
    assert json_safe(datetime(2025, 10, 23, 8, 30)) == "2025-10-23T08:30:00"
    assert json_safe(AuditAction.LOGIN) == "login"
    assert json_safe({"a": [Decimal("1"), date(2025, 1, 2)]}) == {"a": ["1", "2025-01-02"]}
    assert audit_value("users", "password_hash", "$argon2id$v=19$m=65536") == HIDDEN
    assert audit_value("portal_access", "code_hash", "ab" * 32) == HIDDEN
    assert audit_value("any_new_table", "contact", "gAAAAA" + "x" * 120) == ENCRYPTED
    assert audit_value("applications", "phone", None) is None  # "no phone" is not a secret
    long = audit_value("stored_reports", "payload", {"cells": ["9" * 50] * 100})
    assert isinstance(long, str) and long.startswith("（内容过长")
    assert cli_actor().startswith("cli:")


def test_accounts_are_logged_without_password_hash_and_role_removals_count(
    factory: sessionmaker[Session], agencies: tuple[int, int]
) -> None:
    from gongkai.accounts.roles import Role
    from gongkai.accounts.users import create_user, set_password, set_roles

    a, _ = agencies
    with session_scope(factory, actor="admin1") as session:
        account = create_user(session=session, username="zhoumin", name="周敏", password="青溪县2025年度的口令",
                              roles=[Role.CLERK, Role.REVIEWER], agency_id=a)
    with session_scope(factory, actor="admin1") as session:
        set_roles(session=session, user_id=account.id, roles=[Role.CLERK], agency_id=a)
        set_password(session=session, user_id=account.id, password="另一个足够长的新口令啊")
    (created,) = entries(factory, entity="users", action=AuditAction.INSERT)
    assert created.after is not None
    assert created.after["password_hash"] == HIDDEN
    assert created.after["username"] == "zhoumin" and created.agency_id == a
    assert "argon2" not in repr([(e.before, e.after) for e in entries(factory)])
    roles = entries(factory, entity="user_roles")
    assert [(r.action, r.entity_id, r.agency_id) for r in roles] == [
        (AuditAction.INSERT, f"{account.id}/clerk", a),
        (AuditAction.INSERT, f"{account.id}/reviewer", a),
        (AuditAction.DELETE, f"{account.id}/reviewer", a),  # an orphan of the collection, deleted by the flush
    ]
    (changed,) = entries(factory, entity="users", action=AuditAction.UPDATE)
    assert changed.before is not None and changed.after is not None
    assert changed.before["password_hash"] == HIDDEN and changed.after["password_hash"] == HIDDEN
    assert set(changed.after) == {"password_hash", "password_changed_at"}
