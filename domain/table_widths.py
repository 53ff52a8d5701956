"""Column widths that fit a table into the room it has, wrapping long text instead of cutting it.

Pure rules. Short columns (numbers, dates, codes, statuses) get the width of their content;
long text columns share what is left, and rows grow tall enough for the text to wrap, so no
column is cut and no number needs sideways scrolling.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

CHAR_PX = 7.6  # average width of a character in the table font
HEADER_CHAR_PX = 8.2
PADDING_PX = 26  # cell padding plus the sort arrow
LINE_PX = 22
ROW_PADDING_PX = 18
MIN_TEXT_PX = 88
MAX_LINES = 4
LONG_TEXT = 14  # characters: longer than this, a column may wrap


@dataclass(frozen=True)
class Fit:
    widths: dict[str, int]
    row_height: int | None  # None: one line is enough


def fit_columns(
    headers: Sequence[str], longest: Sequence[int], room_px: int, wrap: Sequence[bool] | None = None
) -> Fit:
    """Widths for columns whose longest cell has ``longest[i]`` characters, within ``room_px``.

    ``wrap[i]`` says whether a column may wrap (text); others (numbers, dates) never do.
    """
    wrap = list(wrap) if wrap is not None else [n > LONG_TEXT for n in longest]
    header_px = [math.ceil(len(h) * HEADER_CHAR_PX + PADDING_PX) for h in headers]
    natural = [
        max(header_px[i], math.ceil(min(longest[i], 80) * CHAR_PX + PADDING_PX))
        for i in range(len(headers))
    ]
    if sum(natural) <= room_px:
        return Fit(dict(zip(headers, natural, strict=True)), None)
    wrapping = [i for i in range(len(headers)) if wrap[i] and longest[i] > LONG_TEXT]
    full = [math.ceil(n * CHAR_PX + PADDING_PX) for n in longest]  # for counting wrapped lines
    fixed = sum(natural[i] for i in range(len(headers)) if i not in wrapping)
    left = max(room_px - fixed, MIN_TEXT_PX * max(len(wrapping), 1))
    want = sum(natural[i] for i in wrapping) or 1
    widths = list(natural)
    lines = 1
    for i in wrapping:
        widths[i] = max(MIN_TEXT_PX, header_px[i], math.floor(left * natural[i] / want))
        lines = max(lines, math.ceil(full[i] / widths[i]))
    # Header minimums can push the total over: take the excess from the widest text columns.
    overflow = sum(widths) - room_px
    for i in sorted(wrapping, key=lambda i: -widths[i]):
        if overflow <= 0:
            break
        floor = max(MIN_TEXT_PX, header_px[i])
        cut = min(widths[i] - floor, overflow)
        widths[i] -= cut
        overflow -= cut
        lines = max(lines, math.ceil(full[i] / widths[i]))
    lines = min(lines, MAX_LINES)
    row_height = None if lines == 1 else lines * LINE_PX + ROW_PADDING_PX
    return Fit(dict(zip(headers, widths, strict=True)), row_height)
