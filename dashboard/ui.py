"""Widgets and blocks shared by several pages (layout only: no queries, no rules)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import cache, url_state
from domain.chart_text import series_summary
from domain.disclosure import suppression_threshold
from domain.downloads import (
    DownloadContext,
    csv_with_context,
    disclosure_status,
    download_name,
    slug,
)
from domain.months import add_months, month_label, months_between
from domain.roles import RoleScope, Viewer
from domain.table_widths import fit_columns
from geo.boundaries import ATTRIBUTION

SYNTHETIC_BANNER = (
    "**Synthetic demo data.** Every child, referral and missing episode shown here is invented by "
    "the demo generator: no real person is described. Figures are shaped to match the published "
    "district totals only."
)


ENTRYPOINT_FLAG = "_entrypoint_ran"
VIEWER_KEY = "_viewer"
LAST_PAGE_KEY = "_audit_last_page"
LAST_ROLE_KEY = "_audit_last_role"
LAST_FILTERS_KEY = "_audit_last_filters"
ALL_NUMBERS_KEY = "show_all_numbers"
NUMBERS_LABEL = "Show the numbers behind this chart"


def viewer() -> Viewer:
    """The viewer app.py identified for this run (reruns through app.py if it has not run)."""
    if VIEWER_KEY not in st.session_state:
        ensure_entrypoint()
    return st.session_state[VIEWER_KEY]


def role() -> RoleScope:
    return viewer().scope


def audit_page_view(person: Viewer, page_title: str) -> None:
    """A 'login' event when a person starts or changes role, and one 'view' event each time
    they arrive on a page (not on every rerun)."""
    if st.session_state.get(LAST_ROLE_KEY) != person.audit_role:
        st.session_state[LAST_ROLE_KEY] = person.audit_role
        cache.record_audit(person, "login", page_title, {"role": person.audit_role})
    key = (person.email, person.audit_role, page_title)
    if st.session_state.get(LAST_PAGE_KEY) != key:
        st.session_state[LAST_PAGE_KEY] = key
        cache.record_audit(person, "view", page_title)


def audit_filters(page_title: str, parameters: dict) -> None:
    """One 'filter' event when the filters that reach the store change on a page."""
    person = viewer()
    remembered = st.session_state.setdefault(LAST_FILTERS_KEY, {})
    normalised = {k: str(v) for k, v in parameters.items()}
    if remembered.get(page_title) != normalised:
        first_visit = page_title not in remembered
        remembered[page_title] = normalised
        if not first_visit:
            cache.record_audit(person, "filter", page_title, normalised)


def _audit_export(file_name: str) -> None:
    cache.record_audit(viewer(), "export", file_name, {"file": file_name})


def mark_entrypoint() -> None:
    """Called by app.py: the page is running inside ``st.navigation``."""
    st.session_state[ENTRYPOINT_FLAG] = True


def ensure_entrypoint() -> None:
    """Rerun through app.py when Streamlit ran a page script on its own.

    With a ``pages/`` folder, the first request after a server start that opens a page by URL is
    run in Streamlit's legacy folder mode, skipping app.py (no banner, no page list). Switching the
    flag off and rerunning sends it through ``st.navigation`` like every later request.
    """
    if not st.session_state.get(ENTRYPOINT_FLAG):
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
        st.rerun()


def page_header(title: str, intro: str) -> None:
    """Page title, one plain-English line on what it is for, and the data-as-of date."""
    ensure_entrypoint()
    data_banner()
    st.title(title)
    url_state.notice_slot()
    st.markdown(intro)
    st.caption(f"Data as of **{cache.data_as_of():%-d %B %Y}**")


def data_banner() -> None:
    if cache.is_synthetic():
        st.warning(SYNTHETIC_BANNER, icon="⚠️")


def sidebar_footer() -> None:
    with st.sidebar:
        st.divider()
        st.caption(ATTRIBUTION)


def area_filter(key: str, allow_district: bool = True, label: str = "Area Committee") -> str | None:
    """Area Committee picker; None means the whole district.

    An Area Committee member is offered only their own area (and district totals where a page
    shows totals only); the data layer refuses anything else anyway.
    """
    areas = cache.area_committees()
    names = dict(zip(areas["code"].to_list(), areas["name"].to_list(), strict=True))
    own_area = role().area_code if role().role == "area_committee" else None
    options: list[str | None] = [own_area] if own_area else [None, *names]
    if own_area and allow_district:
        options = [own_area, None]
    if not allow_district and None in options:
        options.remove(None)
    return url_state.selectbox(
        label,
        options,
        format_func=lambda code: (
            ("Whole district (totals)" if own_area else "Whole district")
            if code is None
            else names[code]
        ),
        key=key,
        param="area",
        role_bound=True,
    )


def ward_filter(key: str, area_code: str | None, vintage: str = "2004") -> str | None:
    """Ward picker within the chosen area; Area Committees get wards only inside their area."""
    if role().role == "area_committee" and area_code is None:
        return None
    wards = cache.wards(vintage)
    if area_code:
        wards = wards.filter(pl.col("area_code") == area_code)
    names = dict(zip(wards["code"].to_list(), wards["name"].to_list(), strict=True))
    return url_state.selectbox(
        "Ward",
        [None, *names],
        format_func=lambda code: "All wards" if code is None else names[code],
        key=key,
        param="ward",
        role_bound=True,
    )


def month_range(key: str, default_months: int = 36) -> tuple[date, date]:
    """A from-to month slider over the whole data period (default: the last ``default_months``)."""
    last = cache.data_as_of().replace(day=1)
    months = months_between(cache.data_from(), last)
    start = max(months[0], add_months(last, -(default_months - 1)))
    chosen = url_state.select_range(
        "Months shown",
        months,
        default=(start, last),
        format_func=month_label,
        key=key,
        param="months",
    )
    return chosen[0], chosen[1]


def chart(figure: go.Figure, key: str, summary: str, **kwargs) -> object:  # noqa: ANN003
    """A Plotly chart with its text alternative: the summary sentence becomes the chart's
    ``aria-label`` (role=figure), set by the page script in ``page_style``."""
    with st.container(key=f"chart-{key}"):
        event = st.plotly_chart(figure, theme=None, key=f"{key}-chart", **kwargs)
    st.html(f'<p class="chart-summary" data-chart="chart-{key}" hidden>{escape(summary)}</p>')
    return event


def area_name(area_code: str | None) -> str | None:
    """An Area Committee's name from its code (None stays None: the whole district)."""
    if not area_code:
        return None
    areas = cache.area_committees()
    names = dict(zip(areas["code"].to_list(), areas["name"].to_list(), strict=True))
    return names.get(area_code, area_code)


def download_table(frame: pl.DataFrame | Callable[[], pl.DataFrame], title: str, subject: str,
                   key: str, *, area_code: str | None = None,
                   period: tuple[date, date] | None = None,
                   filters: dict[str, object] | None = None,
                   label: str = "Download this table (CSV)", synthetic: bool | None = None) -> None:  # fmt: skip
    """The app's own CSV download: a context block (title, source, as-of, area, period, filters,
    disclosure, synthetic line), formula-neutralised cells, a name by subject, area and period,
    and an audit event when it is taken. Streamlit's own table export is switched off.

    ``frame`` may be a function giving the table: the CSV is then built only when the button is
    clicked (on a thread of Streamlit's own, after this run), for a table too long to read on
    every rerun; the caller shows the button only when that table has rows."""
    if isinstance(frame, pl.DataFrame) and frame.is_empty():
        return
    person = viewer()
    as_of = cache.data_as_of()
    area = area_name(area_code)
    shown_filters = {k: _filter_text(v) for k, v in (filters or {}).items() if _filter_text(v)}
    context = DownloadContext(
        title=title, page=st.session_state.get(LAST_PAGE_KEY, ("", "", title))[2], as_of=as_of,
        disclosure=disclosure_status(person.scope.role, suppression_threshold()), area=area,
        period=period, filters=shown_filters,
        synthetic=cache.is_synthetic() if synthetic is None else synthetic,
    )  # fmt: skip
    file_name = download_name(subject, area, period, as_of)
    st.download_button(
        label,
        data=(
            csv_with_context(frame, context)
            if isinstance(frame, pl.DataFrame)
            else lambda: csv_with_context(frame(), context)
        ),
        file_name=file_name,
        mime="text/csv",
        key=f"{key}-csv",
        on_click=_audit_export,
        args=(file_name,),
    )


def _filter_text(value: object) -> str:
    if value is None or value == [] or value is False:
        return ""
    if value is True:
        return "yes"
    if isinstance(value, list | tuple | set):
        return ", ".join(str(v) for v in value)
    return str(value)


def chart_with_numbers(
    figure: go.Figure,
    table: pl.DataFrame,
    file_stem: str,
    key: str,
    summary: str | None = None,
    numbers: bool = True,
    height: int | str = "content",
    *,
    area_code: str | None = None,
    period: tuple[date, date] | None = None,
    filters: dict[str, object] | None = None,
) -> None:
    """The chart (with a summary sentence for screen readers), then its numbers in a table and a
    CSV download (with its context block)."""
    chart(figure, key, summary or describe(figure, table), height=height)
    if not numbers:
        return
    open_all = bool(st.session_state.get(ALL_NUMBERS_KEY))
    # The section is drawn empty until it is opened (a rerun): a page of charts then sends no
    # tables on its first draw, which took a fifth off the Trends and Map cold load in Chromium.
    section = st.expander(NUMBERS_LABEL, expanded=open_all, key=f"{key}-numbers",
                          on_change="rerun")  # fmt: skip
    if not (section.open or open_all):
        return
    with section:
        st.dataframe(table, hide_index=True)
        title = figure.layout.title.text or file_stem.replace("-", " ").capitalize()
        download_table(table, title.replace("<br>", " "), file_stem, key, area_code=area_code,
                       period=period, filters=filters, label="Download these numbers (CSV)")  # fmt: skip


def all_numbers_toggle() -> None:
    """A sidebar switch that opens every chart's table of numbers at once: for someone who reads
    tables rather than charts (a screen reader, a councillor checking a figure)."""
    st.sidebar.toggle(
        "Show the numbers under every chart",
        key=ALL_NUMBERS_KEY,
        help="Opens the table behind each chart on every page, with its CSV download.",
    )


def describe(figure: go.Figure, table: pl.DataFrame) -> str:
    """A summary sentence from a chart's own table: its title and the monthly totals."""
    title = str(figure.layout.title.text or "Chart").replace("<br>", " ")
    first = table.columns[0] if table.width else ""
    value = next((c for c in ("Total", "Value") if c in table.columns), None)
    if value is None or not table.height:
        return f"Chart: {title}. Its numbers are in the table that follows."
    points = [
        (str(label), None if cell in (None, "c") else float(str(cell).replace(",", "")))
        for label, cell in zip(table[first].to_list(), table[value].to_list(), strict=True)
    ]
    return series_summary(title, points)


TABLE_ROOM_PX = 860  # a full-width table on a 1440 px screen with the sidebar open


def show_table(frame: pl.DataFrame, *, download: str | None = None, subject: str | None = None,
               area_code: str | None = None, period: tuple[date, date] | None = None,
               filters: dict[str, object] | None = None, synthetic: bool | None = None,
               room_px: int = TABLE_ROOM_PX, **kwargs) -> None:  # noqa: ANN003  # fmt: skip
    """st.dataframe with dates written as dates ('9 Oct 2026'), not midnight timestamps, and
    columns sized to fit ``room_px`` (long text wraps in taller rows instead of being cut); with
    ``download`` (the table's title), the app's own audited CSV download under it."""
    config = {
        name: st.column_config.DateColumn(format="D MMM YYYY")
        for name, dtype in frame.schema.items()
        if dtype == pl.Date
    }
    config.update(kwargs.pop("column_config", {}))
    longest = [_longest(frame, name) for name in frame.columns]
    wrap = [frame.schema[name] == pl.String for name in frame.columns]
    fit = fit_columns(frame.columns, longest, room_px, wrap)
    for name, width in fit.widths.items():
        column = dict(config.get(name) or {})
        column["width"] = width
        config[name] = column
    if fit.row_height and "row_height" not in kwargs:
        kwargs["row_height"] = fit.row_height
    st.dataframe(frame, hide_index=True, column_config=config, **kwargs)
    if download:
        subject = subject or download
        download_table(frame, download, subject, f"table-{slug(subject)}", area_code=area_code,
                       period=period, filters=filters, synthetic=synthetic)  # fmt: skip


def _longest(frame: pl.DataFrame, name: str) -> int:
    """Characters in the column's longest cell as shown (dates as '30 Sep 2026')."""
    dtype = frame.schema[name]
    if dtype == pl.Date:
        return 11
    if dtype == pl.Datetime or isinstance(dtype, pl.Datetime):
        return 22
    if dtype == pl.Boolean:
        return 5
    if not frame.height:
        return 4
    lengths = frame[name].cast(pl.String).str.len_chars()
    return int(lengths.max() or 1) + (3 if dtype.is_numeric() else 0)
