"""Area Committee briefing: periods, figures, narrative, the PDF pack and the slides page."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from dashboard.briefing_pack import PackContext, build_pack, pack_filename
from data_access.briefing import briefing_figures
from data_access.engine import make_engine
from data_access.release.build import build_release
from domain.briefing_figures import BriefingPeriod, Figure, Headline, default_period
from domain.narrative import amount, change_sentence, narrative
from domain.roles import RoleScope
from geo.areas import AREA_COMMITTEES
from tests.conftest import ARTIFACTS, REPO_ROOT

PERIOD = BriefingPeriod(date(2026, 10, 1))
COUNT = re.compile(r"(?<![\w.\-/+£%])(\d{1,3}(?:,\d{3})*|\d+)(?![\w%/\-])")


def test_default_period_is_the_last_twelve_complete_months():
    assert default_period(date(2026, 10, 31)).end == date(2026, 10, 1)
    assert default_period(date(2026, 10, 15)).end == date(2026, 9, 1)
    assert PERIOD.label() == "Nov 2025 to Oct 2026"
    assert PERIOD.label("previous") == "Nov 2024 to Oct 2025"
    assert (
        pack_filename("Bradford South", date(2026, 10, 31))
        == "briefing-bradford-south-2026-10-31.pdf"
    )


def headline(area: tuple, district: tuple) -> Headline:
    h = Headline("referrals", "Referrals")
    h.area = {"previous": area[0], "current": area[1]}
    h.district = {"previous": district[0], "current": district[1]}
    return h


def test_narrative_states_change_against_the_district():
    h = headline((Figure(212), Figure(240)), (Figure(1000), Figure(1040)))
    assert change_sentence(h, "Bradford South", 5) == (
        "Referrals in Bradford South rose from 212 to 240 (+13%), against +4% across the district."
    )
    same = headline((Figure(50), Figure(50)), (Figure(1000), Figure(1001)))
    assert change_sentence(same, "Keighley", 5) == (
        "Referrals in Keighley were unchanged at 50, against no change across the district."
    )


def test_narrative_never_states_a_hidden_number():
    """One wording for every hidden number: nothing tells a small count from one hidden to
    protect another (that would say which "c" cells are 1 to 4)."""
    earlier_hidden = headline((Figure(None), Figure(12)), (Figure(900), Figure(950)))
    sentence = change_sentence(earlier_hidden, "Shipley", 5)
    assert sentence == (
        "Referrals in Shipley: 12 in the latest 12 months; the earlier figure is not published "
        "(c), to protect children's privacy."
    )
    assert "(+" not in sentence  # no percentage built on a hidden number
    both_hidden = headline((Figure(None), Figure(None)), (Figure(9), Figure(9)))
    assert change_sentence(both_hidden, "Shipley", 5) == (
        "Referrals in Shipley: not published (c), to protect children's privacy."
    )
    for text_ in (sentence, change_sentence(both_hidden, "Shipley", 5)):
        assert "fewer than" not in text_ and "too small" not in text_
    assert amount(Figure(None), 5) is None
    assert amount(Figure(1234), 5) == "1,234"


def independent(connection, area: str) -> dict[str, int]:  # noqa: ANN001
    """The briefing's figures computed again with plain SQL, not the product's query code."""
    where_area = (
        "FROM {table} e JOIN area_lookup l ON l.postcode_sector = e.postcode_sector "
        "AND l.lsoa_code = e.lsoa_code AND l.vintage = '2004' "
        "JOIN ward w ON w.vintage = l.vintage AND w.code = l.ward_code "
    )
    referrals = connection.execute(text(
        "SELECT COUNT(*) " + where_area.format(table="referral")
        + "WHERE w.area_committee_code = :area AND e.referred_on BETWEEN :a AND :b"),
        {"area": area, "a": "2025-11-01", "b": "2026-10-31"}).scalar()  # fmt: skip
    referrals_before = connection.execute(text(
        "SELECT COUNT(*) " + where_area.format(table="referral")
        + "WHERE w.area_committee_code = :area AND e.referred_on BETWEEN :a AND :b"),
        {"area": area, "a": "2024-11-01", "b": "2025-10-31"}).scalar()  # fmt: skip
    cohort = connection.execute(text(
        "SELECT COUNT(DISTINCT e.child_id) " + where_area.format(table="risk_assessment")
        + "WHERE w.area_committee_code = :area AND e.assessed_on <= '2026-10-31' "
        "AND (e.closed_on IS NULL OR e.closed_on > '2026-10-31')"), {"area": area}).scalar()  # fmt: skip
    return {"referrals": referrals, "referrals_before": referrals_before, "cohort": cohort}


@pytest.mark.parametrize("area", list(AREA_COMMITTEES))
def test_narrative_numbers_match_the_store(demo_engine, area):
    with demo_engine.connect() as c:
        figures = briefing_figures(c, RoleScope("area_committee", area), area)
        truth = independent(c, area)
    sentences = narrative(figures)
    name = AREA_COMMITTEES[area]
    assert f"{truth['cohort']:,} children in {name}" in sentences[0]
    referral_sentence = next(s for s in sentences if s.startswith("Referrals"))
    assert f"from {truth['referrals_before']:,} to {truth['referrals']:,}" in referral_sentence


def counts_in(page_text: str) -> list[int]:
    """Integers on a page that could be counts: not years, dates, percentages, page numbers,
    objective numbers or the RAG counts of strategic actions (plans, not children)."""
    found = []
    for line in page_text.splitlines():
        if re.search(r"On track: \d+ · At risk: \d+", line):
            continue  # counts of strategic actions, not of children
        line = re.sub(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}\b", "", line)  # 31 Oct 2026
        line = re.sub(r"\b[A-Z][a-z]{2} \d{4}\b", "", line)  # Oct 2026
        line = re.sub(r"Page \d+", "", line)
        line = re.sub(r"^\s*\d\.\s", "", line)  # numbered headings
        line = re.sub(r"\b\d+-month\b|\bages? \d+ to \d+\b|\bunder \d+\b|\b1 to \d\b", "", line)
        found += [int(n.replace(",", "")) for n in COUNT.findall(line)]
    return found


@pytest.fixture(scope="module")
def packs(demo_db_url) -> dict[str, bytes]:
    engine = make_engine(demo_db_url)
    made = {}
    with engine.connect() as c:
        for area in AREA_COMMITTEES:
            figures = briefing_figures(c, RoleScope("area_committee", area), area)
            context = PackContext("Synthetic demo data", date(2026, 10, 31), PERIOD.label(), True)
            made[area] = build_pack(figures, context)
    return made


@pytest.mark.parametrize("area", list(AREA_COMMITTEES))
def test_a_pack_for_each_area_is_safe_and_footed(packs, area):
    reader = PdfReader(io.BytesIO(packs[area]))
    assert len(reader.pages) >= 6
    for number, page in enumerate(reader.pages, start=1):
        text_ = page.extract_text()
        assert "Source: Synthetic demo data" in text_ and "Data as of 31 Oct 2026" in text_
        assert "Period: Nov 2025 to Oct 2026" in text_ and "SYNTHETIC DEMO DATA" in text_
        assert f"Page {number}" in text_
        small = [n for n in counts_in(text_) if 1 <= n <= 4]
        assert not small, (number, small)
        assert "CE-" not in text_ and "location of concern" not in text_.lower()
    first = reader.pages[0].extract_text()
    assert AREA_COMMITTEES[area] in first and "Headline figures" in first


def test_tiny_numbers_are_hidden_in_the_pack_whoever_asks(small_store, tmp_path):
    """On a store with only a handful of children every area figure is small: the pack says c
    and 'not published', never the number, whoever asks (it reads the public release)."""
    engine, places = small_store
    area = places.a.area_committee_code
    with engine.begin() as c:
        build_release(c)
        figures = briefing_figures(c, RoleScope("strategic_lead"), area)
    assert figures.cohort.area["current"].value is None
    sentences = " ".join(narrative(figures))
    assert "not published (c)" in sentences
    assert "fewer than" not in sentences and "too small" not in sentences
    pdf = build_pack(figures, PackContext("Test data", date(2024, 6, 30), "x", False))
    for page in PdfReader(io.BytesIO(pdf)).pages:
        assert not [n for n in counts_in(page.extract_text()) if 1 <= n <= 4]


def test_pack_pages_render_to_images(packs):
    path = ARTIFACTS / "briefing-bradford-south.pdf"
    path.write_bytes(packs["SOUTH"])
    for old in ARTIFACTS.glob("briefing-south-page-*.png"):  # an older, longer pack's pages
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(ARTIFACTS / "briefing-south-page")],
                   check=True)  # fmt: skip
    pages = sorted(ARTIFACTS.glob("briefing-south-page-*.png"))
    assert len(pages) == len(PdfReader(io.BytesIO(packs["SOUTH"])).pages)
    assert all(p.stat().st_size > 10_000 for p in pages)  # drawn, not blank


def briefing_app(role: RoleScope, state: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.session_state["demo-role"] = role
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    at.switch_page("pages/briefing.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(
    "role", [RoleScope("area_committee", "WEST"), RoleScope("strategic_lead"), RoleScope("mace")]
)
def test_briefing_page_runs_for_each_role(app_env, role):
    at = briefing_app(role)
    assert at.header[0].value.startswith("Headline figures")
    area_box = at.selectbox(key="briefing-area")
    if role.role == "area_committee":
        assert area_box.options == ["Bradford West"]
    else:
        assert len(area_box.options) == 5


def test_slides_step_forward_and_back(app_env):
    at = briefing_app(RoleScope("area_committee", "SOUTH"))
    at.button(key="briefing-next").click().run()
    assert at.header[0].value.startswith("Where: the area's wards")
    assert len(at.get("plotly_chart")) == 1
    for _ in range(4):
        at.button(key="briefing-next").click().run()
    assert at.header[0].value.startswith("Definitions and data notes")
    assert at.button(key="briefing-next").disabled
    at.button(key="briefing-previous").click().run()
    assert at.header[0].value.startswith("Services reaching the area")


def test_presentation_mode_hides_the_sidebar(app_env):
    at = briefing_app(RoleScope("strategic_lead"), {"briefing-present": True})
    assert any("stSidebar" in m.value and "display: none" in m.value for m in at.markdown)
    assert [b.label for b in at.button if b.label == "Leave (Esc)"]
    assert not at.title  # no page furniture on the big screen
