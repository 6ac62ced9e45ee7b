"""ORM row of the audit log: who changed what, when, with the values before and after.

The rows are written by :mod:`gongkai.store.audit` in the same transaction as the change they describe (a
rolled-back change leaves no trace, a committed one always has its entry) and are never updated or deleted by
the application. ``agency_id`` has no foreign key on purpose: the log is history and must not stop, or be
stopped by, anything that happens to the rows it describes.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gongkai.store.orm import Base, enum_type, utcnow


class AuditAction(StrEnum):
    """What an entry records: a row inserted, updated or deleted, or an event that changes no ledger row."""

    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"
    LOGIN = "login"
    LOGOUT = "logout"
    LOGIN_FAILED = "login_failed"
    EXPORT = "export"
    PUBLISH = "publish"
    DOWNLOAD = "download"

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]


_ACTION_LABELS = {
    AuditAction.INSERT: "新增",
    AuditAction.UPDATE: "修改",
    AuditAction.DELETE: "删除",
    AuditAction.LOGIN: "登录",
    AuditAction.LOGOUT: "退出",
    AuditAction.LOGIN_FAILED: "登录失败",
    AuditAction.EXPORT: "导出",
    AuditAction.PUBLISH: "发布",
    AuditAction.DOWNLOAD: "下载",
}


class AuditRow(Base):
    """One entry of the audit log. ``before``/``after`` hold the changed columns only (JSON objects, personal
    data masked); both are empty for an event that is not a row change."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_agency", "agency_id", "id"),
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_entity", "entity", "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)  # naive UTC, like every record timestamp
    actor: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[AuditAction] = mapped_column(enum_type(AuditAction, 20))
    entity: Mapped[str] = mapped_column(String(60))  # the table name
    entity_id: Mapped[str | None] = mapped_column(String(200))  # the primary key; composite keys joined by "/"
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)


__all__ = ["AuditAction", "AuditRow"]
