"""AppTest of the Services page for each role, and of the services parts of other pages."""

from __future__ import annotations

import json

import pytest

from dashboard.ui import ALL_NUMBERS_KEY
from domain.roles import RoleScope
from tests.pages.test_app_roles import NUMBER, as_role

DERIVED_COLUMNS = ("In a service per 100 at risk", "Gap (at risk less in a service)", "Month")


def counts_shown(at) -> list[int]:  # noqa: ANN001
    """Every count on the page: metrics, table cells (not ratios, gaps or shares), bar heights
    and map values (funnel points are ratios per 100, and profile bars are percentages)."""
    found: list[int] = []
    for metric in at.metric:
        if NUMBER.match(metric.value):
            found.append(int(metric.value.replace(",", "")))
    for frame in at.dataframe:
        for column in frame.value.columns:
            if column in DERIVED_COLUMNS or column.endswith(": %"):
                continue
            for cell in frame.value[column].tolist():
                if isinstance(cell, (int, float)) and cell == cell:
                    found.append(int(cell))
                elif isinstance(cell, str) and NUMBER.match(cell):
                    found.append(int(cell.replace(",", "")))
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        for trace in spec["data"]:
            name = trace.get("name") or ""
            if "average" in name or trace.get("hoverinfo") == "skip":
                continue
            if trace["type"] == "bar" and trace.get("orientation") != "h":
                found.extend(int(v) for v in trace.get("y") or [] if isinstance(v, (int, float)))
    return found


TAB_LABELS = {"caseload": "Caseload over time", "profiles": "Who is helped: profiles",
              "coverage": "Coverage map: risk and provision"}  # fmt: skip


def _titles(at) -> list[str]:  # noqa: ANN001
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def test_only_the_open_tab_is_drawn_and_the_link_names_it(app_env):
    """Each tab draws its own charts and no other tab's (a rerun draws one tab at a time)."""
    role = RoleScope("strategic_lead")
    expected = {"caseload": ("by service", 3), "profiles": ("Age and gender", 2),
                "coverage": ("per 100 at risk", 2)}  # fmt: skip
    for code, (words, charts) in expected.items():
        at = as_role(role, "pages/services.py", {"services-tab": TAB_LABELS[code]})
        titles = _titles(at)
        assert len(titles) == charts, (code, titles)
        assert any(words in t for t in titles), (code, titles)
        assert at.query_params["tab"] == code
    default = as_role(role, "pages/services.py")
    assert default.query_params["tab"] == "caseload"
    from tests.pages.test_app_roles import app

    linked = app({"demo-role": role})  # a copied link opens the tab it names
    linked.query_params["tab"] = "coverage"
    linked.switch_page("pages/services.py").run()
    assert any("per 100 at risk" in t for t in _titles(linked))


def test_strategic_lead_sees_caseloads_profiles_and_coverage_unsuppressed(app_env):
    at = as_role(RoleScope("strategic_lead"), "pages/services.py")
    assert at.title[0].value == "Services"
    assert any("by service" in t for t in _titles(at))
    assert any(1 <= c <= 4 for c in counts_shown(at))
    profiles = as_role(RoleScope("strategic_lead"), "pages/services.py",
                       {"services-tab": TAB_LABELS["profiles"]})  # fmt: skip
    assert any(t.startswith("Age and gender: Trusted Relationships") for t in _titles(profiles))
    at = as_role(RoleScope("strategic_lead"), "pages/services.py",
                 {"services-tab": TAB_LABELS["coverage"]})  # fmt: skip
    assert not any((frame.value == "c").any().any() for frame in at.dataframe)
    coverage = at.dataframe[-1].value
    assert list(coverage.columns[:4]) == ["Area", "Code", "At risk", "In a service"]
    assert len(coverage) == 30  # every ward


def test_mace_member_reproduces_appendix_f_on_the_profile(app_env):
    from datetime import date

    at = as_role(RoleScope("mace"), "pages/services.py",
                 {"services-months": (date(2019, 1, 1), date(2020, 9, 1)),
                  "services-tab": TAB_LABELS["profiles"], ALL_NUMBERS_KEY: True})  # fmt: skip
    pyramid = at.dataframe[0].value
    total = pyramid[pyramid["Group"] == "All ages, all"]
    assert total["Taken on by Trusted Relationships: number"].item() == "147"
    female = pyramid[pyramid["Group"] == "All ages, Female"]
    assert female["Taken on by Trusted Relationships: number"].item() == "97"


@pytest.mark.parametrize("area", ["SOUTH", "KEIGHLEY"])
def test_area_committee_sees_only_protected_numbers_for_their_area(app_env, area):
    role = RoleScope("area_committee", area)
    for state in ({}, {"services-area": None}, {"services-geography": "district"}):
        at = as_role(role, "pages/services.py", {**state, ALL_NUMBERS_KEY: True})
        counts = counts_shown(at)
        assert counts, "the page showed no numbers at all"
        assert not [c for c in counts if 1 <= c <= 4]
        body = " ".join(m.value for m in at.markdown)
        assert "CE-" not in body
    assert any((frame.value == "c").any().any() for frame in at.dataframe)


def test_overview_has_a_services_headline_and_objective_two_links_to_services(app_env):
    at = as_role(RoleScope("strategic_lead"))
    labels = [m.label for m in at.metric]
    assert "Children in a service (month end)" in labels
    value = next(m.value for m in at.metric if m.label == "Children in a service (month end)")
    assert NUMBER.match(value) and int(value.replace(",", "")) > 50
    at = as_role(RoleScope("strategic_lead"), "pages/objectives.py")
    links = [e for e in at.main if getattr(e, "proto", None) is not None
             and type(e.proto).__name__ == "PageLink"]  # fmt: skip
    pairs = [(link.proto.page, link.proto.label) for link in links]
    assert pairs.count(("services", "Effect: Services and coverage")) == 1  # objective 2 only
    data_manager = as_role(RoleScope("data_manager"))
    assert "Services" not in [e.value for e in data_manager.title]


def test_briefing_services_slide_has_real_numbers(app_env):
    at = as_role(RoleScope("area_committee", "SOUTH"), "pages/briefing.py",
                 {"briefing-slide": 4})  # fmt: skip
    assert "Services reaching the area" in at.header[0].value
    table = at.table[0].value
    assert "Trusted Relationships" in table.index
    cells = table.astype(str).to_numpy().ravel().tolist()
    numbers = [int(c.replace(",", "")) for c in cells if NUMBER.match(c)]
    assert numbers and max(numbers) > 20
    assert not [n for n in numbers if 1 <= n <= 4]
