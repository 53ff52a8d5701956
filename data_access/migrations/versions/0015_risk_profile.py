"""the at-risk cohort's profile by month and place (children at risk, and children coming back
to risk with their previous month at risk), so the Services profile reads no children one by
one; who each service took on, by area; the aggregates are rebuilt

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-26 06:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agg_risk_profile_month",
        sa.Column("vintage", sa.String(length=16), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("place_level", sa.String(length=8), nullable=False),
        sa.Column("place_code", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("prev", sa.String(length=7), nullable=False),
        sa.Column("gender", sa.String(length=8), nullable=False),
        sa.Column("age", sa.Integer(), nullable=False),
        sa.Column("ethnicity", sa.String(length=40), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "vintage",
            "month",
            "place_level",
            "place_code",
            "kind",
            "prev",
            "gender",
            "age",
            "ethnicity",
        ),
    )
    op.create_index(
        "ix_agg_risk_profile_month_place",
        "agg_risk_profile_month",
        ["vintage", "place_level", "place_code", "kind", "month", "prev", "gender", "age",
         "ethnicity", "children"],
        unique=False,
    )  # fmt: skip
    op.create_table(
        "agg_service_new_profile",
        sa.Column("vintage", sa.String(length=16), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("area_code", sa.String(length=16), nullable=False),
        sa.Column("service", sa.String(length=24), nullable=False),
        sa.Column("delivery", sa.String(length=16), nullable=False),
        sa.Column("gender", sa.String(length=8), nullable=False),
        sa.Column("age", sa.Integer(), nullable=False),
        sa.Column("ethnicity", sa.String(length=40), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "vintage", "month", "area_code", "service", "delivery", "gender", "age", "ethnicity"
        ),
    )
    # A store that already holds events gets every aggregate (re)built now.
    from data_access.aggregates import refresh

    refresh(op.get_bind())


def downgrade() -> None:
    op.drop_table("agg_service_new_profile")
    op.drop_table("agg_risk_profile_month")
