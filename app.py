"""Entry point: page setup, who is looking, the pages their role allows, then the chosen page."""

from __future__ import annotations

import streamlit as st

from dashboard import cache, live, page_style, ui, url_state
from dashboard.auth import current_viewer

st.set_page_config(
    page_title="Bradford child exploitation dashboard",
    page_icon="assets/favicon.png",
    layout="wide",
    initial_sidebar_state="auto",  # open on desktops, closed on phones
)

cache.engine()  # first run on a fresh machine: creates the store and loads the demo data
live.start_rerun()  # the store version for this rerun: part of every query cache key

ALL_PAGES = {
    "overview": st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:"),
    "map": st.Page("pages/map.py", title="Map", icon=":material/map:", url_path="map"),
    "trends": st.Page(
        "pages/trends.py", title="Trends", icon=":material/show_chart:", url_path="trends"
    ),
    "education": st.Page(
        "pages/education.py", title="Education", icon=":material/school:", url_path="education"
    ),
    "msht": st.Page(
        "pages/msht.py", title="Modern slavery", icon=":material/link_off:", url_path="msht"
    ),
    "disrupt": st.Page(
        "pages/disrupt.py",
        title="Disrupt and prosecute",
        icon=":material/gavel:",
        url_path="disrupt",
    ),
    "objectives": st.Page(
        "pages/objectives.py",
        title="Strategic objectives",
        icon=":material/flag:",
        url_path="objectives",
    ),
    "services": st.Page(
        "pages/services.py", title="Services", icon=":material/diversity_3:", url_path="services"
    ),
    "briefing": st.Page(
        "pages/briefing.py", title="Area briefing", icon=":material/slideshow:", url_path="briefing"
    ),
    "hotspots": st.Page(
        "pages/hotspots.py",
        title="Hot spots (MACE)",
        icon=":material/location_on:",
        url_path="hotspots",
    ),
    "meeting": st.Page(
        "pages/mace_meeting.py",
        title="MACE meeting",
        icon=":material/groups:",
        url_path="meeting",
    ),
    "cases": st.Page(
        "pages/cases.py", title="Case list (MACE)", icon=":material/group:", url_path="cases"
    ),
    "data": st.Page("pages/data.py", title="Data", icon=":material/upload_file:", url_path="data"),
    "audit": st.Page(
        "pages/audit.py", title="Audit log", icon=":material/policy:", url_path="audit"
    ),
}

with st.sidebar:
    st.markdown("### Bradford District\nChild exploitation: partnership dashboard")
url_state.begin()
viewer = current_viewer()
url_state.set_role(viewer.audit_role)
st.session_state[ui.VIEWER_KEY] = viewer
ui.all_numbers_toggle()
# Only the role's pages are registered, so any other page cannot be opened by URL either.
page = st.navigation([ALL_PAGES[name] for name in viewer.scope.pages()])
st.set_page_config(page_title=f"{page.title} · Bradford child exploitation dashboard")
page_style.apply()
ui.mark_entrypoint()
live.page_opened(page.title)
ui.audit_page_view(viewer, page.title)
page.run()
url_state.finish()
ui.sidebar_footer()
