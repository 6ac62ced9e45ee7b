"""Annual report publication: the narrative drafts (optimistic locking) and published, locked versions.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Registers the draft and publication tables on the shared metadata whenever Alembic loads the scripts (see 0002).
from gongkai.store import orm_reports  # noqa: F401

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("version > 0", name=op.f("ck_report_drafts_version_positive")),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_report_drafts_agency_id_agencies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_drafts")),
        sa.UniqueConstraint("agency_id", "year", name=op.f("uq_report_drafts_agency_id_year")),
    )
    op.create_table(
        "report_publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("stored_report_id", sa.Integer(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("published_by", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(version = 1 AND reason IS NULL AND supersedes_id IS NULL)"
            " OR (version > 1 AND reason IS NOT NULL AND supersedes_id IS NOT NULL)",
            name=op.f("ck_report_publications_correction_has_reason"),
        ),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_report_publications_agency_id_agencies")),
        sa.ForeignKeyConstraint(
            ["stored_report_id"], ["stored_reports.id"],
            name=op.f("fk_report_publications_stored_report_id_stored_reports"),
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"], ["report_publications.id"],
            name=op.f("fk_report_publications_supersedes_id_report_publications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_publications")),
        sa.UniqueConstraint("agency_id", "year", "version", name=op.f("uq_report_publications_agency_id_year_version")),
        sa.UniqueConstraint("stored_report_id", name=op.f("uq_report_publications_stored_report_id")),
    )
    op.create_index("ix_report_publications_year", "report_publications", ["year", "agency_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_report_publications_year", table_name="report_publications")
    op.drop_table("report_publications")
    op.drop_table("report_drafts")
