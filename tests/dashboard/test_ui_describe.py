"""The screen-reader summary of a chart reads its own table, whatever the numbers look like."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.ui import describe


def test_summary_reads_counts_written_with_thousands_separators():
    """Public tables write counts as text ("9,147"); at a real partnership's volume an area's
    yearly count passes 999 (this failed on the scale-100 store: an error page for councillors)."""
    figure = go.Figure(layout={"title": {"text": "Referrals by year, Bradford South"}})
    table = pl.DataFrame({"Period": ["2024/25", "2025/26", "2026/27"],
                          "Total": ["9,147", "c", "12,001"]})  # fmt: skip
    summary = describe(figure, table)
    assert summary.startswith("Chart: Referrals by year, Bradford South")
    assert "12,001" in summary and "9,147" in summary
