"""The demo data reproduce the report's education, modern slavery and Operation Dalesway figures,
and the exports carry them in the documented columns."""

from __future__ import annotations

import csv
from datetime import date

import polars as pl
import pytest

from data_access import education, investigations, msht
from data_access.export import write_exports
from data_access.sql import Scope
from domain.measures import REPORT_DATE, pct_change, period_totals
from domain.roles import RoleScope

LEAD = RoleScope("strategic_lead")


@pytest.fixture(scope="module")
def figures(demo_engine):  # noqa: ANN001, ANN201
    with demo_engine.connect() as c:
        cme = education.cme_counts(c, Scope(date(2018, 9, 1), date(2020, 8, 1)), ("month",))
        ehe = education.ehe_counts(c, Scope(date(2016, 1, 1), date(2020, 9, 1)), ("month",))
        offences = msht.msht_counts(c, Scope(date(2019, 4, 1), date(2020, 3, 1)), ("measure",))
        window = msht.six_week_change(c, LEAD, REPORT_DATE)
        stages = investigations.stage_counts(c, Scope(date(2020, 9, 1), date(2020, 9, 1)))
        cases = investigations.case_table(c, RoleScope("mace"), date(2020, 9, 1))
    return {"cme": cme, "ehe": dict(ehe.rows()), "offences": dict(offences.rows()),
            "window": window, "stages": stages, "cases": cases}  # fmt: skip


def test_children_missing_education_by_academic_year(figures):
    years = period_totals(
        figures["cme"].select("month", pl.col("referrals").alias("value")), "value"
    )
    assert dict(years.rows()) == {"2018/19": 1339, "2019/20": 853}
    year = figures["cme"].filter(pl.col("month") >= "2019-09")
    assert round(100 * year["found"].sum() / year["referrals"].sum()) == 92
    cme = dict(figures["cme"].select("month", "referrals").rows())
    lockdown = sum(cme[f"2020-{m:02d}"] for m in range(4, 9))
    year_before = sum(cme[f"2019-{m:02d}"] for m in range(4, 9))
    assert lockdown < year_before / 2  # fewer moves in the first lockdown


def test_elective_home_education_matches_every_published_change(figures):
    ehe = figures["ehe"]
    assert ehe["2020-09"] == 677
    assert round(pct_change(ehe["2020-08"], ehe["2020-09"])) == 39
    assert round(pct_change(ehe["2019-09"], ehe["2020-09"])) == 29
    assert round(pct_change(ehe["2016-01"], ehe["2018-01"])) == 63
    assert round(pct_change(ehe["2018-01"], ehe["2019-01"])) == 7
    assert 0 < pct_change(ehe["2019-01"], ehe["2020-01"]) < 1


def test_modern_slavery_offences_and_intelligence_window(figures):
    assert figures["offences"]["offences"] == 147
    assert figures["window"] == (12, 24)
    assert pct_change(*figures["window"]) == 100.0


def test_operation_dalesway_at_the_report_date(figures):
    stages = {row["stage"]: row for row in figures["stages"].iter_rows(named=True)}
    assert stages["live"]["investigations"] == 12
    assert stages["live"]["with_cps_lawyer"] == 3
    assert stages["live"]["at_victim_disclosure"] == 5
    assert stages["pending_trial"]["investigations"] == 5
    pending = figures["cases"].filter(pl.col("stage") == "pending_trial")
    single = pending.filter(pl.col("suspects") == 1)
    assert single.height == 4 and single["indictments"].sum() == 42
    assert pending.filter(pl.col("suspects_charged") == 14).height == 1


def test_exports_have_the_documented_columns(demo_engine, tmp_path):
    with demo_engine.connect() as c:
        write_exports(c, tmp_path)

    def read(name: str) -> list[dict]:
        with open(tmp_path / name, encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    education_rows = read("education_by_month.csv")
    assert list(education_rows[0]) == ["month", "measure", "ward_code", "value"]
    assert {r["measure"] for r in education_rows} == {"cme_referrals", "cme_whereabouts_found",
                                                       "ehe_registered"}  # fmt: skip
    assert sum(int(r["value"]) for r in education_rows
               if r["measure"] == "ehe_registered" and r["month"] == "2020-09") == 677  # fmt: skip
    assert sum(int(r["value"]) for r in education_rows if r["measure"] == "cme_referrals"
               and "2019-09" <= r["month"] <= "2020-08") == 853  # fmt: skip
    msht_rows = read("msht_by_month.csv")
    assert list(msht_rows[0]) == ["month", "measure", "ward_code", "value"]
    assert {r["measure"] for r in msht_rows} == {"offences", "nrm_child_referrals",
                                                  "intelligence_submissions"}  # fmt: skip
    assert sum(int(r["value"]) for r in msht_rows if r["measure"] == "offences"
               and "2019-04" <= r["month"] <= "2020-03") == 147  # fmt: skip
    assert any(r["ward_code"] == "" for r in msht_rows)  # not every record is located
    stage_rows = read("investigations_by_month.csv")
    assert list(stage_rows[0])[:5] == [
        "month",
        "stage",
        "investigations",
        "suspects",
        "indictments",
    ]
    at_report = {
        r["stage"]: int(r["investigations"]) for r in stage_rows if r["month"] == "2020-09"
    }
    assert at_report["live"] == 12 and at_report["pending_trial"] == 5


def test_other_demo_scales_thin_or_repeat_events_with_unique_ids():
    import numpy as np

    from data_access.demo_measures import _scaled

    rows = [{"source_id": f"X-{i}", "v": i} for i in range(2000)]
    rng = np.random.default_rng(1)
    assert _scaled(rng, rows, 1.0) is rows
    sparse = _scaled(rng, rows, 0.05)
    assert 50 < len(sparse) < 160 and {r["source_id"] for r in sparse} <= {
        r["source_id"] for r in rows
    }
    dense = _scaled(rng, rows, 3.0)
    assert 5500 < len(dense) < 6500 and len({r["source_id"] for r in dense}) == len(dense)
