"""Demonstration data: two fictional agencies of a fictional county, two report years (2024, 2025) plus the
applications of late 2023 carried into 2024 — hundreds of applications with every kind of event and every
table-三 outcome, appeals of each kind and result, proactive items with review chains, registers.

Everything is generated from ``seed`` (same seed, same records); names, numbers and addresses are invented —
no real person's data. Records go through the ledger's own functions, so every date obeys the statutory clock.
The data is “as of” :data:`DEMO_TODAY`: applications whose reply would fall later are still open.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from gongkai.desk.calendar import WorkCalendar
from gongkai.desk.fees import FeeMethod
from gongkai.desk.model import Channel
from gongkai.ledger.agencies import create_agency
from gongkai.ledger.appeals import record_appeal
from gongkai.ledger.applications import add_event, create_application
from gongkai.ledger.common import calendar_or_default
from gongkai.ledger.domain import Application
from gongkai.ledger.proactive import add_review_step, create_item, publish_item
from gongkai.ledger.registers import add_document, set_tally
from gongkai.ledger.schemas import (
    AgencyIn,
    AppealIn,
    ApplicantIn,
    ApplicationIn,
    EventIn,
    ProactiveItemIn,
    PublicationIn,
    RegisterDocumentIn,
    ReviewStepIn,
    TallyIn,
)
from gongkai.store.vocab import (
    FEE_UNPAID,
    NO_CORRECTION,
    OUTCOME_KEYS,
    AgencyKind,
    AppealKind,
    AppealOutcome,
    ApplicantType,
    Delivery,
    EventKind,
    FormWanted,
    IdDocumentType,
    PublicationChannel,
    RegisterDocumentKind,
    ReviewDecision,
    ReviewStepKind,
    TallyItem,
)

DEMO_TODAY = date(2026, 1, 15)
YEARS = (2024, 2025)
COUNTY = "青溪县"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华建国志红文玉兰凤春晓海燕丹亮鹏宇浩然欣怡子涵雨泽梓轩思远嘉怡"
VILLAGES = ("东山村", "西岭村", "南塘村", "北溪村", "桃源村", "青石村", "竹林村", "河口村")
AGENCIES = (
    (f"{COUNTY}市场监督管理局", "青溪市监", AgencyKind.COUNTY_DEPARTMENT),
    (f"{COUNTY}吴村镇人民政府", "吴村", AgencyKind.TOWNSHIP),
)
TOPICS = {
    AgencyKind.COUNTY_DEPARTMENT: (
        "{y}年度食品安全监督抽检结果及不合格产品处置情况",
        "对{v}某超市作出的行政处罚决定书",
        "{y}年农贸市场改造提升项目验收材料",
        "某药店药品经营许可证的审批材料",
        "{y}年特种设备安全监督检查计划及检查结果",
        "某餐饮店食品经营许可现场核查记录",
        "价格投诉举报的处理结果",
        "{y}年计量器具强制检定情况",
    ),
    AgencyKind.TOWNSHIP: (
        "{v}{y}年土地征收补偿安置方案",
        "{v}宅基地审批材料及公示情况",
        "{v}{y}年最低生活保障对象名单",
        "{v}道路硬化工程招标及资金使用情况",
        "{y}年度镇级财政预算、决算信息",
        "{v}农村危房改造补助发放情况",
        "{v}土地承包经营权流转合同",
        "{y}年农田水利项目建设情况",
    ),
}
PROACTIVE_TOPICS = (
    (1, "关于印发《{a}行政执法公示办法》的通知"),
    (2, "{a}机构职能及领导分工调整情况"),
    (5, "{y}年第{n}季度行政许可办理结果"),
    (6, "{y}年第{n}批行政处罚决定信息"),
    (7, "{a}{y}年部门预算"),
    (7, "{a}{y}年部门决算"),
    (9, "{y}年政府集中采购项目实施情况"),
    (11, "{y}年第{n}季度社会救助资金发放情况"),
    (12, "{a}{y}年突发事件应急预案"),
    (13, "{y}年第{n}季度监督检查情况通报"),
)
OTHER_OUTCOMES = ("granted",) * 8 + ("partially_granted",) * 3 + ("unavailable.not_held",) * 3 + (
    "withheld.third_party", "withheld.deliberative", "not_processed.duplicate", "not_processed.petition", "other.other",
)
APPEAL_PLAN = (
    (AppealKind.RECONSIDERATION, AppealOutcome.UPHELD),
    (AppealKind.RECONSIDERATION, AppealOutcome.CORRECTED),
    (AppealKind.RECONSIDERATION, AppealOutcome.OTHER),
    (AppealKind.RECONSIDERATION, AppealOutcome.PENDING),
    (AppealKind.LITIGATION_DIRECT, AppealOutcome.UPHELD),
    (AppealKind.LITIGATION_DIRECT, AppealOutcome.CORRECTED),
    (AppealKind.LITIGATION_DIRECT, AppealOutcome.OTHER),
    (AppealKind.LITIGATION_DIRECT, AppealOutcome.PENDING),
    (AppealKind.LITIGATION_AFTER_RECONSIDERATION, AppealOutcome.UPHELD),
    (AppealKind.LITIGATION_AFTER_RECONSIDERATION, AppealOutcome.CORRECTED),
    (AppealKind.LITIGATION_AFTER_RECONSIDERATION, AppealOutcome.OTHER),
    (AppealKind.LITIGATION_AFTER_RECONSIDERATION, AppealOutcome.PENDING),
)
CLERKS = ("周敏", "陈晓东", "林海燕")
LEADERS = ("郑建国", "何志强")


@dataclass(frozen=True)
class DemoSummary:
    agency_ids: tuple[int, ...]
    applications: int
    events: int
    appeals: int
    proactive_items: int
    documents: int


class _Maker:
    def __init__(self, session: Session, cal: WorkCalendar, rng: random.Random) -> None:
        self.session, self.cal, self.rng = session, cal, rng
        self.events = 0

    def wd(self, day: date, n: int) -> date:
        return self.cal.add_working_days(day, n) if n > 0 else day

    def working_day_in(self, start: date, end: date) -> date:
        day = start + timedelta(self.rng.randrange((end - start).days + 1))
        while not self.cal.is_working_day(day):
            day += timedelta(1)
        return day

    # -- people and organisations (invented)

    def person(self) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(SURNAMES) + given

    def resident_id(self) -> str:
        born = date(1950, 1, 1) + timedelta(self.rng.randrange(365 * 50))
        body = f"339{self.rng.randrange(100, 999)}{born:%Y%m%d}{self.rng.randrange(1000):03d}"
        weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
        check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
        return body + check

    def applicant(self, kind: ApplicantType) -> ApplicantIn:
        village = self.rng.choice(VILLAGES)
        org_names = {
            ApplicantType.BUSINESS: f"{COUNTY}{self.rng.choice(('绿源', '恒信', '兴旺', '福康', '金穗'))}"
            f"{self.rng.choice(('农业发展', '商贸', '食品', '建材'))}有限公司",
            ApplicantType.RESEARCH: f"{COUNTY}{self.rng.choice(('农业科学研究所', '经济社会发展研究中心'))}",
            ApplicantType.NONPROFIT: f"{COUNTY}{self.rng.choice(('环保志愿者协会', '消费者权益保护促进会', '助老公益服务中心'))}",
            ApplicantType.LEGAL_SERVICE: f"青溪{self.rng.choice(('明正', '衡平', '致远'))}律师事务所",
            ApplicantType.OTHER_ORG: f"吴村镇{village}村民委员会",
        }
        phone = f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"
        address = f"{COUNTY}吴村镇{village}{self.rng.randrange(1, 200)}号"
        if kind is ApplicantType.NATURAL_PERSON:
            return ApplicantIn(
                type=kind, name=self.person(), id_document_type=IdDocumentType.RESIDENT_ID,
                id_document=self.resident_id(), phone=phone, address=address,
            )
        code = "91339" + "".join(self.rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(13))
        return ApplicantIn(
            type=kind, name=org_names[kind], id_document_type=IdDocumentType.CREDIT_CODE, id_document=code,
            phone=phone, email=f"contact{self.rng.randrange(100, 999)}@example.cn", address=address,
        )

    # -- one application and its story

    def event(self, agency_id: int, app: Application, **fields: object) -> Application:
        self.events += 1
        return add_event(
            session=self.session, agency_id=agency_id, application_id=app.id,
            data=EventIn.model_validate({"actor": self.rng.choice(CLERKS), **fields}), calendar=self.cal,
        )

    def application(self, agency_id: int, kind: AgencyKind, received: date, outcome: str, late: bool) -> Application:
        rng = self.rng
        channel = rng.choice((Channel.IN_PERSON, Channel.POST, Channel.INTERNET, Channel.INTERNET, Channel.EMAIL,
                              Channel.ORDINARY_LETTER, Channel.FAX))
        dates: dict[Channel, dict[str, date]] = {
            Channel.IN_PERSON: {"handed_in": received},
            Channel.POST: {"signed_for": received},
            Channel.ORDINARY_LETTER: {"arrived": received, "confirmed": received},
            Channel.INTERNET: {"confirmed": received},
            Channel.FAX: {"confirmed": received},
            Channel.EMAIL: {"system_received": received},
        }
        applicant_kind = rng.choices(list(ApplicantType), weights=(70, 12, 2, 3, 8, 5))[0]
        topic = rng.choice(TOPICS[kind]).format(y=received.year - rng.choice((0, 1)), v=rng.choice(VILLAGES))
        data = ApplicationIn.model_validate({
            "applicant": self.applicant(applicant_kind), "channel": channel, "information": f"申请公开{topic}",
            "form_wanted": rng.choice(list(FormWanted)), "delivery": rng.choice(list(Delivery)),
            "actor": rng.choice(CLERKS), **dates[channel],
        })
        app = create_application(session=self.session, agency_id=agency_id, calendar=self.cal, data=data)
        t = received
        if outcome in (NO_CORRECTION, "unavailable.unclear") or rng.random() < 0.12:
            t = self.wd(received, rng.randint(1, 6))
            app = self.event(agency_id, app, kind=EventKind.CORRECTION_REQUESTED, occurred_on=t,
                             note="申请内容不明确，请补正所需信息的名称、文号或者其他特征性描述")
            if outcome == NO_CORRECTION:
                closing = self.wd(t, 15 + rng.randint(1, 10))
                return self._close(agency_id, app, closing, outcome)
            t = self.wd(t, rng.randint(2, 10))
            app = self.event(agency_id, app, kind=EventKind.CORRECTION_RECEIVED, occurred_on=t)
        if rng.random() < 0.12:
            start, third = self.wd(t, rng.randint(1, 5)), rng.random() < 0.7
            kinds = (EventKind.THIRD_PARTY_STARTED, EventKind.THIRD_PARTY_ENDED) if third else (
                EventKind.OTHER_AGENCY_STARTED, EventKind.OTHER_AGENCY_ENDED)
            app = self.event(agency_id, app, kind=kinds[0], occurred_on=start)
            t = self.wd(start, rng.randint(3, 15))
            app = self.event(agency_id, app, kind=kinds[1], occurred_on=t)
        if outcome == FEE_UNPAID or (outcome == "granted" and rng.random() < 0.1):
            notice = self.wd(t, rng.randint(1, 4))
            got = self.wd(notice, rng.randint(1, 3))
            by_volume = rng.random() < 0.6
            fee = {"fee_method": FeeMethod.PER_VOLUME, "pages": rng.randint(40, 260)} if by_volume else {
                "fee_method": FeeMethod.PER_APPLICATION, "prior_this_month": rng.randint(10, 35)}
            app = self.event(agency_id, app, kind=EventKind.FEE_NOTICE, occurred_on=notice,
                             applicant_received_on=got, **fee)
            if outcome == FEE_UNPAID:
                return self._close(agency_id, app, self.wd(got, 21 + rng.randint(0, 3)), outcome)
            t = self.wd(got, rng.randint(1, 12))
            app = self.event(agency_id, app, kind=EventKind.FEE_PAID, occurred_on=t)
        due = app.deadline.due_on
        if due is not None and rng.random() < 0.1 and t < due:
            t = min(max(t, self.wd(due - timedelta(7), 1)), due)
            app = self.event(agency_id, app, kind=EventKind.EXTENSION, occurred_on=t,
                             approver=rng.choice(LEADERS), days=rng.choice((10, 15, 20)),
                             note="需要调取档案并征询相关科室意见")
            due = app.deadline.due_on
        if due is None:
            return app
        if late:
            reply = self.wd(due, rng.randint(1, 5))
        else:
            span = self.cal.working_days_between(t, due)
            reply = self.wd(t, rng.randint(1, span)) if span > 0 else t
        return self._close(agency_id, app, reply, outcome)

    def _close(self, agency_id: int, app: Application, day: date, outcome: str) -> Application:
        if day > DEMO_TODAY:
            return app  # still being handled on the demo's “today”
        return self.event(agency_id, app, kind=EventKind.REPLY, occurred_on=day, outcome=outcome)


def _outcomes(rng: random.Random, count: int) -> list[str]:
    chosen = list(OUTCOME_KEYS) + [rng.choice(OTHER_OUTCOMES) for _ in range(max(count - len(OUTCOME_KEYS), 0))]
    rng.shuffle(chosen)
    return chosen[:count]


def _applications(m: _Maker, agency_id: int, kind: AgencyKind, per_year: int) -> list[Application]:
    done: list[Application] = []
    carried = [m.working_day_in(date(2023, 12, 1), date(2023, 12, 29)) for _ in range(6)]
    for received in sorted(carried):
        done.append(m.application(agency_id, kind, received, m.rng.choice(OTHER_OUTCOMES), False))
    for year in YEARS:
        days = sorted(m.working_day_in(date(year, 1, 2), date(year, 12, 31)) for _ in range(per_year))
        for received, outcome in zip(days, _outcomes(m.rng, per_year), strict=True):
            done.append(m.application(agency_id, kind, received, outcome, m.rng.random() < 0.04))
    return done


def _appeals(m: _Maker, agency_id: int, apps: list[Application]) -> int:
    disputed = [a for a in apps if a.closed_on is not None and a.outcome not in ("granted", NO_CORRECTION, FEE_UNPAID)]
    count = 0
    for i, (kind, outcome) in enumerate(APPEAL_PLAN * 2):
        app = disputed[(i * 7) % len(disputed)]
        assert app.closed_on is not None
        filed = app.closed_on + timedelta(m.rng.randint(10, 55))
        decided = None if outcome is AppealOutcome.PENDING else filed + timedelta(m.rng.randint(30, 150))
        if filed > DEMO_TODAY:
            continue
        if decided is not None and decided > DEMO_TODAY:
            outcome, decided = AppealOutcome.PENDING, None
        if outcome is AppealOutcome.PENDING and filed.year < 2025 and i % 2:
            # pending at the end of one year, decided in the next: continuity of table 四 across years
            outcome, decided = AppealOutcome.UPHELD, date(filed.year + 1, 3, 10)
        record_appeal(
            session=m.session, agency_id=agency_id,
            data=AppealIn(
                kind=kind, filed_on=filed, application_id=app.id, outcome=outcome, decided_on=decided,
                case_number=f"（{filed.year}）青{'复' if kind is AppealKind.RECONSIDERATION else '行初'}字第{i + 1}号",
                body="青溪县人民政府" if kind is AppealKind.RECONSIDERATION else "青溪县人民法院", actor=CLERKS[0],
            ),
        )
        count += 1
    return count


def _proactive(m: _Maker, agency_id: int, name: str, per_year: int) -> int:
    rng, count = m.rng, 0
    for year in YEARS:
        for n in range(per_year):
            category, pattern = rng.choice(PROACTIVE_TOPICS)
            formed = m.working_day_in(date(year, 1, 2), date(year, 11, 30))
            item = create_item(
                session=m.session, agency_id=agency_id, calendar=m.cal,
                data=ProactiveItemIn(title=pattern.format(a=name, y=year, n=n % 4 + 1), category=category,
                                     formed_on=formed, actor=rng.choice(CLERKS)),
            )
            count += 1
            at = datetime.combine(formed, time(9))
            chain = list(ReviewStepKind)
            if n % 9 == 4:  # returned once by the confidentiality review, then the chain starts again
                chain = [ReviewStepKind.DRAFTER, ReviewStepKind.CONFIDENTIALITY, *chain]
            refused = n % 23 == 11
            for i, step in enumerate(chain):
                at += timedelta(hours=rng.randint(2, 30))
                decision = ReviewDecision.APPROVED
                if n % 9 == 4 and i == 1:
                    decision = ReviewDecision.RETURNED
                if refused and step is ReviewStepKind.CONFIDENTIALITY:
                    decision = ReviewDecision.REFUSED
                reviewer = {ReviewStepKind.DRAFTER: rng.choice(CLERKS), ReviewStepKind.CONFIDENTIALITY: "保密审查员 孙丽",
                            ReviewStepKind.LEADER: rng.choice(LEADERS)}[step]
                comment = {ReviewDecision.RETURNED: "涉及个人信息，请删除身份证号码后重新报审",
                           ReviewDecision.REFUSED: "涉及国家秘密，不予公开"}.get(decision, "同意")
                add_review_step(session=m.session, agency_id=agency_id, item_id=item.id, calendar=m.cal,
                                data=ReviewStepIn(step=step, reviewer=reviewer, decided_at=at, decision=decision,
                                                  comment=comment))
                if decision is ReviewDecision.REFUSED:
                    break
            if refused:
                continue
            delay = rng.randint(22, 30) if n % 17 == 3 else rng.randint(1, 12)  # a few published too late
            published = max(m.wd(formed, delay), at.date())
            channels = [PublicationChannel.PORTAL, *rng.sample(
                [PublicationChannel.WECHAT, PublicationChannel.BULLETIN_BOARD, PublicationChannel.GAZETTE], rng.randint(0, 2))]
            publish_item(session=m.session, agency_id=agency_id, item_id=item.id, calendar=m.cal,
                         data=PublicationIn(published_on=published, channels=tuple(channels)))
    return count


def _registers(m: _Maker, agency_id: int, short: str) -> int:
    rng, count = m.rng, 0
    for year in range(2019, 2026):
        for n in range(rng.randint(1, 4)):
            issued = m.working_day_in(date(year, 1, 2), date(year, 12, 20))
            repealed = None
            if year < 2024 and rng.random() < 0.3:
                repealed = m.working_day_in(date(2024, 1, 2), date(2025, 12, 20))
            add_document(session=m.session, agency_id=agency_id, data=RegisterDocumentIn(
                kind=RegisterDocumentKind.NORMATIVE_DOCUMENT,
                title=f"关于印发《{short}{rng.choice(('行政执法', '信息公开', '财务管理', '安全生产'))}管理办法》的通知（{year}-{n + 1}）",
                document_number=f"{short}〔{year}〕{n + 1}号", issued_on=issued,
                repealed_on=repealed if repealed is not None and repealed >= issued else None))
            count += 1
    for year in YEARS:
        for item, top in ((TallyItem.LICENSING, 900), (TallyItem.PUNISHMENT, 120), (TallyItem.COERCION, 15)):
            set_tally(session=m.session, agency_id=agency_id, data=TallyIn(year=year, item=item, decisions=rng.randint(0, top)))
        amount = Decimal(rng.randint(0, 50000)) / 100
        set_tally(session=m.session, agency_id=agency_id, data=TallyIn(year=year, item=TallyItem.FEES, amount=amount))
    return count


def load_demo(
    *, session: Session, seed: int = 2025, calendar: WorkCalendar | None = None, per_year: int = 110,
    proactive_per_year: int = 30,
) -> DemoSummary:
    """Create the demonstration agencies and their records in ``session`` (the caller commits)."""
    m = _Maker(session, calendar_or_default(calendar), random.Random(seed))
    ids: list[int] = []
    totals = [0, 0, 0, 0]
    for name, short, kind in AGENCIES:
        agency = create_agency(session=session, data=AgencyIn(name=name, kind=kind, abbreviation=short, region=COUNTY))
        ids.append(agency.id)
        apps = _applications(m, agency.id, kind, per_year)
        totals[0] += len(apps)
        totals[1] += _appeals(m, agency.id, apps)
        totals[2] += _proactive(m, agency.id, name, proactive_per_year)
        totals[3] += _registers(m, agency.id, short)
    session.flush()
    return DemoSummary(tuple(ids), totals[0], m.events, totals[1], totals[2], totals[3])
