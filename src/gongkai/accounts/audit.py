"""Reading the audit log (written by :mod:`gongkai.store.audit`): filtered, newest first, a page at a time.

An agency administrator reads only the entries of their own agency (the caller passes ``agency_id``); the
system administrator reads them all. Timestamps are stored in UTC; the dates of the filters and the times shown
are Beijing time, the office's day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from gongkai.ledger.messages import FIELD_LABELS
from gongkai.store.errors import InvalidRecord
from gongkai.store.orm_audit import AuditAction, AuditRow

CHINA = ZoneInfo("Asia/Shanghai")
MAX_PER_PAGE = 200

# The tables as an office names them (tables not listed are shown by their name).
ENTITY_LABELS = {
    "agencies": "机关",
    "applications": "依申请公开申请",
    "application_events": "办理事件",
    "application_counters": "申请编号计数",
    "appeals": "复议诉讼",
    "proactive_items": "主动公开信息",
    "review_steps": "主动公开审核",
    "publications": "主动公开发布",
    "register_documents": "文件登记",
    "register_tallies": "表二年度数据",
    "stored_reports": "年度报告版本",
    "notices": "文书",
    "notice_counters": "文书编号计数",
    "users": "用户",
    "user_roles": "用户角色",
    "supervisions": "监督关系",
    "portal_access": "网上申请查询码",
}

# Column names as the office knows them: the input labels of the ledger's forms, plus the bookkeeping columns.
COLUMN_LABELS = {
    **FIELD_LABELS,
    "id": "编号",
    "name": "名称或姓名",
    "applicant_name": "申请人姓名或者名称",
    "applicant_type": "申请人类型",
    "applicant_digest": "申请人标识",
    "number_year": "编号年度",
    "seq": "序号",
    "given_received": "收到之日（未注明方式）",
    "received_on": "收到申请之日",
    "deadline_state": "期限状态",
    "due_on": "答复期限",
    "due_not_before": "答复期限（不早于）",
    "calendar_fingerprint": "日历版本",
    "deadline_computed_at": "期限计算时间",
    "recorded_at": "登记时间",
    "created_by": "登记人",
    "created_at": "创建时间",
    "updated_at": "更新时间",
    "version": "版本号",
    "normalized_name": "规范名称",
    "abbreviation": "简称",
    "region": "地区",
    "parent_id": "上级机关",
    "email_rule": "电子邮件收到之日规则",
    "exclude_fee_wait": "缴费期间不计入答复期限",
    "username": "用户名",
    "password_hash": "密码",
    "password_changed_at": "密码修改时间",
    "active": "在用",
    "user_id": "用户编号",
    "role": "角色",
    "payload": "报告内容",
    "origin": "来源",
    "source": "来源文件",
    "source_name": "来源文件",
    "document": "文书文件",
    "template": "文书模板",
    "number": "文号",
}


def column_label(column: str) -> str:
    return COLUMN_LABELS.get(column, column)


def shown(value: Any) -> str:
    """A logged value as plain text: 是/否 for booleans, （空） for none."""
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


@dataclass(frozen=True)
class Change:
    """One column of a row change: its value before and after (None when the row did not exist)."""

    column: str
    before: Any
    after: Any
    added: bool  # the row was inserted: there is no "before"
    removed: bool  # the row was deleted: there is no "after"

    @property
    def label(self) -> str:
        return column_label(self.column)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime  # UTC, naive, as stored
    actor: str
    agency_id: int | None
    action: AuditAction
    entity: str
    entity_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str | None

    @property
    def at_china(self) -> datetime:
        """When, in Beijing time (naive, for display)."""
        return self.at.replace(tzinfo=UTC).astimezone(CHINA).replace(tzinfo=None)

    @property
    def action_label(self) -> str:
        return self.action.label

    @property
    def entity_label(self) -> str:
        return ENTITY_LABELS.get(self.entity, self.entity)

    @property
    def changes(self) -> tuple[Change, ...]:
        """The changed columns in a stable order: the table's own order as the log recorded it."""
        before = self.before or {}
        after = self.after or {}
        columns = list(after) + [c for c in before if c not in after]
        return tuple(
            Change(column=c, before=before.get(c), after=after.get(c),
                   added=self.before is None, removed=self.after is None)
            for c in columns
        )


@dataclass(frozen=True)
class AuditPage:
    entries: tuple[AuditEntry, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        id=row.id, at=row.at, actor=row.actor, agency_id=row.agency_id, action=row.action, entity=row.entity,
        entity_id=row.entity_id, before=row.before, after=row.after, note=row.note,
    )


def _utc(day: date) -> datetime:
    """The start of a Beijing day, as the naive UTC the log stores."""
    return datetime.combine(day, time(), CHINA).astimezone(UTC).replace(tzinfo=None)


def _conditions(
    *,
    agency_id: int | None,
    actor: str | None,
    entity: str | None,
    since: date | None,
    until: date | None,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if agency_id is not None:
        conditions.append(AuditRow.agency_id == agency_id)
    if actor and actor.strip():
        conditions.append(AuditRow.actor.contains(actor.strip(), autoescape=True))
    if entity:
        conditions.append(AuditRow.entity == entity)
    if since is not None:
        conditions.append(AuditRow.at >= _utc(since))
    if until is not None:
        conditions.append(AuditRow.at < _utc(until + timedelta(days=1)))
    return conditions


def list_audit(
    *,
    session: Session,
    agency_id: int | None = None,
    actor: str | None = None,
    entity: str | None = None,
    since: date | None = None,
    until: date | None = None,
    page: int = 1,
    per_page: int = 50,
) -> AuditPage:
    """Entries newest first. ``agency_id`` keeps one agency's entries; ``actor`` matches part of the actor;
    ``entity`` is a table name; ``since``/``until`` are Beijing dates, both included."""
    if since is not None and until is not None and until < since:
        raise InvalidRecord("截止日期不能早于起始日期")
    if page < 1:
        raise InvalidRecord("页码须为正整数")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidRecord(f"每页条数须在 1 到 {MAX_PER_PAGE} 之间")
    where = _conditions(agency_id=agency_id, actor=actor, entity=entity, since=since, until=until)
    total = session.scalar(select(func.count()).select_from(AuditRow).where(*where)) or 0
    rows = session.scalars(
        select(AuditRow)
        .where(*where)
        .order_by(AuditRow.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return AuditPage(entries=tuple(_entry(r) for r in rows), total=total, page=page, per_page=per_page)


def audited_entities(*, session: Session, agency_id: int | None = None) -> list[str]:
    """The tables that have entries (for the filter's choices)."""
    query = select(AuditRow.entity).distinct().order_by(AuditRow.entity)
    if agency_id is not None:
        query = query.where(AuditRow.agency_id == agency_id)
    return list(session.scalars(query))


__all__ = [
    "COLUMN_LABELS",
    "ENTITY_LABELS",
    "AuditEntry",
    "AuditPage",
    "Change",
    "audited_entities",
    "column_label",
    "list_audit",
    "shown",
]
