"""Import formats for education, modern slavery and disrupt-and-prosecute extracts (issue 15).

Kept apart from the original six kinds; ``formats.KINDS`` takes them in with one line. Places are
optional here ("by ward where the extract has it"): a full postcode is turned into sector and
LSOA and dropped, exactly as for referrals.
"""

from __future__ import annotations

from data_access.imports.formats import SOURCE_ID, WHERE, Column, ImportKind
from domain.measures import DISRUPTION_TYPES, INVESTIGATION_STAGES, MSHT_MEASURES

YES_NO = ("yes", "no")
WARD_CODE = Column("ward_code", "ward", False, "Ward code (2004 wards, E05…); blank if the "
                   "extract has no ward: the count then appears in district totals only.",
                   "E05001346", max_length=9)  # fmt: skip

MEASURE_KINDS: dict[str, ImportKind] = {
    "cme_referrals": ImportKind(
        "cme_referrals", "Children missing education",
        "Referrals to the local authority of children missing education (one row per referral; "
        "no child id, name or date of birth is taken).",
        (
            SOURCE_ID,
            Column("referred_on", "date", True, "Date the referral was received by the LA.", "2020-01-14"),
            Column("whereabouts_found", "bool", True, "Whether the child's whereabouts have been "
                   "established (in education, or moved out of the district).", "yes", YES_NO),
            *WHERE,
        ),
        location_required=False,
    ),
    "ehe_counts": ImportKind(
        "ehe_counts", "Elective home education",
        "Children registered as electively home educated at a month end, by ward where known "
        "(one row per month and ward; blank ward for a district figure with no ward split).",
        (
            Column("month", "month", True, "The month whose last day the count is at (YYYY-MM).", "2020-09"),
            WARD_CODE,
            Column("registered", "int", True, "Children registered as EHE at the month end.", "23",
                   minimum=0, maximum=100_000),
        ),
        key=("month", "ward_code"),
    ),
    "msht_records": ImportKind(
        "msht_records", "Modern slavery and trafficking",
        "Recorded MSHT offences, National Referral Mechanism referrals of children and "
        "partnership-intelligence submissions: one row per record.",
        (
            SOURCE_ID,
            Column("measure", "code", True, "What the record is.", "offences", tuple(MSHT_MEASURES)),
            Column("recorded_on", "date", True, "Date recorded or submitted.", "2019-11-02"),
            *WHERE,
        ),
        location_required=False,
    ),
    "investigation_updates": ImportKind(
        "investigation_updates", "Non-recent CSE investigations",
        "Operation Dalesway: where each investigation stood on a date (one row per update; the "
        "latest update on or before a month end is its stage then). Case-level detail is seen "
        "by MACE members only.",
        (
            SOURCE_ID,
            Column("reference", "id", True, "The investigation's police reference.", "DW-2019-014", max_length=64),
            Column("opened_on", "date", True, "Date the investigation was opened.", "2019-03-04"),
            Column("updated_on", "date", True, "Date of this update.", "2020-09-21"),
            Column("stage", "code", True, "Stage at this date.", "live", tuple(INVESTIGATION_STAGES)),
            Column("cps_lawyer_allocated", "bool", True, "A CPS complex-case lawyer is allocated.", "no", YES_NO),
            Column("victim_disclosure", "bool", True, "Victims are still at the disclosure stage "
                   "(live investigations only).", "yes", YES_NO),
            Column("suspects", "int", True, "Suspects identified.", "3", minimum=0, maximum=1_000),
            Column("suspects_charged", "int", True, "Of those, suspects charged.", "0", minimum=0,
                   maximum=1_000),
            Column("indictments", "int", False, "Indictments (counts on the indictment) in all; "
                   "blank if not yet known.", "", minimum=0, maximum=10_000),
            Column("victims_engaged", "int", True, "Victims engaged with the investigation.", "2",
                   minimum=0, maximum=1_000),
        ),
    ),
    "disruption_activity": ImportKind(
        "disruption_activity", "Disruption activity",
        "Orders, notices, arrests, closures of locations of concern and licensing actions "
        "(one row per activity).",
        (
            SOURCE_ID,
            Column("activity_type", "code", True, "What was done.", "cawn", tuple(DISRUPTION_TYPES)),
            Column("occurred_on", "date", True, "Date served, made or carried out.", "2020-08-17"),
            *WHERE,
        ),
        location_required=False,
    ),
}  # fmt: skip
