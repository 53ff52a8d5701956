"""The documented import formats: one per kind of extract, each column with its meaning, type,
allowed values and an example. The data dictionary page, ``docs/data-dictionary.md`` and the
downloadable templates are all generated from these specs, so they cannot drift apart.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from domain.services import DELIVERIES, GENDERS, PROVIDERS, SERVICES
from domain.vocab import (
    EXPLOITATION_TYPES,
    LOCATION_STATUSES,
    LOCATION_TYPES,
    PLACEMENT_TYPES,
    RAG_STATUSES,
    REFERRAL_OUTCOMES,
    REFERRING_AGENCIES,
    RISK_LEVELS,
)


@dataclass(frozen=True)
class Column:
    """One column of an import format."""

    name: str
    kind: (
        str  # text, id, date, datetime, month, code, codes, int, bool, postcode, sector, lsoa, ward
    )
    required: bool
    meaning: str
    example: str
    allowed: tuple[str, ...] = ()
    max_length: int = 200
    future_allowed: bool = False
    # Plausible bounds, checked before anything reaches the store (see ``int_bounds`` and
    # ``date_bounds``). Whole numbers default to what every store can hold (PostgreSQL INTEGER is
    # 32-bit); dates default to 2000-01-01 up to today.
    minimum: int | None = None
    maximum: int | None = None
    earliest: date | None = None
    years_ahead: int = 0  # dates: latest is today + N years; year numbers: this year + N
    max_age_years: int | None = None  # birth months: the child is at most this old today


@dataclass(frozen=True)
class ImportKind:
    name: str
    label: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ("source_id",)
    location_required: bool = True  # False: a row may have no place (counts in district totals)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


SOURCE_ID = Column("source_id", "id", True, "The record's id in the source system: a corrected "
                   "re-extract updates the record with the same id.", "RAM-2026-00123", max_length=64)  # fmt: skip
CHILD_ID = Column("child_id", "id", True, "The child's id in the source system. Replaced by a keyed "
                  "hash on the way in; the id itself is never stored.", "LCS-884213", max_length=64)  # fmt: skip
WHERE = (
    Column("postcode", "postcode", False, "Full postcode where it happened (home address for "
           "children). Turned into postcode sector and LSOA, then dropped. Give this, or both of "
           "the next two columns.", "BD5 0AA", max_length=8),
    Column("postcode_sector", "sector", False, "Postcode sector, if the full postcode is not "
           "available.", "BD5 0", max_length=6),
    Column("lsoa_code", "lsoa", False, "LSOA (2011) code, with the postcode sector.", "E01010620",
           max_length=9),
)  # fmt: skip
CHILD_DETAILS = (
    Column("birth_month", "month", False, "Month and year of birth only (never the day).", "2011-06",
           max_length=10, max_age_years=25),
    Column("sex", "code", False, "Sex as recorded.", "female", ("female", "male", "other", "unknown")),
    Column("ethnicity", "text", False, "Ethnicity as recorded (free text, kept short).",
           "English British", max_length=40),
)  # fmt: skip

KINDS: dict[str, ImportKind] = {
    "referrals": ImportKind(
        "referrals", "Referrals", "Child exploitation referrals received by the Front Door.",
        (
            SOURCE_ID, CHILD_ID,
            Column("referred_on", "date", True, "Date the referral was received.", "2026-10-03"),
            Column("referring_agency", "code", True, "Who referred.", "police", tuple(REFERRING_AGENCIES)),
            Column("exploitation_type", "code", True, "Main concern.", "cce", tuple(EXPLOITATION_TYPES)),
            Column("outcome", "code", True, "What happened next.", "risk_assessment", tuple(REFERRAL_OUTCOMES)),
            *WHERE, *CHILD_DETAILS,
        ),
    ),
    "risk_assessments": ImportKind(
        "risk_assessments", "Risk assessments", "The RAM tracker: one row per period at one risk "
        "level (a change of level closes one row and opens another).",
        (
            SOURCE_ID, CHILD_ID,
            Column("assessed_on", "date", True, "Date the child was assessed at this level.", "2026-09-14"),
            Column("risk_level", "code", True, "Risk level.", "moderate", tuple(RISK_LEVELS)),
            Column("exploitation_types", "codes", True, "One or more types, separated by semicolons.",
                   "cse;missing", tuple(EXPLOITATION_TYPES)),
            Column("closed_on", "date", False, "Date this level ended (blank while open).", ""),
            *WHERE, *CHILD_DETAILS,
        ),
    ),
    "missing_episodes": ImportKind(
        "missing_episodes", "Missing episodes", "Police missing-person records for children.",
        (
            SOURCE_ID, CHILD_ID,
            Column("started_at", "datetime", True, "When the child went missing.", "2026-10-03 21:30"),
            Column("returned_at", "datetime", False, "When they returned (blank if still missing).",
                   "2026-10-04 07:10"),
            Column("placement_type", "code", True, "Where the child lives.", "residential",
                   tuple(PLACEMENT_TYPES)),
            Column("return_interview_offered", "bool", True, "Return home interview offered.", "yes",
                   ("yes", "no")),
            Column("return_interview_done", "bool", True, "Return home interview done.", "no", ("yes", "no")),
            *WHERE,
        ),
    ),
    "locations_of_concern": ImportKind(
        "locations_of_concern", "Locations of concern", "Hot-spot premises and places for MACE.",
        (
            SOURCE_ID,
            Column("location_type", "code", True, "Kind of place.", "takeaway", tuple(LOCATION_TYPES)),
            Column("name", "text", True, "A short label for the place (a business name, or a "
                   "description for a dwelling: never a person's name).", "Takeaway, Leeds Road",
                   max_length=120),
            Column("postcode", "postcode", True, "Postcode of the premises (placed at the postcode's "
                   "centre on the map, never an exact address).", "BD3 9AA", max_length=8),
            Column("first_reported", "date", True, "Date first reported.", "2026-08-21"),
            Column("status", "code", True, "Current status.", "open", tuple(LOCATION_STATUSES)),
        ),
    ),
    "action_updates": ImportKind(
        "action_updates", "Strategic action updates", "Quarterly updates from the action plan.",
        (
            SOURCE_ID,
            Column("objective_number", "int", True, "Strategic objective 1 to 6.", "5",
                   ("1", "2", "3", "4", "5", "6")),
            Column("action", "text", True, "The action, as worded in the plan.",
                   "Licensing laws, Child Abduction Warning Notices, SHPOs and STROs"),
            Column("lead_agency", "text", True, "Lead agency.", "West Yorkshire Police", max_length=60),
            Column("due_on", "date", True, "When the action is due to be complete.", "2027-03-31",
                   future_allowed=True, years_ahead=10),
            Column("updated_on", "date", True, "Date of this update.", "2026-10-12"),
            Column("status", "code", True, "Progress status.", "at_risk", tuple(RAG_STATUSES)),
            Column("progress_pct", "int", True, "Per cent complete, 0 to 100.", "60", minimum=0,
                   maximum=100),
            Column("note", "text", False, "What changed (no names or contact details).",
                   "Licensing visits scheduled for November.", max_length=1000),
        ),
    ),
    "population": ImportKind(
        "population", "Population aged 0-17", "Children aged 0 to 17 by LSOA and year: the "
        "denominators for rates per 10,000.",
        (
            Column("lsoa_code", "lsoa", True, "LSOA (2011) code in Bradford.", "E01010620", max_length=9),
            Column("year", "int", True, "Mid-year estimate year.", "2025", minimum=2001, years_ahead=1),
            Column("children_0_17", "int", True, "Children aged 0 to 17.", "512", minimum=0,
                   maximum=10_000),
        ),
        key=("lsoa_code", "year"),
    ),
    "service_cases": ImportKind(
        "service_cases", "Service cases", "Children taken on by Trusted Relationships, Turnaround, "
        "Supporting Families against Youth Crime or Breaking the Cycle: one row per case (App. F "
        "of the report counts these). Age, gender and ethnicity as the service recorded them.",
        (
            Column("source_id", "id", True, "The case's id in the provider's system: a corrected "
                   "re-extract updates the case with the same id.", "TR-2026-0042", max_length=64),
            CHILD_ID,
            Column("service", "code", True, "Which service.", "trusted_relationships", tuple(SERVICES)),
            Column("delivery", "code", False, "One-to-one (key-worker) casework, or group work "
                   "(Trusted Relationships). Blank means one-to-one.", "one_to_one", tuple(DELIVERIES)),
            Column("provider", "code", False, "Who delivers it (blank: other).", "barnardos",
                   tuple(PROVIDERS)),
            Column("started_on", "date", True, "Date the case was opened (allocated).", "2026-09-14"),
            Column("closed_on", "date", False, "Date the case was closed (blank while open).", ""),
            Column("age", "int", True, "Age in whole years when the case started (0 to 25).", "14"),
            Column("gender", "code", True, "Gender as recorded.", "female", tuple(GENDERS)),
            Column("ethnicity", "text", False, "Ethnicity in the service's own words (blank: "
                   "not recorded).", "English British", max_length=40),
            *WHERE,
            Column("location_withheld", "bool", False, "yes when the service withholds the "
                   "address (the case is counted as 'confidential' and never mapped); leave the "
                   "postcode columns blank then.", "no", ("yes", "no")),
        ),
    ),
}  # fmt: skip

# Education, modern slavery and disrupt-and-prosecute extracts (their own module).
from data_access.imports.formats_measures import MEASURE_KINDS  # noqa: E402

KINDS.update(MEASURE_KINDS)

PERSONAL_COLUMNS = frozenset(
    {
        "first_name", "forename", "forenames", "surname", "last_name", "family_name", "full_name",
        "child_name", "name_of_child", "dob", "date_of_birth", "birth_date", "birthdate",
        "address", "address_1", "address_line_1", "street", "house_number", "nhs_number",
        "upn", "phone", "telephone", "mobile", "email", "e_mail",
    }
)  # fmt: skip


def template_csv(kind: str) -> bytes:
    """A template: the header row and one example row, UTF-8 with a BOM so Excel opens it right."""
    spec = KINDS[kind]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(spec.column_names)
    writer.writerow([c.example for c in spec.columns])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def dictionary_markdown() -> str:
    """The data dictionary for every import kind, as Markdown (docs/data-dictionary.md)."""
    from data_access.imports.bounds import range_text
    from data_access.imports.checks_doc import CHECKS_MARKDOWN

    lines = [
        "# Data dictionary: import formats",
        "",
        "Generated from `data_access/imports/formats.py` (a test keeps this file in step).",
        "Files are CSV (UTF-8, comma or semicolon separated) or Excel `.xlsx` (first sheet).",
        "Dates are written `YYYY-MM-DD` (or `DD/MM/YYYY`); times `YYYY-MM-DD HH:MM`.",
        "Import with `python -m data_access import FILE --kind KIND` or on the Data page.",
        "",
    ]
    for spec in KINDS.values():
        lines += [f"## {spec.label} (`{spec.name}`)", "", spec.description, "",
                  "| Column | Required | Type | Meaning | Allowed values | Range | Example |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
        for c in spec.columns:
            allowed = ", ".join(f"`{a}`" for a in c.allowed) if c.allowed else ""
            lines.append(
                f"| `{c.name}` | {'yes' if c.required else 'no'} | {c.kind} | {c.meaning} | "
                f"{allowed} | {range_text(c)} | {c.example} |"
            )
        lines.append("")
    return "\n".join(lines) + "\n" + CHECKS_MARKDOWN
