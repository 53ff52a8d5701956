"""Typed SQLAlchemy models of the store.

Events never hold a name or a full postcode: a child is a pseudonymous id, and every event carries
only the LSOA code and postcode sector where it happened. Ward and postcode district come from the
``area_lookup`` table, whose ``vintage`` column lets a later ward set sit beside the 2004 one.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base shared by every table and by the Alembic migrations."""


class AreaCommittee(Base):
    __tablename__ = "area_committee"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)


class WardVintage(Base):
    """A published set of ward boundaries (2004 set, the May 2026 set, …)."""

    __tablename__ = "ward_vintage"
    vintage: Mapped[str] = mapped_column(String(16), primary_key=True)
    description: Mapped[str] = mapped_column(String(200))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)


class Ward(Base):
    __tablename__ = "ward"
    vintage: Mapped[str] = mapped_column(ForeignKey("ward_vintage.vintage"), primary_key=True)
    code: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    area_committee_code: Mapped[str] = mapped_column(ForeignKey("area_committee.code"))


class PostcodeDistrict(Base):
    __tablename__ = "postcode_district"
    code: Mapped[str] = mapped_column(String(4), primary_key=True)


class Lsoa(Base):
    __tablename__ = "lsoa"
    code: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))


class AreaLookup(Base):
    """Which ward a (postcode sector, LSOA) pair falls in, by share of postcodes, per vintage."""

    __tablename__ = "area_lookup"
    vintage: Mapped[str] = mapped_column(ForeignKey("ward_vintage.vintage"), primary_key=True)
    postcode_sector: Mapped[str] = mapped_column(String(6), primary_key=True)
    lsoa_code: Mapped[str] = mapped_column(ForeignKey("lsoa.code"), primary_key=True)
    ward_code: Mapped[str] = mapped_column(String(9))
    postcode_district: Mapped[str] = mapped_column(ForeignKey("postcode_district.code"))
    postcodes: Mapped[int] = mapped_column(Integer)


class Child(Base):
    __tablename__ = "child"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pseudo_id: Mapped[str] = mapped_column(String(16), unique=True)
    source_hash: Mapped[str | None] = mapped_column(
        String(64), unique=True, nullable=True, doc="keyed hash of the source system's child id"
    )
    sex: Mapped[str] = mapped_column(String(8))
    birth_month: Mapped[date | None] = mapped_column(
        Date, nullable=True, doc="first day of the month of birth (never the day itself)"
    )
    ethnicity: Mapped[str] = mapped_column(String(40))


class RiskAssessment(Base):
    """One period at one risk level; a change of level closes one row and opens another."""

    __tablename__ = "risk_assessment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    assessed_on: Mapped[date] = mapped_column(Date)
    risk_level: Mapped[str] = mapped_column(String(12))
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    lsoa_code: Mapped[str] = mapped_column(ForeignKey("lsoa.code"))
    postcode_sector: Mapped[str] = mapped_column(String(6))
    types: Mapped[list[RiskAssessmentType]] = relationship(cascade="all, delete-orphan")
    __table_args__ = (
        Index("ix_risk_assessment_period", "assessed_on", "closed_on"),
        Index("ix_risk_assessment_location", "postcode_sector", "lsoa_code"),
        # The Case list: who is open at a month end, by level, counted and paged from the index.
        Index(
            "ix_risk_assessment_open",
            "risk_level",
            "closed_on",
            "assessed_on",
            "postcode_sector",
            "lsoa_code",
            "child_id",
        ),
    )


class RiskAssessmentType(Base):
    __tablename__ = "risk_assessment_type"
    assessment_id: Mapped[int] = mapped_column(ForeignKey("risk_assessment.id"), primary_key=True)
    exploitation_type: Mapped[str] = mapped_column(String(24), primary_key=True)


class Referral(Base):
    __tablename__ = "referral"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    referred_on: Mapped[date] = mapped_column(Date, index=True)
    referring_agency: Mapped[str] = mapped_column(String(40))
    exploitation_type: Mapped[str] = mapped_column(String(24))
    outcome: Mapped[str] = mapped_column(String(40))
    lsoa_code: Mapped[str] = mapped_column(ForeignKey("lsoa.code"))
    postcode_sector: Mapped[str] = mapped_column(String(6))
    __table_args__ = (Index("ix_referral_location", "postcode_sector", "lsoa_code"),)


class MissingEpisode(Base):
    __tablename__ = "missing_episode"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    returned_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    placement_type: Mapped[str] = mapped_column(String(16))
    return_interview_offered: Mapped[bool] = mapped_column(Boolean)
    return_interview_done: Mapped[bool] = mapped_column(Boolean)
    lsoa_code: Mapped[str] = mapped_column(ForeignKey("lsoa.code"))
    postcode_sector: Mapped[str] = mapped_column(String(6))
    __table_args__ = (Index("ix_missing_episode_location", "postcode_sector", "lsoa_code"),)


class StrategicObjective(Base):
    __tablename__ = "strategic_objective"
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)


class StrategicAction(Base):
    __tablename__ = "strategic_action"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    objective_number: Mapped[int] = mapped_column(ForeignKey("strategic_objective.number"))
    title: Mapped[str] = mapped_column(String(200))
    lead_agency: Mapped[str] = mapped_column(String(60))
    due_on: Mapped[date] = mapped_column(Date)
    __table_args__ = (UniqueConstraint("objective_number", "title"),)


class ActionUpdate(Base):
    """A dated progress report on one action; the latest one on or before a date is its status."""

    __tablename__ = "action_update"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("strategic_action.id"), index=True)
    updated_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))
    progress_pct: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text)


class TimelineEvent(Base):
    """Dates marked on trend charts (Covid-19 lockdown, Philomena Protocol launch…)."""

    __tablename__ = "timeline_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_on: Mapped[date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text)


class DatasetInfo(Base):
    """Key/value facts about what is loaded: whether it is synthetic, and the data-as-of date."""

    __tablename__ = "dataset_info"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class UserRole(Base):
    """Who may see what: one row per user, role and (for Area Committee members) area."""

    __tablename__ = "user_role"
    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    role: Mapped[str] = mapped_column(String(24), primary_key=True)
    area_code: Mapped[str] = mapped_column(
        String(16), primary_key=True, default="", doc="'' for roles without an area"
    )


class AuditEvent(Base):
    """Append-only record of views, filter changes, exports and imports (triggers refuse edits)."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    user_email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(16))
    page: Mapped[str] = mapped_column(String(60))
    parameters: Mapped[str] = mapped_column(Text)


class Population(Base):
    """Children aged 0-17 by LSOA and year: the denominators for rates per 10,000."""

    __tablename__ = "population"
    lsoa_code: Mapped[str] = mapped_column(ForeignKey("lsoa.code"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    children_0_17: Mapped[int] = mapped_column(Integer)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)


class LocationOfConcern(Base):
    """A hot-spot premises or place. Located by postcode (centroid), never an exact address.

    ``version`` increases with every change, so two people editing at once get a conflict
    instead of one silently overwriting the other.
    """

    __tablename__ = "location_of_concern"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    location_type: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(120))
    postcode: Mapped[str] = mapped_column(String(8))
    postcode_sector: Mapped[str] = mapped_column(String(6))
    lsoa_code: Mapped[str] = mapped_column(ForeignKey("lsoa.code"))
    lat: Mapped[float] = mapped_column()
    lon: Mapped[float] = mapped_column()
    status: Mapped[str] = mapped_column(String(12))
    first_reported: Mapped[date] = mapped_column(Date)
    last_reviewed: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)


class LocationChild(Base):
    __tablename__ = "location_child"
    location_id: Mapped[int] = mapped_column(ForeignKey("location_of_concern.id"), primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), primary_key=True)


class DisruptionAction(Base):
    __tablename__ = "disruption_action"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location_of_concern.id"), index=True)
    action_type: Mapped[str] = mapped_column(String(32))
    action_on: Mapped[date] = mapped_column(Date)


class StatusChange(Base):
    """History of a location's status (what 'escalated since the last MACE' is read from)."""

    __tablename__ = "location_status_change"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location_of_concern.id"), index=True)
    changed_on: Mapped[date] = mapped_column(Date)
    old_status: Mapped[str | None] = mapped_column(String(12), nullable=True)
    new_status: Mapped[str] = mapped_column(String(12))
    changed_by: Mapped[str] = mapped_column(String(254))


class BlockedCase(Base):
    """A child's case flagged to MACE because something is stopping progress."""

    __tablename__ = "blocked_case"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    blockage: Mapped[str] = mapped_column(String(200))
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class MaceMeeting(Base):
    __tablename__ = "mace_meeting"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    held_on: Mapped[date] = mapped_column(Date, unique=True)


class AgreedAction(Base):
    """An action agreed at a MACE meeting on a location or a blocked case."""

    __tablename__ = "agreed_action"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("mace_meeting.id"), index=True)
    location_id: Mapped[int | None] = mapped_column(
        ForeignKey("location_of_concern.id"), nullable=True
    )
    blocked_case_id: Mapped[int | None] = mapped_column(
        ForeignKey("blocked_case.id"), nullable=True
    )
    description: Mapped[str] = mapped_column(Text)
    owner_agency: Mapped[str] = mapped_column(String(60))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")
    created_by: Mapped[str] = mapped_column(String(254))


class ReviewNote(Base):
    __tablename__ = "review_note"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    location_id: Mapped[int | None] = mapped_column(
        ForeignKey("location_of_concern.id"), nullable=True, index=True
    )
    blocked_case_id: Mapped[int | None] = mapped_column(
        ForeignKey("blocked_case.id"), nullable=True
    )
    written_at: Mapped[datetime] = mapped_column(DateTime)
    author: Mapped[str] = mapped_column(String(254))
    note: Mapped[str] = mapped_column(Text)


class ImportLog(Base):
    """One committed import: who loaded which file (by name and hash), of which kind, and what
    happened to its rows."""

    __tablename__ = "import_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    user_email: Mapped[str] = mapped_column(String(254))
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    rows_in_file: Mapped[int] = mapped_column(Integer)
    rows_inserted: Mapped[int] = mapped_column(Integer)
    rows_updated: Mapped[int] = mapped_column(Integer)
    rows_unchanged: Mapped[int] = mapped_column(Integer)
    rows_rejected: Mapped[int] = mapped_column(Integer)
    valid_rows_only: Mapped[bool] = mapped_column(Boolean)


class BoundaryLayer(Base):
    """Boundaries loaded at run time (a new ward vintage), stored as simplified GeoJSON."""

    __tablename__ = "boundary_layer"
    level: Mapped[str] = mapped_column(String(16), primary_key=True)
    vintage: Mapped[str] = mapped_column(String(16), primary_key=True)
    geojson: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime] = mapped_column(DateTime)
    source_file: Mapped[str] = mapped_column(String(255))


class PublicRelease(Base):
    """One public release: the fixed set of jointly protected tables the public tier reads."""

    __tablename__ = "public_release"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    release_month: Mapped[date] = mapped_column(Date, doc="first day of the last month covered")
    built_at: Mapped[datetime] = mapped_column(DateTime)
    method: Mapped[str] = mapped_column(String(80))
    parameters: Mapped[str] = mapped_column(Text, doc="JSON: threshold, width, solver figures")


class PublicReleaseCell(Base):
    """One published cell; ``value`` is NULL where hidden (the true value is never stored)."""

    __tablename__ = "public_release_cell"
    release_id: Mapped[int] = mapped_column(ForeignKey("public_release.id"), primary_key=True)
    measure: Mapped[str] = mapped_column(String(32), primary_key=True)
    breakdown: Mapped[str] = mapped_column(String(32), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    geography_level: Mapped[str] = mapped_column(String(16), primary_key=True)
    geography_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    period_start: Mapped[date] = mapped_column(Date, primary_key=True)
    period_end: Mapped[date] = mapped_column(Date, primary_key=True)
    value: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="")


# Education, modern slavery and disrupt-and-prosecute (issue 15). Places are optional: an
# extract gives a postcode (kept as sector and LSOA only) where it has one, and a record without
# one still counts in district totals.


class CmeReferral(Base):
    """A child referred to the local authority as missing education (no child id is kept)."""

    __tablename__ = "cme_referral"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(String(64), unique=True)
    referred_on: Mapped[date] = mapped_column(Date, index=True)
    whereabouts_found: Mapped[bool] = mapped_column(Boolean)
    lsoa_code: Mapped[str | None] = mapped_column(ForeignKey("lsoa.code"), nullable=True)
    postcode_sector: Mapped[str | None] = mapped_column(String(6), nullable=True)


class EheCount(Base):
    """Children registered as electively home educated at a month end, by ward ('' = unknown).

    A count, not a list of children: the register is the LA's, and the history before the
    monthly extracts (yearly January figures from 2016) only exists as counts.
    """

    __tablename__ = "ehe_count"
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    ward_code: Mapped[str] = mapped_column(String(9), primary_key=True, default="")
    registered: Mapped[int] = mapped_column(Integer)


class MshtRecord(Base):
    """One recorded MSHT offence, NRM referral of a child, or intelligence submission."""

    __tablename__ = "msht_record"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(String(64), unique=True)
    measure: Mapped[str] = mapped_column(String(32), index=True)
    recorded_on: Mapped[date] = mapped_column(Date, index=True)
    lsoa_code: Mapped[str | None] = mapped_column(ForeignKey("lsoa.code"), nullable=True)
    postcode_sector: Mapped[str | None] = mapped_column(String(6), nullable=True)


class Investigation(Base):
    """A non-recent CSE investigation (Operation Dalesway), by its police reference."""

    __tablename__ = "investigation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    opened_on: Mapped[date] = mapped_column(Date)


class InvestigationUpdate(Base):
    """Where an investigation stood on a date; the latest on or before a month end is its stage."""

    __tablename__ = "investigation_update"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(String(64), unique=True)
    investigation_id: Mapped[int] = mapped_column(ForeignKey("investigation.id"), index=True)
    updated_on: Mapped[date] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(16))
    cps_lawyer_allocated: Mapped[bool] = mapped_column(Boolean)
    victim_disclosure: Mapped[bool] = mapped_column(Boolean)
    suspects: Mapped[int] = mapped_column(Integer)
    suspects_charged: Mapped[int] = mapped_column(Integer)
    indictments: Mapped[int | None] = mapped_column(Integer, nullable=True)
    victims_engaged: Mapped[int] = mapped_column(Integer)


class DisruptionActivity(Base):
    """An order, notice, arrest, closure or licensing action against exploitation."""

    __tablename__ = "disruption_activity"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(String(64), unique=True)
    activity_type: Mapped[str] = mapped_column(String(16))
    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    lsoa_code: Mapped[str | None] = mapped_column(ForeignKey("lsoa.code"), nullable=True)
    postcode_sector: Mapped[str | None] = mapped_column(String(6), nullable=True)


class ServiceCase(Base):
    """A child taken on by a partnership service (Trusted Relationships, Turnaround, SFAYC,
    Breaking the Cycle). Age, gender and ethnicity are as the service recorded them at the start,
    so its own profile can be compared with the at-risk cohort. Located like every event by
    postcode sector and LSOA; both are empty when the service withholds the address (counted as
    'confidential', never mapped)."""

    __tablename__ = "service_case"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    service: Mapped[str] = mapped_column(String(24))
    delivery: Mapped[str] = mapped_column(String(16))
    provider: Mapped[str] = mapped_column(String(24))
    started_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    age_at_start: Mapped[int] = mapped_column(Integer)
    gender: Mapped[str] = mapped_column(String(8))
    ethnicity: Mapped[str] = mapped_column(String(40))
    lsoa_code: Mapped[str | None] = mapped_column(ForeignKey("lsoa.code"), nullable=True)
    postcode_sector: Mapped[str | None] = mapped_column(String(6), nullable=True)
    __table_args__ = (
        Index("ix_service_case_period", "service", "started_on", "closed_on"),
        Index("ix_service_case_location", "postcode_sector", "lsoa_code"),
    )


class StoreVersion(Base):
    """One row (id 1) whose ``version`` every write bumps in its own transaction (see
    ``data_access/store_version.py``): app servers key their query caches by it, so a change made
    anywhere (another server, the command line) is seen on every server's next rerun."""

    __tablename__ = "store_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    changed_at: Mapped[datetime] = mapped_column(DateTime)


# The monthly aggregates the pages read live in their own module, on the same metadata.
from data_access import aggregate_tables  # noqa: E402, F401
