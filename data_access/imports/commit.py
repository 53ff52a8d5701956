"""Step 4, committing: the valid rows in one transaction (all or nothing), idempotently, with an
import log entry and an audit event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from data_access import aggregates, audit, store_version
from data_access import models as m
from data_access.imports.commit_measures import MEASURE_LOADERS
from data_access.imports.personal import pseudonymise
from data_access.imports.report import CommitResult, ImportRefused, Report
from data_access.reference import ensure_reference, postcode_record


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
    # Imported here: an app server loads the LP solver (~65 MB) only when data arrive.
    from data_access.release.build import refresh_release

    refresh_release(engine)  # the public tier reads only the release: rebuild it on new data
    return result


def _commit_rows(connection: Connection, report: Report, result: CommitResult, user_email: str,
                 valid_rows_only: bool, now: datetime | None) -> None:  # fmt: skip
    ensure_reference(connection)
    touched = aggregates.months_touched(connection, report.kind, report.valid_rows)
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
    if touched:  # only the months these rows (old and new values) fall in
        aggregates.refresh(connection, touched, aggregates.KIND_MEASURES[report.kind])
    connection.execute(insert(m.ImportLog), [{
        "imported_at": now or datetime.now(), "user_email": user_email,
        "file_name": report.file_name[:255], "file_sha256": report.sha256, "kind": report.kind,
        "rows_in_file": report.rows_in_file, "rows_inserted": result.inserted,
        "rows_updated": result.updated, "rows_unchanged": result.unchanged,
        "rows_rejected": result.rejected, "valid_rows_only": valid_rows_only}])  # fmt: skip
    audit.record(connection, user_email, "data_manager", "import", report.file_name[:60],
                 {"kind": report.kind, "sha256": report.sha256[:16], "inserted": result.inserted,
                  "updated": result.updated, "rejected": result.rejected})  # fmt: skip
    store_version.bump(connection)  # last: every app server sees the import on its next rerun


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
    names = ("child_id", *fields)
    rows = report.valid_rows
    hashes = {child: pseudonymise(child) for child in {row["child_id"] for row in rows}}
    children = _bulk_children_by_hash(connection, rows, hashes)
    # Values as tuples, and insert dicts built one chunk at a time: a 200,000-row file is held
    # once, not three times over.
    wanted = {row["source_id"]: (children[hashes[row["child_id"]]], *(row[f] for f in fields))
              for row in rows}  # fmt: skip
    del hashes, children
    columns = [getattr(model, f) for f in names]
    existing: dict[str, tuple] = {}
    for chunk in _chunks(list(wanted)):
        for record in connection.execute(
            select(model.source_id, model.id, *columns).where(model.source_id.in_(chunk))
        ):
            existing[record[0]] = tuple(record[1:])
    new_ids = []
    for source_id, values in wanted.items():
        if source_id not in existing:
            new_ids.append(source_id)
            continue
        current = existing[source_id][1:]
        if all(_same(a, b) for a, b in zip(current, values, strict=True)):
            result.unchanged += 1
        else:
            connection.execute(
                update(model)
                .where(model.id == existing[source_id][0])
                .values(**dict(zip(names, values, strict=True)))
            )
            result.updated += 1
    for chunk in _chunks(new_ids, 5000):
        connection.execute(
            insert(model),
            [{"source_id": s, **dict(zip(names, wanted[s], strict=True))} for s in chunk],
        )
    result.inserted += len(new_ids)


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


def _load_service_case(connection: Connection, row: dict) -> str:
    return _upsert(connection, m.ServiceCase, {"source_id": row["source_id"]}, {
        "child_id": _child_id(connection, {**row, "sex": row["gender"]}), "service": row["service"],
        "delivery": row["delivery"], "provider": row["provider"], "started_on": row["started_on"],
        "closed_on": row["closed_on"], "age_at_start": row["age"], "gender": row["gender"],
        "ethnicity": row["ethnicity"], "lsoa_code": row["lsoa_code"],
        "postcode_sector": row["postcode_sector"]})  # fmt: skip


LOADERS = {
    "referrals": _load_referral,
    "risk_assessments": _load_risk_assessment,
    "missing_episodes": _load_missing,
    "locations_of_concern": _load_location,
    "action_updates": _load_action_update,
    "population": _load_population,
    "service_cases": _load_service_case,
    **MEASURE_LOADERS,
}
