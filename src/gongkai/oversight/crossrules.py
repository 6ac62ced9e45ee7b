"""Rules across the stored reports: run over the oversight store after an import, findings stored beside the
import's own (``oversight_findings``), under fingerprints that keep their human review across re-runs.

* **Carry-over continuity** (GK401, GK402 — the very rules of ``gongkai check --previous``): for every agency
  with current reports of two consecutive years, this year's report is checked against last year's.
* **Aggregate against its parts** (GK411): where it is declared (:func:`load_aggregations_csv`) that report A
  aggregates the reports of B, C …, each summable cell of 表三 and 表四 in A must be the sum of the parts' cells.
* **Copied text** (GK412 between agencies of one year, GK413 with the agency's own report of the year before):
  :mod:`gongkai.oversight.copied`.

:func:`run_cross_report_rules` is the one call to make after an import (``gongkai import`` can call it at the
end): it computes the findings of the current report versions and replaces the cross-report findings stored
before, so running it twice stores the same rows.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session

from gongkai.errors import GongkaiError
from gongkai.ledger.agencies import normalise_name
from gongkai.model.report import Cell, Number, Report, ReportMeta, Table, ValueKind
from gongkai.model.templates import TableKind, TemplateVersion, cell_spec
from gongkai.oversight.copied import (
    DEFAULT_THRESHOLDS,
    CopiedText,
    CopyThresholds,
    Narrative,
    Passage,
    common_passages,
    find_copied_text,
    narrative_of,
    normalise_narrative,
    template_sentences,
)
from gongkai.oversight.parse import fingerprint
from gongkai.rules import Context, Kind, Severity
from gongkai.rules.base import get_rule
from gongkai.store.errors import NotFound
from gongkai.store.orm_oversight import (
    ImportedCellRow,
    ImportedFindingRow,
    ImportedReportRow,
    ImportedSectionRow,
    SupervisedAgencyRow,
)

AGGREGATE_COLUMN = "汇总机关"
PART_COLUMN = "组成机关"
SUMMABLE_TABLES = ("t3.", "t4.")
PASSAGES_IN_MESSAGE = 3  # the message quotes the longest passages; the rest are recomputed on demand


@dataclass(frozen=True)
class CrossRule:
    """A rule across stored reports: like :class:`gongkai.rules.Rule`, documented in the same four parts."""

    id: str
    name: str
    kind: Kind
    severity: Severity
    summary: str
    docs: str


CROSS_RULES: dict[str, CrossRule] = {
    r.id: r
    for r in (
        CrossRule(
            "GK411", "aggregate-sum", Kind.IDENTITY, Severity.WARNING, "汇总报告的表三、表四应等于各组成机关报告之和",
            "检查什么：声明为汇总报告的（如县政府汇总本级各部门和乡镇），其表三、表四每个单元格应等于各组成机关同年度报告"
            "对应单元格之和；逐格列出印制值与合计值。\n"
            "为什么：汇总报告的数字来自各组成机关，合计对不上说明漏报、重报或抄错。\n"
            "示例：县政府报告表三本年新收总计 120 件，所辖 12 个组成机关的报告合计 118 件。\n"
            "如何修改：核对各组成机关的报告和汇总口径；组成机关缺报的，先补齐报告。",
        ),
        CrossRule(
            "GK412", "copied-text", Kind.TEXT_TABLE, Severity.WARNING, "正文与同年度其他机关的报告内容雷同",
            "检查什么：同一年度两个不同机关报告的正文（一、五、六部分，不含统计表），去掉空白、标点、数字、机关名称和"
            "法定格式文字后，较短一份有一半以上的文字片段（8 字连续片段）也出现在另一份中；列出共同段落及其在两份报告中的位置。\n"
            "为什么：年度报告格式通知明确要求避免内容雷同；大段相同通常是套用了其他机关的报告。\n"
            "示例：甲镇与乙镇 2024 年报告的“总体情况”除机关名称和数字外逐字相同。\n"
            "如何修改：按本机关当年实际工作重写雷同段落。",
        ),
        CrossRule(
            "GK413", "copied-last-year", Kind.CROSS_YEAR, Severity.INFO, "正文与本机关上年报告基本相同",
            "检查什么：本年报告正文（一、五、六部分）与本机关上一年度报告相比，去掉数字和法定格式文字后八成以上相同；"
            "列出共同段落及其位置。\n"
            "为什么：年度报告应反映当年工作；正文照抄上年说明没有总结当年情况。\n"
            "示例：2024 年报告“存在的主要问题及改进情况”与 2023 年逐字相同，只改了年份。\n"
            "如何修改：按当年实际情况重写总体情况、存在问题和改进措施。",
        ),
    )
}
CONTINUITY_RULES = ("GK401", "GK402")
STORED_RULES = (*CONTINUITY_RULES, *CROSS_RULES)


class AggregationsFileError(GongkaiError):
    """An aggregations CSV that cannot be loaded; the message names the file and the line."""


@dataclass(frozen=True)
class Aggregation:
    """A declaration: the report of ``aggregate`` adds up the reports of ``parts`` (normalised names)."""

    aggregate: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class CrossFinding:
    """A finding across reports, on ``report_id``; ``other_report_ids`` are the reports it was compared with."""

    report_id: int
    rule: str
    kind: Kind
    severity: Severity
    message: str
    cells: tuple[str, ...] = ()
    printed: Number | None = None
    computed: Number | None = None
    location: str = ""
    other_report_ids: tuple[int, ...] = ()
    similarity: float | None = None
    passages: tuple[Passage, ...] = ()
    key: str = ""  # what tells it apart from the rule's other findings on the report when it names no cell


@dataclass(frozen=True)
class CrossReportRun:
    reports: int
    findings: int
    by_rule: dict[str, int]


@dataclass(frozen=True)
class _Current:
    id: int
    agency_id: int
    agency: str  # normalised
    printed: str
    year: int
    version: int
    t2_template: str | None
    t3_template: str | None


def load_aggregations_csv(path: Path) -> list[Aggregation]:
    """Read the aggregations CSV: UTF-8, a header naming the columns 汇总机关 and 组成机关, one row per part (an
    aggregate with 12 parts takes 12 rows). Names are compared normalised, as agencies are everywhere."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise AggregationsFileError(f"{path}: 无法读取（{exc.strerror or exc}）") from exc
    except UnicodeDecodeError as exc:
        raise AggregationsFileError(f"{path}: 不是 UTF-8 编码的 CSV 文件（请另存为 UTF-8）") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    for column in (AGGREGATE_COLUMN, PART_COLUMN):
        if column not in header:
            raise AggregationsFileError(f"{path}: 第1行缺少“{column}”列（需要的列：{AGGREGATE_COLUMN}、{PART_COLUMN}）")
    reader.fieldnames = header
    parts: dict[str, list[str]] = {}
    for line, raw in enumerate(reader, start=2):
        aggregate = normalise_name((raw.get(AGGREGATE_COLUMN) or "").strip())
        part = normalise_name((raw.get(PART_COLUMN) or "").strip())
        if not aggregate or not part:
            raise AggregationsFileError(f"{path}: 第{line}行“{AGGREGATE_COLUMN}”或“{PART_COLUMN}”为空")
        if part == aggregate:
            raise AggregationsFileError(f"{path}: 第{line}行机关不能汇总它自己")
        listed = parts.setdefault(aggregate, [])
        if part not in listed:
            listed.append(part)
    return [Aggregation(a, tuple(p)) for a, p in parts.items()]


def _current_reports(session: Session, years: Iterable[int] | None) -> list[_Current]:
    query = (
        select(
            ImportedReportRow.id, ImportedReportRow.agency_id, SupervisedAgencyRow.normalized_name,
            ImportedReportRow.printed_agency, ImportedReportRow.year, ImportedReportRow.version,
            ImportedReportRow.t2_template, ImportedReportRow.t3_template,
        )
        .join(SupervisedAgencyRow, SupervisedAgencyRow.id == ImportedReportRow.agency_id)
        .where(ImportedReportRow.current.is_(True))
        .order_by(ImportedReportRow.id)
    )
    if years is not None:
        wanted = sorted(set(years))
        # Last year's reports are read too: this year's continuity and copying are judged against them.
        query = query.where(ImportedReportRow.year.in_(sorted({*wanted, *(y - 1 for y in wanted)})))
    return [_Current(*row) for row in session.execute(query)]


def _cell_value(value: Decimal | None) -> Number | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value.normalize()


def _reports(
    session: Session, currents: Sequence[_Current], prefixes: Sequence[str] = ("t2.", "t3.", "t4.")
) -> dict[int, Report]:
    """The stored reports' tables (the cells whose ids start with ``prefixes``: only what the rules read), rebuilt
    as :class:`Report` objects so the single-report rules apply as is."""
    cells: dict[int, dict[str, dict[str, Cell]]] = defaultdict(lambda: defaultdict(dict))
    ids = [c.id for c in currents]
    for chunk in range(0, len(ids), 500):
        rows = session.execute(
            select(ImportedCellRow.report_id, ImportedCellRow.cell_id, ImportedCellRow.kind, ImportedCellRow.value,
                   ImportedCellRow.raw)
            .where(
                ImportedCellRow.report_id.in_(ids[chunk : chunk + 500]),
                or_(*(ImportedCellRow.cell_id.startswith(p, autoescape=True) for p in prefixes)),
            )
        )
        for report_id, cell_id, kind, value, raw in rows:
            table = cell_id.split(".", 1)[0]
            cells[report_id][table][cell_id] = Cell(cell_id, ValueKind(kind), _cell_value(value), raw=raw)
    out: dict[int, Report] = {}
    for current in currents:
        templates = {
            "t2": TemplateVersion(current.t2_template or TemplateVersion.V2021.value),
            "t3": TemplateVersion(current.t3_template or TemplateVersion.V2021.value),
            "t4": TemplateVersion.V2021,  # table 四 is the same in both templates
        }
        tables = tuple(
            Table(TableKind(kind), templates[kind], dict(found))
            for kind, found in sorted(cells[current.id].items()) if kind in templates
        )
        meta = ReportMeta(agency=current.printed, year=current.year)
        out[current.id] = Report(meta, (), tables, source=f"#{current.id}")
    return out


def continuity_findings(session: Session, currents: Sequence[_Current]) -> list[CrossFinding]:
    """GK401 and GK402 for every agency with current reports of two consecutive years."""
    by_key = {(c.agency_id, c.year): c for c in currents}
    pairs = [(c, by_key[(c.agency_id, c.year - 1)]) for c in currents if (c.agency_id, c.year - 1) in by_key]
    if not pairs:
        return []
    # GK401 reads the carry-over rows of 表三, GK402 table 二: the rest of the cells are not loaded.
    reports = _reports(session, sorted({c for pair in pairs for c in pair}, key=lambda c: c.id), ("t2.", "t3.carried"))
    out: list[CrossFinding] = []
    for now, last in pairs:
        ctx = Context(reports[now.id], reports[last.id])
        for rule_id in CONTINUITY_RULES:
            for f in get_rule(rule_id).run(ctx):
                out.append(CrossFinding(
                    now.id, f.rule, f.kind, f.severity, f.message + f"（上年报告 #{last.id}）", f.cells, f.printed,
                    f.computed, f.where, (last.id,), key=f.message,
                ))
    return out


def aggregate_findings(
    session: Session, currents: Sequence[_Current], aggregations: Sequence[Aggregation]
) -> list[CrossFinding]:
    """GK411: each summable cell of 表三 and 表四 of a declared aggregate report against the sum of its parts."""
    if not aggregations:
        return []
    this = CROSS_RULES["GK411"]
    by_name = {(c.agency, c.year): c for c in currents}
    jobs: list[tuple[_Current, Aggregation, list[_Current], list[str]]] = []
    for aggregation in aggregations:
        for current in currents:
            if current.agency != aggregation.aggregate:
                continue
            found = [by_name[(p, current.year)] for p in aggregation.parts if (p, current.year) in by_name]
            missing = [p for p in aggregation.parts if (p, current.year) not in by_name]
            jobs.append((current, aggregation, found, missing))
    reports = _reports(session, sorted({c for job in jobs for c in (job[0], *job[2])}, key=lambda c: c.id), SUMMABLE_TABLES)
    out: list[CrossFinding] = []
    for current, _aggregation, parts, missing in jobs:
        if missing:
            out.append(CrossFinding(
                current.id, this.id, this.kind, Severity.INFO,
                f"声明的组成机关中有 {len(missing)} 个没有 {current.year} 年度报告（{'、'.join(missing[:5])}"
                f"{'等' if len(missing) > 5 else ''}），无法核对汇总数",
                key="missing-parts",
            ))
            continue
        aggregate = reports[current.id]
        unassessable: list[str] = []
        for cell_id, cell in sorted(aggregate.cells.items()):
            if not cell_id.startswith(SUMMABLE_TABLES):
                continue
            values = [reports[p.id].cell(cell_id) for p in parts]
            if not cell.is_number or any(v is None or not v.is_number for v in values):
                unassessable.append(cell_id)
                continue
            assert cell.value is not None
            total: Number = sum((v.value for v in values if v is not None and v.value is not None), start=0)
            if total != cell.value:
                spec = cell_spec(cell_id)
                out.append(CrossFinding(
                    current.id, this.id, this.kind, this.severity,
                    f"{spec.label}：汇总报告为 {cell.value}，{len(parts)} 个组成机关报告合计为 {total}",
                    (cell_id,), cell.value, total, other_report_ids=tuple(p.id for p in parts),
                ))
        if unassessable:
            out.append(CrossFinding(
                current.id, this.id, this.kind, Severity.INFO,
                f"有 {len(unassessable)} 个单元格在汇总报告或某个组成机关报告中不是数字（如 {unassessable[0]}），"
                f"无法核对汇总数",
                key="unassessable",
            ))
    return out


def load_narratives(session: Session, currents: Sequence[_Current]) -> list[Narrative]:
    sections: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    ids = [c.id for c in currents]
    for chunk in range(0, len(ids), 500):
        for report_id, key, title, text in session.execute(
            select(ImportedSectionRow.report_id, ImportedSectionRow.key, ImportedSectionRow.title,
                   ImportedSectionRow.text)
            .where(ImportedSectionRow.report_id.in_(ids[chunk : chunk + 500]))
            .order_by(ImportedSectionRow.report_id, ImportedSectionRow.position)
        ):
            sections[report_id].append((key, title, text))
    return [narrative_of(c.id, c.agency, c.year, sections[c.id], c.printed) for c in currents]


def copied_findings(
    session: Session, currents: Sequence[_Current], thresholds: CopyThresholds, years: Iterable[int] | None
) -> list[CrossFinding]:
    """GK412 and GK413 from :func:`gongkai.oversight.copied.find_copied_text`."""
    by_id = {c.id: c for c in currents}
    wanted = set(years) if years is not None else None
    out: list[CrossFinding] = []
    for copy in find_copied_text(load_narratives(session, currents), thresholds):
        first, second = by_id[copy.report_id], by_id[copy.other_report_id]
        if copy.same_agency:
            now, last = (first, second) if first.year > second.year else (second, first)
            if wanted is None or now.year in wanted:
                out.append(_copied(CROSS_RULES["GK413"], now, last, copy, swap=now is not first))
            continue
        for this, other, swap in ((first, second, False), (second, first, True)):
            if wanted is None or this.year in wanted:
                out.append(_copied(CROSS_RULES["GK412"], this, other, copy, swap=swap))
    return out


def _copied(rule: CrossRule, this: _Current, other: _Current, copy: CopiedText, *, swap: bool) -> CrossFinding:
    passages = tuple(
        Passage(p.other_section, p.other_start, p.other_end, p.section, p.start, p.end, p.text, p.length)
        if swap else p
        for p in copy.passages
    )
    whose = "本机关上年" if copy.same_agency else f"“{other.printed}”{other.year}年度"
    quoted = "；".join(
        f"“{_short(p.text)}”（本报告“{p.section}”第{p.start + 1}–{p.end}字，对方“{p.other_section}”"
        f"第{p.other_start + 1}–{p.other_end}字）"
        for p in passages[:PASSAGES_IN_MESSAGE]
    )
    message = (
        f"正文与{whose}报告（#{other.id}）内容雷同：相似度 {copy.similarity:.0%}，"
        f"共同段落 {len(passages)} 处{('：' + quoted) if quoted else ''}"
    )
    return CrossFinding(
        this.id, rule.id, rule.kind, rule.severity, message, location=f"与报告 #{other.id}",
        other_report_ids=(other.id,), similarity=copy.similarity, passages=passages,
        key=f"{other.agency}|{other.year}",
    )


def _short(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def cross_report_findings(
    *,
    session: Session,
    years: Iterable[int] | None = None,
    aggregations: Sequence[Aggregation] = (),
    thresholds: CopyThresholds = DEFAULT_THRESHOLDS,
) -> list[CrossFinding]:
    """Every cross-report finding on the current report versions (of ``years``, or all), without storing them."""
    wanted = None if years is None else sorted(set(years))
    currents = _current_reports(session, wanted)
    in_scope = [c for c in currents if wanted is None or c.year in wanted]
    scope_ids = {c.id for c in in_scope}
    findings = [
        *(f for f in continuity_findings(session, currents) if f.report_id in scope_ids),
        *aggregate_findings(session, in_scope, aggregations),
        *copied_findings(session, currents, thresholds, wanted),
    ]
    findings.sort(key=lambda f: (f.report_id, f.rule, f.cells, f.key))
    return findings


def store_cross_report_findings(
    *, session: Session, findings: Sequence[CrossFinding], report_ids: Iterable[int]
) -> int:
    """Replace the cross-report findings of ``report_ids`` with ``findings``: positions follow the import's own
    findings, fingerprints are those of :func:`gongkai.oversight.parse.fingerprint`, so reviews carry over."""
    ids = sorted(set(report_ids) | {f.report_id for f in findings})
    if not ids:
        return 0
    for chunk in range(0, len(ids), 500):
        session.execute(
            delete(ImportedFindingRow).where(
                ImportedFindingRow.report_id.in_(ids[chunk : chunk + 500]), ImportedFindingRow.rule.in_(STORED_RULES)
            )
        )
    next_position: dict[int, int] = {}
    names: dict[int, tuple[str, int]] = {}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        for report_id, last in session.execute(
            select(ImportedFindingRow.report_id, func.max(ImportedFindingRow.position))
            .where(ImportedFindingRow.report_id.in_(part))
            .group_by(ImportedFindingRow.report_id)
        ):
            next_position[report_id] = int(last) + 1
        for report_id, agency, year in session.execute(
            select(ImportedReportRow.id, SupervisedAgencyRow.normalized_name, ImportedReportRow.year)
            .join(SupervisedAgencyRow, SupervisedAgencyRow.id == ImportedReportRow.agency_id)
            .where(ImportedReportRow.id.in_(part))
        ):
            names[report_id] = (agency, year)
    rows = []
    for f in findings:
        position = next_position.get(f.report_id, 0)
        next_position[f.report_id] = position + 1
        agency, year = names[f.report_id]
        rows.append({
            "report_id": f.report_id, "position": position, "rule": f.rule, "kind": f.kind.value,
            "severity": f.severity.value, "message": f.message, "cells": list(f.cells), "printed": f.printed,
            "computed": f.computed, "location": f.location[:200],
            "other_report_id": f.other_report_ids[0] if len(f.other_report_ids) == 1 else None,
            "fingerprint": fingerprint(f.rule, f.cells, agency, year, f.key or f.message),
        })
    if rows:
        session.execute(insert(ImportedFindingRow), rows)
    session.flush()
    return len(rows)


def run_cross_report_rules(
    *,
    session: Session,
    years: Iterable[int] | None = None,
    aggregations: Sequence[Aggregation] = (),
    thresholds: CopyThresholds = DEFAULT_THRESHOLDS,
) -> CrossReportRun:
    """Compute and store the cross-report findings of the current reports (of ``years``, or all): the call to
    make after an import. Idempotent: a second run with nothing imported in between stores the same rows."""
    wanted = None if years is None else sorted(set(years))
    findings = cross_report_findings(session=session, years=wanted, aggregations=aggregations, thresholds=thresholds)
    scope = [c.id for c in _current_reports(session, wanted) if wanted is None or c.year in wanted]
    stored = store_cross_report_findings(session=session, findings=findings, report_ids=scope)
    by_rule: dict[str, int] = defaultdict(int)
    for f in findings:
        by_rule[f.rule] += 1
    return CrossReportRun(len(scope), stored, dict(sorted(by_rule.items())))


def copied_passages(
    *, session: Session, report_id: int, other_report_id: int, thresholds: CopyThresholds = DEFAULT_THRESHOLDS
) -> tuple[Passage, ...]:
    """The shared passages of two current reports, for showing a GK412/GK413 finding in full (the stored message
    quotes only the longest few), with the template sentences of all current reports left out, as a run over all
    years does. Positions are character offsets in the first report's and in the other's sections."""
    currents = _current_reports(session, None)
    narratives = {n.report_id: n for n in load_narratives(session, currents)}
    for wanted in (report_id, other_report_id):
        if wanted not in narratives:
            raise NotFound("报告", wanted)
    stop = template_sentences(narratives.values(), thresholds)
    a, b = narratives[report_id], narratives[other_report_id]
    return common_passages(a, normalise_narrative(a, stop), b, normalise_narrative(b, stop), thresholds)


__all__ = [
    "CONTINUITY_RULES",
    "CROSS_RULES",
    "Aggregation",
    "AggregationsFileError",
    "CrossFinding",
    "CrossReportRun",
    "CrossRule",
    "aggregate_findings",
    "copied_passages",
    "cross_report_findings",
    "load_aggregations_csv",
    "run_cross_report_rules",
    "store_cross_report_findings",
]
