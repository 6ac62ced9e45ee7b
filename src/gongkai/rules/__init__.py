"""Rules: check a report and return findings.

>>> from gongkai.rules import check, RULES
>>> sorted(RULES)[:3]
['GK101', 'GK102', 'GK103']
"""

from __future__ import annotations

from collections.abc import Iterable

from gongkai.model.report import Report
from gongkai.rules import cells, continuity, identities, places, structure  # noqa: F401  (registers the rules)
from gongkai.rules.base import (
    REGISTRY,
    SEVERITY_ORDER,
    Context,
    Finding,
    Kind,
    Rule,
    Severity,
)

RULES: dict[str, Rule] = REGISTRY


def select_rules(select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> list[Rule]:
    """The rules to run: ``select`` and ``ignore`` take ids or id prefixes (``GK1`` = all identity rules)."""
    chosen = list(RULES.values())
    if select:
        prefixes = tuple(select)
        chosen = [r for r in chosen if r.id.startswith(prefixes)]
    if ignore:
        skip = tuple(ignore)
        chosen = [r for r in chosen if not r.id.startswith(skip)]
    unknown = [p for p in [*(select or []), *(ignore or [])] if not any(r.startswith(p) for r in RULES)]
    if unknown:
        raise ValueError(f"未知规则：{', '.join(unknown)}")
    return chosen


def check(
    report: Report,
    previous: Report | None = None,
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
) -> list[Finding]:
    """Every finding of the selected rules on ``report`` (and across years with ``previous``), most severe first."""
    ctx = Context(report, previous)
    findings: list[Finding] = []
    for rule in select_rules(select, ignore):
        findings.extend(rule.run(ctx))
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.rule))
    return findings


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


__all__ = ["RULES", "Context", "Finding", "Kind", "Rule", "Severity", "check", "has_errors", "select_rules"]
