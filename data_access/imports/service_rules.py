"""Row rules for the ``service_cases`` import kind, beyond each cell's own checks."""

from __future__ import annotations

from data_access.imports.report import Problem

LOCATION_COLUMNS = ("postcode", "postcode_sector", "lsoa_code")


def service_case_rules(clean: dict, number: int, problems: list[Problem]) -> bool:
    """Check a service case row; fill the defaults (one-to-one, other provider, 'Not recorded').

    Returns False when the address is withheld, so the caller skips the postcode checks; a
    withheld address with a postcode given is refused rather than half-kept.
    """
    if not 0 <= clean["age"] <= 25:
        problems.append(Problem(number, "age", str(clean["age"]),
                                "Age must be a whole number of years from 0 to 25."))  # fmt: skip
    if clean.get("closed_on") and clean["closed_on"] < clean["started_on"]:
        problems.append(Problem(number, "closed_on", str(clean["closed_on"]),
                                f"'closed_on' is before 'started_on' ({clean['started_on']})."))  # fmt: skip
    clean["delivery"] = clean.get("delivery") or "one_to_one"
    clean["provider"] = clean.get("provider") or "other"
    clean["ethnicity"] = clean.get("ethnicity") or "Not recorded"
    if not clean.get("location_withheld"):
        return True
    given = [c for c in LOCATION_COLUMNS if clean.get(c)]
    if given:
        problems.append(Problem(number, given[0], str(clean[given[0]]),
                                "'location_withheld' is yes, so leave the postcode columns blank "
                                "(the address of a withheld case is never stored)."))  # fmt: skip
    clean.pop("postcode", None)
    clean["postcode_sector"] = clean["lsoa_code"] = None
    return False
