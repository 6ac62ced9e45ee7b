"""Findings and rules: one rule is one small unit with a stable id, a kind, a severity and its docs.

A rule is a function ``(context) -> Iterable[Finding]`` registered with ``@rule(...)``. Its docstring is its
documentation, in four parts (检查什么 / 为什么 / 示例 / 如何修改), and its fixtures live in ``tests/rules``.
Selecting and ignoring rules happens in one place, ``gongkai.rules.check``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from gongkai.model.report import Cell, Number, Report, json_number


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


@dataclass(frozen=True)
class Context:
    """What a rule sees: the report, and last year's report when one was given."""

    report: Report
    previous: Report | None = None


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
