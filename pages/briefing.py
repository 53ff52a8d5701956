"""Area briefing: the Area Committee update as slides for the committee-room screen, and as a
PDF pack for the agenda. Always under public disclosure control, whoever is presenting."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import briefing_slides as slides
from dashboard import cache, ui
from dashboard.briefing_pack import PackContext, StaticChartsUnavailable, build_pack, pack_filename
from dashboard.services_tables import BRIEFING_HEADER, briefing_rows
from domain.briefing_figures import default_period
from domain.disclosure import suppression_threshold
from domain.months import add_months, month_label, months_between
from domain.narrative import narrative

SLIDE_KEY, PRESENT_KEY = "briefing-slide", "briefing-present"
PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header,
[data-testid="stToolbar"] { display: none !important; }
.block-container { max-width: 1500px; padding-top: 1.5rem; }
.stApp, .stMarkdown p, .stMarkdown li, td, th { font-size: 1.45rem !important; color: #000 !important; }
h1 { font-size: 2.8rem !important; } h2 { font-size: 2.2rem !important; }
[data-testid="stMetricValue"] { font-size: 3.2rem !important; }
</style>
"""

ui.ensure_entrypoint()
role = ui.role()
threshold = suppression_threshold()
presenting = st.session_state.get(PRESENT_KEY, False)
if presenting:
    st.markdown(PRESENTATION_CSS, unsafe_allow_html=True)
else:
    ui.page_header(
        "Area briefing",
        "The yearly child exploitation update for an Area Committee, as slides for the "
        "committee-room screen and as a PDF pack for the agenda. Small numbers are always hidden "
        "here, whoever is presenting.",
    )

areas = cache.area_committees()
names = dict(zip(areas["code"].to_list(), areas["name"].to_list(), strict=True))
own_area = role.area_code if role.role == "area_committee" else None
default_end = default_period(cache.data_as_of()).end
with st.sidebar:
    area = st.selectbox(
        "Area Committee", [own_area] if own_area else list(names), format_func=names.get,
        key="briefing-area",
    )  # fmt: skip
    ends = list(reversed(months_between(add_months(default_end, -36), default_end)))
    end = st.selectbox(
        "Twelve months ending", ends, format_func=month_label, key="briefing-end",
        help="Compared with the 12 months before.",
    )  # fmt: skip
    st.toggle("Presentation mode", key=PRESENT_KEY, help="Full screen slides for the big screen.")
ui.audit_filters("Area briefing", {"area": area, "end": end})

figures = cache.briefing_figures(area, end)
context = cache.chart_context()
slide = min(max(st.session_state.get(SLIDE_KEY, 0), 0), len(slides.SLIDE_TITLES) - 1)


def go(step: int) -> None:
    st.session_state[SLIDE_KEY] = min(max(slide + step, 0), len(slides.SLIDE_TITLES) - 1)


left, middle, right = st.columns([1, 4, 1])
left.button("◀ Previous", on_click=go, args=(-1,), disabled=slide == 0, shortcut="Left",
            width="stretch", key="briefing-previous")  # fmt: skip
middle.markdown(
    f"<div style='text-align:center'><b>Slide {slide + 1} of {len(slides.SLIDE_TITLES)}</b>"
    f" · {slides.SLIDE_TITLES[slide]}</div>",
    unsafe_allow_html=True,
)
right.button("Next ▶", on_click=go, args=(1,), disabled=slide == len(slides.SLIDE_TITLES) - 1,
             shortcut="Right", width="stretch", key="briefing-next")  # fmt: skip

st.header(f"{slides.SLIDE_TITLES[slide]}: {figures.area_name}")
st.caption(
    f"{figures.period.label()} compared with {figures.period.label('previous')} · "
    f"data as of {figures.as_of:%-d %B %Y}"
    + (" · **synthetic demo data**" if cache.is_synthetic() else "")
)

if slide == 0:
    header = ["Measure", f"{figures.area_name}, earlier year", f"{figures.area_name}, latest year",
              "Change in area", "District, earlier year", "District, latest year",
              "Change in district"]  # fmt: skip
    rows = slides.headline_rows(figures, threshold)
    st.table(pl.DataFrame(rows, schema=header, orient="row").to_pandas().set_index("Measure"))
    for sentence in narrative(figures, threshold):
        st.markdown(f"- {sentence}")
    st.caption("c: hidden to protect children's privacy.")
elif slide == 1:
    map_column, table_column = st.columns([3, 1])
    map_column.plotly_chart(slides.map_figure(figures, context), theme=None, key="briefing-map")
    table_column.table(
        pl.DataFrame(slides.ward_rows(figures), schema=["Ward", "Referrals"], orient="row")
        .to_pandas()
        .set_index("Ward")
    )
    st.caption("The rest of the district is greyed. Shapes are approximate, from postcode points.")
elif slide == 2:
    for index, figure in enumerate(slides.trend_figures(figures, context)):
        st.plotly_chart(figure, theme=None, key=f"briefing-trend-{index}")
elif slide == 3:
    columns = st.columns(3)
    for index, objective in enumerate(slides.objectives_rows(figures)):
        with columns[index % 3].container(border=True):
            st.markdown(f"**{objective['title']}**")
            st.caption(objective["counts"])
            for action in objective["actions"]:
                st.markdown(f"- {action}")
elif slide == 4:
    st.table(pl.DataFrame(briefing_rows(figures.services), schema=BRIEFING_HEADER[:1] + [
        "What it does", "In the service at the end: area", "In the service: district",
        "Taken on in the year: area", "Taken on: district"], orient="row").to_pandas().set_index("Service"))  # fmt: skip
    st.caption("One-to-one cases. c: hidden to protect children's privacy. Also working across "
               "the district: " + "; ".join(f"{n} ({w})" for n, w in slides.SERVICES[4:]) + ".")  # fmt: skip
else:
    for term, meaning in slides.DEFINITIONS:
        st.markdown(f"**{term}**: {meaning}")
    st.subheader("Data notes")
    for note in slides.data_notes(threshold, cache.is_synthetic()):
        st.markdown(f"- {note}")

st.divider()
if presenting:
    st.button(
        "Leave presentation mode", on_click=lambda: st.session_state.update({PRESENT_KEY: False})
    )
else:
    st.caption("Keyboard: ← and → move between slides.")
    if st.button("Prepare the briefing pack (PDF)", type="primary", key="briefing-prepare"):
        context_line = PackContext(
            source=context.source, as_of=figures.as_of, period=figures.period.label(),
            synthetic=cache.is_synthetic(),
        )  # fmt: skip
        try:
            with st.spinner("Drawing the charts and writing the PDF…"):
                st.session_state["briefing-pdf"] = (
                    pack_filename(figures.area_name, figures.as_of),
                    build_pack(figures, context_line, threshold),
                )
        except StaticChartsUnavailable as error:
            st.error(str(error))
    if "briefing-pdf" in st.session_state:
        file_name, pdf = st.session_state["briefing-pdf"]
        st.download_button(
            f"Download {file_name}", data=pdf, file_name=file_name, mime="application/pdf",
            on_click=lambda: cache.record_audit(ui.viewer(), "export", file_name, {"area": area}),
            key="briefing-download",
        )  # fmt: skip
