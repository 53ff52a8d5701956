"""The briefing pack as a council agenda needs it: a tagged PDF, one heading per page, no page
left half empty, no text under 9 pt, ward names on the ward map."""

from __future__ import annotations

import io
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader

from dashboard import briefing_slides as slides
from dashboard.briefing_pack import PackContext, build_pack
from dashboard.charts import ChartContext
from data_access.briefing import briefing_figures
from data_access.engine import make_engine
from domain.briefing_figures import BriefingPeriod
from geo import boundaries
from tests.conftest import ARTIFACTS

PERIOD = BriefingPeriod(date(2026, 10, 1))
HEADINGS = ["Child exploitation briefing for Bradford South",
            *(f"{n}. {title}" for n, title in enumerate(slides.SLIDE_TITLES[1:], start=2))]  # fmt: skip


@pytest.fixture(scope="module")
def south(demo_db_url):  # noqa: ANN001, ANN201
    with make_engine(demo_db_url).connect() as connection:
        figures = briefing_figures(connection, "SOUTH", PERIOD)
    context = PackContext("Synthetic demo data", date(2026, 10, 31), PERIOD.label(), True)
    pdf = build_pack(figures, context)
    path = ARTIFACTS / "briefing-pack-layout-south.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf)
    return figures, pdf, path


def test_the_pack_is_a_tagged_pdf(south):
    _, _, path = south
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "Tagged:          yes" in info.stdout
    assert "Title:           Child exploitation briefing for Bradford South" in info.stdout


def test_one_heading_per_page(south):
    _, pdf, _ = south
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == len(HEADINGS)
    for page, heading in zip(pages, HEADINGS, strict=True):
        text = page.extract_text()
        found = [h for h in HEADINGS if h in text]
        assert found == [heading], (heading, found)
        assert "(continued)" not in text


def test_no_text_is_smaller_than_9_points(south):
    _, pdf, _ = south
    sizes: list[float] = []

    def visit(text, cm, tm, font, size):  # noqa: ANN001
        if text.strip():
            sizes.append(size * abs(tm[3]) * abs(cm[3]))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    assert sizes and min(sizes) >= 9, sorted(sizes)[:5]


def test_no_page_is_left_half_empty(south):
    """Each page's content reaches below its middle (pages rendered to grey pixels)."""
    _, _, path = south
    stem = ARTIFACTS / "briefing-pack-layout-page"
    subprocess.run(["pdftoppm", "-r", "20", "-gray", str(path), str(stem)], check=True)
    pages = sorted(ARTIFACTS.glob("briefing-pack-layout-page-*.pgm"))
    assert len(pages) == len(HEADINGS)
    for page in pages:
        raw = page.read_bytes()
        header, pixels = raw.split(b"\n", 3)[:3], raw.split(b"\n", 3)[3]
        width, height = (int(v) for v in header[1].split())
        footer_rows = int(height * 0.1)  # the footer line is always there
        inked = [
            row for row in range(height - footer_rows)
            if min(pixels[row * width:(row + 1) * width]) < 200
        ]  # fmt: skip
        assert inked and inked[-1] > height * 0.5, (page.name, inked[-1] / height)


def test_the_ward_map_names_its_wards(south):
    figures, _, _ = south
    figure = slides.ward_map_figure(
        figures, ChartContext("Synthetic demo data", date(2026, 10, 31))
    )
    written = " ".join(a.text for a in figure.layout.annotations)
    names = boundaries.names("ward")
    for code in figures.ward_referrals["code"].to_list():
        if code in names:
            assert names[code] in written
