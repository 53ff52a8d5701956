"""The attacker against everything the public tier shows: every cell of the release (all five
areas at once, every table, the district, the briefing and the publication export), on the demo
store at scale 1 and at scale 0.05, and across two consecutive releases. Then the attacks of
issue 10 one by one, each shown to work against per-cell suppression (so the test can fail) and
to fail against the release."""

from __future__ import annotations

from datetime import date

import pytest

from data_access.engine import make_engine
from data_access.release.read import NotInRelease, public_cells
from domain.roles import AccessDenied, RoleScope
from tests.release_attacker import attack, pinned

WIDTH = 5


def assert_protected(published, targets, world, cross_check: int = 0) -> None:
    findings = attack(world, published, targets, WIDTH, cross_check=cross_check)
    assert len(findings) == len(targets)
    broken = pinned(findings, WIDTH)
    assert not broken, [(f.cell, f.truth, f.lo, f.hi) for f in broken[:5]]


def test_release_scale_1_resists_the_attacker(release_scale_1):
    release = release_scale_1
    targets = release.targets()
    assert len(targets) > 100  # the demo has many counts of 1 to 4 to protect
    levels = {c.level for c, _ in targets}
    assert {"area", "ward"} <= levels
    assert_protected(release.published(), targets, release.world, cross_check=1)


def test_release_sparse_resists_the_attacker(release_sparse):
    release = release_sparse
    targets = release.targets()
    assert len(targets) > len(release_sparse.published()) / 4  # sparse: much is small
    assert_protected(release.published(), targets, release.world, cross_check=1)


def test_two_consecutive_releases_together_resist_the_attacker(two_releases):
    """Last month's and this month's releases side by side: differencing over time recovers
    nothing, in either release."""
    last, this = two_releases
    assert last.manifest["release_month"] == "2026-09-01"
    assert this.manifest["release_month"] == "2026-10-01"
    assert this.manifest["parameters"]["earlier_cells_known"] > 0
    published = last.published() + this.published()
    targets = list(dict.fromkeys(last.targets() + this.targets()))
    assert_protected(published, targets, this.world)


# The named attacks of issue 10. Each runs on the sparse store, where they bite hardest: it shows
# the attack recovers counts from per-cell suppression (publishing every count except 1 to 4,
# which is what one-table-at-a-time suppression amounts to once tables overlap), so the test can
# fail, then that it recovers none from the release.


def named_attack(release, keep) -> None:  # noqa: ANN001
    targets = release.targets(keep)
    assert targets, "no hidden small counts in these tables: the attack tests nothing"
    naive = attack(release.world, release.primary_only(keep), targets, WIDTH)
    assert pinned(naive, WIDTH), "the attack should work against per-cell suppression"
    assert_protected(release.published(keep), targets, release.world)


def test_range_differencing_recovers_no_ward_count(release_sparse, sparse_db_url):
    """Map: one period minus another of the same ward. The public tier offers no free month
    ranges (the data layer refuses them), and differencing its fixed periods recovers nothing."""
    engine = make_engine(sparse_db_url)
    role = RoleScope("area_committee", "SOUTH")
    ward = release_sparse.world.wards_by_area["SOUTH"][0]
    with engine.connect() as connection, pytest.raises(NotInRelease):
        public_cells(connection, role, "referrals", [("ward", ward)],
                     [(date(2025, 11, 1), date(2025, 12, 1))])  # fmt: skip
    named_attack(release_sparse, lambda c: c.level in ("ward", "area") and c.category == "all")


def test_level_subtraction_recovers_no_risk_level(release_sparse):
    """All levels minus two of the three gives the third: not here."""
    named_attack(release_sparse, lambda c: c.measure == "children_at_risk" and c.level != "ward")


def test_district_minus_other_areas_recovers_no_area(release_sparse):
    """A councillor holds all five areas' packs: the district total minus four areas."""
    named_attack(release_sparse, lambda c: c.level in ("district", "area") and c.category == "all")


def test_year_minus_visible_quarters_recovers_nothing(release_sparse):
    """The briefing's year totals minus the quarters on its trend slide."""
    named_attack(
        release_sparse,
        lambda c: (
            c.level in ("district", "area") and c.measure in ("referrals", "missing_episodes")
        ),
    )


def test_wards_and_postcode_districts_are_never_published_together(release_sparse, sparse_db_url):
    """Wharfedale = LS21 + LS29: the public tier shows wards only, and refuses postcode districts."""
    assert set(release_sparse.frame["geography_level"].unique()) == {"district", "area", "ward"}
    codes = set(release_sparse.frame["geography_code"].unique())
    assert not any(code.startswith(("BD", "LS", "HX")) for code in codes)
    role = RoleScope("area_committee", "KEIGHLEY")
    with make_engine(sparse_db_url).connect() as connection, pytest.raises(AccessDenied):
        public_cells(connection, role, "referrals", [("postcode_district", "LS29")],
                     [(date(2025, 11, 1), date(2026, 10, 1))])  # fmt: skip


def test_publication_export_plus_dashboard_is_still_the_release(sparse_db_url, tmp_path):
    """``export --for-publication`` writes the release itself, so holding it beside the dashboard
    adds no equation the attacker did not already have above."""
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT

    env = {"DATABASE_URL": sparse_db_url, "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "data_access", "export", "--out", str(tmp_path / "x"),
                    "--for-publication"], cwd=REPO_ROOT, env=env, check=True)  # fmt: skip
    with make_engine(sparse_db_url).connect() as connection:
        from data_access.release.export import write_release

        write_release(connection, tmp_path / "r")
    exported = (tmp_path / "x" / "release.csv").read_text()
    assert exported == (tmp_path / "r" / "release.csv").read_text()
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["manifest.json", "release.csv"]
