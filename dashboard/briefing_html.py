"""The briefing pack as one HTML document, printed to a tagged (accessible) PDF by Chromium.

Why HTML: Chromium's print-to-PDF writes a tagged PDF (headings, tables, figures with their
alternative text, reading order), which a council agenda needs and reportlab cannot make. Layout
rules for A4 landscape: one heading per page, each page filled, no text under 9 pt (the smallest
here is the 9.5 pt footer; chart images are drawn at their own pixel size, so their 13 px text
prints at 9.75 pt).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape

import polars as pl

STYLE = """
@page {
  size: A4 landscape; margin: 11mm 12mm 15mm 12mm;
  @bottom-left { content: "%(footer)s"; font: 9.5pt Arial, sans-serif; color: #505A5F; }
  @bottom-right { content: "Page " counter(page); font: 9.5pt Arial, sans-serif; color: #505A5F; }
}
html { font-family: Arial, Helvetica, sans-serif; color: #0B0C0C; font-size: 12pt; }
body { margin: 0; }
section { break-after: page; height: 182mm; overflow: hidden; display: flex; flex-direction: column; }
section:last-child { break-after: auto; }
h1 { font-size: 22pt; margin: 0 0 2mm; color: #12436D; }
h2 { font-size: 20pt; margin: 0 0 3mm; color: #12436D; }
p.sub { font-size: 13pt; margin: 0 0 4mm; }
table { border-collapse: collapse; font-size: 11.5pt; }
table.headline { font-size: 13.5pt; width: 100%; } table.headline th, table.headline td { padding: 2.6mm 2.4mm; }
ul.big { font-size: 14pt; margin-top: 6mm; } ul.big li { margin-bottom: 3mm; }
.fill { grid-auto-rows: 1fr; } .fill .card p { font-size: 14pt; }
table.services { width: 100%; font-size: 13pt; } table.services th, table.services td { padding: 2.6mm 2.4mm; }
th, td { border: 0.6pt solid #B1B4B6; padding: 1.6mm 2.2mm; text-align: right; vertical-align: top; }
th { background: #F3F2F1; }
th:first-child, td:first-child { text-align: left; }
ul { margin: 2mm 0; padding-left: 6mm; } li { margin-bottom: 1.6mm; line-height: 1.3; }
.note { font-size: 10pt; color: #3D3D3D; }
.grid { display: grid; gap: 4mm; flex: 1; }
.two { grid-template-columns: 1fr 1fr; }
.map { grid-template-columns: auto 1fr; align-items: start; }
.card { border: 0.6pt solid #B1B4B6; padding: 2.5mm 3.5mm; }
.card p { margin: 0 0 1mm; } .card strong { font-size: 12pt; }
.card ul { font-size: 11pt; margin: 1mm 0; } .card li { margin-bottom: 0.8mm; }
figure { margin: 0; } img { display: block; }
dl { margin: 0; columns: 2; column-gap: 8mm; font-size: 11pt; }
dt { font-weight: bold; break-after: avoid; } dd { margin: 0 0 2.4mm; break-inside: avoid; line-height: 1.3; }
"""


def image(png: bytes, alt: str, width_px: int) -> str:
    """A chart image drawn at its own pixel width (1 image px = 1 CSS px) with its alt text."""
    data = base64.b64encode(png).decode()
    return f'<figure><img src="data:image/png;base64,{data}" alt="{escape(alt)}" style="width:{width_px}px"></figure>'


def table(
    header: Sequence[str], rows: Sequence[Sequence[str]], caption: str = "", css_class: str = ""
) -> str:
    head = "".join(f'<th scope="col">{cell}</th>' for cell in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<th scope="row">{escape(str(c))}</th>' if i == 0 else f"<td>{escape(str(c))}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    cap = f'<caption class="note">{escape(caption)}</caption>' if caption else ""
    return f"<table class='{css_class}'>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def frame_table(frame: pl.DataFrame, caption: str = "") -> str:
    return table(
        [escape(c) for c in frame.columns], [[str(v) for v in r] for r in frame.rows()], caption
    )


def section(heading: str, body: str, level: int = 2) -> str:
    """One page: exactly one heading, then its content."""
    return f"<section><h{level}>{escape(heading)}</h{level}>{body}</section>"


def document(title: str, footer: str, sections: Sequence[str]) -> str:
    css = STYLE.replace("%(footer)s", footer.replace("\\", "\\\\").replace('"', '\\"'))
    return (
        f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title><style>{css}</style></head><body>{''.join(sections)}</body></html>"
    )
