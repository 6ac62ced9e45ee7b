"""The workbench's domain functions on both backends: extension requests decided by the head (第三十三条第二款)
and the clerk's paged, filtered queue."""

from __future__ import annotations

from datetime import date as D

import pytest
from sqlalchemy.orm import Session, sessionmaker
from tests.ledger.helpers import close, event, new_application

from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger import get_application
from gongkai.ledger.extensions import (
    decide_extension,
    extension_requests,
    pending_extensions,
    request_extension,
)
from gongkai.ledger.workbench import QueueFilter, Urgency, application_queue, parse_number
from gongkai.store.errors import ConflictError, InvalidRecord, NotFound
from gongkai.store.orm_workbench import ExtensionStatus
from gongkai.store.vocab import EventKind

HEAD = "郑建国（head1）"


def test_an_approved_request_records_the_extension_with_the_head_as_approver(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a = agencies[0]
    with factory.begin() as s:
        app = new_application(s, a, D(2025, 9, 1), calendar)  # due 2025-09-28
        req = request_extension(session=s, agency_id=a, application_id=app.id, days=10, reason="需调取档案",
                                requested_on=D(2025, 9, 20), actor="周敏（clerk1）")
        assert req.status is ExtensionStatus.PENDING and req.application_code == "2025-0001"
        assert [p.id for p in pending_extensions(session=s, agency_id=a)] == [req.id]
        assert get_application(session=s, agency_id=a, application_id=app.id).deadline.due_on == D(2025, 9, 28)
    with factory.begin() as s:
        done = decide_extension(session=s, agency_id=a, request_id=req.id, approve=True, decided_on=D(2025, 9, 22),
                                approver=HEAD, calendar=calendar, expected_version=req.version)
        assert done.status is ExtensionStatus.APPROVED and done.decided_by == HEAD
    with factory() as s:
        after = get_application(session=s, agency_id=a, application_id=app.id)
        assert pending_extensions(session=s, agency_id=a) == []
    ext = after.events[-1]
    assert ext.kind is EventKind.EXTENSION and ext.approver == HEAD and ext.actor == HEAD and ext.days == 10
    assert ext.note == "需调取档案"
    assert after.deadline.due_on == D(2025, 10, 17)  # 10 working days after 9-28: 9-29, 9-30, 10/9–11 (调休), 10/13–17


def test_refusal_records_no_event_and_a_second_request_may_follow(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a = agencies[0]
    with factory.begin() as s:
        app = new_application(s, a, D(2025, 9, 1), calendar)
        first = request_extension(session=s, agency_id=a, application_id=app.id, days=20, reason="材料多",
                                  requested_on=D(2025, 9, 10), actor="周敏")
        with pytest.raises(InvalidRecord, match="待负责人审批"):
            request_extension(session=s, agency_id=a, application_id=app.id, days=5, reason="再次",
                              requested_on=D(2025, 9, 10), actor="周敏")
        refused = decide_extension(session=s, agency_id=a, request_id=first.id, approve=False,
                                   decided_on=D(2025, 9, 11), approver=HEAD, note="可按期答复", calendar=calendar)
        assert refused.status is ExtensionStatus.REFUSED and refused.decision_note == "可按期答复"
        assert get_application(session=s, agency_id=a, application_id=app.id).events == ()
        with pytest.raises(InvalidRecord, match="作出决定"):
            decide_extension(session=s, agency_id=a, request_id=first.id, approve=True, decided_on=D(2025, 9, 11),
                             approver=HEAD, calendar=calendar)
        second = request_extension(session=s, agency_id=a, application_id=app.id, days=5, reason="第三方未复",
                                   requested_on=D(2025, 9, 12), actor="周敏")
        decide_extension(session=s, agency_id=a, request_id=second.id, approve=True, decided_on=D(2025, 9, 12),
                         approver=HEAD, calendar=calendar)
        with pytest.raises(InvalidRecord, match="只允许延长一次"):
            request_extension(session=s, agency_id=a, application_id=app.id, days=5, reason="又一次",
                              requested_on=D(2025, 9, 15), actor="周敏")
        history = extension_requests(session=s, agency_id=a, application_id=app.id)
    assert [r.status for r in history] == [ExtensionStatus.REFUSED, ExtensionStatus.APPROVED]


def test_requests_are_checked_and_stay_inside_their_agency(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a, b = agencies
    with factory.begin() as s:
        app = new_application(s, a, D(2025, 9, 1), calendar)
        for days in (0, 21):
            with pytest.raises(InvalidRecord, match="20个工作日"):
                request_extension(session=s, agency_id=a, application_id=app.id, days=days, reason="x",
                                  requested_on=D(2025, 9, 2), actor="周敏")
        with pytest.raises(InvalidRecord, match="理由"):
            request_extension(session=s, agency_id=a, application_id=app.id, days=5, reason="  ",
                              requested_on=D(2025, 9, 2), actor="周敏")
        with pytest.raises(NotFound):
            request_extension(session=s, agency_id=b, application_id=app.id, days=5, reason="x",
                              requested_on=D(2025, 9, 2), actor="周敏")
        req = request_extension(session=s, agency_id=a, application_id=app.id, days=5, reason="x",
                                requested_on=D(2025, 9, 2), actor="周敏")
        with pytest.raises(NotFound):
            decide_extension(session=s, agency_id=b, request_id=req.id, approve=True, decided_on=D(2025, 9, 3),
                             approver=HEAD, calendar=calendar)
        with pytest.raises(ConflictError):
            decide_extension(session=s, agency_id=a, request_id=req.id, approve=True, decided_on=D(2025, 9, 3),
                             approver=HEAD, calendar=calendar, expected_version=req.version + 1)
        assert pending_extensions(session=s, agency_id=b) == []
        close(s, a, app, D(2025, 9, 5), "granted", calendar)
        with pytest.raises(InvalidRecord, match="已于"):
            decide_extension(session=s, agency_id=a, request_id=req.id, approve=True, decided_on=D(2025, 9, 6),
                             approver=HEAD, calendar=calendar)


def test_parse_number() -> None:
    assert parse_number("2025-0012") == parse_number("2025/12") == parse_number("吴村〔2025〕依申请第12号")
    assert parse_number("依申请〔2025〕第12号") is not None and parse_number("12") is not None
    assert parse_number("12").year is None  # type: ignore[union-attr]
    assert parse_number("张三") is None


def test_queue_sorted_by_due_date_with_urgency_filters_and_paging(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a, b = agencies
    with factory.begin() as s:
        later = new_application(s, a, D(2025, 3, 20), calendar, name="王芳")  # due 2025-04-18
        late = new_application(s, a, D(2025, 2, 10), calendar)  # due 2025-03-10
        soon = new_application(s, a, D(2025, 3, 3), calendar, name="李娜")  # due 2025-03-31
        waiting = new_application(s, a, D(2025, 3, 5), calendar, name="孙强")
        event(s, a, waiting, calendar, kind=EventKind.CORRECTION_REQUESTED, occurred_on=D(2025, 3, 6))
        done = new_application(s, a, D(2025, 2, 10), calendar, name="赵磊")
        close(s, a, done, D(2025, 3, 1), "granted", calendar)
        new_application(s, b, D(2025, 2, 1), calendar, name="钱多")  # another agency's: never listed
    today = D(2025, 3, 24)
    with factory() as s:
        page = application_queue(session=s, agency_id=a, today=today, due_soon_days=5, calendar=calendar)
        assert [x.id for x in page.lines] == [late.id, soon.id, later.id, waiting.id]
        assert [x.urgency for x in page.lines] == [Urgency.OVERDUE, Urgency.DUE_SOON, Urgency.OPEN, Urgency.OPEN]
        assert page.lines[1].masked_name == "李*" and page.lines[1].working_days_left == 5
        assert page.counts == {QueueFilter.OPEN: 4, QueueFilter.OVERDUE: 1, QueueFilter.DUE_SOON: 1,
                               QueueFilter.CLOSED: 1, QueueFilter.ALL: 5}
        closed = application_queue(session=s, agency_id=a, today=today, due_soon_days=5, calendar=calendar,
                                   status=QueueFilter.CLOSED)
        assert [(x.id, x.urgency) for x in closed.lines] == [(done.id, Urgency.CLOSED)]
        found = application_queue(session=s, agency_id=a, today=today, due_soon_days=5, calendar=calendar,
                                  status=QueueFilter.ALL, search=soon.code)
        assert [x.id for x in found.lines] == [soon.id]
        none = application_queue(session=s, agency_id=a, today=today, due_soon_days=5, calendar=calendar,
                                 status=QueueFilter.ALL, search="李娜")  # names are not searchable: only numbers
        assert none.total == 0 and none.lines == ()
        assert application_queue(session=s, agency_id=a, today=today, due_soon_days=5, calendar=calendar,
                                 year=2024).total == 0
        p1 = application_queue(session=s, agency_id=a, today=today, due_soon_days=5, calendar=calendar,
                               status=QueueFilter.ALL, page_size=2)
        p3 = application_queue(session=s, agency_id=a, today=today, due_soon_days=5, calendar=calendar,
                               status=QueueFilter.ALL, page_size=2, page=9)
        assert (p1.pages, p1.total, [x.id for x in p1.lines]) == (3, 5, [late.id, done.id])  # same due date: by id
        assert p3.page == 3 and [x.id for x in p3.lines] == [waiting.id]
