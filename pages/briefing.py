"""Area briefing: the Area Committee update as slides for the committee-room screen, and as a
PDF pack for the agenda. Always under public disclosure control, whoever is presenting."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import briefing_screen as slides_screen
from dashboard import briefing_slides as slides
from dashboard import cache, ui, url_state
from dashboard.services_tables import BRIEFING_HEADER, briefing_rows
from domain.briefing_figures import default_period
from domain.disclosure import suppression_threshold
from domain.months import add_months, month_label, months_between
from domain.narrative import narrative

SLIDE_KEY, PRESENT_KEY = "briefing-slide", "briefing-present"

ui.ensure_entrypoint()
role = ui.role()
threshold = suppression_threshold()
presenting = slides_screen.presenting_from_url(PRESENT_KEY)
if presenting:
    st.markdown(slides_screen.PRESENTATION_CSS, unsafe_allow_html=True)
    url_state.notice_slot()
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
    area = url_state.selectbox(
        "Area Committee", [own_area] if own_area else list(names), format_func=names.get,
        key="briefing-area", param="area", role_bound=True,
    )  # fmt: skip
    ends = list(reversed(months_between(add_months(default_end, -36), default_end)))
    end = url_state.selectbox(
        "Twelve months ending", ends, format_func=month_label, key="briefing-end",
        help="Compared with the 12 months before.", param="end",
    )  # fmt: skip
    url_state.flag(st.toggle, "Presentation mode", key=PRESENT_KEY, param="present",
                   help="Full screen slides for the big screen. Esc leaves it.")  # fmt: skip
ui.audit_filters("Area briefing", {"area": area, "end": end})

figures = cache.briefing_figures(area, end)
context = cache.chart_context()
slide = slides_screen.current_slide(SLIDE_KEY, len(slides.SLIDE_TITLES))


def go(step: int) -> None:
    st.session_state[SLIDE_KEY] = min(max(slide + step, 0), len(slides.SLIDE_TITLES) - 1)


def leave() -> None:
    st.session_state[PRESENT_KEY] = False


with st.container(key="slide-controls", horizontal=True, vertical_alignment="center"):
    st.button("◀ Previous", on_click=go, args=(-1,), disabled=slide == 0, shortcut="Left",
              key="briefing-previous")  # fmt: skip
    st.markdown(
        f"<div class='slide-counter' style='text-align:center'><b>Slide {slide + 1} of "
        f"{len(slides.SLIDE_TITLES)}</b> · {slides.SLIDE_TITLES[slide]}</div>",
        unsafe_allow_html=True, width="stretch",
    )  # fmt: skip
    st.button("Next ▶", on_click=go, args=(1,), disabled=slide == len(slides.SLIDE_TITLES) - 1,
              shortcut="Right", key="briefing-next")  # fmt: skip
    if presenting:
        st.button("Leave (Esc)", on_click=leave, shortcut="Escape", key="briefing-leave",
                  help="Leave presentation mode")  # fmt: skip

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
    with map_column:
        ui.chart_with_numbers(
            slides_screen.fit(slides.ward_map_figure(figures, context), presenting, "map"),
            slides.ward_table(figures), f"briefing-wards-{area.lower()}", "briefing-map",
            slides.ward_map_summary(figures), numbers=False,
        )  # fmt: skip
    table_column.table(
        pl.DataFrame(slides.ward_rows(figures), schema=["Ward", "Referrals"], orient="row")
        .to_pandas()
        .set_index("Ward")
    )
    st.caption("The rest of the district is greyed. Shapes are approximate, from postcode points.")
elif slide == 2:
    trend_columns = st.columns(3) if presenting else [st.container() for _ in range(3)]
    for index, (figure, table, summary) in enumerate(slides.trend_charts(figures, context)):
        with trend_columns[index]:
            ui.chart_with_numbers(
                slides_screen.fit(figure, presenting, "trend"), table,
                f"briefing-trend-{index + 1}-{area.lower()}", f"briefing-trend-{index}", summary,
                numbers=not presenting,
            )  # fmt: skip
elif slide == 3:
    columns = st.columns(3)
    for index, objective in enumerate(
        slides.objectives_rows(figures, per_objective=1 if presenting else 3)
    ):
        with columns[index % 3].container(border=True):
            st.markdown(f"**{objective['title']}**")
            st.caption(objective["counts"])
            for action in objective["actions"]:
                st.markdown(f"- {action}")
elif slide == 4:
    services_table = pl.DataFrame(briefing_rows(figures.services), schema=BRIEFING_HEADER[:1] + [
        "What it does", "In the service at the end: area", "In the service: district",
        "Taken on in the year: area", "Taken on: district"], orient="row")  # fmt: skip
    if presenting:  # the descriptions would push the slide past the screen; they are in the pack
        services_table = services_table.drop("What it does")
    st.table(services_table.to_pandas().set_index("Service"))
    st.caption("One-to-one cases. c: hidden to protect children's privacy. Also working across "
               "the district: " + "; ".join(f"{n} ({w})" for n, w in slides.SERVICES[4:]) + ".")  # fmt: skip
else:
    terms, notes = st.columns([3, 2]) if presenting else (st.container(), st.container())
    with terms:
        for term, meaning in slides.DEFINITIONS:
            st.markdown(f"**{term}**: {meaning}")
    with notes:
        st.subheader("Data notes")
        for note in slides.data_notes(threshold, cache.is_synthetic()):
            st.markdown(f"- {note}")

if not presenting:
    st.divider()
    st.caption("Keyboard: ← and → move between slides; Esc leaves the full-screen slides.")
    slides_screen.pack_download(figures, area, end, context, threshold)
