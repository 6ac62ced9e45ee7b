"""Statutory notices: number counters per agency, year and series, and the record of every notice issued.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# The notice models live in their own module (gongkai.store.orm_notices); importing it here registers their
# tables on the shared metadata whenever Alembic loads the scripts, so autogenerate comparisons
# (gongkai.store.migrate.schema_differences) see them even when nothing else imported the module.
from gongkai.store import orm_notices  # noqa: F401

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notice_counters",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("series", sa.String(length=20), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_notice_counters_agency_id_agencies")),
        sa.PrimaryKeyConstraint("agency_id", "year", "series", name=op.f("pk_notice_counters")),
    )
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("template", sa.String(length=60), nullable=False),
        sa.Column("template_source", sa.String(length=500), nullable=False),
        sa.Column("template_sha256", sa.String(length=64), nullable=False),
        sa.Column("series", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("seq > 0", name=op.f("ck_notices_seq_positive")),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_notices_agency_id_agencies")),
        sa.ForeignKeyConstraint(
            ["application_id", "agency_id"],
            ["applications.id", "applications.agency_id"],
            name=op.f("fk_notices_application_id_agency_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint("agency_id", "year", "series", "seq", name=op.f("uq_notices_agency_id_year_series_seq")),
    )
    op.create_index("ix_notices_application", "notices", ["application_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_notices_application", table_name="notices")
    op.drop_table("notices")
    op.drop_table("notice_counters")
