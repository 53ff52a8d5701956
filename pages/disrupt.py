"""Disrupt and prosecute (strategic objective 5): non-recent CSE investigations by stage
(Operation Dalesway, report 2.17) and disruption activity against perpetrators and places."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import cache, measure_ui, ui, url_state
from dashboard import measures_cache as mcache
from dashboard.measure_charts import DISRUPTION_COLOURS, period_bars, stage_chart
from dashboard.measure_tables import category_wide, stage_wide, value_of
from data_access.sql import Scope
from domain.disclosure import SUPPRESSED_MARK
from domain.formatting import format_count
from domain.measures import DISRUPTION_TYPES, INVESTIGATION_STAGES, PIPELINE_STAGES
from domain.months import month_end, month_label, months_between

ui.page_header(
    "Disrupt and prosecute",
    "Strategic objective 5. Operation Dalesway's non-recent child sexual exploitation "
    "investigations at each month end, by stage from live to trial and conclusion, and the orders, "
    "notices, arrests and closures used to disrupt exploitation.",
)
role = ui.role()
public = role.policy.suppress
first = cache.data_from()
latest = cache.data_as_of().replace(day=1)
with st.sidebar:
    month = url_state.selectbox("Month end", list(reversed(months_between(first, latest))),
                                format_func=month_label, key="disrupt-month", param="month")  # fmt: skip
    start, end = measure_ui.month_range("disrupt-range", first, default_months=120)
ui.audit_filters("Disrupt and prosecute", {"month": month, "start": start, "end": end})
measure_ui.suppression_note()
context = measure_ui.chart_context()

st.header(f"Non-recent CSE investigations at {month_end(month):%-d %B %Y}")
stages = mcache.pipeline_table(role, Scope(month, month))
label = month.strftime("%Y-%m")


def live_count() -> int | None:
    if public:
        return value_of(stages, {"month": label, "stage": "live"}, "investigations")
    parts = [value_of(stages, {"month": label, "stage": s}, "investigations")
             for s in PIPELINE_STAGES if s.startswith("live")]  # fmt: skip
    return sum(parts)


columns = st.columns(4)
for column, (code, title) in zip(columns, (("live", "Live investigations"), ("charged", "Charged"),
                                           ("pending_trial", "Pending trial"), ("concluded", "Concluded")), strict=True):  # fmt: skip
    value = (
        live_count()
        if code == "live"
        else value_of(stages, {"month": label, "stage": code}, "investigations")
    )
    column.metric(title, format_count(value), border=True)
if not public:
    st.markdown(
        f"Of the live investigations, **{format_count(value_of(stages, {'month': label, 'stage': 'live_cps_lawyer'}, 'investigations'))}** "
        "have a CPS complex-case lawyer allocated and victims in "
        f"**{format_count(value_of(stages, {'month': label, 'stage': 'live_victim_disclosure'}, 'investigations'))}** "
        "are still at the disclosure stage."
    )  # fmt: skip

summary = mcache.stage_summary(role, month)
headings = {"investigations": "Investigations", "suspects": "Suspects", "suspects_charged": "Suspects charged",
            "indictments": "Indictments", "victims_engaged": "Victims engaged"}  # fmt: skip
shown = summary.select(
    pl.col("stage").replace_strict({**INVESTIGATION_STAGES, "Total": "All stages"}).alias("Stage"),
    *[pl.when(pl.col(f"{c}_suppressed")).then(pl.lit(SUPPRESSED_MARK)).otherwise(pl.col(c).cast(pl.String)).alias(h)
      if summary[f"{c}_suppressed"].any() else pl.col(c).alias(h)
      for c, h in headings.items() if c in summary.columns],
)  # fmt: skip
measure_ui.table_with_csv(
    shown, f"investigations-by-stage-{label}", "disrupt-summary",
    "Indictments: counts on the indictments of charged cases where known (blank until recorded). "
    + ("Investigation counts are in the chart below; each column here is protected on its own."
       if public else ""),
)  # fmt: skip

st.header("Investigations by stage over time")
history = Scope(start, end)
table = mcache.pipeline_table(role, history)
labels = INVESTIGATION_STAGES if public else PIPELINE_STAGES
ui.chart_with_numbers(
    stage_chart(table, labels, "Non-recent CSE investigations at each month end by stage, Bradford District",
                "Investigations (month end)", context),  # fmt: skip
    stage_wide(table, labels), "investigations-by-stage", "disrupt-stages",
)  # fmt: skip
st.caption(
    "District-wide: investigations are not placed by ward. Live: not yet charged. Counts at each "
    "month end come from each investigation's latest update on or before it."
)

if role.sees_cases:
    st.header("Investigations (MACE only)")
    cases = mcache.investigation_cases(role, month).select(
        pl.col("investigation").alias("Reference"), pl.col("opened_on").alias("Opened"),
        pl.col("stage").replace_strict(INVESTIGATION_STAGES).alias("Stage"),
        pl.col("pipeline").replace_strict(PIPELINE_STAGES).alias("Where it is"),
        pl.col("suspects").alias("Suspects"), pl.col("suspects_charged").alias("Charged"),
        pl.col("indictments").cast(pl.String).fill_null("not yet known").alias("Indictments"), pl.col("victims_engaged").alias("Victims engaged"),
        pl.col("updated_on").alias("Last update"),
    )  # fmt: skip
    measure_ui.table_with_csv(cases, f"investigations-{label}-mace-only", "disrupt-cases")
    st.caption(
        "Case-level detail is for MACE members only: no other role's page, cache or export holds these rows."
    )

st.header("Disruption activity")
period = "year" if public else "quarter"
activity = mcache.disruption_table(role, Scope(start, end, area_code=None), period)
cells = activity.filter((pl.col("period") != "Total") & (pl.col("activity_type") != "Total"))
x_title = "Financial year (April to March)" if period == "year" else "Calendar quarter"
ui.chart_with_numbers(
    period_bars(cells, "activity_type", "activities", DISRUPTION_TYPES, DISRUPTION_COLOURS,
                f"Disruption activity by type each {'financial year' if period == 'year' else 'quarter'}, Bradford District",
                "Activities", context, x_title),  # fmt: skip
    category_wide(activity, "period", "activity_type", "activities", DISRUPTION_TYPES,
                  "Financial year" if period == "year" else "Quarter"),  # fmt: skip
    f"disruption-by-{period}", "disrupt-activity",
)  # fmt: skip
st.caption(
    f"From {month_label(start)} to {month_label(end)}; a period cut by the months chosen is "
    "partial. Orders and notices: Child Abduction Warning Notices, Sexual Harm Prevention Orders, "
    "Slavery and Trafficking Risk Orders. Closures: locations of concern closed."
    + (
        " Shown by financial year in public, where quarters would be too small to show."
        if public
        else ""
    )
)
