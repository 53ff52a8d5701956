"""Synthetic MACE data for the demo: denominators, locations of concern, meetings, blocked cases
and agreed actions. Invented, deterministic, and plausible in shape (never real premises)."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import numpy as np
from sqlalchemy import Connection, insert

from data_access import models as m
from data_access.reference import GEO_ASSETS
from domain.months import add_months, months_between
from domain.vocab import AGENCIES, LOCATION_TYPES

DISRUPTION_TYPES = (
    "Licensing visit",
    "Child Abduction Warning Notice",
    "Closure order",
    "Police patrol plan",
    "Test purchase / street outreach",
    "Partnership premises visit",
)
BLOCKAGES = (
    "Awaiting CAMHS assessment",
    "No suitable placement available",
    "Out-of-area placement: cross-border agreement needed",
    "Education placement refused",
    "Young person not engaging; no trusted adult yet",
    "Disclosure made but no police statement",
    "Housing for family needed to move away from risk",
)


def postcode_points(districts: dict[str, float]) -> dict[str, list[dict]]:
    """Postcodes with centroid coordinates, grouped by district (only those asked for)."""
    grouped: dict[str, list[dict]] = {d: [] for d in districts}
    with open(GEO_ASSETS / "postcode_lookup.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["district"] in grouped:
                grouped[row["district"]].append(row)
    return grouped


def mace_meeting_dates(first: date, last: date) -> list[date]:
    """The second Tuesday of each month from ``first`` to ``last``."""
    dates = []
    for month in months_between(first, last):
        first_tuesday = month + timedelta(days=(1 - month.weekday()) % 7)
        held = first_tuesday + timedelta(days=7)
        if held <= last:
            dates.append(held)
    return dates


def load_mace_demo(
    connection: Connection,
    rng: np.random.Generator,
    lsoa_codes: list[str],
    district_weights: dict[str, float],
    children_at_risk: list[int],
    as_of: date,
) -> dict[str, int]:
    """Insert the MACE demo tables; returns row counts."""
    population = []
    for code in lsoa_codes:
        base = int(np.clip(rng.normal(470, 130), 160, 950))
        for year in range(2019, as_of.year + 1):
            population.append(
                {"lsoa_code": code, "year": year, "is_synthetic": True,
                 "children_0_17": int(base * (1 + 0.006 * (year - 2019)))}
            )  # fmt: skip
    connection.execute(insert(m.Population), population)

    meetings = mace_meeting_dates(add_months(as_of.replace(day=1), -23), as_of)
    connection.execute(
        insert(m.MaceMeeting), [{"id": i + 1, "held_on": d} for i, d in enumerate(meetings)]
    )

    points = postcode_points(district_weights)
    districts = list(district_weights)
    weights = np.array([district_weights[d] for d in districts], dtype=float)
    type_codes = list(LOCATION_TYPES)
    type_weights = np.array([LOCATION_TYPES[t][1] for t in type_codes], dtype=float)
    locations, links, disruptions, changes = [], [], [], []
    first_window = add_months(as_of.replace(day=1), -26)
    span = (as_of - first_window).days
    for location_id in range(1, 65):
        district = districts[int(rng.choice(len(districts), p=weights / weights.sum()))]
        point = points[district][int(rng.integers(0, len(points[district])))]
        kind = type_codes[int(rng.choice(len(type_codes), p=type_weights / type_weights.sum()))]
        reported = first_window + timedelta(days=int(rng.integers(0, span)))
        status = str(rng.choice(["open", "monitoring", "closed"], p=[0.45, 0.35, 0.2]))
        if (as_of - reported).days < 60:
            status = "open"
        reviewed = max([d for d in meetings if d >= reported] or [reported])
        locations.append(
            {
                "id": location_id,
                "location_type": kind,
                "name": f"{LOCATION_TYPES[kind][0]} L-{location_id:03d}",
                "postcode": point["postcode"],
                "postcode_sector": point["sector"],
                "lsoa_code": point["lsoa_code"],
                "lat": float(point["lat"]),
                "lon": float(point["lon"]),
                "status": status,
                "first_reported": reported,
                "last_reviewed": reviewed,
                "version": 1,
            }
        )
        changes.append({"location_id": location_id, "changed_on": reported, "old_status": None,
                        "new_status": "open", "changed_by": "demo"})  # fmt: skip
        if status != "open":
            changed = reported + timedelta(
                days=int(rng.integers(20, max(21, (as_of - reported).days)))
            )
            changes.append({"location_id": location_id, "changed_on": min(changed, as_of),
                            "old_status": "open", "new_status": status, "changed_by": "demo"})  # fmt: skip
        for child in rng.choice(children_at_risk, size=int(rng.integers(0, 7)), replace=False):
            links.append({"location_id": location_id, "child_id": int(child)})
        for _ in range(int(rng.integers(0, 4))):
            disruptions.append(
                {"location_id": location_id,
                 "action_type": DISRUPTION_TYPES[int(rng.integers(0, len(DISRUPTION_TYPES)))],
                 "action_on": min(as_of, reported + timedelta(days=int(rng.integers(7, 200))))}
            )  # fmt: skip
    connection.execute(insert(m.LocationOfConcern), locations)
    connection.execute(insert(m.StatusChange), changes)
    if links:
        connection.execute(insert(m.LocationChild), links)
    if disruptions:
        connection.execute(insert(m.DisruptionAction), disruptions)

    cases = []
    for month in months_between(add_months(as_of.replace(day=1), -24), as_of):
        for _ in range(int(rng.integers(0, 4))):
            opened = month + timedelta(days=int(rng.integers(0, 27)))
            duration = int(rng.integers(20, 160))
            closed = opened + timedelta(days=duration)
            cases.append(
                {"id": len(cases) + 1,
                 "child_id": int(children_at_risk[int(rng.integers(0, len(children_at_risk)))]),
                 "blockage": BLOCKAGES[int(rng.integers(0, len(BLOCKAGES)))],
                 "opened_on": opened, "closed_on": closed if closed <= as_of else None,
                 "version": 1}
            )  # fmt: skip
    connection.execute(insert(m.BlockedCase), cases)

    actions = []
    for index, held in enumerate(meetings, start=1):
        open_locations = [loc["id"] for loc in locations if loc["first_reported"] <= held]
        open_cases = [c["id"] for c in cases if c["opened_on"] <= held
                      and (c["closed_on"] is None or c["closed_on"] > held)]  # fmt: skip
        for _ in range(int(rng.integers(3, 7))):
            on_location = bool(open_locations) and (not open_cases or rng.random() < 0.6)
            due = held + timedelta(days=int(rng.integers(14, 43)))
            done = due < as_of and rng.random() < 0.75
            actions.append(
                {"meeting_id": index,
                 "location_id": int(rng.choice(open_locations)) if on_location else None,
                 "blocked_case_id": None if on_location or not open_cases
                 else int(rng.choice(open_cases)),
                 "description": str(rng.choice([
                     "Joint licensing and police visit", "Share intelligence with neighbouring force",
                     "Strategy meeting for the child", "Escalate to senior manager",
                     "Safety plan review with carers", "Request CAMHS fast-track",
                     "Disruption plan: patrols at peak times"])),
                 "owner_agency": AGENCIES[int(rng.integers(0, len(AGENCIES)))],
                 "due_on": due, "status": "done" if done else "open", "created_by": "demo"}
            )  # fmt: skip
    actions = [a for a in actions if a["location_id"] or a["blocked_case_id"]]
    connection.execute(insert(m.AgreedAction), actions)
    return {
        "population": len(population),
        "mace_meeting": len(meetings),
        "location_of_concern": len(locations),
        "blocked_case": len(cases),
        "agreed_action": len(actions),
    }
