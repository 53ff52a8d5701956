"""service aggregates: cases taken on in each month and cases and children open at each month
end (the Services page, coverage map, briefing and public release read no case rows); rebuilt
by 0013

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 06:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agg_service_new_month",
        sa.Column("vintage", sa.String(length=16), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("ward_code", sa.String(length=9), nullable=False),
        sa.Column("postcode_district", sa.String(length=12), nullable=False),
        sa.Column("area_code", sa.String(length=16), nullable=False),
        sa.Column("service", sa.String(length=24), nullable=False),
        sa.Column("delivery", sa.String(length=16), nullable=False),
        sa.Column("provider", sa.String(length=24), nullable=False),
        sa.Column("gender", sa.String(length=8), nullable=False),
        sa.Column("age", sa.Integer(), nullable=False),
        sa.Column("ethnicity", sa.String(length=40), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "vintage",
            "month",
            "ward_code",
            "postcode_district",
            "area_code",
            "service",
            "delivery",
            "provider",
            "gender",
            "age",
            "ethnicity",
        ),
    )
    op.create_table(
        "agg_service_new_place",
        sa.Column("vintage", sa.String(length=16), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("ward_code", sa.String(length=9), nullable=False),
        sa.Column("postcode_district", sa.String(length=12), nullable=False),
        sa.Column("area_code", sa.String(length=16), nullable=False),
        sa.Column("service", sa.String(length=24), nullable=False),
        sa.Column("delivery", sa.String(length=16), nullable=False),
        sa.Column("provider", sa.String(length=24), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "vintage",
            "month",
            "ward_code",
            "postcode_district",
            "area_code",
            "service",
            "delivery",
            "provider",
        ),
    )
    op.create_table(
        "agg_service_open_month",
        sa.Column("vintage", sa.String(length=16), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("ward_code", sa.String(length=9), nullable=False),
        sa.Column("postcode_district", sa.String(length=12), nullable=False),
        sa.Column("area_code", sa.String(length=16), nullable=False),
        sa.Column("service", sa.String(length=24), nullable=False),
        sa.Column("delivery", sa.String(length=16), nullable=False),
        sa.Column("provider", sa.String(length=24), nullable=False),
        sa.Column("gender", sa.String(length=8), nullable=False),
        sa.Column("age", sa.Integer(), nullable=False),
        sa.Column("ethnicity", sa.String(length=40), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "vintage",
            "month",
            "ward_code",
            "postcode_district",
            "area_code",
            "service",
            "delivery",
            "provider",
            "gender",
            "age",
            "ethnicity",
        ),
    )
    op.create_table(
        "agg_service_open_place",
        sa.Column("vintage", sa.String(length=16), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("ward_code", sa.String(length=9), nullable=False),
        sa.Column("postcode_district", sa.String(length=12), nullable=False),
        sa.Column("area_code", sa.String(length=16), nullable=False),
        sa.Column("service", sa.String(length=24), nullable=False),
        sa.Column("delivery", sa.String(length=16), nullable=False),
        sa.Column("provider", sa.String(length=24), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "vintage",
            "month",
            "ward_code",
            "postcode_district",
            "area_code",
            "service",
            "delivery",
            "provider",
        ),
    )
    op.create_table(
        "agg_service_child_month",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("vintage", sa.String(length=16), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("ward_code", sa.String(length=9), nullable=False),
        sa.Column("postcode_district", sa.String(length=12), nullable=False),
        sa.Column("area_code", sa.String(length=16), nullable=False),
        sa.Column("service", sa.String(length=24), nullable=False),
        sa.Column("delivery", sa.String(length=16), nullable=False),
        sa.Column("provider", sa.String(length=24), nullable=False),
        sa.Column("gender", sa.String(length=8), nullable=False),
        sa.Column("age", sa.Integer(), nullable=False),
        sa.Column("ethnicity", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint(
            "month",
            "vintage",
            "child_id",
            "ward_code",
            "postcode_district",
            "area_code",
            "service",
            "delivery",
            "provider",
            "gender",
            "age",
            "ethnicity",
        ),
    )
    op.create_index(
        "ix_agg_service_child_month_vintage",
        "agg_service_child_month",
        ["vintage", "month"],
        unique=False,
    )
    # The aggregates are rebuilt by 0013 (the rebuild writes every aggregate table of the
    # current code, some of which 0013 creates).


def downgrade() -> None:
    op.drop_table("agg_service_child_month")
    op.drop_table("agg_service_open_place")
    op.drop_table("agg_service_open_month")
    op.drop_table("agg_service_new_place")
    op.drop_table("agg_service_new_month")
