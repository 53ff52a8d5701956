"""Links from a strategic objective's card to the pages that show its effect, so a lead reads
action and outcome together. Which measures belong to which objective is data
(``domain.vocab.OBJECTIVE_MEASURES``): add a (label, page name) pair there to link a new page."""

from __future__ import annotations

import streamlit as st

from domain.roles import RoleScope
from domain.vocab import OBJECTIVE_MEASURES


def objective_links(objective: int, role: RoleScope) -> None:
    """One link per measure of ``objective``, only to pages ``role`` may open (the others are not
    registered in its navigation, and a link to them would fail). A page name ``x`` is the script
    ``pages/x.py``."""
    allowed = set(role.pages())
    for label, page in OBJECTIVE_MEASURES.get(objective, ()):
        if page in allowed:
            st.page_link(f"pages/{page}.py", label=f"Effect: {label}", icon=":material/insights:")
