"""The Area briefing page's screen furniture: presentation mode that fits a 16:9 projector,
the slide number in the link, and a PDF pack that belongs to the area and period it was made for.
"""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import streamlit as st

from dashboard import cache, ui, url_state
from dashboard.briefing_pack import PackContext, StaticChartsUnavailable, build_pack, pack_filename
from dashboard.charts import ChartContext, wrap_title
from domain.briefing_figures import BriefingFigures

PDF_KEY = "briefing-pdf"

# Sizes follow the screen height (vh), so one slide fills a 1280x720 projector and a 1920x1080
# screen alike without scrolling; text, charts, the slide counter and the buttons grow with it.
PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header,
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 1vh 2.5vw 0 !important; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.8vh !important; }
.stApp, .stMarkdown p, .stMarkdown li, td, th { font-size: 2.45vh !important; color: #000 !important; }
.stMarkdown li { margin-bottom: 0.2vh !important; }
.stMarkdown p { margin-bottom: 0.5vh !important; }
td, th { padding: 0.5vh 0.8vw !important; }
h2 { font-size: 4vh !important; padding: 0.4vh 0 !important; }
h3 { font-size: 3vh !important; padding: 0.4vh 0 !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { font-size: 2.1vh !important; }
[data-testid="stAlert"] p { font-size: 1.9vh !important; }
[data-testid="stAlert"] > div { padding: 0.6vh 1vw !important; }
.slide-counter, .slide-counter b { font-size: 3vh !important; }
.st-key-slide-controls button { min-height: 6vh !important; padding: 0.6vh 1.6vw !important; }
.st-key-slide-controls button p { font-size: 2.8vh !important; }
[data-testid="stMetricValue"] { font-size: 5vh !important; }
[data-testid="stVerticalBlockBorderWrapper"] { padding: 0.8vh 0.8vw !important; }
</style>
"""


# Figure heights in presentation mode, chosen for the smallest screen (720 px high): the slide
# heading, caption and controls take about 200 px.
FIT_HEIGHTS = {"map": 500, "trend": 470}


def presenting_from_url(key: str) -> bool:
    """Presentation mode, before its toggle is drawn: from the session, else from the link."""
    if key in st.session_state:
        return bool(st.session_state[key])
    return url_state.read("present") == "yes"


def current_slide(key: str, count: int) -> int:
    """The slide shown (0-based): kept in the session, first read from ``?slide=N``."""
    if key not in st.session_state:
        raw = url_state.read("slide") or "1"
        st.session_state[key] = int(raw) - 1 if raw.isdigit() else 0
    slide = min(max(int(st.session_state[key]), 0), count - 1)
    url_state.write("slide", str(slide + 1))
    return slide


def fit(figure: go.Figure, presenting: bool, kind: str) -> go.Figure:
    """On the big screen: a figure that fits the slide, with larger text. The slide's caption
    already gives the source and date, so the chart's own footer goes."""
    if not presenting:
        return figure
    figure.layout.annotations = [
        a for a in figure.layout.annotations if not str(a.text or "").startswith("Source:")
    ]
    narrow = kind == "trend"  # three side by side
    if narrow:
        title = str(figure.layout.title.text or "").replace("<br>", " ")
        figure.update_layout(title={"text": wrap_title(title, 34)[0]})
        figure.update_xaxes(title=None)
    figure.update_layout(
        height=FIT_HEIGHTS[kind],
        font={"size": 17},
        title={"font": {"size": 19}},
        legend={"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top", "font": {"size": 15}},
        margin={"l": 60, "r": 10, "t": 70 if narrow else 60, "b": 10},
    )
    if narrow:
        figure.update_layout(margin={"b": 130}, legend={"y": -0.1})
    return figure


def pack_download(
    figures: BriefingFigures, area: str, end: date, context: ChartContext, threshold: int
) -> None:
    """Prepare the PDF pack; the download offered is always the one for this area and period."""
    file_name = pack_filename(figures.area_name, figures.as_of, figures.period.end)
    if st.button("Prepare the briefing pack (PDF)", type="primary", key="briefing-prepare"):
        pack_context = PackContext(
            source=context.source, as_of=figures.as_of, period=figures.period.label(),
            synthetic=cache.is_synthetic(),
        )  # fmt: skip
        try:
            with st.spinner("Drawing the charts and writing the PDF…"):
                st.session_state[PDF_KEY] = {
                    "area": area, "end": end, "file_name": file_name,
                    "pdf": build_pack(figures, pack_context, threshold),
                }  # fmt: skip
        except StaticChartsUnavailable as error:
            st.error(str(error))
    built = st.session_state.get(PDF_KEY)
    if not built:
        return
    if (built["area"], built["end"]) != (area, end):
        st.caption(
            f"The pack prepared earlier ({built['file_name']}) was for another area or period; "
            "prepare one for this view."
        )
        return
    st.download_button(
        f"Download {built['file_name']}", data=built["pdf"], file_name=built["file_name"],
        mime="application/pdf", key="briefing-download",
        on_click=lambda: cache.record_audit(ui.viewer(), "export", built["file_name"], {"area": area}),
    )  # fmt: skip
