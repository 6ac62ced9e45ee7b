"""A reply deadline as plain data (JSON) and as Chinese text, segment by segment."""

from __future__ import annotations

from datetime import date
from typing import Any

from gongkai.desk.model import STATUS_LABELS, ReplyDeadline, Segment, SideDeadline

WEEKDAYS = "一二三四五六日"


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def cn_date(day: date | None) -> str:
    if day is None:
        return "（未定）"
    return f"{day.isoformat()}（星期{WEEKDAYS[day.weekday()]}）"


def segment_dict(seg: Segment) -> dict[str, Any]:
    return {
        "kind": seg.kind.value,
        "label": seg.label,
        "from": _iso(seg.from_date),
        "to": _iso(seg.to_date),
        "working_days": seg.working_days,
        "basis": seg.basis,
    }


def side_dict(side: SideDeadline) -> dict[str, Any]:
    return {
        "name": side.name,
        "trigger": _iso(side.trigger),
        "working_days": side.working_days,
        "due": _iso(side.due),
        "basis": side.basis,
        "actual": _iso(side.actual),
        "met": side.met,
        "provisional": side.provisional,
        "uncovered_year": side.uncovered_year,
    }


def deadline_dict(d: ReplyDeadline) -> dict[str, Any]:
    """JSON-ready: every date as ISO text, enums as their values."""
    return {
        "status": d.status.value,
        "due": _iso(d.due),
        "provisional": d.provisional,
        "uncovered_year": d.uncovered_year,
        "received": _iso(d.received),
        "received_basis": d.received_basis,
        "channel": None if d.channel is None else d.channel.value,
        "period_start": _iso(d.period_start),
        "base_due": _iso(d.base_due),
        "reply_working_days": d.reply_working_days,
        "extension_working_days": d.extension_working_days,
        "extension_approver": d.extension_approver,
        "counted_working_days": d.counted_working_days,
        "remaining_working_days": d.remaining_working_days,
        "known_until": _iso(d.known_until),
        "earliest_possible_due": _iso(d.earliest_possible_due),
        "suspended_since": _iso(d.suspended_since),
        "segments": [segment_dict(s) for s in d.segments],
        "other_deadlines": [side_dict(s) for s in d.other_deadlines],
        "notes": list(d.notes),
        "calendar_fingerprint": d.calendar_fingerprint,
        "rules": {"exclude_fee_wait": d.rules.exclude_fee_wait, "email_rule": d.rules.email_rule.value},
    }


def explain_lines(d: ReplyDeadline) -> list[str]:
    """The deadline in Chinese, one line per fact and per segment."""
    lines = [f"答复期限：{cn_date(d.due)}　状态：{STATUS_LABELS[d.status]}"]
    if d.provisional:
        lines.append(
            f"　{d.uncovered_year}年工作日历未知：已计 {d.counted_working_days} 个工作日（至 {d.known_until}），"
            f"尚余 {d.remaining_working_days} 个工作日；最早不早于 {d.earliest_possible_due}（下限，不是期限）"
        )
    if d.extension_working_days and d.base_due is not None:
        lines.append(f"原答复期限：{cn_date(d.base_due)}　延长 {d.extension_working_days} 个工作日（批准人：{d.extension_approver}）")
    lines.append(f"收到申请之日：{cn_date(d.received)}　依据：{d.received_basis}")
    if d.period_start != d.received:
        lines.append(f"重新起算之日：{cn_date(d.period_start)}")
    lines.append("计算过程（开始的当日不计入，自次日起计算）：")
    for n, seg in enumerate(d.segments, 1):
        to = "（未结束）" if seg.to_date is None else seg.to_date.isoformat()
        lines.append(f"　{n}. {seg.label}　{seg.from_date.isoformat()} 至 {to}　{seg.working_days} 个工作日　依据：{seg.basis}")
    if d.other_deadlines:
        lines.append("其他期限：")
        for side in d.other_deadlines:
            state = ""
            if side.met is not None:
                state = f"　实际 {side.actual}，{'未超期' if side.met else '已超期'}"
            if side.provisional:
                state += f"　（{side.uncovered_year}年工作日历未知，暂无法确定）"
            lines.append(f"　{side.name}：{cn_date(side.due)}{state}　依据：{side.basis}")
    for note in d.notes:
        lines.append(f"注意：{note}")
    lines.append(f"日历指纹：{d.calendar_fingerprint[:16]}")
    return lines
