"""The public release in the store: what the data layer refuses, who may read the briefing, the
``release`` command's files, and rebuilding after an import."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import func, select

from data_access import briefing, protected
from data_access import models as m
from data_access.engine import make_engine
from data_access.release.build import build_release
from data_access.release.export import UnprotectedRefused, write_release
from data_access.release.read import NotInRelease, current_release, public_cells
from data_access.sql import Scope
from domain.narrative import narrative
from domain.release_space import DISTRICT_CODE
from domain.roles import AccessDenied, RoleScope
from tests.conftest import REPO_ROOT

SOUTH = RoleScope("area_committee", "SOUTH")
YEAR = (date(2025, 11, 1), date(2026, 10, 1))
QUARTER = (date(2026, 7, 1), date(2026, 9, 1))


@pytest.fixture()
def connection(sparse_db_url):
    engine = make_engine(sparse_db_url)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def south_ward(connection) -> str:  # noqa: ANN001
    return (
        connection.execute(
            select(m.Ward.code).where(
                m.Ward.vintage == "2004", m.Ward.area_committee_code == "SOUTH"
            )
        )
        .scalars()
        .first()
    )


def test_release_cells_are_served(connection):
    ward = south_ward(connection)
    cells = public_cells(connection, SOUTH, "referrals", [("ward", ward), ("area", "SOUTH"),
                         ("district", DISTRICT_CODE)], [YEAR, QUARTER])  # fmt: skip
    assert cells.height == 6
    by_type = public_cells(connection, SOUTH, "referrals", [("area", "SOUTH")], [QUARTER],
                           "exploitation_type")  # fmt: skip
    assert by_type.height == 10


@pytest.mark.parametrize(
    ("measure", "place", "period", "breakdown"),
    [
        ("referrals", "ward", (date(2025, 11, 1), date(2025, 12, 1)), "total"),  # a free range
        ("referrals", "ward", (date(2026, 10, 1), date(2026, 10, 1)), "total"),  # one month
        ("referrals", "ward", QUARTER, "exploitation_type"),  # ward x category: too fine
        ("children_at_risk", "area", (date(2026, 8, 1), date(2026, 8, 1)), "total"),  # not an end
        ("referrals", "area", QUARTER, "referring_agency"),  # not a published breakdown
    ],
)
def test_the_data_layer_refuses_anything_not_in_the_release(
    connection, measure, place, period, breakdown
):
    code = south_ward(connection) if place == "ward" else "SOUTH"
    with pytest.raises(NotInRelease):
        public_cells(connection, SOUTH, measure, [(place, code)], [period], breakdown)


def test_area_committee_sees_only_its_own_area_and_wards(connection):
    with pytest.raises(AccessDenied):
        public_cells(connection, SOUTH, "referrals", [("area", "EAST")], [YEAR])
    east_ward = (
        connection.execute(
            select(m.Ward.code).where(
                m.Ward.vintage == "2004", m.Ward.area_committee_code == "EAST"
            )
        )
        .scalars()
        .first()
    )
    with pytest.raises(AccessDenied):
        public_cells(connection, SOUTH, "referrals", [("ward", east_ward)], [YEAR])
    with pytest.raises(AccessDenied):
        public_cells(
            connection, RoleScope("data_manager"), "referrals", [("area", "SOUTH")], [YEAR]
        )


def test_free_queries_are_refused_for_the_area_committee(connection):
    scope = Scope(date(2026, 1, 1), date(2026, 10, 1), area_code="SOUTH")
    for call in (
        lambda: protected.cohort_table(connection, SOUTH, scope, ("month", "risk_level")),
        lambda: protected.referral_table(connection, SOUTH, scope, ("month",)),
        lambda: protected.monthly_series(connection, SOUTH, scope, "referrals"),
        lambda: protected.area_values(connection, SOUTH, scope, "referrals", "ward", ["x"]),
        lambda: protected.linked_referral_tables(connection, SOUTH, scope),
    ):
        with pytest.raises(AccessDenied, match="public release"):
            call()
    lead = protected.cohort_table(connection, RoleScope("strategic_lead"), scope, ("month",))
    assert lead.height > 0  # closed meetings keep their open views


def test_briefing_figures_checks_the_role(connection):
    with pytest.raises(AccessDenied):
        briefing.briefing_figures(connection, RoleScope("data_manager"), "SOUTH")
    with pytest.raises(AccessDenied):
        briefing.briefing_figures(connection, SOUTH, "EAST")
    own = briefing.briefing_figures(connection, SOUTH, "SOUTH")
    lead = briefing.briefing_figures(connection, RoleScope("strategic_lead"), "SOUTH")
    assert own.headlines == lead.headlines  # the same public cells, whoever presents


def test_briefing_uses_one_wording_for_every_hidden_number(connection):
    """On the sparse store many briefing numbers are hidden; the narrative never says which are
    small ("fewer than 5", "too small") and which hide another."""
    sentences = []
    for area in ("SOUTH", "EAST", "WEST", "KEIGHLEY", "SHIPLEY"):
        figures = briefing.briefing_figures(connection, RoleScope("area_committee", area), area)
        sentences += narrative(figures)
    text = " ".join(sentences)
    assert "not published (c)" in text
    for revealing in ("fewer than", "too small", "small number"):
        assert revealing not in text


def test_release_command_writes_csv_and_manifest(sparse_db_url, tmp_path):
    env = {"DATABASE_URL": sparse_db_url, "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "data_access", "release", "--out", str(tmp_path)],
                          cwd=REPO_ROOT, env=env, check=True, capture_output=True, text=True)  # fmt: skip
    assert "cells" in done.stdout and "hidden" in done.stdout
    with (tmp_path / "release.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["measure", "breakdown", "category", "geography_level",
                             "geography_code", "period_start", "period_end", "value", "status"]  # fmt: skip
    assert {r["status"] for r in rows} == {"", "c"}
    assert all(r["value"] == "" for r in rows if r["status"] == "c")
    assert all(r["value"].isdigit() for r in rows if r["status"] == "")
    assert {r["category"] for r in rows if r["breakdown"] == "total"} == {"all"}
    assert all(len(r["period_start"]) == 10 for r in rows)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["release_month"] == "2026-10-01"
    assert manifest["parameters"]["threshold"] == 5
    assert manifest["measures"]["referrals"]["adds_up_over_months"] is True
    assert manifest["measures"]["children_at_risk"]["adds_up_over_months"] is False
    assert manifest["measures"]["missing_children"]["adds_up_over_geography"] is True


def test_unprotected_is_refused_unless_the_store_is_synthetic(small_store, tmp_path, connection):
    engine, _ = small_store
    with engine.begin() as real:
        build_release(real)
        with pytest.raises(UnprotectedRefused):
            write_release(real, tmp_path / "real", unprotected=True)
    paths = write_release(connection, tmp_path / "demo", unprotected=True)
    assert all(path.exists() for path in paths)
    true = (tmp_path / "demo" / "release.csv").read_text()
    assert ",c\n" not in true


def test_an_import_builds_a_new_release(empty_engine, monkeypatch):
    from data_access.imports import commit, validate
    from data_access.imports.formats import template_csv

    monkeypatch.setenv("DASHBOARD_PSEUDONYM_KEY", "test-key-for-the-suite-0123456789")
    engine = empty_engine
    with engine.connect() as c:
        before = c.execute(select(func.count()).select_from(m.PublicRelease)).scalar()
    report = validate(
        template_csv("referrals"), "referrals.csv", "referrals", today=date(2026, 11, 1)
    )
    assert report.clean, [p.reason for p in report.problems]
    commit(engine, report, "tester@example.org")
    with engine.connect() as c:
        after = c.execute(select(func.count()).select_from(m.PublicRelease)).scalar()
        assert after == before + 1
        assert current_release(c).id == after
