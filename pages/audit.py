"""Audit log (data managers): every page view, filter change, export and import."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import streamlit as st

from dashboard import cache, ui
from data_access.audit import ACTIONS

ui.page_header(
    "Audit log",
    "Who looked at, filtered, exported or imported what, and when. The log is append-only: the "
    "store refuses any change or deletion.",
)
role = ui.role()
with st.sidebar:
    since, until = st.date_input(
        "Between", value=(date.today() - timedelta(days=30), date.today()), key="audit-dates"
    )
    action = st.selectbox(
        "Action", [None, *ACTIONS], format_func=lambda a: a or "All", key="audit-action"
    )
    user = st.text_input("User e-mail (exact)", key="audit-user").strip().lower() or None
ui.audit_filters("Audit log", {"since": since, "until": until, "action": action, "user": user})

events = cache.audit_events(
    role,
    since=datetime.combine(since, datetime.min.time()),
    until=datetime.combine(until + timedelta(days=1), datetime.min.time()),
    user_email=user,
    action=action,
)
st.metric("Events shown", f"{events.height:,}")
st.dataframe(
    events.rename(
        {"occurred_at": "When", "user_email": "User", "role": "Role", "action": "Action",
         "page": "Page or file", "parameters": "Parameters"}
    ),
    hide_index=True,
    column_config={"When": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm:ss")},
)  # fmt: skip
ui.download_table(
    events, f"Audit log, {since:%-d %B %Y} to {until:%-d %B %Y}", f"audit log {since:%Y-%m-%d} to {until:%Y-%m-%d}",
    "audit-log", filters={"Action": action, "User": user}, label="Download the audit log (CSV)",
)  # fmt: skip
