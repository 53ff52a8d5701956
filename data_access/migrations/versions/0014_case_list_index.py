"""case list index: risk assessments by level and closing date (with start, place and child), so
the Case list counts and pages the children open at a month end from the index alone

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26 06:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

COLUMNS = ["risk_level", "closed_on", "assessed_on", "postcode_sector", "lsoa_code", "child_id"]


def upgrade() -> None:
    op.create_index("ix_risk_assessment_open", "risk_assessment", COLUMNS, unique=False)
    # Planner statistics for the new index (a store loaded before it has none for it); both
    # SQLite and PostgreSQL take this spelling.
    op.execute("ANALYZE risk_assessment")


def downgrade() -> None:
    op.drop_index("ix_risk_assessment_open", table_name="risk_assessment")
