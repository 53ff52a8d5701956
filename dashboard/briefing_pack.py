"""The briefing pack as a PDF: the same six slides, charts as static images rendered offline
(Plotly → Kaleido → the machine's Chromium), laid out as HTML and printed by the same Chromium to
a tagged PDF with a footer on every page.

``python -m dashboard.briefing_pack --area SOUTH --out DIR`` writes a pack;
``--benchmark`` times one pack per area (the under-20-seconds goal lives here, not in a test).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from dashboard import briefing_html as html
from dashboard import briefing_slides as slides
from dashboard.charts import ChartContext
from dashboard.services_tables import BRIEFING_HEADER, briefing_rows
from domain.briefing_figures import BriefingFigures
from domain.narrative import narrative

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


class StaticChartsUnavailable(RuntimeError):
    """Raised when no Chromium is installed for Kaleido to draw charts with."""


@dataclass(frozen=True)
class PackContext:
    """What the footer says on every page."""

    source: str
    as_of: date
    period: str
    synthetic: bool

    def footer(self) -> str:
        text = f"Source: {self.source} · Data as of {self.as_of:%-d %b %Y} · Period: {self.period}"
        return text + (" · SYNTHETIC DEMO DATA" if self.synthetic else "")


def pack_filename(area_name: str, as_of: date, period_end: date | None = None) -> str:
    """'briefing-bradford-south-2026-10-31.pdf'; with the period's last month,
    'briefing-bradford-south-12-months-to-2026-09-data-2026-10-31.pdf'."""
    slug = re.sub(r"[^a-z0-9]+", "-", area_name.lower()).strip("-")
    if period_end is not None:
        return f"briefing-{slug}-12-months-to-{period_end:%Y-%m}-data-{as_of:%Y-%m-%d}.pdf"
    return f"briefing-{slug}-{as_of:%Y-%m-%d}.pdf"


def _ensure_browser() -> None:
    """Kaleido needs a Chromium; point it at the system one (no download, no network)."""
    if os.environ.get("BROWSER_PATH"):
        return
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            os.environ["BROWSER_PATH"] = candidate
            return
    if not shutil.which("chromium"):
        raise StaticChartsUnavailable(
            "Static charts need Chromium on this machine (Debian: apt-get install chromium)."
        )


class ChartRenderer:
    """Renders figures to PNG through one long-lived Kaleido/Chromium (fast after the first)."""

    def __enter__(self) -> ChartRenderer:
        import kaleido

        _ensure_browser()
        self._kaleido = kaleido
        kaleido.start_sync_server(silence_warnings=True)
        return self

    def __exit__(self, *exc: object) -> None:
        self._kaleido.stop_sync_server(silence_warnings=True)

    def png(self, figure: go.Figure, width: int = 1400, height: int = 640) -> bytes:
        return pio.to_image(figure, format="png", width=width, height=height)


def _for_print(figure: go.Figure) -> go.Figure:
    """A chart for paper: the page footer carries source and date, so the chart's own footer
    goes; the legend sits under the title; no text smaller than 13 px (9.75 pt at 1:1)."""
    figure.layout.annotations = [
        a for a in figure.layout.annotations if not str(a.text or "").startswith("Source:")
    ]
    figure.update_xaxes(title={"text": "Month", "standoff": 4})
    figure.update_layout(
        font={"size": 15},
        title={"font": {"size": 18}},
        legend={"orientation": "h", "x": 0, "y": -0.3, "yanchor": "top", "font": {"size": 13}},
        margin={"l": 70, "r": 10, "t": 45, "b": 115},
    )
    for annotation in figure.layout.annotations:
        size = annotation.font.size or 13
        annotation.font.size = max(size, 13)
    return figure


def _trend_page(trends: list[tuple[bytes, str]]) -> str:
    how_to_read = (
        "<div class='card'><p><strong>Reading these charts</strong></p><ul>"
        "<li>Bars: the count for each month.</li>"
        "<li>Solid line: the 3-month rolling average, which smooths out single months.</li>"
        "<li>Dotted line with diamonds: the same month a year earlier.</li>"
        "<li>A gap in the bars (or a hatched segment marked c) is a number hidden to protect "
        "children's privacy, never a zero.</li>"
        "<li>The numbers behind every chart are in the dashboard's Trends page.</li></ul></div>"
    )
    cells = [html.image(png, alt, TREND_SIZE[0]) for png, alt in trends]
    return "<div class='grid two'>" + "".join(cells) + how_to_read + "</div>"


TREND_SIZE = (500, 315)
MAP_SIZE = (640, 600)


def build_pack(figures: BriefingFigures, context: PackContext, threshold: int = 5) -> bytes:
    """The six-slide briefing as a tagged PDF (Chromium prints an HTML document)."""
    chart_context = ChartContext(source=context.source, as_of=context.as_of)
    trend_charts = slides.trend_charts(figures, chart_context)
    with ChartRenderer() as renderer:
        map_png = renderer.png(
            _for_print(slides.ward_map_figure(figures, chart_context, MAP_SIZE[1], 13)), *MAP_SIZE
        )
        trends = [
            (renderer.png(_for_print(figure), *TREND_SIZE), summary)
            for figure, _table, summary in trend_charts
        ]
    area = escape(figures.area_name)
    period = f"{figures.period.label()} compared with {figures.period.label('previous')}"
    headline_header = ["Measure", f"{area}<br>earlier year", f"{area}<br>latest year",
                       "Change in area", "District<br>earlier year", "District<br>latest year",
                       "Change in district"]  # fmt: skip
    sentences = "".join(f"<li>{escape(s)}</li>" for s in narrative(figures, threshold))
    first = (
        f"<p class='sub'>1. {escape(slides.SLIDE_TITLES[0])} · {escape(period)}</p>"
        + html.table(
            headline_header, slides.headline_rows(figures, threshold), css_class="headline"
        )
        + f"<ul class='big'>{sentences}</ul>"
        + "<p class='note'>c: hidden to protect children's privacy (see data notes).</p>"
    )
    ward_map = (
        "<div class='grid map'>"
        + html.image(map_png, slides.ward_map_summary(figures), MAP_SIZE[0])
        + html.frame_table(slides.ward_table(figures), "Referrals by ward in the latest year")
        + "</div><p class='note'>The rest of the district is greyed. Shapes are approximate, "
        "derived from postcode points.</p>"
    )
    cards = "".join(
        "<div class='card'>"
        f"<p><strong>{escape(o['title'])}</strong></p><p class='note'>{escape(o['counts'])}</p>"
        "<ul>" + "".join(f"<li>{escape(a)}</li>" for a in o["actions"]) + "</ul></div>"
        for o in slides.objectives_rows(figures, markers=False)
    )
    services = (
        html.table(
            [escape(h) for h in BRIEFING_HEADER],
            briefing_rows(figures.services),
            css_class="services",
        )
        + "<p class='sub' style='margin-top:4mm'>Children in the service: one-to-one cases open "
        "at the end of the period (cases whose address is withheld count in the district only). "
        "Also working across the district:</p><div class='grid two'>"
        + "".join(
            f"<div class='card'><p><strong>{escape(n)}</strong></p><p>{escape(w)}</p></div>"
            for n, w in slides.SERVICES[4:]
        )
        + "</div>"
    )
    definitions = (
        "<dl>"
        + "".join(f"<dt>{escape(t)}</dt><dd>{escape(m)}</dd>" for t, m in slides.DEFINITIONS)
        + "</dl><p style='margin:3mm 0 1mm'><strong>Data notes</strong></p><ul class='note'>"
        + "".join(f"<li>{escape(n)}</li>" for n in slides.data_notes(threshold, context.synthetic))
        + "</ul>"
    )
    title = f"Child exploitation briefing for {figures.area_name}"
    document = html.document(
        title,
        context.footer(),
        [
            html.section(title, first, level=1),
            html.section("2. " + slides.SLIDE_TITLES[1], ward_map),
            html.section("3. " + slides.SLIDE_TITLES[2], _trend_page(trends)),
            html.section("4. " + slides.SLIDE_TITLES[3], f"<div class='grid two'>{cards}</div>"),
            html.section("5. " + slides.SLIDE_TITLES[4], services),
            html.section("6. " + slides.SLIDE_TITLES[5], definitions),
        ],
    )
    return print_to_pdf(document)


def print_to_pdf(document: str) -> bytes:
    """Chromium (headless) prints the HTML to PDF; its PDFs are tagged for screen readers."""
    _ensure_browser()
    browser = os.environ["BROWSER_PATH"]
    with tempfile.TemporaryDirectory(prefix="briefing-") as folder:
        source, target = Path(folder) / "pack.html", Path(folder) / "pack.pdf"
        source.write_text(document, encoding="utf-8")
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", f"--user-data-dir={folder}/profile",
             "--no-pdf-header-footer", "--generate-pdf-document-outline",
             f"--print-to-pdf={target}", source.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        return target.read_bytes()


def _main(argv: list[str] | None = None) -> int:
    from data_access import queries
    from data_access.briefing import briefing_figures
    from data_access.engine import make_engine
    from data_access.store import ensure_store
    from domain.briefing_figures import default_period
    from geo.areas import AREA_COMMITTEES

    parser = argparse.ArgumentParser(prog="python -m dashboard.briefing_pack")
    parser.add_argument("--area", choices=list(AREA_COMMITTEES), action="append")
    parser.add_argument("--out", type=Path, default=Path("var/briefings"))
    parser.add_argument("--benchmark", action="store_true", help="time one pack per area")
    args = parser.parse_args(argv)
    engine = make_engine()
    ensure_store(engine)
    areas = args.area or list(AREA_COMMITTEES)
    args.out.mkdir(parents=True, exist_ok=True)
    for area in areas:
        started = time.perf_counter()
        with engine.connect() as connection:
            as_of = queries.data_as_of(connection)
            figures = briefing_figures(connection, area, default_period(as_of))
            synthetic = queries.dataset_info(connection).get("is_synthetic") == "true"
        context = PackContext(
            source="Synthetic demo data" if synthetic else "Bradford partnership data",
            as_of=as_of, period=figures.period.label(), synthetic=synthetic,
        )  # fmt: skip
        pdf = build_pack(figures, context)
        path = args.out / pack_filename(figures.area_name, as_of, figures.period.end)
        path.write_bytes(pdf)
        seconds = time.perf_counter() - started
        goal = " (goal: under 20 s)" if args.benchmark else ""
        print(f"{path}  {len(pdf):,} bytes  {seconds:.1f} s{goal}")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
