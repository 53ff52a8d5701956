"""The app's own table downloads: a CSV that carries its context, with a name that says what it is.

A table taken away from the dashboard is read later, by someone else, out of context. Like
Fingertips' downloads, each file starts with a block of ``#`` comment lines: title, source, data
as-of date, area, period and filters, disclosure status and, for demo data, the synthetic-data
line. Text cells are neutralised against spreadsheet formulas (``domain.csv_safe``). The Streamlit
button lives in ``dashboard/ui.py``; this module is pure so that it can be unit tested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from domain.csv_safe import neutralise, to_safe_csv

SYNTHETIC_LINE = (
    "Synthetic demo data: every child, referral and episode in this file is invented; no real "
    "person is described."
)
DISTRICT = "Bradford District"


@dataclass(frozen=True)
class DownloadContext:
    """What a downloaded table is: written at the top of the file and into its name."""

    title: str
    page: str
    as_of: date
    disclosure: str
    source: str = "Bradford District child exploitation dashboard (partnership data)"
    area: str | None = None  # an Area Committee's name; None for the whole district
    period: tuple[date, date] | None = None  # first and last month shown
    filters: dict[str, str] = field(default_factory=dict)
    synthetic: bool = False


def disclosure_status(role: str, threshold: int) -> str:
    """The disclosure line for a role ('c' for Area Committees, a warning for the others)."""
    if role == "area_committee":
        return (
            f"Area Committee disclosure control: counts 1–{threshold - 1} and cells that would "
            "reveal them shown as c"
        )
    if role == "mace":
        return "Not suppressed: MACE members only. Confidential; do not publish or forward"
    if role == "data_manager":
        return "Not suppressed: for data management only. Do not publish"
    return (
        "Not suppressed (strategic lead view): do not publish without Area Committee "
        "disclosure control"
    )


def _month(day: date) -> str:
    return f"{day:%b %Y}"


def context_lines(context: DownloadContext) -> list[str]:
    """The header block, one ``# Label: value`` line each, in a fixed order."""
    lines = [
        f"Title: {context.title}",
        f"Source: {context.source}; page: {context.page}",
        f"Data as of: {context.as_of:%-d %B %Y}",
        f"Area: {context.area or DISTRICT}",
    ]
    if context.period:
        first, last = context.period
        shown = _month(first) if first == last else f"{_month(first)} to {_month(last)}"
        lines.append(f"Period: {shown}")
    if context.filters:
        lines.append(
            "Filters: " + "; ".join(f"{name}: {value}" for name, value in context.filters.items())
        )
    lines.append(f"Disclosure: {context.disclosure}")
    if context.synthetic:
        lines.append(SYNTHETIC_LINE)
    return ["# " + neutralise(" ".join(line.split())) for line in lines]


def csv_with_context(frame: pl.DataFrame, context: DownloadContext) -> bytes:
    """UTF-8 CSV (BOM for Excel): the context block, then the table with text cells neutralised."""
    block = "\n".join(context_lines(context)) + "\n"
    body = to_safe_csv(frame).decode("utf-8-sig")
    return "\ufeff".encode() + (block + body).encode("utf-8")


def slug(text: str) -> str:
    """'Bradford South' -> 'bradford-south' (ASCII letters, digits and hyphens only)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def download_name(subject: str, area: str | None, period: tuple[date, date] | None,
                  as_of: date) -> str:  # fmt: skip
    """File name by subject, area and period, e.g. 'referrals-by-ward-bradford-south-2025-11-to-
    2026-10.csv'; without a period, by the data-as-of date."""
    parts = [slug(subject), slug(area or DISTRICT)]
    if period:
        first, last = period
        parts.append(f"{first:%Y-%m}" if first == last else f"{first:%Y-%m}-to-{last:%Y-%m}")
    else:
        parts.append(f"as-of-{as_of:%Y-%m-%d}")
    return "-".join(p for p in parts if p)[:150] + ".csv"
