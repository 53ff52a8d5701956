"""Strategic objectives: progress of the six objectives and their actions (Appendix C)."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard import cache, charts, theme, ui, url_state
from dashboard.objective_links import objective_links
from dashboard.tables import wide_table
from domain.formatting import format_count
from domain.frames import mapped
from domain.objectives import objective_summary, quarter_ends, quarter_label, status_label
from domain.vocab import RAG_MARKERS, RAG_STATUSES

ui.page_header(
    "Strategic objectives",
    "Progress of the partnership's six strategic objectives and their actions, from each action's "
    "latest quarterly update. Status: ● on track, ▲ at risk, ■ off track, ✔ done.",
)
as_of = cache.data_as_of()
actions = cache.action_status(as_of)

summary = objective_summary(actions)
for row_start in (0, 3):
    columns = st.columns(3)
    for column, card in zip(
        columns, summary.slice(row_start, 3).iter_rows(named=True), strict=False
    ):
        with column.container(border=True):
            st.markdown(f"#### {card['objective_number']}. {card['objective']}")
            st.markdown(
                "  \n".join(
                    f"{RAG_MARKERS[s]} {RAG_STATUSES[s]}: **{format_count(card[s])}**"
                    for s in RAG_STATUSES
                )
            )
            st.markdown(
                f"Overdue: **{format_count(card['overdue'])}** of {card['actions']} actions"
            )
            st.progress(
                min(1.0, card["mean_progress"] / 100),
                text=f"Average progress {card['mean_progress']:.0f}%",
            )
            objective_links(card["objective_number"], ui.role())

st.header("Actions")
with st.sidebar:
    objective_filter = url_state.multiselect(
        "Objective",
        summary["objective_number"].to_list(),
        format_func=lambda n: (
            f"{n}. " + summary.filter(pl.col("objective_number") == n)["objective"].item()
        ),
        key="objectives-objective",
        param="objective",
    )
    status_filter = url_state.multiselect(
        "Status", list(RAG_STATUSES), format_func=status_label, key="objectives-status",
        param="status",
    )  # fmt: skip
    agency_filter = url_state.multiselect(
        "Lead agency", sorted(actions["lead_agency"].unique().to_list()), key="objectives-agency",
        param="agency",
    )  # fmt: skip
    overdue_only = url_state.flag(st.checkbox, "Overdue only", key="objectives-overdue",
                                  param="overdue")  # fmt: skip

shown = actions
if objective_filter:
    shown = shown.filter(pl.col("objective_number").is_in(objective_filter))
if status_filter:
    shown = shown.filter(pl.col("status").is_in(status_filter))
if agency_filter:
    shown = shown.filter(pl.col("lead_agency").is_in(agency_filter))
if overdue_only:
    shown = shown.filter(pl.col("overdue"))
table = shown.select(
    pl.col("objective_number").alias("Objective"),
    pl.col("action").alias("Action"),
    pl.col("lead_agency").alias("Lead agency"),
    pl.col("due_on").alias("Due"),
    (
        pl.col("status").replace_strict({s: status_label(s) for s in RAG_STATUSES}, default="")
        + pl.when(pl.col("overdue")).then(pl.lit(", overdue")).otherwise(pl.lit(""))
    ).alias("Status"),
    pl.col("progress_pct").alias("Progress"),
    pl.col("last_update").alias("Last update"),
    pl.col("note").alias("Latest note"),
)
st.caption(f"{table.height} of {actions.height} actions shown.")
ui.show_table(
    table,
    column_config={
        "Progress": st.column_config.ProgressColumn(min_value=0, max_value=100, format="%d%%"),
    },
)
ui.download_table(
    table, "Strategic actions", "objectives actions", "objectives-actions",
    filters={"Objective": objective_filter, "Status": [status_label(s) for s in status_filter],
             "Lead agency": agency_filter, "Overdue only": overdue_only},
)  # fmt: skip

st.header("Status over time")
quarters = tuple(quarter_ends(date(2021, 4, 1), as_of))
by_quarter = cache.rag_by_quarter(quarters)
by_quarter = by_quarter.with_columns(
    mapped(by_quarter["quarter_end"], quarter_label).alias("quarter")
)
figure = charts.status_bars(
    by_quarter.with_columns(pl.col("quarter_end").alias("x")),
    "x",
    RAG_STATUSES,
    theme.RAG_COLOURS,
    "Strategic actions by status at the end of each quarter",
    "Actions",
    cache.chart_context(),
    "Quarter end",
)
ui.chart_with_numbers(
    figure,
    wide_table(
        by_quarter.sort("quarter_end"), "status", "actions", RAG_STATUSES, "quarter", "Quarter"
    ),
    "actions-by-status-per-quarter",
    "objectives-quarters",
)
