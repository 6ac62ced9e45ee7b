"""Staff workbench: requests to extend the reply period and the head's decision on them (第三十三条第二款).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Registers the workbench table on the shared metadata whenever Alembic loads the scripts (see 0002).
from gongkai.store import orm_workbench  # noqa: F401

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "extension_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pending", "approved", "refused", name="extensionstatus", native_enum=False,
                    create_constraint=True, length=12),
            nullable=False,
        ),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("days >= 1 AND days <= 20", name=op.f("ck_extension_requests_extension_days")),
        sa.CheckConstraint(
            "(status = 'pending' AND decided_by IS NULL AND decided_on IS NULL)"
            " OR (status <> 'pending' AND decided_by IS NOT NULL AND decided_on IS NOT NULL)",
            name=op.f("ck_extension_requests_decided_with_decider"),
        ),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_extension_requests_agency_id_agencies")),
        sa.ForeignKeyConstraint(
            ["application_id", "agency_id"],
            ["applications.id", "applications.agency_id"],
            name=op.f("fk_extension_requests_application_id_agency_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["application_events.id"], name=op.f("fk_extension_requests_event_id_application_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extension_requests")),
    )
    op.create_index(
        "ix_extension_requests_agency_status", "extension_requests", ["agency_id", "status", "id"], unique=False
    )
    op.create_index("ix_extension_requests_application", "extension_requests", ["application_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_extension_requests_application", table_name="extension_requests")
    op.drop_index("ix_extension_requests_agency_status", table_name="extension_requests")
    op.drop_table("extension_requests")
