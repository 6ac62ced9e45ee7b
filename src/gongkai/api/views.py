"""Response schemas of the JSON API and the explicit conversions from the ledger's domain objects.

Nothing here is an ORM row or a domain object: every response is one of these pydantic models (the masked
application view is the ledger's own :class:`~gongkai.ledger.schemas.ApplicationView`). Personal data appears
only masked: a list shows the masked name; the detail shows masked identity document, phone, e-mail and
address — the decrypted values never leave the server except inside a notice addressed to the applicant.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from gongkai.desk.explain import deadline_dict, explain_lines
from gongkai.desk.model import STATUS_LABELS, ReplyDeadline, Status
from gongkai.ledger.domain import (
    Agency,
    Appeal,
    Application,
    ApplicationSummary,
    ProactiveItem,
    RegisterDocument,
    RegisterTally,
    StoredReport,
)
from gongkai.ledger.masking import mask_name
from gongkai.ledger.registers import ImportResult
from gongkai.model.report import Report, json_number
from gongkai.notices.catalog import NoticeKind
from gongkai.notices.issue import Notice
from gongkai.notices.templates import TemplateFile
from gongkai.rules import Finding
from gongkai.store.vocab import (
    OUTCOME_LABELS,
    AgencyKind,
    AppealKind,
    AppealOutcome,
    ApplicantType,
    DeadlineState,
    article_20_label,
)


class View(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class ErrorOut(View):
    detail: str = Field(description="一句中文说明：出了什么问题、如何处理")


class AgencyOut(View):
    id: int
    name: str
    kind: AgencyKind
    kind_label: str
    abbreviation: str | None
    region: str | None
    parent_id: int | None
    email_rule: str = Field(description="电子邮件申请的收到之日：system_received（系统收到）或 both_confirmed（双方确认）")
    exclude_fee_wait: bool = Field(description="等待缴费期间是否不计入答复期限（本机关配置）")

    @classmethod
    def of(cls, a: Agency) -> AgencyOut:
        return cls(
            id=a.id, name=a.name, kind=a.kind, kind_label=a.kind.label, abbreviation=a.abbreviation, region=a.region,
            parent_id=a.parent_id, email_rule=a.deadline_rules.email_rule.value,
            exclude_fee_wait=a.deadline_rules.exclude_fee_wait,
        )


class ApplicationLine(View):
    """One line of a list of applications: the applicant's name masked, nothing else personal."""

    id: int
    number: str
    code: str
    applicant_type: ApplicantType
    applicant_type_label: str
    applicant_name: str = Field(description="遮蔽后的姓名（自然人只显示姓）或单位名称")
    received_on: date
    deadline_state: DeadlineState
    deadline_label: str
    due_on: date | None
    due_not_before: date | None = Field(description="答复期限暂定时的下限（不是期限）")
    working_days_left: int | None = None
    closed_on: date | None = None
    outcome: str | None = None
    outcome_label: str | None = None

    @classmethod
    def of_application(cls, a: Application) -> ApplicationLine:
        return cls(
            id=a.id, number=a.number, code=a.code, applicant_type=a.applicant.type,
            applicant_type_label=a.applicant.type.label, applicant_name=mask_name(a.applicant.name, a.applicant.type),
            received_on=a.received_on, deadline_state=a.deadline.state, deadline_label=a.deadline.state.label,
            due_on=a.deadline.due_on, due_not_before=a.deadline.due_not_before, closed_on=a.closed_on,
            outcome=a.outcome, outcome_label=a.outcome_label,
        )

    @classmethod
    def of_summary(cls, s: ApplicationSummary) -> ApplicationLine:
        return cls(
            id=s.id, number=s.number, code=s.code, applicant_type=s.applicant_type,
            applicant_type_label=s.applicant_type.label, applicant_name=s.masked_name, received_on=s.received_on,
            deadline_state=s.state, deadline_label=s.state.label, due_on=s.due_on, due_not_before=s.due_not_before,
            working_days_left=s.working_days_left,
        )


class SegmentOut(View):
    kind: str = Field(description="counting 计算、paused 不计算、restart 重新起算、extension 延长")
    label: str
    from_: date = Field(alias="from")
    to: date | None = Field(description="null：尚未结束")
    working_days: int
    basis: str = Field(description="法律依据")


class SideDeadlineOut(View):
    name: str
    trigger: date
    working_days: int
    due: date | None
    basis: str
    actual: date | None
    met: bool | None
    provisional: bool
    uncovered_year: int | None


class RulesOut(View):
    exclude_fee_wait: bool
    email_rule: str


class DeadlineOut(View):
    """A reply deadline explained segment by segment (the JSON of ``gongkai deadline calc --format json``, plus
    the status label and the explanation as lines of Chinese text)."""

    status: Status
    status_label: str
    due: date | None
    provisional: bool
    uncovered_year: int | None
    received: date
    received_basis: str
    channel: str | None
    period_start: date
    base_due: date | None
    reply_working_days: int
    extension_working_days: int
    extension_approver: str | None
    counted_working_days: int
    remaining_working_days: int
    known_until: date | None
    earliest_possible_due: date | None
    suspended_since: date | None
    segments: list[SegmentOut]
    other_deadlines: list[SideDeadlineOut]
    notes: list[str]
    calendar_fingerprint: str
    rules: RulesOut
    lines: list[str] = Field(description="逐段说明（中文，与 gongkai deadline show 的输出相同）")

    @classmethod
    def of(cls, d: ReplyDeadline) -> DeadlineOut:
        data: dict[str, Any] = deadline_dict(d)
        return cls.model_validate({**data, "status_label": STATUS_LABELS[d.status], "lines": explain_lines(d)})


class ApplicationDeadlineOut(View):
    application_id: int
    number: str
    code: str
    state: DeadlineState
    state_label: str
    due_on: date | None
    explanation: DeadlineOut | None = Field(description="null：收到申请的年度没有工作日历，无法计算")
    message: str | None = None


class AppealOut(View):
    id: int
    application_id: int | None
    application_code: str | None
    kind: AppealKind
    kind_label: str
    filed_on: date
    outcome: AppealOutcome
    outcome_label: str
    decided_on: date | None
    case_number: str | None
    body: str | None
    note: str | None

    @classmethod
    def of(cls, a: Appeal) -> AppealOut:
        return cls(
            id=a.id, application_id=a.application_id, application_code=a.application_code, kind=a.kind,
            kind_label=a.kind.label, filed_on=a.filed_on, outcome=a.outcome, outcome_label=a.outcome.label,
            decided_on=a.decided_on, case_number=a.case_number, body=a.body, note=a.note,
        )


class ReviewStepOut(View):
    id: int
    step: str
    step_label: str
    reviewer: str
    decided_at: datetime
    decision: str
    decision_label: str
    comment: str | None


class PublicationOut(View):
    channel: str
    channel_label: str
    published_on: date
    url: str | None


class ProactiveItemOut(View):
    id: int
    version: int
    title: str
    category: int
    category_label: str
    local_category: str | None
    document_number: str | None
    formed_on: date
    published_on: date | None
    publish_due: date | None = Field(description="第二十六条：形成之日起20个工作日内公开（null：日历未知）")
    published_late: bool | None
    review: list[ReviewStepOut]
    publications: list[PublicationOut]

    @classmethod
    def of(cls, i: ProactiveItem) -> ProactiveItemOut:
        return cls(
            id=i.id, version=i.version, title=i.title, category=i.category, category_label=article_20_label(i.category),
            local_category=i.local_category, document_number=i.document_number, formed_on=i.formed_on,
            published_on=i.published_on, publish_due=i.publish_due, published_late=i.published_late,
            review=[
                ReviewStepOut(id=s.id, step=s.step.value, step_label=s.step.label, reviewer=s.reviewer,
                              decided_at=s.decided_at, decision=s.decision.value, decision_label=s.decision.label,
                              comment=s.comment)
                for s in i.review
            ],
            publications=[
                PublicationOut(channel=p.channel.value, channel_label=p.channel.label, published_on=p.published_on,
                               url=p.url)
                for p in i.publications
            ],
        )


class RegisterDocumentOut(View):
    id: int
    kind: str
    kind_label: str
    title: str
    document_number: str | None
    issued_on: date
    repealed_on: date | None

    @classmethod
    def of(cls, d: RegisterDocument) -> RegisterDocumentOut:
        return cls(id=d.id, kind=d.kind.value, kind_label=d.kind.label, title=d.title,
                   document_number=d.document_number, issued_on=d.issued_on, repealed_on=d.repealed_on)


class TallyOut(View):
    year: int
    item: str
    item_label: str
    decisions: int | None
    amount: float | None = Field(description="行政事业性收费金额（万元）")
    source: str | None

    @classmethod
    def of(cls, t: RegisterTally) -> TallyOut:
        return cls(year=t.year, item=t.item.value, item_label=t.item.label, decisions=t.decisions,
                   amount=None if t.amount is None else float(t.amount), source=t.source)


class ImportResultOut(View):
    file: str
    layout: str = Field(description="documents 文件登记 或 figures 年度数据")
    created: int
    updated: int

    @classmethod
    def of(cls, r: ImportResult) -> ImportResultOut:
        return cls(file=r.file, layout=r.layout, created=r.created, updated=r.updated)


class FindingOut(View):
    rule: str
    kind: str
    severity: str
    message: str
    cells: list[str]
    printed: int | float | None
    computed: int | float | None
    where: str
    source: str

    @classmethod
    def of(cls, f: Finding) -> FindingOut:
        return cls.model_validate(f.to_dict())


class CellOut(View):
    kind: str = Field(description="number、blank、mark、text、missing")
    value: int | float | None
    raw: str
    provenance: str = Field(description="来源：台账中的查询及其记录编号")


class SectionOut(View):
    key: str
    heading: str
    text: str


class ReportOut(View):
    agency: str | None
    year: int | None
    title: str | None
    cells: dict[str, CellOut]
    sections: list[SectionOut]
    findings: list[FindingOut]

    @classmethod
    def of(cls, r: Report, findings: list[Finding]) -> ReportOut:
        return cls(
            agency=r.meta.agency, year=r.meta.year, title=r.meta.title,
            cells={
                c.id: CellOut(kind=c.kind.value, value=json_number(c.value), raw=c.raw,
                              provenance=c.provenance.text or c.reason)
                for c in r.iter_cells()
            },
            sections=[SectionOut(key=s.key.value, heading=s.heading, text=s.text) for s in r.sections],
            findings=[FindingOut.of(f) for f in findings],
        )


class StoredReportOut(View):
    id: int
    year: int
    origin: str
    origin_label: str
    source_name: str | None
    created_by: str
    created_at: datetime

    @classmethod
    def of(cls, s: StoredReport) -> StoredReportOut:
        return cls(id=s.id, year=s.year, origin=s.origin.value, origin_label=s.origin.label,
                   source_name=s.source_name, created_by=s.created_by, created_at=s.created_at)


class TraceOut(View):
    year: int
    cell_id: str
    applications: list[str] = Field(description="该单元格所计的申请编号（年度-序号）")


class NoticeOut(View):
    id: int
    application_id: int
    kind: NoticeKind
    kind_label: str
    title: str
    number: str
    issued_on: date
    outcome: str | None
    outcome_label: str | None
    template: str
    template_source: str = Field(description="shipped（随软件发布）或本机关模板文件的路径")
    created_by: str
    created_at: datetime
    size: int
    sha256: str
    filename: str

    @classmethod
    def of(cls, n: Notice) -> NoticeOut:
        return cls(
            id=n.id, application_id=n.application_id, kind=n.kind, kind_label=n.kind.label, title=n.title,
            number=n.number, issued_on=n.issued_on, outcome=n.outcome,
            outcome_label=OUTCOME_LABELS[n.outcome] if n.outcome else None, template=n.template,
            template_source=n.template_source, created_by=n.created_by, created_at=n.created_at, size=n.size,
            sha256=n.sha256, filename=n.filename,
        )


class NoticeTemplateOut(View):
    key: str
    kind: NoticeKind
    title: str
    outcome: str | None
    filename: str
    source: str = Field(description="shipped（随软件发布）或本机关模板文件的路径")
    sha256: str

    @classmethod
    def of(cls, t: TemplateFile) -> NoticeTemplateOut:
        return cls(key=t.spec.key, kind=t.spec.kind, title=t.spec.title, outcome=t.spec.outcome,
                   filename=t.spec.filename, source=t.source, sha256=t.sha256)
