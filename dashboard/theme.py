"""One colour per category on every chart (UK Analysis Function palette, colour-blind safe),
with a pattern or marker for each so colour is never the only cue."""

from __future__ import annotations

DARK_BLUE = "#12436D"
TURQUOISE = "#28A197"
DARK_PINK = "#801650"
ORANGE = "#F46A25"
DARK_GREY = "#3D3D3D"
LIGHT_PURPLE = "#A285D1"
MID_BLUE = "#2073BC"
LIGHT_BLUE = "#6BACE6"
MID_GREY = "#8C8C8C"
OLIVE = "#8A7A00"

FONT_FAMILY = "Arial, Helvetica, sans-serif"
FONT_SIZE = 16
CHART_HEIGHT = 520

RISK_LEVEL_COLOURS = {"emerging": TURQUOISE, "moderate": ORANGE, "significant": DARK_PINK}
RAG_COLOURS = {"on_track": DARK_BLUE, "at_risk": ORANGE, "off_track": DARK_PINK, "done": MID_GREY}
PLACEMENT_COLOURS = {
    "home": DARK_BLUE,
    "foster": TURQUOISE,
    "residential": DARK_PINK,
    "other": ORANGE,
}
EXPLOITATION_COLOURS = {
    "cse": DARK_BLUE,
    "cce": TURQUOISE,
    "county_lines": DARK_PINK,
    "missing": ORANGE,
    "online_grooming": LIGHT_PURPLE,
    "msht": DARK_GREY,
    "hsb": MID_BLUE,
    "cuckooing": LIGHT_BLUE,
    "soc": MID_GREY,
    "radicalisation": OLIVE,
}
AGENCY_COLOURS = {
    "police": DARK_BLUE,
    "social_care": TURQUOISE,
    "education": DARK_PINK,
    "health": ORANGE,
    "youth_service": LIGHT_PURPLE,
    "voluntary": DARK_GREY,
    "family": MID_BLUE,
}
PATTERNS = ("", "/", ".", "x", "\\", "+", "-", "|", "", "/")
LINE_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
MARKERS = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross", "pentagon")
MAP_SCALE = ["#E8F1FA", "#9CC3E6", "#4C8CC9", "#1F5E99", "#12436D"]
CONTEXT_GREY = "#D9D9D9"


def pattern_for(index: int) -> str:
    return PATTERNS[index % len(PATTERNS)]


def marker_for(index: int) -> str:
    return MARKERS[index % len(MARKERS)]
