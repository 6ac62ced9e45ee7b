"""Read models of the imported store for the research pages (``/research/…``): the store at a glance, the imported
reports and their versions, one version rebuilt as a :class:`~gongkai.model.report.Report` with every cell's
provenance, the findings with their reviews, and the shared passages of copied-text findings side by side.

Only reading: the reviews are written by :func:`gongkai.oversight.reviews.review_finding`. Listings count the
**current** version of each agency's report for a year unless a function says otherwise (a report page shows
every version of its agency and year).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from gongkai.ledger.agencies import normalise_name
from gongkai.model.report import (
    Cell,
    Number,
    Provenance,
    Report,
    ReportMeta,
    Section,
    SectionKey,
    Table,
    ValueKind,
)
from gongkai.model.templates import TableKind, TemplateVersion
from gongkai.oversight.analytics import LEVEL_NAMES, RegionRef, find_region
from gongkai.oversight.copied import (
    DEFAULT_THRESHOLDS,
    CopyThresholds,
    Narrative,
    common_passages,
    narrative_of,
    normalise_narrative,
    template_sentences,
)
from gongkai.oversight.reviews import ImportedFinding
from gongkai.rules import Finding, Kind, Severity
from gongkai.store.errors import NotFound
from gongkai.store.orm_oversight import (
    FindingReviewRow,
    ImportedCellRow,
    ImportedFindingRow,
    ImportedReportRow,
    ImportedSectionRow,
    RegionRow,
    SourceFileRow,
    SupervisedAgencyRow,
)

COPIED_RULES = ("GK412", "GK413")
MISSING_SHOWN = 200  # names listed per year on the overview; the count is always exact

T = TypeVar("T")


@dataclass(frozen=True)
class FindingCounts:
    errors: int = 0
    warnings: int = 0
    infos: int = 0

    @property
    def total(self) -> int:
        return self.errors + self.warnings + self.infos


@dataclass(frozen=True)
class ImportedReportSummary:
    """One imported report version, as listed."""

    id: int
    agency_id: int
    agency: str
    region: str | None
    year: int
    version: int
    current: bool
    source: str  # the file name as given to the import (``archive.zip!/member`` for ZIP members)
    format: str | None
    imported_at: datetime
    counts: FindingCounts


@dataclass(frozen=True)
class Listing(Generic[T]):
    items: tuple[T, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class YearCoverage:
    """A year of the store: current reports, and the agencies of the register without one."""

    year: int
    reports: int
    missing: int
    missing_names: tuple[tuple[int, str], ...]  # (agency id, name), at most MISSING_SHOWN


@dataclass(frozen=True)
class RuleCount:
    rule: str
    severity: str
    findings: int
    reviewed: int


@dataclass(frozen=True)
class StoreOverview:
    agencies: int
    placed: int  # agencies placed in the region hierarchy
    regions: int
    reports: int  # current versions
    versions: int  # every stored version
    failed_files: int
    years: tuple[YearCoverage, ...]
    counts: FindingCounts  # findings of current versions
    reviews: dict[str, int]  # decision → findings' fingerprints reviewed so
    rules: tuple[RuleCount, ...]


@dataclass(frozen=True)
class SourceFile:
    name: str
    sha256: str
    size: int
    format: str | None


@dataclass(frozen=True)
class ImportedReportDetail:
    summary: ImportedReportSummary
    report: Report  # tables with each cell's provenance, and the sections
    title: str | None
    published: date | None
    reader: str
    templates: tuple[str | None, str | None]  # 表二, 表三 template versions
    source: SourceFile
    findings: tuple[ImportedFinding, ...]
    versions: tuple[ImportedReportSummary, ...]  # of the same agency and year, newest first

    def rule_findings(self) -> list[Finding]:
        """The stored findings as rule findings, in order, for the report layout (``report_view``)."""
        return [as_rule_finding(f) for f in self.findings]


@dataclass(frozen=True)
class FindingEntry:
    """A stored finding with where it belongs."""

    finding: ImportedFinding
    agency_id: int
    agency: str
    year: int
    version: int
    other_report_id: int | None  # the other report of a copied-text finding

    @property
    def copied(self) -> bool:
        return self.finding.rule in COPIED_RULES


@dataclass(frozen=True)
class SidePassage:
    """A passage printed in both reports, with each side's section and text as printed."""

    section: str
    text: str
    start: int
    end: int
    other_section: str
    other_text: str
    other_start: int
    other_end: int
    length: int


# ---------------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------------


def _severity_counts() -> tuple[Any, ...]:
    f = ImportedFindingRow
    return tuple(
        func.count(case((f.severity == level, 1))).label(level) for level in ("error", "warning", "info")
    )


def _counts_by_report(session: Session, report_ids: Sequence[int]) -> dict[int, FindingCounts]:
    if not report_ids:
        return {}
    rows = session.execute(
        select(ImportedFindingRow.report_id, *_severity_counts())
        .where(ImportedFindingRow.report_id.in_(report_ids))
        .group_by(ImportedFindingRow.report_id)
    )
    return {row.report_id: FindingCounts(row.error, row.warning, row.info) for row in rows}


def _summary_select() -> Any:  # Select of the listed columns
    r, a, g, s = ImportedReportRow, SupervisedAgencyRow, RegionRow, SourceFileRow
    return (
        select(r.id, r.agency_id, a.name.label("agency"), g.path.label("region"), r.year, r.version, r.current,
               s.name.label("source"), s.format, r.imported_at)
        .join(a, a.id == r.agency_id)
        .outerjoin(g, g.id == a.region_id)
        .join(s, s.id == r.source_file_id)
    )


def _summaries(session: Session, statement: Select[Any]) -> tuple[ImportedReportSummary, ...]:
    rows = session.execute(statement).all()
    counts = _counts_by_report(session, [row.id for row in rows])
    return tuple(
        ImportedReportSummary(row.id, row.agency_id, row.agency, row.region, row.year, row.version, row.current,
                              row.source, row.format, row.imported_at, counts.get(row.id, FindingCounts()))
        for row in rows
    )


def _in_region(session: Session, region: str) -> Any:
    path = find_region(session=session, region=region).path
    return or_(RegionRow.path == path, RegionRow.path.startswith(path + "/", autoescape=True))


def _name_like(column: Any, text: str) -> Any:
    # The name as typed, and as normalised (spaces, full-width forms): 青溪县 教育局 finds 青溪县教育局.
    typed = text.strip()
    return or_(column.contains(typed, autoescape=True),
               SupervisedAgencyRow.normalized_name.contains(normalise_name(typed), autoescape=True))


def _page(page: int, per_page: int) -> tuple[int, int]:
    page = max(page, 1)
    return page, (page - 1) * per_page


# ---------------------------------------------------------------------------------------------------------------
# The store at a glance
# ---------------------------------------------------------------------------------------------------------------


def store_overview(*, session: Session) -> StoreOverview:
    """Counts of the whole store, and for each year with a report who of the register has no current report."""
    r, a, f = ImportedReportRow, SupervisedAgencyRow, ImportedFindingRow
    agencies = session.execute(select(func.count()).select_from(a)).scalar_one()
    placed = session.execute(select(func.count()).select_from(a).where(a.region_id.is_not(None))).scalar_one()
    regions = session.execute(select(func.count()).select_from(RegionRow)).scalar_one()
    versions = session.execute(select(func.count()).select_from(r)).scalar_one()
    failed = session.execute(
        select(func.count()).select_from(SourceFileRow).where(SourceFileRow.status == "failed")
    ).scalar_one()
    per_year = session.execute(
        select(r.year, func.count()).where(r.current.is_(True)).group_by(r.year).order_by(r.year.desc())
    ).all()
    years = tuple(_coverage(session, int(year), int(count), agencies) for year, count in per_year)
    severities = session.execute(
        select(*_severity_counts()).select_from(f).join(r, r.id == f.report_id).where(r.current.is_(True))
    ).one()
    reviews = dict(
        session.execute(select(FindingReviewRow.decision, func.count()).group_by(FindingReviewRow.decision)).all()
    )
    reviewed = func.count(FindingReviewRow.fingerprint)
    rules = tuple(
        RuleCount(row.rule, row.severity, row.findings, row.reviewed)
        for row in session.execute(
            select(f.rule, f.severity, func.count().label("findings"), reviewed.label("reviewed"))
            .join(r, r.id == f.report_id)
            .outerjoin(FindingReviewRow, FindingReviewRow.fingerprint == f.fingerprint)
            .where(r.current.is_(True))
            .group_by(f.rule, f.severity)
            .order_by(f.rule, f.severity)
        )
    )
    return StoreOverview(
        int(agencies), int(placed), int(regions), sum(int(c) for _, c in per_year), int(versions), int(failed),
        years, FindingCounts(severities.error, severities.warning, severities.info),
        {str(k): int(v) for k, v in reviews.items()}, rules,
    )


def _coverage(session: Session, year: int, reports: int, agencies: int) -> YearCoverage:
    a, r = SupervisedAgencyRow, ImportedReportRow
    has_report = (
        select(r.id).where(r.agency_id == a.id, r.year == year, r.current.is_(True)).exists()
    )
    names = session.execute(
        select(a.id, a.name).where(~has_report).order_by(a.name).limit(MISSING_SHOWN)
    ).all()
    # Every agency has at most one current report a year: the missing are the register less the reports.
    return YearCoverage(year, reports, agencies - reports, tuple((int(i), str(n)) for i, n in names))


# ---------------------------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------------------------


def imported_reports(
    *,
    session: Session,
    year: int | None = None,
    region: str | None = None,
    agency: str | None = None,
    with_errors: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> Listing[ImportedReportSummary]:
    """The current imported reports, by agency name and year, filtered and paged. ``region`` is a full path or an
    unambiguous name (the region and every place under it); ``agency`` a part of the name."""
    r = ImportedReportRow
    statement = _summary_select().where(r.current.is_(True))
    if year is not None:
        statement = statement.where(r.year == year)
    if region:
        statement = statement.where(_in_region(session, region))
    if agency and agency.strip():
        statement = statement.where(_name_like(SupervisedAgencyRow.name, agency))
    if with_errors:
        statement = statement.where(
            select(ImportedFindingRow.report_id)
            .where(ImportedFindingRow.report_id == r.id, ImportedFindingRow.severity == "error")
            .exists()
        )
    total = session.execute(select(func.count()).select_from(statement.subquery())).scalar_one()
    page, offset = _page(page, per_page)
    items = _summaries(
        session,
        statement.order_by(SupervisedAgencyRow.name, r.year.desc(), r.id).limit(per_page).offset(offset),
    )
    return Listing(items, int(total), page, per_page)


def report_years(*, session: Session) -> list[int]:
    """Every year with a stored report, newest first."""
    return list(session.execute(
        select(ImportedReportRow.year).distinct().order_by(ImportedReportRow.year.desc())
    ).scalars())


def regions(*, session: Session, level: str | None = None) -> list[RegionRef]:
    """The places of the hierarchy (of one level), by path."""
    statement = select(RegionRow).order_by(RegionRow.path)
    if level is not None:
        statement = statement.where(RegionRow.level == level)
    return [RegionRef(row.id, row.path, row.level, row.name) for row in session.scalars(statement)]


def _cell_value(value: Decimal | None) -> Number | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value.normalize()


def _report_model(session: Session, row: ImportedReportRow, agency: str, source: SourceFileRow) -> Report:
    cells: dict[str, dict[str, Cell]] = defaultdict(dict)
    for c in session.scalars(select(ImportedCellRow).where(ImportedCellRow.report_id == row.id)):
        provenance = Provenance.from_dict({**(c.provenance or {}), "source": source.name, "reader": row.reader})
        cells[c.cell_id.split(".", 1)[0]][c.cell_id] = Cell(
            c.cell_id, ValueKind(c.kind), _cell_value(c.value) if c.kind == "number" else None, raw=c.raw,
            unit=c.unit, note=c.note, uncertain=c.uncertain, reason=c.reason, provenance=provenance,
        )
    templates = {
        "t2": TemplateVersion(row.t2_template or TemplateVersion.V2021.value),
        "t3": TemplateVersion(row.t3_template or TemplateVersion.V2021.value),
        "t4": TemplateVersion.V2021,  # table 四 is the same in both templates
    }
    tables = tuple(
        Table(TableKind(kind), templates[kind], found) for kind, found in sorted(cells.items()) if kind in templates
    )
    sections: list[Section] = []
    known = {key.value for key in SectionKey}
    for s in session.scalars(
        select(ImportedSectionRow).where(ImportedSectionRow.report_id == row.id).order_by(ImportedSectionRow.position)
    ):
        if s.key in known:
            sections.append(Section(SectionKey(s.key), s.title, s.text))
    meta = ReportMeta(agency=row.printed_agency or agency, year=row.year, title=row.title, published=row.published)
    return Report(meta, tuple(sections), tables, source=source.name, reader=row.reader)


def imported_report(*, session: Session, report_id: int) -> ImportedReportDetail:
    """One imported report version: its tables with provenance, sections, findings (with reviews), source file,
    and every version of its agency and year."""
    row = session.get(ImportedReportRow, report_id)
    if row is None:
        raise NotFound("导入的报告", report_id)
    summary = _summaries(session, _summary_select().where(ImportedReportRow.id == report_id))[0]
    source = session.get_one(SourceFileRow, row.source_file_id)
    versions = _summaries(
        session,
        _summary_select()
        .where(ImportedReportRow.agency_id == row.agency_id, ImportedReportRow.year == row.year)
        .order_by(ImportedReportRow.version.desc()),
    )
    return ImportedReportDetail(
        summary, _report_model(session, row, summary.agency, source), row.title, row.published, row.reader,
        (row.t2_template, row.t3_template), SourceFile(source.name, source.sha256, source.size, source.format),
        tuple(_findings(session, ImportedFindingRow.report_id == report_id)), versions,
    )


def as_rule_finding(f: ImportedFinding) -> Finding:
    return Finding(f.rule, Kind(f.kind), Severity(f.severity), f.message, f.cells, _cell_value(f.printed),
                   _cell_value(f.computed), f.location)


# ---------------------------------------------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------------------------------------------




def _findings(session: Session, where: Any) -> list[ImportedFinding]:
    rows = session.execute(
        select(ImportedFindingRow, FindingReviewRow)
        .outerjoin(FindingReviewRow, FindingReviewRow.fingerprint == ImportedFindingRow.fingerprint)
        .where(where)
        .order_by(ImportedFindingRow.report_id, ImportedFindingRow.position)
    ).all()
    return [ImportedFinding.from_row(f, r) for f, r in rows]


def other_report(f: ImportedFinding) -> int | None:
    """The other report of a copied-text finding, else None."""
    return f.other_report_id if f.rule in COPIED_RULES else None


def findings(
    *,
    session: Session,
    year: int | None = None,
    agency: str | None = None,
    rule: str | None = None,
    severity: str | None = None,
    review: str | None = None,
    page: int = 1,
    per_page: int = 30,
) -> Listing[FindingEntry]:
    """The findings of the current reports, by agency, year and order on the report. ``review``: ``none`` (not
    reviewed yet), ``confirmed`` or ``dismissed``."""
    f, r, a = ImportedFindingRow, ImportedReportRow, SupervisedAgencyRow
    conditions: list[Any] = [r.current.is_(True)]
    if year is not None:
        conditions.append(r.year == year)
    if agency and agency.strip():
        conditions.append(_name_like(a.name, agency))
    if rule:
        conditions.append(f.rule == rule)
    if severity:
        conditions.append(f.severity == severity)
    if review == "none":
        conditions.append(FindingReviewRow.fingerprint.is_(None))
    elif review:
        conditions.append(FindingReviewRow.decision == review)
    joined = (
        select(f, FindingReviewRow, a.id.label("agency_id"), a.name.label("agency"), r.year, r.version)
        .join(r, r.id == f.report_id)
        .join(a, a.id == r.agency_id)
        .outerjoin(FindingReviewRow, FindingReviewRow.fingerprint == f.fingerprint)
        .where(and_(*conditions))
    )
    total = session.execute(select(func.count()).select_from(joined.subquery())).scalar_one()
    page, offset = _page(page, per_page)
    rows = session.execute(
        joined.order_by(a.name, r.year.desc(), f.report_id, f.position).limit(per_page).offset(offset)
    ).all()
    items = []
    for row in rows:
        item = ImportedFinding.from_row(row[0], row[1])
        items.append(FindingEntry(item, row.agency_id, row.agency, row.year, row.version, other_report(item)))
    return Listing(tuple(items), int(total), page, per_page)


def findings_of(*, session: Session, fingerprint: str) -> list[FindingEntry]:
    """Every stored finding with this fingerprint (current version first): what one review decides."""
    f, r, a = ImportedFindingRow, ImportedReportRow, SupervisedAgencyRow
    rows = session.execute(
        select(f, FindingReviewRow, a.id.label("agency_id"), a.name.label("agency"), r.year, r.version)
        .join(r, r.id == f.report_id)
        .join(a, a.id == r.agency_id)
        .outerjoin(FindingReviewRow, FindingReviewRow.fingerprint == f.fingerprint)
        .where(f.fingerprint == fingerprint)
        .order_by(r.current.desc(), r.version.desc(), f.position)
    ).all()
    if not rows:
        raise NotFound("问题", fingerprint)
    out = []
    for row in rows:
        item = ImportedFinding.from_row(row[0], row[1])
        out.append(FindingEntry(item, row.agency_id, row.agency, row.year, row.version, other_report(item)))
    return out


def finding_rules(*, session: Session) -> list[str]:
    """The rules with at least one stored finding, for a filter."""
    return list(session.execute(select(ImportedFindingRow.rule).distinct().order_by(ImportedFindingRow.rule))
                .scalars())


def shared_passages(
    *, session: Session, pairs: Sequence[tuple[int, int]], thresholds: CopyThresholds = DEFAULT_THRESHOLDS
) -> dict[tuple[int, int], tuple[SidePassage, ...]]:
    """The passages each (report, other report) pair prints in common, each side's text as printed — as
    :func:`gongkai.oversight.crossrules.copied_passages` finds them (template sentences of all current reports
    left out), with the narratives and the template sentences loaded once for all pairs."""
    if not pairs:
        return {}
    narratives = _current_narratives(session)
    stop = template_sentences(narratives.values(), thresholds)
    wanted = {i for pair in pairs for i in pair}
    narratives.update(_narratives(session, wanted - narratives.keys()))  # a superseded version's finding
    out: dict[tuple[int, int], tuple[SidePassage, ...]] = {}
    for first_id, other_id in pairs:
        first, other = narratives.get(first_id), narratives.get(other_id)
        if first is None or other is None:
            out[(first_id, other_id)] = ()
            continue
        sections = dict(other.sections)
        out[(first_id, other_id)] = tuple(
            SidePassage(p.section, p.text, p.start, p.end, p.other_section,
                        sections.get(p.other_section, "")[p.other_start:p.other_end], p.other_start, p.other_end,
                        p.length)
            for p in common_passages(first, normalise_narrative(first, stop), other,
                                     normalise_narrative(other, stop), thresholds)
        )
    return out


def _current_narratives(session: Session) -> dict[int, Narrative]:
    ids = session.execute(select(ImportedReportRow.id).where(ImportedReportRow.current.is_(True))).scalars().all()
    return _narratives(session, set(ids))


def _narratives(session: Session, report_ids: set[int]) -> dict[int, Narrative]:
    if not report_ids:
        return {}
    ids = sorted(report_ids)
    heads: dict[int, tuple[str, int, str]] = {}
    sections: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        for rid, agency, year, printed in session.execute(
            select(ImportedReportRow.id, SupervisedAgencyRow.normalized_name, ImportedReportRow.year,
                   ImportedReportRow.printed_agency)
            .join(SupervisedAgencyRow, SupervisedAgencyRow.id == ImportedReportRow.agency_id)
            .where(ImportedReportRow.id.in_(part))
        ):
            heads[rid] = (agency, year, printed)
        for rid, key, title, text in session.execute(
            select(ImportedSectionRow.report_id, ImportedSectionRow.key, ImportedSectionRow.title,
                   ImportedSectionRow.text)
            .where(ImportedSectionRow.report_id.in_(part))
            .order_by(ImportedSectionRow.report_id, ImportedSectionRow.position)
        ):
            sections[rid].append((key, title, text))
    return {rid: narrative_of(rid, agency, year, sections[rid], printed)
            for rid, (agency, year, printed) in heads.items()}


# ---------------------------------------------------------------------------------------------------------------
# Agencies
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisteredAgency:
    id: int
    name: str
    region: str | None


def find_agencies(*, session: Session, name: str, limit: int = 20) -> list[RegisteredAgency]:
    """Agencies of the register whose name contains ``name`` (exact normalised match first)."""
    a, g = SupervisedAgencyRow, RegionRow
    exact = a.normalized_name == normalise_name(name.strip())
    rows = session.execute(
        select(a.id, a.name, g.path)
        .outerjoin(g, g.id == a.region_id)
        .where(_name_like(a.name, name))
        .order_by(exact.desc(), a.name)
        .limit(limit)
    ).all()
    return [RegisteredAgency(int(i), str(n), p) for i, n, p in rows]


def registered_agency(*, session: Session, agency_id: int) -> RegisteredAgency:
    row = session.execute(
        select(SupervisedAgencyRow.id, SupervisedAgencyRow.name, RegionRow.path)
        .outerjoin(RegionRow, RegionRow.id == SupervisedAgencyRow.region_id)
        .where(SupervisedAgencyRow.id == agency_id)
    ).first()
    if row is None:
        raise NotFound("机关", agency_id)
    return RegisteredAgency(int(row[0]), str(row[1]), row[2])


__all__ = [
    "COPIED_RULES",
    "LEVEL_NAMES",
    "FindingCounts",
    "FindingEntry",
    "ImportedReportDetail",
    "ImportedReportSummary",
    "Listing",
    "RegisteredAgency",
    "RuleCount",
    "SidePassage",
    "SourceFile",
    "StoreOverview",
    "YearCoverage",
    "as_rule_finding",
    "find_agencies",
    "finding_rules",
    "findings",
    "findings_of",
    "imported_report",
    "imported_reports",
    "other_report",
    "regions",
    "registered_agency",
    "report_years",
    "shared_passages",
    "store_overview",
]
