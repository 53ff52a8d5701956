"""Entry point: page setup, the shared banner and sidebar, then the page the user picked."""

from __future__ import annotations

import streamlit as st

from dashboard import cache, ui

st.set_page_config(
    page_title="Bradford child exploitation dashboard",
    page_icon="assets/favicon.png",
    layout="wide",
    initial_sidebar_state="expanded",
)

cache.engine()  # first run on a fresh machine: creates the store and loads the demo data

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/map.py", title="Map", icon=":material/map:", url_path="map"),
    st.Page("pages/trends.py", title="Trends", icon=":material/show_chart:", url_path="trends"),
    st.Page(
        "pages/objectives.py",
        title="Strategic objectives",
        icon=":material/flag:",
        url_path="objectives",
    ),
]

page = st.navigation(PAGES)
ui.mark_entrypoint()
with st.sidebar:
    st.markdown("### Bradford District\nChild exploitation: partnership dashboard")
page.run()
ui.sidebar_footer()
