"""Step 2, validating: every cell against its column's rules and every row against the kind's
rules, reported in plain English. Never writes."""

from __future__ import annotations

import difflib
import hashlib
import re
from datetime import date, datetime, timedelta

from data_access.imports.bounds import date_bounds, int_bounds
from data_access.imports.formats import KINDS, PERSONAL_COLUMNS, ImportKind
from data_access.imports.personal import personal_data_in
from data_access.imports.read import read_table
from data_access.imports.report import ImportRefused, Problem, Report
from data_access.imports.service_rules import service_case_rules
from data_access.imports.validate_measures import MEASURE_ROW_RULES, parse_ward
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
        table = read_table(data, file_name)
    except ImportRefused as error:
        report.problems.append(Problem(None, None, "", str(error)))
        return report
    header = table.header
    report.notes += table.notes
    report.rows_in_file = len(table.rows)
    columns = [normalise_header(h) for h in header]
    if not _check_header(spec, columns, header, report):
        return report
    today = today or date.today()
    seen_keys: dict[tuple, int] = {}
    for index, number in enumerate(table.row_numbers):
        raw, table.rows[index] = table.rows[index], []  # free each row once read: bounded memory
        if len(raw) > len(columns) and any(cell.strip() for cell in raw[len(columns) :]):
            report.problems.append(_extra_cells(number, raw, len(columns)))
            continue
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


def _extra_cells(number: int, raw: list[str], width: int) -> Problem:
    extra = [cell for cell in raw[width:] if cell.strip()]
    return Problem(number, None, extra[0][:60], f"Row {number:,} has {len(raw):,} cells but the "
                   f"header has {width:,} columns, so its values cannot be matched to columns. A "
                   "value with a comma in it needs double quotes around it (\"Leeds Road, BD3\"); "
                   "otherwise remove the extra cells.")  # fmt: skip


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
    for name in dict.fromkeys(c for c in columns if columns.count(c) > 1):
        places = [_column_letter(i) for i, c in enumerate(columns) if c == name]
        report.problems.append(Problem(None, name, "", f"Column '{name}' appears "
            f"{'twice' if len(places) == 2 else f'{len(places)} times'} (columns {' and '.join(places)}). Keep one and remove the others."))  # fmt: skip
        ok = False
    return ok


class LooksPersonal(ValueError):
    """A free-text cell refused as personal data: its value is not repeated in the report."""


def _shown(raw: str, error: ValueError) -> str:
    """The value as the report shows it: personal data withheld, long cells shortened (a report
    is shown on screen, printed by the CLI and can be downloaded)."""
    if isinstance(error, LooksPersonal):
        return "(withheld: looks like personal data)"
    return raw if len(raw) <= 100 else f"{raw[:60]}… ({len(raw):,} characters)"


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


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
            problems.append(Problem(number, c.name, _shown(raw, error), str(error)))
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
        if c.kind == "text" and (what := personal_data_in(raw)):
            raise LooksPersonal(f"This looks like personal data ({what}); leave it out.")
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
        if not re.fullmatch(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)", raw.strip(), re.ASCII):
            raise ValueError(f"'{raw}' is not a whole number.")
        value = int(raw.replace(",", ""))
        if c.allowed and str(value) not in c.allowed:
            raise ValueError(f"'{raw}' is not allowed here; use one of {', '.join(c.allowed)}.")
        low, high = int_bounds(c, today)
        if not low <= value <= high:
            shown = "{}" if c.years_ahead else "{:,}"
            raise ValueError(f"{shown.format(value)} is outside the range this column allows "
                             f"({shown.format(low)} to {shown.format(high)}). Check the value.")  # fmt: skip
        return value
    if c.kind == "month":
        if not re.fullmatch(r"\d{4}-\d{2}", raw):
            raise ValueError("Give the month and year only (YYYY-MM): a full date of birth is "
                             "personal data and is not stored.")  # fmt: skip
        year, month = int(raw[:4]), int(raw[5:])
        if not 1 <= month <= 12 or year < 1:
            raise ValueError(f"'{raw}' is not a month.")
        value = date(year, month, 1)
        earliest, latest = date_bounds(c, today)
        if value > latest:
            raise ValueError(f"{raw} is in the future.")
        if value < earliest:
            raise ValueError(f"{raw} would make the child older than {c.max_age_years} today "
                             f"(the earliest allowed is {earliest:%Y-%m}). Check the value.")  # fmt: skip
        return value
    if c.kind in ("date", "datetime"):
        value = parse_when(raw, c.kind == "datetime")
        day = value.date() if isinstance(value, datetime) else value
        earliest, latest = date_bounds(c, today)
        if day > latest:
            raise ValueError(f"{raw} is in the future." if latest == today else
                             f"{raw} is later than {latest:%-d %B %Y}, the latest allowed here.")  # fmt: skip
        if day < earliest:
            raise ValueError(f"{raw} is before {earliest:%-d %B %Y}, the earliest date allowed "
                             "here. Check the value.")  # fmt: skip
        return value
    if c.kind == "postcode":
        value = " ".join(raw.upper().split())
        if not POSTCODE_RE.match(value):
            raise ValueError(f"'{raw}' is not a postcode.")
        record = postcode_record(value)
        if record is None:
            raise ValueError(f"'{raw}' is not a postcode in Bradford District.")
        return record["postcode"]
    if c.kind == "sector":
        value = " ".join(raw.upper().split())
        if not SECTOR_RE.match(value):
            raise ValueError(f"'{raw}' is not a postcode sector (like 'BD5 0').")
        return value
    if c.kind == "ward":
        return parse_ward(raw)
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
        elif not (spec.location_required or clean.get("postcode_sector") or clean.get("lsoa_code")):
            pass  # no place given, and none needed: the row counts in district totals only
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
    if spec.name == "population" and clean["lsoa_code"] not in known_places()[1]:
        problems.append(
            Problem(number, "lsoa_code", clean["lsoa_code"], "Not an LSOA in Bradford District.")
        )
    if spec.name in MEASURE_ROW_RULES:
        MEASURE_ROW_RULES[spec.name](clean, number, problems)
