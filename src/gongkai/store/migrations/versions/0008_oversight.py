"""Oversight and research at scale: supervised agencies and regions, imported source files, report versions
with their cells, sections and findings, and the human review of findings.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Importing the model registers the tables on the shared metadata whenever Alembic loads the scripts, so the
# autogenerate comparison (gongkai.store.migrate.schema_differences) sees them.
from gongkai.store import orm_oversight  # noqa: F401

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "oversight_regions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.CheckConstraint(
            "level IN ('province', 'city', 'county', 'township')", name=op.f("ck_oversight_regions_level")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["oversight_regions.id"], name=op.f("fk_oversight_regions_parent_id_oversight_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_regions")),
        sa.UniqueConstraint("path", name=op.f("uq_oversight_regions_path")),
    )
    op.create_index("ix_oversight_regions_parent", "oversight_regions", ["parent_id"], unique=False)

    op.create_table(
        "oversight_source_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=1000), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("first_seen", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('imported', 'failed')", name=op.f("ck_oversight_source_files_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_source_files")),
        sa.UniqueConstraint("sha256", name=op.f("uq_oversight_source_files_sha256")),
    )
    op.create_table(
        "oversight_agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("normalized_name", sa.String(length=200), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("department", sa.String(length=100), nullable=True),
        sa.Column("ledger_agency_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_agency_id"], ["agencies.id"], name=op.f("fk_oversight_agencies_ledger_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["oversight_regions.id"], name=op.f("fk_oversight_agencies_region_id_oversight_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_agencies")),
        sa.UniqueConstraint("normalized_name", name=op.f("uq_oversight_agencies_normalized_name")),
    )
    op.create_index("ix_oversight_agencies_region", "oversight_agencies", ["region_id"], unique=False)

    op.create_table(
        "oversight_finding_reviews",
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("rule", sa.String(length=10), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.String(length=100), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "decision IN ('confirmed', 'dismissed')", name=op.f("ck_oversight_finding_reviews_decision")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["oversight_agencies.id"],
            name=op.f("fk_oversight_finding_reviews_agency_id_oversight_agencies"),
        ),
        sa.PrimaryKeyConstraint("fingerprint", name=op.f("pk_oversight_finding_reviews")),
    )
    op.create_index(
        "ix_oversight_finding_reviews_agency", "oversight_finding_reviews", ["agency_id", "year"], unique=False
    )

    op.create_table(
        "oversight_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("source_file_id", sa.Integer(), nullable=False),
        sa.Column("printed_agency", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("reader", sa.String(length=40), nullable=False),
        sa.Column("t2_template", sa.String(length=10), nullable=True),
        sa.Column("t3_template", sa.String(length=10), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("version > 0", name=op.f("ck_oversight_reports_version_positive")),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["oversight_agencies.id"], name=op.f("fk_oversight_reports_agency_id_oversight_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["source_file_id"],
            ["oversight_source_files.id"],
            name=op.f("fk_oversight_reports_source_file_id_oversight_source_files"),
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["oversight_reports.id"],
            name=op.f("fk_oversight_reports_supersedes_id_oversight_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_reports")),
        sa.UniqueConstraint("agency_id", "year", "version", name=op.f("uq_oversight_reports_agency_id_year_version")),
        sa.UniqueConstraint("source_file_id", name=op.f("uq_oversight_reports_source_file_id")),
    )
    op.create_index(
        "ix_oversight_reports_year_current", "oversight_reports", ["year", "current", "agency_id"], unique=False
    )

    op.create_table(
        "oversight_cells",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.Numeric(precision=24, scale=6), nullable=True),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("uncertain", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("provenance", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('number', 'blank', 'na', 'text', 'missing')", name=op.f("ck_oversight_cells_kind")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["oversight_reports.id"], name=op.f("fk_oversight_cells_report_id_oversight_reports")
        ),
        sa.PrimaryKeyConstraint("report_id", "cell_id", name=op.f("pk_oversight_cells")),
    )
    op.create_index("ix_oversight_cells_cell", "oversight_cells", ["cell_id", "report_id"], unique=False)

    op.create_table(
        "oversight_findings",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("rule", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.Column("printed", sa.Numeric(precision=24, scale=6), nullable=True),
        sa.Column("computed", sa.Numeric(precision=24, scale=6), nullable=True),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "kind IN ('identity', 'blank', 'value', 'template', 'structure', 'meta', 'cross_year', 'text_table')",
            name=op.f("ck_oversight_findings_kind"),
        ),
        sa.CheckConstraint("severity IN ('error', 'warning', 'info')", name=op.f("ck_oversight_findings_severity")),
        sa.ForeignKeyConstraint(
            ["report_id"], ["oversight_reports.id"], name=op.f("fk_oversight_findings_report_id_oversight_reports")
        ),
        sa.PrimaryKeyConstraint("report_id", "position", name=op.f("pk_oversight_findings")),
    )
    op.create_index("ix_oversight_findings_fingerprint", "oversight_findings", ["fingerprint"], unique=False)
    op.create_index("ix_oversight_findings_rule", "oversight_findings", ["rule", "severity"], unique=False)

    op.create_table(
        "oversight_sections",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["oversight_reports.id"], name=op.f("fk_oversight_sections_report_id_oversight_reports")
        ),
        sa.PrimaryKeyConstraint("report_id", "position", name=op.f("pk_oversight_sections")),
    )


def downgrade() -> None:
    op.drop_table("oversight_sections")
    op.drop_index("ix_oversight_findings_rule", table_name="oversight_findings")
    op.drop_index("ix_oversight_findings_fingerprint", table_name="oversight_findings")

    op.drop_table("oversight_findings")
    op.drop_index("ix_oversight_cells_cell", table_name="oversight_cells")

    op.drop_table("oversight_cells")
    op.drop_index("ix_oversight_reports_year_current", table_name="oversight_reports")

    op.drop_table("oversight_reports")
    op.drop_index("ix_oversight_finding_reviews_agency", table_name="oversight_finding_reviews")

    op.drop_table("oversight_finding_reviews")
    op.drop_index("ix_oversight_agencies_region", table_name="oversight_agencies")

    op.drop_table("oversight_agencies")
    op.drop_table("oversight_source_files")
    op.drop_index("ix_oversight_regions_parent", table_name="oversight_regions")

    op.drop_table("oversight_regions")
