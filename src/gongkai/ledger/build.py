"""The annual report (2021 template) computed from the ledger: every cell a count of records, with provenance.

Table 三, per applicant type (column) — one pass over the applications *in play* in the year (received by
31 December and not closed before 1 January), aggregated in SQL:

* 一 本年新收 = received in the year; 二 上年结转 = received before the year and open on 1 January;
* result rows = closed in the year, by outcome (exactly one row each); （七）总计 = all closed in the year;
* 四 结转下年度 = open on 31 December.

Every application in play is either closed in the year or open at its end, so 一 + 二 = （七） + 四 in every
column, and 二 of a year is 四 of the year before, *by construction* (a closing date is never before the received
date: a database CHECK). Table 四 counts the cases filed by 31 December and not decided before 1 January; a case
not decided by 31 December is 尚未审结. Table 二 counts the register: documents issued / repealed in the year and in
force on 31 December (issued, and not repealed by then); the yearly figures as entered — a figure never entered is
left **blank**, not 0.

Each cell's provenance is ``Provenance(source="ledger:{机关}", reader="ledger", text=…)``: the query in words and,
for ledgers of ordinary size, the numbers of the records behind it (:func:`trace_cell` lists them all).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger import mapping, narrative
from gongkai.ledger.applications import fees_collected
from gongkai.ledger.common import agency_row, calendar_or_default
from gongkai.ledger.domain import Agency
from gongkai.ledger.proactive import summarise
from gongkai.ledger.registers import tallies
from gongkai.ledger.reports import latest_report
from gongkai.model.report import Cell, Provenance, Report, ReportMeta, Table, ValueKind
from gongkai.model.templates import T2_2021, T3_2021, T4, TableKind, TemplateVersion
from gongkai.rules import Finding, check
from gongkai.store.orm import AppealRow, ApplicationEventRow, ApplicationRow, RegisterDocumentRow
from gongkai.store.vocab import (
    FEE_UNPAID,
    NO_CORRECTION,
    OUTCOME_KEYS,
    OUTCOME_LABELS,
    AppealKind,
    AppealOutcome,
    ApplicantType,
    EventKind,
    RegisterDocumentKind,
    TallyItem,
)

DETAIL_LIMIT = 5000  # up to this many applications in play, provenance lists the numbers behind each cell
SHOWN_CODES = 8
TYPES = tuple(ApplicantType)
TERMINATIONS = (NO_CORRECTION, FEE_UNPAID)


@dataclass
class Facts:
    """What the ledger says about one agency's year: the inputs of the tables and of the draft narrative."""

    agency: Agency
    year: int
    t3: dict[str, Counter[ApplicantType]] = field(default_factory=dict)  # row key → counts per applicant type
    codes: dict[tuple[str, ApplicantType], list[str]] | None = None  # (row, type) → record numbers
    channels: Counter[str] = field(default_factory=Counter)  # received in the year, by channel label
    replied_late: int = 0  # closed in the year after the due date
    t4: dict[AppealKind, Counter[AppealOutcome]] = field(default_factory=dict)
    documents: dict[RegisterDocumentKind, dict[str, int]] = field(default_factory=dict)
    tallies: dict[TallyItem, int | Decimal | None] = field(default_factory=dict)
    fees_yuan: Decimal = Decimal(0)
    fee_notices: int = 0
    proactive: narrative.ProactiveFacts | None = None


def _bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _in_play(agency_id: int, start: date, end: date) -> ColumnElement[bool]:
    return and_(
        ApplicationRow.agency_id == agency_id,
        ApplicationRow.received_on <= end,
        or_(ApplicationRow.closed_on.is_(None), ApplicationRow.closed_on >= start),
    )


def _t3_facts(session: Session, facts: Facts) -> None:
    start, end = _bounds(facts.year)
    a = ApplicationRow
    stmt = (
        select(
            a.applicant_type,
            a.outcome,
            a.channel,
            func.sum(case((a.received_on >= start, 1), else_=0)),
            func.sum(case((a.received_on < start, 1), else_=0)),
            func.sum(case((a.closed_on <= end, 1), else_=0)),
            func.sum(case((or_(a.closed_on.is_(None), a.closed_on > end), 1), else_=0)),
            # A termination for 逾期不补正 / 逾期未缴费 is not a late reply: its date follows the applicant's delay.
            func.sum(case((and_(a.closed_on <= end, a.closed_on > a.due_on, a.outcome.not_in(TERMINATIONS)), 1), else_=0)),
        )
        .where(_in_play(facts.agency.id, start, end))
        .group_by(a.applicant_type, a.outcome, a.channel)
    )
    rows: dict[str, Counter[ApplicantType]] = {key: Counter() for key in ("new", "carried_over", "carried_forward")}
    rows.update({key: Counter() for key in OUTCOME_KEYS})
    in_play = 0
    for kind, outcome, channel, new, carried, closed, forward, late in session.execute(stmt):
        rows["new"][kind] += int(new)
        rows["carried_over"][kind] += int(carried)
        rows["carried_forward"][kind] += int(forward)
        if outcome is not None and closed:
            rows[outcome][kind] += int(closed)
        if new:
            facts.channels[channel.value if channel is not None else "未注明"] += int(new)
        facts.replied_late += int(late or 0)
        in_play += int(new) + int(carried)
    rows["total"] = Counter()
    for key in OUTCOME_KEYS:
        rows["total"].update(rows[key])
    facts.t3 = rows
    if in_play <= DETAIL_LIMIT:
        facts.codes = _t3_codes(session, facts, start, end)


def _t3_codes(session: Session, facts: Facts, start: date, end: date) -> dict[tuple[str, ApplicantType], list[str]]:
    a = ApplicationRow
    stmt = (
        select(a.number_year, a.seq, a.applicant_type, a.outcome, a.received_on, a.closed_on)
        .where(_in_play(facts.agency.id, start, end))
        .order_by(a.number_year, a.seq)
    )
    out: dict[tuple[str, ApplicantType], list[str]] = defaultdict(list)
    for number_year, seq, kind, outcome, received, closed in session.execute(stmt):
        code = f"#{seq:04d}" if number_year == facts.year else f"#{mapping.application_code(number_year, seq)}"
        out["new" if received >= start else "carried_over", kind].append(code)
        if closed is not None and closed <= end and outcome is not None:
            out[outcome, kind].append(code)
            out["total", kind].append(code)
        else:
            out["carried_forward", kind].append(code)
    return out


def _t4_facts(session: Session, facts: Facts) -> None:
    start, end = _bounds(facts.year)
    r = AppealRow
    shown = case((or_(r.decided_on.is_(None), r.decided_on > end), AppealOutcome.PENDING.value), else_=r.outcome)
    stmt = (
        select(r.kind, shown, func.count())
        .where(r.agency_id == facts.agency.id, r.filed_on <= end, or_(r.decided_on.is_(None), r.decided_on >= start))
        .group_by(r.kind, shown)
    )
    facts.t4 = {kind: Counter() for kind in AppealKind}
    for kind, outcome, n in session.execute(stmt):
        facts.t4[kind][AppealOutcome(outcome)] += int(n)


def _t2_facts(session: Session, facts: Facts) -> None:
    start, end = _bounds(facts.year)
    d = RegisterDocumentRow
    stmt = (
        select(
            d.kind,
            func.sum(case((and_(d.issued_on >= start, d.issued_on <= end), 1), else_=0)),
            func.sum(case((and_(d.repealed_on >= start, d.repealed_on <= end), 1), else_=0)),
            func.sum(case((and_(d.issued_on <= end, or_(d.repealed_on.is_(None), d.repealed_on > end)), 1), else_=0)),
        )
        .where(d.agency_id == facts.agency.id)
        .group_by(d.kind)
    )
    facts.documents = {k: {"issued": 0, "repealed": 0, "in_force": 0} for k in RegisterDocumentKind}
    for kind, issued, repealed, in_force in session.execute(stmt):
        facts.documents[kind] = {"issued": int(issued), "repealed": int(repealed), "in_force": int(in_force)}
    found = tallies(session=session, agency_id=facts.agency.id, year=facts.year)
    facts.tallies = {
        item: (None if item not in found else found[item].amount if item is TallyItem.FEES else found[item].decisions)
        for item in TallyItem
    }


def _fee_facts(session: Session, facts: Facts) -> None:
    start, end = _bounds(facts.year)
    facts.fees_yuan = fees_collected(session=session, agency_id=facts.agency.id, year=facts.year)
    e = ApplicationEventRow
    facts.fee_notices = int(
        session.scalar(
            select(func.count()).where(
                e.agency_id == facts.agency.id, e.kind == EventKind.FEE_NOTICE, e.occurred_on >= start, e.occurred_on <= end
            )
        )
        or 0
    )


def gather_facts(*, session: Session, agency_id: int, year: int, calendar: WorkCalendar | None = None) -> Facts:
    facts = Facts(mapping.agency(agency_row(session, agency_id)), year)
    _t3_facts(session, facts)
    _t4_facts(session, facts)
    _t2_facts(session, facts)
    _fee_facts(session, facts)
    summary = summarise(session=session, agency_id=agency_id, year=year, calendar=calendar_or_default(calendar))
    facts.proactive = narrative.ProactiveFacts.of(summary)
    return facts


# ---------------------------------------------------------------- cells


def _codes_text(codes: list[str] | None) -> str:
    if not codes:
        return ""
    shown = "、".join(codes[:SHOWN_CODES])
    return f"（{shown}{' …' if len(codes) > SHOWN_CODES else ''}）"


def _number(cell_id: str, value: int | Decimal, source: str, text: str) -> Cell:
    raw = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
    return Cell(cell_id, ValueKind.NUMBER, value, raw=raw, provenance=Provenance(source=source, reader="ledger", text=text))


def _t3_query(key: str, year: int) -> str:
    if key == "new":
        return f"依申请 {year} 年新收"
    if key == "carried_over":
        return f"依申请 {year - 1} 年及以前收到、{year} 年初尚未办结"
    if key == "carried_forward":
        return f"依申请 {year} 年末尚未办结"
    if key == "total":
        return f"依申请 {year} 年办结（全部办理结果）"
    return f"依申请 {year} 年办结，办理结果={OUTCOME_LABELS[key]}"


def _t3_table(facts: Facts, source: str) -> Table:
    cells: dict[str, Cell] = {}
    for row in T3_2021.rows:
        counts = facts.t3[row.key]
        query = _t3_query(row.key, facts.year)
        for col in row.columns:
            cell_id = T3_2021.cell_id(row, col)
            if col.key == "total":
                n = sum(counts.values())
                text = f"{query}，全部申请人类型：{n} 件"
            else:
                kind = ApplicantType(col.key)
                n = counts[kind]
                codes = None if facts.codes is None else facts.codes.get((row.key, kind), [])
                text = f"{query}，申请人类型={kind.label}：{n} 件{_codes_text(codes)}"
            cells[cell_id] = _number(cell_id, n, source, text)
    return Table(TableKind.T3, TemplateVersion.V2021, cells)


def _t4_table(facts: Facts, source: str) -> Table:
    cells: dict[str, Cell] = {}
    for row in T4.rows:
        kind = AppealKind(row.key)
        counts = facts.t4[kind]
        for col in row.columns:
            cell_id = T4.cell_id(row, col)
            if col.key == "total":
                n = sum(counts.values())
                text = f"{kind.label}：{facts.year} 年末前提起、{facts.year} 年内办理或尚未审结的全部案件 {n} 件"
            else:
                outcome = AppealOutcome(col.key)
                n = counts[outcome]
                when = f"截至 {facts.year} 年末尚未审结" if outcome is AppealOutcome.PENDING else f"{facts.year} 年审结"
                text = f"{kind.label}，{when}，结果={outcome.label}：{n} 件"
            cells[cell_id] = _number(cell_id, n, source, text)
    return Table(TableKind.T4, TemplateVersion.V2021, cells)


def _t2_table(facts: Facts, source: str) -> Table:
    cells: dict[str, Cell] = {}
    words = {"issued": f"{facts.year} 年制发", "repealed": f"{facts.year} 年废止", "in_force": f"{facts.year} 年末现行有效"}
    for row in T2_2021.rows:
        for col in row.columns:
            cell_id = T2_2021.cell_id(row, col)
            if row.key in {k.value for k in RegisterDocumentKind}:
                kind = RegisterDocumentKind(row.key)
                n = facts.documents[kind][col.key]
                cells[cell_id] = _number(cell_id, n, source, f"文件登记：{kind.label}，{words[col.key]}：{n} 件")
                continue
            item = TallyItem(row.key)
            value = facts.tallies.get(item)
            if value is None:
                cells[cell_id] = Cell(
                    cell_id, ValueKind.BLANK, reason=f"台账未录入 {facts.year} 年{item.label}数据（空白不等于 0）",
                    provenance=Provenance(source=source, reader="ledger", text=f"年度数据：{item.label} 未录入"),
                )
                continue
            unit = "万元" if item is TallyItem.FEES else "件"
            cells[cell_id] = _number(cell_id, value, source, f"年度数据：{facts.year} 年{item.label} {value} {unit}")
    return Table(TableKind.T2, TemplateVersion.V2021, cells)


def report_from_facts(facts: Facts) -> Report:
    source = f"ledger:{facts.agency.name}"
    tables = (_t2_table(facts, source), _t3_table(facts, source), _t4_table(facts, source))
    meta = ReportMeta(
        agency=facts.agency.name,
        year=facts.year,
        title=f"{facts.agency.name}{facts.year}年政府信息公开工作年度报告",
        t2_template=TemplateVersion.V2021,
        t3_template=TemplateVersion.V2021,
        agency_source="ledger",
    )
    return Report(meta, narrative.draft_sections(facts, source), tables, source=source, reader="ledger")


def build_report(*, session: Session, agency_id: int, year: int, calendar: WorkCalendar | None = None) -> Report:
    """The agency's annual report for ``year`` from the ledger (2021 template), with a draft narrative."""
    return report_from_facts(gather_facts(session=session, agency_id=agency_id, year=year, calendar=calendar))


def check_built_report(*, session: Session, agency_id: int, report: Report) -> list[Finding]:
    """Every rule on ``report``, across years against last year's stored report (imported preferred): a stored
    report whose 结转下年度 disagrees with this 上年结转 is reported by GK401."""
    previous = None
    if report.meta.year is not None:
        previous = latest_report(session=session, agency_id=agency_id, year=report.meta.year - 1)
    return check(report, previous)


def trace_cell(*, session: Session, agency_id: int, year: int, cell_id: str) -> list[str]:
    """The numbers of every application behind a table-三 cell (``t3.granted.natural_person``), in order."""
    table, row_key, col_key = cell_id.split(".", 1)[0], cell_id.split(".", 1)[1].rsplit(".", 1)[0], cell_id.rsplit(".", 1)[1]
    if table != "t3":
        raise ValueError(f"只能追溯表三单元格：{cell_id}")
    T3_2021.row(row_key)
    start, end = _bounds(year)
    a = ApplicationRow
    stmt = select(a.number_year, a.seq).where(_in_play(agency_id, start, end))
    if col_key != "total":
        stmt = stmt.where(a.applicant_type == ApplicantType(col_key))
    closed_in_year = and_(a.closed_on.is_not(None), a.closed_on <= end)
    conditions: dict[str, ColumnElement[bool]] = {
        "new": a.received_on >= start,
        "carried_over": a.received_on < start,
        "carried_forward": or_(a.closed_on.is_(None), a.closed_on > end),
        "total": closed_in_year,
    }
    stmt = stmt.where(conditions[row_key] if row_key in conditions else and_(closed_in_year, a.outcome == row_key))
    return [mapping.application_code(y, s) for y, s in session.execute(stmt.order_by(a.number_year, a.seq))]
