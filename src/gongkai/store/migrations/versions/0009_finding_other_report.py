"""Cross-report findings name the other report in a column of their own (it was read back from the location
text “与报告 #12”).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LOCATION = re.compile(r"^与报告 #(\d+)$")  # what copied-text findings stored before this revision


def upgrade() -> None:
    with op.batch_alter_table("oversight_findings") as batch:
        batch.add_column(sa.Column("other_report_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_oversight_findings_other_report_id_oversight_reports"),
            "oversight_reports",
            ["other_report_id"],
            ["id"],
        )
    findings = sa.table(
        "oversight_findings",
        sa.column("report_id", sa.Integer),
        sa.column("position", sa.Integer),
        sa.column("location", sa.String),
        sa.column("other_report_id", sa.Integer),
    )
    reports = sa.table("oversight_reports", sa.column("id", sa.Integer))
    connection = op.get_bind()
    known = set(connection.scalars(sa.select(reports.c.id)))
    rows = connection.execute(
        sa.select(findings.c.report_id, findings.c.position, findings.c.location).where(
            findings.c.location.like("与报告 #%")
        )
    ).all()
    for report_id, position, location in rows:
        match = _LOCATION.match(location)
        if match and int(match.group(1)) in known:
            connection.execute(
                findings.update()
                .where(findings.c.report_id == report_id, findings.c.position == position)
                .values(other_report_id=int(match.group(1)))
            )


def downgrade() -> None:
    with op.batch_alter_table("oversight_findings") as batch:
        batch.drop_constraint(batch.f("fk_oversight_findings_other_report_id_oversight_reports"), type_="foreignkey")
        batch.drop_column("other_report_id")
