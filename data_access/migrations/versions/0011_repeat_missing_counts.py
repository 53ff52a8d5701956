"""repeat-missing counts per place and month; first episode start in the missing presence table
(so the Trends page and the public release read no events); rebuilt by 0012

Revision ID: 0011
Revises: 0007
Create Date: 2026-11-26 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agg_repeat_missing_month",
        sa.Column("vintage", sa.String(length=16), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("place_level", sa.String(length=8), nullable=False),
        sa.Column("place_code", sa.String(length=16), nullable=False),
        sa.Column("area_code", sa.String(length=16), nullable=False),
        sa.Column("repeat_children", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("vintage", "month", "place_level", "place_code"),
    )
    with op.batch_alter_table("agg_missing_child_month", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_started_at", sa.DateTime(), nullable=True))
    # The aggregates are rebuilt by 0012, the head when this was superseded: the rebuild writes
    # every aggregate table of the current code, some of which 0012 creates.


def downgrade() -> None:
    with op.batch_alter_table("agg_missing_child_month", schema=None) as batch_op:
        batch_op.drop_column("first_started_at")
    op.drop_table("agg_repeat_missing_month")
