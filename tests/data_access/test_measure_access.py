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


def test_area_committee_gets_none_of_these_as_free_queries(demo_engine):
    """The public tier reads only cells of the public release (issue 10); these measures are not
    in it yet, so every free query refuses the Area Committee role, whatever its scope."""
    month = date(2020, 9, 1)
    scope = Scope(date(2019, 4, 1), month, area_code="SOUTH")
    with demo_engine.connect() as c:
        wards = queries.wards(c).filter(pl.col("area_code") == "SOUTH")["code"].to_list()
        calls = [
            lambda: investigations.pipeline_table(c, SOUTH, Scope(date(2019, 1, 1), month)),
            lambda: investigations.disruption_table(c, SOUTH, Scope(date(2019, 4, 1), month), "year"),
            lambda: msht.series(c, SOUTH, scope, "nrm_child_referrals"),
            lambda: msht.by_ward(c, SOUTH, Scope(date(2020, 6, 1), month, area_code="SOUTH"), "offences", wards),
            lambda: education.by_ward(c, SOUTH, Scope(date(2020, 5, 1), date(2020, 5, 1), area_code="SOUTH"),
                                      "cme_whereabouts_found", wards),
        ]  # fmt: skip
        for call in calls:
            with pytest.raises(AccessDenied, match="public release"):
                call()
        strategic = investigations.pipeline_table(c, LEAD, Scope(month, month))
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
