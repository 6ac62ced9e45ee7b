"""Issuing notices on SQLite and PostgreSQL: numbers per agency, year and series, allocated atomically; the
office's templates and settings override the shipped ones; the remedies sentence follows the outcome; the
document is stored encrypted and comes back exactly as issued."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.ledger.helpers import event, new_application

from gongkai.desk.calendar import WorkCalendar
from gongkai.desk.fees import FeeMethod
from gongkai.ledger.domain import Application
from gongkai.notices import NoticeKind, document_text, issue_notice, list_notices, notice_document
from gongkai.store.errors import InvalidRecord, NotFound
from gongkai.store.orm_notices import NoticeRow
from gongkai.store.vocab import EventKind

D = date
DAY = D(2025, 9, 24)


def _issue(
    session: Session, agency_id: int, app: Application, kind: NoticeKind, day: date = DAY,
    root: Path | None = None, **kw: object,
) -> tuple[str, str]:
    issued = issue_notice(session=session, agency_id=agency_id, application_id=app.id, kind=kind, issued_on=day,
                          actor="周敏", templates_root=root, **kw)  # type: ignore[arg-type]
    return issued.notice.number, document_text(issued.document)


def test_numbers_per_agency_year_and_series(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    county, town = agencies
    with factory.begin() as s:
        a = new_application(s, town, D(2025, 9, 22), calendar)
        b = new_application(s, county, D(2025, 9, 22), calendar)
        numbers = [
            _issue(s, town, a, NoticeKind.RECEIPT)[0],
            _issue(s, town, a, NoticeKind.CORRECTION, fields={"补正事项": "请写明文件名称"})[0],
            _issue(s, town, a, NoticeKind.CORRECTION, fields={"补正事项": "请写明年度"})[0],
            _issue(s, county, b, NoticeKind.CORRECTION, fields={"补正事项": "请写明年度"})[0],
            _issue(s, town, a, NoticeKind.CORRECTION, D(2026, 1, 5), fields={"补正事项": "x"})[0],
        ]
    assert numbers == ["吴村〔2025〕受理第1号", "吴村〔2025〕补正第1号", "吴村〔2025〕补正第2号", "青溪市监〔2025〕补正第1号",
                       "吴村〔2026〕补正第1号"]
    with factory() as s:
        recorded = list_notices(session=s, agency_id=town, application_id=a.id)
        assert [(n.kind, n.created_by, n.template) for n in recorded[:2]] == [
            (NoticeKind.RECEIPT, "周敏", "receipt"), (NoticeKind.CORRECTION, "周敏", "correction"),
        ]
        with pytest.raises(NotFound):
            list_notices(session=s, agency_id=county, application_id=a.id)
        with pytest.raises(NotFound):
            notice_document(session=s, agency_id=county, application_id=a.id, notice_id=recorded[0].id)


def test_a_failed_notice_uses_no_number(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    town = agencies[1]
    with factory.begin() as s:
        app = new_application(s, town, D(2025, 9, 22), calendar)
    with factory() as s, pytest.raises(Exception, match="第三方"):
        _issue(s, town, app, NoticeKind.THIRD_PARTY)  # no 第三方 given: nothing is issued
    with factory.begin() as s:
        number, text = _issue(s, town, app, NoticeKind.THIRD_PARTY, fields={"第三方": "青溪县某食品有限公司"})
    assert number == "吴村〔2025〕征询第1号"
    assert text.splitlines()[3] == "青溪县某食品有限公司：" and "张晓明" not in text


def test_document_is_stored_encrypted_and_returned_as_issued(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    town = agencies[1]
    with factory.begin() as s:
        app = new_application(s, town, D(2025, 9, 22), calendar)
        issued = issue_notice(session=s, agency_id=town, application_id=app.id, kind=NoticeKind.RECEIPT,
                              issued_on=D(2025, 9, 22), actor="周敏")
    with factory() as s:
        row = s.scalars(select(NoticeRow)).one()
        assert "张晓明" not in row.document and row.size == len(issued.document)
        again = notice_document(session=s, agency_id=town, application_id=app.id, notice_id=row.id)
    assert again.document == issued.document
    text = document_text(again.document)
    assert "张晓明：" in text and "答复期限届满日为2025年10月24日" in text and "吴村〔2025〕受理第1号" in text


def test_remedies_follow_the_outcome_and_the_office_settings(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar, tmp_path: Path
) -> None:
    town = agencies[1]
    with factory.begin() as s:
        app = new_application(s, town, D(2025, 9, 22), calendar)
        _n, withheld = _issue(s, town, app, NoticeKind.REPLY, outcome="withheld.state_secret")
        _n, granted = _issue(s, town, app, NoticeKind.REPLY, outcome="granted")
    assert "60日内依法申请行政复议；对行政复议决定不服的，可以依法向人民法院提起行政诉讼" in withheld
    assert "6个月内" not in withheld
    assert "60日内依法申请行政复议，或者自收到本答复之日起6个月内依法向人民法院提起行政诉讼" in granted
    assert "第十四条" in withheld and "第三十六条第（三）项" in withheld
    (tmp_path / "notices.toml").write_text(
        '[placeholders]\n"复议机关" = "青溪县人民政府"\n"联系方式" = "联系人：周敏　联系电话：0571-12345678"\n'
        "[remedies]\nreconsideration_first = []\n",
        encoding="utf-8",
    )
    with factory.begin() as s:
        _n, configured = _issue(s, town, app, NoticeKind.REPLY, root=tmp_path, outcome="withheld.state_secret")
    assert "60日内依法向青溪县人民政府申请行政复议，或者自收到本答复之日起6个月内" in configured
    assert "联系人：周敏　联系电话：0571-12345678" in configured


def test_office_templates_override_per_agency_then_installation(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar, tmp_path: Path
) -> None:
    county, town = agencies

    def template(path: Path, words: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        doc = Document()
        p = doc.add_paragraph()
        for piece in (words, "：{{申", "请编号}}", "（{{文书编号}}）"):
            p.add_run(piece)  # the placeholder is split across two runs, as Word does after an edit
        doc.save(str(path))

    template(tmp_path / "receipt.docx", "全县统一回执")
    template(tmp_path / "青溪县吴村镇人民政府" / "receipt.docx", "吴村镇回执")
    with factory.begin() as s:
        a = new_application(s, town, D(2025, 9, 22), calendar)
        b = new_application(s, county, D(2025, 9, 22), calendar)
        _n, town_text = _issue(s, town, a, NoticeKind.RECEIPT, root=tmp_path)
        _n, county_text = _issue(s, county, b, NoticeKind.RECEIPT, root=tmp_path)
        _n, shipped = _issue(s, town, a, NoticeKind.CORRECTION, root=tmp_path, fields={"补正事项": "x"})
    assert town_text == "吴村镇回执：吴村〔2025〕依申请第1号（吴村〔2025〕受理第1号）"
    assert county_text == "全县统一回执：青溪市监〔2025〕依申请第1号（青溪市监〔2025〕受理第1号）"
    assert shipped.startswith("青溪县吴村镇人民政府\n政府信息公开申请补正告知书")


def test_extension_and_fee_notices_take_the_recorded_events(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    town = agencies[1]
    with factory.begin() as s:
        app = new_application(s, town, D(2025, 9, 22), calendar)
        with pytest.raises(InvalidRecord, match="尚未记录“延期”事件"):
            _issue(s, town, app, NoticeKind.EXTENSION)
        app = event(s, town, app, calendar, kind=EventKind.EXTENSION, occurred_on=D(2025, 10, 20), approver="李主任",
                    note="需要调取档案")
        _n, extension = _issue(s, town, app, NoticeKind.EXTENSION, D(2025, 10, 20))
        app = event(s, town, app, calendar, kind=EventKind.FEE_NOTICE, occurred_on=D(2025, 10, 21),
                    fee_method=FeeMethod.PER_VOLUME, pages=150)
        _n, fee = _issue(s, town, app, NoticeKind.FEE, D(2025, 10, 21), fields={"缴费方式": "青溪县非税收入缴款平台"})
    assert "因需要调取档案，本机关不能在2025年10月24日前作出答复" in extension
    assert "答复期限延长20个工作日，延长后的答复期限届满日为2025年11月21日" in extension
    assert "应缴金额：人民币1700.00元" in fee
    assert "第31—100页：70页 × 10元 = 700元" in fee and "计收方式：按量" in fee


def test_reply_outcome_must_match_the_closed_application(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    town = agencies[1]
    with factory.begin() as s:
        app = new_application(s, town, D(2025, 9, 22), calendar)
        app = event(s, town, app, calendar, kind=EventKind.REPLY, occurred_on=D(2025, 10, 9), outcome="granted")
        number, _text = _issue(s, town, app, NoticeKind.REPLY, D(2025, 10, 9))
        with pytest.raises(InvalidRecord, match="已按“（一）予以公开”办结"):
            _issue(s, town, app, NoticeKind.REPLY, outcome="withheld.state_secret")
        with pytest.raises(InvalidRecord, match="早于收到申请之日"):
            _issue(s, town, app, NoticeKind.RECEIPT, D(2025, 9, 1))
    assert number == "吴村〔2025〕答复第1号"


def test_concurrent_clerks_never_share_a_number(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    town = agencies[1]
    with factory.begin() as s:
        app = new_application(s, town, D(2025, 9, 22), calendar)
    numbers: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def clerk() -> None:
        try:
            start.wait()
            with factory.begin() as s:
                numbers.append(_issue(s, town, app, NoticeKind.RECEIPT)[0])
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=clerk) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == [f"吴村〔2025〕受理第{n}号" for n in range(1, 5)]
