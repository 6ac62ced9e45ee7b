"""Findings and rules: one rule is one small unit with a stable id, a kind, a severity and its docs.

A rule is a function ``(context) -> Iterable[Finding]`` registered with ``@rule(...)``. Its docstring is its
documentation, in four parts (检查什么 / 为什么 / 示例 / 如何修改), and its fixtures live in ``tests/rules``.
Selecting and ignoring rules happens in one place, ``gongkai.rules.check``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import MISSING, dataclass, field, fields
from enum import StrEnum
from functools import cached_property
from typing import Any

from gongkai.model.report import Cell, Number, Report, Table, ValueKind, json_number


class Kind(StrEnum):
    IDENTITY = "identity"
    BLANK = "blank"
    VALUE = "value"
    TEMPLATE = "template"
    STRUCTURE = "structure"
    META = "meta"
    CROSS_YEAR = "cross_year"
    TEXT_TABLE = "text_table"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class Finding:
    """One problem found in a report: a plain record, formatted by renderers, never recomputed by them."""

    rule: str
    kind: Kind
    severity: Severity
    message: str  # Chinese, for a clerk
    cells: tuple[str, ...] = ()
    printed: Number | None = None
    computed: Number | None = None
    where: str = ""  # where in the source, e.g. "第12行" or "表格2 第3行第4列"
    source: str = ""

    def __init__(
        self,
        rule: str,
        kind: Kind,
        severity: Severity,
        message: str,
        cells: tuple[str, ...] = (),
        printed: Number | None = None,
        computed: Number | None = None,
        where: str = "",
        source: str = "",
    ) -> None:
        # Does what the generated __init__ does, writing the instance dict directly instead of calling
        # object.__setattr__ once per field: a report with blanks gets dozens of findings, each checked again.
        state = self.__dict__
        state["rule"] = rule
        state["kind"] = kind
        state["severity"] = severity
        state["message"] = message
        state["cells"] = cells
        state["printed"] = printed
        state["computed"] = computed
        state["where"] = where
        state["source"] = source

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "kind": self.kind.value,
            "severity": self.severity.value,
            "message": self.message,
            "cells": list(self.cells),
            "printed": json_number(self.printed),
            "computed": json_number(self.computed),
            "where": self.where,
            "source": self.source,
        }


def _init_matches_fields(cls: type) -> bool:
    init = vars(cls)["__init__"]
    code = init.__code__
    specs = fields(cls)
    defaults = tuple(f.default for f in specs if f.default is not MISSING)
    return bool(code.co_varnames[1 : code.co_argcount] == tuple(f.name for f in specs)) and (
        init.__defaults__ or ()
    ) == defaults


if not _init_matches_fields(Finding):
    raise TypeError("Finding.__init__ does not match the dataclass fields")


@dataclass(frozen=True)
class Context:
    """What a rule sees: the report, and last year's report when one was given."""

    report: Report
    previous: Report | None = None

    @cached_property
    def cells(self) -> tuple[Cell, ...]:
        """Every cell of the report, in report order, gathered once for all the rules that go through them."""
        return tuple(self.report.iter_cells())

    @cached_property
    def _by_kind(self) -> dict[ValueKind, list[Cell]]:
        out: dict[ValueKind, list[Cell]] = {}
        for cell in self.cells:
            out.setdefault(cell.kind, []).append(cell)
        return out

    def cells_of(self, kind: ValueKind) -> list[Cell]:
        """The cells holding one kind of value, in report order."""
        return self._by_kind.get(kind, [])

    def numbers(self, table: Table) -> dict[str, Number | None]:
        """Each cell id of a table with its number (None when the cell is not a number), read once for all the
        identity rules."""
        known = self._numbers
        found = known.get(id(table))  # the context holds the reports, so their tables' ids stay theirs
        if found is None:
            number = ValueKind.NUMBER
            found = known[id(table)] = {
                cid: cell.value if cell.kind is number else None for cid, cell in table.cells.items()
            }
        return found

    @cached_property
    def _numbers(self) -> dict[int, dict[str, Number | None]]:
        return {}


RuleFunc = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    kind: Kind
    severity: Severity
    summary: str  # one line, Chinese
    func: RuleFunc = field(repr=False)

    @property
    def docs(self) -> str:
        return (self.func.__doc__ or "").strip()

    def run(self, ctx: Context) -> list[Finding]:
        return list(self.func(ctx))

    def finding(
        self,
        message: str,
        *,
        cells: Iterable[str] = (),
        printed: Number | None = None,
        computed: Number | None = None,
        at: Cell | None = None,
        severity: Severity | None = None,
        ctx: Context | None = None,
    ) -> Finding:
        return Finding(
            rule=self.id,
            kind=self.kind,
            severity=severity or self.severity,
            message=message,
            cells=tuple(cells),
            printed=printed,
            computed=computed,
            where=at.provenance.where() if at is not None and at.provenance.source else "",
            source=ctx.report.source if ctx else "",
        )


REGISTRY: dict[str, Rule] = {}


def rule(id: str, name: str, kind: Kind, severity: Severity, summary: str) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule under a stable id (``GK101``…)."""

    def register(func: RuleFunc) -> RuleFunc:
        if id in REGISTRY:
            raise ValueError(f"rule id {id} registered twice")
        REGISTRY[id] = Rule(id, name, kind, severity, summary, func)
        return func

    return register


def get_rule(id: str) -> Rule:
    return REGISTRY[id]
