"""The human review of findings: an overseer confirms a finding or dismisses it, with a comment.

The verdict is kept under the finding's fingerprint (rule, cells, agency, year — see
:func:`gongkai.oversight.parse.fingerprint`), not under a finding row: re-importing a report, importing a new
version of it or re-running the rules produces new finding rows with the same fingerprint, and they show the
verdict already given. Reviews are written through the ORM, so the audit log records who changed them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongkai.store.errors import NotFound
from gongkai.store.orm import utcnow
from gongkai.store.orm_oversight import FindingReviewRow, ImportedFindingRow, ImportedReportRow


class ReviewDecision(StrEnum):
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"

    @property
    def label(self) -> str:
        return {"confirmed": "属实", "dismissed": "不属实（已排除）"}[self.value]


@dataclass(frozen=True)
class FindingReview:
    fingerprint: str
    decision: ReviewDecision
    comment: str
    reviewer: str
    reviewed_at: datetime


@dataclass(frozen=True)
class ImportedFinding:
    report_id: int
    position: int
    rule: str
    kind: str
    severity: str
    message: str
    cells: tuple[str, ...]
    printed: Decimal | None
    computed: Decimal | None
    location: str
    fingerprint: str
    review: FindingReview | None
    other_report_id: int | None = None  # the one other report a cross-report finding compared this one with

    @classmethod
    def from_row(cls, f: ImportedFindingRow, review: FindingReviewRow | None) -> ImportedFinding:
        return cls(
            f.report_id, f.position, f.rule, f.kind, f.severity, f.message, tuple(f.cells), f.printed, f.computed,
            f.location, f.fingerprint, _review(review) if review is not None else None, f.other_report_id,
        )


def _review(row: FindingReviewRow) -> FindingReview:
    return FindingReview(row.fingerprint, ReviewDecision(row.decision), row.comment, row.reviewer, row.reviewed_at)


def review_finding(
    *, session: Session, fingerprint: str, decision: ReviewDecision, comment: str, reviewer: str
) -> FindingReview:
    """Record (or change) the verdict on every finding with this fingerprint."""
    target = session.execute(
        select(ImportedFindingRow.rule, ImportedReportRow.agency_id, ImportedReportRow.year)
        .join(ImportedReportRow, ImportedReportRow.id == ImportedFindingRow.report_id)
        .where(ImportedFindingRow.fingerprint == fingerprint)
        .limit(1)
    ).first()
    if target is None:
        raise NotFound("问题", fingerprint)
    row = session.get(FindingReviewRow, fingerprint)
    if row is None:
        row = FindingReviewRow(fingerprint=fingerprint, rule=target.rule, agency_id=target.agency_id,
                               year=target.year)
        session.add(row)
    row.decision = decision.value
    row.comment = comment.strip()
    row.reviewer = reviewer
    row.reviewed_at = utcnow()
    session.flush()
    return _review(row)


def report_findings(*, session: Session, report_id: int) -> list[ImportedFinding]:
    """The findings of one imported report version, in the order the rules gave them, each with its review."""
    rows = session.execute(
        select(ImportedFindingRow, FindingReviewRow)
        .outerjoin(FindingReviewRow, FindingReviewRow.fingerprint == ImportedFindingRow.fingerprint)
        .where(ImportedFindingRow.report_id == report_id)
        .order_by(ImportedFindingRow.position)
    ).all()
    return [ImportedFinding.from_row(f, r) for f, r in rows]


__all__ = ["FindingReview", "ImportedFinding", "ReviewDecision", "report_findings", "review_finding"]
