"""Reply deadlines under 条例 第三十条—第三十四条, hand-computed across holidays and 调休 days, plus properties.

Calendar facts used below (statute.md §5, shipped in gongkai/data/holidays.toml):
  2025: 10/1–10/8 放假; 9/28 (Sun) and 10/11 (Sat) 调休上班.
  2024: 2/10–2/17 放假; 2/4 (Sun) and 2/18 (Sun) 调休上班.
  2026: no arrangement after 2026 is shipped, so 2027 is unknown.
Every period starts the day after its triggering day (开始的当日不计入); “WD n” marks the n-th working day counted.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gongkai.desk.calendar import CalendarUnknown, WorkCalendar
from gongkai.desk.deadline import calc_deadline, compute_reply_deadline, received_date
from gongkai.desk.model import (
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
    SegmentKind,
    Status,
)

CAL = WorkCalendar.load(env={})
D = date


def calc(received: date, **kw: Any) -> ReplyDeadline:
    args: dict[str, Any] = {"channel": None, "corrected": None, "pauses": [], "extend": False, "calendar": CAL}
    args.update(kw)
    return calc_deadline(received, **args)


def due(received: date, **kw: Any) -> date:
    """The due date of a computation that must be settled (not provisional, not suspended)."""
    r = calc(received, **kw)
    assert r.due is not None, r.status
    return r.due


# ---------------------------------------------------------------- hand-computed scenarios


def test_received_on_saturday_before_national_day_2025() -> None:
    # Received Saturday 2025-09-20 (in person). Counting starts 09-21:
    #   09-21 Sun off; 09-22 Mon WD1, 23 WD2, 24 WD3, 25 WD4, 26 WD5; 09-27 Sat off;
    #   09-28 Sun 调休上班 WD6; 09-29 WD7; 09-30 WD8; 10-01..10-08 放假;
    #   10-09 Thu WD9; 10-10 Fri WD10; 10-11 Sat 调休上班 WD11; 10-12 Sun off;
    #   10-13..10-17 WD12..WD16; 10-18/19 weekend; 10-20 WD17, 21 WD18, 22 WD19, 23 WD20.
    r = calc_deadline(D(2025, 9, 20), "当面", None, [], False, CAL)
    assert r.due == D(2025, 10, 23) and r.status is Status.DUE and not r.provisional
    assert [(s.kind, s.from_date, s.to_date, s.working_days) for s in r.segments] == [
        (SegmentKind.COUNTING, D(2025, 9, 21), D(2025, 10, 23), 20)
    ]
    assert r.segments[0].basis.startswith("第三十三条第二款：") and "20个工作日内予以答复" in r.segments[0].basis
    assert r.received_basis.startswith("第三十一条第一项")


def test_extension_adds_twenty_working_days() -> None:
    # Base due 2025-10-23 (above). Extension counts from 10-24:
    #   10-24 Fri WD1; 10-27..10-31 WD2..WD6; 11-03..11-07 WD7..WD11; 11-10..11-14 WD12..WD16;
    #   11-17 WD17, 18 WD18, 19 WD19, 20 WD20 → 2025-11-20.
    r = calc_deadline(D(2025, 9, 20), None, None, [], True, CAL, approver="办公室主任张某")
    assert r.base_due == D(2025, 10, 23) and r.due == D(2025, 11, 20)
    ext = r.segments[-1]
    assert (ext.kind, ext.from_date, ext.to_date, ext.working_days) == (
        SegmentKind.EXTENSION, D(2025, 10, 24), D(2025, 11, 20), 20
    )
    assert "第三十三条第二款" in ext.basis and "批准人：办公室主任张某" in ext.basis
    assert r.extension_approver == "办公室主任张某"


def test_correction_restarts_the_period() -> None:
    # Received 2025-09-20; 补正 notice due 7 WD later: 09-22..26 WD1..5, 09-28 WD6, 09-29 WD7 → 2025-09-29.
    # The notice went out 09-30 (late). Corrected application received Tuesday 2025-09-30: counting restarts 10-01:
    #   10-01..10-08 放假; 10-09 WD1, 10-10 WD2, 10-11 (Sat 调休) WD3; 10-13..17 WD4..8; 10-20..24 WD9..13;
    #   10-27..31 WD14..18; 11-03 WD19; 11-04 WD20 → 2025-11-04.
    # Restart segment (09-20, 09-30]: 09-22..26 (5) + 09-28, 29, 30 (3) = 8 working days that count for nothing.
    events: list[Event] = [
        Receipt(Channel.POST, signed_for=D(2025, 9, 20)),
        CorrectionRequested(D(2025, 9, 30)),
        CorrectionReceived(D(2025, 9, 30)),
    ]
    r = compute_reply_deadline(events, CAL)
    assert r.due == D(2025, 11, 4) and r.period_start == D(2025, 9, 30)
    restart, counting = r.segments
    assert (restart.kind, restart.from_date, restart.to_date, restart.working_days) == (
        SegmentKind.RESTART, D(2025, 9, 21), D(2025, 9, 30), 8
    )
    assert restart.basis == "第三十条：答复期限自行政机关收到补正的申请之日起计算"
    assert (counting.from_date, counting.to_date, counting.working_days) == (D(2025, 10, 1), D(2025, 11, 4), 20)
    (notice,) = r.other_deadlines
    assert (notice.name, notice.due, notice.met) == ("补正告知期限", D(2025, 9, 29), False)
    assert "7个工作日内" in notice.basis
    assert any("晚于第三十条" in n for n in r.notes)
    # The what-if function gives the same date.
    assert calc(D(2025, 9, 20), corrected=D(2025, 9, 30)).due == D(2025, 11, 4)


def test_awaiting_correction_has_no_due_date() -> None:
    r = compute_reply_deadline([Receipt.of(None, D(2025, 9, 20)), CorrectionRequested(D(2025, 9, 25))], CAL)
    assert r.status is Status.AWAITING_CORRECTION and r.due is None
    assert r.other_deadlines[0].met is True  # 09-25 <= 09-29


def test_consultation_pause() -> None:
    # Received 2025-09-20; third party consulted from 10-09 (request sent) to 10-20 (answer received).
    # The pause excludes (10-09, 10-20]. Counting 09-21..10-09: WD1..WD8 as above, 10-09 WD9.
    # Paused 10-10..10-20: 10-10, 10-11 (调休), 10-13..17, 10-20 = 8 working days not counted.
    # Counting resumes 10-21: 10-21 WD10, 22 WD11, 23 WD12, 24 WD13; 10-27..31 WD14..18; 11-03 WD19; 11-04 WD20.
    r = compute_reply_deadline(
        [Receipt.of(Channel.IN_PERSON, D(2025, 9, 20)), Pause(PauseKind.THIRD_PARTY, D(2025, 10, 9), D(2025, 10, 20))],
        CAL,
    )
    assert r.due == D(2025, 11, 4)
    assert [(s.kind, s.from_date, s.to_date, s.working_days) for s in r.segments] == [
        (SegmentKind.COUNTING, D(2025, 9, 21), D(2025, 10, 9), 9),
        (SegmentKind.PAUSED, D(2025, 10, 10), D(2025, 10, 20), 8),
        (SegmentKind.COUNTING, D(2025, 10, 21), D(2025, 11, 4), 11),
    ]
    assert r.segments[1].basis.startswith("第三十三条第三款") and "第三十二条" in r.segments[1].basis


def test_pause_still_open_suspends_the_clock() -> None:
    r = compute_reply_deadline(
        [Receipt.of(None, D(2025, 9, 20)), Pause(PauseKind.OTHER_AGENCY, D(2025, 10, 9), None)], CAL
    )
    # Counted 09-21..10-09 = 9 WD (as above); 11 remain.
    assert r.status is Status.SUSPENDED and r.due is None
    assert (r.counted_working_days, r.remaining_working_days, r.suspended_since) == (9, 11, D(2025, 10, 9))
    assert r.segments[-1].kind is SegmentKind.PAUSED and r.segments[-1].to_date is None
    assert "第三十四条" in r.segments[-1].basis


def test_spring_festival_2024() -> None:
    # Received Friday 2024-02-02. 02-03 Sat off; 02-04 Sun 调休 WD1; 02-05..02-09 WD2..WD6 (除夕 2/9 is not in the
    # 2/10–2/17 range); 02-10..02-17 放假; 02-18 Sun 调休 WD7; 02-19..23 WD8..12; 02-26..03-01 WD13..17 (2024 is
    # a leap year: 02-29 Thu); 03-04 WD18, 03-05 WD19, 03-06 WD20 → 2024-03-06.
    assert calc(D(2024, 2, 2)).due == D(2024, 3, 6)


def test_fee_notice_payment_deadline_and_the_configurable_wait() -> None:
    # Applicant received the fee notice Friday 2025-10-10; pays within 20 WD from the next day:
    #   10-11 (Sat 调休) WD1; 10-13..17 WD2..6; 10-20..24 WD7..11; 10-27..31 WD12..16; 11-03 WD17, 04 WD18,
    #   05 WD19, 06 WD20 → 2025-11-06.
    events: list[Event] = [
        Receipt.of(None, D(2025, 9, 20)),
        FeeNotice(sent=D(2025, 10, 9), applicant_received=D(2025, 10, 10), paid=D(2025, 10, 20)),
    ]
    default = compute_reply_deadline(events, CAL)
    (pay,) = default.other_deadlines
    assert (pay.name, pay.due, pay.met) == ("缴费期限", D(2025, 11, 6), True)
    # Default: waiting for payment is not excluded → the reply deadline stays 2025-10-23.
    assert default.due == D(2025, 10, 23) and not default.rules.exclude_fee_wait
    # Configured to exclude it: the wait (10-09, 10-20] is paused exactly like the consultation above → 2025-11-04.
    excluded = compute_reply_deadline(events, CAL, DeadlineRules(exclude_fee_wait=True))
    assert excluded.due == D(2025, 11, 4)
    assert excluded.segments[1].kind is SegmentKind.PAUSED and "本机关配置" in excluded.segments[1].basis


def test_crossing_into_an_unknown_year_is_provisional(tmp_path: Path) -> None:
    # Received Tuesday 2026-12-15; 2027 is not covered. Counted: 12-16, 17, 18 (WD1..3), 12-21..25 (WD4..8),
    # 12-28..31 (WD9..12) → 12 counted up to 2026-12-31, 8 remain; the lower bound is 2026-12-31 + 8 days.
    r = calc(D(2026, 12, 15))
    assert r.provisional and r.status is Status.PROVISIONAL and r.due is None
    assert r.uncovered_year == 2027
    assert (r.counted_working_days, r.remaining_working_days) == (12, 8)
    assert r.known_until == D(2026, 12, 31) and r.earliest_possible_due == D(2027, 1, 8)
    assert any("2027年工作日历未知" in n for n in r.notes)
    assert any("12月末" in n for n in r.notes)
    # The administrator publishes 2027 (元旦 1/1–1/3): remaining 8 WD after 12-31: 01-01 Fri off, 01-02/03 off,
    # 01-04..08 WD13..17, 01-11 WD18, 12 WD19, 13 WD20 → 2027-01-13; the calendar fingerprint changes.
    admin = tmp_path / "2027.toml"
    admin.write_text(
        '[[years]]\nyear = 2027\nsource = "测试"\nholidays = [{ name = "元旦", from = 2027-01-01, to = 2027-01-03 }]\n',
        encoding="utf-8",
    )
    cal = WorkCalendar.load(admin, env={})
    known = calc(D(2026, 12, 15), calendar=cal)
    assert known.due == D(2027, 1, 13) and not known.provisional
    assert known.calendar_fingerprint != r.calendar_fingerprint


def test_received_in_an_unknown_year_is_an_error() -> None:
    with pytest.raises(CalendarUnknown) as info:
        calc(D(2027, 3, 1))
    assert info.value.year == 2027


def test_received_date_per_channel() -> None:
    assert received_date(Receipt(Channel.POST, signed_for=D(2025, 3, 3)))[0] == D(2025, 3, 3)
    day, why, notes = received_date(Receipt(Channel.ORDINARY_LETTER, arrived=D(2025, 3, 3), confirmed=D(2025, 3, 5)))
    assert day == D(2025, 3, 5) and "确认之日为收到申请之日" in why and notes
    assert "双方确认之日" in received_date(Receipt(Channel.FAX, confirmed=D(2025, 3, 4)))[1]
    email = Receipt(Channel.EMAIL, system_received=D(2025, 3, 3), confirmed=D(2025, 3, 6))
    assert received_date(email)[0] == D(2025, 3, 3)  # default: 207号, the day the mail system received it
    assert received_date(email, DeadlineRules(email_rule=EmailRule.BOTH_CONFIRMED))[0] == D(2025, 3, 6)
    with pytest.raises(DeadlineInputError, match="签收之日"):
        received_date(Receipt(Channel.POST, handed_in=D(2025, 3, 3)))
    with pytest.raises(DeadlineInputError, match="未知的提交方式"):
        calc(D(2025, 3, 3), channel="飞鸽传书")
    assert calc(D(2025, 3, 3), channel="email").channel is Channel.EMAIL


@pytest.mark.parametrize(
    ("events", "problem"),
    [
        ([Receipt.of(None, D(2025, 3, 3)), Extension("主任", days=21)], "最长不得超过20个工作日"),
        ([Receipt.of(None, D(2025, 3, 3)), Extension("  ")], "批准人"),
        ([Receipt.of(None, D(2025, 3, 3)), Pause(PauseKind.CONSULTATION, D(2025, 3, 1), D(2025, 3, 5))], "早于收到申请之日"),
        ([Receipt.of(None, D(2025, 3, 3)), Pause(PauseKind.CONSULTATION, D(2025, 3, 6), D(2025, 3, 5))], "早于开始之日"),
        ([Receipt.of(None, D(2025, 3, 3)), CorrectionReceived(D(2025, 3, 1))], "早于收到申请之日"),
        ([Receipt.of(None, D(2025, 3, 3)), CorrectionReceived(D(2025, 3, 5)), CorrectionReceived(D(2025, 3, 6))], "一次性"),
        ([CorrectionReceived(D(2025, 3, 5))], "缺少收到申请事件"),
        ([Receipt.of(None, D(2025, 3, 3)), Pause(PauseKind.FEE, D(2025, 3, 4), D(2025, 3, 5))], "exclude_fee_wait"),
    ],
)
def test_inconsistent_events_are_refused(events: list[Event], problem: str) -> None:
    with pytest.raises(DeadlineInputError, match=problem):
        compute_reply_deadline(events, CAL)


def test_pauses_outside_the_period_change_nothing_and_say_so() -> None:
    r = calc(D(2025, 9, 20), pauses=[(D(2025, 10, 23), D(2025, 10, 30))])
    assert r.due == D(2025, 10, 23)
    assert any("届满之后" in n for n in r.notes)
    # A pause over the 10-01..10-08 holiday only pauses no working day.
    assert calc(D(2025, 9, 20), pauses=[(D(2025, 9, 30), D(2025, 10, 8))]).due == D(2025, 10, 23)


# ---------------------------------------------------------------- properties

received_days = st.dates(D(2024, 1, 1), D(2026, 6, 30))
pause_lists = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 15)), max_size=3)


def _pauses(received: date, spec: list[tuple[int, int]]) -> list[tuple[date, date]]:
    return [(received + timedelta(a), received + timedelta(a + n)) for a, n in spec]


def _excluded(day: date, pauses: list[tuple[date, date]]) -> bool:
    return any(a < day <= b for a, b in pauses)


@settings(max_examples=150, deadline=None)
@given(received_days)
def test_due_is_the_twentieth_working_day_after_receipt(received: date) -> None:
    day = due(received)
    assert CAL.is_working_day(day)
    assert CAL.working_days_between(received, day) == 20
    assert day >= received + timedelta(20)
    assert day == CAL.add_working_days(received, 20)


@settings(max_examples=150, deadline=None)
@given(received_days, pause_lists)
def test_extension_adds_exactly_twenty_working_days(received: date, spec: list[tuple[int, int]]) -> None:
    pauses = _pauses(received, spec)
    plain, extended = due(received, pauses=pauses), calc(received, pauses=pauses, extend=True)
    assert extended.base_due == plain and extended.due is not None
    counted = [d for d in _days(plain, extended.due) if CAL.is_working_day(d) and not _excluded(d, pauses)]
    assert len(counted) == 20


def _days(after: date, through: date) -> list[date]:
    return [after + timedelta(n) for n in range(1, (through - after).days + 1)]


@settings(max_examples=150, deadline=None)
@given(received_days, pause_lists, st.booleans())
def test_segments_partition_the_period(received: date, spec: list[tuple[int, int]], extend: bool) -> None:
    pauses = _pauses(received, spec)
    r = calc(received, pauses=pauses, extend=extend)
    segs = r.segments
    assert r.due is not None and all(s.to_date is not None for s in segs)
    assert segs[0].from_date == received + timedelta(1) and segs[-1].to_date == r.due
    for a, b in itertools.pairwise(segs):
        assert a.to_date is not None and b.from_date == a.to_date + timedelta(1)
    counted = sum(s.working_days for s in segs if s.kind in (SegmentKind.COUNTING, SegmentKind.EXTENSION))
    assert counted == (40 if extend else 20)
    for s in segs:
        assert s.to_date is not None
        days = _days(s.from_date - timedelta(1), s.to_date)
        assert s.working_days == sum(CAL.is_working_day(d) for d in days)
        assert all(_excluded(d, pauses) == (s.kind is SegmentKind.PAUSED) for d in days)
    assert CAL.is_working_day(r.due) and not _excluded(r.due, pauses)


@settings(max_examples=150, deadline=None)
@given(received_days, pause_lists, st.tuples(st.integers(0, 40), st.integers(0, 15)))
def test_more_pause_never_makes_the_deadline_earlier(
    received: date, spec: list[tuple[int, int]], extra: tuple[int, int]
) -> None:
    base = due(received, pauses=_pauses(received, spec))
    more = due(received, pauses=_pauses(received, [*spec, extra]))
    assert more >= base >= due(received)
    longer = [(a, n + 3) for a, n in spec]
    assert due(received, pauses=_pauses(received, longer)) >= base


@settings(max_examples=100, deadline=None)
@given(received_days, st.integers(0, 30), st.integers(0, 10), st.integers(0, 10))
def test_adjacent_pauses_add_up(received: date, a: int, n1: int, n2: int) -> None:
    # (A, B] then (B, C] is the same as (A, C].
    A, B, C = (received + timedelta(x) for x in (a, a + n1, a + n1 + n2))
    assert due(received, pauses=[(B, C), (A, B)]) == due(received, pauses=[(A, C)])


@settings(max_examples=100, deadline=None)
@given(received_days, received_days)
def test_later_receipt_never_gives_an_earlier_deadline(r1: date, r2: date) -> None:
    r1, r2 = sorted((r1, r2))
    assert due(r1) <= due(r2)


@settings(max_examples=100, deadline=None)
@given(received_days, st.integers(0, 60), pause_lists)
def test_correction_is_a_fresh_start(received: date, gap: int, spec: list[tuple[int, int]]) -> None:
    corrected = received + timedelta(gap)
    pauses = _pauses(corrected, spec)
    restarted = calc(received, corrected=corrected, pauses=pauses)
    assert restarted.due == due(corrected, pauses=pauses)
    assert (restarted.segments[0].kind is SegmentKind.RESTART) == (gap > 0)


@settings(max_examples=100, deadline=None)
@given(st.dates(D(2026, 11, 1), D(2026, 12, 31)), st.booleans())
def test_near_the_end_of_the_known_calendar_it_is_due_or_provisional(received: date, extend: bool) -> None:
    r = calc(received, extend=extend)
    assume(r.provisional)
    assert r.due is None and r.uncovered_year == 2027
    assert r.counted_working_days + r.remaining_working_days == (40 if extend else 20)
    assert r.earliest_possible_due is not None and r.earliest_possible_due > D(2026, 12, 31)
