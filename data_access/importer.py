"""Importing the partnership's extracts: read the file, validate every row, reduce personal data,
then commit in one transaction (all or nothing), idempotently, with an import log entry.

``validate()`` never writes. ``commit()`` refuses a report with problems unless the caller asks,
explicitly, to commit only the valid rows.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import hmac
import io
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from data_access import audit
from data_access import models as m
from data_access.import_formats import KINDS, PERSONAL_COLUMNS, ImportKind
from data_access.reference import ensure_reference, known_places, postcode_record

MAX_BYTES = 50 * 1024 * 1024
PSEUDONYM_KEY_ENV = "DASHBOARD_PSEUDONYM_KEY"
POSTCODE_RE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$")
SECTOR_RE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d$")
LOOKS_PERSONAL = (
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"), "an e-mail address"),
    (re.compile(r"(?:\+44\s?7\d{3}|\b07\d{3})\s?\d{3}\s?\d{3}\b"), "a phone number"),
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b"), "a full postcode"),
    (re.compile(r"\b(?:d\.?o\.?b\.?|born on)\b", re.IGNORECASE), "a date of birth"),
    (re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Master)\.? [A-Z][a-z]+", re.UNICODE), "a person's name"),
)
FORMULA_START = ("=", "+", "-", "@")


class ImportRefused(ValueError):
    """The whole file cannot be used (wrong encoding, empty, too big…): nothing was changed."""


@dataclass
class Problem:
    row: int | None  # row number in the file (the header is row 1); None for the whole file
    column: str | None
    value: str
    reason: str


@dataclass
class Report:
    kind: str
    file_name: str
    sha256: str
    rows_in_file: int = 0
    valid_rows: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def file_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.row is None]

    @property
    def rejected_rows(self) -> int:
        return len({p.row for p in self.problems if p.row is not None})

    @property
    def clean(self) -> bool:
        return not self.problems


@dataclass
class CommitResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0


# ------------------------------------------------------------------------------ reading


def read_table(data: bytes, file_name: str) -> tuple[list[str], list[list[str]], list[str]]:
    """Header, rows (as text) and notes on how the file was read. Raises ImportRefused."""
    if len(data) > MAX_BYTES:
        raise ImportRefused(
            f"The file is {len(data) / 1024 / 1024:,.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB. "
            "Split the extract (for example by month) and import each part."
        )
    if not data.strip(b"\xef\xbb\xbf\xff\xfe \r\n\t"):
        raise ImportRefused("The file is empty.")
    notes: list[str] = []
    if data[:2] == b"PK":
        rows = _read_xlsx(data)
        notes.append("Read as an Excel workbook (first sheet).")
    else:
        text = _decode(data, notes)
        sample = text[:65536]
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
        if delimiter != ",":
            notes.append(
                f"Columns are separated by '{delimiter}' rather than commas: read accordingly."
            )
        rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise ImportRefused("The file is empty.")
    header, body = rows[0], rows[1:]
    if not body:
        raise ImportRefused("The file has a header row but no data rows.")
    return header, body, notes


def _decode(data: bytes, notes: list[str]) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        notes.append("Read as UTF-8 (the file starts with a byte-order mark, as Excel writes it).")
        return data[3:].decode("utf-8")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        notes.append("Read as UTF-16 (Excel's 'Unicode text' format).")
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        snippet = data[max(0, error.start - 20) : error.start + 10].decode("latin-1")
        raise ImportRefused(
            f"The file is not UTF-8: byte {error.start + 1:,} cannot be read (near '{snippet}'). It "
            "was probably saved as Latin-1/Windows-1252. In Excel choose 'Save as: CSV UTF-8', then "
            "import again."
        ) from None


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable workbook gets the same answer
        raise ImportRefused(f"The Excel file cannot be read ({type(error).__name__}).") from None
    sheet = workbook.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        rows.append([_cell_text(v) for v in values])
    workbook.close()
    return rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M")
            if (value.hour or value.minute)
            else value.strftime("%Y-%m-%d")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ------------------------------------------------------------------------------ validating


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


# ------------------------------------------------------------------------------ committing


def pseudonymise(source_child_id: str) -> str:
    """Keyed hash (HMAC-SHA256) of a source-system child id; the key never lives in git."""
    key = os.environ.get(PSEUDONYM_KEY_ENV, "")
    if len(key) < 16:
        raise ImportRefused(
            f"{PSEUDONYM_KEY_ENV} is not set (or shorter than 16 characters): child ids cannot be "
            "pseudonymised, so nothing was imported. Ask the data manager for the key."
        )
    return hmac.new(key.encode(), source_child_id.strip().encode(), hashlib.sha256).hexdigest()


def commit(engine: Engine, report: Report, user_email: str, valid_rows_only: bool = False,
           now: datetime | None = None) -> CommitResult:  # fmt: skip
    """Write the report's valid rows in one transaction; refuse if it is not clean (unless
    ``valid_rows_only``) or if the file itself had problems."""
    if report.file_problems:
        raise ImportRefused(
            "The file has problems that stop it being read: " + report.file_problems[0].reason
        )
    if report.problems and not valid_rows_only:
        raise ImportRefused(f"{report.rejected_rows:,} row(s) have problems. Fix them and import "
                            "again, or choose to commit only the valid rows.")  # fmt: skip
    result = CommitResult(rejected=report.rejected_rows)
    with engine.connect() as connection:
        synthetic = connection.execute(
            select(m.DatasetInfo.value).where(m.DatasetInfo.key == "is_synthetic")
        ).scalar()
    if synthetic == "true":
        report.notes.append(
            "This store holds synthetic demo data: the imported rows sit beside it."
        )
    try:
        with engine.begin() as connection:
            _commit_rows(connection, report, result, user_email, valid_rows_only, now)
    except SQLAlchemyError as error:
        raise ImportRefused(f"The store refused {error.__dict__.get('_row_note', 'a row')} "
                            f"({type(error.orig or error).__name__}). Nothing was imported.") from None  # fmt: skip
    return result


def _commit_rows(connection: Connection, report: Report, result: CommitResult, user_email: str,
                 valid_rows_only: bool, now: datetime | None) -> None:  # fmt: skip
    ensure_reference(connection)
    if report.kind in BULK_EVENTS:
        _bulk_events(connection, report, result)
    else:
        loader = LOADERS[report.kind]
        for row in report.valid_rows:
            try:
                outcome = loader(connection, row)
            except SQLAlchemyError as error:
                error._row_note = f"row {row['_row']}"
                raise
            setattr(result, outcome, getattr(result, outcome) + 1)
    connection.execute(insert(m.ImportLog), [{
        "imported_at": now or datetime.now(), "user_email": user_email,
        "file_name": report.file_name[:255], "file_sha256": report.sha256, "kind": report.kind,
        "rows_in_file": report.rows_in_file, "rows_inserted": result.inserted,
        "rows_updated": result.updated, "rows_unchanged": result.unchanged,
        "rows_rejected": result.rejected, "valid_rows_only": valid_rows_only}])  # fmt: skip
    audit.record(connection, user_email, "data_manager", "import", report.file_name[:60],
                 {"kind": report.kind, "sha256": report.sha256[:16], "inserted": result.inserted,
                  "updated": result.updated, "rejected": result.rejected})  # fmt: skip


def _new_child(source_hash: str, row: dict) -> dict:
    """A child row from an extract: pseudonymous id from the keyed hash, optional details."""
    return {
        "pseudo_id": "CE-" + source_hash[:8].upper(),
        "source_hash": source_hash,
        "sex": row.get("sex") or "unknown",
        "birth_month": row.get("birth_month"),
        "ethnicity": row.get("ethnicity") or "Not recorded",
    }


def _child_id(connection: Connection, row: dict) -> int:
    source_hash = pseudonymise(row["child_id"])
    found = connection.execute(
        select(m.Child.id).where(m.Child.source_hash == source_hash)
    ).scalar()
    if found is not None:
        return found
    return connection.execute(
        insert(m.Child).returning(m.Child.id),
        [_new_child(source_hash, row)],
    ).scalar_one()  # fmt: skip


def _upsert(connection: Connection, model, key: dict, values: dict) -> str:  # noqa: ANN001
    """Insert, or update the row with the same key; report which (or 'unchanged')."""
    columns = [getattr(model, name) for name in values]
    existing = connection.execute(select(model.id, *columns).filter_by(**key)).first()
    if existing is None:
        connection.execute(insert(model), [{**key, **values}])
        return "inserted"
    current = dict(zip(values, existing[1:], strict=True))
    if all(_same(current[k], v) for k, v in values.items()):
        return "unchanged"
    connection.execute(update(model).where(model.id == existing[0]).values(**values))
    return "updated"


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(float(a) - float(b)) < 1e-9
    return a == b


def _load_referral(connection: Connection, row: dict) -> str:
    return _upsert(connection, m.Referral, {"source_id": row["source_id"]}, {
        "child_id": _child_id(connection, row), "referred_on": row["referred_on"],
        "referring_agency": row["referring_agency"], "exploitation_type": row["exploitation_type"],
        "outcome": row["outcome"], "lsoa_code": row["lsoa_code"], "postcode_sector": row["postcode_sector"]})  # fmt: skip


def _load_risk_assessment(connection: Connection, row: dict) -> str:
    outcome = _upsert(connection, m.RiskAssessment, {"source_id": row["source_id"]}, {
        "child_id": _child_id(connection, row), "assessed_on": row["assessed_on"],
        "risk_level": row["risk_level"], "closed_on": row["closed_on"], "lsoa_code": row["lsoa_code"],
        "postcode_sector": row["postcode_sector"]})  # fmt: skip
    assessment_id = connection.execute(
        select(m.RiskAssessment.id).where(m.RiskAssessment.source_id == row["source_id"])
    ).scalar_one()
    current = sorted(r[0] for r in connection.execute(
        select(m.RiskAssessmentType.exploitation_type).where(m.RiskAssessmentType.assessment_id == assessment_id)))  # fmt: skip
    if current != row["exploitation_types"]:
        connection.execute(
            delete(m.RiskAssessmentType).where(m.RiskAssessmentType.assessment_id == assessment_id)
        )
        connection.execute(insert(m.RiskAssessmentType), [
            {"assessment_id": assessment_id, "exploitation_type": t} for t in row["exploitation_types"]])  # fmt: skip
        outcome = "updated" if outcome == "unchanged" else outcome
    return outcome


def _load_missing(connection: Connection, row: dict) -> str:
    return _upsert(connection, m.MissingEpisode, {"source_id": row["source_id"]}, {
        "child_id": _child_id(connection, row), "started_at": row["started_at"],
        "returned_at": row["returned_at"], "placement_type": row["placement_type"],
        "return_interview_offered": row["return_interview_offered"],
        "return_interview_done": row["return_interview_done"], "lsoa_code": row["lsoa_code"],
        "postcode_sector": row["postcode_sector"]})  # fmt: skip


def _load_location(connection: Connection, row: dict) -> str:
    place = postcode_record(row["postcode"])
    return _upsert(connection, m.LocationOfConcern, {"source_id": row["source_id"]}, {
        "location_type": row["location_type"], "name": row["name"], "postcode": place["postcode"],
        "postcode_sector": place["sector"], "lsoa_code": place["lsoa_code"], "lat": float(place["lat"]),
        "lon": float(place["lon"]), "status": row["status"], "first_reported": row["first_reported"],
        "last_reviewed": row["first_reported"]})  # fmt: skip


def _load_action_update(connection: Connection, row: dict) -> str:
    action = connection.execute(select(m.StrategicAction.id).where(
        m.StrategicAction.objective_number == row["objective_number"],
        m.StrategicAction.title == row["action"])).scalar()  # fmt: skip
    if action is None:
        action = connection.execute(insert(m.StrategicAction).returning(m.StrategicAction.id), [{
            "objective_number": row["objective_number"], "title": row["action"],
            "lead_agency": row["lead_agency"], "due_on": row["due_on"]}]).scalar_one()  # fmt: skip
    else:
        connection.execute(update(m.StrategicAction).where(m.StrategicAction.id == action).values(
            lead_agency=row["lead_agency"], due_on=row["due_on"]))  # fmt: skip
    return _upsert(connection, m.ActionUpdate, {"source_id": row["source_id"]}, {
        "action_id": action, "updated_on": row["updated_on"], "status": row["status"],
        "progress_pct": row["progress_pct"], "note": row["note"] or ""})  # fmt: skip


def _load_population(connection: Connection, row: dict) -> str:
    key = {"lsoa_code": row["lsoa_code"], "year": row["year"]}
    existing = connection.execute(select(m.Population.children_0_17).filter_by(**key)).first()
    if existing is None:
        connection.execute(
            insert(m.Population),
            [{**key, "children_0_17": row["children_0_17"], "is_synthetic": False}],
        )
        return "inserted"
    if existing[0] == row["children_0_17"]:
        return "unchanged"
    connection.execute(
        update(m.Population)
        .filter_by(**key)
        .values(children_0_17=row["children_0_17"], is_synthetic=False)
    )
    return "updated"


def _chunks(items: list, size: int = 900) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _bulk_events(connection: Connection, report: Report, result: CommitResult) -> None:
    """Referrals and missing episodes, which come in tens of thousands: a few queries per 900
    rows instead of several per row."""
    model, fields = BULK_EVENTS[report.kind]
    rows = report.valid_rows
    hashes = {row["child_id"]: pseudonymise(row["child_id"]) for row in rows}
    children = _bulk_children_by_hash(connection, rows, hashes)
    wanted = {row["source_id"]: {"child_id": children[hashes[row["child_id"]]], **{f: row[f] for f in fields}}
              for row in rows}  # fmt: skip
    columns = [getattr(model, f) for f in ("child_id", *fields)]
    existing: dict[str, tuple] = {}
    for chunk in _chunks(list(wanted)):
        for record in connection.execute(
            select(model.source_id, model.id, *columns).where(model.source_id.in_(chunk))
        ):
            existing[record[0]] = tuple(record[1:])
    inserts = []
    for source_id, values in wanted.items():
        if source_id not in existing:
            inserts.append({"source_id": source_id, **values})
            continue
        current = dict(zip(("child_id", *fields), existing[source_id][1:], strict=True))
        if all(_same(current[k], v) for k, v in values.items()):
            result.unchanged += 1
        else:
            connection.execute(
                update(model).where(model.id == existing[source_id][0]).values(**values)
            )
            result.updated += 1
    for chunk in _chunks(inserts, 5000):
        connection.execute(insert(model), chunk)
    result.inserted += len(inserts)


def _bulk_children_by_hash(
    connection: Connection, rows: list[dict], hashes: dict[str, str]
) -> dict[str, int]:
    first_row = {}
    for row in rows:
        first_row.setdefault(hashes[row["child_id"]], row)
    known: dict[str, int] = {}
    for chunk in _chunks(list(first_row)):
        known |= dict(connection.execute(
            select(m.Child.source_hash, m.Child.id).where(m.Child.source_hash.in_(chunk))).all())  # fmt: skip
    new = [h for h in first_row if h not in known]
    if new:
        for chunk in _chunks(new, 5000):
            connection.execute(insert(m.Child), [_new_child(h, first_row[h]) for h in chunk])
        for chunk in _chunks(new):
            known |= dict(connection.execute(
                select(m.Child.source_hash, m.Child.id).where(m.Child.source_hash.in_(chunk))).all())  # fmt: skip
    return known


BULK_EVENTS = {
    "referrals": (m.Referral, ("referred_on", "referring_agency", "exploitation_type", "outcome",
                               "lsoa_code", "postcode_sector")),
    "missing_episodes": (m.MissingEpisode, ("started_at", "returned_at", "placement_type",
                                            "return_interview_offered", "return_interview_done",
                                            "lsoa_code", "postcode_sector")),
}  # fmt: skip

LOADERS = {
    "referrals": _load_referral,
    "risk_assessments": _load_risk_assessment,
    "missing_episodes": _load_missing,
    "locations_of_concern": _load_location,
    "action_updates": _load_action_update,
    "population": _load_population,
}
