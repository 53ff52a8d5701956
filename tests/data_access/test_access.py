"""Roles, the data layer's access checks, the role table and the audit trail."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime

import polars as pl
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from data_access import audit, protected, users
from data_access.access import authorise_aggregate
from data_access.sql import Scope
from domain.disclosure import TOTAL
from domain.roles import AccessDenied, RoleScope, Viewer
from tests.conftest import REPO_ROOT

MACE, LEAD = RoleScope("mace"), RoleScope("strategic_lead")
SOUTH, MANAGER = RoleScope("area_committee", "SOUTH"), RoleScope("data_manager")
OCT = date(2026, 10, 1)


def test_role_scopes_and_their_pages():
    assert SOUTH.policy.suppress and not LEAD.policy.suppress and not MACE.policy.suppress
    assert "cases" in MACE.pages() and "cases" not in LEAD.pages()
    assert "cases" not in SOUTH.pages() and MANAGER.pages() == ("data", "audit")
    with pytest.raises(ValueError):
        RoleScope("area_committee")
    with pytest.raises(ValueError):
        RoleScope("superuser")
    assert Viewer("a@b.c", SOUTH, demo=True).audit_role == "area_committee:SOUTH (demo)"


def test_suppression_threshold_is_a_setting(monkeypatch):
    assert SOUTH.policy.threshold == 5
    monkeypatch.setenv("DASHBOARD_SUPPRESSION_THRESHOLD", "10")
    assert SOUTH.policy.threshold == 10 and SOUTH.policy.hides(9) and not SOUTH.policy.hides(0)
    monkeypatch.setenv("DASHBOARD_SUPPRESSION_THRESHOLD", "1")
    with pytest.raises(ValueError):
        _ = SOUTH.policy


def test_area_committee_gets_no_free_queries(demo_engine):
    """Area Committee numbers come only from the public release (tests/data_access/
    test_release.py); every free query refuses the role, whatever its scope."""
    with demo_engine.connect() as c:
        authorise_aggregate(c, LEAD, Scope(OCT, OCT), ("ward_code",))
        authorise_aggregate(c, MACE, Scope(OCT, OCT, area_code="EAST"), ("month",))
        for scope, by in [
            (Scope(OCT, OCT, area_code="SOUTH"), ("ward_code",)),
            (Scope(OCT, OCT), ("month",)),
            (Scope(OCT, OCT, area_code="SOUTH", ward_code="E05001370"), ()),
        ]:
            with pytest.raises(AccessDenied, match="public release"):
                authorise_aggregate(c, SOUTH, scope, by)
        with pytest.raises(AccessDenied):
            protected.cohort_table(c, MANAGER, Scope(OCT, OCT), ("month",))


def test_case_rows_are_for_mace_only(demo_engine):
    with demo_engine.connect() as c:
        cases = protected.case_list(c, MACE, Scope(OCT, OCT))
        assert cases.height > 300 and cases["pseudo_id"].str.starts_with("CE-").all()
        for role in (LEAD, SOUTH, MANAGER):
            with pytest.raises(AccessDenied):
                protected.case_list(c, role, Scope(OCT, OCT))


def test_open_tables_for_closed_meetings_are_unsuppressed(demo_engine):
    """Strategic leads keep their open, free views (the linked referral tables included)."""
    scope = Scope(date(2025, 11, 1), OCT, area_code="SOUTH")
    with demo_engine.connect() as c:
        open_cohort = protected.cohort_table(c, LEAD, scope, ("month", "risk_level"))
        by_type, by_agency = protected.linked_referral_tables(c, LEAD, scope)
    assert not open_cohort["suppressed"].any() and not by_type["suppressed"].any()
    assert by_type["referrals"].is_between(1, 4).any()  # small numbers shown to closed tiers
    type_totals = by_type.filter(pl.col("exploitation_type") == TOTAL)["referrals"].sum()
    assert type_totals == by_agency.filter(pl.col("referring_agency") == TOTAL)["referrals"].sum()


def test_role_table_add_list_remove(empty_engine):
    with empty_engine.begin() as c:
        users.add_role(c, " Cllr.Jones@Bradford.gov.uk ", "area_committee", "KEIGHLEY")
        users.add_role(c, "cllr.jones@bradford.gov.uk", "area_committee", "KEIGHLEY")  # idempotent
        users.add_role(c, "cllr.jones@bradford.gov.uk", "strategic_lead")
        with pytest.raises(ValueError):
            users.add_role(c, "cllr.jones@bradford.gov.uk", "area_committee", "NOWHERE")
        with pytest.raises(ValueError):
            users.add_role(c, "not-an-email", "mace")
        with pytest.raises(ValueError):
            users.add_role(c, "a@b.c", "mace", "SOUTH")
    with empty_engine.connect() as c:
        assert users.roles_for(c, "CLLR.JONES@bradford.gov.uk") == [
            RoleScope("area_committee", "KEIGHLEY"),
            RoleScope("strategic_lead"),
        ]
        assert users.list_users(c).height == 2
    with empty_engine.begin() as c:
        assert users.remove_role(c, "cllr.jones@bradford.gov.uk", "strategic_lead") == 1
    with empty_engine.connect() as c:
        assert users.roles_for(c, "cllr.jones@bradford.gov.uk") == [
            RoleScope("area_committee", "KEIGHLEY")
        ]


def test_users_command_line(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}", "PATH": "/usr/bin:/bin"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "data_access", "users", *args], cwd=REPO_ROOT,
                              env=env, capture_output=True, text=True)  # fmt: skip

    assert run("add", "mace.chair@police.uk", "--role", "mace").returncode == 0
    bad = run("add", "x@y.z", "--role", "area_committee")
    assert bad.returncode == 2 and "--area must be one of" in bad.stderr
    listing = run("list").stdout
    assert "mace.chair@police.uk" in listing and "mace" in listing


def test_audit_trail_is_append_only(empty_engine):
    with empty_engine.begin() as c:
        audit.record(
            c, "a@b.c", "mace", "view", "Map", {"area": "SOUTH"}, at=datetime(2026, 11, 1, 9)
        )
        audit.record(c, "d@e.f", "strategic_lead", "export", "x.csv", at=datetime(2026, 11, 2, 9))
        with pytest.raises(ValueError):
            audit.record(c, "a@b.c", "mace", "delete-everything", "Map")
    with empty_engine.connect() as c:
        events = audit.events(c)
        assert events["action"].to_list() == ["export", "view"]  # newest first
        assert audit.events(c, user_email="a@b.c")["parameters"].to_list() == ['{"area": "SOUTH"}']
        assert audit.events(c, since=datetime(2026, 11, 2))["user_email"].to_list() == ["d@e.f"]
    for statement in ("UPDATE audit_event SET user_email = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"), empty_engine.begin() as c:
            c.execute(text(statement))
    with empty_engine.connect() as c:
        assert audit.events(c).height == 2


def test_publication_export_is_the_public_release(demo_db_url, tmp_path):
    out = tmp_path / "pub"
    subprocess.run(
        [sys.executable, "-m", "data_access", "export", "--out", str(out), "--for-publication"],
        cwd=REPO_ROOT, env={"DATABASE_URL": demo_db_url, "PATH": "/usr/bin:/bin"}, check=True,
    )  # fmt: skip
    release = pl.read_csv(out / "release.csv", infer_schema_length=0)
    assert "c" in release["status"].to_list()
    shown = release.filter(pl.col("status") != "c")["value"].cast(pl.Int64)
    assert not shown.is_between(1, 4).any()
    assert (
        release.filter(pl.col("status") == "c")["value"].null_count()
        == release.filter(pl.col("status") == "c").height
    )
