"""The annual report from draft to publication, and what the oversight office sees of it.

* The narrative: the six sections as the office edits them (:func:`load_draft`, :func:`save_draft`), saved per
  agency and year with a version number — a save made on a stale copy is refused (:class:`ConflictError`).
* :func:`draft_report` — the report as it would be published today: the tables built live from the ledger
  (:func:`~gongkai.ledger.build.build_report`) with the saved narrative in place of the generated one.
* :func:`publish_report` — the head (负责人) signs the report off: it is stored (:func:`store_report`) and locked as
  version 1. :func:`correct_report` publishes a correction (更正) as the next version, with its reason; every
  earlier version stays as it was published (:func:`publications`, :func:`published_report`). Nothing here, nor
  anywhere else, changes a published version (see :mod:`gongkai.store.orm_reports`).
* Oversight: per supervised agency and year, the latest published version, its findings, whether it came in time
  (第四十九条) — :func:`publication_status`, :func:`oversight_overview` — and the findings themselves.

When a report is due (第四十九条): a department of a government at county level or above publishes last year's report
before 31 January; a county- or city-level government's report is published by its disclosure authority before
31 March. The 条例 sets no date for 乡（镇） reports (statute notes [?]: local rules set one), so :func:`due_date`
gives none for them — and none for agencies of kind 其他, whose place in 第四十九条 the ledger does not know — unless
the caller passes its own dates; such reports are never called late by guesswork.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger import mapping
from gongkai.ledger.build import build_report, check_built_report, trace_cell
from gongkai.ledger.common import agency_row
from gongkai.ledger.domain import Agency
from gongkai.ledger.reports import load_report, store_report
from gongkai.model.report import SECTION_HEADINGS, Provenance, Report, Section, SectionKey
from gongkai.rules import Finding, Severity
from gongkai.store.errors import ConflictError, InvalidRecord, NotFound
from gongkai.store.orm import AgencyRow, ApplicationRow, StoredReportRow, utcnow
from gongkai.store.orm_reports import PublishedReportLocked, ReportDraftRow, ReportPublicationRow
from gongkai.store.vocab import AgencyKind, ReportOrigin

MAX_SECTION_LENGTH = 20000  # characters of one section: a long report runs to a few thousand
MAX_REASON_LENGTH = 2000

# 第四十九条: (month, day) of the year after the report year, by kind of agency; None = no national date.
DUE_DATES: Mapping[AgencyKind, tuple[int, int] | None] = {
    AgencyKind.COUNTY_DEPARTMENT: (1, 31),
    AgencyKind.CITY_DEPARTMENT: (1, 31),
    AgencyKind.COUNTY_GOVERNMENT: (3, 31),
    AgencyKind.CITY_GOVERNMENT: (3, 31),
    AgencyKind.TOWNSHIP: None,
    AgencyKind.OTHER: None,
}
DUE_BASIS: Mapping[AgencyKind, str] = {
    AgencyKind.COUNTY_DEPARTMENT: "《条例》第四十九条：县级以上人民政府部门于每年1月31日前公布上一年度报告",
    AgencyKind.CITY_DEPARTMENT: "《条例》第四十九条：县级以上人民政府部门于每年1月31日前公布上一年度报告",
    AgencyKind.COUNTY_GOVERNMENT: "《条例》第四十九条：县级以上地方人民政府的年度报告于每年3月31日前公布",
    AgencyKind.CITY_GOVERNMENT: "《条例》第四十九条：县级以上地方人民政府的年度报告于每年3月31日前公布",
    AgencyKind.TOWNSHIP: "《条例》未规定乡（镇）人民政府年度报告的全国统一公布期限，以本地规定为准",
    AgencyKind.OTHER: "本机关类型在《条例》第四十九条中的公布期限未登记，不判断是否逾期",
}


# ---------------------------------------------------------------- domain objects


@dataclass(frozen=True)
class ReportDraft:
    """The narrative of a year's report as the office last saved it; ``version`` 0 when never saved (the text is
    then the draft generated from the ledger)."""

    agency_id: int
    year: int
    sections: tuple[Section, ...]
    version: int
    updated_by: str | None
    updated_at: datetime | None

    @property
    def saved(self) -> bool:
        return self.version > 0

    def text(self, key: SectionKey) -> str:
        for section in self.sections:
            if section.key is key:
                return section.text
        return ""


@dataclass(frozen=True)
class Publication:
    """One published version of an agency's report for a year (version 1, then one per correction)."""

    id: int
    agency_id: int
    year: int
    version: int
    stored_report_id: int
    published_on: date  # the day in China, printed under the title
    published_at: datetime  # UTC
    published_by: str
    reason: str | None  # a correction's reason
    supersedes_id: int | None

    @property
    def is_correction(self) -> bool:
        return self.version > 1


@dataclass(frozen=True)
class PublishedReport:
    publication: Publication
    report: Report


@dataclass(frozen=True)
class FindingCounts:
    errors: int = 0
    warnings: int = 0
    infos: int = 0

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> FindingCounts:
        found = list(findings)
        return cls(
            sum(f.severity is Severity.ERROR for f in found),
            sum(f.severity is Severity.WARNING for f in found),
            sum(f.severity is Severity.INFO for f in found),
        )

    @property
    def total(self) -> int:
        return self.errors + self.warnings + self.infos


@dataclass(frozen=True)
class PublicationStatus:
    """One agency's report for one year as the oversight office sees it."""

    agency: Agency
    year: int
    due: date | None  # None: no date to judge by (see module docs)
    first: Publication | None  # version 1: decides whether the report came in time
    latest: Publication | None  # the version in force
    findings: tuple[Finding, ...]  # of the latest version

    @property
    def published(self) -> bool:
        return self.latest is not None

    @property
    def late(self) -> bool:
        """Published, but after the statutory date."""
        return self.first is not None and self.due is not None and self.first.published_on > self.due

    def overdue(self, today: date) -> bool:
        """Not published, and the statutory date has passed."""
        return self.first is None and self.due is not None and today > self.due

    @property
    def counts(self) -> FindingCounts:
        return FindingCounts.of(self.findings)

    @property
    def due_basis(self) -> str:
        return DUE_BASIS[self.agency.kind]


@dataclass(frozen=True)
class AgencyOverview:
    """An agency and its reports over several years (oldest first)."""

    agency: Agency
    years: tuple[PublicationStatus, ...]


@dataclass(frozen=True)
class YearSummary:
    """A report year on the agency's report list: its draft's version and its publications."""

    year: int
    draft_version: int
    draft_updated_at: datetime | None
    publications: tuple[Publication, ...]

    @property
    def latest(self) -> Publication | None:
        return self.publications[-1] if self.publications else None


@dataclass(frozen=True)
class TracedApplication:
    code: str  # 2025-0012
    number: str  # 吴村〔2025〕依申请第12号
    application_id: int


# ---------------------------------------------------------------- mapping


def _publication(row: ReportPublicationRow) -> Publication:
    return Publication(
        id=row.id,
        agency_id=row.agency_id,
        year=row.year,
        version=row.version,
        stored_report_id=row.stored_report_id,
        published_on=row.published_on,
        published_at=row.published_at,
        published_by=row.published_by,
        reason=row.reason,
        supersedes_id=row.supersedes_id,
    )


def _sections(texts: Mapping[str, str], source: str) -> tuple[Section, ...]:
    where = Provenance(source=source, reader="desk", text="机关编辑的年度报告正文")
    return tuple(Section(key, SECTION_HEADINGS[key], texts.get(key.value, ""), where) for key in SectionKey)


def _clean_texts(texts: Mapping[SectionKey, str]) -> dict[str, str]:
    unknown = [key for key in texts if not isinstance(key, SectionKey)]
    if unknown:
        raise InvalidRecord(f"年度报告没有这一部分：{unknown[0]}")
    out: dict[str, str] = {}
    for key in SectionKey:
        # Browsers send CRLF from a textarea; the stored text keeps plain line breaks, as the renderers expect.
        text = texts.get(key, "").replace("\r\n", "\n").replace("\r", "\n").strip()
        if len(text) > MAX_SECTION_LENGTH:
            raise InvalidRecord(f"「{SECTION_HEADINGS[key]}」超过 {MAX_SECTION_LENGTH} 字，未保存")
        out[key.value] = text
    return out


# ---------------------------------------------------------------- due dates


def due_date(
    kind: AgencyKind, year: int, dates: Mapping[AgencyKind, tuple[int, int] | None] | None = None
) -> date | None:
    """The last day to publish the report of ``year`` (第四十九条), or None where no date is set."""
    when = (dates if dates is not None else DUE_DATES).get(kind)
    if when is None:
        return None
    month, day = when
    return date(year + 1, month, day)


# ---------------------------------------------------------------- the draft


def _draft_row(session: Session, agency_id: int, year: int) -> ReportDraftRow | None:
    return session.scalars(
        select(ReportDraftRow).where(ReportDraftRow.agency_id == agency_id, ReportDraftRow.year == year)
    ).one_or_none()


def _is_published(session: Session, agency_id: int, year: int) -> bool:
    found = session.scalar(
        select(ReportPublicationRow.id)
        .where(ReportPublicationRow.agency_id == agency_id, ReportPublicationRow.year == year)
        .limit(1)
    )
    return found is not None


def load_draft(
    *, session: Session, agency_id: int, year: int, calendar: WorkCalendar | None = None,
    generated: Report | None = None,
) -> ReportDraft:
    """The saved narrative of the year, or — never saved — the draft written from the ledger's figures
    (``generated``: the report already built for the year, to save building it twice)."""
    agency_row(session, agency_id)
    row = _draft_row(session, agency_id, year)
    if row is not None:
        source = f"desk:{agency_id}:{year}"
        return ReportDraft(agency_id, year, _sections(row.sections, source), row.version, row.updated_by, row.updated_at)
    report = generated or build_report(session=session, agency_id=agency_id, year=year, calendar=calendar)
    return ReportDraft(agency_id, year, report.sections, 0, None, None)


def save_draft(
    *,
    session: Session,
    agency_id: int,
    year: int,
    texts: Mapping[SectionKey, str],
    expected_version: int,
    updated_by: str,
) -> ReportDraft:
    """Save the six sections' text as the year's draft. ``expected_version`` is the version the editor was
    opened on (0 for the generated draft): if someone saved since, nothing is written and
    :class:`ConflictError` says so. A published year is locked (:class:`PublishedReportLocked`)."""
    agency_row(session, agency_id)
    if _is_published(session, agency_id, year):
        raise PublishedReportLocked(year)
    sections = _clean_texts(texts)
    now = utcnow()
    row = _draft_row(session, agency_id, year)
    current = row.version if row is not None else 0
    if current != expected_version:
        raise _stale_draft(year, current, expected_version)
    if row is None:
        try:
            with session.begin_nested():  # a concurrent first save loses on the unique key, not the transaction
                session.add(ReportDraftRow(agency_id=agency_id, year=year, sections=sections, updated_by=updated_by,
                                           updated_at=now, version=1))
        except IntegrityError as exc:
            raise _stale_draft(year, 1, expected_version) from exc
    else:
        # One conditional UPDATE: of two saves on the same version, the database lets exactly one through.
        done = session.execute(
            update(ReportDraftRow)
            .where(ReportDraftRow.id == row.id, ReportDraftRow.version == expected_version)
            .values(sections=sections, updated_by=updated_by, updated_at=now, version=expected_version + 1)
            .execution_options(synchronize_session=False)
        )
        if getattr(done, "rowcount", 1) != 1:
            raise _stale_draft(year, expected_version + 1, expected_version)
        session.expire(row)
    return load_draft(session=session, agency_id=agency_id, year=year)


def _stale_draft(year: int, current: int, submitted: int) -> ConflictError:
    error = ConflictError(f"{year}年度报告正文")
    error.args = (
        f"{year}年度报告正文已被他人修改（当前为第{current}次保存，您编辑的是第{submitted}次保存后的内容），"
        "本次修改未保存；请打开最新内容，核对后再保存",
    )
    return error


def _with_narrative(report: Report, texts: Mapping[str, str], source: str) -> Report:
    return replace(report, sections=_sections(texts, source))


def draft_report(*, session: Session, agency_id: int, year: int, calendar: WorkCalendar | None = None) -> Report:
    """The year's report as it stands: tables live from the ledger, the saved narrative (else the generated one)."""
    report = build_report(session=session, agency_id=agency_id, year=year, calendar=calendar)
    row = _draft_row(session, agency_id, year)
    if row is None:
        return report
    return _with_narrative(report, row.sections, f"desk:{agency_id}:{year}")


def draft_findings(*, session: Session, agency_id: int, report: Report) -> list[Finding]:
    """Every rule on a draft, across years against last year's stored report (see ``check_built_report``)."""
    return check_built_report(session=session, agency_id=agency_id, report=report)


def traced_applications(*, session: Session, agency_id: int, year: int, cell_id: str) -> list[TracedApplication]:
    """The applications behind a table-三 cell (``trace_cell``), each with its id for a link to its page."""
    abbreviation = agency_row(session, agency_id).abbreviation
    codes = trace_cell(session=session, agency_id=agency_id, year=year, cell_id=cell_id)
    numbers = [(int(code[:4]), int(code[5:])) for code in codes]
    years = sorted({y for y, _ in numbers})
    ids: dict[tuple[int, int], int] = {}
    if years:
        rows = session.execute(
            select(ApplicationRow.number_year, ApplicationRow.seq, ApplicationRow.id).where(
                ApplicationRow.agency_id == agency_id, ApplicationRow.number_year.in_(years)
            )
        )
        ids = {(y, s): i for y, s, i in rows}
    return [
        TracedApplication(code, mapping.application_number(abbreviation, *number), ids[number])
        for code, number in zip(codes, numbers, strict=True)
    ]


# ---------------------------------------------------------------- publication


def _publication_rows(session: Session, agency_id: int, year: int | None = None) -> list[ReportPublicationRow]:
    stmt = select(ReportPublicationRow).where(ReportPublicationRow.agency_id == agency_id)
    if year is not None:
        stmt = stmt.where(ReportPublicationRow.year == year)
    return list(session.scalars(stmt.order_by(ReportPublicationRow.year, ReportPublicationRow.version)))


def publications(*, session: Session, agency_id: int, year: int | None = None) -> list[Publication]:
    """The agency's published versions (of ``year``), by year and version."""
    agency_row(session, agency_id)
    return [_publication(r) for r in _publication_rows(session, agency_id, year)]


def published_report(*, session: Session, agency_id: int, year: int, version: int | None = None) -> PublishedReport:
    """A published version as it was published (the latest when ``version`` is None)."""
    agency_row(session, agency_id)
    rows = _publication_rows(session, agency_id, year)
    if version is not None:
        rows = [r for r in rows if r.version == version]
    if not rows:
        raise NotFound("已发布的年度报告", f"{year}年度" + (f"第{version}版" if version is not None else ""))
    chosen = _publication(rows[-1])
    return PublishedReport(chosen, load_report(session=session, agency_id=agency_id, version_id=chosen.stored_report_id))


def _publish(
    session: Session,
    agency_id: int,
    year: int,
    report: Report,
    published_by: str,
    on: date,
    version: int,
    reason: str | None,
    supersedes_id: int | None,
) -> Publication:
    report = replace(report, meta=replace(report.meta, published=on))
    note = f"第{version}版" + (f"（更正：{reason}）" if reason else "")
    stored = store_report(session=session, agency_id=agency_id, report=report, origin=ReportOrigin.GENERATED,
                          created_by=published_by, note=note)
    row = ReportPublicationRow(
        agency_id=agency_id, year=year, version=version, stored_report_id=stored.id, published_on=on,
        published_at=utcnow(), published_by=published_by, reason=reason, supersedes_id=supersedes_id,
    )
    try:
        with session.begin_nested():  # two heads publishing at once: the unique version number decides
            session.add(row)
    except IntegrityError as exc:
        raise ConflictError(f"{year}年度报告", "同一版本已由他人发布") from exc
    return _publication(row)


def publish_report(
    *,
    session: Session,
    agency_id: int,
    year: int,
    published_by: str,
    on: date,
    calendar: WorkCalendar | None = None,
    expected_draft_version: int | None = None,
) -> Publication:
    """Publish the year's report (the live tables and the saved narrative) as version 1, dated ``on`` (the day
    in China). ``expected_draft_version`` is the narrative the head read before signing off: if it was saved
    again since, nothing is published (:class:`ConflictError`). A published year is changed only by
    :func:`correct_report`."""
    agency_row(session, agency_id)
    if _is_published(session, agency_id, year):
        raise PublishedReportLocked(year)
    _check_date(year, on)
    if expected_draft_version is not None:
        row = _draft_row(session, agency_id, year)
        current = row.version if row is not None else 0
        if current != expected_draft_version:
            error = ConflictError(f"{year}年度报告正文")
            error.args = (
                f"{year}年度报告正文在您审阅后又被修改（当前为第{current}次保存），未发布；请重新审阅后再发布",
            )
            raise error
    report = draft_report(session=session, agency_id=agency_id, year=year, calendar=calendar)
    return _publish(session, agency_id, year, report, published_by, on, 1, None, None)


def correct_report(
    *,
    session: Session,
    agency_id: int,
    year: int,
    reason: str,
    texts: Mapping[SectionKey, str],
    expected_version: int,
    published_by: str,
    on: date,
    calendar: WorkCalendar | None = None,
) -> Publication:
    """Publish a correction (更正): the next version, with the ledger's tables as they are now, the corrected
    narrative ``texts`` and the ``reason``. ``expected_version`` is the version the head was correcting; if
    another version was published since, nothing is written (:class:`ConflictError`). Earlier versions stay."""
    agency_row(session, agency_id)
    reason = reason.strip()
    if not reason:
        raise InvalidRecord("更正须写明更正原因")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidRecord(f"更正原因超过 {MAX_REASON_LENGTH} 字")
    rows = _publication_rows(session, agency_id, year)
    if not rows:
        raise InvalidRecord(f"{year}年度报告尚未发布，无需更正；请先发布")
    latest = rows[-1]
    if latest.version != expected_version:
        raise ConflictError(
            f"{year}年度报告", f"您更正的是第{expected_version}版，其间已发布第{latest.version}版，请核对最新版本后再更正"
        )
    _check_date(year, on)
    if on < latest.published_on:
        raise InvalidRecord("更正日期不能早于上一版本的发布日期")
    built = build_report(session=session, agency_id=agency_id, year=year, calendar=calendar)
    report = _with_narrative(built, _clean_texts(texts), f"desk:{agency_id}:{year}")
    return _publish(session, agency_id, year, report, published_by, on, latest.version + 1, reason, latest.id)


def _check_date(year: int, on: date) -> None:
    if on.year <= year:
        raise InvalidRecord(f"{year}年度报告须在该年度结束后发布（发布日期 {on.isoformat()}）")


def published_findings(*, session: Session, agency_id: int, report: Report) -> list[Finding]:
    """Every rule on a published version, across years as for a draft (see ``check_built_report``)."""
    return check_built_report(session=session, agency_id=agency_id, report=report)


# ---------------------------------------------------------------- the desk's list of years


def report_years(*, session: Session, agency_id: int, today: date) -> list[YearSummary]:
    """The years an agency has a report for, or should: every year of its applications, of its drafts and
    publications, and the year just ended — newest first."""
    agency_row(session, agency_id)
    years = {today.year - 1}
    first, last = session.execute(
        select(func.min(ApplicationRow.received_on), func.max(ApplicationRow.received_on)).where(
            ApplicationRow.agency_id == agency_id
        )
    ).one()
    if first is not None and last is not None:
        years.update(range(first.year, min(last.year, today.year) + 1))
    drafts = {
        r.year: r
        for r in session.scalars(select(ReportDraftRow).where(ReportDraftRow.agency_id == agency_id))
    }
    years.update(drafts)
    by_year: dict[int, list[Publication]] = {}
    for row in _publication_rows(session, agency_id):
        by_year.setdefault(row.year, []).append(_publication(row))
    years.update(by_year)
    return [
        YearSummary(
            year,
            drafts[year].version if year in drafts else 0,
            drafts[year].updated_at if year in drafts else None,
            tuple(by_year.get(year, ())),
        )
        for year in sorted(years, reverse=True)
    ]


# ---------------------------------------------------------------- oversight


def _agencies(session: Session, agency_ids: Collection[int] | None) -> list[Agency]:
    stmt = select(AgencyRow).order_by(AgencyRow.id)
    if agency_ids is not None:
        stmt = stmt.where(AgencyRow.id.in_(sorted(agency_ids)))
    return [mapping.agency(r) for r in session.scalars(stmt)]


def _statuses(
    session: Session,
    agencies: list[Agency],
    years: Collection[int],
    dates: Mapping[AgencyKind, tuple[int, int] | None] | None,
) -> dict[tuple[int, int], PublicationStatus]:
    ids = [a.id for a in agencies]
    rows = (
        session.scalars(
            select(ReportPublicationRow)
            .where(ReportPublicationRow.agency_id.in_(ids), ReportPublicationRow.year.in_(sorted(years)))
            .order_by(ReportPublicationRow.agency_id, ReportPublicationRow.year, ReportPublicationRow.version)
        ).all()
        if ids and years
        else []
    )
    versions: dict[tuple[int, int], list[ReportPublicationRow]] = {}
    for row in rows:
        versions.setdefault((row.agency_id, row.year), []).append(row)
    latest_ids = [found[-1].stored_report_id for found in versions.values()]
    payloads: dict[int, dict[str, Any]] = {}
    if latest_ids:
        stmt = select(StoredReportRow.id, StoredReportRow.payload).where(StoredReportRow.id.in_(latest_ids))
        payloads = {row_id: payload for row_id, payload in session.execute(stmt)}
    out: dict[tuple[int, int], PublicationStatus] = {}
    for agency in agencies:
        for year in years:
            found = versions.get((agency.id, year), [])
            findings: tuple[Finding, ...] = ()
            if found:
                report = Report.from_dict(payloads[found[-1].stored_report_id])
                findings = tuple(published_findings(session=session, agency_id=agency.id, report=report))
            out[agency.id, year] = PublicationStatus(
                agency,
                year,
                due_date(agency.kind, year, dates),
                _publication(found[0]) if found else None,
                _publication(found[-1]) if found else None,
                findings,
            )
    return out


def publication_status(
    *,
    session: Session,
    year: int,
    agency_ids: Collection[int] | None = None,
    dates: Mapping[AgencyKind, tuple[int, int] | None] | None = None,
) -> list[PublicationStatus]:
    """For each agency (``agency_ids``; None = every agency) its report of ``year``: published or not, in time
    or late, the latest version's findings — in agency order."""
    agencies = _agencies(session, agency_ids)
    statuses = _statuses(session, agencies, (year,), dates)
    return [statuses[a.id, year] for a in agencies]


def oversight_overview(
    *,
    session: Session,
    years: Collection[int],
    agency_ids: Collection[int] | None = None,
    dates: Mapping[AgencyKind, tuple[int, int] | None] | None = None,
) -> list[AgencyOverview]:
    """Each agency (``agency_ids``; None = every agency) with its latest published report of each of ``years``."""
    agencies = _agencies(session, agency_ids)
    ordered = sorted(set(years))
    statuses = _statuses(session, agencies, ordered, dates)
    return [AgencyOverview(a, tuple(statuses[a.id, y] for y in ordered)) for a in agencies]


__all__ = [
    "DUE_DATES",
    "AgencyOverview",
    "FindingCounts",
    "Publication",
    "PublicationStatus",
    "PublishedReport",
    "ReportDraft",
    "TracedApplication",
    "YearSummary",
    "correct_report",
    "draft_findings",
    "draft_report",
    "due_date",
    "load_draft",
    "oversight_overview",
    "publication_status",
    "publications",
    "publish_report",
    "published_findings",
    "published_report",
    "report_years",
    "save_draft",
    "traced_applications",
]
