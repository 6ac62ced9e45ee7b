"""主动公开: items with their review chain (承办人 → 保密审查 → 领导签发; “先审查、后公开，一事一审”), publication
channels, and the 20-working-day limit of 第二十六条.

The chain is per item. Each step names who decided, when, the decision and a comment. A step ``退回修改`` sends the
item back to the drafter: the chain starts again. ``不予公开`` ends it: the item is not published. An item can be
published only after all three steps approved it, in order, and not before the leader signed (先审查、后公开).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from gongkai.desk.calendar import CalendarUnknown, WorkCalendar
from gongkai.ledger import mapping
from gongkai.ledger.common import agency_row, calendar_or_default, owned
from gongkai.ledger.domain import ProactiveItem
from gongkai.ledger.schemas import ProactiveItemIn, PublicationIn, ReviewStepIn
from gongkai.store.errors import ConflictError, InvalidRecord
from gongkai.store.orm import ProactiveItemRow, PublicationRow, ReviewStepRow, utcnow
from gongkai.store.vocab import REVIEW_CHAIN, PublicationChannel, ReviewDecision, ReviewStepKind

PUBLISH_WORKING_DAYS = 20  # 第二十六条


def _steps(session: Session, item_ids: Sequence[int]) -> dict[int, list[ReviewStepRow]]:
    out: dict[int, list[ReviewStepRow]] = defaultdict(list)
    if item_ids:
        stmt = select(ReviewStepRow).where(ReviewStepRow.item_id.in_(item_ids)).order_by(ReviewStepRow.id)
        for s in session.scalars(stmt):
            out[s.item_id].append(s)
    return out


def _publications(session: Session, item_ids: Sequence[int]) -> dict[int, list[PublicationRow]]:
    out: dict[int, list[PublicationRow]] = defaultdict(list)
    if item_ids:
        stmt = select(PublicationRow).where(PublicationRow.item_id.in_(item_ids)).order_by(PublicationRow.id)
        for p in session.scalars(stmt):
            out[p.item_id].append(p)
    return out


def _to_domain(
    row: ProactiveItemRow, steps: Sequence[ReviewStepRow], pubs: Sequence[PublicationRow], cal: WorkCalendar
) -> ProactiveItem:
    try:
        due: date | None = cal.add_working_days(row.formed_on, PUBLISH_WORKING_DAYS)
    except CalendarUnknown:
        due = None
    late = None if due is None or row.published_on is None else row.published_on > due
    return mapping.proactive_item(row, steps, pubs, due, late)


def _current_chain(steps: Sequence[ReviewStepRow]) -> list[ReviewStepRow]:
    """The steps since the chain last started again (after a 退回修改)."""
    start = 0
    for i, s in enumerate(steps):
        if s.decision is ReviewDecision.RETURNED:
            start = i + 1
    return list(steps[start:])


def chain_complete(steps: Sequence[ReviewStepRow]) -> bool:
    chain = _current_chain(steps)
    return [s.step for s in chain] == list(REVIEW_CHAIN) and all(
        s.decision is ReviewDecision.APPROVED for s in chain
    )


def create_item(
    *, session: Session, agency_id: int, data: ProactiveItemIn, calendar: WorkCalendar | None = None
) -> ProactiveItem:
    agency_row(session, agency_id)
    row = ProactiveItemRow(
        agency_id=agency_id,
        title=data.title,
        category=data.category,
        local_category=data.local_category,
        document_number=data.document_number,
        formed_on=data.formed_on,
        created_by=data.actor,
    )
    session.add(row)
    session.flush()
    return _to_domain(row, [], [], calendar_or_default(calendar))


def _flush(session: Session, row: ProactiveItemRow) -> None:
    what = f"主动公开事项“{row.title}”"  # before the flush: a failed flush expires the row
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConflictError(what) from exc


def add_review_step(
    *,
    session: Session,
    agency_id: int,
    item_id: int,
    data: ReviewStepIn,
    calendar: WorkCalendar | None = None,
    expected_version: int | None = None,
) -> ProactiveItem:
    row = owned(session, ProactiveItemRow, agency_id, item_id, "主动公开事项")
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(f"主动公开事项“{row.title}”")
    if row.published_on is not None:
        raise InvalidRecord(f"“{row.title}”已于 {row.published_on} 公开，不能再审查")
    steps = _steps(session, [row.id])[row.id]
    chain = _current_chain(steps)
    if chain and chain[-1].decision is ReviewDecision.REFUSED:
        raise InvalidRecord(f"“{row.title}”已决定不予公开，审查已结束")
    expected = REVIEW_CHAIN[len(chain)] if len(chain) < len(REVIEW_CHAIN) else None
    if expected is None:
        raise InvalidRecord(f"“{row.title}”的审查已完成（承办人 → 保密审查 → 领导签发）")
    if data.step is not expected:
        raise InvalidRecord(f"审查顺序为承办人 → 保密审查 → 领导签发：下一步应为“{expected.label}”，不是“{data.step.label}”")
    if steps and data.decided_at < steps[-1].decided_at:
        raise InvalidRecord(f"“{data.step.label}”的时间 {data.decided_at} 早于上一步 {steps[-1].decided_at}")
    if data.decided_at.date() < row.formed_on:
        raise InvalidRecord(f"审查时间 {data.decided_at} 早于信息形成之日 {row.formed_on}")
    step = ReviewStepRow(
        agency_id=agency_id,
        item_id=row.id,
        step=data.step,
        reviewer=data.reviewer,
        decided_at=data.decided_at,
        decision=data.decision,
        comment=data.comment,
    )
    session.add(step)
    row.updated_at = utcnow()  # one step at a time: two reviewers acting at once cannot both pass the order check
    _flush(session, row)
    return _to_domain(row, [*steps, step], _publications(session, [row.id])[row.id], calendar_or_default(calendar))


def publish_item(
    *,
    session: Session,
    agency_id: int,
    item_id: int,
    data: PublicationIn,
    calendar: WorkCalendar | None = None,
    expected_version: int | None = None,
) -> ProactiveItem:
    """Record publication on one or more channels. 先审查、后公开: refused unless the chain is complete and the
    publication is not before the leader's sign-off."""
    row = owned(session, ProactiveItemRow, agency_id, item_id, "主动公开事项")
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(f"主动公开事项“{row.title}”")
    steps = _steps(session, [row.id])[row.id]
    if not chain_complete(steps):
        raise InvalidRecord(f"“{row.title}”未完成承办人 → 保密审查 → 领导签发的审查，不能公开（先审查、后公开）")
    signed = steps[-1].decided_at.date()
    if data.published_on < signed:
        raise InvalidRecord(f"公开日期 {data.published_on} 早于领导签发日期 {signed}（先审查、后公开）")
    pubs = _publications(session, [row.id])[row.id]
    have = {p.channel for p in pubs}
    repeated = [channel for channel in data.channels if channel in have]
    if repeated:  # checked before anything is added: a refused publication stages nothing
        raise InvalidRecord(f"“{row.title}”已在{repeated[0].label}公开")
    for channel in data.channels:
        pub = PublicationRow(
            agency_id=agency_id, item_id=row.id, channel=channel, published_on=data.published_on, url=data.url
        )
        session.add(pub)
        pubs.append(pub)
    if row.published_on is None or data.published_on < row.published_on:
        row.published_on = data.published_on  # the first publication dates the item
    row.updated_at = utcnow()
    _flush(session, row)
    return _to_domain(row, steps, pubs, calendar_or_default(calendar))


def list_items(
    *, session: Session, agency_id: int, year: int | None = None, calendar: WorkCalendar | None = None
) -> list[ProactiveItem]:
    """The agency's items (published in ``year``, when given), with review chain, channels and lateness."""
    stmt = select(ProactiveItemRow).where(ProactiveItemRow.agency_id == agency_id)
    if year is not None:
        stmt = stmt.where(
            ProactiveItemRow.published_on >= date(year, 1, 1), ProactiveItemRow.published_on <= date(year, 12, 31)
        )
    rows = list(session.scalars(stmt.order_by(ProactiveItemRow.formed_on, ProactiveItemRow.id)))
    return items_from_rows(session, rows, calendar)


def items_from_rows(
    session: Session, rows: Sequence[ProactiveItemRow], calendar: WorkCalendar | None = None
) -> list[ProactiveItem]:
    """Stored items as domain items, in the order given, with their review steps and publications (two queries
    for all of them) and the 20-working-day deadline of 第二十六条."""
    ids = [r.id for r in rows]
    steps, pubs = _steps(session, ids), _publications(session, ids)
    cal = calendar_or_default(calendar)
    return [_to_domain(r, steps[r.id], pubs[r.id], cal) for r in rows]


@dataclass(frozen=True)
class ProactiveSummary:
    """What section 二 of the annual report says about the year's proactive disclosure."""

    published: int
    late: int
    unknown_lateness: int
    by_channel: dict[PublicationChannel, int] = field(default_factory=dict)
    by_category: dict[int, int] = field(default_factory=dict)
    reviewed_steps: int = 0
    late_titles: tuple[str, ...] = ()


def summarise(*, session: Session, agency_id: int, year: int, calendar: WorkCalendar | None = None) -> ProactiveSummary:
    items = list_items(session=session, agency_id=agency_id, year=year, calendar=calendar)
    channels: Counter[PublicationChannel] = Counter(p.channel for i in items for p in i.publications)
    categories: Counter[int] = Counter(i.category for i in items)
    return ProactiveSummary(
        published=len(items),
        late=sum(1 for i in items if i.published_late),
        unknown_lateness=sum(1 for i in items if i.published_late is None),
        by_channel=dict(channels),
        by_category=dict(sorted(categories.items())),
        reviewed_steps=sum(len(i.review) for i in items),
        late_titles=tuple(i.title for i in items if i.published_late),
    )


__all__ = ["ReviewStepKind", "add_review_step", "chain_complete", "create_item", "list_items", "publish_item", "summarise"]
