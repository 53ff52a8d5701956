"""The app's own table downloads: a context block like Fingertips', names that say what the file
is, and cells a spreadsheet cannot execute."""

from __future__ import annotations

import csv
import io
from datetime import date

import polars as pl

from domain.downloads import (
    SYNTHETIC_LINE,
    DownloadContext,
    context_lines,
    csv_with_context,
    disclosure_status,
    download_name,
)

CONTEXT = DownloadContext(
    title="Referrals each month by ward",
    page="Map",
    as_of=date(2026, 10, 31),
    disclosure=disclosure_status("area_committee", 5),
    area="Bradford South",
    period=(date(2025, 11, 1), date(2026, 10, 1)),
    filters={"Measure": "Referrals", "Risk level": "=cmd|' /C calc'!A0"},
    synthetic=True,
)


def test_the_context_block_says_what_the_table_is():
    lines = context_lines(CONTEXT)
    assert lines == [
        "# Title: Referrals each month by ward",
        "# Source: Bradford District child exploitation dashboard (partnership data); page: Map",
        "# Data as of: 31 October 2026",
        "# Area: Bradford South",
        "# Period: Nov 2025 to Oct 2026",
        "# Filters: Measure: Referrals; Risk level: =cmd|' /C calc'!A0",
        "# Disclosure: Area Committee disclosure control: counts 1–4 and cells that would reveal "
        "them shown as c",
        f"# {SYNTHETIC_LINE}",
    ]


def test_real_data_has_no_synthetic_line_and_the_whole_district_is_named():
    lines = context_lines(DownloadContext("Actions", "Strategic objectives", date(2026, 10, 31),
                                          disclosure_status("strategic_lead", 5)))  # fmt: skip
    assert "# Area: Bradford District" in lines
    assert not any("Synthetic" in line or "Period" in line for line in lines)
    assert "do not publish without Area Committee disclosure control" in lines[-1]


def test_disclosure_follows_the_threshold_and_the_role():
    assert "counts 1–9 " in disclosure_status("area_committee", 10)
    assert "MACE members only" in disclosure_status("mace", 5)
    assert "data management" in disclosure_status("data_manager", 5)


def test_the_csv_starts_with_the_block_and_neutralises_every_text_cell():
    frame = pl.DataFrame(
        {"Ward": ["=HYPERLINK(\"http://x\")", "@SUM(A1)", "+1", "-2", "Tong"], "Referrals": [1, 2, 3, 4, 5]}
    )  # fmt: skip
    data = csv_with_context(frame, CONTEXT)
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    block, table = text.split("Ward,Referrals\n")
    assert block.count("\n") == len(context_lines(CONTEXT))
    cells = [row[0] for row in csv.reader(io.StringIO(table))]
    assert cells == ['\'=HYPERLINK("http://x")', "'@SUM(A1)", "'+1", "'-2", "Tong"]
    numbers = [row[1] for row in csv.reader(io.StringIO(table))]
    assert numbers == ["1", "2", "3", "4", "5"]  # numbers are left alone
    read_back = pl.read_csv(io.BytesIO(data), comment_prefix="#")
    assert read_back.columns == ["Ward", "Referrals"] and read_back.height == 5


def test_a_context_value_that_starts_like_a_formula_cannot_run():
    context = DownloadContext("=1+1", "Map", date(2026, 10, 31), "x")
    assert context_lines(context)[0] == "# Title: =1+1"  # the '#' comes first: never a formula


def test_files_are_named_by_subject_area_and_period():
    assert (
        download_name("Referrals by ward", "Bradford South", CONTEXT.period, CONTEXT.as_of)
        == "referrals-by-ward-bradford-south-2025-11-to-2026-10.csv"
    )
    assert (
        download_name("Case list", None, (date(2026, 10, 1), date(2026, 10, 1)), CONTEXT.as_of)
        == "case-list-bradford-district-2026-10.csv"
    )
    assert (
        download_name("Objectives: actions!", None, None, CONTEXT.as_of)
        == "objectives-actions-bradford-district-as-of-2026-10-31.csv"
    )
