"""Row rules for the education, modern slavery and investigation extracts (issue 15).

``validate`` calls :data:`MEASURE_ROW_RULES` after a row's cells have passed; each rule adds a
plain-English problem naming the row and column, and never writes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from data_access.imports.report import Problem
from data_access.reference import _features


@lru_cache(maxsize=1)
def known_ward_codes() -> frozenset[str]:
    """The district's 2004 ward codes (the ward set extracts are keyed to)."""
    return frozenset(p["code"] for p in _features("wards-2004.geojson"))


def parse_ward(raw: str) -> str:
    """A Bradford ward code, upper-cased; anything else is refused with the reason."""
    value = raw.strip().upper()
    if value not in known_ward_codes():
        raise ValueError(f"'{raw}' is not a Bradford ward code (2004 wards, like 'E05001346').")
    return value


def _ehe_rules(clean: dict, number: int, problems: list[Problem]) -> None:  # noqa: ARG001
    """A blank ward is stored as '' (the count is the district's, with no ward split)."""
    clean["ward_code"] = clean.get("ward_code") or ""


def _investigation_rules(clean: dict, number: int, problems: list[Problem]) -> None:
    """Dates in order, no more charged than suspects, stages that match their flags (the counts
    themselves are range-checked per column)."""
    if clean["updated_on"] < clean["opened_on"]:
        problems.append(Problem(number, "updated_on", str(clean["updated_on"]),
                                f"'updated_on' is before 'opened_on' ({clean['opened_on']})."))  # fmt: skip
    if clean["suspects_charged"] > clean["suspects"]:
        problems.append(Problem(number, "suspects_charged", str(clean["suspects_charged"]),
                                f"More suspects charged than suspects ({clean['suspects']})."))  # fmt: skip
    if clean["stage"] in ("charged", "pending_trial") and clean["suspects_charged"] == 0:
        problems.append(Problem(number, "suspects_charged", "0",
                                f"A case at stage '{clean['stage']}' has at least one suspect charged."))  # fmt: skip
    if clean["victim_disclosure"] and clean["stage"] != "live":
        problems.append(Problem(number, "victim_disclosure", "yes", "Only a live investigation "
                                "can be at the victim-disclosure stage."))  # fmt: skip


MEASURE_ROW_RULES: dict[str, Callable[[dict, int, list[Problem]], None]] = {
    "ehe_counts": _ehe_rules,
    "investigation_updates": _investigation_rules,
}
