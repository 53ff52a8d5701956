"""Services: the demo reproduces App. F, queries count cases right on SQLite and PostgreSQL, the
public tables are protected, the export has its exact columns, and the import kind round-trips
and refuses bad rows with a clear reason."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from sqlalchemy import insert

from data_access import aggregates, services
from data_access import models as m
from data_access.demo_services import (
    TR_AGES,
    TR_DISTRICTS,
    TR_ETHNICITY,
    TURNAROUND_AGES,
    TURNAROUND_DISTRICTS,
    TURNAROUND_ETHNICITY,
)
from data_access.export import write_exports
from data_access.imports import ImportRefused, commit, validate
from data_access.sql import Scope
from domain.roles import AccessDenied, RoleScope
from domain.services import SERVICES
from tests.conftest import Places

TODAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def demo_export(demo_engine) -> pl.DataFrame:  # noqa: ANN001
    with demo_engine.connect() as connection:
        return services.services_by_month(connection)


def _table(frame: pl.DataFrame, service: str, column: str) -> dict:
    part = frame.filter((pl.col("service") == service) & (pl.col("month") <= "2020-09"))
    sums = part.group_by(column).agg(pl.col("new_cases").sum())
    return {key: n for key, n in sums.iter_rows() if n}


def test_demo_reproduces_appendix_f_at_the_reports_date(demo_export):
    totals = _table(demo_export, "trusted_relationships", "service")
    assert totals == {"trusted_relationships": 147}
    assert _table(demo_export, "trusted_relationships", "gender") == {"female": 97, "male": 50}
    assert _table(demo_export, "trusted_relationships", "age") == TR_AGES
    assert _table(demo_export, "trusted_relationships", "ethnicity") == TR_ETHNICITY
    assert _table(demo_export, "trusted_relationships", "postcode_district") == TR_DISTRICTS
    assert TR_DISTRICTS["confidential"] == 2 and sum(TR_ETHNICITY.values()) == 147
    assert _table(demo_export, "turnaround", "gender") == {"female": 49}
    assert _table(demo_export, "turnaround", "age") == TURNAROUND_AGES
    assert _table(demo_export, "turnaround", "ethnicity") == TURNAROUND_ETHNICITY
    assert _table(demo_export, "turnaround", "postcode_district") == TURNAROUND_DISTRICTS
    assert _table(demo_export, "sfayc", "service") == {"sfayc": 30}
    btc = _table(demo_export, "breaking_the_cycle", "service")["breaking_the_cycle"]
    assert 5 <= btc <= 30
    assert demo_export.filter(pl.col("service") == "breaking_the_cycle")["month"].min() >= "2019-10"
    sfayc_after = demo_export.filter((pl.col("service") == "sfayc") & (pl.col("month") > "2021-03"))
    assert sfayc_after["new_cases"].sum() == 0
    assert set(demo_export["service"]) == {"trusted_relationships", "turnaround", "sfayc",
                                           "breaking_the_cycle"}  # fmt: skip


def test_demo_group_work_reached_84_young_people_in_july_to_september_2020(demo_engine):
    scope = Scope(date(2020, 7, 1), date(2020, 9, 1))
    with demo_engine.connect() as connection:
        group = services.case_counts(connection, scope, ("service",), "new_cases",
                                     delivery="group_work")  # fmt: skip
        by_provider = services.case_counts(connection, scope, ("provider",), "new_cases",
                                           ["trusted_relationships"], None)  # fmt: skip
    assert group.rows() == [("trusted_relationships", 84)]
    assert set(by_provider["provider"]) <= {"barnardos", "james", "emerge", "project_6", "ymca"}


def test_demo_caseloads_carry_on_after_the_report(demo_export):
    last = demo_export.filter(pl.col("month") == "2026-10")
    open_now = dict(last.group_by("service").agg(pl.col("open_cases").sum()).iter_rows())
    assert open_now["trusted_relationships"] > 20 and open_now["turnaround"] > 5
    assert open_now.get("sfayc", 0) == 0  # the programme ended in 2021


def test_export_writes_services_by_month_with_exactly_its_columns(demo_db_url, tmp_path):
    from data_access.engine import make_engine

    with make_engine(demo_db_url).connect() as connection:
        paths = write_exports(connection, tmp_path)
    path = tmp_path / "services_by_month.csv"
    assert path in paths
    frame = pl.read_csv(path, infer_schema_length=0)
    assert frame.columns == ["month", "service", "postcode_district", "age", "gender",
                             "ethnicity", "new_cases", "open_cases"]  # fmt: skip
    assert frame["month"].str.contains(r"^\d{4}-\d{2}$").all()
    assert frame["month"].min() == "2019-01" and frame["month"].max() == "2026-10"
    assert set(frame["service"]) <= {"trusted_relationships", "turnaround", "sfayc",
                                     "breaking_the_cycle"}  # fmt: skip


def test_publication_export_protects_service_counts(demo_db_url, tmp_path):
    """The publication is the public release: service caseloads are in it, protected jointly
    with everything else (tests/data_access/test_release_attack.py attacks them too)."""
    from data_access.engine import make_engine

    with make_engine(demo_db_url).connect() as connection:
        write_exports(connection, tmp_path, for_publication=True)
    frame = pl.read_csv(tmp_path / "release.csv", infer_schema_length=0)
    for measure in ("service_open_cases", "service_new_cases"):
        cells = frame.filter(pl.col("measure") == measure)
        assert set(cells["category"]) == {"all", *SERVICES}
        shown = cells.filter(pl.col("status") != "c")["value"].cast(pl.Int64)
        assert not shown.is_between(1, 4).any()
        assert (cells["status"] == "c").any()


def _case(child: int, service: str, started: date, closed: date | None, place, **extra) -> dict:  # noqa: ANN001
    where = ({"postcode_sector": place.postcode_sector, "lsoa_code": place.lsoa_code}
             if place else {"postcode_sector": None, "lsoa_code": None})  # fmt: skip
    return {"child_id": child, "service": service, "delivery": "one_to_one", "provider": "other",
            "started_on": started, "closed_on": closed, "age_at_start": 14, "gender": "female",
            "ethnicity": "English British", **where, **extra}  # fmt: skip


@pytest.fixture()
def cases(empty_engine):  # noqa: ANN001, ANN201
    """Place A: child 1 TR 10 Jan-20 Mar 2024, child 2 TR from 31 Jan 2024 (open),
    child 2 also Turnaround 1 Feb 2024 (open); place B: child 3 TR 15 Feb 2024, closed 29 Feb;
    child 4 TR group work Jan 2024 (open); no address: child 5 TR 5 Mar 2024 (open)."""
    places = Places(empty_engine)
    a, b = places.a, places.b
    with empty_engine.begin() as c:
        c.execute(insert(m.Child), [{"id": i, "pseudo_id": f"T-{i}", "sex": "female",
                                     "ethnicity": "x"} for i in range(1, 6)])  # fmt: skip
        c.execute(insert(m.ServiceCase), [
            _case(1, "trusted_relationships", date(2024, 1, 10), date(2024, 3, 20), a),
            _case(2, "trusted_relationships", date(2024, 1, 31), None, a, gender="male", age_at_start=9),
            _case(2, "turnaround", date(2024, 2, 1), None, a),
            _case(3, "trusted_relationships", date(2024, 2, 15), date(2024, 2, 29), b),
            _case(4, "trusted_relationships", date(2024, 1, 5), None, a, delivery="group_work"),
            _case(5, "trusted_relationships", date(2024, 3, 5), None, None),
        ])  # fmt: skip
        aggregates.refresh(c)  # as every real write path does
    return empty_engine, places


def test_new_and_open_cases_by_month(cases):
    engine, places = cases
    scope = Scope(date(2024, 1, 1), date(2024, 3, 1))
    with engine.connect() as c:
        new = services.case_counts(c, scope, ("month", "service"), "new_cases")
        opened = services.case_counts(c, scope, ("month", "service"), "open_cases")
        everything = services.case_counts(c, scope, ("month",), "open_cases", delivery=None)
        districts = services.case_counts(c, scope, ("postcode_district",), "new_cases")
        in_area = services.case_counts(
            c, Scope(date(2024, 1, 1), date(2024, 3, 1), area_code=places.a.area_committee_code),
            ("month",), "new_cases",
        )  # fmt: skip
    assert new.rows() == [("2024-01", "trusted_relationships", 2),
                          ("2024-02", "trusted_relationships", 1), ("2024-02", "turnaround", 1),
                          ("2024-03", "trusted_relationships", 1)]  # fmt: skip
    # Feb end: child 3 closed on the 29th (not open at the end); March: child 1 closed on the 20th.
    assert opened.rows() == [("2024-01", "trusted_relationships", 2),
                             ("2024-02", "trusted_relationships", 2), ("2024-02", "turnaround", 1),
                             ("2024-03", "trusted_relationships", 2), ("2024-03", "turnaround", 1)]  # fmt: skip
    # distinct children: child 2 in two services counts once; group work included on request
    assert everything.rows() == [("2024-01", 3), ("2024-02", 3), ("2024-03", 3)]
    assert dict(districts.rows())["confidential"] == 1
    assert in_area.rows() == [("2024-01", 2), ("2024-02", 1)]  # withheld address: no area


def test_area_committee_gets_services_only_from_the_release(cases):
    engine, places = cases
    area = places.a.area_committee_code
    role = RoleScope("area_committee", area)
    scope = Scope(date(2024, 1, 1), date(2024, 3, 1), area_code=area)
    with engine.connect() as c:
        with pytest.raises(AccessDenied, match="public release"):  # release cells only
            services.caseload_table(c, role, scope, "open_cases")
        open_lead = services.caseload_table(c, RoleScope("strategic_lead"), scope, "open_cases")
        with pytest.raises(AccessDenied):
            services.coverage_counts(c, role, Scope(date(2024, 3, 1), date(2024, 3, 1)), "ward",
                                     [places.a.ward_code])  # fmt: skip
        with pytest.raises(AccessDenied):
            services.caseload_table(c, RoleScope("data_manager"), scope, "open_cases")
    assert not open_lead["suppressed"].any()
    assert (
        open_lead.filter((pl.col("month") == "2024-02") & (pl.col("service") == "Total"))[
            "cases"
        ].item()
        == 3
    )


def test_coverage_counts_children_at_risk_against_children_in_a_service(small_store):
    engine, places = small_store  # child 2 at risk at A (open); child 1 at A until 15 May 2024
    with engine.begin() as c:
        c.execute(insert(m.ServiceCase), [
            _case(2, "turnaround", date(2024, 2, 25), None, places.a),
            _case(3, "trusted_relationships", date(2024, 1, 2), None, places.b),
        ])  # fmt: skip
        aggregates.refresh(c)  # as every real write path does
    codes = [places.a.ward_code, places.b.ward_code]
    with engine.connect() as c:
        frame = services.coverage_counts(
            c, RoleScope("mace"), Scope(date(2024, 3, 1), date(2024, 3, 1)), "ward", codes
        )
        district = services.district_coverage(c, RoleScope("mace"), date(2024, 3, 1))
        only_tr = services.district_coverage(
            c, RoleScope("mace"), date(2024, 3, 1), ("trusted_relationships",)
        )
    rows = {r["code"]: (r["at_risk"], r["in_service"]) for r in frame.iter_rows(named=True)}
    assert rows[places.a.ward_code] == (2, 1)
    assert rows[places.b.ward_code] == (0, 1)
    assert district == (2, 2) and only_tr == (2, 1)


def test_public_atoms_are_month_area_category_counts(cases):
    engine, places = cases
    with engine.connect() as c:
        atoms = services.public_atoms(c, Scope(date(2024, 1, 1), date(2024, 2, 1)))
        by_district = services.public_atoms(c, Scope(date(2024, 3, 1), date(2024, 3, 1)),
                                            "district")  # fmt: skip
    assert atoms.columns == ["month", "area", "category", "count"]
    assert (
        "2024-01",
        places.a.ward_code,
        "services.trusted_relationships.new_cases",
        2,
    ) in atoms.rows()
    assert (
        "2024-02",
        places.b.ward_code,
        "services.trusted_relationships.new_cases",
        1,
    ) in atoms.rows()
    assert "confidential" in by_district["area"].to_list()


def test_profile_compares_a_service_with_the_children_at_risk(small_store):
    engine, places = small_store
    with engine.begin() as c:
        c.execute(insert(m.ServiceCase), [
            _case(1, "trusted_relationships", date(2024, 1, 20), None, places.a, ethnicity="White & Asian"),
            _case(2, "trusted_relationships", date(2024, 2, 21), None, places.a, gender="male"),
        ])  # fmt: skip
        aggregates.refresh(c)  # as every real write path does
    with engine.connect() as c:
        pyramid, ethnicity = services.profile_tables(
            c, RoleScope("strategic_lead"), Scope(date(2024, 1, 1), date(2024, 3, 1)),
            "trusted_relationships",
        )  # fmt: skip
    at_risk = pyramid.filter((pl.col("population") == "at_risk") & (pl.col("gender") == "Total")
                             & (pl.col("age_band") == "Total"))["cases"].item()  # fmt: skip
    assert at_risk == 3  # children 1, 2, 3 were at risk in the period
    # born Jun 2009: 14 when first at risk in Jan/Feb 2024
    band = pyramid.filter((pl.col("population") == "at_risk") & (pl.col("gender") == "female")
                          & (pl.col("age_band") == "14_15"))["cases"].item()  # fmt: skip
    assert band == 3
    service = ethnicity.filter(pl.col("population") == "service")
    assert set(service["ethnicity"]) >= {"Mixed or multiple (small groups combined)", "Total"}


# ------------------------------------------------------------------- the import kind

HEADER = ("source_id,child_id,service,delivery,provider,started_on,closed_on,age,gender,ethnicity,"
          "postcode,location_withheld")  # fmt: skip


def _check(*rows: str):  # noqa: ANN202
    data = ("\n".join([HEADER, *rows]) + "\n").encode()
    return validate(data, "cases.csv", "service_cases", today=TODAY)


@pytest.fixture()
def pseudonym_key(monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("DASHBOARD_PSEUDONYM_KEY", "test-key-for-the-suite-0123456789")


def test_service_cases_import_round_trip_and_correction(empty_engine, pseudonym_key):
    report = _check(
        "TR-1,LCS-1,trusted_relationships,,ymca,2026-09-01,,13,female,White & Asian,BD3 9AA,",
        "TA-1,LCS-2,Turnaround,one_to_one,,2026-08-10,2026-10-02,16,female,,,yes",
    )
    assert report.clean, [(p.row, p.column, p.reason) for p in report.problems]
    assert commit(empty_engine, report, "d@b.uk").inserted == 2
    with empty_engine.connect() as c:
        frame = services.case_counts(c, Scope(date(2026, 9, 1), date(2026, 9, 1)),
                                     ("service", "postcode_district", "ethnicity"), "open_cases")  # fmt: skip
    assert sorted(frame.rows()) == [("trusted_relationships", "BD3", "White & Asian", 1),
                                    ("turnaround", "confidential", "Not recorded", 1)]  # fmt: skip
    again = commit(empty_engine, _check(
        "TR-1,LCS-1,trusted_relationships,,ymca,2026-09-01,2026-10-15,13,female,White & Asian,BD3 9AA,",
        "TA-1,LCS-2,Turnaround,one_to_one,,2026-08-10,2026-10-02,16,female,,,yes",
    ), "d@b.uk")  # fmt: skip
    assert (again.inserted, again.updated, again.unchanged) == (0, 1, 1)


def test_service_cases_bad_rows_are_reported_and_nothing_is_written(empty_engine, pseudonym_key):
    report = _check(
        "TR-1,LCS-1,trusted_relationships,,ymca,2026-09-01,,13,female,English British,BD3 9AA,",
        "TR-2,LCS-2,trusted_relationships,,,2026-09-01,,31,female,,BD3 9AA,",
        "TR-3,LCS-3,youth_club,,,2026-09-01,,12,male,,BD3 9AA,",
        "TR-4,LCS-4,turnaround,,,2026-09-10,2026-09-01,12,male,,BD3 9AA,",
        "TR-5,LCS-5,turnaround,,,2026-09-10,,12,male,,BD3 9AA,yes",
        "TR-6,LCS-6,turnaround,,,2026-09-10,,12,male,,,",
    )
    problems = {p.row: (p.column, p.reason) for p in report.problems}
    assert problems[3] == ("age", "Age must be a whole number of years from 0 to 25.")
    assert problems[4][0] == "service" and "trusted_relationships" in problems[4][1]
    assert problems[5][0] == "closed_on" and "before 'started_on'" in problems[5][1]
    assert problems[6][0] == "postcode" and "leave the postcode columns blank" in problems[6][1]
    assert problems[7][0] == "postcode" and "Give the postcode" in problems[7][1]
    assert 2 not in problems
    with pytest.raises(ImportRefused):
        commit(empty_engine, report, "d@b.uk")
    with empty_engine.connect() as c:
        assert services.case_counts(c, Scope(date(2026, 9, 1), date(2026, 9, 1)), ("service",),
                                    "new_cases").height == 0  # fmt: skip
