"""dated-record aggregates: children missing education, modern slavery records and disruption
activities by month, place and category (the Education, Modern slavery and Disrupt pages read no
records); rebuilt by 0015

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26 06:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agg_dated_month",
        sa.Column("vintage", sa.String(length=16), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("ward_code", sa.String(length=9), nullable=False),
        sa.Column("postcode_district", sa.String(length=4), nullable=False),
        sa.Column("area_code", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "vintage", "month", "ward_code", "postcode_district", "area_code", "source", "category"
        ),
    )
    op.create_table(
        "agg_dated_area",
        sa.Column("vintage", sa.String(length=16), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("area_code", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("vintage", "month", "area_code", "source", "category"),
    )
    # The aggregates are rebuilt by 0015 (the rebuild writes every aggregate table of the
    # current code, some of which 0015 creates).


def downgrade() -> None:
    op.drop_table("agg_dated_area")
    op.drop_table("agg_dated_month")
