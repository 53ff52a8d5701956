"""store version: one row every write bumps, so every app server sees new data on its next rerun

Revision ID: 0006
Revises: 0010
Create Date: 2026-11-26 00:30:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "store_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(
        table, [{"id": 1, "version": 1, "changed_at": datetime.now(UTC).replace(tzinfo=None)}]
    )


def downgrade() -> None:
    op.drop_table("store_version")
