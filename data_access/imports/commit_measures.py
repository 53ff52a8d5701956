"""Loaders for the education, modern slavery and investigation extracts (issue 15): each row is
upserted by its key inside the one import transaction ``commit`` opens."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from data_access import models as m


def _upsert(connection: Connection, model, key: dict, values: dict) -> str:  # noqa: ANN001
    from data_access.imports.commit import _upsert as upsert  # one upsert rule for every kind

    return upsert(connection, model, key, values)


def _place(row: dict) -> dict:
    return {"lsoa_code": row.get("lsoa_code"), "postcode_sector": row.get("postcode_sector")}


def _load_cme(connection: Connection, row: dict) -> str:
    return _upsert(connection, m.CmeReferral, {"source_id": row["source_id"]}, {
        "referred_on": row["referred_on"], "whereabouts_found": row["whereabouts_found"],
        **_place(row)})  # fmt: skip


def _load_msht(connection: Connection, row: dict) -> str:
    return _upsert(connection, m.MshtRecord, {"source_id": row["source_id"]}, {
        "measure": row["measure"], "recorded_on": row["recorded_on"], **_place(row)})  # fmt: skip


def _load_disruption(connection: Connection, row: dict) -> str:
    return _upsert(connection, m.DisruptionActivity, {"source_id": row["source_id"]}, {
        "activity_type": row["activity_type"], "occurred_on": row["occurred_on"], **_place(row)})  # fmt: skip


def _load_ehe(connection: Connection, row: dict) -> str:
    key = {"month": row["month"], "ward_code": row["ward_code"] or ""}
    existing = connection.execute(select(m.EheCount.registered).filter_by(**key)).first()
    if existing is None:
        connection.execute(insert(m.EheCount), [{**key, "registered": row["registered"]}])
        return "inserted"
    if existing[0] == row["registered"]:
        return "unchanged"
    connection.execute(update(m.EheCount).filter_by(**key).values(registered=row["registered"]))
    return "updated"


def _load_investigation_update(connection: Connection, row: dict) -> str:
    investigation = connection.execute(
        select(m.Investigation.id).where(m.Investigation.reference == row["reference"])
    ).scalar()
    if investigation is None:
        investigation = connection.execute(
            insert(m.Investigation).returning(m.Investigation.id),
            [{"reference": row["reference"], "opened_on": row["opened_on"]}],
        ).scalar_one()
    else:
        connection.execute(update(m.Investigation).where(m.Investigation.id == investigation)
                           .values(opened_on=row["opened_on"]))  # fmt: skip
    fields = ("updated_on", "stage", "cps_lawyer_allocated", "victim_disclosure", "suspects",
              "suspects_charged", "indictments", "victims_engaged")  # fmt: skip
    return _upsert(connection, m.InvestigationUpdate, {"source_id": row["source_id"]},
                   {"investigation_id": investigation, **{f: row[f] for f in fields}})  # fmt: skip


MEASURE_LOADERS = {
    "cme_referrals": _load_cme,
    "ehe_counts": _load_ehe,
    "msht_records": _load_msht,
    "investigation_updates": _load_investigation_update,
    "disruption_activity": _load_disruption,
}
