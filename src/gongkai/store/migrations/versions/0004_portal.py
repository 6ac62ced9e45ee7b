"""Public portal: query codes of online applications.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Importing the module registers its table on the shared metadata whenever Alembic loads the scripts (as 0002
# does for the notices), so schema comparisons see it even when nothing else imported it.
from gongkai.store import orm_portal  # noqa: F401

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "portal_access",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_portal_access_application_id_applications")
        ),
        sa.PrimaryKeyConstraint("application_id", name=op.f("pk_portal_access")),
    )
    op.create_index(op.f("ix_portal_access_code_hash"), "portal_access", ["code_hash"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_portal_access_code_hash"), table_name="portal_access")
    op.drop_table("portal_access")
