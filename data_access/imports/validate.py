"""Step 2, validating: every cell against its column's rules and every row against the kind's
rules, reported in plain English. Never writes."""

from __future__ import annotations

import difflib
import hashlib
import re
from datetime import date, datetime, timedelta

from data_access.imports.formats import KINDS, PERSONAL_COLUMNS, ImportKind
from data_access.imports.personal import LOOKS_PERSONAL
from data_access.imports.read import read_table
from data_access.imports.report import ImportRefused, Problem, Report
from data_access.imports.service_rules import service_case_rules
from data_access.reference import known_places, postcode_record

POSTCODE_RE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$")
SECTOR_RE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d$")


def normalise_header(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower().lstrip("\ufeff")).strip("_")


def validate(data: bytes, file_name: str, kind: str, today: date | None = None) -> Report:
    """Check every cell; return what could be committed and every problem in plain English."""
    if kind not in KINDS:
        raise ImportRefused(f"Unknown kind '{kind}': choose one of {', '.join(KINDS)}.")
    spec = KINDS[kind]
    report = Report(kind, file_name, hashlib.sha256(data).hexdigest())
    try:
        header, rows, notes = read_table(data, file_name)
    except ImportRefused as error:
        report.problems.append(Problem(None, None, "", str(error)))
        return report
    report.notes += notes
    report.rows_in_file = len(rows)
    columns = [normalise_header(h) for h in header]
    if not _check_header(spec, columns, header, report):
        return report
    today = today or date.today()
    seen_keys: dict[tuple, int] = {}
    for offset, raw in enumerate(rows):
        number = offset + 2
        values = {col: (raw[i].strip() if i < len(raw) else "") for i, col in enumerate(columns)}
        row_problems: list[Problem] = []
        clean = _validate_row(spec, values, number, today, row_problems)
        if not row_problems:
            key = tuple(clean[k] for k in spec.key)
            if key in seen_keys:
                row_problems.append(Problem(number, spec.key[0], str(key[0]),
                    f"Duplicate of row {seen_keys[key]}: the same {' and '.join(spec.key)} appears twice in this file."))  # fmt: skip
            else:
                seen_keys[key] = number
        if row_problems:
            report.problems += row_problems
        else:
            clean["_row"] = number
            report.valid_rows.append(clean)
    return report


def _check_header(spec: ImportKind, columns: list[str], header: list[str], report: Report) -> bool:
    ok = True
    for original, column in zip(header, columns, strict=True):
        if column in PERSONAL_COLUMNS:
            report.problems.append(Problem(None, original, "", f"Column '{original}' looks like "
                "personal data (names, dates of birth, addresses and contact details are never "
                "stored). Remove the column and import again."))  # fmt: skip
            ok = False
    expected = spec.column_names
    for column, original in zip(columns, header, strict=True):
        if column not in expected and column not in PERSONAL_COLUMNS:
            guess = difflib.get_close_matches(column, expected, n=1)
            hint = (
                f" Did you mean '{guess[0]}'?"
                if guess
                else f" Expected columns: {', '.join(expected)}."
            )
            report.problems.append(
                Problem(None, original, "", f"Unexpected column '{original}'.{hint}")
            )
            ok = False
    for c in spec.columns:
        if c.required and c.name not in columns:
            guess = difflib.get_close_matches(c.name, columns, n=1)
            hint = f" A column '{guess[0]}' is there: rename it to '{c.name}'." if guess else ""
            report.problems.append(
                Problem(None, c.name, "", f"Required column '{c.name}' is missing.{hint}")
            )
            ok = False
    if len(set(columns)) != len(columns):
        report.problems.append(Problem(None, None, "", "Two columns have the same name."))
        ok = False
    return ok


def _validate_row(spec: ImportKind, values: dict[str, str], number: int, today: date,
                  problems: list[Problem]) -> dict:  # fmt: skip
    clean: dict = {}
    for c in spec.columns:
        raw = values.get(c.name, "")
        if not raw:
            if c.required:
                problems.append(
                    Problem(number, c.name, raw, f"'{c.name}' is required and is empty.")
                )
            clean[c.name] = None
            continue
        try:
            clean[c.name] = _parse(c, raw, today)
        except ValueError as error:
            problems.append(Problem(number, c.name, raw, str(error)))
    if problems:
        return clean
    _row_rules(spec, clean, number, today, problems)
    return clean


def _parse(c, raw: str, today: date):  # noqa: ANN001, ANN202, C901 - one branch per column type
    if len(raw) > c.max_length:
        raise ValueError(
            f"Too long: {len(raw):,} characters where at most {c.max_length} are allowed."
        )
    if c.kind in ("text", "id"):
        for pattern, what in LOOKS_PERSONAL:
            if c.kind == "text" and pattern.search(raw):
                raise ValueError(f"This looks like personal data ({what}); leave it out.")
        return raw
    if c.kind == "code":
        value = raw.strip().lower().replace(" ", "_")
        if value not in c.allowed:
            raise ValueError(
                f"'{raw}' is not an allowed value. Use one of: {', '.join(c.allowed)}."
            )
        return value
    if c.kind == "codes":
        values = [v.strip().lower().replace(" ", "_") for v in re.split(r"[;,]", raw) if v.strip()]
        unknown = [v for v in values if v not in c.allowed]
        if unknown or not values:
            raise ValueError(
                f"Unknown type(s) {', '.join(unknown) or raw}. Use: {', '.join(c.allowed)}."
            )
        return sorted(set(values))
    if c.kind == "bool":
        value = raw.strip().lower()
        if value in ("yes", "y", "true", "1"):
            return True
        if value in ("no", "n", "false", "0"):
            return False
        raise ValueError(f"'{raw}' should be yes or no.")
    if c.kind == "int":
        try:
            value = int(raw.replace(",", ""))
        except ValueError:
            raise ValueError(f"'{raw}' is not a whole number.") from None
        if c.allowed and str(value) not in c.allowed:
            raise ValueError(f"'{raw}' is not allowed here; use one of {', '.join(c.allowed)}.")
        return value
    if c.kind == "month":
        if not re.fullmatch(r"\d{4}-\d{2}", raw):
            raise ValueError("Give the month and year only (YYYY-MM): a full date of birth is "
                             "personal data and is not stored.")  # fmt: skip
        year, month = int(raw[:4]), int(raw[5:])
        if not 1 <= month <= 12:
            raise ValueError(f"'{raw}' is not a month.")
        return date(year, month, 1)
    if c.kind in ("date", "datetime"):
        value = parse_when(raw, c.kind == "datetime")
        if (
            not c.future_allowed
            and (value.date() if isinstance(value, datetime) else value) > today
        ):
            raise ValueError(f"{raw} is in the future.")
        return value
    if c.kind == "postcode":
        value = " ".join(raw.upper().split())
        if not POSTCODE_RE.match(value):
            raise ValueError(f"'{raw}' is not a postcode.")
        if postcode_record(value) is None:
            raise ValueError(f"'{raw}' is not a postcode in Bradford District.")
        return postcode_record(value)["postcode"]
    if c.kind == "sector":
        value = " ".join(raw.upper().split())
        if not SECTOR_RE.match(value):
            raise ValueError(f"'{raw}' is not a postcode sector (like 'BD5 0').")
        return value
    if c.kind == "lsoa":
        value = raw.strip().upper()
        if not re.fullmatch(r"E0\d{7}", value):
            raise ValueError(f"'{raw}' is not an LSOA code (like 'E01010620').")
        return value
    raise ValueError(f"unknown column type {c.kind}")


def parse_when(raw: str, with_time: bool) -> date | datetime:
    """ISO dates, or UK day/month/year. Refuses US month/day order and Excel serial numbers."""
    text = raw.strip()
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        serial = date(1899, 12, 30) + timedelta(days=int(float(text)))
        raise ValueError(f"'{raw}' looks like an Excel date number ({serial:%-d %b %Y}?). Format the "
                         "column as a date, or write it as YYYY-MM-DD.")  # fmt: skip
    time_part = ""
    match = re.fullmatch(r"(\S+)(?:[ T](\d{1,2}:\d{2}(?::\d{2})?))?", text)
    if not match:
        raise ValueError(f"'{raw}' is not a date (write YYYY-MM-DD).")
    day_part, time_part = match.group(1), match.group(2) or ""
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", day_part)
    uk = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", day_part)
    try:
        if iso:
            day = date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        elif uk:
            first, second = int(uk.group(1)), int(uk.group(2))
            if second > 12:
                raise ValueError(f"'{raw}' reads as month/day/year (US order). Write dates as "
                                 "YYYY-MM-DD or day/month/year.")  # fmt: skip
            day = date(int(uk.group(3)), second, first)
        else:
            raise ValueError(f"'{raw}' is not a date (write YYYY-MM-DD).")
    except ValueError as error:
        if "US order" in str(error) or "not a date" in str(error):
            raise
        raise ValueError(f"'{raw}' is not a real date.") from None
    if not with_time:
        if time_part:
            raise ValueError(f"'{raw}' has a time; give the date only.")
        return day
    hours, minutes = (int(p) for p in (time_part or "00:00").split(":")[:2])
    if hours > 23 or minutes > 59:
        raise ValueError(f"'{raw}' has an impossible time.")
    return datetime.combine(day, datetime.min.time()).replace(hour=hours, minute=minutes)


def _row_rules(
    spec: ImportKind, clean: dict, number: int, today: date, problems: list[Problem]
) -> None:
    if spec.name == "service_cases" and not service_case_rules(clean, number, problems):
        return  # the address is withheld: no place to check
    if "postcode_sector" in spec.column_names and spec.name != "locations_of_concern":
        if clean.get("postcode"):
            record = postcode_record(clean["postcode"])
            clean["postcode_sector"], clean["lsoa_code"] = record["sector"], record["lsoa_code"]
        elif not (clean.get("postcode_sector") and clean.get("lsoa_code")):
            problems.append(Problem(number, "postcode", "", "Give the postcode, or both the postcode "
                                    "sector and the LSOA code."))  # fmt: skip
        elif (clean["postcode_sector"], clean["lsoa_code"]) not in known_places()[0]:
            problems.append(Problem(number, "lsoa_code", f"{clean['postcode_sector']} / {clean['lsoa_code']}",
                                    "This postcode sector and LSOA are not a place in Bradford District."))  # fmt: skip
        clean.pop("postcode", None)  # the full postcode is never stored for events
    pairs = {
        "risk_assessments": ("assessed_on", "closed_on"),
        "missing_episodes": ("started_at", "returned_at"),
    }
    if spec.name in pairs:
        start, end = pairs[spec.name]
        if clean.get(end) and clean[end] < clean[start]:
            problems.append(Problem(number, end, str(clean[end]),
                                    f"'{end}' is before '{start}' ({clean[start]}).") )  # fmt: skip
    if spec.name == "action_updates" and not 0 <= clean["progress_pct"] <= 100:
        problems.append(
            Problem(
                number, "progress_pct", str(clean["progress_pct"]), "Per cent must be 0 to 100."
            )
        )
    if spec.name == "population" and clean["lsoa_code"] not in known_places()[1]:
        problems.append(
            Problem(number, "lsoa_code", clean["lsoa_code"], "Not an LSOA in Bradford District.")
        )
    if spec.name == "population" and clean["children_0_17"] < 0:
        problems.append(
            Problem(number, "children_0_17", str(clean["children_0_17"]), "Cannot be negative.")
        )
