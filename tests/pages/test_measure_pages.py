"""AppTest for the Education, Modern slavery and Disrupt and prosecute pages per role, and their
places on the Overview and the Strategic objectives cards."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from dashboard.ui import ALL_NUMBERS_KEY
from data_access import investigations
from data_access.sql import Scope
from domain.roles import RoleScope
from tests.pages.test_app_roles import as_role, visible_counts

PAGES = ("pages/education.py", "pages/msht.py", "pages/disrupt.py")
ROLES = (RoleScope("mace"), RoleScope("strategic_lead"), RoleScope("area_committee", "KEIGHLEY"))


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.role)
@pytest.mark.parametrize("page", PAGES)
def test_each_page_runs_for_each_role_with_charts_and_tables(app_env, page, role):
    at = as_role(role, page)
    if role.role == "area_committee":  # not in the public release yet: a notice, no numbers
        assert any("not yet part of the public release" in i.value for i in at.info)
        assert not at.get("plotly_chart") and not visible_counts(at)
        return
    assert at.get("plotly_chart") and at.dataframe
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        assert spec["layout"]["title"]["text"]
        assert any(t.get("y") for t in spec["data"])  # not a blank chart
    if role.role == "area_committee":
        assert not [c for c in visible_counts(at) if 1 <= c <= 4]
    headers = [h.value for h in at.header]
    assert ("Investigations (MACE only)" in headers) == (
        page.endswith("disrupt.py") and role.sees_cases
    )
    assert (
        not any("DW-" in str(v) for f in at.dataframe for v in f.value.to_numpy().ravel())
        or role.sees_cases
    )


def test_education_page_reproduces_the_report_for_2019_20(app_env):
    at = as_role(RoleScope("strategic_lead"), "pages/education.py",
                 {"education-range": (date(2018, 9, 1), date(2020, 9, 1))})  # fmt: skip
    metrics = {m.label: (m.value, m.delta) for m in at.metric}
    assert metrics["Children missing education referred, 2019/20"][0] == "853"
    assert "-36% on 2018/19 (1,339)" in metrics["Children missing education referred, 2019/20"][1]
    assert metrics["Whereabouts found, 2019/20 referrals"][0] == "92%"
    ehe = metrics["Electively home educated on 30 Sep 2020"]
    assert ehe[0] == "677" and "+39% in a month" in ehe[1] and "+29% on a year" in ehe[1]


def test_msht_page_shows_the_report_window_as_plus_100_percent(app_env):
    at = as_role(RoleScope("strategic_lead"), "pages/msht.py")
    at.selectbox(key="msht-window-end").set_value(date(2020, 9, 30)).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Six weeks to 30 Sep 2020"] == "24"
    assert metrics["The six weeks before"] == "12"
    assert metrics["Change"] == "+100%"


def test_disrupt_page_at_the_report_date(app_env):
    at = as_role(RoleScope("mace"), "pages/disrupt.py", {"disrupt-month": date(2020, 9, 1)})
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Live investigations"] == "12" and metrics["Pending trial"] == "5"
    body = " ".join(m.value for m in at.markdown)
    assert (
        "**3** have a CPS complex-case lawyer" in body
        and "**5** are still at the disclosure" in body
    )
    references = [ref for frame in at.dataframe for ref in frame.value.get("Reference", [])]
    assert len(references) == 20 and all(ref.startswith("DW-") for ref in references)


def test_overview_headlines_and_objective_links(app_env, demo_engine):
    at = as_role(RoleScope("strategic_lead"))
    labels = [m.label for m in at.metric]
    assert "Missing education referrals, Oct 2026" in labels
    assert "Modern slavery offences, Oct 2026" in labels
    live = next(m for m in at.metric if m.label == "Non-recent CSE investigations live")
    with demo_engine.connect() as c:
        stages = investigations.stage_counts(c, Scope(date(2026, 10, 1), date(2026, 10, 1)))
    assert live.value == str(stages.filter(pl.col("stage") == "live")["investigations"].item())
    at.switch_page("pages/objectives.py").run()
    assert not at.exception
    links = [link.proto.page for link in at.get("page_link")]
    assert links == ["education", "msht", "services", "disrupt", "msht"]  # objectives 1, 2, 5


@pytest.mark.parametrize(
    ("role", "page", "expected"),
    [
        (RoleScope("strategic_lead"), "pages/education.py",
         {"Download these numbers (CSV)": 3, "Download this table (CSV)": 2}),
        (RoleScope("area_committee", "SOUTH"), "pages/msht.py",  # not in the release: nothing
         {"Download these numbers (CSV)": 0, "Download this table (CSV)": 0}),
        (RoleScope("mace"), "pages/disrupt.py",
         {"Download these numbers (CSV)": 2, "Download this table (CSV)": 2}),
        (RoleScope("strategic_lead"), "pages/disrupt.py",
         {"Download these numbers (CSV)": 2, "Download this table (CSV)": 1}),
    ],
    ids=["education", "msht-public", "disrupt-mace", "disrupt-lead"],
)  # fmt: skip
def test_each_table_and_chart_has_its_own_download(app_env, role, page, expected):
    at = as_role(role, page, {ALL_NUMBERS_KEY: True})
    labels = [button.proto.label for button in at.get("download_button")]
    assert {label: labels.count(label) for label in expected} == expected, labels
