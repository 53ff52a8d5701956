"""The Case list page a page at a time: counts from the database, urgency order, paging, search,
the whole filtered list in the download, and paging audited."""

from __future__ import annotations

import io
import json
from datetime import date

import polars as pl
import streamlit as st

from data_access import audit, protected
from data_access.engine import make_engine
from data_access.sql import Scope
from domain.roles import RoleScope
from tests.pages.test_app_roles import as_role

MACE = RoleScope("mace")
ALL = ["significant", "moderate", "emerging"]
OCT = date(2026, 10, 1)


def the_whole_list(app_env) -> pl.DataFrame:
    with make_engine(app_env).connect() as c:
        return protected.case_list(c, MACE, Scope(OCT, OCT), ALL)


def every_level(at):
    at.multiselect(key="cases-levels").set_value(ALL).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("Showing"))


def test_the_list_comes_a_page_at_a_time_most_urgent_first(app_env):
    whole = the_whole_list(app_env)
    at = every_level(as_role(MACE, "pages/cases.py"))
    assert at.metric[0].value == f"{whole.height:,}" and whole.height > 200
    first = at.dataframe[0].value
    assert len(first) == 200
    assert shown(at) == f"Showing **1–200** of **{whole.height:,}**"
    assert first["Pseudonymous id"].tolist() == whole["pseudo_id"].head(200).to_list()
    assert first["Risk level"].iloc[0] == "Significant"
    assert at.button(key="cases-previous").disabled and not at.button(key="cases-next").disabled

    at.button(key="cases-next").click().run()
    second = at.dataframe[0].value
    assert at.selectbox(key="cases-page").value == 2
    assert shown(at) == f"Showing **201–{whole.height:,}** of **{whole.height:,}**"
    assert second["Pseudonymous id"].tolist() == whole["pseudo_id"].slice(200).to_list()
    assert second["Risk level"].iloc[-1] == "Emerging"
    assert at.button(key="cases-next").disabled and not at.button(key="cases-previous").disabled
    emerging = second[second["Risk level"] == "Emerging"]["Days at level"]
    assert emerging.is_monotonic_decreasing  # longest at the level first


def test_new_filters_start_at_the_first_page(app_env):
    at = every_level(as_role(MACE, "pages/cases.py"))
    at.selectbox(key="cases-page").set_value(2).run()
    assert at.selectbox(key="cases-page").value == 2
    at.selectbox(key="cases-month").set_value(date(2026, 9, 1)).run()
    assert at.selectbox(key="cases-page").value == 1
    assert shown(at).startswith("Showing **1–200**")


def test_search_finds_a_child_on_a_later_page_by_part_of_the_id(app_env):
    whole = the_whole_list(app_env)
    wanted = whole["pseudo_id"][300]
    at = every_level(as_role(MACE, "pages/cases.py"))
    assert wanted not in at.dataframe[0].value["Pseudonymous id"].tolist()
    at.text_input(key="cases-search").input(wanted.lower()).run()
    assert at.metric[0].value == "1"
    assert at.dataframe[0].value["Pseudonymous id"].tolist() == [wanted]
    at.text_input(key="cases-search").input("no such ward or id").run()
    assert at.metric[0].value == "0" and not at.dataframe
    assert not at.get("download_button")


def test_the_download_holds_the_whole_filtered_list_built_on_click(app_env, monkeypatch):
    offered = {}
    real = st.download_button

    def keep(label, data, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        offered[label] = data
        return real(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", keep)
    whole = the_whole_list(app_env)
    every_level(as_role(MACE, "pages/cases.py"))
    build = offered["Download the whole list (CSV)"]
    assert callable(build)  # nothing read for it until the button is clicked
    text = build().decode("utf-8-sig")
    lines = text.splitlines()
    assert "# Filters: Risk level: Significant, Moderate, Emerging" in lines
    table = pl.read_csv(io.StringIO("\n".join(line for line in lines if not line.startswith("#"))))
    assert table.height == whole.height > 200
    assert table["Pseudonymous id"].to_list() == whole["pseudo_id"].to_list()
    assert table.columns == ["Pseudonymous id", "Risk level", "Exploitation types", "Ward",
                             "Area", "Level since", "Days at level"]  # fmt: skip


def test_moving_through_the_pages_is_audited(app_env):
    engine = make_engine(app_env)
    with engine.connect() as c:
        before = audit.events(c).height
    at = every_level(as_role(MACE, "pages/cases.py"))
    at.button(key="cases-next").click().run()
    with engine.connect() as c:
        new = audit.events(c).head(audit.events(c).height - before)
    filters = [
        json.loads(row["parameters"])
        for row in new.iter_rows(named=True)
        if row["action"] == "filter" and row["page"] == "Case list (MACE)"
    ]
    assert any(f["page"] == "2" and f["levels"] == str(ALL) for f in filters), filters
