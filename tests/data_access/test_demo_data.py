"""The synthetic demo data: calibrated to the published figures, deterministic, plausible."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter
from datetime import date

import polars as pl
import pytest
from sqlalchemy import func, inspect, select

from data_access import models as m
from data_access import queries
from data_access.demo import DISTRICT_WEIGHTS, PHILOMENA_LAUNCH, load_demo
from data_access.engine import make_engine, migrate
from data_access.sql import Scope
from data_access.store import rebuild_demo
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def exported(demo_db_url, tmp_path_factory) -> dict[str, pl.DataFrame]:
    """Run the real export command against the demo store and read its CSV files back."""
    out = tmp_path_factory.mktemp("export")
    subprocess.run(
        [sys.executable, "-m", "data_access", "export", "--out", str(out)],
        cwd=REPO_ROOT,
        env={"DATABASE_URL": demo_db_url, "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
    )
    return {p.stem: pl.read_csv(p, infer_schema_length=0) for p in out.glob("*.csv")}


def test_export_writes_the_three_files_with_their_columns(exported):
    assert exported["cohort_by_month"].columns == ["month", "ward_code", "risk_level", "children"]
    assert exported["referrals_by_month"].columns == [
        "month", "ward_code", "postcode_district", "exploitation_type", "referring_agency",
        "referrals",
    ]  # fmt: skip
    assert exported["missing_by_month"].columns == [
        "month", "ward_code", "placement_type", "episodes", "children"
    ]  # fmt: skip
    months = exported["cohort_by_month"]["month"].unique().sort().to_list()
    assert months[0] == "2019-01" and months[-1] == "2026-10" and len(months) == 94


def test_cohort_matches_the_published_figures_in_the_export(exported):
    cohort = exported["cohort_by_month"].with_columns(pl.col("children").cast(pl.Int64))
    totals = dict(cohort.group_by("month").agg(pl.col("children").sum()).iter_rows())
    assert totals["2020-01"] == 283
    assert totals["2020-05"] == 389
    assert totals["2020-08"] == 311
    assert max(totals, key=totals.get) == "2020-05"  # the lockdown peak is the high point


def test_demo_data_is_deterministic(demo_engine, tmp_path):
    other = make_engine(f"sqlite:///{tmp_path / 'again.sqlite'}")
    migrate(other)
    with other.begin() as connection:
        load_demo(connection)
    for model in (m.Child, m.Referral, m.MissingEpisode, m.RiskAssessment):
        with demo_engine.connect() as a, other.connect() as b:
            rows_a = a.execute(select(model).order_by(model.id)).all()
            rows_b = b.execute(select(model).order_by(model.id)).all()
        assert [tuple(r) for r in rows_a][:500] == [tuple(r) for r in rows_b][:500]
        assert len(rows_a) == len(rows_b)


def test_ages_at_assessment_peak_at_14_to_15(demo_engine):
    with demo_engine.connect() as c:
        rows = c.execute(
            select(m.RiskAssessment.assessed_on, m.Child.birth_month).join(
                m.Child, m.Child.id == m.RiskAssessment.child_id
            )
        ).all()
    ages = Counter((assessed - born).days // 365 for assessed, born in rows)
    top_two = {age for age, _ in ages.most_common(2)}
    assert top_two == {14, 15}


def test_cohort_spread_follows_trusted_relationships_districts(demo_engine):
    with demo_engine.connect() as c:
        frame = queries.cohort_counts(
            c, Scope(date(2020, 1, 1), date(2020, 1, 1)), ["postcode_district"]
        )
    shares = dict(frame.iter_rows())
    busiest = sorted(shares, key=shares.get, reverse=True)[:6]
    assert set(busiest) <= {"BD3", "BD4", "BD6", "BD7", "BD13", "BD2", "BD5", "BD21"}
    assert shares.get("BD9", 0) < shares["BD7"] / 3
    assert set(shares) <= set(DISTRICT_WEIGHTS) | {"BD11", "HX3", "LS19", "LS20", "LS21", "LS27"}


def test_residential_missing_falls_after_philomena(demo_engine):
    with demo_engine.connect() as c:
        frame = queries.missing_counts(
            c, Scope(date(2019, 1, 1), date(2021, 12, 1)), ["month", "placement_type"]
        )
    residential = frame.filter(pl.col("placement_type") == "residential")
    launch = PHILOMENA_LAUNCH.strftime("%Y-%m")
    before = residential.filter(pl.col("month") < launch)["episodes"].mean()
    a_year_on = residential.filter(pl.col("month") >= "2020-10")["episodes"].mean()
    assert a_year_on < 0.6 * before


def test_online_grooming_referrals_rise_in_the_2020_lockdown(demo_engine):
    with demo_engine.connect() as c:
        frame = queries.referral_counts(
            c, Scope(date(2019, 4, 1), date(2020, 7, 1)), ["month", "exploitation_type"]
        )
    online = frame.filter(pl.col("exploitation_type") == "online_grooming")
    lockdown = online.filter(pl.col("month").is_between(pl.lit("2020-04"), pl.lit("2020-07")))[
        "referrals"
    ].mean()
    year_before = online.filter(pl.col("month").is_between(pl.lit("2019-04"), pl.lit("2019-07")))[
        "referrals"
    ].mean()
    assert lockdown > 2 * year_before


def test_store_holds_no_names_or_full_postcodes(demo_engine):
    inspector = inspect(demo_engine)
    for table in ("child", "risk_assessment", "referral", "missing_episode"):
        columns = {col["name"] for col in inspector.get_columns(table)}
        assert not columns & {"name", "first_name", "surname", "postcode", "address", "dob"}
    with demo_engine.connect() as c:
        sectors = [r[0] for r in c.execute(select(m.Referral.postcode_sector).distinct())]
        pseudo = [r[0] for r in c.execute(select(m.Child.pseudo_id).limit(50))]
        label = c.execute(select(m.DatasetInfo.value).where(m.DatasetInfo.key == "is_synthetic"))
        assert label.scalar() == "true"
    assert all(len(s.split()) == 2 and len(s.split()[1]) == 1 for s in sectors)
    assert all(p.startswith("CE-") and len(p) == 9 for p in pseudo)


def test_every_event_maps_to_a_ward(demo_engine):
    with demo_engine.connect() as c:
        total = c.execute(select(func.count()).select_from(m.Referral)).scalar()
        mapped = queries.referral_counts(
            c, Scope(date(2019, 1, 1), date(2026, 10, 1)), ["ward_code"]
        )
    assert mapped["referrals"].sum() == total


def test_committed_assets_carry_no_reference_geometry():
    """The official polygons in ../shared/geo must not be copied into the repository."""
    shared_names = {"bradford-wards-2004.geojson", "postcode-districts-BD.geojson",
                    "postcode-district-LS29.geojson"}  # fmt: skip
    committed = {p.name for p in (REPO_ROOT / "assets").rglob("*")}
    assert not committed & shared_names
    with open(REPO_ROOT / "assets" / "geo" / "postcode_lookup.csv", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert "geometry" not in header


def test_demo_store_on_postgresql():
    """The same migrations, demo data, export and dialect-specific queries on PostgreSQL."""
    from data_access import mace, protected
    from data_access.export import export_frames
    from domain.roles import RoleScope
    from domain.vocab import RISK_LEVELS
    from tests.conftest import fresh_postgres_database

    with fresh_postgres_database() as url:
        engine = make_engine(url)
        try:
            rebuild_demo(engine)
            with engine.connect() as c:
                cohort = export_frames(c)["cohort_by_month.csv"]
                totals = dict(cohort.group_by("month").agg(pl.col("children").sum()).iter_rows())
                october = Scope(date(2026, 10, 1), date(2026, 10, 1))
                cases = protected.case_list(c, RoleScope("mace"), october)
                counts = protected.case_counts(c, RoleScope("mace"), october, list(RISK_LEVELS))
                pages = [
                    protected.case_page(c, RoleScope("mace"), october, counts, offset=o, limit=90)
                    for o in range(0, cases.height, 90)
                ]
                found = protected.case_list(
                    c, RoleScope("mace"), october, search=cases["pseudo_id"][200][-4:].lower()
                )
                view = mace.meeting_view(c, RoleScope("mace"), mace.meetings(c)[-1])
        finally:
            engine.dispose()
    assert (totals["2020-01"], totals["2020-05"], totals["2020-08"]) == (283, 389, 311)
    assert cases.height > 300 and cases["types"].null_count() == 0
    assert sum(counts.values()) == cases.height and pl.concat(pages).equals(cases)
    assert cases["pseudo_id"][200] in found["pseudo_id"].to_list()  # ILIKE, any case
    assert view.new_significant["agencies"].null_count() == 0


def test_a_sparse_demo_keeps_the_shape_at_a_twentieth(demo_engine, tmp_path):
    """``load-demo --scale 0.05``: the same picture with a twentieth of the children, so that
    disclosure control can be seen at work; scale 1 stays the calibrated demo."""
    sparse = make_engine(f"sqlite:///{tmp_path / 'sparse.sqlite'}")
    counts = rebuild_demo(sparse, scale=0.05)
    with demo_engine.connect() as c:
        full = {t: c.execute(select(func.count()).select_from(m.Base.metadata.tables[t])).scalar()
                for t in ("referral", "missing_episode", "child")}  # fmt: skip
    for table, rows in full.items():
        assert 0.02 * rows < counts[table] < 0.09 * rows, table
    with sparse.connect() as c:
        cohort = queries.cohort_counts(c, Scope(date(2020, 1, 1), date(2020, 1, 1)), ())
        scale = c.execute(select(m.DatasetInfo.value).where(m.DatasetInfo.key == "demo_scale"))
        assert scale.scalar() == "0.05"
    assert cohort["children"].sum() == round(283 * 0.05)
    with pytest.raises(ValueError, match="scale"), sparse.begin() as c:
        load_demo(c, scale=0)
