"""The reply deadline of an application (条例 第三十条—第三十四条, statute.md §1, §2, §5), explained as segments.

Counting rules, exactly as computed here:

* **Start.** Every period starts the day after its triggering day (开始的当日不计入). The N-day period ends on the
  N-th working day *after* the triggering day; that day is the due date and the reply is in time on it.
* **Received date** (第三十一条): from the channel and the dates given — see :func:`received_date`.
* **Correction** (第三十条): the notice is due within 7 working days after receipt (a deadline of its own, in
  ``other_deadlines``). Once the corrected application is received on day C the reply period starts again and
  counts from the day after C; the working days between receipt and C form a ``restart`` segment and count for
  nothing. While the correction is awaited there is no due date (status ``awaiting_correction``).
* **Pauses** (第三十三条第三款; 第三十二条 third parties, 第三十四条 other agencies): a pause from A to B excludes
  the days in **(A, B]** — A, the day the request is sent, still counts; B, the day the answer arrives (or the
  consultation period ends), does not; counting resumes the day after B. So (A, B] then (B, C] equals (A, C];
  A == B excludes nothing; overlapping pauses are merged. A pause with no end yet suspends the clock (status
  ``suspended``): the result gives the working days counted and remaining, and no due date.
* **Extension** (第三十三条第二款): at most 20 working days, counted after the base due date, with the approver
  recorded; pauses still apply during the extension.
* **Fee notice** (国办函〔2020〕109号): payment is due within 20 working days from the day after the applicant
  received the notice (in ``other_deadlines``). Whether waiting for payment is excluded from the reply period is
  :attr:`DeadlineRules.exclude_fee_wait`; by default it is **not** (no text provides for it, and not excluding
  never makes a deadline later than the 条例 allows). When excluded, the wait is the pause (notice sent, paid].
* **Unknown calendar.** The year of the triggering day must be covered, else :class:`CalendarUnknown` is raised.
  When the count reaches a year no calendar covers, the result is **provisional**: ``due`` is ``None``,
  ``uncovered_year`` names the year, ``counted_working_days`` are those counted up to ``known_until`` (31 December of
  the last covered year), ``remaining_working_days`` the rest, and ``earliest_possible_due`` is a lower bound only
  (``known_until`` + the remaining days, as if every unknown day were a working day) — never a deadline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TypeVar

from gongkai.desk import basis
from gongkai.desk.calendar import CalendarUnknown, WorkCalendar
from gongkai.desk.model import (
    CORRECTION_NOTICE_WORKING_DAYS,
    EXTENSION_MAX_WORKING_DAYS,
    FEE_PAYMENT_WORKING_DAYS,
    REPLY_WORKING_DAYS,
    Channel,
    CorrectionReceived,
    CorrectionRequested,
    DeadlineInputError,
    DeadlineRules,
    EmailRule,
    Event,
    Extension,
    FeeNotice,
    Pause,
    PauseKind,
    Receipt,
    ReplyDeadline,
    Segment,
    SegmentKind,
    SideDeadline,
    Status,
    parse_channel,
)

# ---------------------------------------------------------------- computing


def received_date(receipt: Receipt, rules: DeadlineRules | None = None) -> tuple[date, str, tuple[str, ...]]:
    """The received date under 第三十一条, its legal basis, and any remarks."""
    rules = rules or DeadlineRules()
    ch = receipt.channel

    def need(value: date | None, what: str) -> date:
        if value is None:
            raise DeadlineInputError(f"以“{ch}”方式提交的申请须给出{what}")
        return value

    if ch is None:
        return need(receipt.on, "收到申请之日"), basis.RECEIVED_UNSPECIFIED, ()
    if ch is Channel.IN_PERSON:
        return need(receipt.handed_in, "提交之日"), basis.RECEIVED_IN_PERSON, ()
    if ch is Channel.POST:
        return need(receipt.signed_for, "行政机关签收之日"), basis.RECEIVED_POST, ()
    if ch is Channel.ORDINARY_LETTER:
        day = need(receipt.confirmed, "与申请人确认之日")
        notes: tuple[str, ...] = ()
        if receipt.arrived is not None and day < receipt.arrived:
            raise DeadlineInputError(f"确认之日 {day} 早于信件到达之日 {receipt.arrived}")
        if receipt.arrived is not None and day > receipt.arrived:
            notes = (f"信件 {receipt.arrived} 到达，{day} 才与申请人确认：第三十一条要求于收到申请的当日确认",)
        return day, basis.RECEIVED_LETTER, notes
    if ch in (Channel.INTERNET, Channel.FAX):
        return need(receipt.confirmed, "双方确认之日"), basis.RECEIVED_ONLINE, ()
    if rules.email_rule is EmailRule.SYSTEM_RECEIVED:
        return need(receipt.system_received, "电子邮件系统收到之日"), basis.RECEIVED_EMAIL_SYSTEM, ()
    return need(receipt.confirmed, "双方确认之日"), basis.RECEIVED_EMAIL_CONFIRMED, ()


def _side(cal: WorkCalendar, name: str, trigger: date, days: int, why: str, actual: date | None) -> SideDeadline:
    try:
        due: date | None = cal.add_working_days(trigger, days)
    except CalendarUnknown as exc:
        return SideDeadline(name, trigger, days, None, why, actual, None, True, exc.year)
    met = None if actual is None or due is None else actual <= due
    return SideDeadline(name, trigger, days, due, why, actual, met)


@dataclass
class _Interval:
    start: date  # excluded days are (start, end]
    end: date | None
    kinds: list[PauseKind]
    used: bool = False

    def covers(self, day: date) -> bool:
        return self.start < day and (self.end is None or day <= self.end)

    @property
    def basis(self) -> str:
        texts = {
            PauseKind.THIRD_PARTY: basis.THIRD_PARTY,
            PauseKind.OTHER_AGENCY: basis.OTHER_AGENCY,
            PauseKind.CONSULTATION: basis.PAUSE,
            PauseKind.FEE: basis.FEE_PAUSE,
        }
        return "；".join(dict.fromkeys(texts[k] for k in self.kinds))


def _merge(pauses: Sequence[Pause]) -> list[_Interval]:
    out: list[_Interval] = []
    for p in sorted(pauses, key=lambda p: (p.start, p.end is not None, p.end or p.start)):
        last = out[-1] if out else None
        if last is not None and (last.end is None or p.start < last.end):
            last.end = None if last.end is None or p.end is None else max(last.end, p.end)
            if p.kind not in last.kinds:
                last.kinds.append(p.kind)
        else:
            out.append(_Interval(p.start, p.end, [p.kind]))
    return out


@dataclass
class _Walk:
    segments: list[Segment] = field(default_factory=list)
    counted: int = 0
    base_due: date | None = None
    due: date | None = None
    uncovered_year: int | None = None
    known_until: date | None = None
    suspended_since: date | None = None
    last_day: date | None = None


def _walk(
    cal: WorkCalendar, trigger: date, base: int, ext: int, ext_basis: str, intervals: list[_Interval], w: _Walk
) -> _Walk:
    """Count ``base + ext`` working days after ``trigger``, skipping the pauses; append the segments to ``w``."""
    total = base + ext
    open_kind: SegmentKind | None = None
    open_key: object = None
    open_from = trigger
    open_basis = ""
    open_days = 0

    def close(to: date | None) -> None:
        if open_kind is not None:
            w.segments.append(Segment(open_kind, open_from, to, open_days, open_basis))

    day = trigger
    while w.counted < total:
        day += timedelta(1)
        interval = next((iv for iv in intervals if iv.covers(day)), None)
        if interval is not None and interval.end is None:
            interval.used = True
            close(day - timedelta(1))
            w.segments.append(Segment(SegmentKind.PAUSED, day, None, 0, interval.basis))
            w.suspended_since = interval.start
            w.last_day = day - timedelta(1)
            return w
        if not cal.is_covered(day.year):
            close(day - timedelta(1))
            w.uncovered_year = day.year
            w.known_until = w.last_day = day - timedelta(1)
            return w
        if interval is not None:
            interval.used = True
            key: object = id(interval)
            kind, why = SegmentKind.PAUSED, interval.basis
        elif w.counted < base:
            key, kind, why = SegmentKind.COUNTING, SegmentKind.COUNTING, basis.REPLY
        else:
            key, kind, why = SegmentKind.EXTENSION, SegmentKind.EXTENSION, ext_basis
        if key != open_key:
            close(day - timedelta(1))
            open_key, open_kind, open_from, open_basis, open_days = key, kind, day, why, 0
        if cal.is_working_day(day):
            open_days += 1
            if interval is None:
                w.counted += 1
                if w.counted == base:
                    w.base_due = day
    close(day)
    w.due = w.last_day = day
    return w


T = TypeVar("T")


def _one(events: Sequence[Event], kind: type[T], what: str) -> T | None:
    found = [e for e in events if isinstance(e, kind)]
    if len(found) > 1:
        raise DeadlineInputError(what)
    return found[0] if found else None


def compute_reply_deadline(
    events: Sequence[Event], calendar: WorkCalendar, rules: DeadlineRules | None = None
) -> ReplyDeadline:
    """The reply deadline from an application's events (in any order). See the module docs for every rule."""
    rules = rules or DeadlineRules()
    receipt = _one(events, Receipt, "一件申请只能有一个收到申请事件")
    if receipt is None:
        raise DeadlineInputError("缺少收到申请事件（Receipt）")
    received, received_basis, receipt_notes = received_date(receipt, rules)
    notes = list(receipt_notes)
    requested = _one(events, CorrectionRequested, "第三十条：补正应当一次性告知，不能有多次补正告知")
    corrected = _one(events, CorrectionReceived, "第三十条：补正应当一次性告知，不能有多次补正")
    extension = _one(events, Extension, "第三十三条第二款：延长的期限最长不得超过20个工作日，只能延长一次")
    fee = _one(events, FeeNotice, "一件申请只能有一份收费通知")
    pauses = [e for e in events if isinstance(e, Pause)]

    if calendar.arrangement(received.year) is None:
        raise CalendarUnknown(received.year)
    others: list[SideDeadline] = []
    if requested is not None or corrected is not None:
        if requested is not None and requested.sent < received:
            raise DeadlineInputError(f"补正告知之日 {requested.sent} 早于收到申请之日 {received}")
        side = _side(
            calendar, "补正告知期限", received, CORRECTION_NOTICE_WORKING_DAYS, basis.CORRECTION_NOTICE,
            requested.sent if requested else None,
        )
        others.append(side)
        if side.met is False:
            notes.append(f"补正告知于 {side.actual} 发出，晚于第三十条规定的期限 {side.due}")
    if corrected is not None:
        if corrected.received < received:
            raise DeadlineInputError(f"收到补正申请之日 {corrected.received} 早于收到申请之日 {received}")
        if requested is not None and corrected.received < requested.sent:
            raise DeadlineInputError(f"收到补正申请之日 {corrected.received} 早于补正告知之日 {requested.sent}")
    for p in pauses:
        if p.kind is PauseKind.FEE:
            raise DeadlineInputError("等待缴费期间是否扣除由配置 exclude_fee_wait 决定，请以收费通知（FeeNotice）记录")
        if p.start < received:
            raise DeadlineInputError(f"{p.kind}开始之日 {p.start} 早于收到申请之日 {received}")
        if p.end is not None and p.end < p.start:
            raise DeadlineInputError(f"{p.kind}的结束之日 {p.end} 早于开始之日 {p.start}")
    ext_days = 0
    ext_basis = basis.EXTENSION
    if extension is not None:
        if not 1 <= extension.days <= EXTENSION_MAX_WORKING_DAYS:
            raise DeadlineInputError(f"延长 {extension.days} 个工作日：第三十三条第二款规定延长的期限最长不得超过20个工作日")
        if not extension.approver.strip():
            raise DeadlineInputError("延长答复期限须记录批准人（政府信息公开工作机构负责人）")
        ext_days = extension.days
        ext_basis = f"{basis.EXTENSION}（批准人：{extension.approver.strip()}）"
    if fee is not None:
        if fee.sent < received:
            raise DeadlineInputError(f"收费通知发出之日 {fee.sent} 早于收到申请之日 {received}")
        if fee.applicant_received is not None and fee.applicant_received < fee.sent:
            raise DeadlineInputError(f"申请人收到收费通知之日 {fee.applicant_received} 早于发出之日 {fee.sent}")
        if fee.paid is not None and fee.paid < fee.sent:
            raise DeadlineInputError(f"缴费之日 {fee.paid} 早于收费通知发出之日 {fee.sent}")
        if fee.applicant_received is not None:
            side = _side(calendar, "缴费期限", fee.applicant_received, FEE_PAYMENT_WORKING_DAYS, basis.FEE_PAYMENT, fee.paid)
            others.append(side)
            if side.met is False:
                notes.append(f"申请人于 {fee.paid} 缴费，晚于缴费期限 {side.due}：逾期未缴纳的，视为放弃申请")
        else:
            notes.append("申请人收到收费通知之日未知，无法计算缴费期限")
        if rules.exclude_fee_wait:
            pauses.append(Pause(PauseKind.FEE, fee.sent, fee.paid))

    if corrected is None and requested is not None:
        # The reply period has not started: it counts from the day the corrected application is received.
        notes.append("等待申请人补正：答复期限自行政机关收到补正的申请之日起计算")
        restart = Segment(SegmentKind.RESTART, received + timedelta(1), None, 0, basis.RESTART)
        walk = _Walk(segments=[restart])
        trigger, status = received, Status.AWAITING_CORRECTION
    else:
        trigger, walk = received, _Walk()
        if corrected is not None:
            trigger = corrected.received
            if calendar.arrangement(trigger.year) is None:
                raise CalendarUnknown(trigger.year)
            if trigger > received:
                lost = calendar.working_days_between(received, trigger)
                walk.segments.append(Segment(SegmentKind.RESTART, received + timedelta(1), trigger, lost, basis.RESTART))
            else:
                notes.append("补正的申请于收到申请当日收到：答复期限仍自该日的次日起计算")
        intervals = _merge(pauses)
        walk = _walk(calendar, trigger, REPLY_WORKING_DAYS, ext_days, ext_basis, intervals, walk)
        notes.extend(_walk_notes(calendar, trigger, walk, intervals, extension, fee))
        if walk.suspended_since is not None:
            status = Status.SUSPENDED
            notes.append(f"自 {walk.suspended_since} 起的期间不计算在答复期限内，尚未结束；结束后继续计算剩余工作日")
        elif walk.uncovered_year is not None:
            status = Status.PROVISIONAL
            notes.append(
                f"{walk.uncovered_year}年工作日历未知：已计 {walk.counted} 个工作日（至 {walk.known_until}），"
                f"尚余 {REPLY_WORKING_DAYS + ext_days - walk.counted} 个工作日，答复期限暂无法确定"
            )
        else:
            status = Status.DUE

    total = REPLY_WORKING_DAYS + ext_days
    earliest = None
    if walk.known_until is not None:
        earliest = walk.known_until + timedelta(total - walk.counted)
    return ReplyDeadline(
        status=status,
        due=walk.due,
        provisional=status is Status.PROVISIONAL,
        uncovered_year=walk.uncovered_year,
        received=received,
        received_basis=received_basis,
        channel=receipt.channel,
        period_start=trigger,
        base_due=walk.base_due,
        reply_working_days=REPLY_WORKING_DAYS,
        extension_working_days=ext_days,
        extension_approver=extension.approver.strip() if extension else None,
        counted_working_days=walk.counted,
        remaining_working_days=total - walk.counted,
        known_until=walk.known_until,
        earliest_possible_due=earliest,
        suspended_since=walk.suspended_since,
        segments=tuple(walk.segments),
        other_deadlines=tuple(others),
        notes=tuple(notes),
        calendar_fingerprint=calendar.fingerprint(),
        rules=rules,
    )


def _walk_notes(
    cal: WorkCalendar,
    trigger: date,
    walk: _Walk,
    intervals: list[_Interval],
    extension: Extension | None,
    fee: FeeNotice | None,
) -> list[str]:
    notes: list[str] = []
    for iv in intervals:
        if iv.used or (iv.end is not None and iv.end <= iv.start):
            continue
        if iv.end is not None and iv.end <= trigger:
            notes.append(f"{iv.start} 至 {iv.end} 的不计算期间在答复期限起算之前，不影响期限")
        elif walk.due is not None and iv.start >= walk.due:
            notes.append(f"{iv.start} 起的不计算期间在答复期限届满之后，不影响期限")
    if (
        extension is not None
        and extension.approved is not None
        and walk.base_due is not None
        and extension.approved > walk.base_due
    ):
        notes.append(f"批准延长之日 {extension.approved} 晚于原答复期限 {walk.base_due}")
    if fee is not None and walk.due is not None and fee.sent > walk.due:
        notes.append(f"收费通知于 {fee.sent} 发出，晚于答复期限 {walk.due}：收费通知应当在答复期限内发出")
    if walk.last_day is not None:
        day = trigger + timedelta(1)
        while day <= walk.last_day:
            if cal.year_end_unsettled(day):
                notes.append(
                    f"{day.year}年12月末的日期可能被{day.year + 1}年节假日安排调整（该年度安排尚未载入），公布后请重新计算"
                )
                break
            day += timedelta(1)
    return notes


def calc_deadline(
    received: date,
    channel: str | None,
    corrected: date | None,
    pauses: list[tuple[date, date]],
    extend: bool,
    calendar: WorkCalendar,
    *,
    approver: str | None = None,
    rules: DeadlineRules | None = None,
) -> ReplyDeadline:
    """What-if: the deadline for an application received on ``received`` by ``channel`` (the channel's own date:
    handed in, signed for, confirmed…), optionally corrected, paused by consultations, extended by 20 days."""
    rules = rules or DeadlineRules()
    ch = parse_channel(channel) if channel else None
    events: list[Event] = [Receipt.of(ch, received, rules)]
    if corrected is not None:
        events.append(CorrectionReceived(corrected))
    events.extend(Pause(PauseKind.CONSULTATION, a, b) for a, b in pauses)
    if extend:
        events.append(Extension(approver or "未记录（试算）"))
    result = compute_reply_deadline(events, calendar, rules)
    if extend and not approver:
        note = "延长答复期限应当经政府信息公开工作机构负责人同意并告知申请人（本次试算未记录批准人）"
        result = replace(result, notes=(*result.notes, note))
    return result
