"""Audit log (data managers): every page view, filter change, export and import."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import streamlit as st

from dashboard import cache, ui, url_state
from data_access.audit import ACTIONS

ui.page_header(
    "Audit log",
    "Who looked at, filtered, exported or imported what, and when. The log is append-only: the "
    "store refuses any change or deletion.",
)
role = ui.role()
with st.sidebar:
    chosen = url_state.day_range(
        "Between", key="audit-dates", param="between", low=date(2000, 1, 1), high=date.today(),
        default=(date.today() - timedelta(days=30), date.today()),
    )  # fmt: skip
    since, until = chosen if len(chosen) == 2 else (chosen[0], chosen[0])
    action = url_state.selectbox(
        "Action", [None, *ACTIONS], format_func=lambda a: a or "All", key="audit-action",
        param="action",
    )  # fmt: skip
    user = (
        url_state.text("User e-mail (exact)", key="audit-user", param="user").strip().lower()
        or None
    )
ui.audit_filters("Audit log", {"since": since, "until": until, "action": action, "user": user})

events = cache.audit_events(
    role,
    since=datetime.combine(since, datetime.min.time()),
    until=datetime.combine(until + timedelta(days=1), datetime.min.time()),
    user_email=user,
    action=action,
)
st.metric("Events shown", f"{events.height:,}")
ui.show_table(
    events.rename(
        {"occurred_at": "When", "user_email": "User", "role": "Role", "action": "Action",
         "page": "Page or file", "parameters": "Parameters"}
    ),
    column_config={"When": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm:ss")},
)  # fmt: skip
ui.download_table(
    events, f"Audit log, {since:%-d %B %Y} to {until:%-d %B %Y}", f"audit log {since:%Y-%m-%d} to {until:%Y-%m-%d}",
    "audit-log", filters={"Action": action, "User": user}, label="Download the audit log (CSV)",
)  # fmt: skip
