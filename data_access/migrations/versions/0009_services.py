"""services: caseloads of the partnership's services (App. F)

Revision ID: 0009
Revises: 0005
Create Date: 2026-11-26 00:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=True),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=24), nullable=False),
        sa.Column("delivery", sa.String(length=16), nullable=False),
        sa.Column("provider", sa.String(length=24), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("age_at_start", sa.Integer(), nullable=False),
        sa.Column("gender", sa.String(length=8), nullable=False),
        sa.Column("ethnicity", sa.String(length=40), nullable=False),
        sa.Column("lsoa_code", sa.String(length=9), nullable=True),
        sa.Column("postcode_sector", sa.String(length=6), nullable=True),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"]),
        sa.ForeignKeyConstraint(["lsoa_code"], ["lsoa.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_id"),
    )
    with op.batch_alter_table("service_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_case_child_id"), ["child_id"], unique=False)
        batch_op.create_index(
            "ix_service_case_period", ["service", "started_on", "closed_on"], unique=False
        )
        batch_op.create_index(
            "ix_service_case_location", ["postcode_sector", "lsoa_code"], unique=False
        )


def downgrade() -> None:
    op.drop_table("service_case")
