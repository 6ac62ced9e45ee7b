"""What the records pages of the web desk need that the other ledger modules do not give by themselves.

* one 主动公开 item by id, and the register of a year: the items *open during* that year (formed by its end and
  not published or refused before it began), so an item still waiting from last year is not lost from view;
* where an item's review chain stands (承办人拟稿 → 保密审查 → 领导签发), read from its steps with the rule of
  :mod:`gongkai.ledger.proactive` (``退回修改`` starts the chain again, ``不予公开`` ends it);
* whether publication is, or is about to be, later than the 20 working days of 第二十六条 on a given day — the
  ledger's own flag says so only once the item is published;
* an application found by the number a clerk types (``2025-0012`` or ``吴村〔2025〕依申请第12号``);
* the table 二 item （一） counts of the document register for a year.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongkai.desk.calendar import CalendarUnknown, WorkCalendar
from gongkai.ledger.applications import find_application
from gongkai.ledger.common import calendar_or_default, owned
from gongkai.ledger.domain import Application, ProactiveItem, RegisterDocument, ReviewStep
from gongkai.ledger.proactive import items_from_rows
from gongkai.store.errors import NotFound
from gongkai.store.orm import ProactiveItemRow
from gongkai.store.vocab import REVIEW_CHAIN, RegisterDocumentKind, ReviewDecision, ReviewStepKind


class ChainStage(StrEnum):
    """Where an item stands between forming and publication."""

    AWAITING_DRAFT = "awaiting_draft"
    AWAITING_CONFIDENTIALITY = "awaiting_confidentiality"
    AWAITING_LEADER = "awaiting_leader"
    READY = "ready"
    PUBLISHED = "published"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return _STAGE_LABELS[self]


_STAGE_LABELS = {
    ChainStage.AWAITING_DRAFT: "待承办人拟稿",
    ChainStage.AWAITING_CONFIDENTIALITY: "待保密审查",
    ChainStage.AWAITING_LEADER: "待领导签发",
    ChainStage.READY: "审查完成，待公开",
    ChainStage.PUBLISHED: "已公开",
    ChainStage.REFUSED: "不予公开",
}
_AWAITING = {
    ReviewStepKind.DRAFTER: ChainStage.AWAITING_DRAFT,
    ReviewStepKind.CONFIDENTIALITY: ChainStage.AWAITING_CONFIDENTIALITY,
    ReviewStepKind.LEADER: ChainStage.AWAITING_LEADER,
}


@dataclass(frozen=True)
class ChainState:
    """The review chain of one item: the steps since it last started again, the step expected next (None when
    complete or ended) and the stage."""

    current: tuple[ReviewStep, ...]
    next_step: ReviewStepKind | None
    stage: ChainStage

    @property
    def complete(self) -> bool:
        return self.stage in (ChainStage.READY, ChainStage.PUBLISHED)

    @property
    def signed_on(self) -> date | None:
        """The day the leader signed (publication may not be earlier: 先审查、后公开)."""
        if self.complete and self.current:
            return self.current[-1].decided_at.date()
        return None


def chain_state(item: ProactiveItem) -> ChainState:
    start = 0
    for i, step in enumerate(item.review):
        if step.decision is ReviewDecision.RETURNED:
            start = i + 1
    current = item.review[start:]
    if item.published_on is not None:
        return ChainState(current, None, ChainStage.PUBLISHED)
    if current and current[-1].decision is ReviewDecision.REFUSED:
        return ChainState(current, None, ChainStage.REFUSED)
    if len(current) >= len(REVIEW_CHAIN):
        return ChainState(current, None, ChainStage.READY)
    expected = REVIEW_CHAIN[len(current)]
    return ChainState(current, expected, _AWAITING[expected])


class Timeliness(StrEnum):
    """第二十六条 (publish within 20 working days of forming) for one item on one day."""

    ON_TIME = "on_time"
    LATE = "late"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    PENDING = "pending"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        return _TIMELINESS_LABELS[self]


_TIMELINESS_LABELS = {
    Timeliness.ON_TIME: "按时公开",
    Timeliness.LATE: "逾期公开",
    Timeliness.OVERDUE: "已逾期未公开",
    Timeliness.DUE_SOON: "即将到期",
    Timeliness.PENDING: "未到期",
    Timeliness.UNKNOWN: "日历未覆盖，无法判断",
    Timeliness.NOT_APPLICABLE: "不予公开",
}


@dataclass(frozen=True)
class RegisterLine:
    """An item of the register with its chain and its timeliness on ``today``."""

    item: ProactiveItem
    chain: ChainState
    timeliness: Timeliness
    working_days_left: int | None  # unpublished items not yet late: working days until the limit

    @property
    def late(self) -> bool:
        return self.timeliness in (Timeliness.LATE, Timeliness.OVERDUE)


def register_line(item: ProactiveItem, *, today: date, calendar: WorkCalendar, soon_days: int) -> RegisterLine:
    chain = chain_state(item)
    due = item.publish_due
    if chain.stage is ChainStage.REFUSED:
        return RegisterLine(item, chain, Timeliness.NOT_APPLICABLE, None)
    if item.published_on is not None:
        if item.published_late is None:
            return RegisterLine(item, chain, Timeliness.UNKNOWN, None)
        return RegisterLine(item, chain, Timeliness.LATE if item.published_late else Timeliness.ON_TIME, None)
    if due is None:
        return RegisterLine(item, chain, Timeliness.UNKNOWN, None)
    if today > due:
        return RegisterLine(item, chain, Timeliness.OVERDUE, None)
    try:
        left = calendar.working_days_between(today, due)
    except CalendarUnknown:
        return RegisterLine(item, chain, Timeliness.UNKNOWN, None)
    return RegisterLine(item, chain, Timeliness.DUE_SOON if left <= soon_days else Timeliness.PENDING, left)


def get_item(
    *, session: Session, agency_id: int, item_id: int, calendar: WorkCalendar | None = None
) -> ProactiveItem:
    """One of the agency's items with its review and publications; another agency's item does not exist here."""
    row = owned(session, ProactiveItemRow, agency_id, item_id, "主动公开事项")
    return items_from_rows(session, [row], calendar)[0]


def list_register(
    *,
    session: Session,
    agency_id: int,
    today: date,
    year: int | None = None,
    stage: ChainStage | None = None,
    late_only: bool = False,
    soon_days: int = 5,
    calendar: WorkCalendar | None = None,
) -> list[RegisterLine]:
    """The register, newest first. With ``year``: the items open during that year — formed by its end, and not
    published (nor refused) before it began."""
    cal = calendar_or_default(calendar)
    stmt = select(ProactiveItemRow).where(ProactiveItemRow.agency_id == agency_id)
    start = end = None
    if year is not None:
        start, end = date(year, 1, 1), date(year, 12, 31)
        stmt = stmt.where(
            ProactiveItemRow.formed_on <= end,
            ProactiveItemRow.published_on.is_(None) | (ProactiveItemRow.published_on >= start),
        )
    rows = list(session.scalars(stmt.order_by(ProactiveItemRow.formed_on.desc(), ProactiveItemRow.id.desc())))
    lines = []
    for item in items_from_rows(session, rows, cal):
        line = register_line(item, today=today, calendar=cal, soon_days=soon_days)
        refused_before = (
            start is not None and line.chain.stage is ChainStage.REFUSED
            and line.chain.current[-1].decided_at.date() < start
        )
        if refused_before:
            continue  # refused before the year began: not part of that year's work
        if stage is not None and line.chain.stage is not stage:
            continue
        if late_only and not line.late:
            continue
        lines.append(line)
    return lines


def register_years(*, session: Session, agency_id: int, today: date) -> list[int]:
    """Years to offer in the register's filter: from the first item formed to this year, newest first."""
    stmt = select(ProactiveItemRow.formed_on).where(ProactiveItemRow.agency_id == agency_id)
    first = session.scalars(stmt.order_by(ProactiveItemRow.formed_on).limit(1)).first()
    since = min(first.year, today.year) if first is not None else today.year
    return list(range(today.year, since - 1, -1))


_CODE = re.compile(r"^(\d{4})-(\d{1,6})$")
_NUMBER = re.compile(r"〔(\d{4})〕\D*?第\s*(\d{1,6})\s*号$")


def find_application_by_number(*, session: Session, agency_id: int, text: str) -> Application:
    """The agency's application numbered ``text``: its code (``2025-0012``) or its full number
    (``吴村〔2025〕依申请第12号``, ``依申请〔2025〕第12号``). Anything else is not found."""
    typed = text.strip().replace("[", "〔").replace("]", "〕")
    m = _CODE.match(typed) or _NUMBER.search(typed)
    if m is None:
        raise NotFound("申请", text.strip())
    return find_application(session=session, agency_id=agency_id, year=int(m.group(1)), seq=int(m.group(2)))


@dataclass(frozen=True)
class DocumentCounts:
    """Table 二 item （一） for one kind and year: issued in it, repealed in it, in force on 31 December."""

    kind: RegisterDocumentKind
    issued: int
    repealed: int
    in_force: int


def document_counts(documents: Sequence[RegisterDocument], year: int) -> list[DocumentCounts]:
    """The same counts as the report builder makes (gongkai.ledger.build), from the register as listed."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    out = []
    for kind in RegisterDocumentKind:
        docs = [d for d in documents if d.kind is kind]
        out.append(DocumentCounts(
            kind=kind,
            issued=sum(1 for d in docs if start <= d.issued_on <= end),
            repealed=sum(1 for d in docs if d.repealed_on is not None and start <= d.repealed_on <= end),
            in_force=sum(1 for d in docs if d.in_force_on(end)),
        ))
    return out


__all__ = [
    "ChainStage",
    "ChainState",
    "DocumentCounts",
    "RegisterLine",
    "Timeliness",
    "chain_state",
    "document_counts",
    "find_application_by_number",
    "get_item",
    "list_register",
    "register_line",
    "register_years",
]
