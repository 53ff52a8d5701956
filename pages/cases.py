"""Case list (MACE members only): children at risk at a month end, by pseudonymous id, a page at a
time, most urgent first."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dashboard import cache, ui, url_state
from dashboard.tables import case_table
from data_access.sql import Scope
from domain.months import add_months, month_label, months_between
from domain.vocab import RISK_LEVELS

PAGE_SIZE = 200
PAGE_KEY = "cases-page"
FILTERS_KEY = "_cases_filters_seen"


def step_page(by: int) -> None:
    st.session_state[PAGE_KEY] = st.session_state.get(PAGE_KEY, 1) + by


ui.page_header(
    "Case list (MACE)",
    "Children open to the Risk Assessment Meeting at a month end, by pseudonymous id, for the "
    "MACE meeting's review: most urgent first (significant, then moderate, then emerging; within "
    "a level, the longest at it first). Confidential: not for Area Committees or publication.",
)
role = ui.role()
latest = cache.data_as_of().replace(day=1)
with st.sidebar:
    month = url_state.selectbox(
        "At the end of",
        list(reversed(months_between(add_months(latest, -23), latest))),
        format_func=month_label,
        key="cases-month",
        param="month",
    )
    area = ui.area_filter("cases-area")
    levels = url_state.multiselect(
        "Risk level", list(RISK_LEVELS), default=["significant"], format_func=RISK_LEVELS.get,
        key="cases-levels", param="level",
    )  # fmt: skip
    # Not kept in the link: a pseudonymous id does not belong in browser history or server logs.
    search = st.text_input(
        "Find a pseudonymous id or ward", key="cases-search", max_chars=40,
        placeholder="e.g. CE-00 or Tong", help="Part of an id or of a ward's name, any case.",
    ).strip()  # fmt: skip

scope = Scope(month, month, area_code=area)
filters = (month, area, tuple(levels), search)
if st.session_state.get(FILTERS_KEY, filters) != filters:
    st.session_state[PAGE_KEY] = 1  # new filters start at the top of the list
st.session_state[FILTERS_KEY] = filters

counts = cache.case_counts(role, scope, tuple(levels), search)
total = sum(counts.values())
pages = max(1, -(-total // PAGE_SIZE))


def rows_text(page: int) -> str:
    first = (page - 1) * PAGE_SIZE + 1
    return f"{first:,}–{min(page * PAGE_SIZE, total):,}" if total else "none"


st.metric(f"Children listed at the end of {month_label(month)}", f"{total:,}")
if len(counts) > 1:
    st.caption(" · ".join(f"{RISK_LEVELS[level]} {n:,}" for level, n in counts.items()))

previous, choice, following, shown = st.columns([1, 2, 1, 3], vertical_alignment="bottom")
with choice:
    page = url_state.selectbox(
        "Rows", list(range(1, pages + 1)), format_func=rows_text, key=PAGE_KEY, param="page",
        quiet=True,
    )  # fmt: skip
previous.button("‹ Previous", key="cases-previous", disabled=page <= 1, on_click=step_page,
                args=(-1,), width="stretch")  # fmt: skip
following.button("Next ›", key="cases-next", disabled=page >= pages, on_click=step_page,
                 args=(1,), width="stretch")  # fmt: skip
shown.markdown(f"Showing **{rows_text(page)}** of **{total:,}**" if total else "Showing none")

ui.audit_filters(
    "Case list (MACE)",
    {"month": month, "area": area, "levels": levels, "search": search, "page": page},
)
as_at = cache.data_as_of() if month == latest else add_months(month, 1) - timedelta(days=1)
if not levels:
    st.info("Choose at least one risk level to list children.")
elif not total:
    st.info("No child at these levels matches these filters at this month end.")
else:
    rows = cache.case_page(role, scope, counts, search, offset=(page - 1) * PAGE_SIZE,
                           limit=PAGE_SIZE)  # fmt: skip
    ui.show_table(case_table(rows, as_at))
    read_all = cache.case_list_reader(role, scope, tuple(levels), search)
    ui.download_table(
        lambda: case_table(read_all(), as_at),
        f"Children at risk at the end of {month_label(month)} (pseudonymous ids)",
        "case list", "cases", area_code=area, period=(month, month),
        filters={"Risk level": [RISK_LEVELS[level] for level in levels], "Search": search},
        label="Download the whole list (CSV)",
    )  # fmt: skip
st.caption(
    "Ids are pseudonymous: they cannot be turned back into a name without the source systems. "
    "This page is not cached and is available to MACE members only; the download holds the "
    "whole list for these filters, not only the rows shown."
)
