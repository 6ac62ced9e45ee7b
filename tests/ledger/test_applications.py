"""Applications and their clock: received date per channel, due dates from desk.deadline, closing rules,
fees, numbering, recomputation when the calendar changes, and the lists of overdue and due-soon cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from tests.ledger.helpers import applicant, close, event, new_application

from gongkai.desk.calendar import WorkCalendar
from gongkai.desk.deadline import compute_reply_deadline
from gongkai.desk.fees import FeeMethod
from gongkai.desk.model import Channel, DeadlineInputError, EmailRule, Receipt
from gongkai.ledger import (
    create_agency,
    create_application,
    get_application,
    list_due_within,
    list_overdue,
    recompute_open_deadlines,
)
from gongkai.ledger.schemas import AgencyIn, ApplicationIn
from gongkai.store import InvalidRecord
from gongkai.store.vocab import AgencyKind, DeadlineState, EventKind

D = date


@pytest.mark.parametrize(
    ("channel", "dates", "received"),
    [
        (Channel.IN_PERSON, {"handed_in": D(2025, 9, 20)}, D(2025, 9, 20)),
        (Channel.POST, {"signed_for": D(2025, 9, 22)}, D(2025, 9, 22)),
        (Channel.ORDINARY_LETTER, {"arrived": D(2025, 9, 22), "confirmed": D(2025, 9, 23)}, D(2025, 9, 23)),
        (Channel.INTERNET, {"confirmed": D(2025, 9, 24)}, D(2025, 9, 24)),
        (Channel.FAX, {"confirmed": D(2025, 9, 25)}, D(2025, 9, 25)),
        (Channel.EMAIL, {"system_received": D(2025, 9, 26), "confirmed": D(2025, 9, 29)}, D(2025, 9, 26)),
        (None, {"received": D(2025, 9, 30)}, D(2025, 9, 30)),
    ],
)
def test_received_date_per_channel(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar,
    channel: Channel | None, dates: dict[str, Any], received: date,
) -> None:
    with factory.begin() as s:
        app = create_application(session=s, agency_id=agencies[0], calendar=calendar, data=ApplicationIn(
            applicant=applicant(), channel=channel, information="申请公开某文件", actor="周敏", **dates))
    assert app.received_on == received
    assert app.deadline.state is DeadlineState.DUE
    expected = compute_reply_deadline([Receipt.of(channel, received)], calendar)
    assert app.deadline.due_on == expected.due
    assert app.deadline.calendar_fingerprint == calendar.fingerprint()


def test_email_rule_of_the_agency_decides_the_received_date(
    factory: sessionmaker[Session], calendar: WorkCalendar
) -> None:
    with factory.begin() as s:
        agency = create_agency(session=s, data=AgencyIn(name="青溪县教育局", kind=AgencyKind.COUNTY_DEPARTMENT,
                                                        email_rule=EmailRule.BOTH_CONFIRMED))
        app = create_application(session=s, agency_id=agency.id, calendar=calendar, data=ApplicationIn(
            applicant=applicant(), channel=Channel.EMAIL, system_received=D(2025, 9, 26), confirmed=D(2025, 9, 29),
            information="申请公开某文件", actor="周敏"))
    assert app.received_on == D(2025, 9, 29)


def test_a_channel_without_its_date_is_refused(factory: sessionmaker[Session], agencies: tuple[int, int]) -> None:
    with factory() as s, pytest.raises(DeadlineInputError, match="须给出行政机关签收之日"):
        create_application(session=s, agency_id=agencies[0], data=ApplicationIn(
            applicant=applicant(), channel=Channel.POST, handed_in=D(2025, 3, 3), information="x", actor="周敏"))


def test_events_drive_the_stored_due_date(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a = agencies[0]
    with factory.begin() as s:
        app = new_application(s, a, D(2025, 9, 1), calendar)
        assert app.deadline.due_on == D(2025, 9, 28)  # a Sunday: 调休上班
        app = event(s, a, app, calendar, kind=EventKind.CORRECTION_REQUESTED, occurred_on=D(2025, 9, 3))
        assert app.deadline.state is DeadlineState.AWAITING_CORRECTION and app.deadline.due_on is None
        app = event(s, a, app, calendar, kind=EventKind.CORRECTION_RECEIVED, occurred_on=D(2025, 9, 30))
        assert app.deadline.due_on == D(2025, 11, 4)  # restarts after 9-30; 10/1–10/8 放假, 10/11 调休上班
        app = event(s, a, app, calendar, kind=EventKind.THIRD_PARTY_STARTED, occurred_on=D(2025, 10, 9))
        assert app.deadline.state is DeadlineState.SUSPENDED and app.deadline.due_on is None
        app = event(s, a, app, calendar, kind=EventKind.THIRD_PARTY_ENDED, occurred_on=D(2025, 10, 20))
        app = event(s, a, app, calendar, kind=EventKind.EXTENSION, occurred_on=D(2025, 10, 30), approver="郑建国", days=20)
    assert app.deadline.state is DeadlineState.DUE
    assert app.deadline.due_on == D(2025, 12, 12)
    assert [e.kind for e in app.events][-1] is EventKind.EXTENSION and app.version == 6


def test_the_clock_refuses_what_the_law_does_not_allow(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a = agencies[0]
    with factory.begin() as s:
        app = new_application(s, a, D(2025, 9, 1), calendar)
        app = event(s, a, app, calendar, kind=EventKind.EXTENSION, occurred_on=D(2025, 9, 20), approver="郑建国")
        with pytest.raises(DeadlineInputError, match="只能延长一次"):
            event(s, a, app, calendar, kind=EventKind.EXTENSION, occurred_on=D(2025, 9, 21), approver="郑建国")
        with pytest.raises(InvalidRecord, match="没有尚未结束的征求第三方意见"):
            event(s, a, app, calendar, kind=EventKind.THIRD_PARTY_ENDED, occurred_on=D(2025, 9, 22))
        with pytest.raises(InvalidRecord, match="早于收到申请之日"):
            event(s, a, app, calendar, kind=EventKind.CORRECTION_REQUESTED, occurred_on=D(2025, 8, 22))
        with pytest.raises(InvalidRecord, match="不是表三的办理结果"):
            close(s, a, app, D(2025, 9, 25), "approved", calendar)
        with pytest.raises(InvalidRecord, match="逾期不补正"):
            close(s, a, app, D(2025, 9, 25), "other.no_correction", calendar)
        with pytest.raises(InvalidRecord, match="逾期未缴费"):
            close(s, a, app, D(2025, 9, 25), "other.fee_unpaid", calendar)
        done = close(s, a, app, D(2025, 9, 25), "granted", calendar)
        assert done.closed_on == D(2025, 9, 25) and done.deadline.state is DeadlineState.CLOSED
        assert done.outcome_label == "（一）予以公开"
        with pytest.raises(InvalidRecord, match="已于 2025-09-25 办结"):
            event(s, a, app, calendar, kind=EventKind.CORRECTION_REQUESTED, occurred_on=D(2025, 9, 26))


def test_no_correction_and_unpaid_fee_close_in_their_own_rows(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a = agencies[0]
    with factory.begin() as s:
        one = new_application(s, a, D(2025, 3, 3), calendar)
        one = event(s, a, one, calendar, kind=EventKind.CORRECTION_REQUESTED, occurred_on=D(2025, 3, 5))
        one = close(s, a, one, D(2025, 4, 10), "other.no_correction", calendar)
        two = new_application(s, a, D(2025, 3, 3), calendar)
        two = event(s, a, two, calendar, kind=EventKind.FEE_NOTICE, occurred_on=D(2025, 3, 10),
                    fee_method=FeeMethod.PER_VOLUME, pages=150, applicant_received_on=D(2025, 3, 12))
        assert two.events[-1].amount == Decimal("1700")  # 70×10 + 50×20 (国办函〔2020〕109号)
        two = close(s, a, two, D(2025, 4, 15), "other.fee_unpaid", calendar)
    assert (one.outcome, two.outcome) == ("other.no_correction", "other.fee_unpaid")


def test_per_application_fee_counts_the_applicants_month(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a = agencies[0]
    with factory.begin() as s:
        apps = [new_application(s, a, D(2025, 3, 3 + i % 3), calendar, name="王芳") for i in range(12)]
        new_application(s, a, D(2025, 3, 3), calendar, name="李娜")  # another applicant: not counted
        last = event(s, a, apps[-1], calendar, kind=EventKind.FEE_NOTICE, occurred_on=D(2025, 3, 10),
                     fee_method=FeeMethod.PER_APPLICATION)
        paid = event(s, a, last, calendar, kind=EventKind.FEE_PAID, occurred_on=D(2025, 3, 12))
    notice = last.events[-1]
    assert notice.prior_this_month == 11 and notice.amount == Decimal("100")  # the 12th of the month: 100 元
    assert paid.events[-1].amount == Decimal("100")
    assert apps[0].number == "青溪市监〔2025〕依申请第1号" and apps[-1].code == "2025-0012"


def test_numbers_restart_each_year_per_agency(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a, b = agencies
    with factory.begin() as s:
        codes = [new_application(s, ag, day, calendar).code for ag, day in
                 ((a, D(2024, 12, 30)), (a, D(2025, 1, 2)), (b, D(2025, 1, 2)), (a, D(2025, 1, 3)))]
    assert codes == ["2024-0001", "2025-0001", "2025-0001", "2025-0002"]


def test_open_deadlines_are_recomputed_when_the_calendar_changes(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar, tmp_path: Path
) -> None:
    a = agencies[0]
    with factory.begin() as s:
        app = new_application(s, a, D(2026, 12, 14), calendar)
        done = new_application(s, a, D(2026, 12, 1), calendar)
        close(s, a, done, D(2026, 12, 10), "granted", calendar)
    # 2027 is not announced yet: the due date is provisional, never guessed.
    assert app.deadline.state is DeadlineState.PROVISIONAL and app.deadline.due_on is None
    assert app.deadline.due_not_before is not None
    admin = tmp_path / "holidays.toml"
    admin.write_text(
        'schema = 1\n[[years]]\nyear = 2027\nsource = "国务院办公厅关于2027年部分节假日安排的通知（测试）"\n'
        'holidays = [{ name = "元旦", from = 2027-01-01, to = 2027-01-03 }]\nworkdays = []\n',
        encoding="utf-8",
    )
    newer = WorkCalendar.load(admin)
    assert newer.fingerprint() != calendar.fingerprint()
    with factory.begin() as s:
        changes = recompute_open_deadlines(session=s, calendar=newer)
        assert recompute_open_deadlines(session=s, calendar=newer) == []  # nothing stale any more
    assert [c.code for c in changes] == [app.code]
    assert changes[0].state_after is DeadlineState.DUE
    with factory() as s:
        now = get_application(session=s, agency_id=a, application_id=app.id)
    assert now.deadline.due_on == D(2027, 1, 12) and now.deadline.calendar_fingerprint == newer.fingerprint()


def test_overdue_and_due_soon_lists(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a = agencies[0]
    with factory.begin() as s:
        late = new_application(s, a, D(2025, 2, 10), calendar)  # due 2025-03-10
        soon = new_application(s, a, D(2025, 3, 3), calendar, name="李娜")  # due 2025-03-31
        later = new_application(s, a, D(2025, 3, 20), calendar, name="王芳")  # due 2025-04-18
        done = new_application(s, a, D(2025, 2, 10), calendar, name="赵磊")
        close(s, a, done, D(2025, 3, 1), "granted", calendar)
    with factory() as s:
        overdue = list_overdue(session=s, agency_id=a, today=D(2025, 3, 24))
        due = list_due_within(session=s, agency_id=a, today=D(2025, 3, 24), working_days=5, calendar=calendar)
    assert [x.id for x in overdue] == [late.id]
    assert [x.id for x in due] == [soon.id] and due[0].working_days_left == 5
    assert due[0].masked_name == "李*" and later.id not in [x.id for x in due]
