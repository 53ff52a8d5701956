"""Column mapping without Python callbacks inside Polars (they deadlocked app servers under load)."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from domain.frames import mapped, mapped_rows, thousands

ROOT = Path(__file__).resolve().parents[2]


def test_mapped_keeps_name_length_and_nulls():
    series = pl.Series("month", ["2024-01", None, "2024-03"])
    out = mapped(series, lambda m: m[:4])
    assert out.name == "month" and out.to_list() == ["2024", None, "2024"]
    assert mapped(series, lambda m: m is None, pl.Boolean, skip_nulls=False).to_list() == [
        False,
        True,
        False,
    ]
    assert mapped(pl.Series("x", [], dtype=pl.String), str.upper).len() == 0


def test_mapped_rows_passes_the_columns_in_order():
    frame = pl.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    assert mapped_rows(frame, ["b", "a"], lambda b, a: f"{b}{a}", "ab").to_list() == ["x1", "y2"]


def test_thousands_matches_python_formatting():
    values = [0, 7, 999, 1_000, 12_345, 999_999, 1_000_000, 1_234_567, -4_321, None]
    out = pl.DataFrame({"v": values}).select(thousands(pl.col("v"))).to_series().to_list()
    assert out == [None if v is None else f"{v:,}" for v in values]


def test_no_app_code_calls_python_back_from_polars():
    """``map_elements`` / ``map_batches`` / ``apply`` on Polars objects run Python on Polars' own
    threads; with several sessions per server they deadlocked (see domain/frames.py)."""
    pattern = re.compile(r"\.(map_elements|map_batches|map_rows|map_groups)\(")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("app.py", "pages", "dashboard", "data_access", "domain", "geo")
        for path in ([ROOT / folder] if folder.endswith(".py") else (ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_month_index_and_label_round_trip():
    from datetime import date

    from domain.frames import month_index, month_label

    frame = pl.DataFrame({"day": [date(2019, 1, 31), date(2026, 12, 1), None]})
    out = frame.select(i=month_index("day")).with_columns(label=month_label(pl.col("i")))
    assert out["i"].to_list() == [2019 * 12, 2026 * 12 + 11, None]
    assert out["label"].to_list() == ["2019-01", "2026-12", None]
