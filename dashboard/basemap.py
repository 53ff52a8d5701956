"""Whether the street-map background can be drawn: it needs the tile server over the internet.

Without the check, a street map chosen offline draws an empty frame with no word of why. The
server asks the style URL once every few minutes (the dashboard and its users normally share a
network); when it cannot be reached the page says so and draws the plain background instead.
"""

from __future__ import annotations

import os
import urllib.request

import streamlit as st

STYLE_URL = "https://basemaps.cartocdn.com/gl/positron-gl-style/style.json"
CHECK_URL_ENV = "DASHBOARD_BASEMAP_CHECK_URL"  # tests point this at a closed port
PLAIN = "white-bg"


@st.cache_data(ttl="5m", show_spinner=False)
def street_map_reachable(url: str) -> bool:
    """True when the tile server's style answers within two seconds."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - fixed https URL
            return response.status == 200
    except (OSError, ValueError):
        return False


def usable(style: str) -> str:
    """The background to draw: the chosen one, or the plain one (with a message) when the
    street map cannot be reached."""
    if style == PLAIN or street_map_reachable(os.environ.get(CHECK_URL_ENV, STYLE_URL)):
        return style
    st.warning(
        "The street map cannot be reached from here (no internet connection to the map tile "
        "server), so the plain background is shown instead.",
        icon="🗺️",
    )
    return PLAIN
