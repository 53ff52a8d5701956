"""public release: the jointly protected cells the public tier reads

Revision ID: 0007
Revises: 0008
Create Date: 2026-11-26 00:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "public_release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_month", sa.Date(), nullable=False),
        sa.Column("built_at", sa.DateTime(), nullable=False),
        sa.Column("method", sa.String(length=80), nullable=False),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "public_release_cell",
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=32), nullable=False),
        sa.Column("breakdown", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("geography_level", sa.String(length=16), nullable=False),
        sa.Column("geography_code", sa.String(length=16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(["release_id"], ["public_release.id"]),
        sa.PrimaryKeyConstraint(
            "release_id", "measure", "breakdown", "category", "geography_level",
            "geography_code", "period_start", "period_end",
        ),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("public_release_cell")
    op.drop_table("public_release")
