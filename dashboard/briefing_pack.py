"""The briefing pack as a PDF: the same six slides, charts as static images rendered offline
(Plotly → Kaleido → the machine's Chromium), a footer on every page.

``python -m dashboard.briefing_pack --area SOUTH --out DIR`` writes a pack;
``--benchmark`` times one pack per area (the under-20-seconds goal lives here, not in a test).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import plotly.graph_objects as go
import plotly.io as pio
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from dashboard import briefing_slides as slides
from dashboard.charts import ChartContext
from dashboard.services_tables import BRIEFING_HEADER, briefing_rows
from domain.briefing_figures import BriefingFigures
from domain.narrative import narrative

PAGE = landscape(A4)
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


def pack_filename(area_name: str, as_of: date) -> str:
    """'briefing-bradford-south-2026-10-31.pdf'."""
    slug = re.sub(r"[^a-z0-9]+", "-", area_name.lower()).strip("-")
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


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontSize=26, leading=32,
                                alignment=0, spaceAfter=6),
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontSize=20, leading=24,
                             spaceAfter=8, textColor=colors.HexColor("#12436D")),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontSize=14, leading=18, spaceAfter=4),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontSize=12, leading=16),
        "small": ParagraphStyle("small", parent=base["BodyText"], fontSize=10, leading=13),
    }  # fmt: skip


def _table(rows: list[list[str]], widths: list[float], header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 11),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#B1B4B6")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if header:
        style += [
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 11),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F3F2F1")),
        ]
    table.setStyle(TableStyle(style))
    return table


def _image(png: bytes, width_mm: float) -> Image:
    image = Image(io.BytesIO(png))
    ratio = image.imageHeight / image.imageWidth
    image.drawWidth = width_mm * mm
    image.drawHeight = width_mm * mm * ratio
    return image


def build_pack(figures: BriefingFigures, context: PackContext, threshold: int = 5) -> bytes:
    """The six-slide briefing as PDF bytes."""
    styles = _styles()
    chart_context = ChartContext(source=context.source, as_of=context.as_of)
    with ChartRenderer() as renderer:
        map_png = renderer.png(slides.map_figure(figures, chart_context), 1100, 760)
        trend_pngs = [
            renderer.png(fig, 1400, 560) for fig in slides.trend_figures(figures, chart_context)
        ]

    story: list = []
    story.append(
        Paragraph(f"Child exploitation: briefing for {escape(figures.area_name)}", styles["title"])
    )
    story.append(Paragraph(
        f"{escape(figures.period.label())} compared with {escape(figures.period.label('previous'))}",
        styles["h2"]))  # fmt: skip
    story.append(Paragraph("1. " + slides.SLIDE_TITLES[0], styles["h1"]))
    header = [
        Paragraph(f"<b>{text}</b>", styles["small"])
        for text in ("Measure", f"{escape(figures.area_name)}<br/>earlier year",
                     f"{escape(figures.area_name)}<br/>latest year", "Change",
                     "District<br/>earlier year", "District<br/>latest year", "Change")
    ]  # fmt: skip
    story.append(_table([header, *slides.headline_rows(figures, threshold)],
                        [82 * mm, 28 * mm, 28 * mm, 22 * mm, 28 * mm, 28 * mm, 22 * mm]))  # fmt: skip
    story.append(Spacer(1, 6 * mm))
    for sentence in narrative(figures, threshold):
        story.append(Paragraph(escape(sentence), styles["body"]))
        story.append(Spacer(1, 2 * mm))
    story.append(
        Paragraph("c: hidden to protect children's privacy (see data notes).", styles["small"])
    )
    story.append(PageBreak())

    story.append(Paragraph("2. " + slides.SLIDE_TITLES[1], styles["h1"]))
    story.append(Table(
        [[_image(map_png, 165), _table([["Ward", "Referrals"], *slides.ward_rows(figures)],
                                       [60 * mm, 25 * mm])]],
        colWidths=[170 * mm, 90 * mm],
        style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]),
    ))  # fmt: skip
    story.append(PageBreak())

    story.append(Paragraph("3. " + slides.SLIDE_TITLES[2], styles["h1"]))
    for png in trend_pngs[:2]:
        story.append(_image(png, 240))
    story.append(PageBreak())
    story.append(Paragraph("3. " + slides.SLIDE_TITLES[2] + " (continued)", styles["h1"]))
    story.append(_image(trend_pngs[2], 240))
    story.append(PageBreak())

    story.append(Paragraph("4. " + slides.SLIDE_TITLES[3], styles["h1"]))
    for objective in slides.objectives_rows(figures, markers=False):
        block = [Paragraph(escape(objective["title"]), styles["h2"]),
                 Paragraph(escape(objective["counts"]), styles["small"])]  # fmt: skip
        block += [Paragraph("• " + escape(a), styles["small"]) for a in objective["actions"]]
        story.append(KeepTogether(block))
    story.append(PageBreak())

    story.append(Paragraph("5. " + slides.SLIDE_TITLES[4], styles["h1"]))
    services_header = [Paragraph(f"<b>{escape(h)}</b>", styles["small"]) for h in BRIEFING_HEADER]
    services_rows = [[Paragraph(escape(cell), styles["small"]) if i < 2 else cell
                      for i, cell in enumerate(row)] for row in briefing_rows(figures.services)]  # fmt: skip
    story.append(_table([services_header, *services_rows],
                        [55 * mm, 95 * mm, 30 * mm, 25 * mm, 30 * mm, 25 * mm]))  # fmt: skip
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(
        "Children in the service: one-to-one cases open at the end of the period (cases whose "
        "address is withheld count in the district only). Also working across the district:",
        styles["body"]))  # fmt: skip
    for name, what in slides.SERVICES[4:]:
        story.append(Paragraph(f"<b>{escape(name)}</b>: {escape(what)}", styles["body"]))
    story.append(PageBreak())

    story.append(Paragraph("6. " + slides.SLIDE_TITLES[5], styles["h1"]))
    for term, meaning in slides.DEFINITIONS:
        story.append(Paragraph(f"<b>{escape(term)}</b>: {escape(meaning)}", styles["small"]))
        story.append(Spacer(1, 1.5 * mm))
    story.append(Paragraph("Data notes", styles["h2"]))
    for note in slides.data_notes(threshold, context.synthetic):
        story.append(Paragraph("• " + escape(note), styles["small"]))

    def footer(canvas, document) -> None:  # noqa: ANN001
        canvas.saveState()
        canvas.setFont("Helvetica", 9)
        canvas.setFillColor(colors.HexColor("#505A5F"))
        canvas.drawString(12 * mm, 8 * mm, context.footer())
        canvas.drawRightString(PAGE[0] - 12 * mm, 8 * mm, f"Page {document.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=PAGE, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
        bottomMargin=16 * mm, title=f"Child exploitation briefing: {figures.area_name}",
        author="Bradford partnership dashboard",
    )  # fmt: skip
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


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
        path = args.out / pack_filename(figures.area_name, as_of)
        path.write_bytes(pdf)
        seconds = time.perf_counter() - started
        goal = " (goal: under 20 s)" if args.benchmark else ""
        print(f"{path}  {len(pdf):,} bytes  {seconds:.1f} s{goal}")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
