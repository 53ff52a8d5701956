"""Styles every page shares: a visible keyboard focus ring, print layout, and narrow screens.

Streamlit's own focus styles are nearly invisible on the sidebar links (1.09:1) and radios; WCAG
2.2 (2.4.11 focus not obscured, 2.4.13 focus appearance) asks for a ring of at least 2 px with
3:1 contrast. Printing a page from the browser should give the page, not the sidebar, with the
charts inside the paper.
"""

from __future__ import annotations

import streamlit as st

FOCUS_COLOUR = "#0B0C0C"  # near-black on white: 19:1
FOCUS_HALO = "#FFDD00"  # the GOV.UK focus yellow around it, so it shows on dark buttons too

STYLE = f"""
<style>
/* Keyboard focus: a thick dark ring with a yellow halo on every interactive element. */
a:focus-visible, button:focus-visible, summary:focus-visible, [role="tab"]:focus-visible,
[data-testid="stSidebarNav"] a:focus-visible, [data-testid="stSidebarNavLink"]:focus-visible,
[role="radiogroup"] label:has(input:focus-visible), [data-testid="stCheckbox"] label:has(input:focus-visible),
[data-baseweb="select"]:focus-within, [data-baseweb="input"]:focus-within,
[role="slider"]:focus-visible, [data-testid="stExpander"] summary:focus-visible {{
  outline: 3px solid {FOCUS_COLOUR} !important;
  outline-offset: 2px !important;
  box-shadow: 0 0 0 6px {FOCUS_HALO} !important;
  border-radius: 4px;
}}
/* Chart summaries are read from the chart's aria-label; their own holder takes no space. */
[data-testid="stElementContainer"]:has(p.chart-summary) {{ display: none; }}
/* Tables: headers and cells wrap rather than being cut. */
[data-testid="stTable"] th, [data-testid="stTable"] td {{ white-space: normal !important; }}
/* Phones: metrics stay readable and nothing forces the page wider than the screen. */
@media (max-width: 640px) {{
  [data-testid="stMetricValue"] {{ font-size: 1.9rem !important; }}
  [data-testid="stMainBlockContainer"] {{ padding-left: 0.75rem; padding-right: 0.75rem; }}
  /* Charts keep a readable plot (the legend sits to the right) and scroll sideways instead. */
  [data-testid="stElementContainer"]:has(> [data-testid="stFullScreenFrame"] > [data-testid="stPlotlyChart"]) {{
    overflow-x: auto;
  }}
  [data-testid="stFullScreenFrame"]:has(> [data-testid="stPlotlyChart"]) {{ min-width: 680px; }}
}}
/* Printing: the page only (no sidebar, header, buttons), charts scaled into the paper. */
@page {{ size: A4 landscape; margin: 12mm; }}
@media print {{
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stDownloadButton"],
  [data-testid="stButton"], [data-testid="stBaseButton-headerNoPadding"],
  [data-testid="stExpander"], [data-testid="stFileUploader"], .modebar-container {{
    display: none !important;
  }}
  [data-testid="stMain"], .stMain {{ margin-left: 0 !important; align-items: flex-start !important; }}
  [data-testid="stMainBlockContainer"] {{
    width: 1000px !important; max-width: 1000px !important; padding: 0 !important;
    margin: 0 !important;
  }}
  [data-testid="stPlotlyChart"], [data-testid="stMetric"], [data-testid="stTable"] {{
    break-inside: avoid;
  }}
  [data-testid="stAppViewContainer"], [data-testid="stMain"] {{ overflow: visible !important; }}
}}
</style>
"""


# Each chart's summary sentence (a hidden <p class="chart-summary" data-chart="chart-KEY"> written
# by ui.chart) becomes the aria-label of the chart it describes, with role="figure" so the chart's
# own controls stay reachable. Re-applied whenever Streamlit redraws part of the page.
LABEL_SCRIPT = """
<script>
(function () {
  const label = () => document.querySelectorAll('p.chart-summary[data-chart]').forEach((p) => {
    const box = document.querySelector('.st-key-' + p.dataset.chart + ' [data-testid="stPlotlyChart"]');
    if (box && box.getAttribute('aria-label') !== p.textContent) {
      box.setAttribute('role', 'figure');
      box.setAttribute('aria-label', p.textContent);
    }
  });
  // Printing: a chart drawn wider than A4 landscape (about 1,000 px) is shrunk to fit it.
  if (!window.__printFit) {
    window.__printFit = true;
    window.addEventListener('beforeprint', () => {
      document.querySelectorAll('[data-testid="stPlotlyChart"]').forEach((chart) => {
        chart.style.zoom = String(Math.min(1, 1000 / Math.max(1000, chart.offsetWidth)));
      });
    });
    window.addEventListener('afterprint', () => {
      document.querySelectorAll('[data-testid="stPlotlyChart"]').forEach((chart) => {
        chart.style.zoom = '';
      });
    });
  }
  if (!window.__chartLabels) {
    window.__chartLabels = new MutationObserver(label);
    window.__chartLabels.observe(document.body, {childList: true, subtree: true});
  }
  label();
})();
</script>
"""


def apply() -> None:
    """Add the shared styles and the chart-label script to this run (from app.py)."""
    st.html(STYLE)
    st.sidebar.html(LABEL_SCRIPT, unsafe_allow_javascript=True)
