"""CSV downloads that spreadsheet programs cannot execute.

A cell beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return is read as a formula by
Excel; such text cells get a leading apostrophe (OWASP's advice). Numbers are left alone.
"""

from __future__ import annotations

import polars as pl

from domain.frames import mapped

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix a text cell that a spreadsheet would treat as a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def to_safe_csv(frame: pl.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM so Excel reads accents right) with every text cell neutralised."""
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    safe = frame.with_columns([mapped(frame[name], neutralise) for name in text_columns])
    return "\ufeff".encode() + safe.write_csv().encode("utf-8")
