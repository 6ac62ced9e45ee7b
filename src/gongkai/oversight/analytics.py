"""Analytics over the imported reports: the metrics of :mod:`gongkai.oversight.metrics` per agency and year, summed
per region (any level of 省/市/县/乡镇), per year or per agency, rankings, sums of cells, and two SQL views for
ad-hoc questions.

Only the **current version** of each agency's report for a year is counted. Every query is one SQL statement built
with SQLAlchemy Core and run by the database (conditional aggregation over ``oversight_cells``, ``GROUP BY``,
window functions for rankings); Python only turns the summed parts into rates.

How the parts are added up: a report counts for a metric only when every cell the metric reads is a number; the
others are *excluded* and counted, never read as zeros. An aggregate rate is recomputed from the summed numerators
and denominators of the included reports.

Traceability: each per-report figure carries the agency, the year, the report version id and (through its
metric) the cell ids it reads; an aggregate names its group and how many reports it includes and excludes, and
:func:`report_metrics` with the same ``year`` / ``region`` / ``agency_id`` lists exactly those reports.

The views (:func:`create_analytics_views`), for sqlite3 or psql:

* ``report_cells_wide`` — one row per current report: ``report_id, agency_id, agency, region, year, version``
  and one column per cell id of ``spec/cells.json`` with the dots written as underscores
  (``t3.granted.total`` → ``t3_granted_total``); the value when the cell is a number, NULL otherwise.
* ``agency_year_metrics`` — the same six columns, then for each metric ``<id>`` (the value, in % for a rate;
  NULL when it cannot be computed), ``<id>_numerator`` and ``<id>_denominator`` (NULL unless every part is a
  number). Example: ``SELECT region, avg(disclosure_rate) FROM agency_year_metrics WHERE year = 2023 GROUP BY
  region`` (an average of rates, unlike the sums this module computes — the view leaves that choice to you).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Engine,
    Float,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from gongkai.errors import GongkaiError
from gongkai.model.templates import ALL_TEMPLATES
from gongkai.oversight.metrics import DICTIONARY, METRICS, Metric, MetricValue, cells_problem
from gongkai.store.orm_oversight import (
    REGION_LEVELS,
    ImportedCellRow,
    ImportedReportRow,
    RegionRow,
    SupervisedAgencyRow,
)

CELL_IDS: tuple[str, ...] = tuple(dict.fromkeys(spec.id for t in ALL_TEMPLATES for spec in t.cells))
LEVEL_NAMES = {"province": "省", "city": "市", "county": "县", "township": "乡镇"}
UNPLACED = "（未归入该级地区）"
VIEWS = ("report_cells_wide", "agency_year_metrics")

_reports = ImportedReportRow.__table__
_cells = ImportedCellRow.__table__
_agencies = SupervisedAgencyRow.__table__
_regions = RegionRow.__table__


class AnalyticsError(GongkaiError):
    """A question the analytics cannot answer as asked (unknown region, metric or level)."""


class Grouping(StrEnum):
    TOTAL = "total"  # everything in scope together
    YEAR = "year"
    REGION = "region"  # by the places of one level of the hierarchy
    AGENCY = "agency"


@dataclass(frozen=True)
class ReportRef:
    """Where a per-report figure comes from: the current version of one agency's report for one year."""

    report_id: int
    version: int
    agency_id: int
    agency: str
    region: str | None  # the full region path, None when the agency was never placed
    year: int


@dataclass(frozen=True)
class ReportMetrics:
    report: ReportRef
    values: Mapping[str, MetricValue]


@dataclass(frozen=True)
class Aggregate:
    """A metric over a group: computed from the parts summed over ``reports`` reports; ``excluded`` reports of the
    group lacked a part (a blank, "/", text or missing cell) and are not in the sums."""

    value: MetricValue
    reports: int
    excluded: int

    @property
    def note(self) -> str:
        return f"已排除 {self.excluded} 份所需单元格不全的报告" if self.excluded else ""


@dataclass(frozen=True)
class GroupMetrics:
    """The metrics of one group. ``key`` is the year, the region path or the agency id (None for the total or
    for agencies outside every region of the level); ``label`` is what to print."""

    key: int | str | None
    label: str
    values: Mapping[str, Aggregate]


@dataclass(frozen=True)
class RankedFigure:
    rank: int  # 1 = first; tied values share a rank and the next rank is skipped (1, 1, 3)
    report: ReportRef
    value: MetricValue


@dataclass(frozen=True)
class Ranking:
    metric: str
    top: tuple[RankedFigure, ...]  # highest first; more than ``n`` rows when the last place is shared
    bottom: tuple[RankedFigure, ...]  # lowest first
    ranked: int  # reports with a computable value
    excluded: int  # reports in scope without one


@dataclass(frozen=True)
class CellSum:
    """A cell added up over a group and year: ``numbers`` reports gave a number, ``not_numbers`` did not."""

    key: int | str | None
    label: str
    year: int
    cell_id: str
    total: Decimal
    numbers: int
    not_numbers: int


@dataclass(frozen=True)
class RegionRef:
    id: int
    path: str
    level: str
    name: str


# ---------------------------------------------------------------------------------------------------------------
# Scope
# ---------------------------------------------------------------------------------------------------------------


def find_region(*, session: Session, region: str) -> RegionRef:
    """The place named by its full path (``江南省/临川市/青溪县``) or, when that is unambiguous, by its name."""
    row = session.execute(select(_regions).where(_regions.c.path == region)).first()
    if row is None:
        rows = session.execute(select(_regions).where(_regions.c.name == region).limit(2)).all()
        if len(rows) > 1:
            raise AnalyticsError(f"地区“{region}”不止一个，请写出完整路径（如 省/市/县）")
        row = rows[0] if rows else None
    if row is None:
        raise AnalyticsError(f"没有地区“{region}”（请先用 gongkai regions load 载入行政区划）")
    return RegionRef(row.id, row.path, row.level, row.name)


def _level(level: str) -> str:
    for key, word in LEVEL_NAMES.items():
        if level in (key, word):
            return key
    raise AnalyticsError(f"没有地区层级“{level}”（可用：省、市、县、乡镇）")


def _in_region(path_column: ColumnElement[Any], prefix: ColumnElement[Any] | str) -> ColumnElement[bool]:
    # Inside a place = its own path, or a path starting with it and a slash (substr, not LIKE: no wildcards).
    prefix_slash = (prefix + "/") if isinstance(prefix, str) else prefix.concat("/")
    length = len(prefix_slash) if isinstance(prefix, str) else func.length(prefix_slash)
    return or_(path_column == prefix, func.substr(path_column, 1, length) == prefix_slash)


def _scope(
    statement: Select[Any], *, session: Session, year: int | None, region: str | None, agency_id: int | None
) -> Select[Any]:
    statement = statement.where(_reports.c.current.is_(True))
    if year is not None:
        statement = statement.where(_reports.c.year == year)
    if region is not None:
        statement = statement.where(_in_region(_regions.c.path, find_region(session=session, region=region).path))
    if agency_id is not None:
        statement = statement.where(_reports.c.agency_id == agency_id)
    return statement


_REPORT_COLUMNS = (
    _reports.c.id.label("report_id"),
    _reports.c.version,
    _reports.c.agency_id,
    _agencies.c.name.label("agency"),
    _regions.c.path.label("region"),
    _reports.c.year,
)
_REPORT_KEYS = (_reports.c.id, _reports.c.version, _reports.c.agency_id, _agencies.c.name, _regions.c.path,
                _reports.c.year)


def _report_from() -> Any:
    return _reports.join(_agencies, _agencies.c.id == _reports.c.agency_id).outerjoin(
        _regions, _regions.c.id == _agencies.c.region_id
    )


def _ref(row: Any) -> ReportRef:
    return ReportRef(row.report_id, row.version, row.agency_id, row.agency, row.region, row.year)


# ---------------------------------------------------------------------------------------------------------------
# Per report: the parts of each metric, summed in SQL
# ---------------------------------------------------------------------------------------------------------------


def _number_in(ids: Sequence[str]) -> ColumnElement[bool]:
    return and_(_cells.c.cell_id.in_(ids), _cells.c.kind == "number")


def _metric_columns(metrics: Sequence[Metric], *, reasons: bool) -> list[ColumnElement[Any]]:
    columns: list[ColumnElement[Any]] = []
    for m in metrics:
        sides = (("num", m.numerator), ("den", m.denominator)) if m.is_rate else (("num", m.numerator),)
        for side, ids in sides:
            columns.append(func.sum(case((_number_in(ids), _cells.c.value))).label(f"{m.id}__{side}"))
            columns.append(func.count(case((_number_in(ids), 1))).label(f"{m.id}__{side}_n"))
        if reasons:
            bad = and_(_cells.c.cell_id.in_(m.cells), _cells.c.kind != "number")
            columns.append(
                func.aggregate_strings(case((bad, _cells.c.cell_id.concat(":").concat(_cells.c.kind))), ",")
                .label(f"{m.id}__bad")
            )
            columns.append(func.count(case((_cells.c.cell_id.in_(m.cells), 1))).label(f"{m.id}__present"))
    return columns


def _per_report(metrics: Sequence[Metric], *, reasons: bool) -> Select[Any]:
    """One row per current report: identity columns, then the summed parts of each metric and their counts."""
    needed = tuple(dict.fromkeys(c for m in metrics for c in m.cells))
    joined = _report_from().outerjoin(
        _cells, and_(_cells.c.report_id == _reports.c.id, _cells.c.cell_id.in_(needed))
    )
    return (
        select(*_REPORT_COLUMNS, *_metric_columns(metrics, reasons=reasons))
        .select_from(joined)
        .group_by(*_REPORT_KEYS)
    )


def _complete(m: Metric, columns: Any) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = columns[f"{m.id}__num_n"] == len(m.numerator)
    if m.is_rate:
        condition = and_(condition, columns[f"{m.id}__den_n"] == len(m.denominator))
    return condition


def _value_from_row(m: Metric, row: Any) -> MetricValue:
    mapping = row._mapping
    complete = mapping[f"{m.id}__num_n"] == len(m.numerator) and (
        not m.is_rate or mapping[f"{m.id}__den_n"] == len(m.denominator)
    )
    if complete:
        return m.from_parts(_decimal(mapping[f"{m.id}__num"]), _decimal(mapping.get(f"{m.id}__den")))
    bad_text = mapping.get(f"{m.id}__bad") or ""
    bad = sorted(
        (tuple(item.split(":", 1)) for item in bad_text.split(",") if item),
        key=lambda pair: m.cells.index(pair[0]),
    )
    absent = len(m.cells) - int(mapping.get(f"{m.id}__present") or 0)
    return m.not_computable(cells_problem([(b[0], b[1]) for b in bad], absent))


def _decimal(value: Any) -> Decimal:
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _metrics(metric_ids: Sequence[str] | None) -> tuple[Metric, ...]:
    if not metric_ids:
        return DICTIONARY
    unknown = [m for m in metric_ids if m not in METRICS]
    if unknown:
        raise AnalyticsError(f"没有指标“{'、'.join(unknown)}”（可用：{'、'.join(METRICS)}）")
    return tuple(METRICS[m] for m in metric_ids)


def report_metrics(
    *,
    session: Session,
    metrics: Sequence[str] | None = None,
    year: int | None = None,
    region: str | None = None,
    agency_id: int | None = None,
) -> Iterator[ReportMetrics]:
    """The metrics of each current report in scope, by agency name and year (streamed: safe on large stores)."""
    chosen = _metrics(metrics)
    statement = _scope(_per_report(chosen, reasons=True), session=session, year=year, region=region,
                       agency_id=agency_id).order_by(_agencies.c.name, _reports.c.year)
    for row in session.execute(statement, execution_options={"yield_per": 2000}):
        yield ReportMetrics(_ref(row), {m.id: _value_from_row(m, row) for m in chosen})


# ---------------------------------------------------------------------------------------------------------------
# Aggregates
# ---------------------------------------------------------------------------------------------------------------


def aggregate(
    *,
    session: Session,
    by: Grouping = Grouping.YEAR,
    level: str = "county",
    metrics: Sequence[str] | None = None,
    year: int | None = None,
    region: str | None = None,
) -> list[GroupMetrics]:
    """The metrics of each group, from the parts summed over the group's complete reports (rates recomputed from
    the sums). ``level`` (province/city/county/township or 省/市/县/乡镇) applies to ``by=REGION``."""
    chosen = _metrics(metrics)
    per = _scope(_per_report(chosen, reasons=False), session=session, year=year, region=region,
                 agency_id=None).subquery("per")
    sums: list[ColumnElement[Any]] = []
    for m in chosen:
        complete = _complete(m, per.c)
        sums.append(func.sum(case((complete, per.c[f"{m.id}__num"]))).label(f"{m.id}__num"))
        if m.is_rate:
            sums.append(func.sum(case((complete, per.c[f"{m.id}__den"]))).label(f"{m.id}__den"))
        sums.append(func.sum(case((complete, 1), else_=0)).label(f"{m.id}__included"))
    sums.append(func.count().label("reports"))
    key: ColumnElement[Any]
    if by is Grouping.TOTAL:
        statement = select(literal(None).label("key"), literal("合计").label("label"), *sums).select_from(per)
    elif by is Grouping.YEAR:
        key = per.c.year
        statement = select(key.label("key"), key.label("label"), *sums).group_by(key).order_by(key)
    elif by is Grouping.AGENCY:
        key = per.c.agency_id
        statement = (
            select(key.label("key"), per.c.agency.label("label"), *sums)
            .group_by(key, per.c.agency)
            .order_by(per.c.agency)
        )
    else:
        place = _regions.alias("place")
        joined = per.outerjoin(place, and_(place.c.level == _level(level), _in_region(per.c.region, place.c.path)))
        key = place.c.path
        statement = (
            select(key.label("key"), key.label("label"), *sums)
            .select_from(joined)
            .group_by(key)
            .order_by(key.is_(None), key)
        )
    out: list[GroupMetrics] = []
    for row in session.execute(statement):
        values: dict[str, Aggregate] = {}
        for m in chosen:
            included = int(row._mapping[f"{m.id}__included"] or 0)
            excluded = int(row.reports) - included
            if included == 0:
                value = m.not_computable(f"没有所需单元格齐全的报告（{excluded} 份报告所需单元格不全）")
            else:
                value = m.from_parts(_decimal(row._mapping[f"{m.id}__num"]),
                                     _decimal(row._mapping.get(f"{m.id}__den")))
            values[m.id] = Aggregate(value, included, excluded)
        shown = str(row.label) if row.label is not None else UNPLACED
        out.append(GroupMetrics(row.key, shown, values))
    return out


def rank(
    *,
    session: Session,
    metric: str,
    n: int = 10,
    year: int | None = None,
    region: str | None = None,
    min_denominator: int = 1,
) -> Ranking:
    """The top and bottom ``n`` reports (agency-years) by one metric, ties included: every report tied with the
    n-th is listed. A rate is ranked only when its denominator is at least ``min_denominator``."""
    m = _metrics([metric])[0]
    per = _scope(_per_report([m], reasons=False), session=session, year=year, region=region,
                 agency_id=None).subquery("per")
    numerator = cast(per.c[f"{m.id}__num"], Float)
    rankable = _complete(m, per.c)
    if m.is_rate:
        value = numerator * 100 / cast(per.c[f"{m.id}__den"], Float)
        rankable = and_(rankable, per.c[f"{m.id}__den"] >= max(min_denominator, 1))
    else:
        value = numerator
    ranked = (
        select(
            per,
            func.rank().over(order_by=value.desc()).label("rank_top"),
            func.rank().over(order_by=value.asc()).label("rank_bottom"),
            func.count().over().label("ranked"),
        )
        .where(rankable)
        .subquery("ranked")
    )
    statement = select(ranked).where(or_(ranked.c.rank_top <= n, ranked.c.rank_bottom <= n))
    top: list[RankedFigure] = []
    bottom: list[RankedFigure] = []
    count = 0
    for row in session.execute(statement):
        count = int(row.ranked)
        value_of = m.from_parts(_decimal(row._mapping[f"{m.id}__num"]), _decimal(row._mapping.get(f"{m.id}__den")))
        if row.rank_top <= n:
            top.append(RankedFigure(int(row.rank_top), _ref(row), value_of))
        if row.rank_bottom <= n:
            bottom.append(RankedFigure(int(row.rank_bottom), _ref(row), value_of))
    in_scope = session.execute(
        _scope(select(func.count()).select_from(_report_from()), session=session, year=year, region=region,
               agency_id=None)
    ).scalar_one()
    order = (lambda f: (f.rank, f.report.agency, f.report.year))  # noqa: E731
    return Ranking(m.id, tuple(sorted(top, key=order)), tuple(sorted(bottom, key=order)), count,
                   int(in_scope) - count)


def cell_sums(
    *,
    session: Session,
    cells: Sequence[str],
    by: Grouping = Grouping.TOTAL,
    level: str = "county",
    year: int | None = None,
    region: str | None = None,
) -> list[CellSum]:
    """Cells added up per group and year (a stock such as 现行有效件数 is never added across years); the counts
    of reports that gave a number and that did not say how complete each sum is."""
    unknown = [c for c in cells if c not in CELL_IDS]
    if unknown:
        raise AnalyticsError(f"没有单元格“{'、'.join(unknown)}”（见 spec/cells.json）")
    joined = _report_from().join(_cells, _cells.c.report_id == _reports.c.id)
    columns: list[ColumnElement[Any]] = [
        _reports.c.year,
        _cells.c.cell_id,
        func.sum(case((_cells.c.kind == "number", _cells.c.value))).label("total"),
        func.count(case((_cells.c.kind == "number", 1))).label("numbers"),
        func.count(case((_cells.c.kind != "number", 1))).label("not_numbers"),
    ]
    group: list[ColumnElement[Any]] = [_reports.c.year, _cells.c.cell_id]
    if by is Grouping.TOTAL or by is Grouping.YEAR:
        key: ColumnElement[Any] = literal(None)
        label: ColumnElement[Any] = literal("合计")
    elif by is Grouping.AGENCY:
        key, label = _reports.c.agency_id, _agencies.c.name
        group += [key, label]
    else:
        place = _regions.alias("place")
        joined = joined.outerjoin(place, and_(place.c.level == _level(level), _in_region(_regions.c.path,
                                                                                           place.c.path)))
        key = label = place.c.path
        group.append(key)
    statement = _scope(
        select(key.label("key"), label.label("label"), *columns)
        .select_from(joined)
        .where(_cells.c.cell_id.in_(cells))
        .group_by(*group)
        .order_by(label, _reports.c.year, _cells.c.cell_id),
        session=session, year=year, region=region, agency_id=None,
    )
    return [
        CellSum(row.key, str(row.label) if row.label is not None else UNPLACED, row.year, row.cell_id,
                _decimal(row.total), int(row.numbers), int(row.not_numbers))
        for row in session.execute(statement)
    ]


def years(*, session: Session) -> list[int]:
    """The years with at least one current report."""
    return list(session.execute(
        select(_reports.c.year).where(_reports.c.current.is_(True)).distinct().order_by(_reports.c.year)
    ).scalars())


# ---------------------------------------------------------------------------------------------------------------
# Wide rows and views
# ---------------------------------------------------------------------------------------------------------------


def wide_column(cell_id: str) -> str:
    """The column of a cell in ``report_cells_wide``: the id with its dots written as underscores."""
    return cell_id.replace(".", "_")


def wide_select(*, columns: str = "view") -> Select[Any]:
    """One row per current report with one column per cell id (the value when it is a number, else NULL).
    ``columns="view"`` names them as in the view (underscores), ``"ids"`` by their cell id."""
    name = wide_column if columns == "view" else (lambda cell_id: cell_id)
    pivots = [
        func.max(case((and_(_cells.c.cell_id == cell_id, _cells.c.kind == "number"), _cells.c.value)))
        .label(name(cell_id))
        for cell_id in CELL_IDS
    ]
    return (
        select(*_REPORT_COLUMNS, *pivots)
        .select_from(_report_from().outerjoin(_cells, _cells.c.report_id == _reports.c.id))
        .where(_reports.c.current.is_(True))
        .group_by(*_REPORT_KEYS)
    )


def scoped_wide_select(*, session: Session, year: int | None = None, region: str | None = None) -> Select[Any]:
    return _scope(wide_select(columns="ids"), session=session, year=year, region=region, agency_id=None).order_by(
        _agencies.c.name, _reports.c.year
    )


def _metrics_view_select() -> Select[Any]:
    per = _per_report(DICTIONARY, reasons=False).where(_reports.c.current.is_(True)).subquery("per")
    columns: list[ColumnElement[Any]] = [per.c[c] for c in ("report_id", "agency_id", "agency", "region", "year",
                                                            "version")]
    for m in DICTIONARY:
        complete = _complete(m, per.c)
        numerator = case((complete, per.c[f"{m.id}__num"]))
        if m.is_rate:
            denominator = case((complete, per.c[f"{m.id}__den"]))
            value = case(
                (and_(complete, per.c[f"{m.id}__den"] != 0),
                 cast(per.c[f"{m.id}__num"], Float) * 100 / cast(per.c[f"{m.id}__den"], Float)),
            )
            columns += [value.label(m.id), numerator.label(f"{m.id}_numerator"),
                        denominator.label(f"{m.id}_denominator")]
        else:
            columns += [numerator.label(m.id), numerator.label(f"{m.id}_numerator"),
                        literal(None).label(f"{m.id}_denominator")]
    return select(*columns)


def create_analytics_views(engine: Engine) -> None:
    """(Re)create the views ``report_cells_wide`` and ``agency_year_metrics`` (see the module docstring)."""
    statements = {"report_cells_wide": wide_select(), "agency_year_metrics": _metrics_view_select()}
    with engine.begin() as conn:
        for name in VIEWS:
            conn.exec_driver_sql(f"DROP VIEW IF EXISTS {name}")
        for name, statement in statements.items():
            body = statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
            conn.exec_driver_sql(f"CREATE VIEW {name} AS {body}")


__all__ = [
    "CELL_IDS",
    "LEVEL_NAMES",
    "REGION_LEVELS",
    "UNPLACED",
    "VIEWS",
    "Aggregate",
    "AnalyticsError",
    "CellSum",
    "GroupMetrics",
    "Grouping",
    "RankedFigure",
    "Ranking",
    "RegionRef",
    "ReportMetrics",
    "ReportRef",
    "aggregate",
    "cell_sums",
    "create_analytics_views",
    "find_region",
    "rank",
    "report_metrics",
    "scoped_wide_select",
    "wide_column",
    "wide_select",
    "years",
]
