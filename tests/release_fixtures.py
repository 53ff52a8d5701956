"""Session fixtures for the public release: a sparse demo store (scale 0.05), two consecutive
releases on it, and each release read back as the public reads it (release.csv + manifest.json).

Releases are built once per test session (the scale-1 release comes with ``demo_db_url``).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import delete

from data_access import models as m
from data_access.engine import make_engine
from data_access.release.atoms import wards_by_area
from data_access.release.build import build_release
from data_access.release.export import write_release
from data_access.store import rebuild_demo
from tests.release_attacker import Cell, World

RELEASE_MONTH = date(2026, 10, 1)  # the demo data run to 31 October 2026


@dataclass
class Published:
    """One release as a member of the public holds it, with the true values beside it."""

    world: World
    manifest: dict
    frame: pl.DataFrame  # release.csv as read back
    truth: pl.DataFrame  # the same rows from --unprotected

    def cells(self) -> list[tuple[Cell, int | None, int]]:
        """(cell, published value or None, true value)."""
        out = []
        for row, true in zip(self.frame.iter_rows(named=True), self.truth["value"], strict=True):
            value = row["value"]
            out.append((Cell.from_row(row), None if value in (None, "") else int(value), int(true)))
        return out

    def published(self, keep=lambda cell: True) -> list[tuple[Cell, int]]:  # noqa: ANN001
        return [(c, v) for c, v, _ in self.cells() if v is not None and keep(c)]

    def targets(self, keep=lambda cell: True) -> list[tuple[Cell, int]]:  # noqa: ANN001
        """Hidden cells whose true value is 1 to 4 (what must stay protected)."""
        return [(c, t) for c, v, t in self.cells() if v is None and 1 <= t <= 4 and keep(c)]

    def primary_only(self, keep=lambda cell: True) -> list[tuple[Cell, int]]:  # noqa: ANN001
        """What per-cell suppression alone would publish: every true value except 1 to 4."""
        return [(c, t) for c, _, t in self.cells() if not 1 <= t <= 4 and keep(c)]


def read_release(url: str, folder: Path, release_id: int | None = None) -> Published:
    engine = make_engine(url)
    with engine.connect() as connection:
        write_release(connection, folder / "protected", release_id=release_id)
        write_release(connection, folder / "unprotected", unprotected=True, release_id=release_id)
        world = World({}, wards_by_area(connection))
    manifest = json.loads((folder / "protected" / "manifest.json").read_text())
    world.manifest_measures = manifest["measures"]
    frame = pl.read_csv(folder / "protected" / "release.csv", infer_schema_length=0)
    truth = pl.read_csv(folder / "unprotected" / "release.csv", infer_schema_length=0)
    engine.dispose()
    return Published(world, manifest, frame, truth)


@pytest.fixture(scope="session")
def release_scale_1(demo_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Published:
    """The release built with the calibrated demo store (scale 1)."""
    return read_release(demo_db_url, tmp_path_factory.mktemp("release-1"))


@pytest.fixture(scope="session")
def sparse_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo at a twentieth of the children (``load-demo --scale 0.05``), with its release."""
    path = tmp_path_factory.mktemp("sparse") / "sparse.sqlite"
    url = f"sqlite:///{path}"
    rebuild_demo(make_engine(url), 0.05)
    return url


@pytest.fixture(scope="session")
def release_sparse(sparse_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Published:
    return read_release(sparse_db_url, tmp_path_factory.mktemp("release-sparse"))


@pytest.fixture(scope="session")
def two_releases(
    sparse_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Published, Published]:
    """Last month's release, then this month's built knowing it (on a copy of the sparse store)."""
    folder = tmp_path_factory.mktemp("two-releases")
    path = folder / "two.sqlite"
    shutil.copy(make_engine(sparse_db_url).url.database, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(delete(m.PublicReleaseCell))
        connection.execute(delete(m.PublicRelease))
        first = build_release(connection, date(2026, 9, 1)).release_id
    with engine.begin() as connection:
        second = build_release(connection, RELEASE_MONTH).release_id
    engine.dispose()
    return (
        read_release(url, folder / "first", first),
        read_release(url, folder / "second", second),
    )
