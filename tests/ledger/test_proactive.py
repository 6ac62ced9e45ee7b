"""主动公开: the review chain (先审查、后公开，一事一审) and the 20-working-day limit of 第二十六条."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger import add_review_step, create_item, list_items, publish_item
from gongkai.ledger.schemas import ProactiveItemIn, PublicationIn, ReviewStepIn
from gongkai.store import InvalidRecord
from gongkai.store.vocab import PublicationChannel as Ch
from gongkai.store.vocab import ReviewDecision as Dec
from gongkai.store.vocab import ReviewStepKind as Step


def _step(s: Session, a: int, item: int, step: Step, at: datetime, decision: Dec = Dec.APPROVED) -> None:
    add_review_step(session=s, agency_id=a, item_id=item, data=ReviewStepIn(
        step=step, reviewer="周敏", decided_at=at, decision=decision, comment="同意"))


def test_review_chain_then_publication(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a = agencies[0]
    with factory.begin() as s:
        item = create_item(session=s, agency_id=a, data=ProactiveItemIn(
            title="2025年部门预算", category=7, formed_on=date(2025, 3, 3), actor="周敏"), calendar=calendar)
        with pytest.raises(InvalidRecord, match="下一步应为“承办人拟稿”"):
            _step(s, a, item.id, Step.LEADER, datetime(2025, 3, 3, 10))
        with pytest.raises(InvalidRecord, match="先审查、后公开"):
            publish_item(session=s, agency_id=a, item_id=item.id, data=PublicationIn(
                published_on=date(2025, 3, 4), channels=(Ch.PORTAL,)))
        _step(s, a, item.id, Step.DRAFTER, datetime(2025, 3, 3, 10))
        _step(s, a, item.id, Step.CONFIDENTIALITY, datetime(2025, 3, 4, 10), Dec.RETURNED)  # back to the drafter
        _step(s, a, item.id, Step.DRAFTER, datetime(2025, 3, 5, 9))
        _step(s, a, item.id, Step.CONFIDENTIALITY, datetime(2025, 3, 5, 15))
        _step(s, a, item.id, Step.LEADER, datetime(2025, 3, 6, 9))
        with pytest.raises(InvalidRecord, match="早于领导签发日期"):
            publish_item(session=s, agency_id=a, item_id=item.id, data=PublicationIn(
                published_on=date(2025, 3, 5), channels=(Ch.PORTAL,)))
        done = publish_item(session=s, agency_id=a, item_id=item.id, calendar=calendar, data=PublicationIn(
            published_on=date(2025, 4, 7), channels=(Ch.PORTAL, Ch.WECHAT)))
    assert done.publish_due == date(2025, 3, 31) and done.published_late is True  # 第二十六条: 20 working days
    assert [p.channel for p in done.publications] == [Ch.PORTAL, Ch.WECHAT] and len(done.review) == 5
    with factory() as s:
        assert [i.title for i in list_items(session=s, agency_id=a, year=2025, calendar=calendar)] == ["2025年部门预算"]
        assert list_items(session=s, agency_id=agencies[1], year=2025, calendar=calendar) == []


def test_a_refused_item_is_never_published(
    factory: sessionmaker[Session], agencies: tuple[int, int]
) -> None:
    a = agencies[0]
    with factory.begin() as s:
        item = create_item(session=s, agency_id=a, data=ProactiveItemIn(
            title="某内部请示", category=15, formed_on=date(2025, 3, 3), actor="周敏"))
        _step(s, a, item.id, Step.DRAFTER, datetime(2025, 3, 3, 10))
        _step(s, a, item.id, Step.CONFIDENTIALITY, datetime(2025, 3, 3, 11), Dec.REFUSED)
        with pytest.raises(InvalidRecord, match="不予公开"):
            _step(s, a, item.id, Step.LEADER, datetime(2025, 3, 3, 12))
        with pytest.raises(InvalidRecord, match="未完成"):
            publish_item(session=s, agency_id=a, item_id=item.id, data=PublicationIn(
                published_on=date(2025, 3, 4), channels=(Ch.PORTAL,)))


def test_a_publication_is_all_or_nothing_and_only_on_web_addresses(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a = agencies[0]
    with pytest.raises(ValidationError, match="http:// 或 https://"):
        PublicationIn(published_on=date(2025, 3, 7), channels=(Ch.PORTAL,), url="javascript:alert(1)")
    with factory.begin() as s:
        item = create_item(session=s, agency_id=a, data=ProactiveItemIn(
            title="2025年部门决算", category=7, formed_on=date(2025, 3, 3), actor="周敏"), calendar=calendar)
        for step, day in ((Step.DRAFTER, 3), (Step.CONFIDENTIALITY, 4), (Step.LEADER, 5)):
            _step(s, a, item.id, step, datetime(2025, 3, day, 10))
        publish_item(session=s, agency_id=a, item_id=item.id, calendar=calendar, data=PublicationIn(
            published_on=date(2025, 3, 6), channels=(Ch.PORTAL,), url="https://example.gov.cn/1.html"))
        with pytest.raises(InvalidRecord, match="已在"):  # WECHAT is new, PORTAL is not: neither is staged
            publish_item(session=s, agency_id=a, item_id=item.id, data=PublicationIn(
                published_on=date(2025, 3, 7), channels=(Ch.WECHAT, Ch.PORTAL)))
        s.flush()
        again = list_items(session=s, agency_id=a, year=2025, calendar=calendar)
    assert [p.channel for p in again[0].publications] == [Ch.PORTAL]
