"""Education, modern slavery and investigation imports: templates round-trip to the queries,
bad rows are named and change nothing, commits are idempotent and logged (SQLite and
PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from data_access import audit, education, investigations, msht
from data_access import models as m
from data_access.imports import ImportRefused, commit, validate
from data_access.imports.formats import template_csv
from data_access.imports.formats_measures import MEASURE_KINDS
from data_access.sql import Scope
from domain.roles import RoleScope

TODAY = date(2026, 11, 25)
LEAD = RoleScope("strategic_lead")


def check(text: str, kind: str):  # noqa: ANN201
    return validate(text.encode("utf-8"), "extract.csv", kind, today=TODAY)


def count(engine, model) -> int:  # noqa: ANN001
    with engine.connect() as c:
        return c.execute(select(func.count()).select_from(model)).scalar()


def test_each_template_imports_once_and_reaches_the_queries(empty_engine):
    """All five kinds into one store (one store per database keeps the suite quick)."""
    for kind in MEASURE_KINDS:
        _template_round_trip(empty_engine, kind)
    with empty_engine.connect() as c:
        logged = c.execute(select(m.ImportLog.kind).order_by(m.ImportLog.id)).scalars().all()
        events = audit.events(c)
    assert logged == [k for k in MEASURE_KINDS for _ in range(2)]
    assert (events["action"] == "import").sum() == 2 * len(MEASURE_KINDS)


def _template_round_trip(empty_engine, kind: str) -> None:  # noqa: ANN001
    report = validate(template_csv(kind), f"template-{kind}.csv", kind, today=TODAY)
    assert report.clean, [(p.column, p.reason) for p in report.problems]
    assert commit(empty_engine, report, "data@bradford.gov.uk").inserted == 1
    again = commit(empty_engine, report, "data@bradford.gov.uk")
    assert (again.inserted, again.unchanged) == (0, 1)
    with empty_engine.connect() as c:
        if kind == "cme_referrals":
            frame = education.cme_counts(c, Scope(date(2020, 1, 1), date(2020, 1, 1)), ("month",))
            assert frame.rows() == [("2020-01", 1, 1)]
        elif kind == "ehe_counts":
            frame = education.ehe_counts(
                c, Scope(date(2020, 9, 1), date(2020, 9, 1)), ("ward_code",)
            )
            assert frame.rows() == [("E05001346", 23)]
        elif kind == "msht_records":
            frame = msht.msht_counts(c, Scope(date(2019, 11, 1), date(2019, 11, 1)), ("measure",))
            assert frame.rows() == [("offences", 1)]
        elif kind == "investigation_updates":
            stages = investigations.stage_counts(c, Scope(date(2020, 9, 1), date(2020, 9, 1)))
            live = stages.filter(stages["stage"] == "live").row(0, named=True)
            assert (live["investigations"], live["suspects"], live["at_victim_disclosure"]) == (
                1,
                3,
                1,
            )
        else:
            frame = investigations.disruption_counts(
                c, Scope(date(2020, 8, 1), date(2020, 8, 1)), ("activity_type",)
            )
            assert frame.rows() == [("cawn", 1)]


def test_records_without_a_place_count_in_the_district_only(empty_engine):
    text = ("source_id,measure,recorded_on,postcode\n"
            "M-1,offences,2020-01-05,BD5 0AA\nM-2,offences,2020-01-06,\n")  # fmt: skip
    commit(empty_engine, check(text, "msht_records"), "d@b.uk")
    with empty_engine.connect() as c:
        area = (
            c.execute(
                select(m.Ward.area_committee_code)
                .join(m.AreaLookup, m.AreaLookup.ward_code == m.Ward.code)
                .where(m.AreaLookup.postcode_sector == "BD5 0")
            )
            .scalars()
            .first()
        )
        district = msht.msht_counts(c, Scope(date(2020, 1, 1), date(2020, 1, 1)), ("measure",))
        in_area = msht.msht_counts(
            c, Scope(date(2020, 1, 1), date(2020, 1, 1), area_code=area), ("measure",)
        )
        by_ward = msht.msht_counts(c, Scope(date(2020, 1, 1), date(2020, 1, 1)), ("ward_code",))
        raw = c.execute(select(m.MshtRecord.postcode_sector, m.MshtRecord.lsoa_code)).all()
    assert district.rows() == [("offences", 2)] and in_area.rows() == [("offences", 1)]
    assert sorted(by_ward["value"].to_list()) == [1, 1] and None in by_ward["ward_code"].to_list()
    assert all(len(sector or "") <= 6 for sector, _ in raw)  # postcode coarsened, never stored


@pytest.mark.parametrize(
    ("kind", "text", "column", "words"),
    [
        ("investigation_updates",
         "source_id,reference,opened_on,updated_on,stage,cps_lawyer_allocated,victim_disclosure,suspects,suspects_charged,indictments,victims_engaged\n"
         "U-1,DW-1,2020-01-01,2020-02-01,live,no,no,2,3,,1\n", "suspects_charged", "More suspects charged"),
        ("investigation_updates",
         "source_id,reference,opened_on,updated_on,stage,cps_lawyer_allocated,victim_disclosure,suspects,suspects_charged,indictments,victims_engaged\n"
         "U-1,DW-1,2020-01-01,2020-02-01,concluded,no,yes,2,2,4,1\n", "victim_disclosure", "Only a live"),
        ("investigation_updates",
         "source_id,reference,opened_on,updated_on,stage,cps_lawyer_allocated,victim_disclosure,suspects,suspects_charged,indictments,victims_engaged\n"
         "U-1,DW-1,2020-03-01,2020-02-01,live,no,no,2,0,,1\n", "updated_on", "before 'opened_on'"),
        ("ehe_counts", "month,ward_code,registered\n2020-09,E09999999,4\n", "ward_code", "not a Bradford ward"),
        ("ehe_counts", "month,ward_code,registered\n2020-09,,-4\n", "registered", "outside the range"),
        ("msht_records", "source_id,measure,recorded_on,postcode_sector\nM-1,offences,2020-01-05,BD5 0\n",
         "postcode", "both the postcode sector and the LSOA"),
        ("msht_records", "source_id,measure,recorded_on\nM-1,slavery,2020-01-05\n", "measure", "not an allowed value"),
        ("cme_referrals", "source_id,referred_on,whereabouts_found\nC-1,2030-01-05,yes\n", "referred_on", "future"),
    ],
)  # fmt: skip
def test_bad_rows_are_named_with_their_column_and_reason(kind, text, column, words):
    report = check(text, kind)
    assert len(report.problems) == 1, [(p.column, p.reason) for p in report.problems]
    problem = report.problems[0]
    assert (problem.row, problem.column) == (2, column) and words in problem.reason
    assert not report.valid_rows


def test_a_bad_row_stops_the_whole_file_and_a_correction_updates(empty_engine):
    header = "source_id,referred_on,whereabouts_found\n"
    report = check(header + "C-1,2020-01-05,yes\nC-2,2020-01-06,maybe\n", "cme_referrals")
    with pytest.raises(ImportRefused, match="1 row"):
        commit(empty_engine, report, "d@b.uk")
    assert count(empty_engine, m.CmeReferral) == 0 and count(empty_engine, m.ImportLog) == 0
    commit(
        empty_engine,
        check(header + "C-1,2020-01-05,no\nC-2,2020-01-06,no\n", "cme_referrals"),
        "d@b.uk",
    )
    fixed = commit(empty_engine, check(header + "C-1,2020-01-05,yes\n", "cme_referrals"), "d@b.uk")
    assert (fixed.updated, fixed.inserted) == (1, 0)
    with empty_engine.connect() as c:
        found = dict(
            c.execute(select(m.CmeReferral.source_id, m.CmeReferral.whereabouts_found)).all()
        )
    assert found == {"C-1": True, "C-2": False}


def test_investigation_updates_give_the_stage_at_each_month_end(empty_engine):
    header = ("source_id,reference,opened_on,updated_on,stage,cps_lawyer_allocated,victim_disclosure,"
              "suspects,suspects_charged,indictments,victims_engaged\n")  # fmt: skip
    rows = [
        "U-1,DW-1,2020-01-10,2020-01-10,live,no,yes,1,0,,1",
        "U-2,DW-1,2020-01-10,2020-03-02,live,yes,no,2,0,,2",
        "U-3,DW-1,2020-01-10,2020-05-20,pending_trial,yes,no,2,2,9,2",
        "U-4,DW-2,2020-02-01,2020-02-01,live,no,no,1,0,,1",
    ]
    assert (
        commit(
            empty_engine, check(header + "\n".join(rows) + "\n", "investigation_updates"), "d@b.uk"
        ).inserted
        == 4
    )
    with empty_engine.connect() as c:
        stages = investigations.stage_counts(c, Scope(date(2020, 1, 1), date(2020, 5, 1)))
        pipeline = investigations.pipeline_table(c, LEAD, Scope(date(2020, 3, 1), date(2020, 3, 1)))
        cases = investigations.case_table(c, RoleScope("mace"), date(2020, 5, 1))
        assert count(empty_engine, m.Investigation) == 2
    live = {
        r[0]: r[1]
        for r in stages.filter(stages["stage"] == "live").select("month", "investigations").rows()
    }
    assert live == {"2020-01": 1, "2020-02": 2, "2020-03": 2, "2020-04": 2, "2020-05": 1}
    may = stages.filter((stages["month"] == "2020-05") & (stages["stage"] == "pending_trial")).row(
        0, named=True
    )
    assert (may["investigations"], may["suspects"], may["indictments"]) == (1, 2, 9)
    march = dict(pipeline.select("stage", "investigations").rows())
    assert march["live_cps_lawyer"] == 1 and march["live_investigation"] == 1
    assert sorted(cases.select("investigation", "stage").rows()) == [
        ("DW-1", "pending_trial"),
        ("DW-2", "live"),
    ]
