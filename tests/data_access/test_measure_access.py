"""Who may see the education, modern slavery and investigation figures, and how: case rows for
MACE only, no count from 1 to 4 for an Area Committee, raw atoms for the public release."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from data_access import education, investigations, msht, queries
from data_access.sql import Scope
from domain.roles import AccessDenied, RoleScope

SOUTH = RoleScope("area_committee", "SOUTH")
LEAD = RoleScope("strategic_lead")


def test_investigation_cases_are_for_mace_only(demo_engine):
    with demo_engine.connect() as c:
        assert investigations.case_table(c, RoleScope("mace"), date(2020, 9, 1)).height == 20
        for role in (LEAD, SOUTH, RoleScope("data_manager")):
            with pytest.raises(AccessDenied):
                investigations.case_table(c, role, date(2020, 9, 1))
        with pytest.raises(AccessDenied):
            investigations.pipeline_table(
                c, RoleScope("data_manager"), Scope(date(2020, 9, 1), date(2020, 9, 1))
            )


def test_area_committee_sees_its_area_only(demo_engine):
    scope = Scope(date(2020, 1, 1), date(2020, 12, 1), area_code="EAST")
    with demo_engine.connect() as c:
        with pytest.raises(AccessDenied):
            education.series(c, SOUTH, scope, "cme_referrals")
        with pytest.raises(AccessDenied):
            msht.by_ward(
                c, SOUTH, Scope(date(2020, 1, 1), date(2020, 12, 1)), "offences", ["E05001341"]
            )


def test_public_tables_never_show_a_count_from_1_to_4(demo_engine):
    month = date(2020, 9, 1)
    scope = Scope(date(2019, 4, 1), date(2020, 9, 1), area_code="SOUTH")
    with demo_engine.connect() as c:
        wards = queries.wards(c).filter(pl.col("area_code") == "SOUTH")["code"].to_list()
        assert len(wards) == 6
        tables = [
            investigations.pipeline_table(c, SOUTH, Scope(date(2019, 1, 1), month)).rename({"investigations": "value"}),
            investigations.disruption_table(c, SOUTH, Scope(date(2019, 4, 1), month), "year").rename({"activities": "value"}),
            msht.series(c, SOUTH, scope, "nrm_child_referrals"),
            msht.by_ward(c, SOUTH, Scope(date(2020, 6, 1), month, area_code="SOUTH"), "offences", wards),
            education.by_ward(c, SOUTH, Scope(date(2020, 5, 1), date(2020, 5, 1), area_code="SOUTH"),
                              "cme_whereabouts_found", wards),
        ]  # fmt: skip
        summary = investigations.stage_summary(c, SOUTH, month)
        strategic = investigations.pipeline_table(c, LEAD, Scope(month, month))
    for table in tables:
        shown = table.filter(~pl.col("suppressed"))["value"]
        assert not shown.is_between(1, 4).any()
        assert table["suppressed"].any()  # there was something to hide
    for column in ("suspects", "suspects_charged", "indictments"):
        shown = summary.filter(~pl.col(f"{column}_suppressed"))[column]
        assert not shown.is_between(1, 4).any()
    assert "investigations" not in summary.columns  # in public they are in the pipeline only
    assert strategic.filter(pl.col("stage") == "live_cps_lawyer")["investigations"].item() == 3


def test_release_atoms_are_raw_counts_by_month_ward_and_category(demo_engine):
    scope = Scope(date(2020, 9, 1), date(2020, 9, 1))
    with demo_engine.connect() as c:
        atoms = pl.concat([education.release_atoms(c, scope), msht.release_atoms(c, scope),
                           investigations.release_atoms(c, scope)])  # fmt: skip
    assert atoms.columns == ["month", "ward_code", "category", "count"]
    totals = atoms.group_by("category").agg(pl.col("count").sum())
    got = dict(totals.rows())
    assert got["ehe_registered"] == 677 and got["investigations_live"] == 12
    assert got["investigations_pending_trial"] == 5
    assert atoms["count"].is_between(1, 4).any()  # unsuppressed: the release protects them


def test_a_ward_or_area_total_never_gives_away_a_hidden_month(demo_engine):
    """Total minus the months on screen would reveal a hidden month: such totals are hidden."""
    shown_totals = hidden_totals = 0
    with demo_engine.connect() as c:
        wards = queries.wards(c).filter(pl.col("area_code") == "SOUTH")["code"].to_list()
        for year in range(2019, 2026):
            scope = Scope(date(year, 4, 1), date(year + 1, 3, 1), area_code="SOUTH")
            for module, measure in ((msht, "nrm_child_referrals"), (msht, "offences"),
                                    (education, "cme_whereabouts_found")):  # fmt: skip
                table = module.by_ward(c, SOUTH, scope, measure, wards)
                for code in [*wards, "Total"]:
                    place = Scope(scope.start, scope.end, area_code="SOUTH",
                                  ward_code=None if code == "Total" else code)  # fmt: skip
                    months = module.series(c, SOUTH, place, measure)
                    if not table.filter(pl.col("ward_code") == code)["suppressed"].item():
                        assert not months["suppressed"].any(), (year, measure, code)
                        shown_totals += 1
                    elif months["suppressed"].any():
                        hidden_totals += 1
    assert shown_totals > 5 and hidden_totals > 5  # both sides of the rule were exercised
