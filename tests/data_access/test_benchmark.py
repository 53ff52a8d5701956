"""The benchmark command runs end to end on a tiny store (its timings are not asserted: they
belong in the README, not in a test), and both paths it compares give the same numbers."""

from __future__ import annotations

from data_access import benchmark
from data_access.engine import make_engine
from data_access.store import rebuild_demo


def test_benchmark_runs_on_a_sparse_store_and_both_paths_agree(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'sparse.sqlite'}"
    rebuild_demo(make_engine(url), scale=0.05)
    monkeypatch.setenv("DATABASE_URL", url)
    code = benchmark.main(["--scale", "0.05", "--repeat", "1", "--no-pages", "--no-browser"])
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| ") and "Data call" not in line]
    assert code == 0
    assert len(rows) >= 20  # every call for every role it applies to
    assert not any("| NO |" in row for row in rows)
    assert sum("| yes |" in row for row in rows) >= 9  # checked for the unsuppressed roles
    assert {row.split(" | ")[0].strip("| ") for row in rows} >= {
        "Overview", "Map", "Trends", "Area briefing", "Hot spots"
    }  # fmt: skip
